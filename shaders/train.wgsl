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
// trainRegisters: one invocation per model for small models (n ≤ 8, m ≤ 4), with every array
// replaced by vec4/mat4x4 values held in registers. On SwiftShader a dynamically indexed private
// array costs a gather per access; a hand-unrolled 5 → 2 kernel ran 4.4× faster than the loops
// above. W's columns 0–3 live in Wa and 4–7 in Wb (column i = feature i's direction, padded
// with zero rows to 4 hidden units); features ≥ N have p = 0 and I = 0, hidden units ≥ M have zero
// rows, so the padding's gradients are exactly 0 and it stays 0 under Adam/AdamW.
// HALF2 (N > 4) switches the second half on; it is an override, so the compiler drops it for n ≤ 4.

override HALF2: bool = true;

// Reads W column i (rows < M) from a scalar buffer laid out like θ.
fn column(buffer: u32, base: u32, i: u32) -> vec4f {
  var c = vec4f(0.0);
  if (i < N) {
    for (var j = 0u; j < M; j++) {
      switch (buffer) {
        case 0u: { c[j] = theta[base + j * N + i]; }
        case 1u: { c[j] = moment1[base + j * N + i]; }
        default: { c[j] = moment2[base + j * N + i]; }
      }
    }
  }
  return c;
}

fn storeColumn(buffer: u32, base: u32, i: u32, c: vec4f) {
  if (i < N) {
    for (var j = 0u; j < M; j++) {
      switch (buffer) {
        case 0u: { theta[base + j * N + i] = c[j]; }
        case 1u: { moment1[base + j * N + i] = c[j]; }
        default: { moment2[base + j * N + i] = c[j]; }
      }
    }
  }
}

fn loadMatrix(buffer: u32, base: u32, first: u32) -> mat4x4f {
  return mat4x4f(column(buffer, base, first), column(buffer, base, first + 1u), column(buffer, base, first + 2u), column(buffer, base, first + 3u));
}

fn storeMatrix(buffer: u32, base: u32, first: u32, w: mat4x4f) {
  storeColumn(buffer, base, first, w[0]);
  storeColumn(buffer, base, first + 1u, w[1]);
  storeColumn(buffer, base, first + 2u, w[2]);
  storeColumn(buffer, base, first + 3u, w[3]);
}

// b_first … b_first+3 (features ≥ N read as 0).
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

// ∂L/∂pre of four outputs: weight · (x' − x) where the ReLU passes (everywhere for the linear
// model), 0 elsewhere; weight = 2 I / batch.
fn outputGradient(pre: vec4f, x: vec4f, weight: vec4f) -> vec4f {
  return select(vec4f(0.0), weight * (activate(pre) - x), select(pre > vec4f(0.0), vec4<bool>(true), LINEAR));
}

fn outerColumns(d: vec4f, h: vec4f, x: vec4f, wd: vec4f) -> mat4x4f {
  return mat4x4f(d.x * h + x.x * wd, d.y * h + x.y * wd, d.z * h + x.z * wd, d.w * h + x.w * wd);
}

@compute @workgroup_size(WG)
fn trainRegisters(@builtin(global_invocation_id) gid: vec3u) {
  let instance = gid.y * settings.rowStride + gid.x;
  if (gid.x >= settings.rowStride || instance >= settings.instanceCount) { return; }
  let base = instance * paramCount();
  let key = keys[instance];
  let fa = featureBlock(instance, 0u);
  let fb = featureBlock(instance, 4u);
  var Wa = loadMatrix(0u, base, 0u);
  var Wb = loadMatrix(0u, base, 4u);
  var ba = loadBias(0u, base, 0u);
  var bb = loadBias(0u, base, 4u);
  var mWa = loadMatrix(1u, base, 0u);
  var mWb = loadMatrix(1u, base, 4u);
  var mba = loadBias(1u, base, 0u);
  var mbb = loadBias(1u, base, 4u);
  var vWa = loadMatrix(2u, base, 0u);
  var vWb = loadMatrix(2u, base, 4u);
  var vba = loadBias(2u, base, 0u);
  var vbb = loadBias(2u, base, 4u);
  let scale = 2.0 / f32(BATCH);
  for (var s = 0u; s < settings.stepCount; s++) {
    let step = settings.firstStep + s;
    var gWa = mat4x4f();
    var gWb = mat4x4f();
    var gba = vec4f(0.0);
    var gbb = vec4f(0.0);
    for (var e = 0u; e < BATCH; e++) {
      let f = forward(key, step, e, fa, fb, Wa, Wb, ba, bb);
      let da = outputGradient(f.prea, f.xa, scale * fa[1]);
      gba += da;
      var wd = Wa * da;
      var db = vec4f(0.0);
      if (HALF2) {
        db = outputGradient(f.preb, f.xb, scale * fb[1]);
        gbb += db;
        wd += Wb * db;
      }
      gWa += outerColumns(da, f.h, f.xa, wd);
      if (HALF2) {
        gWb += outerColumns(db, f.h, f.xb, wd);
      }
    }
    let a = adamStep(step);
    var u = adam4(Wa[0], gWa[0], mWa[0], vWa[0], a); Wa[0] = u.value; mWa[0] = u.m; vWa[0] = u.v;
    u = adam4(Wa[1], gWa[1], mWa[1], vWa[1], a); Wa[1] = u.value; mWa[1] = u.m; vWa[1] = u.v;
    u = adam4(Wa[2], gWa[2], mWa[2], vWa[2], a); Wa[2] = u.value; mWa[2] = u.m; vWa[2] = u.v;
    u = adam4(Wa[3], gWa[3], mWa[3], vWa[3], a); Wa[3] = u.value; mWa[3] = u.m; vWa[3] = u.v;
    u = adam4(ba, gba, mba, vba, a); ba = u.value; mba = u.m; vba = u.v;
    if (HALF2) {
      u = adam4(Wb[0], gWb[0], mWb[0], vWb[0], a); Wb[0] = u.value; mWb[0] = u.m; vWb[0] = u.v;
      u = adam4(Wb[1], gWb[1], mWb[1], vWb[1], a); Wb[1] = u.value; mWb[1] = u.m; vWb[1] = u.v;
      u = adam4(Wb[2], gWb[2], mWb[2], vWb[2], a); Wb[2] = u.value; mWb[2] = u.m; vWb[2] = u.v;
      u = adam4(Wb[3], gWb[3], mWb[3], vWb[3], a); Wb[3] = u.value; mWb[3] = u.m; vWb[3] = u.v;
      u = adam4(bb, gbb, mbb, vbb, a); bb = u.value; mbb = u.m; vbb = u.v;
    }
  }
  storeMatrix(0u, base, 0u, Wa);
  storeMatrix(0u, base, 4u, Wb);
  storeBias(0u, base, 0u, ba);
  storeBias(0u, base, 4u, bb);
  storeMatrix(1u, base, 0u, mWa);
  storeMatrix(1u, base, 4u, mWb);
  storeBias(1u, base, 0u, mba);
  storeBias(1u, base, 4u, mbb);
  storeMatrix(2u, base, 0u, vWa);
  storeMatrix(2u, base, 4u, vWb);
  storeBias(2u, base, 0u, vba);
  storeBias(2u, base, 4u, vbb);
}
