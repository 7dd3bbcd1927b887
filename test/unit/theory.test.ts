import { describe, expect, it } from 'vitest';
import {
  BOUNDARY_TABLE_P,
  CLOSED_FORM_TRIPLE_POINT,
  R_STAR_AT_P1,
  bestAntipodalPair,
  bestTriangle,
  closedFormLosses,
  computeBoundaryRatios,
  expectedFeatureLoss,
  expectedModelLoss,
  optimalFeatureBias,
  smallNormLimit21,
  theoryAgreement,
  theoryBoundaryDistance,
  theoryBoundaryDistance32,
  theoryBoundaryRatios,
  theoryLosses,
  theoryLosses32,
  theoryRegime,
  theoryRegime32,
} from '../../src/science/theory.js';
import { Regime, classifyFeature, classifyFeatures, regimeNames } from '../../src/science/regimes.js';

const v = (p: number): number => p / 3 - (p * p) / 4;

/** mulberry32: a small seeded PRNG for the Monte Carlo checks. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** One sample of Σ_i I_i (x_i − ReLU(Wᵀ W x + b)_i)² for the ReLU-output model. */
function sampleLoss(W: readonly (readonly number[])[], b: readonly number[], I: readonly number[], x: readonly number[]): number {
  const h = W.map((row) => row.reduce((s, w, i) => s + w * x[i]!, 0));
  let loss = 0;
  for (let i = 0; i < b.length; i++) {
    const out = Math.max(0, W.reduce((s, row, k) => s + row[i]! * h[k]!, b[i]!));
    loss += I[i]! * (x[i]! - out) ** 2;
  }
  return loss;
}

/** Monte Carlo mean and standard error of the loss (each x_i: 0 w.p. 1 − p, else U[0,1]). */
function monteCarlo(W: readonly (readonly number[])[], b: readonly number[], I: readonly number[], p: number, samples: number, seed: number): { mean: number; se: number } {
  const rand = rng(seed);
  let sum = 0;
  let sum2 = 0;
  const x = new Array<number>(b.length).fill(0);
  for (let s = 0; s < samples; s++) {
    for (let i = 0; i < b.length; i++) x[i] = rand() < p ? rand() : 0;
    const l = sampleLoss(W, b, I, x);
    sum += l;
    sum2 += l * l;
  }
  const mean = sum / samples;
  return { mean, se: Math.sqrt((sum2 / samples - mean * mean) / samples) };
}

describe('exact expectations', () => {
  it('reproduce the closed-form cases exactly', () => {
    for (const p of [0.01, 0.3, 4 / 7, 1]) {
      // A dropped feature with its optimal bias p/2: Var(x) = p/3 − p²/4.
      expect(expectedFeatureLoss([0, 0], 1, p / 2, p)).toBeCloseTo(v(p), 15);
      expect(optimalFeatureBias([0, 0], 1, p).bias).toBeCloseTo(p / 2, 7);
      // A dedicated feature is reconstructed perfectly.
      expect(expectedFeatureLoss([1, 0], 0, 0, p)).toBeLessThan(1e-16);
      // The closed forms' antipodal pair W = (1, −1), b = 0: (1 + r) p² / 6.
      for (const r of [0.1, 1, 10]) expect(expectedModelLoss([[1, -1]], [0, 0], [1, r], p)).toBeCloseTo(closedFormLosses(p, r).superposition, 14);
    }
    // p = 1, a = c = 1/√2, b = 1/2: each output is (x_0 − x_1 + 1)/2 (never clipped), error
    // (x_0 + x_1 − 1)/2, E = Var(x_0 + x_1)/4 = 1/24 per feature: the drops' 1/12 exactly.
    const s = Math.SQRT1_2;
    expect(expectedModelLoss([[s, -s]], [0.5, 0.5], [1, 1], 1)).toBeCloseTo(1 / 12, 15);
  });

  it('agree with Monte Carlo (2e5 samples, within 4 standard errors)', () => {
    const pair = bestAntipodalPair(0.3, 0.5);
    const tri = bestTriangle(0.7, 1.2);
    const cases: Array<{ W: number[][]; b: number[]; I: number[]; p: number; samples?: number }> = [
      { W: [[0.8, -0.8]], b: [0.28, 0.28], I: [1, 1], p: 0.65 },
      { W: [[pair.a, -pair.c]], b: pair.bias, I: [1, 0.5], p: 0.3 },
      { W: [[0.3, -1.2, 0.7], [1.1, 0.4, -0.5]], b: [0.1, -0.2, 0.3], I: [1, 1, 2], p: 0.3 },
      { W: tri.W, b: tri.bias, I: [1, 1, 1.2], p: 0.7 },
      // Sparse: most samples have zero loss, so 1e6 samples for a 2 % standard error.
      { W: [[1.02, -0.97, 0], [0, 0, 1]], b: [-0.01, 0.02, 0], I: [1, 0.7, 1], p: 0.05, samples: 1_000_000 },
    ];
    cases.forEach(({ W, b, I, p, samples }, k) => {
      const exact = expectedModelLoss(W, b, I, p);
      const mc = monteCarlo(W, b, I, p, samples ?? 200_000, 1 + k);
      // The check is only meaningful if the standard error is small against the loss.
      expect(mc.se / exact, `case ${k}: relative standard error`).toBeLessThan(0.025);
      expect(Math.abs(exact - mc.mean), `case ${k}: exact ${exact} vs MC ${mc.mean} ± ${mc.se}`).toBeLessThan(4 * mc.se);
    });
    // The candidate objects report the losses of their own W and b.
    expect(expectedModelLoss([[pair.a, -pair.c]], pair.bias, [1, 0.5], 0.3)).toBeCloseTo(pair.loss, 13);
    expect(expectedModelLoss(tri.W, tri.bias, [1, 1, 1.2], 0.7)).toBeCloseTo(tri.loss, 13);
  });

  it('optimalFeatureBias finds the minimum of a fine scan', () => {
    for (const [row, i, p] of [
      [[0.64, -0.64], 0, 0.65],
      [[0.9, -0.3, -0.4], 0, 0.2],
      [[-0.2, -0.2, 1.1], 2, 0.05],
      [[1.0, 0.7], 0, 0.14], // positive interference: not unimodal in general
    ] as Array<[number[], number, number]>) {
      const best = optimalFeatureBias(row, i, p);
      let scan = Infinity;
      for (let b = -2; b <= 2; b += 1e-3) scan = Math.min(scan, expectedFeatureLoss(row, i, b, p));
      expect(best.loss).toBeLessThanOrEqual(scan + 1e-12);
      expect(expectedFeatureLoss(row, i, best.bias, p)).toBeCloseTo(best.loss, 15);
    }
  });

  it('rejects bad input', () => {
    expect(() => expectedFeatureLoss([1, 1, 1, 1, 1], 0, 0, 0.5)).toThrow(RangeError);
    expect(() => expectedFeatureLoss([1], 1, 0, 0.5)).toThrow(/i = 1/);
    expect(() => expectedFeatureLoss([1], 0, 0, 1.5)).toThrow(RangeError);
  });
});

describe('exact n = 2, m = 1 theory', () => {
  it('r = 1, p = 0.65: the best antipodal pair (a = c ≈ 0.803, b ≈ 0.281) loses 0.105333 against 0.111042 for either drop', () => {
    const pair = bestAntipodalPair(0.65, 1);
    expect(pair.loss).toBeCloseTo(0.1053334, 6);
    expect(pair.a).toBeCloseTo(0.8029, 3);
    expect(pair.c).toBeCloseTo(0.8029, 3);
    expect(pair.bias[0]).toBeCloseTo(0.2808, 3);
    // The point quoted in the notes (‖W_i‖ = 0.8, b = 0.28): 0.10534.
    expect(expectedModelLoss([[0.8, -0.8]], [0.28, 0.28], [1, 1], 0.65)).toBeCloseTo(0.105342, 5);
    const l = theoryLosses(0.65, 1);
    expect(l.notRepresented).toBeCloseTo(0.1110417, 6);
    expect(l.dedicatedExtra).toBeCloseTo(0.1110417, 6);
    expect(l.superposition).toBeCloseTo(pair.loss, 12);
    expect(theoryRegime(0.65, 1)).toBe(Regime.superposition);
    // The closed form said the drops win there ((1 + r) p²/6 = 0.1408 > 0.1110).
    expect(closedFormLosses(0.65, 1).superposition).toBeGreaterThan(0.14);
  });

  it('has no triple point: superposition wins at r = 1 for every p ≤ 1 (the closed forms met at p = 4/7)', () => {
    // The wedge r*(p) < r < 1/r*(p) stays open up to p = 1.
    for (const p of BOUNDARY_TABLE_P) expect(theoryBoundaryRatios(p).notRepresentedSuperposition, `p = ${p}`).toBeLessThan(0.99);
    expect(R_STAR_AT_P1).toBeGreaterThan(0.985);
    expect(R_STAR_AT_P1).toBeLessThan(0.992);
    for (const p of [CLOSED_FORM_TRIPLE_POINT.p, 0.7, 0.8, 0.9, 0.95, 1]) expect(theoryRegime(p, 1), `p = ${p}`).toBe(Regime.superposition);
    // At the closed-form triple point the exact pair is 7 % below the drops.
    const l = theoryLosses(CLOSED_FORM_TRIPLE_POINT.p, 1);
    expect(l.superposition / l.notRepresented).toBeLessThan(0.94);
    // At p = 1 the symmetric pair only ties the drops (1/12, above), an asymmetric one wins.
    const dense = bestAntipodalPair(1, 1);
    expect(dense.loss).toBeCloseTo(0.0832542, 6);
    expect(dense.loss).toBeLessThan(1 / 12 - 7e-5);
    expect(Math.min(dense.a, dense.c)).toBeCloseTo(0.367, 2);
    expect(Math.max(dense.a, dense.c)).toBeCloseTo(0.936, 2);
  });

  it('the asymmetric pair beats both drops at p = 0.9, r = 1 (paired Monte Carlo, 2e6 samples)', () => {
    const pair = bestAntipodalPair(0.9, 1);
    expect(pair.loss).toBeCloseTo(0.0970942, 6);
    expect(v(0.9) - pair.loss).toBeGreaterThan(4e-4);
    const rand = rng(99);
    const W = [[pair.a, -pair.c]];
    let sum = 0;
    let sum2 = 0;
    const n = 2_000_000;
    for (let s = 0; s < n; s++) {
      const x = [rand() < 0.9 ? rand() : 0, rand() < 0.9 ? rand() : 0];
      // The drop: whichever feature is dropped is predicted by its mean p/2, the other exactly.
      const d = sampleLoss(W, pair.bias, [1, 1], x) - (x[pair.a < pair.c ? 0 : 1]! - 0.45) ** 2;
      sum += d;
      sum2 += d * d;
    }
    const mean = sum / n;
    const se = Math.sqrt((sum2 / n - mean * mean) / n);
    expect(mean + 3 * se).toBeLessThan(0);
    expect(Math.abs(mean - (pair.loss - v(0.9)))).toBeLessThan(4 * se);
  });

  it('dense limit (p = 1): no superposition outside a 1 % band around r = 1', () => {
    for (const r of [0.1, 0.5, 0.9, 0.98]) expect(theoryRegime(1, r), `r = ${r}`).toBe(Regime.notRepresented);
    for (const r of [1.02, 1.1, 2, 10]) expect(theoryRegime(1, r), `r = ${r}`).toBe(Regime.dedicated);
    for (const r of [0.99, 1, 1.01]) expect(theoryRegime(1, r), `r = ${r}`).toBe(Regime.superposition);
    // Exact losses agree: at r = 0.9 nothing beats dropping feature 1.
    const l = theoryLosses(1, 0.9);
    expect(l.superposition).toBeGreaterThanOrEqual(l.notRepresented * (1 - 1e-9));
  });

  it('sparse limit: superposition for r near 1 and down to r* ≈ 0.43 p', () => {
    for (const r of [0.1, 0.5, 1, 2, 10]) expect(theoryRegime(0.01, r), `r = ${r}`).toBe(Regime.superposition);
    expect(theoryRegime(0.01, 0.003)).toBe(Regime.notRepresented);
    expect(theoryRegime(0.01, 300)).toBe(Regime.dedicated);
    expect(theoryBoundaryRatios(0.001).notRepresentedSuperposition / 0.001).toBeCloseTo(0.427, 3);
    // Extrapolated below the table: r* ∝ p.
    expect(theoryBoundaryRatios(1e-4).notRepresentedSuperposition / 1e-4).toBeCloseTo(0.427, 2);
  });

  it('the boundaries separate the exact losses (first-order region, p = 0.1 and 0.3)', () => {
    for (const p of [0.1, 0.3]) {
      const { notRepresentedSuperposition: r1, dedicatedSuperposition: r2 } = theoryBoundaryRatios(p);
      expect(r2).toBeCloseTo(1 / r1, 12);
      const above = theoryLosses(p, r1 * 1.02);
      expect(above.superposition).toBeLessThan(above.notRepresented * (1 - 1e-4));
      const below = theoryLosses(p, r1 * 0.98);
      expect(below.superposition).toBeGreaterThanOrEqual(below.notRepresented * (1 - 1e-9));
      const under = theoryLosses(p, r2 * 0.98);
      expect(under.superposition).toBeLessThan(under.dedicatedExtra * (1 - 1e-4));
      const over = theoryLosses(p, r2 * 1.02);
      expect(over.superposition).toBeGreaterThanOrEqual(over.dedicatedExtra * (1 - 1e-9));
    }
  });

  it('the onset is continuous for p ≈ 0.55 … 0.85: r* equals the small-norm limit κ(p)/v(p)', () => {
    for (const p of [0.6, 0.7, 0.8]) expect(theoryBoundaryRatios(p).notRepresentedSuperposition / smallNormLimit21(p)).toBeCloseTo(1, 3);
    // Elsewhere an interior pair does better than the limit (first order).
    expect(theoryBoundaryRatios(0.3).notRepresentedSuperposition).toBeLessThan(0.7 * smallNormLimit21(0.3));
    expect(R_STAR_AT_P1).toBeLessThan(smallNormLimit21(1) - 0.01);
    expect(smallNormLimit21(1)).toBeCloseTo(1, 12);
  });

  it('the tables match fresh minimisations (nodes to 1e-6, mid-points to 2e-3 away from the corners)', () => {
    for (const k of [10, 60, 120, 150]) {
      const p = BOUNDARY_TABLE_P[k]!;
      expect(theoryBoundaryRatios(p).notRepresentedSuperposition / computeBoundaryRatios(p).notRepresentedSuperposition).toBeCloseTo(1, 6);
    }
    for (const p of [0.0123, 0.2, 0.37, 0.66, 0.93]) {
      expect(theoryBoundaryRatios(p).notRepresentedSuperposition / computeBoundaryRatios(p).notRepresentedSuperposition, `p = ${p}`).toBeCloseTo(1, 2.7);
    }
  });

  it('theoryRegime is the argmin of the exact losses away from the boundaries', () => {
    const order = [Regime.notRepresented, Regime.dedicated, Regime.superposition];
    for (const [p, r] of [
      [1, 10],
      [1, 0.1],
      [0.5, 0.2],
      [0.5, 5],
      [0.2, 0.5],
      [0.05, 3],
      [0.8, 0.7],
    ] as Array<[number, number]>) {
      expect(theoryBoundaryDistance(p, r), `(${p}, ${r})`).toBeGreaterThan(0.05);
      const l = theoryLosses(p, r);
      const losses = [l.notRepresented, l.dedicatedExtra, l.superposition];
      // Ties (the superposition infimum equals a drop where the drop wins) go to the earlier entry.
      let best = 0;
      for (let k = 1; k < 3; k++) if (losses[k]! < losses[best]! * (1 - 1e-9)) best = k;
      expect(theoryRegime(p, r), `(${p}, ${r})`).toBe(order[best]);
    }
  });

  it('theoryBoundaryDistance is 0 on a boundary and grows away from it', () => {
    const r1 = theoryBoundaryRatios(0.3).notRepresentedSuperposition;
    expect(theoryBoundaryDistance(0.3, r1)).toBeLessThan(1e-3);
    expect(theoryBoundaryDistance(1, R_STAR_AT_P1)).toBeLessThan(1e-6);
    expect(theoryBoundaryDistance(1, 1)).toBeCloseTo(-Math.log(R_STAR_AT_P1), 6);
    // Euclidean in (ln p, ln r): never more than the distance along r alone.
    expect(theoryBoundaryDistance(1, 10)).toBeLessThan(Math.log(10 * R_STAR_AT_P1));
    expect(theoryBoundaryDistance(1, 10)).toBeGreaterThan(theoryBoundaryDistance(1, 2));
    expect(theoryBoundaryDistance(1, 2)).toBeGreaterThan(theoryBoundaryDistance(1, 1.1));
    expect(theoryBoundaryDistance(0.01, 1)).toBeGreaterThan(2);
  });

  it('rejects p outside (0, 1] and r <= 0', () => {
    expect(() => theoryLosses(0, 1)).toThrow(/\(0, 1\]/);
    expect(() => theoryLosses(1.5, 1)).toThrow(RangeError);
    expect(() => theoryRegime(0.5, 0)).toThrow(RangeError);
    expect(() => theoryRegime32(0.5, -1)).toThrow(RangeError);
    expect(() => theoryBoundaryDistance(2, 1)).toThrow(RangeError);
  });

  it('per-cell functions are fast: 65 536 cells in well under a second', () => {
    const cells = [];
    for (let i = 0; i < 256; i++) {
      for (let j = 0; j < 256; j++) {
        cells.push({ featureProbability: Math.pow(10, -2 + (2 * i) / 255), relativeImportance: Math.pow(10, -1 + (2 * j) / 255), regime: Regime.superposition });
      }
    }
    theoryAgreement(cells.slice(0, 10));
    const t0 = performance.now();
    const agreement = theoryAgreement(cells);
    const elapsed = performance.now() - t0;
    expect(agreement.compared + agreement.nearBoundary).toBe(65_536);
    expect(elapsed).toBeLessThan(1000);
  });
});

describe('closed forms (the first check)', () => {
  it('the three regions meet at r = 1, p = 4/7 (all losses 16/147)', () => {
    const l = closedFormLosses(4 / 7, 1);
    expect(l.dedicatedExtra).toBeCloseTo(16 / 147, 14);
    expect(l.notRepresented).toBeCloseTo(16 / 147, 14);
    expect(l.superposition).toBeCloseTo(16 / 147, 14);
    expect(CLOSED_FORM_TRIPLE_POINT).toEqual({ p: 4 / 7, r: 1 });
  });

  it('the candidate losses at p = 1, r = 10 (worked by hand)', () => {
    const l = closedFormLosses(1, 10);
    expect(l.dedicatedExtra).toBeCloseTo(1 / 12, 14);
    expect(l.notRepresented).toBeCloseTo(10 / 12, 14);
    expect(l.superposition).toBeCloseTo(11 / 6, 14);
  });

  it('the exact drops equal the closed forms; the exact superposition is never worse', () => {
    for (const [p, r] of [
      [0.1, 0.1],
      [0.5, 2],
      [1, 10],
    ] as Array<[number, number]>) {
      const exact = theoryLosses(p, r);
      const closed = closedFormLosses(p, r);
      expect(exact.notRepresented).toBeCloseTo(closed.notRepresented, 15);
      expect(exact.dedicatedExtra).toBeCloseTo(closed.dedicatedExtra, 15);
      expect(exact.superposition).toBeLessThanOrEqual(closed.superposition);
    }
  });
});

describe('exact n = 3, m = 2 theory', () => {
  it('candidates: notRepresented = r v, dedicated = the 2→1 optimum at r = 1, superposition ≤ both arrangements', () => {
    const p = 0.3;
    for (const r of [0.5, 2]) {
      const l = theoryLosses32(p, r);
      expect(l.notRepresented).toBeCloseTo(r * v(p), 15);
      expect(l.dedicatedExtra).toBeCloseTo(theoryLosses(p, 1).superposition, 12);
      expect(l.dedicatedExtra).toBeLessThan(v(p));
      expect(l.superposition).toBeLessThanOrEqual(bestAntipodalPair(p, r).loss + 1e-15);
      expect(l.superposition).toBeLessThanOrEqual(bestTriangle(p, r).loss + 1e-15);
    }
    // At r = 1 "extra antipodal with feature 0, feature 1 dedicated" is "extra dedicated" relabelled.
    const tie = theoryLosses32(p, 1);
    expect(tie.superposition).toBeCloseTo(tie.dedicatedExtra, 12);
  });

  it('sparse (p = 0.05): superposition for r₁ < r < 1, dedicated above (features 0 and 1 share instead)', () => {
    for (const r of [0.1, 0.5, 0.9]) expect(theoryRegime32(0.05, r), `r = ${r}`).toBe(Regime.superposition);
    for (const r of [1.1, 2, 10]) expect(theoryRegime32(0.05, r), `r = ${r}`).toBe(Regime.dedicated);
    expect(theoryRegime32(0.05, 0.01)).toBe(Regime.notRepresented);
    // Checked with the exact losses.
    const below = theoryLosses32(0.05, 0.5);
    expect(below.superposition).toBeLessThan(Math.min(below.notRepresented, below.dedicatedExtra) * 0.9);
    const above = theoryLosses32(0.05, 2);
    expect(above.dedicatedExtra).toBeLessThanOrEqual(above.superposition * (1 + 1e-12));
  });

  it('p ≈ 0.66: a tilted triangle keeps the extra feature in superposition up to r ≈ 1.42', () => {
    const r2 = theoryBoundaryRatios(0.66, '3-2').dedicatedSuperposition;
    expect(r2).toBeGreaterThan(1.38);
    expect(r2).toBeLessThan(1.46);
    const tri = bestTriangle(0.66, 1.3);
    expect(tri.loss).toBeLessThan(theoryLosses32(0.66, 1.3).dedicatedExtra * (1 - 1e-3));
    expect(tri.theta).toBeGreaterThan(Math.PI / 2 + 0.05);
    expect(tri.theta).toBeLessThan((2 * Math.PI) / 3);
    expect(theoryRegime32(0.66, 1.3)).toBe(Regime.superposition);
    expect(theoryRegime32(0.66, 1.6)).toBe(Regime.dedicated);
  });

  it('dense (p = 1): no superposition outside a narrow band around r = 1; no triple point anywhere', () => {
    for (const r of [0.1, 0.5, 0.97]) expect(theoryRegime32(1, r)).toBe(Regime.notRepresented);
    for (const r of [1.02, 2, 10]) expect(theoryRegime32(1, r)).toBe(Regime.dedicated);
    expect(theoryRegime32(1, 1)).toBe(Regime.superposition);
    for (const p of BOUNDARY_TABLE_P) {
      const q = theoryBoundaryRatios(p, '3-2');
      expect(q.notRepresentedSuperposition, `p = ${p}`).toBeLessThan(q.notRepresentedDedicated);
      expect(q.notRepresentedDedicated, `p = ${p}`).toBeLessThan(q.dedicatedSuperposition);
    }
  });

  it('the 3→2 table matches fresh minimisations', () => {
    for (const p of [BOUNDARY_TABLE_P[130]!, 0.66]) {
      const table = theoryBoundaryRatios(p, '3-2');
      const fresh = computeBoundaryRatios(p, '3-2');
      for (const key of ['notRepresentedSuperposition', 'dedicatedSuperposition', 'notRepresentedDedicated'] as const) {
        expect(table[key] / fresh[key], `${key} at p = ${p}`).toBeCloseTo(1, 2);
      }
    }
  });

  it('no asymmetric planar arrangement does better (general W, Nelder–Mead from 4 starts)', () => {
    const p = 0.7;
    const r = 0.9;
    const loss = (t: number[]): number => {
      const W = [
        [t[0]! * Math.sin(t[1]!), t[2]! * Math.sin(t[3]!), 0],
        [t[0]! * Math.cos(t[1]!), t[2]! * Math.cos(t[3]!), t[4]!],
      ];
      let total = 0;
      for (let i = 0; i < 3; i++) {
        const row = [0, 1, 2].map((j) => W[0]![i]! * W[0]![j]! + W[1]![i]! * W[1]![j]!);
        total += (i === 2 ? r : 1) * optimalFeatureBias(row, i, p).loss;
      }
      return total;
    };
    const exact = theoryLosses32(p, r);
    const ours = Math.min(exact.notRepresented, exact.dedicatedExtra, exact.superposition);
    for (const start of [
      [1, 2.1, 1, -2.1, 0.7],
      [0.9, 1.8, 1.1, -2.5, 0.9],
      [1, 3.1, 1, -1.57, 1],
      [0.7, 2.5, 0.95, -1.9, 0.5],
    ]) {
      // A plain Nelder–Mead (2000 evaluations).
      let pts = [start, ...start.map((_, i) => start.map((x, j) => (i === j ? x + 0.1 : x)))];
      let fs = pts.map(loss);
      for (let it = 0; it < 2000; it++) {
        const order = fs.map((_, i) => i).sort((a, b) => fs[a]! - fs[b]!);
        pts = order.map((i) => pts[i]!);
        fs = order.map((i) => fs[i]!);
        const c = pts.slice(0, 5).reduce((acc, x) => acc.map((s, j) => s + x[j]! / 5), [0, 0, 0, 0, 0]);
        const along = (t: number): number[] => c.map((s, j) => s + t * (pts[5]![j]! - s));
        const xr = along(-1);
        const fr = loss(xr);
        if (fr < fs[4]!) {
          pts[5] = xr;
          fs[5] = fr;
        } else {
          const xc = along(0.5);
          const fc = loss(xc);
          if (fc < fs[5]!) {
            pts[5] = xc;
            fs[5] = fc;
          } else {
            pts = pts.map((x) => x.map((s, j) => pts[0]![j]! + 0.5 * (s - pts[0]![j]!)));
            fs = pts.map(loss);
          }
        }
      }
      expect(Math.min(...fs)).toBeGreaterThanOrEqual(ours * (1 - 1e-9));
    }
  }, 120_000);

  it('distances and agreement for the 3→2 diagram', () => {
    const cells = [
      { featureProbability: 0.05, relativeImportance: 0.4, regime: Regime.superposition },
      { featureProbability: 0.05, relativeImportance: 3, regime: Regime.dedicated },
      { featureProbability: 1, relativeImportance: 0.2, regime: Regime.notRepresented },
      { featureProbability: 0.05, relativeImportance: 1.05, regime: Regime.superposition },
    ];
    expect(theoryBoundaryDistance32(0.05, 1.05)).toBeCloseTo(Math.log(1.05), 6);
    expect(theoryAgreement(cells, 0.2, '3-2')).toMatchObject({ compared: 3, agreeing: 3, nearBoundary: 1 });
  });
});

describe('regime classification', () => {
  it('codes and names', () => {
    expect([Regime.notRepresented, Regime.dedicated, Regime.superposition]).toEqual([0, 1, 2]);
    expect(regimeNames[Regime.superposition]).toBe('superposition');
    expect(regimeNames[Regime.notRepresented]).toBe('not represented');
  });

  it('default thresholds: norm > 0.5, superposition > 0.1', () => {
    expect(classifyFeature(1, 0)).toBe(Regime.dedicated);
    expect(classifyFeature(1, 1)).toBe(Regime.superposition);
    expect(classifyFeature(0.1, 5)).toBe(Regime.notRepresented);
    expect(classifyFeature(0.5, 0)).toBe(Regime.notRepresented);
    expect(classifyFeature(0.51, 0.1)).toBe(Regime.dedicated);
    expect(classifyFeature(0.51, 0.11)).toBe(Regime.superposition);
    expect(classifyFeature(NaN, 0)).toBe(Regime.notRepresented);
  });

  it('custom thresholds', () => {
    const t = { normThreshold: 0.3, superpositionThreshold: 0.01 };
    expect(classifyFeature(0.4, 0.05, t)).toBe(Regime.superposition);
    expect(classifyFeature(0.4, 0.005, t)).toBe(Regime.dedicated);
    expect([...classifyFeatures([1, 1, 0.2], [0, 0.5, 0.5])]).toEqual([1, 2, 0]);
  });
});

describe('theoryAgreement', () => {
  // Deep inside each region of the exact 2→1 diagram:
  // p = 1, r = 10: dedicated (the wedge at p = 1 is 0.989 < r < 1.011).
  // p = 1, r = 0.1: not represented.
  // p = 0.01, r = 1: superposition (r* = 0.0043 there).
  const deep = [
    { featureProbability: 1, relativeImportance: 10, regime: Regime.dedicated },
    { featureProbability: 1, relativeImportance: 0.1, regime: Regime.notRepresented },
    { featureProbability: 0.01, relativeImportance: 1, regime: Regime.superposition },
  ];

  it('counts agreeing cells away from the boundaries and skips cells near them', () => {
    // At p = 1, r = 1 the nearest boundary (r* = 0.989) is 1 % away.
    const nearWedge = { featureProbability: 1, relativeImportance: 1, regime: Regime.dedicated };
    // The closed forms' triple point is deep in the exact superposition region.
    const closedTriple = { featureProbability: 4 / 7, relativeImportance: 1, regime: Regime.superposition };
    const agreement = theoryAgreement([...deep, nearWedge, closedTriple]);
    expect(agreement).toMatchObject({ compared: 4, agreeing: 4, nearBoundary: 1, fraction: 1, margin: 0.2 });
  });

  it('a wrong regime lowers the agreement', () => {
    const wrong = [...deep.slice(0, 2), { ...deep[2]!, regime: Regime.notRepresented }];
    expect(theoryAgreement(wrong)).toMatchObject({ compared: 3, agreeing: 2 });
  });
});
