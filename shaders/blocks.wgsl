// Helpers of the `registers` layout shared by train.wgsl and evaluate.wgsl: four features of a
// model as one vec4 (features ≥ N read as p = 0, I = 0, so they are always 0), a model's values
// over all features as Blocks, and W held by rows. Prepended after prng.wgsl; uses the including
// kernel's `features` and `theta` bindings and its overrides N, M and LINEAR (WGSL resolves
// module-scope names in any order). Every per-example function is written out block by block and
// row by row, guarded by constants (`NB > c`, `M > j`) the compiler folds: on SwiftShader an array
// indexed by a loop variable costs a gather or scatter per access, and nothing between WGSL and the
// CPU unrolls a loop bounded by an override (docs/platform.md, "WGSL on SwiftShader and Dawn").

fn featureBlock(instance: u32, first: u32) -> mat2x4f {
  var p = vec4f(0.0);
  var importance = vec4f(0.0);
  for (var k = 0u; k < 4u; k++) {
    if (first + k < N) {
      let f = features[instance * N + first + k];
      p[k] = f.x;
      importance[k] = f.y;
    }
  }
  return mat2x4f(p, importance);
}

// Features first … first+3 of one example (first a multiple of 4: one draw4, a word each), whose
// gate thresholds are t (gateThreshold4).
fn drawFour(key: vec2u, step: u32, example: u32, first: u32, t: vec4u) -> vec4f {
  let r = draw4(key, step, example, first >> 2u);
  return select(vec4f(0.0), unit4(r * VALUE_MULTIPLIER), passes(r, t));
}

// Which of four words pass their gate thresholds t (gateThreshold4): u < p_i as integers.
fn passes(r: vec4u, t: vec4u) -> vec4<bool> {
  return (r & vec4u(UNIT_MASK)) < t;
}

// The model's output activation: ReLU, or the identity for the linear model.
fn activate(pre: vec4f) -> vec4f {
  return select(max(pre, vec4f(0.0)), pre, LINEAR);
}

// Column blocks, ⌈N / 4⌉ (1 … 8). A constant, not an override, because it also sizes Blocks: WGSL
// sizes private arrays by constants only, and copying unused entries cost 19 % at n = 5 (measured).
// src/engine/shaders.ts (registersSource) sets it when a registers pipeline is built.
const NB: u32 = 8u;
// Block k's index, kept inside the array: the lines of blocks a model lacks (NB ≤ k) are never run,
// but WGSL still checks their constant indices.
const C1: u32 = min(1u, NB - 1u);
const C2: u32 = min(2u, NB - 1u);
const C3: u32 = min(3u, NB - 1u);
const C4: u32 = min(4u, NB - 1u);
const C5: u32 = min(5u, NB - 1u);
const C6: u32 = min(6u, NB - 1u);
const C7: u32 = min(7u, NB - 1u);

// One value per feature, four features per vec4: a row of W, or x, d, b, p, 2 I / batch.
struct Blocks {
  c: array<vec4f, NB>,
}

// Σ_i a_i b_i.
fn dotBlocks(a: Blocks, b: Blocks) -> f32 {
  var s = dot(a.c[0], b.c[0]);
  if (NB > 1u) { s += dot(a.c[C1], b.c[C1]); }
  if (NB > 2u) { s += dot(a.c[C2], b.c[C2]); }
  if (NB > 3u) { s += dot(a.c[C3], b.c[C3]); }
  if (NB > 4u) { s += dot(a.c[C4], b.c[C4]); }
  if (NB > 5u) { s += dot(a.c[C5], b.c[C5]); }
  if (NB > 6u) { s += dot(a.c[C6], b.c[C6]); }
  if (NB > 7u) { s += dot(a.c[C7], b.c[C7]); }
  return s;
}

// a + s w.
fn addScaled(a: Blocks, w: Blocks, s: f32) -> Blocks {
  var r = a;
  r.c[0] += s * w.c[0];
  if (NB > 1u) { r.c[C1] += s * w.c[C1]; }
  if (NB > 2u) { r.c[C2] += s * w.c[C2]; }
  if (NB > 3u) { r.c[C3] += s * w.c[C3]; }
  if (NB > 4u) { r.c[C4] += s * w.c[C4]; }
  if (NB > 5u) { r.c[C5] += s * w.c[C5]; }
  if (NB > 6u) { r.c[C6] += s * w.c[C6]; }
  if (NB > 7u) { r.c[C7] += s * w.c[C7]; }
  return r;
}

fn addBlocks(a: Blocks, b: Blocks) -> Blocks {
  var r = a;
  r.c[0] += b.c[0];
  if (NB > 1u) { r.c[C1] += b.c[C1]; }
  if (NB > 2u) { r.c[C2] += b.c[C2]; }
  if (NB > 3u) { r.c[C3] += b.c[C3]; }
  if (NB > 4u) { r.c[C4] += b.c[C4]; }
  if (NB > 5u) { r.c[C5] += b.c[C5]; }
  if (NB > 6u) { r.c[C6] += b.c[C6]; }
  if (NB > 7u) { r.c[C7] += b.c[C7]; }
  return r;
}

// Which of features first … first+3 of one example pass their gates (u < p_i, compared as integers
// against gateThresholds): drawFour's gates without its values. A passing feature whose 24-bit
// value is 0 (chance 2⁻²⁴) counts too. Returned as a vector, not any(), so that anyGate ORs the
// blocks without the branch of a short-circuit ||.
fn gateFour(key: vec2u, step: u32, example: u32, first: u32, t: vec4u) -> vec4<bool> {
  return passes(draw4(key, step, example, first >> 2u), t);
}

// u < p_i as integers, without a shift (SwiftShader runs a vector shift lane by lane, even by a
// constant): u = (r >> 8) · 2⁻²⁴ < p ⟺ (r >> 8) < ⌈p · 2²⁴⌉ = c ⟺ (r & UNIT_MASK) < c · 256, with
// c · 256 = 2³² (p = 1) taken as 0xFFFFFFFF, which every masked word is below. Exact: p · 2²⁴ ≤
// 2²⁴ is a float32 scaled by a power of two. Computed once per model by the sparse kernels.
struct Gates {
  c: array<vec4u, NB>,
}

fn gateThreshold4(p: vec4f) -> vec4u {
  let ceiling = vec4u(ceil(p * 16777216.0));
  return select(ceiling << vec4u(8u), vec4u(0xFFFFFFFFu), ceiling >= vec4u(16777216u));
}

fn gateThresholds(p: Blocks) -> Gates {
  var t: Gates;
  for (var c = 0u; c < NB; c++) { t.c[c] = gateThreshold4(p.c[c]); }
  return t;
}

// Whether any feature of one example passes its gate (drawBlocks's gates only).
fn anyGate(key: vec2u, step: u32, example: u32, p: Gates) -> bool {
  var r = gateFour(key, step, example, 0u, p.c[0]);
  if (NB > 1u) { r = r | gateFour(key, step, example, 4u, p.c[C1]); }
  if (NB > 2u) { r = r | gateFour(key, step, example, 8u, p.c[C2]); }
  if (NB > 3u) { r = r | gateFour(key, step, example, 12u, p.c[C3]); }
  if (NB > 4u) { r = r | gateFour(key, step, example, 16u, p.c[C4]); }
  if (NB > 5u) { r = r | gateFour(key, step, example, 20u, p.c[C5]); }
  if (NB > 6u) { r = r | gateFour(key, step, example, 24u, p.c[C6]); }
  if (NB > 7u) { r = r | gateFour(key, step, example, 28u, p.c[C7]); }
  return any(r);
}

// Examples per window of the sparse registers kernels (train.wgsl trainRegistersSparse,
// evaluate.wgsl evaluateRegistersSparse): a bit each in a vec4u.
const WINDOW: u32 = 128u;

// A bit for each of examples first … first + count − 1 (count ≤ WINDOW) with a feature past its
// gate: bit k & 31 of word k >> 5.
fn gateWindow(key: vec2u, step: u32, first: u32, count: u32, p: Gates) -> vec4u {
  var bits = vec4u(0u);
  for (var k = 0u; k < count; k++) {
    let bit = select(0u, 1u << (k & 31u), anyGate(key, step, first + k, p));
    bits |= select(vec4u(0u), vec4u(bit), vec4u(0u, 1u, 2u, 3u) == vec4u(k >> 5u));
  }
  return bits;
}

// The index of the lowest set bit (bits must not be all 0).
fn lowestBit(bits: vec4u) -> u32 {
  let i = select(select(select(3u, 2u, bits.z != 0u), 1u, bits.y != 0u), 0u, bits.x != 0u);
  return 32u * i + firstTrailingBit(bits[i]);
}

// bits with bit k cleared.
fn clearBit(bits: vec4u, k: u32) -> vec4u {
  return bits & ~select(vec4u(0u), vec4u(1u << (k & 31u)), vec4u(0u, 1u, 2u, 3u) == vec4u(k >> 5u));
}

// One example's x (prng.wgsl's stream, as every layout draws it).
fn drawBlocks(key: vec2u, step: u32, example: u32, p: Gates) -> Blocks {
  var x: Blocks;
  x.c[0] = drawFour(key, step, example, 0u, p.c[0]);
  if (NB > 1u) { x.c[C1] = drawFour(key, step, example, 4u, p.c[C1]); }
  if (NB > 2u) { x.c[C2] = drawFour(key, step, example, 8u, p.c[C2]); }
  if (NB > 3u) { x.c[C3] = drawFour(key, step, example, 12u, p.c[C3]); }
  if (NB > 4u) { x.c[C4] = drawFour(key, step, example, 16u, p.c[C4]); }
  if (NB > 5u) { x.c[C5] = drawFour(key, step, example, 20u, p.c[C5]); }
  if (NB > 6u) { x.c[C6] = drawFour(key, step, example, 24u, p.c[C6]); }
  if (NB > 7u) { x.c[C7] = drawFour(key, step, example, 28u, p.c[C7]); }
  return x;
}

// One example's forward pass (docs/science.md "The model") from W held by rows (W[j].c[c] = hidden
// unit j's weights on features 4c … 4c+3, rows j < M): h = W x and pre = Wᵀh + b; x' = activate(pre).
struct Forward {
  h: array<f32, 8>,
  pre: Blocks,
}

fn forwardRows(W: ptr<function, array<Blocks, 8>>, b: Blocks, x: Blocks) -> Forward {
  var f: Forward;
  f.h[0] = dotBlocks((*W)[0], x);
  if (M > 1u) { f.h[1] = dotBlocks((*W)[1], x); }
  if (M > 2u) { f.h[2] = dotBlocks((*W)[2], x); }
  if (M > 3u) { f.h[3] = dotBlocks((*W)[3], x); }
  if (M > 4u) { f.h[4] = dotBlocks((*W)[4], x); }
  if (M > 5u) { f.h[5] = dotBlocks((*W)[5], x); }
  if (M > 6u) { f.h[6] = dotBlocks((*W)[6], x); }
  if (M > 7u) { f.h[7] = dotBlocks((*W)[7], x); }
  f.pre = b;
  f.pre = addScaled(f.pre, (*W)[0], f.h[0]);
  if (M > 1u) { f.pre = addScaled(f.pre, (*W)[1], f.h[1]); }
  if (M > 2u) { f.pre = addScaled(f.pre, (*W)[2], f.h[2]); }
  if (M > 3u) { f.pre = addScaled(f.pre, (*W)[3], f.h[3]); }
  if (M > 4u) { f.pre = addScaled(f.pre, (*W)[4], f.h[4]); }
  if (M > 5u) { f.pre = addScaled(f.pre, (*W)[5], f.h[5]); }
  if (M > 6u) { f.pre = addScaled(f.pre, (*W)[6], f.h[6]); }
  if (M > 7u) { f.pre = addScaled(f.pre, (*W)[7], f.h[7]); }
  return f;
}

// W_j,first … W_j,first+3 from θ (j = M: b_first … b_first+3; features ≥ N read as 0).
fn thetaRow(base: u32, j: u32, first: u32) -> vec4f {
  var r = vec4f(0.0);
  for (var k = 0u; k < 4u; k++) {
    if (first + k < N) { r[k] = theta[base + j * N + first + k]; }
  }
  return r;
}

// A model as the registers kernels hold it: p_i and I_i, W by rows (j < M) and b, from the
// `features` and `theta` bindings (θ layout: train.wgsl's header).
struct RegistersModel {
  p: Blocks,
  importance: Blocks,
  W: array<Blocks, 8>,
  b: Blocks,
}

fn loadModel(instance: u32, base: u32) -> RegistersModel {
  var r: RegistersModel;
  for (var c = 0u; c < NB; c++) {
    let f = featureBlock(instance, 4u * c);
    r.p.c[c] = f[0];
    r.importance.c[c] = f[1];
    r.b.c[c] = thetaRow(base, M, 4u * c);
    for (var j = 0u; j < M; j++) { r.W[j].c[c] = thetaRow(base, j, 4u * c); }
  }
  return r;
}
