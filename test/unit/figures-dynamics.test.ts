import { describe, expect, it } from 'vitest';
import { definition, DYNAMICS, frameRecords } from '../../src/figures/dynamics.js';
import { featureColor } from '../../src/figures/colors.js';
import { FigureError } from '../../src/figures/input.js';
import type { Mark } from '../../src/figures/scene.js';
import type { TrainingHistory } from '../../src/science/types.js';
import { arrowsW, handInput } from '../helpers/figure-input.js';

const deg = Math.PI / 180;
const tagged = <K extends Mark['kind']>(marks: Mark[], tag: string) => marks.filter((m) => m.tag === tag) as Extract<Mark, { kind: K }>[];
/** The first point of a d3 line path "Mx,yL…". */
const firstPoint = (d: string) => d.slice(1).split(/[L]/)[0]!.split(',').map(Number) as [number, number];

// n = 3, m = 2, steps 0, 10, 20, 30; two seeds, only seed 1 (kept) recorded.
const n = 3;
const steps = [0, 10, 20, 30];
const R = steps.length;
const loss = [0.1, 0.05, 0.01, 0.01];
const dims = [[1, 0.2, 0.5], [0.9, 0.3, 0.5], [0.7, 0.6, 0.6], [2 / 3, 2 / 3, 2 / 3]];
/** Feature i at record r: angle 120°·i + 10°·r, unit length. */
const Wat = (r: number) => arrowsW([0, 1, 2].map((i) => (120 * i + 10 * r) * deg));

function history(withW: boolean): TrainingHistory {
  const nan = (len: number) => new Float32Array(len).fill(NaN);
  const h = { steps, loss: nan(2 * R), dimensionality: nan(2 * R * n), W: nan(2 * R * 2 * n) };
  for (let r = 0; r < R; r++) {
    h.loss[R + r] = loss[r]!;
    h.dimensionality.set(dims[r]!, (R + r) * n);
    h.W.set(Wat(r), (R + r) * 2 * n);
  }
  return withW ? h : { steps, loss: h.loss, dimensionality: h.dimensionality };
}

const spec = {
  model: 'relu' as const, nFeatures: n, nHidden: 2, featureProbability: 0.05, seeds: 2,
  training: { steps: 30 },
  record: { every: 10, metrics: ['loss' as const, 'dimensionality' as const], weights: true, seeds: 'kept' as const },
};
const make = (withW: boolean) => handInput(spec, () => ({ params: { W: Wat(R - 1) } }), { kept: () => 1, history: () => history(withW) });

describe('dynamics figure', () => {
  const scene = definition.draw(make(true));
  const x0 = DYNAMICS.LEFT + DYNAMICS.PANEL + DYNAMICS.PANEL_GAP;
  const sx = (step: number) => x0 + (DYNAMICS.CHART_W * step) / 30;

  it('draws the kept seed’s loss on a log scale and one D_i line per feature', () => {
    expect(tagged<'text'>(scene.marks, 'row-label')[0]!.text).toContain('seed 1 (kept)');
    const lossLine = tagged<'path'>(scene.marks, 'loss-line')[0]!;
    const [lx, ly] = firstPoint(lossLine.d);
    const lo = Math.log(0.01 / 1.1);
    const hi = Math.log(0.1 * 1.1);
    expect(lx).toBeCloseTo(x0);
    expect(ly).toBeCloseTo(DYNAMICS.TOP + DYNAMICS.LOSS_H - ((Math.log(0.1) - lo) / (hi - lo)) * DYNAMICS.LOSS_H);
    const lines = tagged<'path'>(scene.marks, 'dimensionality-line');
    expect(lines.map((l) => l.stroke)).toEqual([0, 1, 2].map((i) => featureColor(i, n)));
    const dimBottom = DYNAMICS.TOP + DYNAMICS.LOSS_H + DYNAMICS.CHART_GAP + DYNAMICS.DIM_H;
    lines.forEach((l, i) => expect(firstPoint(l.d)[1]).toBeCloseTo(dimBottom - (dims[0]![i]! / 1.05) * DYNAMICS.DIM_H));
    expect(lines.map((l) => l.data?.final)).toEqual(['0.667', '0.667', '0.667']);
  });

  it('shows the arrows at the last record in the still scene', () => {
    const a = tagged<'line'>(scene.marks, 'feature-arrow').find((l) => l.data?.feature === 1)!;
    expect(a.data?.angle).toBe(String(120 + 10 * (R - 1)));
    expect(tagged<'line'>(scene.marks, 'step-marker')).toHaveLength(0);
  });

  it('has one frame per record with the arrows and a marker at that step', () => {
    expect(scene.frames).toHaveLength(R);
    scene.frames!.forEach((f, r) => {
      expect([f.width, f.height]).toEqual([scene.width, scene.height]);
      const marker = tagged<'line'>(f.marks, 'step-marker')[0]!;
      expect(marker.x1).toBeCloseTo(sx(steps[r]!));
      expect(marker.data?.step).toBe(steps[r]);
      const a = tagged<'line'>(f.marks, 'feature-arrow').find((l) => l.data?.feature === 2)!;
      expect(Number(a.data?.angle)).toBeCloseTo(240 + 10 * r, 1);
      expect(tagged<'path'>(f.marks, 'dimensionality-line')).toHaveLength(n);
    });
  });

  it('draws no arrows and no frames without a recorded W', () => {
    const still = definition.draw(make(false));
    expect(still.frames).toBeUndefined();
    expect(tagged<'line'>(still.marks, 'feature-arrow')).toHaveLength(0);
    expect(firstPoint(tagged<'path'>(still.marks, 'loss-line')[0]!.d)[0]).toBeCloseTo(DYNAMICS.LEFT + 40);
  });

  it('refuses results without a history', () => {
    const plain = handInput({ ...spec, record: undefined }, () => ({ params: {} }));
    expect(definition.fits(plain)).toMatch(/history/);
    expect(() => definition.draw(plain)).toThrow(FigureError);
  });
});

describe('frameRecords', () => {
  it('keeps every record up to the limit, else spreads the limit evenly with both ends', () => {
    expect(frameRecords(4, 60)).toEqual([0, 1, 2, 3]);
    const f = frameRecords(101, 60);
    expect(f).toHaveLength(60);
    expect([f[0], f.at(-1)]).toEqual([0, 100]);
    for (let k = 1; k < f.length; k++) expect(f[k]! - f[k - 1]!).toBeGreaterThanOrEqual(1);
    expect(frameRecords(101, 60).every((r, k) => r === Math.round((k * 100) / 59))).toBe(true);
  });
});
