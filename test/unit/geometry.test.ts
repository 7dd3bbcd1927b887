import { describe, expect, it } from 'vitest';
import { columnRank, detectPolytopes, polytopeName, POLYTOPES } from '../../src/figures/geometry.js';
import { arrowsW } from '../helpers/figure-input.js';

/** W (m × n, row-major) from feature vectors given as columns. */
function fromColumns(cols: number[][]): number[] {
  const n = cols.length;
  const m = cols[0]!.length;
  const W = new Array<number>(m * n).fill(0);
  cols.forEach((c, i) => c.forEach((v, j) => (W[j * n + i] = v)));
  return W;
}

const deg = Math.PI / 180;

describe('detectPolytopes', () => {
  it('finds a regular pentagon in m = 2', () => {
    const W = arrowsW([0, 72, 144, 216, 288].map((a) => a * deg));
    expect(detectPolytopes(W, 5, 2)).toEqual([{ features: [0, 1, 2, 3, 4], size: 5, rank: 2, name: 'pentagon' }]);
  });

  it('finds a pentagon spanning 2 of 3 dimensions despite a small out-of-plane wobble', () => {
    const cols = [0, 1, 2, 3, 4].map((k) => [Math.cos(k * 72 * deg), Math.sin(k * 72 * deg), k % 2 ? 0.02 : -0.02]);
    const [p] = detectPolytopes(fromColumns(cols), 5, 3);
    expect(p).toMatchObject({ size: 5, rank: 2, name: 'pentagon' });
  });

  it('splits two antipodal pairs in orthogonal dimensions into two digons', () => {
    const W = fromColumns([[1, 0], [0, 1], [-1, 0], [0, -1]]);
    const found = detectPolytopes(W, 4, 2);
    expect(found.map((p) => p.features)).toEqual([[0, 2], [1, 3]]);
    expect(found.map((p) => p.name)).toEqual(['digon', 'digon']);
    expect(found.every((p) => p.rank === 1)).toBe(true);
  });

  it('finds a tetrahedron in m = 3', () => {
    const s = 1 / Math.sqrt(3);
    const W = fromColumns([[s, s, s], [s, -s, -s], [-s, s, -s], [-s, -s, s]]);
    expect(detectPolytopes(W, 4, 3)).toEqual([{ features: [0, 1, 2, 3], size: 4, rank: 3, name: 'tetrahedron' }]);
  });

  it('finds a square antiprism in m = 3', () => {
    const h = 0.5;
    const r = Math.sqrt(1 - h * h);
    const top = [0, 90, 180, 270].map((a) => [r * Math.cos(a * deg), r * Math.sin(a * deg), h]);
    const bottom = [45, 135, 225, 315].map((a) => [r * Math.cos(a * deg), r * Math.sin(a * deg), -h]);
    const [p, more] = detectPolytopes(fromColumns([...top, ...bottom]), 8, 3);
    expect(more).toBeUndefined();
    expect(p).toMatchObject({ size: 8, rank: 3, name: 'square antiprism' });
  });

  it('finds a triangle in a plane beside a dedicated feature', () => {
    // Features 0, 2, 3: a triangle in the x-y plane; feature 1 alone along z.
    const t = (a: number) => [Math.cos(a * deg), Math.sin(a * deg), 0];
    const W = fromColumns([t(90), [0, 0, 1], t(210), t(330)]);
    const found = detectPolytopes(W, 4, 3);
    expect(found).toEqual([
      { features: [0, 2, 3], size: 3, rank: 2, name: 'triangle' },
      { features: [1], size: 1, rank: 1, name: 'dedicated' },
    ]);
  });

  it('leaves unrepresented features out, even when they lie along a represented one', () => {
    // Feature 0 has norm 1; features 1-3 have norms 0.1, 0.3, 0.45 (≤ minNorm 0.5), feature 2 parallel to feature 0.
    const W = fromColumns([[1, 0], [0, 0.1], [0.3, 0], [0.3, 0.336]]);
    expect(detectPolytopes(W, 4, 2)).toEqual([{ features: [0], size: 1, rank: 1, name: 'dedicated' }]);
    // With a lower minNorm, feature 2 (norm 0.3, parallel) joins feature 0 as a 2-feature, rank-1 structure.
    const low = detectPolytopes(W, 4, 2, { minNorm: 0.2 });
    expect(low[0]).toMatchObject({ features: [0, 2, 3] });
    expect(low.some((p) => p.features.includes(1))).toBe(false);
  });

  it('joins features only where their interference exceeds the threshold', () => {
    // cos 72.54° = 0.3: joined at threshold 0.1 (one structure, 2 features in 2 dimensions), split at 0.5.
    const angle = Math.acos(0.3);
    const W = arrowsW([0, angle]);
    expect(detectPolytopes(W, 2, 2)).toEqual([{ features: [0, 1], size: 2, rank: 2, name: '2 features in 2 dimensions' }]);
    expect(detectPolytopes(W, 2, 2, { threshold: 0.5 }).map((p) => p.name)).toEqual(['dedicated', 'dedicated']);
    // A pentagon's nearest neighbours interfere by cos 72° ≈ 0.31 and the others by |cos 144°| ≈ 0.81:
    // at threshold 0.5 only the second kind of edge stays, which still connects all five (a pentagram).
    const pentagon = arrowsW([0, 72, 144, 216, 288].map((a) => a * deg));
    expect(detectPolytopes(pentagon, 5, 2, { threshold: 0.5 })).toHaveLength(1);
    expect(detectPolytopes(pentagon, 5, 2, { threshold: 0.9 })).toHaveLength(5);
  });

  it('rejects W of the wrong size', () => {
    expect(() => detectPolytopes([1, 2, 3], 2, 2)).toThrow(RangeError);
  });
});

describe('polytope names and ranks', () => {
  it('names each (size, rank) pair and gives the rest a descriptive name', () => {
    expect(polytopeName(1, 1)).toBe('dedicated');
    expect(polytopeName(2, 1)).toBe('digon');
    expect(polytopeName(3, 2)).toBe('triangle');
    expect(polytopeName(4, 3)).toBe('tetrahedron');
    expect(polytopeName(5, 2)).toBe('pentagon');
    expect(polytopeName(8, 3)).toBe('square antiprism');
    expect(polytopeName(4, 2)).toBe('4 features in 2 dimensions');
  });

  it('lists D = rank/size for each named polytope', () => {
    const D = Object.fromEntries(POLYTOPES.map((p) => [p.name, p.D]));
    expect(D).toEqual({ dedicated: 1, digon: 0.5, triangle: 2 / 3, tetrahedron: 0.75, pentagon: 0.4, 'square antiprism': 0.375 });
  });

  it('counts a column within tolerance of the others as dependent', () => {
    // Columns (1,0,0), (0,1,0), (1,1,0.05): rank 2 at the default tolerance, 3 at a tight one.
    const W = fromColumns([[1, 0, 0], [0, 1, 0], [1, 1, 0.05]]);
    expect(columnRank(W, 3, 3, [0, 1, 2])).toBe(2);
    expect(columnRank(W, 3, 3, [0, 1, 2], 0.01)).toBe(3);
    expect(columnRank(W, 3, 3, [])).toBe(0);
  });
});
