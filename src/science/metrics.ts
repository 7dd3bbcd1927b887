/**
 * Float64 CPU metrics of one model's weights (docs/science.md "Metrics per model"; the paper's sections
 * "Feature dimensionality" and "Superposition as a phase change"). The engine's geometry kernel
 * computes the same quantities in float32; these are the reference.
 *
 * Layout of W everywhere: m × n, row-major, `W[j * n + i]` = W_{j,i}; column W_i (length m) is
 * feature i's direction in the hidden space. n = nFeatures, m = nHidden.
 */

/** Any array-like of numbers holding W (Float32Array, Float64Array or number[]). */
export type Weights = ArrayLike<number>;

function checkShape(W: Weights, n: number, m: number): void {
  if (!Number.isInteger(n) || !Number.isInteger(m) || n < 1 || m < 1) {
    throw new RangeError(`metrics: n = ${n} and m = ${m} must be positive integers`);
  }
  if (W.length !== n * m) {
    throw new RangeError(`metrics: W has ${W.length} entries; expected m × n = ${m} × ${n} = ${m * n}`);
  }
}

/**
 * The Gram matrix WᵀW (n × n, row-major): G[i * n + k] = W_i · W_k. The paper's main picture of a
 * model (its diagonal holds ‖W_i‖²).
 */
export function gram(W: Weights, n: number, m: number): Float64Array {
  checkShape(W, n, m);
  const G = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let k = i; k < n; k++) {
      let s = 0;
      for (let j = 0; j < m; j++) s += W[j * n + i]! * W[j * n + k]!;
      G[i * n + k] = s;
      G[k * n + i] = s;
    }
  }
  return G;
}

/** Feature norms ‖W_i‖ (length n): ≈ 1 for a represented feature, ≈ 0 for one that is not. */
export function featureNorms(W: Weights, n: number, m: number): Float64Array {
  checkShape(W, n, m);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < m; j++) s += W[j * n + i]! ** 2;
    out[i] = Math.sqrt(s);
  }
  return out;
}

/** Σ_{j≠i} (Ŵ_i·W_j)² and ‖W_i‖² from a Gram matrix. */
function interference(G: Float64Array, n: number): { sup: Float64Array; sq: Float64Array } {
  const sup = new Float64Array(n);
  const sq = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const nn = G[i * n + i]!;
    sq[i] = nn;
    if (nn === 0) continue;
    let s = 0;
    for (let k = 0; k < n; k++) if (k !== i) s += G[i * n + k]! ** 2;
    sup[i] = s / nn; // (W_i·W_k)² / ‖W_i‖² = (Ŵ_i·W_k)²
  }
  return { sup, sq };
}

/**
 * Superposition of each feature (length n): Σ_{j≠i} (Ŵ_i · W_j)², Ŵ_i = W_i / ‖W_i‖; 0 when W_i is
 * orthogonal to every other feature and 0 when ‖W_i‖ = 0. Section "Superposition as a phase
 * change" (the notebook colours bars by its square root, clipped at 1). An antipodal pair of unit
 * vectors gives 1 each.
 */
export function superposition(W: Weights, n: number, m: number): Float64Array {
  return interference(gram(W, n, m), n).sup;
}

/**
 * Feature dimensionality (length n), section "Feature dimensionality":
 * D_i = ‖W_i‖² / Σ_j (Ŵ_i · W_j)² (the sum includes j = i), 0 when ‖W_i‖ = 0.
 * 1 for a dedicated dimension, 1/2 for an antipodal pair, 2/5 for a pentagon, 2/3 for a triangle.
 */
export function dimensionality(W: Weights, n: number, m: number): Float64Array {
  const { sup, sq } = interference(gram(W, n, m), n);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const nn = sq[i]!;
    out[i] = nn === 0 ? 0 : nn / (nn + sup[i]!);
  }
  return out;
}

/**
 * Dimensions per feature m / ‖W‖_F² (section "Feature dimensionality": "sticky" at 1 and 1/2 as
 * sparsity grows). Infinity when W = 0.
 */
export function dimsPerFeature(W: Weights, n: number, m: number): number {
  checkShape(W, n, m);
  let f = 0;
  for (let k = 0; k < W.length; k++) f += W[k]! ** 2;
  return f === 0 ? Infinity : m / f;
}

/** Every geometric metric of one model (see each function). Arrays have length n, `gram` n × n. */
export interface Geometry {
  norms: Float64Array;
  superposition: Float64Array;
  dimensionality: Float64Array;
  dimsPerFeature: number;
  gram: Float64Array;
}

/** All geometric metrics of W (m × n row-major) in one pass over its Gram matrix. */
export function geometry(W: Weights, n: number, m: number): Geometry {
  const G = gram(W, n, m);
  const { sup, sq } = interference(G, n);
  const norms = new Float64Array(n);
  const dim = new Float64Array(n);
  let frob = 0;
  for (let i = 0; i < n; i++) {
    const nn = sq[i]!;
    frob += nn;
    norms[i] = Math.sqrt(nn);
    dim[i] = nn === 0 ? 0 : nn / (nn + sup[i]!);
  }
  return { norms, superposition: sup, dimensionality: dim, dimsPerFeature: frob === 0 ? Infinity : m / frob, gram: G };
}

/**
 * Var(x_i) for a feature that is U[0, 1] with probability p and 0 otherwise (docs/science.md "Data"):
 * E[x²] − E[x]² = p/3 − p²/4.
 */
export function featureVariance(p: number): number {
  return p / 3 - (p * p) / 4;
}

/**
 * Reconstruction benefit of a feature: 1 − E[(x_i − x'_i)²] / Var(x_i) (docs/science.md "Metrics";
 * the seed replications' heatmap). 1 = perfect, 0 = no better than predicting the mean, < 0 worse.
 * @param meanSquaredError E[(x_i − x'_i)²] on an evaluation batch (without the importance weight)
 * @param p the feature's probability p_i = 1 − S_i
 */
export function benefit(meanSquaredError: number, p: number): number {
  return 1 - meanSquaredError / featureVariance(p);
}

/**
 * Per-neuron metrics of a privileged hidden layer (docs/science.md "Metrics"), from neuron j's
 * weights w_j = row j of W (m × n row-major; W₁ for the abs model):
 * - maxShare_j = max_i w_ji² / Σ_i w_ji² (1: the neuron reads one feature, monosemantic)
 * - featureCount_j = (Σ_i w_ji²)² / Σ_i w_ji⁴ (the participation ratio: how many features it carries)
 * Both are 0 for a neuron whose weights are all 0.
 */
export function neuronMetrics(W: Weights, n: number, m: number): { maxShare: Float64Array; featureCount: Float64Array } {
  checkShape(W, n, m);
  const maxShare = new Float64Array(m);
  const featureCount = new Float64Array(m);
  for (let j = 0; j < m; j++) {
    let s2 = 0;
    let s4 = 0;
    let max = 0;
    for (let i = 0; i < n; i++) {
      const w2 = W[j * n + i]! ** 2;
      s2 += w2;
      s4 += w2 * w2;
      max = Math.max(max, w2);
    }
    maxShare[j] = s2 === 0 ? 0 : max / s2;
    featureCount[j] = s4 === 0 ? 0 : (s2 * s2) / s4;
  }
  return { maxShare, featureCount };
}
