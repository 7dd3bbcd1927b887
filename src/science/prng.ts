/**
 * Counter-based PRNG shared bit-for-bit by TypeScript and WGSL (`shaders/prng.wgsl`).
 *
 * Every random number in a sweep is a pure function of its coordinates, never of a stream
 * position, so results do not depend on how the work is split into chunks or dispatches:
 *
 *   modelKey  = pcg(pcg(pcg(baseSeed) + gridIndex) + seedIndex)          (u32, computed on the CPU)
 *   r         = pcg4d(modelKey, step, example, feature >> 1)             (4 × u32)
 *   feature i uses (r.x, r.y) when i is even, (r.z, r.w) when i is odd:
 *     x_i = unit(first) < p_i ? unit(second) : 0                         (docs/science.md "Data")
 *
 * `unit(u) = (u >>> 8) · 2⁻²⁴` is exactly representable in float32, so the float32 GPU kernels
 * and the float64 CPU reference see identical inputs (compare against `Math.fround(p)`).
 * Reserved step values: {@link INIT_STEP} keys the Xavier-normal initialisation of W,
 * {@link EVAL_STEP} the evaluation batch; training steps run 0 … steps−1.
 *
 * Sources: PCG hash and pcg4d from Jarzynski & Olano, "Hash Functions for GPU Rendering",
 * JCGT 9(3), 2020.
 */

/** Step counter value reserved for the initialisation of W (row j = example, column i = feature). */
export const INIT_STEP = 0xffffffff;
/** Step counter value reserved for the evaluation batch. */
export const EVAL_STEP = 0xfffffffe;

/** PCG-RXS-M-XS 32-bit hash (a bijection on u32). Input and output are u32 as JS numbers. */
export function pcg(v: number): number {
  const state = (Math.imul(v >>> 0, 747796405) + 2891336453) >>> 0;
  const word = Math.imul(((state >>> ((state >>> 28) + 4)) ^ state) >>> 0, 277803737) >>> 0;
  return ((word >>> 22) ^ word) >>> 0;
}

/** pcg4d: hashes four u32 into four u32. Writes into `out` (length ≥ 4) and returns it. */
export function pcg4d(a: number, b: number, c: number, d: number, out: Uint32Array = new Uint32Array(4)): Uint32Array {
  let x = (Math.imul(a >>> 0, 1664525) + 1013904223) >>> 0;
  let y = (Math.imul(b >>> 0, 1664525) + 1013904223) >>> 0;
  let z = (Math.imul(c >>> 0, 1664525) + 1013904223) >>> 0;
  let w = (Math.imul(d >>> 0, 1664525) + 1013904223) >>> 0;
  x = (x + Math.imul(y, w)) >>> 0;
  y = (y + Math.imul(z, x)) >>> 0;
  z = (z + Math.imul(x, y)) >>> 0;
  w = (w + Math.imul(y, z)) >>> 0;
  x = (x ^ (x >>> 16)) >>> 0;
  y = (y ^ (y >>> 16)) >>> 0;
  z = (z ^ (z >>> 16)) >>> 0;
  w = (w ^ (w >>> 16)) >>> 0;
  x = (x + Math.imul(y, w)) >>> 0;
  y = (y + Math.imul(z, x)) >>> 0;
  z = (z + Math.imul(x, y)) >>> 0;
  w = (w + Math.imul(y, z)) >>> 0;
  out[0] = x;
  out[1] = y;
  out[2] = z;
  out[3] = w;
  return out;
}

/** Maps a u32 to [0, 1) with 24 bits: exactly representable in float32. */
export function unit(u: number): number {
  return (u >>> 8) * 5.9604644775390625e-8; // 2^-24
}

/** The per-model key: one per (base seed, grid point, seed index). All arguments are u32. */
export function modelKey(baseSeed: number, gridIndex: number, seedIndex: number): number {
  return pcg((pcg((pcg(baseSeed >>> 0) + (gridIndex >>> 0)) >>> 0) + (seedIndex >>> 0)) >>> 0);
}

const scratch = new Uint32Array(4);

/**
 * One feature value x_i of one example, exactly as the WGSL kernels draw it.
 * @param key modelKey of the model
 * @param step training step (0-based) or {@link EVAL_STEP}
 * @param example index in the batch
 * @param feature feature index i
 * @param p feature probability p_i = 1 − S_i, compared in float32 (pass any number; it is rounded)
 * @returns 0 with probability 1 − p_i, otherwise U[0, 1)
 */
export function featureValue(key: number, step: number, example: number, feature: number, p: number): number {
  const r = pcg4d(key, step, example, feature >>> 1, scratch);
  const odd = feature & 1;
  const gate = unit(r[odd * 2]!);
  return gate < Math.fround(p) ? unit(r[odd * 2 + 1]!) : 0;
}

/**
 * Xavier-normal initial W[j][i] (std √(2/(n+m)), each model on its own: docs/science.md "Training
 * defaults"), by Box–Muller on pcg4d(key, INIT_STEP, j, i); rounded to float32 so that GPU and CPU
 * start from the same W.
 * @returns Float64Array of length m·n, row-major: W[j * n + i]
 */
export function initialW(key: number, nFeatures: number, nHidden: number): Float64Array {
  const std = Math.sqrt(2 / (nFeatures + nHidden));
  const W = new Float64Array(nHidden * nFeatures);
  for (let j = 0; j < nHidden; j++) {
    for (let i = 0; i < nFeatures; i++) {
      const r = pcg4d(key, INIT_STEP, j, i, scratch);
      const u1 = 1 - unit(r[0]!); // (0, 1]: log is finite
      const u2 = unit(r[1]!);
      W[j * nFeatures + i] = Math.fround(std * Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2));
    }
  }
  return W;
}
