/**
 * Buffer layouts shared by the kernels and the read-back code (documented in the .wgsl headers).
 */

/** Largest n and m the kernels' private arrays hold (MAX_N, MAX_M in the .wgsl files). */
export const MAX_FEATURES = 64;
export const MAX_HIDDEN = 16;

/** Floats per instance in `theta`/`moment1`/`moment2`: W (m·n, row-major) then b (n). */
export function paramCount(nFeatures: number, nHidden: number): number {
  return nHidden * nFeatures + nFeatures;
}

/** Floats per instance in `metrics`: loss, dims per feature, then norm, superposition, D, benefit (n each). */
export function metricStride(nFeatures: number): number {
  return 2 + 4 * nFeatures;
}

/** Offsets inside one instance's metrics record. */
export const metricOffsets = (n: number) => ({
  loss: 0,
  dimsPerFeature: 1,
  featureNorm: 2,
  superposition: 2 + n,
  dimensionality: 2 + 2 * n,
  benefit: 2 + 3 * n,
});
