/**
 * The data-kind contract. A data kind draws one feature value x_i of one example from the
 * counter-based PRNG (../prng.ts), as a pure function of (stream, step, example, i) and that
 * feature's inputs, so kernels can draw any feature in any order and the float64 reference draws
 * the same bits. A kind is this TypeScript definition (the float64 draw, the inputs it needs, the
 * settings it validates) plus `shaders/data/<kind>.wgsl`, which provides
 * `fn dataFeature(stream: vec2u, step: u32, example: u32, i: u32, f: vec4f) -> f32`
 * (interface declared at the top of shaders/autoencoder.wgsl).
 *
 * Per-feature inputs, one vec4f per feature, instance-major ([instance · n + i]):
 *   f.x = p_i (feature probability, 1 − S_i), f.y = I_i (importance),
 *   f.z = leader_i: the feature whose gate bits decide whether feature i is on (i itself unless
 *         i is in a set), f.w = lower_i: for anticorrelated sets, Σ of the p of the set's
 *         members before i (float32 sums), else 0.
 * Bits: r = draw(stream, step, example, i >> 2); feature i's word is w_i = r[i & 3]. Its gate reads
 * unit(w_leader) (its own word unless it is in a set), its value is wordValue(w_i) = unit(w_i · φ)
 * (../prng.ts: one word is both gate and value of a feature that is its own leader; a member of a
 * set leaves its word's gate unread, so its value is independent of the set's gate).
 */
import { draw, unit, wordValue, type Stream } from '../prng.js';

/** Feature sets of the correlated and anticorrelated kinds: lists of feature indices. */
export interface FeatureSets {
  sets: number[][];
}

export interface DataDefinition {
  /** Name in specs and the CLI. */
  kind: string;
  summary: string;
  /** Non-zero values are U[−1, 1) (else U[0, 1)). */
  signed: boolean;
  /** Whether the kind reads `sets`. */
  usesSets: boolean;
  /** On-ness of feature i from its leader's gate value u ∈ [0, 1): see the kinds. */
  isOn(u: number, p: number, lower: number): boolean;
}

/** The per-feature input vectors (4 floats per feature, as the kernels read them; float32-rounded). */
export function featureInputs(featureProbability: ArrayLike<number>, importance: ArrayLike<number>, sets: number[][] = []): Float32Array {
  const n = featureProbability.length;
  const f = new Float32Array(n * 4);
  for (let i = 0; i < n; i++) {
    f[i * 4] = featureProbability[i]!;
    f[i * 4 + 1] = importance[i]!;
    f[i * 4 + 2] = i;
    f[i * 4 + 3] = 0;
  }
  for (const set of sets) {
    let lower = 0;
    for (const i of set) {
      f[i * 4 + 2] = set[0]!;
      f[i * 4 + 3] = lower;
      lower = Math.fround(lower + f[i * 4]!);
    }
  }
  return f;
}

const scratch = new Uint32Array(4);
const leaderBits = new Uint32Array(4);

/**
 * x_i of one example, in float64 (exactly the float32 value the kernels draw).
 * @param f the feature inputs of this model ({@link featureInputs}), 4n floats
 */
export function drawFeature(def: DataDefinition, stream: Stream, step: number, example: number, i: number, f: ArrayLike<number>): number {
  const word = draw(stream, step, example, i >>> 2, scratch)[i & 3]!;
  const leader = f[i * 4 + 2]!;
  const u = unit(leader === i ? word : draw(stream, step, example, leader >>> 2, leaderBits)[leader & 3]!);
  if (!def.isOn(u, f[i * 4]!, f[i * 4 + 3]!)) return 0;
  const v = wordValue(word);
  return def.signed ? 2 * v - 1 : v;
}

/**
 * Var of the reconstruction target of feature i with probability p: E[t²] − E[t]², where
 * t = x (or |x| when the model's target is abs). U[0,1) values and |U[−1,1)| both give
 * p/3 − p²/4; signed values reconstructed as themselves give p/3.
 */
export function targetVariance(def: DataDefinition, target: 'x' | 'abs', p: number): number {
  return def.signed && target === 'x' ? p / 3 : p / 3 - (p * p) / 4;
}
