import { describe, expect, it } from 'vitest';
import { BENEFIT, chartTop, definition, logTick } from '../../src/figures/benefit.js';
import { FigureError } from '../../src/figures/input.js';
import type { CircleMark, MatrixMark } from '../../src/figures/scene.js';
import { handInput } from '../helpers/figure-input.js';

const n = 4;
// Points in spec order p = 0.1, 1, 0.3 (S = 0.9, 0, 0.7): the figure must reorder them by S.
const P = [0.1, 1, 0.3];
/** A seed that is not shown: every feature above 0.5, so showing it would change every count. */
const decoy = (g: number, pos: number, i: number) => 0.51 + (g * 100 + pos * 10 + i) / 1000;
// Group 0 (linear): 2 features above 0.5 at every point. Group 1 (relu): 1 at S = 0, 3 at 0.7, 4 at 0.9.
const relu: Record<number, number[]> = { 1: [0.9, 0.4, 0.1, 0], 2: [0.9, 0.8, 0.6, 0.2], 0: [0.9, 0.9, 0.7, 0.55] };
const linear = [0.95, 0.7, 0.3, -0.2];

/** The real benefit sits at seed `dataSeed`; the other seed holds decoys; `kept` is every point's kept seed (−1: none). */
function input(kept: number, dataSeed = kept) {
  return handInput(
    { nFeatures: n, nHidden: 2, x: { param: 'featureProbability', values: P, scale: 'log' }, y: { param: 'model', values: ['linear', 'relu'] }, seeds: 2 },
    (g, pos, s) => ({ params: {}, benefit: s === dataSeed ? (g === 0 ? linear : relu[pos]!) : Array.from({ length: n }, (_, i) => decoy(g, pos, i)) }),
    { kept: () => kept },
  );
}

describe('benefit figure', () => {
  it('draws one heatmap per model: rows features, columns points ordered by S, values the kept seed\'s benefit', () => {
    const scene = definition.draw(input(1));
    const heat = scene.marks.filter((m): m is MatrixMark => m.kind === 'matrix' && m.tag === 'benefit');
    expect(heat.map((m) => m.data?.model)).toEqual(['linear', 'relu']);
    const [, r] = heat;
    expect(r).toMatchObject({ rows: n, cols: 3, colors: 'sequential', domain: [0, 1], x: BENEFIT.LEFT + BENEFIT.HEAT_W + BENEFIT.GAP, y: BENEFIT.TOP });
    expect(r!.colNames).toEqual(['S = 0', 'S = 0.7', 'S = 0.9']);
    // Column c holds point pos = [1, 2, 0][c]; row i feature i; only the kept seed (1) shows.
    for (const [c, pos] of [1, 2, 0].entries()) for (let i = 0; i < n; i++) expect(r!.values[i * 3 + c]).toBeCloseTo(relu[pos]![i]!, 6);
    expect(Array.from(heat[0]!.values.filter((_, k) => k % 3 === 0))).toEqual(linear.map(Math.fround));
  });

  it('plots the count of features with benefit > 0.5 at p on a reversed log axis', () => {
    const scene = definition.draw(input(1));
    const pts = scene.marks.filter((m): m is CircleMark => m.kind === 'circle' && m.tag === 'count-point');
    const at = (model: string, pos: number) => pts.find((c) => c.data?.model === model && c.data?.point === pos)!;
    expect([1, 2, 0].map((pos) => at('relu', pos).data?.count)).toEqual([1, 3, 4]);
    expect([1, 2, 0].map((pos) => at('linear', pos).data?.count)).toEqual([2, 2, 2]);
    // y: count 0 at the chart's bottom, n at its top.
    const bottom = chartTop() + BENEFIT.CHART_H;
    expect(at('relu', 0).cy).toBeCloseTo(bottom - (4 / n) * BENEFIT.CHART_H, 6);
    expect(at('relu', 1).cy).toBeCloseTo(bottom - (1 / n) * BENEFIT.CHART_H, 6);
    // x: sparser (smaller p) to the right, linear in ln p.
    const x1 = at('relu', 1).cx;
    const x03 = at('relu', 2).cx;
    const x01 = at('relu', 0).cx;
    expect(x1 < x03 && x03 < x01).toBe(true);
    expect((x01 - x1) / (x03 - x1)).toBeCloseTo(Math.log(0.1) / Math.log(0.3), 6);
    expect(at('relu', 2).hover).toBe('relu, S = 0.7: 3 of 4 features with benefit > 0.5');
    expect(scene.marks.filter((m) => m.tag === 'count-line')).toHaveLength(2);
  });

  it('uses seed 0 where no seed was kept', () => {
    const scene = definition.draw(input(-1, 0));
    const relu0 = scene.marks.find((m): m is MatrixMark => m.kind === 'matrix' && m.data?.model === 'relu')!;
    expect(relu0.values[0]).toBeCloseTo(0.9, 6);
  });

  it('refuses sweeps that are not 1-D over featureProbability', () => {
    const phase = handInput(
      { nFeatures: 2, nHidden: 1, x: { param: 'featureProbability', values: [0.1, 1] }, y: { param: 'importance', mode: 'last', values: [0.5, 2] } },
      () => ({ params: {} }),
    );
    expect(definition.fits(phase)).toMatch(/1-D sweep.*importance/);
    expect(() => definition.draw(phase)).toThrow(FigureError);
    const imp = handInput({ nFeatures: 2, nHidden: 1, featureProbability: 0.1, x: { param: 'importance', mode: 'last', values: [0.5, 2] } }, () => ({ params: {} }));
    expect(definition.fits(imp)).toMatch(/featureProbability.*importance/);
    expect(definition.fits(input(0))).toBeNull();
  });

  it('labels log ticks at 1, 2 and 5 times a power of ten', () => {
    expect([1, 0.5, 0.3, 0.2, 0.001, 0.003, 20].map(logTick)).toEqual(['1', '0.5', '', '0.2', '0.001', '', '20']);
  });
});
