import { describe, expect, it } from 'vitest';
import { bottomTop, definition, FD, polytopeColor, structureCounts } from '../../src/figures/feature-dimensionality.js';
import { FigureError } from '../../src/figures/input.js';
import type { CircleMark, LineMark, TextMark } from '../../src/figures/scene.js';
import { handInput } from '../helpers/figure-input.js';

const n = 8;
const m = 4;
const deg = Math.PI / 180;

/** W (m × n, row-major) from feature columns (missing features are zero). */
function fromColumns(cols: number[][]): number[] {
  const W = new Array<number>(m * n).fill(0);
  cols.forEach((c, i) => c.forEach((v, j) => (W[j * n + i] = v)));
  return W;
}
const e = (j: number, s = 1) => Array.from({ length: m }, (_, k) => (k === j ? s : 0));
const inPlane = (a: number, j0: number) => Array.from({ length: m }, (_, k) => (k === j0 ? Math.cos(a * deg) : k === j0 + 1 ? Math.sin(a * deg) : 0));

// Spec order p = 0.5, 1, 0.1 (1/p = 2, 1, 10).
// p = 1: four dedicated features, four dropped. p = 0.5: four antipodal pairs (digons).
// p = 0.1: a pentagon (features 0-4) in dimensions 0-1 and a triangle (features 5-7) in dimensions 2-3.
const byP: Record<number, number[]> = {
  1: fromColumns([e(0), e(1), e(2), e(3)]),
  0.5: fromColumns([e(0), e(0, -1), e(1), e(1, -1), e(2), e(2, -1), e(3), e(3, -1)]),
  0.1: fromColumns([...[0, 72, 144, 216, 288].map((a) => inPlane(a, 0)), ...[90, 210, 330].map((a) => inPlane(a, 2))]),
};
const P = [0.5, 1, 0.1];
const input = () => handInput({ nFeatures: n, nHidden: m, x: { param: 'featureProbability', values: P, scale: 'log' } }, (_g, pos) => ({ params: { W: byP[P[pos]!]! } }));

/** x of 1/p on the log axis over [1/X_PAD, 10·X_PAD], computed from the layout alone. */
const xOf = (inv: number) => FD.LEFT + (FD.PLOT_W * (Math.log(inv) - Math.log(1 / FD.X_PAD))) / (Math.log(10 * FD.X_PAD) - Math.log(1 / FD.X_PAD));
const yOfD = (D: number) => bottomTop() + FD.BOTTOM_H - (D / FD.D_MAX) * FD.BOTTOM_H;

describe('feature-dimensionality figure', () => {
  const scene = definition.draw(input());
  const dots = scene.marks.filter((mk): mk is CircleMark => mk.kind === 'circle' && mk.tag === 'feature-dimensionality');
  const dot = (pos: number, feature: number) => dots.find((d) => d.data?.point === pos && d.data?.feature === feature)!;

  it('draws every feature\'s D_i at its point\'s 1/p, coloured by its detected structure', () => {
    expect(dots).toHaveLength(3 * n);
    // Triangle member at p = 0.1 (pos 2): D = 2/3.
    expect(dot(2, 6).cy).toBeCloseTo(yOfD(2 / 3), 4);
    expect(Math.abs(dot(2, 6).cx - xOf(10))).toBeLessThanOrEqual(FD.JITTER / 2);
    expect(dot(2, 6).data?.polytope).toBe('triangle');
    expect(dot(2, 6).fill).toBe(polytopeColor('triangle'));
    // Pentagon member: D = 2/5.
    expect(dot(2, 1).cy).toBeCloseTo(yOfD(2 / 5), 4);
    expect(dot(2, 1).data?.polytope).toBe('pentagon');
    expect(dot(2, 1).hover).toBe('S = 0.9 (1/(1 − S) = 10) · feature 1: D_i = 0.4, pentagon with features 0, 2, 3, 4');
    // Digons at p = 0.5 (pos 0): D = 1/2.
    expect(dot(0, 3).cy).toBeCloseTo(yOfD(0.5), 4);
    expect(Math.abs(dot(0, 3).cx - xOf(2))).toBeLessThanOrEqual(FD.JITTER / 2);
    expect(dot(0, 3).data?.polytope).toBe('digon');
    // Dense (pos 1): dedicated at D = 1, dropped at 0.
    expect(dot(1, 2).cy).toBeCloseTo(yOfD(1), 4);
    expect(dot(1, 2).data?.polytope).toBe('dedicated');
    expect(dot(1, 5).cy).toBeCloseTo(yOfD(0), 4);
    expect(dot(1, 5).data?.polytope).toBe('none');
    expect(new Set([polytopeColor('triangle'), polytopeColor('pentagon'), polytopeColor('digon'), polytopeColor('dedicated')]).size).toBe(4);
  });

  it('draws m/‖W‖_F² per point in the top panel, in order of 1/p', () => {
    const pts = scene.marks.filter((mk): mk is CircleMark => mk.kind === 'circle' && mk.tag === 'dims-per-feature');
    // Values: m/‖W‖_F² = 4/4 = 1 at p = 1, 4/8 = 1/2 at p = 0.5 and 0.1; the axis tops out at 1.1.
    const y = (v: number) => FD.TOP + FD.TOP_H - (v / 1.1) * FD.TOP_H;
    expect(pts.map((c) => c.data?.point)).toEqual([1, 0, 2]);
    expect(pts.map((c) => c.cx)).toEqual([xOf(1), xOf(2), xOf(10)].map((v) => expect.closeTo(v, 4)));
    expect(pts.map((c) => c.cy)).toEqual([1, 0.5, 0.5].map((v) => expect.closeTo(y(v), 4)));
    expect(pts[1]!.hover).toBe('S = 0.5 (1/(1 − S) = 2): m/‖W‖_F² = 0.5');
  });

  it('names the detected structures at each point', () => {
    const labels = scene.marks.filter((mk): mk is TextMark => mk.kind === 'text' && mk.tag === 'structure-label');
    const at = (pos: number) => labels.find((t) => t.data?.point === pos)!;
    expect(at(1).text).toBe('4 dedicated');
    expect(at(1).data).toMatchObject({ dedicated: 4, dropped: 4 });
    expect(at(0).text).toBe('4 digons');
    expect(at(2).text).toBe('1 pentagon, 1 triangle');
    expect(at(2).data).toMatchObject({ pentagon: 1, triangle: 1, dropped: 0 });
    expect(at(2).hover).toBe('S = 0.9 (1/(1 − S) = 10): 1 pentagon, 1 triangle, 0 not represented');
    expect(at(2).x).toBeCloseTo(xOf(10), 4);
  });

  it('leaves room below the labels for the longest one', () => {
    // At p = 0.1 a hexagon (no polytope of the paper: "6 features in 2 dimensions") and a digon.
    const odd: Record<number, number[]> = { ...byP, 0.1: fromColumns([...[0, 60, 120, 180, 240, 300].map((a) => inPlane(a, 0)), e(2), e(2, -1)]) };
    const long = definition.draw(handInput({ nFeatures: n, nHidden: m, x: { param: 'featureProbability', values: P, scale: 'log' } }, (_g, pos) => ({ params: { W: odd[P[pos]!]! } })));
    const label = long.marks.find((mk): mk is TextMark => mk.kind === 'text' && mk.tag === 'structure-label' && mk.data?.point === 2)!;
    expect(label.text).toBe('6 features in 2 dimensions, 1 digon');
    // The label runs down from label.y; at 0.55 em a character (a typical sans-serif average) it needs this much room.
    expect(long.height).toBeGreaterThanOrEqual(label.y + label.text.length * (label.size ?? 9) * 0.55);
    // Short labels keep the fixed layout.
    expect(scene.height).toBe(label.y + FD.LABEL_H + 10);
  });

  it('draws dashed reference lines at each polytope\'s D, labelled with its fraction', () => {
    const refs = scene.marks.filter((mk): mk is LineMark => mk.kind === 'line' && mk.tag === 'd-reference');
    const want: [string, number][] = [['1', 1], ['3/4', 0.75], ['2/3', 2 / 3], ['1/2', 0.5], ['2/5', 0.4], ['3/8', 0.375]];
    expect(refs.map((r) => [r.data?.value, r.y1])).toEqual(want.map(([f, D]) => [f, expect.closeTo(yOfD(D), 4)]));
    expect(refs.every((r) => r.dash)).toBe(true);
    const texts = scene.marks.filter((mk): mk is TextMark => mk.kind === 'text' && mk.tag === 'd-reference-label').map((t) => t.text);
    expect(texts).toEqual(['1 dedicated', '3/4 tetrahedron', '2/3 triangle', '1/2 digon', '2/5 pentagon', '3/8 square antiprism']);
  });

  it('refuses anything but a 1-D sweep over featureProbability', () => {
    const models = handInput({ nFeatures: 3, nHidden: 2, x: { param: 'featureProbability', values: [1, 0.1] }, y: { param: 'model', values: ['linear', 'relu'] } }, () => ({ params: {} }));
    expect(definition.fits(models)).toMatch(/one model.*model/);
    expect(() => definition.draw(models)).toThrow(FigureError);
    const imp = handInput({ nFeatures: 3, nHidden: 2, featureProbability: 0.1, x: { param: 'importance', mode: 'decay', values: [0.5, 0.9] } }, () => ({ params: {} }));
    expect(definition.fits(imp)).toMatch(/featureProbability.*importance/);
    expect(definition.fits(input())).toBeNull();
  });

  it('counts structures by name, most features first, unnamed ones by their size and rank', () => {
    const found = [
      { features: [0, 1], size: 2, rank: 1, name: 'digon' },
      { features: [2, 3, 4, 5, 6, 7], size: 6, rank: 3, name: '6 features in 3 dimensions' },
      { features: [8, 9], size: 2, rank: 1, name: 'digon' },
      { features: [10], size: 1, rank: 1, name: 'dedicated' },
    ];
    expect(structureCounts(found, 12)).toEqual({ byName: [['6 features in 3 dimensions', 1, 6], ['digon', 2, 4], ['dedicated', 1, 1]], dropped: 1 });
  });
});
