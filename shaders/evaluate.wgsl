// Evaluation kernel: loss and per-feature reconstruction benefit on a fresh batch drawn from the
// PRNG at step EVAL_STEP (never a training step). One invocation per instance: `evaluate` loops
// over n and m (any size); `evaluateRegisters` holds W in two mat4x4 (n ≤ 8, m ≤ 4), as train.wgsl's
// registers layout does, and draws the same bits (blocks.wgsl drawFour).
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
    for (var i = 0u; i < N; i += 2u) {
      let r = draw4(key, EVAL_STEP, e, i >> 1u);
      x[i] = select(0.0, unit(r.y), unit(r.x) < pi[i].x);
      if (i + 1u < N) {
        x[i + 1u] = select(0.0, unit(r.w), unit(r.z) < pi[i + 1u].x);
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
  let stride = 2u + 4u * N;
  var loss = 0.0;
  for (var i = 0u; i < N; i++) {
    let mse = squaredError[i] / f32(EVAL_BATCH);
    loss += pi[i].y * mse;
    let p = pi[i].x;
    metrics[instance * stride + 2u + 3u * N + i] = 1.0 - mse / (p / 3.0 - p * p / 4.0);
  }
  metrics[instance * stride] = loss;
}

// ---------------------------------------------------------------------------------------------
// Registers layout (n ≤ 8, m ≤ 4). Features ≥ N have p = 0 and zero W columns and bias, so their
// error is exactly 0; HALF2 (N > 4) switches the second block of four features on.

override HALF2: bool = true;

// One example's forward pass (docs/science.md "The model"): features 0–3 drawn as xa and 4–7 as xb
// (HALF2 only, else 0), h = W x (m ≤ 4), and the pre-activations Wᵀh + b of both blocks (preb
// HALF2 only, else 0); x' = activate(pre).
struct Forward {
  xa: vec4f,
  xb: vec4f,
  h: vec4f,
  prea: vec4f,
  preb: vec4f,
}

fn forward(key: vec2u, step: u32, example: u32, fa: mat2x4f, fb: mat2x4f, Wa: mat4x4f, Wb: mat4x4f, ba: vec4f, bb: vec4f) -> Forward {
  var f: Forward;
  f.xa = drawFour(key, step, example, 0u, fa[0]);
  f.h = Wa * f.xa;
  if (HALF2) {
    f.xb = drawFour(key, step, example, 4u, fb[0]);
    f.h += Wb * f.xb;
  }
  f.prea = f.h * Wa + ba;
  if (HALF2) {
    f.preb = f.h * Wb + bb;
  }
  return f;
}

// W columns first … first+3 (rows < M; columns ≥ N are 0) as one matrix, and the matching bias.
fn weightBlock(base: u32, first: u32) -> mat4x4f {
  var w = mat4x4f();
  for (var k = 0u; k < 4u; k++) {
    if (first + k < N) {
      for (var j = 0u; j < M; j++) { w[k][j] = theta[base + j * N + first + k]; }
    }
  }
  return w;
}

fn biasBlock(base: u32, first: u32) -> vec4f {
  var c = vec4f(0.0);
  for (var k = 0u; k < 4u; k++) {
    if (first + k < N) { c[k] = theta[base + M * N + first + k]; }
  }
  return c;
}

fn writeEvaluation(instance: u32, squaredError: mat2x4f, fa: mat2x4f, fb: mat2x4f) {
  let stride = 2u + 4u * N;
  var loss = 0.0;
  for (var i = 0u; i < N; i++) {
    let k = i % 4u;
    let mse = squaredError[i / 4u][k] / f32(EVAL_BATCH);
    let importance = select(fb[1][k], fa[1][k], i < 4u);
    let p = select(fb[0][k], fa[0][k], i < 4u);
    loss += importance * mse;
    metrics[instance * stride + 2u + 3u * N + i] = 1.0 - mse / (p / 3.0 - p * p / 4.0);
  }
  metrics[instance * stride] = loss;
}

@compute @workgroup_size(WG)
fn evaluateRegisters(@builtin(global_invocation_id) gid: vec3u) {
  let instance = settings.firstInstance + gid.y * settings.rowStride + gid.x;
  if (gid.x >= settings.rowStride || instance >= settings.instanceCount) { return; }
  let base = instance * (M * N + N);
  let key = evaluationStream(keys[instance]);
  let fa = featureBlock(instance, 0u);
  let fb = featureBlock(instance, 4u);
  let Wa = weightBlock(base, 0u);
  let Wb = weightBlock(base, 4u);
  let ba = biasBlock(base, 0u);
  let bb = biasBlock(base, 4u);
  var sa = vec4f(0.0);
  var sb = vec4f(0.0);
  for (var e = 0u; e < EVAL_BATCH; e++) {
    let f = forward(key, EVAL_STEP, e, fa, fb, Wa, Wb, ba, bb);
    let ea = activate(f.prea) - f.xa;
    sa += ea * ea;
    if (HALF2) {
      let eb = activate(f.preb) - f.xb;
      sb += eb * eb;
    }
  }
  writeEvaluation(instance, mat2x4f(sa, sb), fa, fb);
}
