import { describe, expect, it } from 'vitest';
import { ARROWS, arrowPanel, axisValueLabel, definition, gapSummary, neighbourGaps } from '../../src/figures/feature-arrows.js';
import { FigureError } from '../../src/figures/input.js';
import type { Mark } from '../../src/figures/scene.js';
import { parseSpec } from '../../src/science/spec.js';
import { arrowsW, handInput } from '../helpers/figure-input.js';

const deg = Math.PI / 180;
const tagged = <K extends Mark['kind']>(marks: Mark[], tag: string) => marks.filter((m) => m.tag === tag) as Extract<Mark, { kind: K }>[];

describe('neighbourGaps', () => {
  // Features out of angular order, one dropped (norm 0.2).
  const W = arrowsW([250 * deg, 0, 100 * deg, 180 * deg, 40 * deg]);
  W[4] = 0.2 * Math.cos(40 * deg);
  W[5 + 4] = 0.2 * Math.sin(40 * deg);

  it('walks the represented features counter-clockwise and measures each gap', () => {
    const gaps = neighbourGaps(W, 5);
    expect(gaps.map((g) => [g.from, g.to])).toEqual([[1, 2], [2, 3], [3, 0], [0, 1]]);
    expect(gaps.map((g) => g.degrees)).toEqual([100, 80, 70, 110].map((d) => expect.closeTo(d, 9)));
  });

  it('summarises against 360°/k', () => {
    const s = gapSummary(W, 5);
    expect(s.k).toBe(4);
    expect(s.dropped).toEqual([4]);
    expect(s.ideal).toBe(90);
    expect(s.deviation).toBeCloseTo(20, 9);
    expect(s.text).toBe('k = 4 represented (dropped: 4); gaps 100 80 70 110° vs ideal 360°/k = 90°; largest deviation 20°');
  });

  it('has no gaps with fewer than two represented features', () => {
    expect(neighbourGaps(arrowsW([0.3], 3), 3)).toEqual([]);
    expect(gapSummary(arrowsW([0.3], 3), 3).text).toContain('k = 1 represented (dropped: 1, 2)');
  });
});

describe('arrowPanel', () => {
  it('puts each arrow at its angle and length, origin at the centre, y up', () => {
    const W = arrowsW([30 * deg, 135 * deg], 3, 0.8);
    const marks = arrowPanel(W, 3, { x: 100, y: 50 }, 200, { extent: 2 });
    const arrows = tagged<'line'>(marks, 'feature-arrow');
    expect(arrows).toHaveLength(3);
    const unit = 200 / 4;
    for (const [i, a] of [[0, 30], [1, 135]] as const) {
      const m = arrows.find((l) => l.data?.feature === i)!;
      expect(m.x1).toBeCloseTo(200);
      expect(m.y1).toBeCloseTo(150);
      expect(m.x2 - m.x1).toBeCloseTo(0.8 * unit * Math.cos(a * deg));
      expect(m.y1 - m.y2).toBeCloseTo(0.8 * unit * Math.sin(a * deg));
      expect(m.data?.angle).toBe(String(a));
      expect(m.arrow).toBe(true);
    }
    // The zero column is a stub without an arrow head, named as not represented.
    expect(arrows[2]!.arrow).toBe(false);
    expect(arrows[2]!.hover).toContain('not represented');
  });

  it('labels the gaps with their angles and writes the summary', () => {
    const W = arrowsW([0, 90 * deg, 200 * deg]);
    const marks = arrowPanel(W, 3, { x: 0, y: 0 }, 100, { label: 'S = 0.9' });
    expect(tagged<'text'>(marks, 'gap-label').map((t) => t.text)).toEqual(['90°', '110°', '160°']);
    const summary = tagged<'text'>(marks, 'gap-summary');
    expect(summary.map((t) => t.text)).toEqual(['k = 3 represented', 'gaps 90 110 160°', 'ideal 360°/k = 120°; largest deviation 40°']);
    expect(summary[0]!.hover).toContain('S = 0.9');
  });

  it('draws a halo only for highlighted features', () => {
    const marks = arrowPanel(arrowsW([0, 1, 2]), 3, { x: 0, y: 0 }, 100, { highlight: [2] });
    expect(tagged<'path'>(marks, 'highlight').map((m) => m.data?.feature)).toEqual([2]);
  });
});

describe('feature-arrows figure', () => {
  const spec = {
    model: 'relu' as const, nFeatures: 5, nHidden: 2, seeds: 2,
    x: { param: 'featureProbability' as const, values: [0.1, 0.03] },
    y: { param: 'importance' as const, mode: 'decay' as const, values: [0.8, 1] },
  };
  // Point pos: a regular pentagon turned by 10°·pos; seed 1 (the kept one) only.
  const pentagon = (pos: number) => arrowsW([0, 1, 2, 3, 4].map((k) => (90 + 72 * k + 10 * pos) * deg));
  const input = handInput(spec, (_g, pos, seed) => ({ params: { W: seed === 1 ? pentagon(pos) : arrowsW([0], 5) } }), { kept: () => 1 });
  const scene = definition.draw(input);

  it('draws one panel per point, columns x and rows y, from the kept seed', () => {
    const arrows = tagged<'line'>(scene.marks, 'feature-arrow');
    expect(arrows).toHaveLength(4 * 5);
    const unit = ARROWS.PANEL / (2 * 1.3); // unit arrows: extent max(1.3, 1.2 · 1)
    for (const p of input.groups[0]!.set.points) {
      const pos = p.index;
      const a = arrows.find((l) => l.data?.point === pos && l.data?.feature === 2)!;
      expect(a.x1).toBeCloseTo(ARROWS.LEFT + p.xIndex * ARROWS.COL_W + ARROWS.PANEL / 2);
      expect(a.y1).toBeCloseTo(ARROWS.TOP + p.yIndex * ARROWS.ROW_H + ARROWS.PANEL / 2);
      const angle = (90 + 144 + 10 * pos) * deg;
      expect(a.x2 - a.x1).toBeCloseTo(unit * Math.cos(angle));
      expect(a.y1 - a.y2).toBeCloseTo(unit * Math.sin(angle));
    }
  });

  it('labels every gap of the regular pentagon 72° and finds no deviation', () => {
    const labels = tagged<'text'>(scene.marks, 'gap-label');
    expect(labels).toHaveLength(4 * 5);
    expect(new Set(labels.map((t) => t.text))).toEqual(new Set(['72°']));
    const first = tagged<'text'>(scene.marks, 'gap-summary').filter((t) => t.data?.line === 2);
    expect(first.map((t) => t.text)).toEqual(Array(4).fill('ideal 360°/k = 72°; largest deviation 0°'));
  });

  it('names the axis values and the point in hovers', () => {
    expect(tagged<'text'>(scene.marks, 'column-label').map((t) => t.text)).toEqual(['p = 0.1 (S = 0.9)', 'p = 0.03 (S = 0.97)']);
    expect(tagged<'text'>(scene.marks, 'row-label').map((t) => t.text)).toEqual(['Iᵢ = 0.8ⁱ', 'Iᵢ = 1 (uniform)']);
    const a = tagged<'line'>(scene.marks, 'feature-arrow').find((l) => l.data?.point === 0 && l.data?.feature === 0)!;
    expect(a.hover).toBe('S = 0.9, r = 0.8 · feature 0: ‖W_i‖ = 1, angle 90°');
  });

  it('refuses models without m = 2', () => {
    const wide = handInput({ model: 'relu', nFeatures: 6, nHidden: 5, featureProbability: 0.1 }, () => ({ params: {} }));
    expect(definition.fits(wide)).toBe('needs m = 2 hidden dimensions; these results have m = 5');
    expect(() => definition.draw(wide)).toThrow(FigureError);
    expect(definition.fits(input)).toBeNull();
  });
});

describe('axisValueLabel', () => {
  it('says p for a features selector without calling it sparsity', () => {
    const spec = parseSpec({ nFeatures: 5, nHidden: 2, featureProbability: 0.05, x: { param: 'featureProbability', features: [4], values: [0.2] } });
    expect(axisValueLabel(spec.x!, 0.2)).toBe('p₄ = 0.2');
  });
});

describe('feature arrows with a model axis on y', () => {
  it('draws each model kind in its own row (the replications beside the paper)', () => {
    const input = handInput(
      { nFeatures: 3, nHidden: 2, x: { param: 'featureProbability', values: [0.3, 0.1], scale: 'log' }, y: { param: 'model', values: ['relu-hidden-bias', 'relu'] }, seeds: 1 },
      () => ({ params: { W: arrowsW([0, (2 * Math.PI) / 3, (4 * Math.PI) / 3]) } }),
    );
    const scene = definition.draw(input);
    const rowsOf = (model: string) => new Set(scene.marks.filter((m) => m.tag === 'feature-arrow' && m.data?.model === model && m.kind === 'line').map((m) => Math.floor(((m as { y1: number }).y1 - ARROWS.TOP) / ARROWS.ROW_H)));
    expect([...rowsOf('relu-hidden-bias')]).toEqual([0]);
    expect([...rowsOf('relu')]).toEqual([1]);
    expect(scene.height).toBe(ARROWS.TOP + 2 * ARROWS.ROW_H);
  });
});
