/**
 * Counter-based PRNG shared bit-for-bit by TypeScript and WGSL (`shaders/prng.wgsl`).
 *
 * Every random number in a sweep is a pure function of its coordinates, never of a stream
 * position, so results do not depend on how the work is split into chunks or dispatches:
 *
 *   stream    = (point word, seed word) = (pcg(baseSeed) + pointIndex, seedIndex << 16)
 *   r         = pcg4d(point word, step, example, seed word | (feature >> 2))     (4 × u32)
 *   feature i owns one word, w_i = r[i & 3], used twice:
 *     x_i = unit(w_i) < p_i ? unit(w_i · φ) : 0      (φ = 0x9E3779B9; docs/science.md "Data")
 * One word serves both because the gate keeps only w_i < p_i · 2³², and the value multiplies that
 * range by an odd constant (a bijection on u32), which spreads it evenly over [0, 1): the value is
 * uniform to within about 1/(p_i · 2³²) and uncorrelated with the gate, as the value
 * 1 − u/p_i of the usual one-uniform draw. Half the words of a draw per feature made the sparse
 * kernels about 25 % faster, since hashing is most of their work.
 *
 * pcg4d is a bijection on 128 bits (each of its steps is invertible), so two models of a run can
 * only share data if their counter words are equal: a model's stream is its (grid point, seed
 * index) pair held in separate words, never a 32-bit hash of them (65 536 points × 10 seeds gave
 * 75 colliding hashes). This bounds seedIndex < 65 535 and n < 65 536 (the initialisation ORs the
 * column index itself into the seed word; the data only feature >> 2).
 * The evaluation batch is keyed by the grid point alone ({@link EVAL_SEED}), so every seed of a
 * point is scored on the same examples and "lowest loss" compares models, not samples.
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
/** Seed index reserved for the evaluation batch, shared by every seed of a grid point. */
export const EVAL_SEED = 0xffff;
/** Largest seed index a stream can hold (EVAL_SEED is reserved). */
export const MAX_SEED_INDEX = EVAL_SEED - 1;

/**
 * A model's PRNG stream: two u32 counter words, [point word, seed word]. The kernels receive it
 * as one vec2u per instance.
 */
export type Stream = readonly [point: number, seed: number];

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

/**
 * The stream of one model: grid point `gridIndex`, seed `seedIndex` (< 65 535) of a run with
 * base seed `baseSeed` (all u32).
 * @throws RangeError when seedIndex is out of range
 */
export function modelStream(baseSeed: number, gridIndex: number, seedIndex: number): Stream {
  if (!(Number.isInteger(seedIndex) && seedIndex >= 0 && seedIndex <= MAX_SEED_INDEX)) {
    throw new RangeError(`seedIndex = ${seedIndex} is out of range; allowed: 0 … ${MAX_SEED_INDEX}`);
  }
  return [(pcg(baseSeed >>> 0) + (gridIndex >>> 0)) >>> 0, (seedIndex << 16) >>> 0];
}

/** The stream of a grid point's evaluation batch (the same for all its seeds). */
export function evaluationStream(stream: Stream): Stream {
  return [stream[0], (EVAL_SEED << 16) >>> 0];
}

/**
 * The four words of example `example` at step `step` for features 4·quad … 4·quad + 3 (quad = i >> 2;
 * feature i's word is word i & 3).
 */
export function draw(stream: Stream, step: number, example: number, quad: number, out: Uint32Array = new Uint32Array(4)): Uint32Array {
  return pcg4d(stream[0], step, example, (stream[1] | quad) >>> 0, out);
}

/** The odd multiplier that turns a feature's word into its value (the golden ratio · 2³²). */
export const VALUE_MULTIPLIER = 0x9e3779b9;

/** A feature's value in [0, 1) from its word w: unit(w · φ mod 2³²) (see the header). */
export function wordValue(word: number): number {
  return unit(Math.imul(word, VALUE_MULTIPLIER));
}

/**
 * An independent feature's value from its word w (a u32 as a JS number): on when unit(w) < p
 * (p rounded to float32, as the kernels hold it), then {@link wordValue}(w), else 0. The rule every
 * kernel's `featureFromWord` (shaders/prng.wgsl) and the float64 references share.
 * @param p feature probability p_i = 1 − S_i
 * @returns 0, or a value in [0, 1) exact in float32
 */
export function featureFromWord(word: number, p: number): number {
  return unit(word) < Math.fround(p) ? wordValue(word) : 0;
}

const scratch = new Uint32Array(4);

/**
 * One feature value x_i of one example, exactly as the WGSL kernels draw it.
 * @param stream the model's stream ({@link modelStream}; {@link evaluationStream} for the evaluation batch)
 * @param step training step (0-based) or {@link EVAL_STEP}
 * @param example index in the batch
 * @param feature feature index i
 * @param p feature probability p_i = 1 − S_i, compared in float32 (pass any number; it is rounded)
 * @returns 0 with probability 1 − p_i, otherwise U[0, 1)
 */
export function featureValue(stream: Stream, step: number, example: number, feature: number, p: number): number {
  return featureFromWord(draw(stream, step, example, feature >>> 2, scratch)[feature & 3]!, p);
}

/**
 * Xavier-normal initial W[j][i] (std √(2/(n+m)), each model on its own: docs/science.md "Training
 * defaults"), by Box–Muller on the stream's words at step INIT_STEP, example `tensor << 16 | j`,
 * feature pair i (see {@link normalEntry}); rounded to float32 so that GPU and CPU start from the same W.
 * @returns Float64Array of length m·n, row-major: W[j * n + i]
 */
export function initialW(stream: Stream, nFeatures: number, nHidden: number, tensor = 0): Float64Array {
  return initialNormal(stream, tensor, nHidden, nFeatures, Math.sqrt(2 / (nFeatures + nHidden)));
}

/** One standard-normal entry (row, col) of parameter tensor number `tensor`, by Box–Muller. */
export function normalEntry(stream: Stream, tensor: number, row: number, col: number): number {
  const r = pcg4d(stream[0], INIT_STEP, ((tensor << 16) | row) >>> 0, (stream[1] | col) >>> 0, scratch);
  const u1 = 1 - unit(r[0]!); // (0, 1]: log is finite
  const u2 = unit(r[1]!);
  return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
}

/**
 * A rows × cols tensor of independent N(0, std²) entries, float32-rounded, row-major
 * ([row * cols + col]); `tensor` (< 2¹⁶) tells a model's tensors apart. rows, cols < 65 536.
 */
export function initialNormal(stream: Stream, tensor: number, rows: number, cols: number, std: number): Float64Array {
  const out = new Float64Array(rows * cols);
  for (let j = 0; j < rows; j++) {
    for (let i = 0; i < cols; i++) out[j * cols + i] = Math.fround(std * normalEntry(stream, tensor, j, i));
  }
  return out;
}
