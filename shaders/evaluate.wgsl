// Evaluation kernel: loss and per-feature reconstruction benefit on a fresh batch drawn from the
// PRNG at step EVAL_STEP (never a training step). One invocation per instance: `evaluate` loops
// over n and m (any size); `evaluateRegisters` holds W by rows (n ≤ 32, m ≤ 8), as train.wgsl's
// registers layout does, and draws the same bits (blocks.wgsl drawBlocks).
// Owner: src/engine/evaluate-kernel.ts. Mirrored by evaluateReference in src/science/reference.ts.
//
// metrics[instance · STRIDE + …], STRIDE = 2 + 4N (see src/engine/layout.ts):
//   0: loss = (1/B) Σ_e Σ_i I_i (x_i − x'_i)²       (written here)
//   1: m / ‖W‖_F²                                      (geometry.wgsl)
//   2 + i: ‖W_i‖, 2 + N + i: superposition,            (geometry.wgsl)
//   2 + 2N + i: D_i                                    (geometry.wgsl)
//   2 + 3N + i: benefit_i = 1 − E[(x_i − x'_i)²] / (p/3 − p²/4)   (written here)

override N: u32 = 5u;
override M: u32 = 2u;
override EVAL_BATCH: u32 = 8192u;
override WG: u32 = 64u;
override LINEAR: bool = false;

const MAX_N: u32 = 64u;
const MAX_M: u32 = 16u;
const MAX_P: u32 = MAX_M * MAX_N + MAX_N;

// One submit evaluates instances [firstInstance, instanceCount) of the chunk (the trainer splits a
// large chunk's evaluation across submits by FLOPs, so a cancel or progress report lands soon).
struct EvalSettings {
  instanceCount: u32,
  rowStride: u32,
  firstInstance: u32,
}

@group(0) @binding(0) var<uniform> settings: EvalSettings;
@group(0) @binding(1) var<storage, read> keys: array<vec2u>;       // stream words per instance
@group(0) @binding(2) var<storage, read> features: array<vec2f>;   // (p_i, I_i) at [instance · N + i]
@group(0) @binding(3) var<storage, read> theta: array<f32>;        // [instance · P + k], as train.wgsl
@group(0) @binding(4) var<storage, read_write> metrics: array<f32>;

fn stride() -> u32 { return 2u + 4u * N; }

// Writes feature i's benefit (header) from its squared error summed over the batch; returns its
// term of the loss, I_i · mse. Both entry points end with these writes.
fn writeBenefit(instance: u32, i: u32, squaredError: f32, p: f32, importance: f32) -> f32 {
  let mse = squaredError / f32(EVAL_BATCH);
  metrics[instance * stride() + 2u + 3u * N + i] = 1.0 - mse / (p / 3.0 - p * p / 4.0);
  return importance * mse;
}

@compute @workgroup_size(WG)
fn evaluate(@builtin(global_invocation_id) gid: vec3u) {
  let instance = settings.firstInstance + gid.y * settings.rowStride + gid.x;
  if (gid.x >= settings.rowStride || instance >= settings.instanceCount) { return; }
  let P = M * N + N;
  let base = instance * P;
  let key = evaluationStream(keys[instance]);
  var w = array<f32, MAX_P>();
  for (var k = 0u; k < P; k++) { w[k] = theta[base + k]; }
  var pi = array<vec2f, MAX_N>();
  for (var i = 0u; i < N; i++) { pi[i] = features[instance * N + i]; }
  var squaredError = array<f32, MAX_N>();
  var x = array<f32, MAX_N>();
  var h = array<f32, MAX_M>();
  for (var e = 0u; e < EVAL_BATCH; e++) {
    for (var i = 0u; i < N; i += 4u) {
      let r = draw4(key, EVAL_STEP, e, i >> 2u);
      for (var k = 0u; k < 4u && i + k < N; k++) {
        x[i + k] = featureFromWord(r[k], pi[i + k].x);
      }
    }
    for (var j = 0u; j < M; j++) {
      var s = 0.0;
      for (var i = 0u; i < N; i++) { s += w[j * N + i] * x[i]; }
      h[j] = s;
    }
    for (var i = 0u; i < N; i++) {
      var pre = w[M * N + i];
      for (var j = 0u; j < M; j++) { pre += w[j * N + i] * h[j]; }
      let out = select(max(pre, 0.0), pre, LINEAR);
      let err = out - x[i];
      squaredError[i] += err * err;
    }
  }
  var loss = 0.0;
  for (var i = 0u; i < N; i++) { loss += writeBenefit(instance, i, squaredError[i], pi[i].x, pi[i].y); }
  metrics[instance * stride()] = loss;
}

// ---------------------------------------------------------------------------------------------
// Registers layout (n ≤ 32, m ≤ 8): W held by rows, every per-example step written out in
// blocks.wgsl (forwardRows), as train.wgsl's trainRegisters does, drawing the same bits.

// s + (x' − x)² per feature.
fn addSquaredErrors(s: Blocks, pre: Blocks, x: Blocks) -> Blocks {
  var r = s;
  let e0 = activate(pre.c[0]) - x.c[0]; r.c[0] += e0 * e0;
  if (NB > 1u) { let e1 = activate(pre.c[C1]) - x.c[C1]; r.c[C1] += e1 * e1; }
  if (NB > 2u) { let e2 = activate(pre.c[C2]) - x.c[C2]; r.c[C2] += e2 * e2; }
  if (NB > 3u) { let e3 = activate(pre.c[C3]) - x.c[C3]; r.c[C3] += e3 * e3; }
  if (NB > 4u) { let e4 = activate(pre.c[C4]) - x.c[C4]; r.c[C4] += e4 * e4; }
  if (NB > 5u) { let e5 = activate(pre.c[C5]) - x.c[C5]; r.c[C5] += e5 * e5; }
  if (NB > 6u) { let e6 = activate(pre.c[C6]) - x.c[C6]; r.c[C6] += e6 * e6; }
  if (NB > 7u) { let e7 = activate(pre.c[C7]) - x.c[C7]; r.c[C7] += e7 * e7; }
  return r;
}

@compute @workgroup_size(WG)
fn evaluateRegisters(@builtin(global_invocation_id) gid: vec3u) {
  let instance = settings.firstInstance + gid.y * settings.rowStride + gid.x;
  if (gid.x >= settings.rowStride || instance >= settings.instanceCount) { return; }
  let base = instance * (M * N + N);
  let key = evaluationStream(keys[instance]);
  let model = loadModel(instance, base);
  let p = model.p;
  let gates = gateThresholds(p);
  let importance = model.importance;
  var W = model.W;
  let b = model.b;
  var squaredError = Blocks();
  for (var e = 0u; e < EVAL_BATCH; e++) {
    let x = drawBlocks(key, EVAL_STEP, e, gates);
    squaredError = addSquaredErrors(squaredError, forwardRows(&W, b, x).pre, x);
  }
  // Once per model, so these dynamic indices cost nothing that matters.
  var loss = 0.0;
  for (var i = 0u; i < N; i++) {
    loss += writeBenefit(instance, i, squaredError.c[i / 4u][i % 4u], p.c[i / 4u][i % 4u], importance.c[i / 4u][i % 4u]);
  }
  metrics[instance * stride()] = loss;
}

// evaluateRegisters for sparse sets (isSparseSet, as train.wgsl trainRegistersSparse): per window
// of WINDOW examples, the gates mark the examples with an active feature and only those are drawn
// and run; each skipped example (x = 0, so pre = b) adds its constant error e0 = x'(b)² in its
// place, so the sums equal evaluateRegisters's bit for bit. Its first and last lines repeat
// evaluateRegisters's: the metrics writes as a shared function cost evaluateRegisters 15 % at
// n = 2, m = 1 (59.7 M against 70.2 M samples/s, bench, 2026-11-30), as in train.wgsl.
@compute @workgroup_size(WG)
fn evaluateRegistersSparse(@builtin(global_invocation_id) gid: vec3u) {
  let instance = settings.firstInstance + gid.y * settings.rowStride + gid.x;
  if (gid.x >= settings.rowStride || instance >= settings.instanceCount) { return; }
  let base = instance * (M * N + N);
  let key = evaluationStream(keys[instance]);
  let model = loadModel(instance, base);
  let p = model.p;
  let gates = gateThresholds(p);
  let importance = model.importance;
  var W = model.W;
  let b = model.b;
  let e0 = addSquaredErrors(Blocks(), b, Blocks());
  var squaredError = Blocks();
  for (var first = 0u; first < EVAL_BATCH; first += WINDOW) {
    let count = min(WINDOW, EVAL_BATCH - first);
    var next = 0u;  // the window's first example not yet in squaredError
    for (var rest = gateWindow(key, EVAL_STEP, first, count, gates); any(rest != vec4u(0u)); ) {
      let k = lowestBit(rest);
      rest = clearBit(rest, k);
      for (; next < k; next++) { squaredError = addBlocks(squaredError, e0); }
      next = k + 1u;
      let x = drawBlocks(key, EVAL_STEP, first + k, gates);
      squaredError = addSquaredErrors(squaredError, forwardRows(&W, b, x).pre, x);
    }
    for (; next < count; next++) { squaredError = addBlocks(squaredError, e0); }
  }
  var loss = 0.0;
  for (var i = 0u; i < N; i++) {
    loss += writeBenefit(instance, i, squaredError.c[i / 4u][i % 4u], p.c[i / 4u][i % 4u], importance.c[i / 4u][i % 4u]);
  }
  metrics[instance * stride()] = loss;
}
