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
// Three layouts (chosen by src/engine/planner.ts, measured by `npm run bench`):
//   trainPerModel      one invocation trains one model over the whole batch (no barriers);
//   trainPerWorkgroup  one workgroup per model; invocation l takes examples l, l+WG, …; per-step
//                      gradients are reduced through `partials` (fills a real GPU with few models);
//   trainRegisters     one invocation per model, n ≤ 32, m ≤ 8, with no loop-indexed array in the
//                      per-example work (at the end of this file; the fastest on CPUs).
// All compute the same function; only the float32 summation order differs.

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
// terms of outputs the ReLU stops (d_i = 0). On dense data its branches cost more than they save
// (about 25 % for n = 5, m = 2 on SwiftShader; both functions in one pipeline, chosen per model at
// run time, cost more still),
// hence accumulateDense. A branch is taken when any invocation of a SIMD group needs it: in
// `per-model` the invocations are different models, in `per-workgroup` different examples of one
// model.

// Draws one example's x into scratch.x (prng.wgsl's stream: one draw4 gives features i … i + 3
// their words); returns whether any x_i is non-zero.
fn drawExample(key: vec2u, step: u32, example: u32, pi: ptr<function, array<vec2f, MAX_N>>, scratch: ptr<function, Scratch>) -> bool {
  var anyX = false;
  for (var i = 0u; i < N; i += 4u) {
    let r = draw4(key, step, example, i >> 2u);
    for (var k = 0u; k < 4u && i + k < N; k++) {
      let x = featureFromWord(r[k], (*pi)[i + k].x);
      (*scratch).x[i + k] = x;
      anyX = anyX || x != 0.0;
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
// trainRegisters: one invocation per model for n ≤ 32, m ≤ 8, with every per-example value indexed
// by constants only. On SwiftShader a private array indexed by a loop variable costs a gather or
// scatter per access (the loops above), and nothing between WGSL and the CPU unrolls a loop bounded
// by an override, so the per-example work is written out: per column block c of four features
// (NB = ⌈N/4⌉ of them) and per hidden unit j < M, each line guarded by a constant (`NB > c`,
// `M > j`) that the compiler folds, so a model pays only for the blocks and rows it has.
//
// W is held by rows: W[j].c[c] = (W_j,4c … W_j,4c+3), a hidden unit's weights on four features.
// Features ≥ N have p = 0 and I = 0, so the padding's gradients are exactly 0 and it stays 0 under
// Adam/AdamW. Rows rather than 4 × 4 blocks, so that m = 1, 2, 5 cost m rows, not a multiple of four
// (measured with `npm run bench`). Adam's moments stay in the storage buffers (touched once per step,
// not per example).
//
// Sparse sets train on trainRegistersSparse (end of this file). SwiftShader runs both sides of every
// `if` under a lane mask (only loops exit early), so an `if` around the terms of an example with no
// active feature saved nothing here (measured at n = 20, m = 5, S = 0.99); that kernel skips such
// examples with a shorter loop instead. The gradient sums are declared with explicit
// initialisers: a `var` without one, declared inside the step loop, was not zeroed again on each
// step on SwiftShader.

// Row j of one example's ∂W added to g: g_i + d_i h_j + x_i (W d)_j.
fn addOuter(g: Blocks, d: Blocks, h: f32, x: Blocks, wd: f32) -> Blocks {
  var r = g;
  r.c[0] += d.c[0] * h + x.c[0] * wd;
  if (NB > 1u) { r.c[C1] += d.c[C1] * h + x.c[C1] * wd; }
  if (NB > 2u) { r.c[C2] += d.c[C2] * h + x.c[C2] * wd; }
  if (NB > 3u) { r.c[C3] += d.c[C3] * h + x.c[C3] * wd; }
  if (NB > 4u) { r.c[C4] += d.c[C4] * h + x.c[C4] * wd; }
  if (NB > 5u) { r.c[C5] += d.c[C5] * h + x.c[C5] * wd; }
  if (NB > 6u) { r.c[C6] += d.c[C6] * h + x.c[C6] * wd; }
  if (NB > 7u) { r.c[C7] += d.c[C7] * h + x.c[C7] * wd; }
  return r;
}

// ∂L/∂pre of every output: weight · (x' − x) where the ReLU passes (everywhere for the linear
// model), 0 elsewhere; weight = 2 I / batch.
fn outputGradient(pre: vec4f, x: vec4f, weight: vec4f) -> vec4f {
  return select(vec4f(0.0), weight * (activate(pre) - x), select(pre > vec4f(0.0), vec4<bool>(true), LINEAR));
}

fn outputGradients(pre: Blocks, x: Blocks, weight: Blocks) -> Blocks {
  var d: Blocks;
  d.c[0] = outputGradient(pre.c[0], x.c[0], weight.c[0]);
  if (NB > 1u) { d.c[C1] = outputGradient(pre.c[C1], x.c[C1], weight.c[C1]); }
  if (NB > 2u) { d.c[C2] = outputGradient(pre.c[C2], x.c[C2], weight.c[C2]); }
  if (NB > 3u) { d.c[C3] = outputGradient(pre.c[C3], x.c[C3], weight.c[C3]); }
  if (NB > 4u) { d.c[C4] = outputGradient(pre.c[C4], x.c[C4], weight.c[C4]); }
  if (NB > 5u) { d.c[C5] = outputGradient(pre.c[C5], x.c[C5], weight.c[C5]); }
  if (NB > 6u) { d.c[C6] = outputGradient(pre.c[C6], x.c[C6], weight.c[C6]); }
  if (NB > 7u) { d.c[C7] = outputGradient(pre.c[C7], x.c[C7], weight.c[C7]); }
  return d;
}

// Adam's moments of W_j,first … W_j,first+3 (j = M: of b), buffer 1 (m) or 2 (v), laid out like θ;
// features ≥ N read as 0. θ itself is read by blocks.wgsl's thetaRow.
fn loadMoments(buffer: u32, base: u32, j: u32, first: u32) -> vec4f {
  var r = vec4f(0.0);
  for (var k = 0u; k < 4u; k++) {
    if (first + k < N) {
      if (buffer == 1u) { r[k] = moment1[base + j * N + first + k]; } else { r[k] = moment2[base + j * N + first + k]; }
    }
  }
  return r;
}

// Writes W_j,first … W_j,first+3 (j = M: b) to θ (buffer 0) or to its moments (1: m, 2: v).
fn storeRow(buffer: u32, base: u32, j: u32, first: u32, r: vec4f) {
  for (var k = 0u; k < 4u; k++) {
    if (first + k < N) {
      switch (buffer) {
        case 0u: { theta[base + j * N + first + k] = r[k]; }
        case 1u: { moment1[base + j * N + first + k] = r[k]; }
        default: { moment2[base + j * N + first + k] = r[k]; }
      }
    }
  }
}

// One Adam/AdamW step of four parameters whose moments sit at row j, features first … first+3.
fn adamRow(base: u32, j: u32, first: u32, value: vec4f, gradient: vec4f, a: AdamStep) -> vec4f {
  let u = adam4(value, gradient, loadMoments(1u, base, j, first), loadMoments(2u, base, j, first), a);
  storeRow(1u, base, j, first, u.m);
  storeRow(2u, base, j, first, u.v);
  return u.value;
}

@compute @workgroup_size(WG)
fn trainRegisters(@builtin(global_invocation_id) gid: vec3u) {
  let instance = gid.y * settings.rowStride + gid.x;
  if (gid.x >= settings.rowStride || instance >= settings.instanceCount) { return; }
  let base = instance * paramCount();
  let key = keys[instance];
  let scale = 2.0 / f32(BATCH);
  let model = loadModel(instance, base);
  let gates = gateThresholds(model.p);
  var W = model.W;
  var b = model.b;
  var weight: Blocks;  // 2 I_i / batch
  for (var c = 0u; c < NB; c++) { weight.c[c] = scale * model.importance.c[c]; }
  for (var s = 0u; s < settings.stepCount; s++) {
    let step = settings.firstStep + s;
    var gW = array<Blocks, 8>();
    var gb = Blocks();
    for (var e = 0u; e < BATCH; e++) {
      let x = drawBlocks(key, step, e, gates);
      let f = forwardRows(&W, b, x);
      let d = outputGradients(f.pre, x, weight);
      gb = addBlocks(gb, d);
      // ∂W row by row, with (W d)_j.
      gW[0] = addOuter(gW[0], d, f.h[0], x, dotBlocks(W[0], d));
      if (M > 1u) { gW[1] = addOuter(gW[1], d, f.h[1], x, dotBlocks(W[1], d)); }
      if (M > 2u) { gW[2] = addOuter(gW[2], d, f.h[2], x, dotBlocks(W[2], d)); }
      if (M > 3u) { gW[3] = addOuter(gW[3], d, f.h[3], x, dotBlocks(W[3], d)); }
      if (M > 4u) { gW[4] = addOuter(gW[4], d, f.h[4], x, dotBlocks(W[4], d)); }
      if (M > 5u) { gW[5] = addOuter(gW[5], d, f.h[5], x, dotBlocks(W[5], d)); }
      if (M > 6u) { gW[6] = addOuter(gW[6], d, f.h[6], x, dotBlocks(W[6], d)); }
      if (M > 7u) { gW[7] = addOuter(gW[7], d, f.h[7], x, dotBlocks(W[7], d)); }
    }
    // Once per step, so these loops' dynamic indices cost nothing that matters.
    let a = adamStep(step);
    for (var c = 0u; c < NB; c++) {
      for (var j = 0u; j < M; j++) { W[j].c[c] = adamRow(base, j, 4u * c, W[j].c[c], gW[j].c[c], a); }
      b.c[c] = adamRow(base, M, 4u * c, b.c[c], gb.c[c], a);
    }
  }
  for (var c = 0u; c < NB; c++) {
    storeRow(0u, base, M, 4u * c, b.c[c]);
    for (var j = 0u; j < M; j++) { storeRow(0u, base, j, 4u * c, W[j].c[c]); }
  }
}

// The sparse registers kernel (SPARSE sets, src/engine/train-kernel.ts isSparseSet: fewer than one
// active feature per example expected at every point): the same training in windows of WINDOW
// examples (blocks.wgsl). The gates alone (gateWindow, anyGate: the draw without its values, 18 %
// faster here) mark the window's examples with an active feature, a bit each; the gradient then
// runs on those alone, drawn in full, and each example skipped adds d0 to ∂b in its place, so ∂b
// sums the same terms in the same order as trainRegisters: the choice changes speed, not results.
// (An example whose passing gate drew the value 0 runs with x = 0 and adds exactly d0 and nothing
// to ∂W, as it does in trainRegisters.) A loop runs until its last lane is done (an `if` skips
// nothing: above), so the four models of a SIMD group pay for the most active of them in each
// window; 128 examples trained n = 20, m = 5, S = 0.99 at 7.1 M samples/s, 64 at 6.9 M and 32 at
// 6.5 M (the most active lane's count varies less in longer windows).
// Everything else repeats trainRegisters line for line, on purpose: on SwiftShader, sharing it
// cost trainRegisters speed at n = 2, m = 1 (measured, 2026-11-30): the per-example lines as a
// function writing gW through a pointer −10 %; the Adam update and store as functions −40 %, by
// pointer or by value; both loops in one kernel behind `if (SPARSE)` −5 % (not folded away).

@compute @workgroup_size(WG)
fn trainRegistersSparse(@builtin(global_invocation_id) gid: vec3u) {
  let instance = gid.y * settings.rowStride + gid.x;
  if (gid.x >= settings.rowStride || instance >= settings.instanceCount) { return; }
  let base = instance * paramCount();
  let key = keys[instance];
  let scale = 2.0 / f32(BATCH);
  let model = loadModel(instance, base);
  let gates = gateThresholds(model.p);
  var W = model.W;
  var b = model.b;
  var weight: Blocks;  // 2 I_i / batch
  for (var c = 0u; c < NB; c++) { weight.c[c] = scale * model.importance.c[c]; }
  for (var s = 0u; s < settings.stepCount; s++) {
    let step = settings.firstStep + s;
    var gW = array<Blocks, 8>();
    var gb = Blocks();
    // ∂L/∂pre of an example with no active feature: h = 0, so pre = b, and ∂W gets nothing.
    let d0 = outputGradients(b, Blocks(), weight);
    for (var first = 0u; first < BATCH; first += WINDOW) {
      let count = min(WINDOW, BATCH - first);
      var next = 0u;  // the window's first example not yet in gb
      for (var rest = gateWindow(key, step, first, count, gates); any(rest != vec4u(0u)); ) {
        let k = lowestBit(rest);
        rest = clearBit(rest, k);
        for (; next < k; next++) { gb = addBlocks(gb, d0); }
        next = k + 1u;
        let x = drawBlocks(key, step, first + k, gates);
        let f = forwardRows(&W, b, x);
        let d = outputGradients(f.pre, x, weight);
        gb = addBlocks(gb, d);
        // ∂W row by row, with (W d)_j.
        gW[0] = addOuter(gW[0], d, f.h[0], x, dotBlocks(W[0], d));
        if (M > 1u) { gW[1] = addOuter(gW[1], d, f.h[1], x, dotBlocks(W[1], d)); }
        if (M > 2u) { gW[2] = addOuter(gW[2], d, f.h[2], x, dotBlocks(W[2], d)); }
        if (M > 3u) { gW[3] = addOuter(gW[3], d, f.h[3], x, dotBlocks(W[3], d)); }
        if (M > 4u) { gW[4] = addOuter(gW[4], d, f.h[4], x, dotBlocks(W[4], d)); }
        if (M > 5u) { gW[5] = addOuter(gW[5], d, f.h[5], x, dotBlocks(W[5], d)); }
        if (M > 6u) { gW[6] = addOuter(gW[6], d, f.h[6], x, dotBlocks(W[6], d)); }
        if (M > 7u) { gW[7] = addOuter(gW[7], d, f.h[7], x, dotBlocks(W[7], d)); }
      }
      for (; next < count; next++) { gb = addBlocks(gb, d0); }
    }
    // Once per step, so these loops' dynamic indices cost nothing that matters.
    let a = adamStep(step);
    for (var c = 0u; c < NB; c++) {
      for (var j = 0u; j < M; j++) { W[j].c[c] = adamRow(base, j, 4u * c, W[j].c[c], gW[j].c[c], a); }
      b.c[c] = adamRow(base, M, 4u * c, b.c[c], gb.c[c], a);
    }
  }
  for (var c = 0u; c < NB; c++) {
    storeRow(0u, base, M, 4u * c, b.c[c]);
    for (var j = 0u; j < M; j++) { storeRow(0u, base, j, 4u * c, W[j].c[c]); }
  }
}
