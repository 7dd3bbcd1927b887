/**
 * Buffer layouts shared by the kernels and the read-back code (documented in the .wgsl headers).
 */
import { DeviceLimitError } from './errors.js';

/** Largest n and m the kernels' private arrays hold (MAX_N, MAX_M in the .wgsl files). */
export const MAX_FEATURES = 64;
export const MAX_HIDDEN = 16;

/**
 * Largest n and m of the `registers` kernels (train.wgsl trainRegisters, evaluate.wgsl
 * evaluateRegisters): up to 8 rows of W, each 8 vec4s of features (blocks.wgsl, written out).
 */
export const REGISTERS_MAX_FEATURES = 32;
export const REGISTERS_MAX_HIDDEN = 8;

/** Whether an n → m model fits the registers kernels (n ≤ 32, m ≤ 8). */
export function fitsRegisters(nFeatures: number, nHidden: number): boolean {
  return nFeatures <= REGISTERS_MAX_FEATURES && nHidden <= REGISTERS_MAX_HIDDEN;
}

/**
 * Whether the registers kernels' sparse twins (train.wgsl trainRegistersSparse, evaluate.wgsl
 * evaluateRegistersSparse) are worth it for a sparse set (train-kernel.ts isSparseSet) of n → m
 * models: when the per-example work they skip, m rows of ⌈n/4⌉ blocks, is at least 6 row-blocks.
 * Below that their extra pass over each window's gates costs more than it saves. Measured with
 * `--backend node` quick runs (2026-11-30, samples/s sparse against dense kernel): n = 2, m = 1 at
 * S = 0.9: 36.5 M against 64.4 M; n = 5, m = 2 at S = 0.95: 19.4 M against 20.2 M; n = 8, m = 3 at
 * S = 0.98: 20.5 M against 16.1 M; n = 10, m = 3 at S = 0.95: 10.1 M against 9.3 M; n = 20, m = 5
 * at S = 0.97: 4.9 M against 4.3 M, at S = 0.99: 7.3 M against 4.2 M. Both twins give the same
 * bits as the dense kernels, so this changes speed only.
 */
export function registersSparsePays(nFeatures: number, nHidden: number): boolean {
  return nHidden * Math.ceil(nFeatures / 4) >= 6;
}

/**
 * Refuses an n → m model the registers kernels cannot hold.
 * @param name the DeviceLimitError's limit name (the layout or entry point)
 * @param subject the message's subject, e.g. "the registers layout"
 * @throws DeviceLimitError with the quantity over its own limit (n against 32, else m against 8)
 */
export function requireRegisters(name: string, subject: string, nFeatures: number, nHidden: number): void {
  if (fitsRegisters(nFeatures, nHidden)) return;
  const nOver = nFeatures > REGISTERS_MAX_FEATURES;
  throw new DeviceLimitError(name, nOver ? nFeatures : nHidden, nOver ? REGISTERS_MAX_FEATURES : REGISTERS_MAX_HIDDEN, `${subject} holds n ≤ ${REGISTERS_MAX_FEATURES} and m ≤ ${REGISTERS_MAX_HIDDEN}; got n = ${nFeatures}, m = ${nHidden}`);
}

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
