/**
 * Polytopes among a model's features (paper, "The geometry of superposition"): represented
 * features (‖W_i‖ > minNorm) that interfere (|Ŵ_i·Ŵ_k| > threshold) are joined, and each connected
 * component is one structure, named from its size and the rank of its columns of W. Tegum
 * products (structures in orthogonal subspaces) fall apart into their factors, because features
 * in orthogonal subspaces do not interfere. Pure.
 */

/** One structure of features: its features (ascending), their number, the rank of their columns of W, and its name. */
export interface Polytope {
  features: number[];
  size: number;
  rank: number;
  /** A name of {@link POLYTOPES}, or `${size} features in ${rank} dimensions`. */
  name: string;
}

/** Options of {@link detectPolytopes}. */
export interface PolytopeOptions {
  /** Features i, k are joined when |Ŵ_i·Ŵ_k| > threshold. Default 0.1. */
  threshold?: number;
  /** Features with ‖W_i‖ ≤ minNorm are not represented and belong to no structure. Default 0.5. */
  minNorm?: number;
  /** A column counts towards the rank when its residual (after projecting out the others chosen) exceeds this fraction of the largest column norm. Default 0.1. */
  rankTolerance?: number;
}

/** The named structures, with the feature dimensionality D_i = rank/size each member has when the structure is uniform. */
export const POLYTOPES: readonly { name: string; size: number; rank: number; D: number; fraction: string }[] = [
  { name: 'dedicated', size: 1, rank: 1, D: 1, fraction: '1' },
  { name: 'tetrahedron', size: 4, rank: 3, D: 3 / 4, fraction: '3/4' },
  { name: 'triangle', size: 3, rank: 2, D: 2 / 3, fraction: '2/3' },
  { name: 'digon', size: 2, rank: 1, D: 1 / 2, fraction: '1/2' },
  { name: 'pentagon', size: 5, rank: 2, D: 2 / 5, fraction: '2/5' },
  { name: 'square antiprism', size: 8, rank: 3, D: 3 / 8, fraction: '3/8' },
];

/** The name of a structure of `size` features spanning `rank` dimensions. */
export function polytopeName(size: number, rank: number): string {
  return POLYTOPES.find((p) => p.size === size && p.rank === rank)?.name ?? `${size} features in ${rank} dimensions`;
}

/**
 * Numerical rank of the columns `cols` of W (m × n, row-major), by Gram–Schmidt with column
 * pivoting: repeatedly take the column with the largest residual while that residual exceeds
 * `tolerance` × the largest column norm.
 */
export function columnRank(W: ArrayLike<number>, n: number, m: number, cols: readonly number[], tolerance = 0.1): number {
  const vs = cols.map((i) => Float64Array.from({ length: m }, (_, j) => W[j * n + i]!));
  const norm = (v: Float64Array) => Math.hypot(...v);
  const scale = Math.max(0, ...vs.map(norm));
  if (scale === 0) return 0;
  let rank = 0;
  while (rank < Math.min(m, vs.length)) {
    let best = -1;
    let bestNorm = tolerance * scale;
    vs.forEach((v, k) => {
      const r = norm(v);
      if (r > bestNorm) [best, bestNorm] = [k, r];
    });
    if (best < 0) break;
    const q = vs[best]!.map((x) => x / bestNorm);
    for (const v of vs) {
      let d = 0;
      for (let j = 0; j < m; j++) d += q[j]! * v[j]!;
      for (let j = 0; j < m; j++) v[j] = v[j]! - d * q[j]!;
    }
    rank++;
  }
  return rank;
}

/**
 * The structures of W (m × n, row-major, W[j·n + i] = W_{j,i}): connected components of the graph
 * on represented features (‖W_i‖ > minNorm) with an edge where |Ŵ_i·Ŵ_k| > threshold. Components
 * are ordered by their first feature. Unrepresented features appear in none.
 * @throws RangeError when W does not hold m·n numbers.
 */
export function detectPolytopes(W: ArrayLike<number>, n: number, m: number, options: PolytopeOptions = {}): Polytope[] {
  if (W.length !== n * m) throw new RangeError(`detectPolytopes: W has ${W.length} numbers; expected m × n = ${m} × ${n}`);
  const threshold = options.threshold ?? 0.1;
  const minNorm = options.minNorm ?? 0.5;
  const norms = Array.from({ length: n }, (_, i) => {
    let s = 0;
    for (let j = 0; j < m; j++) s += W[j * n + i]! ** 2;
    return Math.sqrt(s);
  });
  const kept = norms.flatMap((v, i) => (v > minNorm ? [i] : []));
  const cosine = (i: number, k: number) => {
    let s = 0;
    for (let j = 0; j < m; j++) s += W[j * n + i]! * W[j * n + k]!;
    return s / (norms[i]! * norms[k]!);
  };
  const component = new Map<number, number>();
  const out: Polytope[] = [];
  for (const start of kept) {
    if (component.has(start)) continue;
    const features = [start];
    component.set(start, out.length);
    for (let q = 0; q < features.length; q++) {
      const i = features[q]!;
      for (const k of kept) {
        if (!component.has(k) && Math.abs(cosine(i, k)) > threshold) {
          component.set(k, out.length);
          features.push(k);
        }
      }
    }
    features.sort((a, b) => a - b);
    const rank = columnRank(W, n, m, features, options.rankTolerance);
    out.push({ features, size: features.length, rank, name: polytopeName(features.length, rank) });
  }
  return out;
}
