// The PRNG's known answers and data statistics, and the reference trainer's gradient against
// central finite differences (so the CPU oracle itself is checked independently of the GPU).
import { describe, expect, it } from 'vitest';
import { draw, evaluationStream, featureValue, initialW, MAX_SEED_INDEX, modelStream, pcg, pcg4d, unit, wordValue } from '../../src/science/prng.js';
import { batchGradient, referenceInstance, scheduleFactor, trainReference } from '../../src/science/reference.js';
import { smallSet } from '../helpers/model-set.js';

describe('PRNG', () => {
  it('matches known answers computed by an independent Python implementation of pcg and pcg4d', () => {
    expect(pcg(0)).toBe(129708002);
    expect(pcg(1)).toBe(2831084092);
    expect(pcg(0xffffffff)).toBe(3861530882);
    expect(Array.from(pcg4d(1, 2, 3, 4))).toEqual([908250390, 4044648920, 3775961919, 45698095]);
    expect(Array.from(pcg4d(0, 0, 0, 0))).toEqual([251852841, 760645481, 850445371, 3542436074]);
  });

  it('unit() maps to [0, 1) with 24 bits', () => {
    expect(unit(0)).toBe(0);
    expect(unit(0xffffffff)).toBe(1 - 2 ** -24);
    expect(unit(0xffffffff)).toBe(Math.fround(unit(0xffffffff)));
  });

  it('feature values are 0 with probability 1 − p and U[0,1) otherwise', () => {
    const key = modelStream(0, 3, 1);
    const p = 0.3;
    let on = 0;
    let sum = 0;
    const N = 200_000;
    for (let e = 0; e < N; e++) {
      const v = featureValue(key, 5, e, e % 7, p);
      if (v > 0) on++;
      sum += v;
    }
    // 4-sigma bands: binomial sd √(p(1−p)/N) ≈ 0.001; mean of x is p/2.
    expect(Math.abs(on / N - p)).toBeLessThan(0.0042);
    expect(Math.abs(sum / N - p / 2)).toBeLessThan(0.003);
  });

  it('one word per feature: at p = 0.02 the values of the features that pass their gate are uniform and uncorrelated with the gate', () => {
    // A feature's gate u and value v come from the same word (v = unit(w · φ)); given u < p, v
    // must still be U[0, 1) and carry nothing of u: u/p (the usual one-uniform value) would give
    // correlation 1 here.
    const stream = modelStream(11, 2, 3);
    const p = 0.02;
    const bins = new Array<number>(10).fill(0);
    let on = 0;
    let sumV = 0;
    let sumG = 0;
    let sumVG = 0;
    let sumGG = 0;
    let sumVV = 0;
    const out = new Uint32Array(4);
    for (let e = 0; e < 200_000; e++) {
      for (let quad = 0; quad < 5; quad++) {
        draw(stream, 7, e, quad, out);
        for (let k = 0; k < 4; k++) {
          const u = unit(out[k]!);
          if (u >= p) continue;
          const v = wordValue(out[k]!);
          const g = u / p;
          on++;
          bins[Math.floor(v * 10)]!++;
          sumV += v;
          sumG += g;
          sumVG += v * g;
          sumGG += g * g;
          sumVV += v * v;
        }
      }
    }
    // 4-sigma bands: on ≈ 80 000 (sd 280); a bin ≈ 8 000 (sd ≈ 85); mean v 0.5 (sd 0.001);
    // correlation sd 1/√on ≈ 0.0035.
    expect(Math.abs(on - 4_000_000 * p)).toBeLessThan(4 * Math.sqrt(4_000_000 * p * (1 - p)));
    for (const count of bins) expect(Math.abs(count - on / 10)).toBeLessThan(4 * Math.sqrt((on / 10) * 0.9));
    expect(Math.abs(sumV / on - 0.5)).toBeLessThan(4 * Math.sqrt(1 / 12 / on));
    const covariance = sumVG / on - (sumV / on) * (sumG / on);
    const correlation = covariance / Math.sqrt((sumVV / on - (sumV / on) ** 2) * (sumGG / on - (sumG / on) ** 2));
    expect(Math.abs(correlation)).toBeLessThan(4 / Math.sqrt(on));
  });

  it('model streams never collide: 65 536 points × 10 seeds give distinct counter words and distinct data', () => {
    // The old 32-bit hash key gave 75 duplicates here. Streams are word pairs, and pcg4d is a
    // bijection, so distinct words give distinct draws: check both.
    const words = new Set<string>();
    const firstDraws = new Set<string>();
    for (let g = 0; g < 65536; g++) {
      for (let s = 0; s < 10; s++) {
        const stream = modelStream(7, g, s);
        words.add(`${stream[0]},${stream[1]}`);
        firstDraws.add(Array.from(pcg4d(stream[0], 0, 0, stream[1])).join(','));
      }
    }
    expect(words.size).toBe(655360);
    expect(firstDraws.size).toBe(655360);
  });

  it('the evaluation stream is shared by every seed of a point and differs from every training stream', () => {
    expect(evaluationStream(modelStream(3, 5, 0))).toEqual(evaluationStream(modelStream(3, 5, 9)));
    expect(evaluationStream(modelStream(3, 5, 0))).not.toEqual(evaluationStream(modelStream(3, 6, 0)));
    expect(evaluationStream(modelStream(3, 5, 0))[1]).not.toBe(modelStream(3, 5, MAX_SEED_INDEX)[1]);
    expect(() => modelStream(0, 0, MAX_SEED_INDEX + 1)).toThrow(/seedIndex = 65535 is out of range/);
  });

  it('initial W is Xavier-normal with std √(2/(n+m))', () => {
    const n = 64;
    const m = 16;
    let sumSq = 0;
    let count = 0;
    for (let s = 0; s < 40; s++) {
      for (const w of initialW(modelStream(1, s, 0), n, m)) {
        sumSq += w * w;
        count++;
      }
    }
    expect(Math.sqrt(sumSq / count)).toBeCloseTo(Math.sqrt(2 / (n + m)), 2);
  });
});

describe('reference trainer', () => {
  for (const model of ['relu', 'linear'] as const) {
    it(`${model}: analytic gradient equals central finite differences (rel. 1e-5)`, () => {
      const set = smallSet({ model, n: 5, m: 2, points: 1, seeds: 1, training: { batchSize: 16 } });
      const inst = referenceInstance(set, 0);
      const P = 15;
      const theta = Float64Array.from({ length: P }, (_, k) => Math.sin(k * 1.7) * 0.6 + (k >= 10 ? 0.05 : 0));
      const grad = new Float64Array(P);
      batchGradient(inst, theta, 3, grad);
      const scratch = new Float64Array(P);
      const h = 1e-6;
      for (let k = 0; k < P; k++) {
        const plus = Float64Array.from(theta);
        plus[k] = plus[k]! + h;
        const minus = Float64Array.from(theta);
        minus[k] = minus[k]! - h;
        const numeric = (batchGradient(inst, plus, 3, scratch) - batchGradient(inst, minus, 3, scratch)) / (2 * h);
        expect(Math.abs(grad[k]! - numeric)).toBeLessThan(1e-5 * Math.max(1, Math.abs(numeric)));
      }
    });
  }

  it('the notebook’s schedules', () => {
    expect(scheduleFactor('constant', 50, 100)).toBe(1);
    expect(scheduleFactor('linear', 25, 100)).toBe(0.75);
    expect(scheduleFactor('cosine', 0, 101)).toBe(1);
    expect(scheduleFactor('cosine', 100, 101)).toBeCloseTo(0, 12);
  });

  it('training lowers the loss', () => {
    const set = smallSet({ points: 1, seeds: 1, training: { steps: 300, batchSize: 64 } });
    const inst = referenceInstance(set, 0);
    const g = new Float64Array(15);
    const start = new Float64Array(15);
    start.set(initialW(inst.stream, 5, 2));
    const trained = trainReference(inst);
    const end = new Float64Array(15);
    end.set(trained.W);
    end.set(trained.b, 10);
    // Same batch (step 1000) for both, so the comparison is not noise.
    expect(batchGradient(inst, end, 1000, g)).toBeLessThan(0.8 * batchGradient(inst, start, 1000, g));
  });
});
