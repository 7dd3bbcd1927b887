import { describe, expect, it } from 'vitest';
import { definition, PB, stackExtent, stackWeights } from '../../src/figures/privileged-basis.js';
import { FigureError } from '../../src/figures/input.js';
import type { Mark, RectMark, TextMark } from '../../src/figures/scene.js';
import { featureColor } from '../../src/figures/colors.js';
import { handInput } from '../helpers/figure-input.js';

// n = 3, m = 2. Point 0 (S = 0): two monosemantic neurons. Point 1 (S = 0.9): neuron 0 reads
// +0.6, −0.6, +0.3 (feature count 0.81² / (2·0.6⁴ + 0.3⁴) = 2.4545…), neuron 1 reads 0.5 from all
// three (count exactly 3; its positive stack 1.5 is the figure's largest, so the axis is ±1.5).
const W0 = [1, 0, 0, 0, -0.8, 0];
const W1 = [0.6, -0.6, 0.3, 0.5, 0.5, 0.5];
const spec = { model: 'hidden-relu' as const, nFeatures: 3, nHidden: 2, x: { param: 'featureProbability' as const, values: [1, 0.1] } };
const input = handInput(spec, (_g, pos) => ({ params: { W: pos === 0 ? W0 : W1 } }));

const byTag = (marks: Mark[], tag: string) => marks.filter((m) => m.tag === tag);
const find = <T extends Mark>(marks: Mark[], tag: string, data: Record<string, number>) =>
  marks.find((m) => m.tag === tag && Object.entries(data).every(([k, v]) => m.data?.[k] === v)) as T | undefined;

describe('privileged-basis figure', () => {
  const scene = definition.draw(input);
  const scale = PB.HALF / 1.5;

  it('stacks positive weights right and negative weights left of the zero line, |w| · scale long', () => {
    const zero1 = PB.LEFT + PB.PANEL_W + PB.HALF;
    const f0 = find<RectMark>(scene.marks, 'neuron-weight', { point: 1, neuron: 0, feature: 0 })!;
    const f1 = find<RectMark>(scene.marks, 'neuron-weight', { point: 1, neuron: 0, feature: 1 })!;
    const f2 = find<RectMark>(scene.marks, 'neuron-weight', { point: 1, neuron: 0, feature: 2 })!;
    expect(f0.x).toBeCloseTo(zero1, 4);
    expect(f0.width).toBeCloseTo(0.6 * scale, 4);
    expect(f1.x + f1.width).toBeCloseTo(zero1, 4);
    expect(f1.width).toBeCloseTo(0.6 * scale, 4);
    // Feature 2 stacks after feature 0 on the positive side.
    expect(f2.x).toBeCloseTo(zero1 + 0.6 * scale, 4);
    expect(f2.width).toBeCloseTo(0.3 * scale, 4);
    expect(f2.fill).toBe(featureColor(2, 3));
    expect(f0.fill).not.toBe(f2.fill);
  });

  it('puts neuron j in row j and draws zero weights as nothing', () => {
    const seg = find<RectMark>(scene.marks, 'neuron-weight', { point: 0, neuron: 1, feature: 1 })!;
    expect(seg.y).toBeCloseTo(PB.TOP + PB.ROW_H + (PB.ROW_H - PB.BAR_H) / 2, 4);
    expect(seg.x).toBeCloseTo(PB.LEFT + PB.HALF - 0.8 * scale, 4);
    expect(byTag(scene.marks, 'neuron-weight').filter((m) => m.data?.point === 0)).toHaveLength(2);
    expect(seg.hover).toContain('S = 0');
    expect(seg.hover).toContain('neuron 1');
    expect(seg.hover).toContain('feature 1');
    expect(seg.hover).toContain('−0.8');
  });

  it('labels each neuron with its feature count and counts monosemantic neurons', () => {
    const c = (point: number, neuron: number) => find<TextMark>(scene.marks, 'neuron-count', { point, neuron })!.text;
    expect(c(0, 0)).toBe('1');
    expect(c(0, 1)).toBe('1');
    expect(c(1, 0)).toBe('2.45');
    expect(c(1, 1)).toBe('3');
    expect(find<TextMark>(scene.marks, 'monosemantic', { point: 0 })!.text).toBe('2/2 monosemantic');
    expect(find<TextMark>(scene.marks, 'monosemantic', { point: 1 })!.text).toBe('0/2 monosemantic');
    const label = find<TextMark>(scene.marks, 'neuron-count', { point: 1, neuron: 1 })!;
    expect(label.x).toBe(PB.LEFT + PB.PANEL_W + 2 * PB.HALF + PB.COUNT_DX);
    expect(label.y).toBeCloseTo(PB.TOP + 1.5 * PB.ROW_H, 4);
  });

  it('shows the columns as sparsities and a legend of every feature', () => {
    expect(byTag(scene.marks, 'column-label').map((m) => (m as TextMark).text)).toEqual(['S = 0', 'S = 0.9']);
    expect(byTag(scene.marks, 'legend').map((m) => m.data?.feature)).toEqual([0, 1, 2]);
  });

  it('refuses models without a privileged hidden layer and 2-D sweeps', () => {
    const relu = handInput({ ...spec, model: 'relu' }, () => ({ params: { W: W0 } }));
    expect(definition.fits(relu)).toMatch(/privileged hidden layer.*relu/);
    expect(() => definition.draw(relu)).toThrow(FigureError);
    const grid = handInput({ ...spec, y: { param: 'importance', mode: 'uniform', values: [1, 2] } }, () => ({ params: { W: W0 } }));
    expect(definition.fits(grid)).toMatch(/1-D sweep/);
    expect(definition.fits(input)).toBeNull();
  });
});

describe('stackWeights and stackExtent', () => {
  it('stacks each sign separately and drops weights under the given share', () => {
    const s = stackWeights([0.5, -0.2, 0.01, 0.3], 0.05);
    expect(s.segments.map((x) => [x.feature, x.start])).toEqual([[0, 0], [1, 0], [3, 0.5]]);
    expect(s.pos).toBeCloseTo(0.8, 9);
    expect(s.neg).toBeCloseTo(0.2, 9);
    expect(s.omitted).toBeCloseTo(0.01, 9);
  });
  it('rounds the axis up to a multiple of 0.5', () => {
    expect(stackExtent(0.2)).toBe(0.5);
    expect(stackExtent(1)).toBe(1);
    expect(stackExtent(1.01)).toBe(1.5);
  });
});
