// Counter-based PRNG, bit-identical to src/science/prng.ts (read that file's header for the keying).
// Jarzynski & Olano, "Hash Functions for GPU Rendering", JCGT 9(3), 2020.
// This file is prepended to the kernels that draw data; it declares no bindings.

fn pcg(v: u32) -> u32 {
  let state = v * 747796405u + 2891336453u;
  let word = ((state >> ((state >> 28u) + 4u)) ^ state) * 277803737u;
  return (word >> 22u) ^ word;
}

fn pcg4d(a: vec4u) -> vec4u {
  var v = a * 1664525u + 1013904223u;
  v.x += v.y * v.w;
  v.y += v.z * v.x;
  v.z += v.x * v.y;
  v.w += v.y * v.z;
  v = v ^ (v >> vec4u(16u));
  v.x += v.y * v.w;
  v.y += v.z * v.x;
  v.z += v.x * v.y;
  v.w += v.y * v.z;
  return v;
}

// [0, 1) with 24 bits, exact in f32: (u >> 8) · 2⁻²⁴, computed as (u & UNIT_MASK) · 2⁻³² (the same
// float: the masked word has 24 significant bits) because SwiftShader runs a shift lane by lane.
// blocks.wgsl's integer gates compare masked words too.
const UNIT_MASK: u32 = 0xFFFFFF00u;
fn unit(u: u32) -> f32 {
  return f32(u & UNIT_MASK) * 2.3283064365386963e-10;
}

// unit() of four words.
fn unit4(u: vec4u) -> vec4f {
  return vec4f(u & vec4u(UNIT_MASK)) * 2.3283064365386963e-10;
}

const EVAL_STEP: u32 = 0xfffffffeu;
// Seed index of the evaluation batch, shared by all seeds of a grid point (prng.ts EVAL_SEED).
const EVAL_SEED: u32 = 0xffffu;

// A model's stream is two counter words (prng.ts `modelStream`): x = point word, y = seedIndex << 16.
// draw4 returns the words of features 4·quad … 4·quad + 3 of one example (quad = i >> 2; feature i
// owns word i & 3: its gate is unit(word), its value wordValue(word); prng.ts explains why one word
// serves both).
fn draw4(stream: vec2u, step: u32, example: u32, quad: u32) -> vec4u {
  return pcg4d(vec4u(stream.x, step, example, stream.y | quad));
}

// A feature's value in [0, 1) from its word: unit(w · φ), φ = the golden ratio · 2³² (odd).
const VALUE_MULTIPLIER: u32 = 0x9E3779B9u;
fn wordValue(w: u32) -> f32 {
  return unit(w * VALUE_MULTIPLIER);
}

// An independent feature from its word: on when unit(w) < p (p_i, float32), then wordValue(w)
// (prng.ts featureFromWord).
fn featureFromWord(w: u32, p: f32) -> f32 {
  return select(0.0, wordValue(w), unit(w) < p);
}

// The stream of the point's evaluation batch.
fn evaluationStream(stream: vec2u) -> vec2u {
  return vec2u(stream.x, EVAL_SEED << 16u);
}
