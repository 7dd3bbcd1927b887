import { describe, expect, it } from 'vitest';
import { absPairs, CP, definition, rowHeight, sortNeurons } from '../../src/figures/computation.js';
import { FigureError } from '../../src/figures/input.js';
import type { Mark, PathMark, RectMark, TextMark } from '../../src/figures/scene.js';
import { featureColor } from '../../src/figures/colors.js';
import { handInput } from '../helpers/figure-input.js';

// n = 2, m = 4. Point 0: neurons 0 (+x_0), 2 (−x_0), 3 (+x_1), 1 (−x_1), each writing +1 to its
// feature's output: two |x_i| pairs. Point 1: neuron 0 reads x_0 + 0.9·x_1 (feature count
// 1.81² / 1.6561 = 1.978…) and writes to both outputs, so feature 0 has no clean pair.
const n = 2;
const m = 4;
const W1a = [1, 0, 0, -1, -1, 0, 0, 1];
const W2a = [1, 0, 1, 0, 0, 1, 0, 1];
const W1b = [1, 0.9, 0, -1, -1, 0, 0, 1];
const W2b = [1, 0, 1, 0, 0.5, 1, 0, 1];
const spec = { model: 'abs' as const, data: { kind: 'signed' as const }, nFeatures: n, nHidden: m, x: { param: 'featureProbability' as const, values: [1, 0.1] } };
const input = handInput(spec, (_g, pos) => ({ params: pos === 0 ? { W1: W1a, W2: W2a } : { W1: W1b, W2: W2b }, benefit: pos === 0 ? [0.9, 0.8] : [0.9, 0.2] }));

const find = <T extends Mark>(marks: Mark[], tag: string, data: Record<string, number | string>) =>
  marks.find((mk) => mk.tag === tag && Object.entries(data).every(([k, v]) => mk.data?.[k] === v)) as T | undefined;

describe('computation figure', () => {
  const scene = definition.draw(input);
  const { ROW_H, BAR_H } = rowHeight(m);

  it('sorts neurons by dominant input feature, the +x_i neuron before the −x_i one', () => {
    expect(sortNeurons(W1a, n, m).order).toEqual([0, 2, 3, 1]);
    const n3 = find<TextMark>(scene.marks, 'neuron-label', { point: 0, neuron: 3 })!;
    expect(n3.data?.row).toBe(2);
    expect(n3.y).toBeCloseTo(CP.TOP + 2 * ROW_H + ROW_H / 2, 4);
    expect(find<TextMark>(scene.marks, 'dominant-feature', { point: 0, neuron: 1 })!.text).toBe('−x1');
    expect(find<TextMark>(scene.marks, 'dominant-feature', { point: 0, neuron: 3 })!.text).toBe('+x1');
  });

  it('draws input weights W1[j, :] and output weights W2[:, j] as bars scaled by their own axes', () => {
    const inExtent = 2; // neuron 0 at point 1: 1 + 0.9 = 1.9 on the positive side
    const outExtent = 1.5; // W2 column 0 at point 1: 1 + 0.5
    const inZero = CP.LEFT + CP.LABEL_W + CP.HALF;
    const outZero = CP.LEFT + CP.LABEL_W + 3 * CP.HALF + CP.GAP;
    const in2 = find<RectMark>(scene.marks, 'input-weight', { point: 0, neuron: 2, feature: 0 })!;
    expect(in2.x + in2.width).toBeCloseTo(inZero, 4);
    expect(in2.width).toBeCloseTo(CP.HALF / inExtent, 4);
    expect(in2.y).toBeCloseTo(CP.TOP + 1 * ROW_H + (ROW_H - BAR_H) / 2, 4);
    const out2 = find<RectMark>(scene.marks, 'output-weight', { point: 0, neuron: 2, feature: 0 })!;
    expect(out2.x).toBeCloseTo(outZero, 4);
    expect(out2.width).toBeCloseTo(CP.HALF / outExtent, 4);
    expect(out2.fill).toBe(featureColor(0, n));
    expect(out2.hover).toContain('neuron 2');
    expect(out2.hover).toContain('output to feature 0');
    // Point 1, neuron 0: feature 1's input segment stacks after feature 0's.
    const b1 = find<RectMark>(scene.marks, 'input-weight', { point: 1, neuron: 0, feature: 1 })!;
    expect(b1.x).toBeCloseTo(CP.LEFT + CP.PANEL_W + CP.LABEL_W + CP.HALF + CP.HALF / inExtent, 4);
    expect(b1.width).toBeCloseTo((0.9 * CP.HALF) / inExtent, 4);
  });

  it('brackets neuron pairs computing |x_i| and counts polysemantic neurons', () => {
    const pairs0 = scene.marks.filter((mk) => mk.tag === 'abs-pair' && mk.data?.point === 0) as PathMark[];
    expect(pairs0.map((p) => [p.data?.feature, p.data?.neurons])).toEqual([[0, '0,2'], [1, '3,1']]);
    // Feature 1's bracket joins rows 2 and 3.
    expect(pairs0[1]!.d).toContain(`V${CP.TOP + 3.5 * ROW_H}`);
    const pairs1 = scene.marks.filter((mk) => mk.tag === 'abs-pair' && mk.data?.point === 1);
    expect(pairs1.map((p) => p.data?.feature)).toEqual([1]);
    expect(find<TextMark>(scene.marks, 'neuron-count', { point: 1, neuron: 0 })!.text).toBe('1.98');
    expect(find<TextMark>(scene.marks, 'computation-summary', { point: 0 })!.text).toBe('2 |x_i| pairs · 0/4 polysemantic · benefit > 0.5: 2/2');
    expect(find<TextMark>(scene.marks, 'computation-summary', { point: 1 })!.text).toBe('1 |x_i| pairs · 1/4 polysemantic · benefit > 0.5: 1/2');
  });

  it('needs the output weight to be positive for a pair', () => {
    const W2neg = [1, 0, -1, 0, 0, 1, 0, 1];
    const sorted = sortNeurons(W1a, n, m);
    expect(absPairs(W2neg, m, sorted, [1, 1, 1, 1]).map((p) => p.feature)).toEqual([1]);
  });

  it('leaves out small segments for many features and says so', () => {
    const big = 12;
    const W1 = new Array<number>(2 * big).fill(0);
    W1[0] = 1;
    W1[1] = 0.01; // 1% of neuron 0's Σ|w|: not drawn
    W1[big + 2] = 1;
    const inp = handInput({ ...spec, nFeatures: big, nHidden: 2, x: { param: 'featureProbability', values: [0.1] } }, () => ({ params: { W1, W2: new Array<number>(2 * big).fill(0.5) } }));
    const s = definition.draw(inp);
    expect(find(s.marks, 'input-weight', { neuron: 0, feature: 0 })).toBeDefined();
    expect(find(s.marks, 'input-weight', { neuron: 0, feature: 1 })).toBeUndefined();
    expect((s.marks.find((mk) => mk.tag === 'subtitle') as TextMark).text).toContain('under 5%');
  });

  it('refuses models without W1 and W2', () => {
    const relu = handInput({ model: 'relu', nFeatures: 3, nHidden: 2, featureProbability: 0.1 }, () => ({ params: { W: [1, 0, 0, 0, 1, 0] } }));
    expect(definition.fits(relu)).toMatch(/abs model/);
    expect(() => definition.draw(relu)).toThrow(FigureError);
    expect(definition.fits(input)).toBeNull();
  });
});
