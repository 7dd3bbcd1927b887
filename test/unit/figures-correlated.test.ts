import { describe, expect, it } from 'vitest';
import { classifyAngle, CR, definition, setColor } from '../../src/figures/correlated.js';
import { FigureError } from '../../src/figures/input.js';
import type { LineMark, Mark, MatrixMark, RectMark, TextMark } from '../../src/figures/scene.js';
import { arrowsW, handInput } from '../helpers/figure-input.js';

const deg = Math.PI / 180;
const sets = [[0, 1], [2, 3]];
const spec = { model: 'relu' as const, data: { kind: 'correlated' as const, sets }, nFeatures: 4, nHidden: 2, x: { param: 'featureProbability' as const, values: [0.3, 0.1, 0.03] } };
// Point 0: each set's members orthogonal; point 1: antipodal; point 2: set {0, 1} at 120°, and
// feature 3 of set {2, 3} too short (‖W_3‖ = 0.3) to count as represented.
const point2 = [1, Math.cos(120 * deg), 1, 0.3, 0, Math.sin(120 * deg), 0, 0];
const W = [arrowsW([0, 90 * deg, 180 * deg, 270 * deg]), arrowsW([0, 180 * deg, 90 * deg, 270 * deg]), point2];
const input = handInput(spec, (_g, pos) => ({ params: { W: W[pos]! } }));

const find = <T extends Mark>(marks: Mark[], tag: string, data: Record<string, number | string>) =>
  marks.find((mk) => mk.tag === tag && Object.entries(data).every(([k, v]) => mk.data?.[k] === v)) as T | undefined;

describe('correlated figure, m = 2', () => {
  const scene = definition.draw(input);
  const R = 1.25; // unit arrows: the plane shows [−1.25, 1.25]
  const half = CR.PANEL / 2;

  it('draws each column W_i as an arrow from the panel centre to its point', () => {
    const a = find<LineMark>(scene.marks, 'feature-arrow', { point: 0, feature: 1 })!;
    expect(a.arrow).toBe(true);
    expect(a.x1).toBeCloseTo(CR.LEFT + half, 4);
    expect(a.y1).toBeCloseTo(CR.TOP + half, 4);
    expect(a.x2).toBeCloseTo(CR.LEFT + half, 4);
    expect(a.y2).toBeCloseTo(CR.TOP + half - half / R, 4); // straight up
    const b = find<LineMark>(scene.marks, 'feature-arrow', { point: 1, feature: 1 })!;
    expect(b.x2).toBeCloseTo(CR.LEFT + CR.PANEL_W + half - half / R, 4); // 180°: left
    expect(b.y2).toBeCloseTo(CR.TOP + half, 4);
    expect(b.hover).toContain('S = 0.9');
    expect(b.hover).toContain('feature 1 (set {0, 1})');
  });

  it('colours arrows by their feature set', () => {
    const c = (i: number) => find<LineMark>(scene.marks, 'feature-arrow', { point: 0, feature: i })!.stroke;
    expect(c(0)).toBe(c(1));
    expect(c(2)).toBe(c(3));
    expect(c(0)).not.toBe(c(2));
    expect(c(0)).toBe(setColor(0, 2));
  });

  it('labels the angle between each set\'s members and classifies it', () => {
    const line = (point: number, set: number) => find<TextMark>(scene.marks, 'set-angle', { point, set })!;
    expect(line(0, 0).text).toBe('set {0, 1}: 90° (orthogonal)');
    expect(line(0, 1).data?.class).toBe('orthogonal');
    expect(line(0, 0).y).toBe(CR.TOP + CR.PANEL + 24 + CR.LINE_H);
    expect(line(1, 0).text).toBe('set {0, 1}: 180° (antipodal)');
    expect(line(2, 0).text).toBe('set {0, 1}: 120°');
    expect(line(2, 1).text).toContain('feature 3 not represented');
    const summary = (point: number) => find<TextMark>(scene.marks, 'angle-summary', { point })!.text;
    expect(summary(0)).toBe('both sets: members orthogonal');
    expect(summary(1)).toBe('both sets: members antipodal');
    expect(summary(2)).toBe('{0, 1} at 120° · {2, 3} not represented');
    expect(find(scene.marks, 'angle-arc', { point: 0, set: 0 })!.data?.angle).toBe('90');
    expect(find(scene.marks, 'angle-arc', { point: 2, set: 0 })!.data?.angle).toBe('120');
  });

  it('names angles near 0°, 90° and 180°', () => {
    expect(classifyAngle(3)).toBe('parallel');
    expect(classifyAngle(100)).toBe('orthogonal');
    expect(classifyAngle(170)).toBe('antipodal');
    expect(classifyAngle(130)).toBe('at 130°');
  });
});

describe('correlated figure, m = 3', () => {
  const s = 1 / Math.sqrt(2);
  // Columns e1, e2, e3, (e1 + e2)/√2; sets {0, 3} (45° apart) and {1, 2} (90°).
  const W3 = [1, 0, 0, s, 0, 1, 0, s, 0, 0, 1, 0];
  const inp = handInput({ ...spec, nHidden: 3, data: { kind: 'correlated', sets: [[0, 3], [1, 2]] }, x: { param: 'featureProbability', values: [0.1] } }, () => ({ params: { W: W3 } }));
  const scene = definition.draw(inp);

  it('draws WᵀW with the sets marked beside rows and columns', () => {
    const gram = scene.marks.find((mk) => mk.kind === 'matrix') as MatrixMark;
    expect(gram.rows).toBe(4);
    expect(gram.values[0 * 4 + 3]).toBeCloseTo(s, 5);
    expect(gram.values[1 * 4 + 2]).toBeCloseTo(0, 6);
    const top = scene.marks.filter((mk) => mk.tag === 'set-marker' && mk.data?.feature === 3) as RectMark[];
    expect(top.some((r) => Math.abs(r.x - (CR.LEFT + 3 * (CR.PANEL / 4))) < 1e-6 && r.y < CR.TOP)).toBe(true);
    expect(top[0]!.fill).toBe(setColor(0, 2));
    expect(scene.marks.some((mk) => mk.tag === 'feature-arrow')).toBe(false);
  });

  it('measures angles in m dimensions', () => {
    expect(find<TextMark>(scene.marks, 'set-angle', { set: 0 })!.text).toBe('set {0, 3}: 45°');
    expect(find<TextMark>(scene.marks, 'set-angle', { set: 1 })!.text).toBe('set {1, 2}: 90° (orthogonal)');
  });
});

describe('correlated figure fits', () => {
  it('needs correlated or anticorrelated sets', () => {
    const indep = handInput({ model: 'relu', nFeatures: 4, nHidden: 2, x: { param: 'featureProbability', values: [0.1] } }, () => ({ params: { W: arrowsW([0, 1, 2, 3]) } }));
    expect(definition.fits(indep)).toMatch(/correlated or anticorrelated.*independent/);
    expect(() => definition.draw(indep)).toThrow(FigureError);
    const anti = handInput({ ...spec, data: { kind: 'anticorrelated', sets } }, () => ({ params: { W: W[1]! } }));
    expect(definition.fits(anti)).toBeNull();
    expect(definition.draw(anti).title).toContain('anticorrelated');
  });
});
