// Autoencoder drivers: train and evaluate any model kind on any data kind, in two layouts:
// `workgroup` (trainWorkgroup, evaluateWorkgroup: one workgroup per model, any size the device's
// workgroup memory allows; the engine takes n ≤ 1024, m ≤ 256) and `invocation` (trainInvocation,
// evaluateInvocation, at the end of this file: one invocation per model, small models). Owner:
// src/engine/autoencoder-kernel.ts. Mirrored in float64 by
// src/science/autoencoder-reference.ts. This file names no model or data kind: a pipeline's source
// is prng.wgsl + optimizer.wgsl + one shaders/models/<kind>.wgsl + theta.wgsl (θ's layout) + one
// shaders/data/<kind>.wgsl + this file.
//
// Interface a model module provides (src/science/models/contract.ts has the symbols):
//   const MODEL_TIED: bool            D = Eᵀ (θ holds W) instead of separate W1 [m, n], W2 [n, m]
//   const MODEL_HIDDEN_BIAS: bool     b_h [m] after the matrices
//   const MODEL_OUTPUT_BIAS: bool     b [n] last
//   fn modelHidden(pre: f32) -> f32, fn modelHiddenSlope(pre: f32) -> f32      φ_h and φ_h'
//   fn modelOutput(pre: f32) -> f32, fn modelOutputSlope(pre: f32) -> f32      φ_o and φ_o'
//   fn modelTarget(x: f32) -> f32                                               t(x)
// Interface a data module provides (src/science/data/contract.ts):
//   fn dataFeature(stream: vec2u, step: u32, example: u32, i: u32, f: vec4f) -> f32     x_i
//
// Layout: one workgroup per model. Invocation l owns features i ≡ l (mod WG) and hidden units
// j ≡ l (mod WG). The batch is processed in tiles of TILE examples (barriers cost most on CPU
// adapters, so they are paid once per tile, not per example). Per tile, with the shared arrays
// below in workgroup memory ([t · N + i] and [t · M + j] for example t of the tile):
//   1. owners of i draw x_i into xs                            (barrier)
//   2. owners of j: h_pre_j = Σ_i E_ji x_i (+ b_h,j), zero x_i skipped: at S ≥ 0.9 most are
//      zero, so the forward pass touches only the active features      (barrier)
//   3. owners of i: out_pre_i = Σ_j D_ij h_j (+ b_i); d_i = 2 I_i (x'_i − t_i)/B · φ_o'(out_pre_i)
//      into ds; ∂b_i += Σ_t d_i, ∂D_ij += Σ_t d_i h_j            (barrier)
//   4. owners of j: dh_j = (Σ_{i: d_i ≠ 0} D_ij d_i) φ_h'(h_pre_j) into dhs; ∂b_h,j += Σ_t dh_j  (barrier)
//   5. owners of i: ∂E_ji += Σ_{t: x_i ≠ 0} dh_j x_i
// Every gradient entry has one owner, who accumulates it in `grad` (once per tile) and applies
// Adam/AdamW to it after the batch, so no gradient is ever reduced across invocations. θ is read
// from workgroup memory when it fits (SHARED_PARAMS) and from the storage buffer otherwise; the
// planner chooses SHARED_PARAMS and TILE from the device's maxComputeWorkgroupStorageSize, so the
// float32 summation order depends only on the model's size and the device, never on the sweep.
// Buffers: theta/moment1/moment2/grad [instance · P + k] (θ layout: models/contract.ts);
// features [instance · N + i] = (p_i, I_i, leader_i, lower_i); keys [instance] = stream words.

override N: u32 = 5u;          // nFeatures
override M: u32 = 2u;          // nHidden
override BATCH: u32 = 1024u;   // training examples per step
override WG: u32 = 64u;        // invocations per workgroup (one workgroup per model)
override ADAMW: bool = true;   // AdamW (decoupled decay) instead of Adam with an L2 term
override SCHEDULE: u32 = 0u;   // 0 constant, 1 linear, 2 cosine (the notebook's formulas)
override SHARED_PARAMS: bool = false;
override SHARED_P: u32 = 1u;   // length of `sp`: P with SHARED_PARAMS, else 1
override TILE: u32 = 1u;       // examples per tile

struct EvalSettings {
  instanceCount: u32,
  rowStride: u32,
  firstExample: u32,   // this dispatch evaluates examples [firstExample, firstExample + exampleCount)
  exampleCount: u32,
}

@group(0) @binding(1) var<storage, read> keys: array<vec2u>;
@group(0) @binding(2) var<storage, read> features: array<vec4f>;
@group(0) @binding(3) var<storage, read_write> theta: array<f32>;
@group(0) @binding(4) var<storage, read_write> moment1: array<f32>;
@group(0) @binding(5) var<storage, read_write> moment2: array<f32>;
@group(0) @binding(6) var<storage, read_write> grad: array<f32>;
@group(0) @binding(7) var<storage, read_write> squaredError: array<f32>;   // [instance · N + i]
@group(0) @binding(8) var<uniform> evalSettings: EvalSettings;

var<workgroup> xs: array<f32, TILE * N>;
var<workgroup> ds: array<f32, TILE * N>;
var<workgroup> hs: array<f32, TILE * M>;
var<workgroup> hpres: array<f32, TILE * M>;
var<workgroup> dhs: array<f32, TILE * M>;
var<workgroup> sp: array<f32, SHARED_P>;

// θ offset of this workgroup's model.
var<private> base: u32;

fn param(k: u32) -> f32 {
  if (SHARED_PARAMS) { return sp[k]; }
  return theta[base + k];
}

fn setParam(k: u32, v: f32) {
  if (SHARED_PARAMS) { sp[k] = v; } else { theta[base + k] = v; }
}

// Steps 1 and 2 for examples first … first + count − 1: x into xs, h_pre into hpres, h into hs.
// Ends with a barrier.
fn forwardHidden(stream: vec2u, step: u32, first: u32, count: u32, instance: u32, lid: u32) {
  for (var i = lid; i < N; i += WG) {
    let f = features[instance * N + i];
    for (var t = 0u; t < count; t++) { xs[t * N + i] = dataFeature(stream, step, first + t, i, f); }
  }
  workgroupBarrier();
  for (var j = lid; j < M; j += WG) {
    var bias = 0.0;
    if (MODEL_HIDDEN_BIAS) { bias = param(offsetHiddenBias() + j); }
    for (var t = 0u; t < count; t++) {
      var s = bias;
      for (var i = 0u; i < N; i++) {
        let x = xs[t * N + i];
        if (x != 0.0) { s += param(indexE(j, i)) * x; }
      }
      hpres[t * M + j] = s;
      hs[t * M + j] = modelHidden(s);
    }
  }
  workgroupBarrier();
}

// out_pre_i of example t of the tile.
fn outputPre(t: u32, i: u32) -> f32 {
  var s = 0.0;
  if (MODEL_OUTPUT_BIAS) { s = param(offsetBias() + i); }
  for (var j = 0u; j < M; j++) { s += param(indexD(i, j)) * hs[t * M + j]; }
  return s;
}

// Adam/AdamW on θ[k] with its accumulated gradient (PyTorch's order: decoupled decay, then the
// bias-corrected step); clears the gradient for the next step.
fn update(k: u32, a: AdamStep) {
  applyAdam(k, grad[base + k], a);
  grad[base + k] = 0.0;
}

// Adam/AdamW on θ[k] (optimizer.wgsl's adam4 on one lane), its moments kept in moment1/moment2.
fn applyAdam(k: u32, gradient: f32, a: AdamStep) {
  let index = base + k;
  let u = adam4(vec4f(param(k)), vec4f(gradient), vec4f(moment1[index]), vec4f(moment2[index]), a);
  moment1[index] = u.m.x;
  moment2[index] = u.v.x;
  setParam(k, u.value.x);
}

fn addGrad(k: u32, v: f32) { grad[base + k] += v; }

fn loadShared(lid: u32) {
  if (SHARED_PARAMS) {
    for (var k = lid; k < paramCount(); k += WG) { sp[k] = theta[base + k]; }
  }
  workgroupBarrier();
}

fn storeShared(lid: u32) {
  if (SHARED_PARAMS) {
    for (var k = lid; k < paramCount(); k += WG) { theta[base + k] = sp[k]; }
  }
}

@compute @workgroup_size(WG)
fn trainWorkgroup(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_index) lid: u32) {
  let instance = wid.y * settings.rowStride + wid.x;
  // Workgroup-uniform, so every barrier below stays in uniform control flow.
  if (wid.x >= settings.rowStride || instance >= settings.instanceCount) { return; }
  base = instance * paramCount();
  let stream = keys[instance];
  let scale = 2.0 / f32(BATCH);
  loadShared(lid);
  for (var s = 0u; s < settings.stepCount; s++) {
    let step = settings.firstStep + s;
    for (var first = 0u; first < BATCH; first += TILE) {
      let count = min(TILE, BATCH - first);
      forwardHidden(stream, step, first, count, instance, lid);
      for (var i = lid; i < N; i += WG) {
        let weight = scale * features[instance * N + i].y;
        var gb = 0.0;
        for (var t = 0u; t < count; t++) {
          let pre = outputPre(t, i);
          let d = weight * (modelOutput(pre) - modelTarget(xs[t * N + i])) * modelOutputSlope(pre);
          ds[t * N + i] = d;
          gb += d;
        }
        if (MODEL_OUTPUT_BIAS) { addGrad(offsetBias() + i, gb); }
        for (var j = 0u; j < M; j++) {
          var g = 0.0;
          for (var t = 0u; t < count; t++) {
            let d = ds[t * N + i];
            if (d != 0.0) { g += d * hs[t * M + j]; }
          }
          addGrad(indexD(i, j), g);
        }
      }
      workgroupBarrier();
      for (var j = lid; j < M; j += WG) {
        var gbh = 0.0;
        for (var t = 0u; t < count; t++) {
          var u = 0.0;
          for (var i = 0u; i < N; i++) {
            let d = ds[t * N + i];
            if (d != 0.0) { u += param(indexD(i, j)) * d; }
          }
          let dh = u * modelHiddenSlope(hpres[t * M + j]);
          dhs[t * M + j] = dh;
          gbh += dh;
        }
        if (MODEL_HIDDEN_BIAS) { addGrad(offsetHiddenBias() + j, gbh); }
      }
      workgroupBarrier();
      for (var i = lid; i < N; i += WG) {
        for (var j = 0u; j < M; j++) {
          var g = 0.0;
          for (var t = 0u; t < count; t++) {
            let x = xs[t * N + i];
            if (x != 0.0) { g += dhs[t * M + j] * x; }
          }
          addGrad(indexE(j, i), g);
        }
      }
      // The next tile's step 1 overwrites xs only at owned entries, which step 5 alone reads;
      // its step 2 comes after a barrier.
    }
    // Step 4's barrier already separates every read of D from the updates below, and step 5
    // touches only the owner's own gradient entries, so no barrier is needed here.
    // Each owner updates its own entries: feature i's E column, D row and b_i; hidden j's b_h.
    let a = adamStep(step);
    for (var i = lid; i < N; i += WG) {
      for (var j = 0u; j < M; j++) {
        update(indexE(j, i), a);
        if (!MODEL_TIED) { update(indexD(i, j), a); }
      }
      if (MODEL_OUTPUT_BIAS) { update(offsetBias() + i, a); }
    }
    if (MODEL_HIDDEN_BIAS) {
      for (var j = lid; j < M; j += WG) { update(offsetHiddenBias() + j, a); }
    }
    // The next step's forward pass reads entries other invocations just wrote.
    workgroupBarrier();
    storageBarrier();
  }
  storeShared(lid);
}

@compute @workgroup_size(WG)
fn evaluateWorkgroup(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_index) lid: u32) {
  let instance = wid.y * evalSettings.rowStride + wid.x;
  if (wid.x >= evalSettings.rowStride || instance >= evalSettings.instanceCount) { return; }
  base = instance * paramCount();
  let stream = evaluationStream(keys[instance]);
  loadShared(lid);
  for (var first = 0u; first < evalSettings.exampleCount; first += TILE) {
    let count = min(TILE, evalSettings.exampleCount - first);
    forwardHidden(stream, EVAL_STEP, evalSettings.firstExample + first, count, instance, lid);
    for (var i = lid; i < N; i += WG) {
      var se = 0.0;
      for (var t = 0u; t < count; t++) {
        let err = modelOutput(outputPre(t, i)) - modelTarget(xs[t * N + i]);
        se += err * err;
      }
      squaredError[instance * N + i] += se;
    }
    // xs and hs are overwritten by the next tile.
    workgroupBarrier();
  }
}

// ---------------------------------------------------------------------------------------------
// `invocation` layout: one invocation per model, no barriers (the fastest on CPU adapters such as
// SwiftShader, where a barrier costs microseconds, and for many small models). Same arithmetic as
// the workgroup layout with one example per tile; θ stays in the storage buffer, the gradient and
// the per-example arrays are private (n ≤ INV_MAX_N, m ≤ INV_MAX_M, P ≤ INV_MAX_P: a
// read-modify-write of the gradient in storage per example cost 2.5× on SwiftShader).

const INV_MAX_N: u32 = 64u;
const INV_MAX_M: u32 = 64u;
const INV_MAX_P: u32 = 2128u;

struct Example {
  x: array<f32, INV_MAX_N>,
  d: array<f32, INV_MAX_N>,
  hpre: array<f32, INV_MAX_M>,
  h: array<f32, INV_MAX_M>,
}

// Forward pass of one example into ex (x, h_pre, h); returns nothing.
fn forwardInvocation(stream: vec2u, step: u32, example: u32, instance: u32, ex: ptr<function, Example>) {
  for (var i = 0u; i < N; i++) { (*ex).x[i] = dataFeature(stream, step, example, i, features[instance * N + i]); }
  for (var j = 0u; j < M; j++) {
    var s = 0.0;
    if (MODEL_HIDDEN_BIAS) { s = param(offsetHiddenBias() + j); }
    for (var i = 0u; i < N; i++) {
      let x = (*ex).x[i];
      if (x != 0.0) { s += param(indexE(j, i)) * x; }
    }
    (*ex).hpre[j] = s;
    (*ex).h[j] = modelHidden(s);
  }
}

fn outputPreInvocation(i: u32, ex: ptr<function, Example>) -> f32 {
  var s = 0.0;
  if (MODEL_OUTPUT_BIAS) { s = param(offsetBias() + i); }
  for (var j = 0u; j < M; j++) { s += param(indexD(i, j)) * (*ex).h[j]; }
  return s;
}

@compute @workgroup_size(WG)
fn trainInvocation(@builtin(global_invocation_id) gid: vec3u) {
  let instance = gid.y * settings.rowStride + gid.x;
  if (gid.x >= settings.rowStride || instance >= settings.instanceCount) { return; }
  base = instance * paramCount();
  let stream = keys[instance];
  let scale = 2.0 / f32(BATCH);
  var ex = Example();
  var g = array<f32, INV_MAX_P>();
  let P = paramCount();
  for (var s = 0u; s < settings.stepCount; s++) {
    let step = settings.firstStep + s;
    for (var k = 0u; k < P; k++) { g[k] = 0.0; }
    for (var e = 0u; e < BATCH; e++) {
      forwardInvocation(stream, step, e, instance, &ex);
      for (var i = 0u; i < N; i++) {
        let pre = outputPreInvocation(i, &ex);
        let d = scale * features[instance * N + i].y * (modelOutput(pre) - modelTarget(ex.x[i])) * modelOutputSlope(pre);
        ex.d[i] = d;
        if (d != 0.0) {
          if (MODEL_OUTPUT_BIAS) { g[offsetBias() + i] += d; }
          for (var j = 0u; j < M; j++) { g[indexD(i, j)] += d * ex.h[j]; }
        }
      }
      for (var j = 0u; j < M; j++) {
        var u = 0.0;
        for (var i = 0u; i < N; i++) {
          let d = ex.d[i];
          if (d != 0.0) { u += param(indexD(i, j)) * d; }
        }
        let dh = u * modelHiddenSlope(ex.hpre[j]);
        if (MODEL_HIDDEN_BIAS) { g[offsetHiddenBias() + j] += dh; }
        if (dh != 0.0) {
          for (var i = 0u; i < N; i++) {
            let x = ex.x[i];
            if (x != 0.0) { g[indexE(j, i)] += dh * x; }
          }
        }
      }
    }
    let a = adamStep(step);
    for (var k = 0u; k < P; k++) { applyAdam(k, g[k], a); }
  }
}

@compute @workgroup_size(WG)
fn evaluateInvocation(@builtin(global_invocation_id) gid: vec3u) {
  let instance = gid.y * evalSettings.rowStride + gid.x;
  if (gid.x >= evalSettings.rowStride || instance >= evalSettings.instanceCount) { return; }
  base = instance * paramCount();
  let stream = evaluationStream(keys[instance]);
  var ex = Example();
  var se = array<f32, INV_MAX_N>();
  for (var e = 0u; e < evalSettings.exampleCount; e++) {
    forwardInvocation(stream, EVAL_STEP, evalSettings.firstExample + e, instance, &ex);
    for (var i = 0u; i < N; i++) {
      let err = modelOutput(outputPreInvocation(i, &ex)) - modelTarget(ex.x[i]);
      se[i] += err * err;
    }
    // Added to the buffer once per TILE examples (ranges are whole tiles), so the float32 sums do
    // not depend on how the evaluation batch was split into submits.
    if ((e + 1u) % TILE == 0u || e + 1u == evalSettings.exampleCount) {
      for (var i = 0u; i < N; i++) {
        squaredError[instance * N + i] += se[i];
        se[i] = 0.0;
      }
    }
  }
}
