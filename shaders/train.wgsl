// Fused training kernel family: draw the batch from the PRNG, forward, backward, Adam/AdamW update,
// `settings.stepCount` steps per dispatch. No training data ever exists in a buffer.
// Owner: src/engine/train-kernel.ts. Math mirrored in float64 by src/science/reference.ts.
//
// Model (docs/science.md "Models"):  h = W x,  x' = ReLU(Wᵀ h + b)   (LINEAR: x' = Wᵀ h + b)
// Loss: L = (1/B) Σ_e Σ_i I_i (x_i − x'_i)²
// Backward, with d_i = 2 I_i (x'_i − x_i) / B · [LINEAR or pre_i > 0]:
//   ∂L/∂b_i = Σ_e d_i,   ∂L/∂W_{j,i} = Σ_e (d_i h_j + x_i (W d)_j)
//
// Per-instance parameter vector θ (length P = M·N + N): θ[j·N + i] = W_{j,i}, θ[M·N + i] = b_i.
// `theta`, `moment1`, `moment2` hold θ, Adam's m and v for every instance: [instance · P + k].
//
// Two layouts (chosen by src/engine/planner.ts, measured by `npm run bench`):
//   trainPerModel      one invocation trains one model over the whole batch (no barriers; best on
//                      CPUs such as SwiftShader and for very many small models);
//   trainPerWorkgroup  one workgroup per model; invocation l takes examples l, l+WG, …; per-step
//                      gradients are reduced through `partials` (fills a real GPU with few models).
// Both compute the same function; only the float32 summation order differs.

override N: u32 = 5u;          // nFeatures
override M: u32 = 2u;          // nHidden
override BATCH: u32 = 1024u;   // batchSize
override WG: u32 = 64u;        // workgroup size
override LINEAR: bool = false; // linear model instead of ReLU output
override ADAMW: bool = true;   // AdamW (decoupled decay) instead of Adam with an L2 term
override SCHEDULE: u32 = 0u;   // 0 constant, 1 linear, 2 cosine (the notebook's formulas)
override SPARSE: bool = false; // the looped layouts use accumulateSparse (below)

// Private arrays need a constant size in WGSL; only the first N / M / P entries are used, so LLVM
// and the GPU compilers see override-sized loops over them.
const MAX_N: u32 = 64u;
const MAX_M: u32 = 16u;
const MAX_P: u32 = MAX_M * MAX_N + MAX_N;

@group(0) @binding(1) var<storage, read> keys: array<vec2u>;        // stream words per instance (prng.wgsl)
@group(0) @binding(2) var<storage, read> features: array<vec2f>;    // (p_i, I_i) at [instance · N + i]
@group(0) @binding(3) var<storage, read_write> theta: array<f32>;
@group(0) @binding(4) var<storage, read_write> moment1: array<f32>;
@group(0) @binding(5) var<storage, read_write> moment2: array<f32>;

fn paramCount() -> u32 { return M * N + N; }

// One update of θ[index], its moments kept in moment1/moment2 (the looped layouts). Runs once
// per parameter and step, so the three idle lanes of adam4 cost nothing that matters.
fn adamUpdate(index: u32, value: f32, gradient: f32, a: AdamStep) -> f32 {
  let u = adam4(vec4f(value), vec4f(gradient), vec4f(moment1[index]), vec4f(moment2[index]), a);
  moment1[index] = u.m.x;
  moment2[index] = u.v.x;
  return u.value.x;
}

// Per-example work arrays of accumulateSparse and accumulateDense (below; w: θ of this model, pi:
// (p_i, I_i)), declared once by the caller: every entry read is written first for each example,
// so they need no clearing (zeroing them all per example cost ~2x on SwiftShader).
struct Scratch {
  x: array<f32, MAX_N>,
  d: array<f32, MAX_N>,
  h: array<f32, MAX_M>,
  wd: array<f32, MAX_M>,
}

// Two versions of one function: add one example's gradient to g. They compute the same sums in
// the same order, so a model trains to the same bits with either (byte-identical on SwiftShader,
// measured; a compiler that contracts their multiply-adds differently could differ in the last
// bit). SPARSE picks one for the whole pipeline (src/engine/train-kernel.ts: when every model of
// the set expects fewer than one active feature per example, Σ_i p_i < 1), so the compiler keeps
// only that one. accumulateSparse skips every term that is exactly 0: inactive features
// (x_i = 0), all output products of an example with no active feature (h = 0), and the W d and ∂W
// terms of outputs the ReLU stops (d_i = 0). On dense data its branches cost more than they save (about 25 % for n = 5, m = 2 on
// SwiftShader; both functions in one pipeline, chosen per model at run time, cost more still),
// hence accumulateDense. A branch is taken when any invocation of a SIMD group needs it: in
// `per-model` the invocations are different models, in `per-workgroup` different examples of one
// model.

// Draws one example's x into scratch.x (prng.wgsl's stream: one draw4 gives features i and i + 1
// their gate and value); returns whether any x_i is non-zero.
fn drawExample(key: vec2u, step: u32, example: u32, pi: ptr<function, array<vec2f, MAX_N>>, scratch: ptr<function, Scratch>) -> bool {
  var anyX = false;
  for (var i = 0u; i < N; i += 2u) {
    let r = draw4(key, step, example, i >> 1u);
    let x0 = select(0.0, unit(r.y), unit(r.x) < (*pi)[i].x);
    (*scratch).x[i] = x0;
    anyX = anyX || x0 != 0.0;
    if (i + 1u < N) {
      let x1 = select(0.0, unit(r.w), unit(r.z) < (*pi)[i + 1u].x);
      (*scratch).x[i + 1u] = x1;
      anyX = anyX || x1 != 0.0;
    }
  }
  return anyX;
}

fn accumulateSparse(key: vec2u, step: u32, example: u32,
                     w: ptr<function, array<f32, MAX_P>>,
                     pi: ptr<function, array<vec2f, MAX_N>>,
                     g: ptr<function, array<f32, MAX_P>>,
                     scratch: ptr<function, Scratch>) {
  let anyX = drawExample(key, step, example, pi, scratch);
  // h = W x over the active features (i ascending, as a dense sum would add them).
  for (var j = 0u; j < M; j++) {
    (*scratch).h[j] = 0.0;
    (*scratch).wd[j] = 0.0;
  }
  if (anyX) {
    for (var i = 0u; i < N; i++) {
      let x = (*scratch).x[i];
      if (x != 0.0) {
        for (var j = 0u; j < M; j++) { (*scratch).h[j] += (*w)[j * N + i] * x; }
      }
    }
  }
  let scale = 2.0 / f32(BATCH);
  var anyD = false;
  for (var i = 0u; i < N; i++) {
    var pre = (*w)[M * N + i];
    if (anyX) {
      for (var j = 0u; j < M; j++) { pre += (*w)[j * N + i] * (*scratch).h[j]; }
    }
    let out = select(max(pre, 0.0), pre, LINEAR);
    let passes = LINEAR || pre > 0.0;
    let d = select(0.0, scale * (*pi)[i].y * (out - (*scratch).x[i]), passes);
    (*scratch).d[i] = d;
    (*g)[M * N + i] += d;
    anyD = anyD || d != 0.0;
  }
  // ∂W_ji += d_i h_j + x_i (W d)_j, only for features with d_i ≠ 0 or x_i ≠ 0.
  if (anyD) {
    for (var i = 0u; i < N; i++) {
      let d = (*scratch).d[i];
      if (d != 0.0) {
        for (var j = 0u; j < M; j++) { (*scratch).wd[j] += (*w)[j * N + i] * d; }
      }
    }
  }
  if (anyD || anyX) {
    for (var i = 0u; i < N; i++) {
      let d = (*scratch).d[i];
      let x = (*scratch).x[i];
      if (d != 0.0 || x != 0.0) {
        for (var j = 0u; j < M; j++) {
          (*g)[j * N + i] += d * (*scratch).h[j] + x * (*scratch).wd[j];
        }
      }
    }
  }
}

fn accumulateDense(key: vec2u, step: u32, example: u32,
                     w: ptr<function, array<f32, MAX_P>>,
                     pi: ptr<function, array<vec2f, MAX_N>>,
                     g: ptr<function, array<f32, MAX_P>>,
                     scratch: ptr<function, Scratch>) {
  _ = drawExample(key, step, example, pi, scratch);
  for (var j = 0u; j < M; j++) {
    var s = 0.0;
    for (var i = 0u; i < N; i++) { s += (*w)[j * N + i] * (*scratch).x[i]; }
    (*scratch).h[j] = s;
  }
  let scale = 2.0 / f32(BATCH);
  for (var i = 0u; i < N; i++) {
    var pre = (*w)[M * N + i];
    for (var j = 0u; j < M; j++) { pre += (*w)[j * N + i] * (*scratch).h[j]; }
    let out = select(max(pre, 0.0), pre, LINEAR);
    let passes = LINEAR || pre > 0.0;
    (*scratch).d[i] = select(0.0, scale * (*pi)[i].y * (out - (*scratch).x[i]), passes);
    (*g)[M * N + i] += (*scratch).d[i];
  }
  for (var j = 0u; j < M; j++) {
    var wd = 0.0;
    for (var i = 0u; i < N; i++) { wd += (*w)[j * N + i] * (*scratch).d[i]; }
    for (var i = 0u; i < N; i++) {
      (*g)[j * N + i] += (*scratch).d[i] * (*scratch).h[j] + (*scratch).x[i] * wd;
    }
  }
}

fn loadFeatures(instance: u32, pi: ptr<function, array<vec2f, MAX_N>>) {
  for (var i = 0u; i < N; i++) { (*pi)[i] = features[instance * N + i]; }
}

@compute @workgroup_size(WG)
fn trainPerModel(@builtin(global_invocation_id) gid: vec3u) {
  let instance = gid.y * settings.rowStride + gid.x;
  if (gid.x >= settings.rowStride || instance >= settings.instanceCount) { return; }
  let P = paramCount();
  let base = instance * P;
  let key = keys[instance];
  var pi = array<vec2f, MAX_N>();
  loadFeatures(instance, &pi);
  var w = array<f32, MAX_P>();
  for (var k = 0u; k < P; k++) { w[k] = theta[base + k]; }
  var g = array<f32, MAX_P>();
  var scratch = Scratch();
  for (var s = 0u; s < settings.stepCount; s++) {
    let step = settings.firstStep + s;
    for (var k = 0u; k < P; k++) { g[k] = 0.0; }
    for (var e = 0u; e < BATCH; e++) {
      if (SPARSE) { accumulateSparse(key, step, e, &w, &pi, &g, &scratch); } else { accumulateDense(key, step, e, &w, &pi, &g, &scratch); }
    }
    let a = adamStep(step);
    for (var k = 0u; k < P; k++) {
      w[k] = adamUpdate(base + k, w[k], g[k], a);
    }
  }
  for (var k = 0u; k < P; k++) { theta[base + k] = w[k]; }
}

// Per-invocation partial gradients of the per-workgroup layout: [(instance · WG + l) · P + k].
@group(0) @binding(6) var<storage, read_write> partials: array<f32>;

@compute @workgroup_size(WG)
fn trainPerWorkgroup(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_index) lid: u32) {
  let instance = wid.y * settings.rowStride + wid.x;
  // Workgroup-uniform, so the barriers below stay in uniform control flow.
  if (wid.x >= settings.rowStride || instance >= settings.instanceCount) { return; }
  let P = paramCount();
  let base = instance * P;
  let partialBase = instance * WG * P;
  let key = keys[instance];
  var pi = array<vec2f, MAX_N>();
  loadFeatures(instance, &pi);
  var w = array<f32, MAX_P>();
  var g = array<f32, MAX_P>();
  var scratch = Scratch();
  for (var s = 0u; s < settings.stepCount; s++) {
    let step = settings.firstStep + s;
    for (var k = 0u; k < P; k++) {
      w[k] = theta[base + k];
      g[k] = 0.0;
    }
    for (var e = lid; e < BATCH; e += WG) {
      if (SPARSE) { accumulateSparse(key, step, e, &w, &pi, &g, &scratch); } else { accumulateDense(key, step, e, &w, &pi, &g, &scratch); }
    }
    for (var k = 0u; k < P; k++) { partials[partialBase + lid * P + k] = g[k]; }
    storageBarrier();
    let a = adamStep(step);
    for (var k = lid; k < P; k += WG) {
      var total = 0.0;
      for (var l = 0u; l < WG; l++) { total += partials[partialBase + l * P + k]; }
      theta[base + k] = adamUpdate(base + k, theta[base + k], total, a);
    }
    storageBarrier();
  }
}

// ---------------------------------------------------------------------------------------------
// trainRegisters: one invocation per model for n ≤ 32, m ≤ 8, every per-example array indexed by
// constants only. On SwiftShader a private array indexed by a loop variable costs a gather or
// scatter per access (the loops above), and nothing between WGSL and the CPU unrolls a loop bounded
// by an override, so the per-example work is written out block by block. Measured with
// `npm run bench` against the loops: n = 5, m = 2 about 3.6×, n = 20, m = 5 about 5× (S = 0.9) and
// 3× (S = 0.99, against the loops' sparse variant).
//
// W is held as 4 × 4 blocks W[2c + r]: column k of block (c, r) is feature 4c + k's direction over
// hidden units 4r … 4r + 3, for c < NB = ⌈N/4⌉ column blocks and r < RB = ⌈M/4⌉ row blocks. Features
// ≥ N have p = 0 and I = 0 and hidden units ≥ M have zero rows, so the padding's gradients are
// exactly 0 and it stays 0 under Adam/AdamW. NB and RB are overrides: the guards `NB > c` and
// `RB > 1u` are constants, and the compiler drops the blocks a model does not use. Adam's moments
// stay in the storage buffers (touched once per step, not per example).
//
// No sparse variant: SwiftShader runs both sides of every `if` under a lane mask (only loops exit
// early), so skipping the terms of an example with no active feature saved nothing here (measured
// at n = 20, m = 5, S = 0.99; the loops above skip by shortening their loops). The gradient sums
// are declared with explicit initialisers: a `var` without one, declared inside the step loop, was
// not zeroed again on each step on SwiftShader.

override NB: u32 = 2u; // ⌈N / 4⌉, 1 … 8
override RB: u32 = 1u; // ⌈M / 4⌉, 1 … 2

// Block (firstColumn / 4, firstRow / 4) of W, or of its moments, from a buffer laid out like θ.
fn loadBlock(buffer: u32, base: u32, firstColumn: u32, firstRow: u32) -> mat4x4f {
  var w = mat4x4f();
  for (var k = 0u; k < 4u; k++) {
    for (var q = 0u; q < 4u; q++) {
      let i = firstColumn + k;
      let j = firstRow + q;
      if (i < N && j < M) {
        switch (buffer) {
          case 0u: { w[k][q] = theta[base + j * N + i]; }
          case 1u: { w[k][q] = moment1[base + j * N + i]; }
          default: { w[k][q] = moment2[base + j * N + i]; }
        }
      }
    }
  }
  return w;
}

fn storeBlock(buffer: u32, base: u32, firstColumn: u32, firstRow: u32, w: mat4x4f) {
  for (var k = 0u; k < 4u; k++) {
    for (var q = 0u; q < 4u; q++) {
      let i = firstColumn + k;
      let j = firstRow + q;
      if (i < N && j < M) {
        switch (buffer) {
          case 0u: { theta[base + j * N + i] = w[k][q]; }
          case 1u: { moment1[base + j * N + i] = w[k][q]; }
          default: { moment2[base + j * N + i] = w[k][q]; }
        }
      }
    }
  }
}

// b_first … b_first+3, or their moments (features ≥ N read as 0).
fn loadBias(buffer: u32, base: u32, first: u32) -> vec4f {
  var c = vec4f(0.0);
  for (var k = 0u; k < 4u; k++) {
    if (first + k < N) {
      switch (buffer) {
        case 0u: { c[k] = theta[base + M * N + first + k]; }
        case 1u: { c[k] = moment1[base + M * N + first + k]; }
        default: { c[k] = moment2[base + M * N + first + k]; }
      }
    }
  }
  return c;
}

fn storeBias(buffer: u32, base: u32, first: u32, c: vec4f) {
  for (var k = 0u; k < 4u; k++) {
    if (first + k < N) {
      switch (buffer) {
        case 0u: { theta[base + M * N + first + k] = c[k]; }
        case 1u: { moment1[base + M * N + first + k] = c[k]; }
        default: { moment2[base + M * N + first + k] = c[k]; }
      }
    }
  }
}

// One column block's share of a hidden-space product: (W_lo v, W_hi v), hidden units 0–3 and 4–7
// (h = W x and W d).
fn hiddenOf(lo: mat4x4f, hi: mat4x4f, v: vec4f) -> mat2x4f {
  return mat2x4f(lo * v, select(vec4f(0.0), hi * v, RB > 1u));
}

// Wᵀh + b of one column block's four features.
fn preOf(b: vec4f, lo: mat4x4f, hi: mat4x4f, h: mat2x4f) -> vec4f {
  if (RB > 1u) { return (h[0] * lo + h[1] * hi) + b; }
  return h[0] * lo + b;
}

// ∂L/∂pre of four outputs: weight · (x' − x) where the ReLU passes (everywhere for the linear
// model), 0 elsewhere; weight = 2 I / batch.
fn outputGradient(pre: vec4f, x: vec4f, weight: vec4f) -> vec4f {
  return select(vec4f(0.0), weight * (activate(pre) - x), select(pre > vec4f(0.0), vec4<bool>(true), LINEAR));
}

// One example's ∂W of a block: columns d_i h + x_i (W d) (see the header's backward pass).
fn outerColumns(d: vec4f, h: vec4f, x: vec4f, wd: vec4f) -> mat4x4f {
  return mat4x4f(d.x * h + x.x * wd, d.y * h + x.y * wd, d.z * h + x.z * wd, d.w * h + x.w * wd);
}

// One Adam/AdamW step of block (c, r) of W; its moments read from and written back to storage.
fn adamBlock(base: u32, c: u32, r: u32, w: mat4x4f, g: mat4x4f, a: AdamStep) -> mat4x4f {
  var value = w;
  var m1 = loadBlock(1u, base, 4u * c, 4u * r);
  var m2 = loadBlock(2u, base, 4u * c, 4u * r);
  for (var k = 0u; k < 4u; k++) {
    let u = adam4(w[k], g[k], m1[k], m2[k], a);
    value[k] = u.value;
    m1[k] = u.m;
    m2[k] = u.v;
  }
  storeBlock(1u, base, 4u * c, 4u * r, m1);
  storeBlock(2u, base, 4u * c, 4u * r, m2);
  return value;
}

@compute @workgroup_size(WG)
fn trainRegisters(@builtin(global_invocation_id) gid: vec3u) {
  let instance = gid.y * settings.rowStride + gid.x;
  if (gid.x >= settings.rowStride || instance >= settings.instanceCount) { return; }
  let base = instance * paramCount();
  let key = keys[instance];
  let scale = 2.0 / f32(BATCH);
  var p: array<vec4f, 8>;      // p_i of features 4c … 4c + 3
  var weight: array<vec4f, 8>; // 2 I_i / batch
  var W: array<mat4x4f, 16>;   // [2c + r], the header's blocks
  var b: array<vec4f, 8>;
  for (var c = 0u; c < NB; c++) {
    let f = featureBlock(instance, 4u * c);
    p[c] = f[0];
    weight[c] = scale * f[1];
    b[c] = loadBias(0u, base, 4u * c);
    for (var r = 0u; r < RB; r++) { W[2u * c + r] = loadBlock(0u, base, 4u * c, 4u * r); }
  }
  for (var s = 0u; s < settings.stepCount; s++) {
    let step = settings.firstStep + s;
    var gW = array<mat4x4f, 16>();
    var gb = array<vec4f, 8>();
    for (var e = 0u; e < BATCH; e++) {
      // Draw x block by block (prng.wgsl's stream, as every layout).
      var x: array<vec4f, 8>;
      x[0] = drawFour(key, step, e, 0u, p[0]);
      if (NB > 1u) { x[1] = drawFour(key, step, e, 4u, p[1]); }
      if (NB > 2u) { x[2] = drawFour(key, step, e, 8u, p[2]); }
      if (NB > 3u) { x[3] = drawFour(key, step, e, 12u, p[3]); }
      if (NB > 4u) { x[4] = drawFour(key, step, e, 16u, p[4]); }
      if (NB > 5u) { x[5] = drawFour(key, step, e, 20u, p[5]); }
      if (NB > 6u) { x[6] = drawFour(key, step, e, 24u, p[6]); }
      if (NB > 7u) { x[7] = drawFour(key, step, e, 28u, p[7]); }
      // h = W x.
      var h = hiddenOf(W[0], W[1], x[0]);
      if (NB > 1u) { h += hiddenOf(W[2], W[3], x[1]); }
      if (NB > 2u) { h += hiddenOf(W[4], W[5], x[2]); }
      if (NB > 3u) { h += hiddenOf(W[6], W[7], x[3]); }
      if (NB > 4u) { h += hiddenOf(W[8], W[9], x[4]); }
      if (NB > 5u) { h += hiddenOf(W[10], W[11], x[5]); }
      if (NB > 6u) { h += hiddenOf(W[12], W[13], x[6]); }
      if (NB > 7u) { h += hiddenOf(W[14], W[15], x[7]); }
      // d = ∂L/∂pre, ∂L/∂b += d, and W d.
      var d: array<vec4f, 8>;
      d[0] = outputGradient(preOf(b[0], W[0], W[1], h), x[0], weight[0]); gb[0] += d[0];
      var wd = hiddenOf(W[0], W[1], d[0]);
      if (NB > 1u) { d[1] = outputGradient(preOf(b[1], W[2], W[3], h), x[1], weight[1]); gb[1] += d[1]; wd += hiddenOf(W[2], W[3], d[1]); }
      if (NB > 2u) { d[2] = outputGradient(preOf(b[2], W[4], W[5], h), x[2], weight[2]); gb[2] += d[2]; wd += hiddenOf(W[4], W[5], d[2]); }
      if (NB > 3u) { d[3] = outputGradient(preOf(b[3], W[6], W[7], h), x[3], weight[3]); gb[3] += d[3]; wd += hiddenOf(W[6], W[7], d[3]); }
      if (NB > 4u) { d[4] = outputGradient(preOf(b[4], W[8], W[9], h), x[4], weight[4]); gb[4] += d[4]; wd += hiddenOf(W[8], W[9], d[4]); }
      if (NB > 5u) { d[5] = outputGradient(preOf(b[5], W[10], W[11], h), x[5], weight[5]); gb[5] += d[5]; wd += hiddenOf(W[10], W[11], d[5]); }
      if (NB > 6u) { d[6] = outputGradient(preOf(b[6], W[12], W[13], h), x[6], weight[6]); gb[6] += d[6]; wd += hiddenOf(W[12], W[13], d[6]); }
      if (NB > 7u) { d[7] = outputGradient(preOf(b[7], W[14], W[15], h), x[7], weight[7]); gb[7] += d[7]; wd += hiddenOf(W[14], W[15], d[7]); }
      // ∂L/∂W += d hᵀ + (W d) xᵀ, block by block.
      gW[0] += outerColumns(d[0], h[0], x[0], wd[0]);
      if (RB > 1u) { gW[1] += outerColumns(d[0], h[1], x[0], wd[1]); }
      if (NB > 1u) { gW[2] += outerColumns(d[1], h[0], x[1], wd[0]); if (RB > 1u) { gW[3] += outerColumns(d[1], h[1], x[1], wd[1]); } }
      if (NB > 2u) { gW[4] += outerColumns(d[2], h[0], x[2], wd[0]); if (RB > 1u) { gW[5] += outerColumns(d[2], h[1], x[2], wd[1]); } }
      if (NB > 3u) { gW[6] += outerColumns(d[3], h[0], x[3], wd[0]); if (RB > 1u) { gW[7] += outerColumns(d[3], h[1], x[3], wd[1]); } }
      if (NB > 4u) { gW[8] += outerColumns(d[4], h[0], x[4], wd[0]); if (RB > 1u) { gW[9] += outerColumns(d[4], h[1], x[4], wd[1]); } }
      if (NB > 5u) { gW[10] += outerColumns(d[5], h[0], x[5], wd[0]); if (RB > 1u) { gW[11] += outerColumns(d[5], h[1], x[5], wd[1]); } }
      if (NB > 6u) { gW[12] += outerColumns(d[6], h[0], x[6], wd[0]); if (RB > 1u) { gW[13] += outerColumns(d[6], h[1], x[6], wd[1]); } }
      if (NB > 7u) { gW[14] += outerColumns(d[7], h[0], x[7], wd[0]); if (RB > 1u) { gW[15] += outerColumns(d[7], h[1], x[7], wd[1]); } }
    }
    // Once per step, so these loops' dynamic indices cost nothing that matters.
    let a = adamStep(step);
    for (var c = 0u; c < NB; c++) {
      for (var r = 0u; r < RB; r++) { W[2u * c + r] = adamBlock(base, c, r, W[2u * c + r], gW[2u * c + r], a); }
      let u = adam4(b[c], gb[c], loadBias(1u, base, 4u * c), loadBias(2u, base, 4u * c), a);
      b[c] = u.value;
      storeBias(1u, base, 4u * c, u.m);
      storeBias(2u, base, 4u * c, u.v);
    }
  }
  for (var c = 0u; c < NB; c++) {
    storeBias(0u, base, 4u * c, b[c]);
    for (var r = 0u; r < RB; r++) { storeBlock(0u, base, 4u * c, 4u * r, W[2u * c + r]); }
  }
}
