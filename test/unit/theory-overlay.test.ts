/** The exact n = 2, m = 1 phase boundaries drawn over the heatmap (pure math). */
import { describe, expect, it } from 'vitest';
import { boundaryPath, theoryApplies, theoryBoundaries, type BoundaryCurve } from '../../src/render/theory-overlay.js';
import { theoryLosses, type TheoryLosses } from '../../src/science/theory.js';
import { Regime } from '../../src/science/regimes.js';
import { getPreset } from '../../src/science/presets.js';
import { parseSpec } from '../../src/science/spec.js';

const lossOf = (l: TheoryLosses, regime: Regime): number =>
  regime === Regime.notRepresented ? l.notRepresented : regime === Regime.dedicated ? l.dedicatedExtra : l.superposition;

function checkOnBoundary(curve: BoundaryCurve): void {
  const [a, b] = curve.between;
  const third = ([0, 1, 2] as Regime[]).find((x) => x !== a && x !== b)!;
  for (const [p, r] of curve.points) {
    const l = theoryLosses(p, r);
    const la = lossOf(l, a);
    const lb = lossOf(l, b);
    const lc = lossOf(l, third);
    expect(Math.abs(la - lb) / Math.max(la, lb), `equal losses at p=${p}, r=${r}`).toBeLessThan(1e-6);
    expect(la, `lowest at p=${p}, r=${r}`).toBeLessThanOrEqual(lc * (1 + 1e-6));
    expect(lb).toBeLessThanOrEqual(lc * (1 + 1e-6));
  }
}

describe('theoryBoundaries', () => {
  it('puts every point where its two regimes tie and beat the third (the paper box)', () => {
    const curves = theoryBoundaries([0.01, 1], [0.1, 10]);
    expect(curves.map((c) => c.between)).toEqual([
      [Regime.notRepresented, Regime.superposition],
      [Regime.dedicated, Regime.superposition],
      [Regime.notRepresented, Regime.dedicated],
    ]);
    for (const c of curves) {
      expect(c.points.length).toBeGreaterThanOrEqual(2);
      checkOnBoundary(c);
      for (const [p, r] of c.points) {
        expect(p).toBeGreaterThanOrEqual(0.01);
        expect(p).toBeLessThanOrEqual(1);
        expect(r).toBeGreaterThanOrEqual(0.1);
        expect(r).toBeLessThanOrEqual(10);
      }
      for (let k = 1; k < c.points.length; k++) expect(c.points[k]![0]).toBeGreaterThan(c.points[k - 1]![0]);
    }
  });

  it('meets at the triple point p = 4/7, r = 1', () => {
    const curves = theoryBoundaries([0.01, 1], [0.1, 10]);
    const ends = [curves[0]!.points.at(-1)!, curves[1]!.points.at(-1)!, curves[2]!.points[0]!];
    for (const [p, r] of ends) {
      expect(p).toBeCloseTo(4 / 7, 9);
      expect(r).toBeCloseTo(1, 9);
    }
  });

  it('clips curves to the box edges exactly', () => {
    const curves = theoryBoundaries([0.05, 0.5], [0.5, 3], 50);
    // r = 1 starts at p = 4/7, outside this box.
    expect(curves.map((c) => c.between)).toEqual([
      [Regime.notRepresented, Regime.superposition],
      [Regime.dedicated, Regime.superposition],
    ]);
    for (const c of curves) checkOnBoundary(c);
    // N = S: r = 2p/(4 − 5p) enters at r = 0.5 (p = 4·0.5/4.5) and leaves at p = 0.5.
    expect(curves[0]!.points[0]![0]).toBeCloseTo(2 / 4.5, 12);
    expect(curves[0]!.points[0]![1]).toBeCloseTo(0.5, 12);
    expect(curves[0]!.points.at(-1)![0]).toBe(0.5);
    // D = S: r = 2/p − 5/2 enters at r = 3 (p = 4/11) and leaves at p = 0.5 (r = 1.5).
    expect(curves[1]!.points[0]![0]).toBeCloseTo(4 / 11, 12);
    expect(curves[1]!.points[0]![1]).toBeCloseTo(3, 12);
    expect(curves[1]!.points.at(-1)).toEqual([0.5, 1.5]);
  });

  it('returns only the r = 1 line in a dense box, nothing in a box without boundaries', () => {
    const dense = theoryBoundaries([0.7, 1], [0.1, 10]);
    expect(dense).toHaveLength(1);
    expect(dense[0]!.between).toEqual([Regime.notRepresented, Regime.dedicated]);
    expect(dense[0]!.points[0]).toEqual([0.7, 1]);
    expect(dense[0]!.points.at(-1)).toEqual([1, 1]);
    checkOnBoundary(dense[0]!);
    expect(theoryBoundaries([0.7, 1], [2, 10])).toEqual([]);
  });

  it('accepts reversed ranges, clamps p to 1 and rejects bad input', () => {
    expect(theoryBoundaries([1, 0.01], [10, 0.1])).toEqual(theoryBoundaries([0.01, 1], [0.1, 10]));
    expect(theoryBoundaries([0.01, 1.5], [0.1, 10], 10).at(-1)!.points.at(-1)).toEqual([1, 1]);
    expect(() => theoryBoundaries([0, 1], [0.1, 10])).toThrow(RangeError);
    expect(() => theoryBoundaries([0.01, 1], [0.1, NaN])).toThrow('rRange');
    expect(() => theoryBoundaries([0.01, 1], [0.1, 10], 1)).toThrow('samples = 1');
  });
});

describe('theoryApplies', () => {
  it('is true for the phase-2-1 preset and its transpose', () => {
    const spec = parseSpec(getPreset('phase-2-1').spec);
    expect(theoryApplies(spec)).toBe(true);
    expect(theoryApplies(parseSpec({ ...getPreset('phase-2-1').spec, x: spec.y, y: spec.x }))).toBe(true);
    expect(theoryApplies(parseSpec(getPreset('tiny').spec))).toBe(true);
  });

  it('is false for intro, pentagon, other importance modes and other models', () => {
    expect(theoryApplies(parseSpec(getPreset('intro').spec))).toBe(false);
    expect(theoryApplies(parseSpec(getPreset('pentagon').spec))).toBe(false);
    const phase = getPreset('phase-2-1').spec;
    expect(theoryApplies(parseSpec({ ...phase, y: { param: 'importance', mode: 'decay', min: 0.1, max: 10, count: 4 } }))).toBe(false);
    expect(theoryApplies(parseSpec({ ...phase, model: 'linear' }))).toBe(false);
    expect(theoryApplies(parseSpec({ ...phase, nFeatures: 3 }))).toBe(false);
  });
});

describe('boundaryPath', () => {
  it('writes one M/L subpath per curve with 2 decimals', () => {
    const curves: BoundaryCurve[] = [
      { between: [0, 2], points: [[0.1, 0.2], [0.3, 0.4], [0.5, 0.6]] },
      { between: [0, 1], points: [[0.6, 1]] },
      { between: [0, 1], points: [[0.6, 1], [1, 1]] },
    ];
    const d = boundaryPath(curves, (p, r) => [p * 100, 200 - r * 100]);
    expect(d).toBe('M10.00 180.00 L30.00 160.00 L50.00 140.00 M60.00 100.00 L100.00 100.00');
    expect(boundaryPath([], () => [0, 0])).toBe('');
    expect(() => boundaryPath(curves, () => [NaN, 0])).toThrow('finite');
  });

  it('draws the paper box into a plot rectangle', () => {
    const curves = theoryBoundaries([0.01, 1], [0.1, 10], 20);
    const toPixel = (p: number, r: number): [number, number] => [90 + ((Math.log10(p) + 2) / 2) * 520, 64 + ((1 - Math.log10(r)) / 2) * 464];
    const d = boundaryPath(curves, toPixel);
    expect(d.match(/M/g)).toHaveLength(3);
    expect(d).toMatch(/^M\d+\.\d{2} \d+\.\d{2}( [ML]\d+\.\d{2} \d+\.\d{2})+$/);
    // The r = 1 line ends at the right edge (p = 1) in the middle row (r = 1).
    expect(d.endsWith('L610.00 296.00')).toBe(true);
  });
});
