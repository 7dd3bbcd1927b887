import { describe, expect, it } from 'vitest';
import { definition, NONUNIFORM } from '../../src/figures/non-uniform.js';
import { FigureError } from '../../src/figures/input.js';
import type { Mark } from '../../src/figures/scene.js';
import { arrowsW, handInput } from '../helpers/figure-input.js';

const deg = Math.PI / 180;
const tagged = <K extends Mark['kind']>(marks: Mark[], tag: string) => marks.filter((m) => m.tag === tag) as Extract<Mark, { kind: K }>[];

describe('non-uniform figure', () => {
  const spec = {
    model: 'relu' as const, nFeatures: 5, nHidden: 2, featureProbability: 0.05, seeds: 2,
    // Evenly spaced on the log axis (ratio 5), so each loss point sits under its panel.
    x: { param: 'featureProbability' as const, features: [4], values: [0.01, 0.05, 0.25], scale: 'log' as const },
  };
  // Sparse feature 4: dropped, the other four a square; otherwise a regular pentagon.
  const square = arrowsW([0, 90, 180, 270].map((a) => a * deg), 5);
  const pentagon = arrowsW([0, 1, 2, 3, 4].map((k) => 72 * k * deg));
  const losses = [[0.004, 0.006], [0.009, 0.008], [0.02, 0.03]];
  const input = handInput(spec, (_g, pos, seed) => ({ params: { W: pos === 0 ? square : pentagon }, loss: losses[pos]![seed]! }), { kept: (_g, pos) => (pos === 1 ? 1 : 0) });
  const scene = definition.draw(input);

  it('draws one arrow panel per density with the swept feature highlighted', () => {
    const arrows = tagged<'line'>(scene.marks, 'feature-arrow');
    expect(arrows).toHaveLength(3 * 5);
    for (let c = 0; c < 3; c++) {
      const a = arrows.find((l) => l.data?.point === c && l.data?.feature === 0)!;
      expect(a.x1).toBeCloseTo(NONUNIFORM.LEFT + c * NONUNIFORM.COL_W + NONUNIFORM.PANEL / 2);
      expect(a.y1).toBeCloseTo(NONUNIFORM.TOP + NONUNIFORM.PANEL / 2);
    }
    const halos = tagged<'path'>(scene.marks, 'highlight');
    expect(halos).toHaveLength(3);
    expect(halos.every((h) => h.data?.feature === 4)).toBe(true);
    expect(tagged<'text'>(scene.marks, 'column-label').map((t) => t.text)).toEqual(['p₄ = 0.01', 'p₄ = 0.05', 'p₄ = 0.25']);
  });

  it('plots the kept seed’s loss under each panel, the other seeds as dots', () => {
    const pts = tagged<'circle'>(scene.marks, 'loss-point');
    expect(pts.map((p) => p.data?.loss)).toEqual(['0.004', '0.008', '0.02']);
    pts.forEach((p, c) => expect(p.cx).toBeCloseTo(NONUNIFORM.LEFT + c * NONUNIFORM.COL_W + NONUNIFORM.PANEL / 2));
    // Higher loss is higher up (smaller y).
    expect(pts[0]!.cy).toBeGreaterThan(pts[1]!.cy);
    expect(pts[1]!.cy).toBeGreaterThan(pts[2]!.cy);
    expect(tagged<'circle'>(scene.marks, 'seed-loss').map((p) => p.data?.loss)).toEqual(['0.006', '0.009', '0.03']);
    // The uniform point (p = 0.05 for every feature) is marked where the middle panel's loss is.
    const base = tagged<'line'>(scene.marks, 'base-density')[0]!;
    expect(base.x1).toBeCloseTo(pts[1]!.cx);
  });

  it('marks the snap where the number of represented features changes', () => {
    const t = tagged<'line'>(scene.marks, 'transition');
    expect(t).toHaveLength(1);
    expect(t[0]!.data).toMatchObject({ from: 0, to: 1, before: 4, after: 5 });
    const pts = tagged<'circle'>(scene.marks, 'loss-point');
    expect(t[0]!.x1).toBeGreaterThan(pts[0]!.cx);
    expect(t[0]!.x1).toBeLessThan(pts[1]!.cx);
    const summaries = tagged<'text'>(scene.marks, 'gap-summary');
    expect(summaries.map((s) => s.data?.k)).toEqual([4, 5, 5]);
  });

  it('refuses sweeps without a features selector, or with m ≠ 2', () => {
    const plain = handInput({ model: 'relu', nFeatures: 5, nHidden: 2, x: { param: 'featureProbability', values: [0.1, 0.2] } }, () => ({ params: {} }));
    expect(definition.fits(plain)).toMatch(/features/);
    expect(() => definition.draw(plain)).toThrow(FigureError);
    const wide = handInput({ ...spec, nHidden: 3 }, () => ({ params: {} }));
    expect(definition.fits(wide)).toBe('needs m = 2 hidden dimensions; these results have m = 3');
    expect(definition.fits(input)).toBeNull();
  });
});
