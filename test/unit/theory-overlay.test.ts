/** The exact phase boundaries drawn over the heatmap (pure math). */
import { describe, expect, it } from 'vitest';
import { boundaryPath, theoryApplies, theoryBoundaries, theoryVariant, type BoundaryCurve } from '../../src/render/theory-overlay.js';
import { BOUNDARY_KINDS, R_STAR_AT_P1, regimeFromRatios, theoryBoundaryRatios, theoryLosses, type TheoryVariant } from '../../src/science/theory.js';
import { Regime } from '../../src/science/regimes.js';
import { getPreset } from '../../src/science/presets.js';
import { parseSpec } from '../../src/science/spec.js';
import { renderTheory } from '../../src/components/diagram-chrome.js';
import { axisFraction, axisRange } from '../../src/components/diagram-layout.js';
import type { PhaseDiagramFigure } from '../../src/render/figure.js';

const N_S: [Regime, Regime] = [Regime.notRepresented, Regime.superposition];
const D_S: [Regime, Regime] = [Regime.dedicated, Regime.superposition];

/**
 * Every point lies on its boundary: r is the tabulated ratio at p (or the box edge it was clipped
 * to), and just below / above it the regimes are the curve's two.
 */
function checkOnBoundary(curve: BoundaryCurve, box: [number, number], variant: TheoryVariant = '2-1'): void {
  const kind = BOUNDARY_KINDS.find((k) => k.between[0] === curve.between[0] && k.between[1] === curve.between[1])!;
  for (const [p, r] of curve.points) {
    const q = theoryBoundaryRatios(p, variant);
    const onEdge = r === box[0] || r === box[1];
    if (!onEdge) expect(r, `on the curve at p=${p}`).toBeCloseTo(q[kind.key], 12);
    expect(kind.margin(q), `a real boundary at p=${p}`).toBeGreaterThanOrEqual(-1e-9);
    if (!onEdge) {
      const sides = [regimeFromRatios(q[kind.key] * (1 - 1e-6), q), regimeFromRatios(q[kind.key] * (1 + 1e-6), q)].sort();
      expect(sides, `regimes either side at p=${p}`).toEqual([...curve.between].sort());
    }
  }
}

describe('theoryBoundaries (n = 2, m = 1)', () => {
  it('draws notRepresented|superposition and dedicated|superposition in the paper box, each point on its boundary', () => {
    const curves = theoryBoundaries([0.01, 1], [0.1, 10]);
    expect(curves.map((c) => c.between)).toEqual([N_S, D_S]);
    for (const c of curves) {
      expect(c.points.length).toBeGreaterThanOrEqual(2);
      checkOnBoundary(c, [0.1, 10]);
      for (const [p, r] of c.points) {
        expect(p).toBeGreaterThanOrEqual(0.01);
        expect(p).toBeLessThanOrEqual(1);
        expect(r).toBeGreaterThanOrEqual(0.1);
        expect(r).toBeLessThanOrEqual(10);
      }
      for (let k = 1; k < c.points.length; k++) expect(c.points[k]![0]).toBeGreaterThan(c.points[k - 1]![0]);
    }
  });

  it('the curves do not meet: they end at p = 1 on either side of r = 1 (no triple point)', () => {
    const [ns, ds] = theoryBoundaries([0.01, 1], [0.1, 10]);
    expect(ns!.points.at(-1)![0]).toBe(1);
    expect(ns!.points.at(-1)![1]).toBeCloseTo(R_STAR_AT_P1, 12);
    expect(ds!.points.at(-1)![0]).toBe(1);
    expect(ds!.points.at(-1)![1]).toBeCloseTo(1 / R_STAR_AT_P1, 12);
    expect(ds!.points.at(-1)![1] / ns!.points.at(-1)![1]).toBeGreaterThan(1.015);
    // They enter through the bottom (r = 0.1) and top (r = 10) edges, near p ≈ 0.18.
    expect(ns!.points[0]![1]).toBe(0.1);
    expect(ds!.points[0]![1]).toBe(10);
    expect(ns!.points[0]![0]).toBeGreaterThan(0.15);
    expect(ns!.points[0]![0]).toBeLessThan(0.22);
  });

  it('agrees with the exact losses on either side of a drawn point (first-order region)', () => {
    const [ns] = theoryBoundaries([0.2, 0.35], [0.1, 10], 5);
    const [p, r] = ns!.points[2]!;
    const above = theoryLosses(p, r * 1.03);
    expect(above.superposition).toBeLessThan(above.notRepresented);
    const below = theoryLosses(p, r * 0.97);
    expect(below.superposition).toBeGreaterThanOrEqual(below.notRepresented * (1 - 1e-9));
  });

  it('clips curves to the box edges exactly', () => {
    const curves = theoryBoundaries([0.05, 0.5], [0.5, 3], 50);
    expect(curves.map((c) => c.between)).toEqual([N_S, D_S]);
    for (const c of curves) checkOnBoundary(c, [0.5, 3]);
    // N|S enters through r = 0.5 and leaves through p = 0.5; D|S enters through r = 3.
    expect(curves[0]!.points[0]![1]).toBe(0.5);
    expect(theoryBoundaryRatios(curves[0]!.points[0]![0]).notRepresentedSuperposition).toBeCloseTo(0.5, 9);
    expect(curves[0]!.points.at(-1)![0]).toBe(0.5);
    expect(curves[1]!.points[0]![1]).toBe(3);
    expect(theoryBoundaryRatios(curves[1]!.points[0]![0]).dedicatedSuperposition).toBeCloseTo(3, 9);
    expect(curves[1]!.points.at(-1)![0]).toBe(0.5);
  });

  it('dense box: the narrow superposition wedge; boxes without boundaries give nothing', () => {
    const dense = theoryBoundaries([0.7, 1], [0.1, 10]);
    expect(dense.map((c) => c.between)).toEqual([N_S, D_S]);
    for (const c of dense) {
      expect(c.points[0]![0]).toBe(0.7);
      expect(c.points.at(-1)![0]).toBe(1);
      checkOnBoundary(c, [0.1, 10]);
    }
    expect(theoryBoundaries([0.7, 1], [2, 10])).toEqual([]);
    expect(theoryBoundaries([0.01, 0.1], [2, 10])).toEqual([]);
  });

  it('accepts reversed ranges, clamps p to 1 and rejects bad input', () => {
    expect(theoryBoundaries([1, 0.01], [10, 0.1])).toEqual(theoryBoundaries([0.01, 1], [0.1, 10]));
    expect(theoryBoundaries([0.01, 1.5], [0.1, 10], 10).at(-1)!.points.at(-1)![0]).toBe(1);
    expect(theoryBoundaries([1.5, 3], [0.1, 10])).toEqual([]);
    expect(() => theoryBoundaries([0, 1], [0.1, 10])).toThrow(RangeError);
    expect(() => theoryBoundaries([0.01, 1], [0.1, NaN])).toThrow('rRange');
    expect(() => theoryBoundaries([0.01, 1], [0.1, 10], 1)).toThrow('samples = 1');
  });

  it('is fast enough to redraw every frame', () => {
    theoryBoundaries([0.01, 1], [0.1, 10]);
    const t0 = performance.now();
    for (let k = 0; k < 20; k++) theoryBoundaries([0.01, 1], [0.1, 10]);
    expect((performance.now() - t0) / 20).toBeLessThan(20);
  });
});

describe('theoryBoundaries (n = 3, m = 2)', () => {
  it('draws r₁ and r₂ in the paper box; r₂ is r = 1 for sparse p and bulges to ≈ 1.45 near p ≈ 0.66', () => {
    const curves = theoryBoundaries([0.01, 1], [0.1, 10], 200, '3-2');
    expect(curves.map((c) => c.between)).toEqual([N_S, D_S]);
    for (const c of curves) checkOnBoundary(c, [0.1, 10], '3-2');
    const ds = curves[1]!;
    expect(ds.points[0]).toEqual([0.01, 1]);
    const top = Math.max(...ds.points.map(([, r]) => r));
    expect(top).toBeGreaterThan(1.4);
    expect(top).toBeLessThan(1.5);
    expect(ds.points.at(-1)![0]).toBe(1);
  });
});

describe('theoryVariant and theoryApplies', () => {
  it('2-1 for the phase-2-1 preset, its transpose and tiny', () => {
    const spec = parseSpec(getPreset('phase-2-1').spec);
    expect(theoryApplies(spec)).toBe(true);
    expect(theoryVariant(spec)).toBe('2-1');
    expect(theoryApplies(parseSpec({ ...getPreset('phase-2-1').spec, x: spec.y, y: spec.x }))).toBe(true);
    expect(theoryApplies(parseSpec(getPreset('tiny').spec))).toBe(true);
  });

  it('3-2 for n = 3, m = 2 with the same axes (theoryApplies stays 2→1 only)', () => {
    const spec = parseSpec({ ...getPreset('phase-2-1').spec, nFeatures: 3, nHidden: 2 });
    expect(theoryVariant(spec)).toBe('3-2');
    expect(theoryApplies(spec)).toBe(false);
  });

  it('null for intro, pentagon, other importance modes and other models or sizes', () => {
    expect(theoryVariant(parseSpec(getPreset('intro').spec))).toBe(null);
    expect(theoryApplies(parseSpec(getPreset('pentagon').spec))).toBe(false);
    const phase = getPreset('phase-2-1').spec;
    expect(theoryApplies(parseSpec({ ...phase, y: { param: 'importance', mode: 'decay', min: 0.1, max: 10, count: 4 } }))).toBe(false);
    expect(theoryApplies(parseSpec({ ...phase, model: 'linear' }))).toBe(false);
    expect(theoryVariant(parseSpec({ ...phase, nFeatures: 3 }))).toBe(null);
  });

  it('null when an axis sets only some features or the data are not independent', () => {
    const phase = getPreset('phase-2-1').spec;
    const three = { ...phase, nFeatures: 3, nHidden: 2 };
    expect(theoryVariant(parseSpec(three))).toBe('3-2');
    expect(theoryVariant(parseSpec({ ...three, featureProbability: 0.1, x: { param: 'featureProbability', features: [2], min: 0.01, max: 1, count: 4 } }))).toBe(null);
    expect(theoryVariant(parseSpec({ ...three, importance: { mode: 'uniform', value: 1 }, y: { param: 'importance', mode: 'last', features: [0], min: 0.1, max: 10, count: 4 } }))).toBe(null);
    expect(theoryVariant(parseSpec({ ...phase, data: { kind: 'correlated', sets: [[0, 1]] } }))).toBe(null);
    expect(theoryVariant(parseSpec({ ...phase, data: { kind: 'independent' } }))).toBe('2-1');
  });
});

describe('renderTheory (the element\'s overlay)', () => {
  const logSpaced = (lo: number, hi: number, n: number): number[] => Array.from({ length: n }, (_, i) => lo * Math.pow(hi / lo, i / (n - 1)));
  const fig: PhaseDiagramFigure = {
    title: 't',
    values: new Float32Array(64),
    xCount: 8,
    yCount: 8,
    x: { title: 'p', scale: 'log', values: logSpaced(0.01, 1, 8) },
    y: { title: 'r', scale: 'log', values: logSpaced(0.1, 10, 8) },
    coloring: { kind: 'continuous', label: 'l' },
  };
  const plot = { x: 50, y: 10, width: 400, height: 300 };
  const pathOf = (t: unknown): string => (t as { values: unknown[] }).values[0] as string;
  const expected = (variant: TheoryVariant): string => {
    const pf = axisFraction(fig.x)!;
    const rf = axisFraction(fig.y)!;
    return boundaryPath(theoryBoundaries(axisRange(fig.x)!, axisRange(fig.y)!, 200, variant), (p, r) => [plot.x + pf(p) * plot.width, plot.y + plot.height - rf(r) * plot.height]);
  };

  it('draws the variant it is given: the 3→2 curves for an n = 3, m = 2 diagram, the 2→1 ones otherwise', () => {
    const spec32 = parseSpec({ ...getPreset('phase-2-1').spec, nFeatures: 3, nHidden: 2 });
    const spec21 = parseSpec(getPreset('phase-2-1').spec);
    const d32 = pathOf(renderTheory(plot, fig, spec32, theoryVariant(spec32)!));
    const d21 = pathOf(renderTheory(plot, fig, spec21, theoryVariant(spec21)!));
    expect(d32).toBe(expected('3-2'));
    expect(d21).toBe(expected('2-1'));
    expect(d32.length).toBeGreaterThan(100);
    expect(d32).not.toBe(d21);
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
    expect(d.match(/M/g)).toHaveLength(2);
    expect(d).toMatch(/^M\d+\.\d{2} \d+\.\d{2}( [ML]\d+\.\d{2} \d+\.\d{2})+$/);
    // Both curves end at the right edge (p = 1), just below and above the middle row (r = 1, y = 296).
    const ends = [...d.matchAll(/L(\d+\.\d{2}) (\d+\.\d{2})(?= M|$)/g)].map((m) => [Number(m[1]), Number(m[2])]);
    expect(ends).toHaveLength(2);
    for (const [x, y] of ends) {
      expect(x).toBe(610);
      expect(Math.abs(y! - 296)).toBeGreaterThan(1);
      expect(Math.abs(y! - 296)).toBeLessThan(2);
    }
  });
});
