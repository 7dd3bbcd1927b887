// `workgroup-registers` layout: training of any model kind on any data kind, one workgroup per
// model, each invocation holding its share of θ in registers for the whole dispatch. Owner:
// src/engine/workgroup-registers.ts, which writes each line marked `// each j`, `// each b` or
// `// each j b` once per hidden unit j (J becomes the number), per block b (B) or per pair (j
// outer), sets MC, KB and WGC, and keeps lines marked `tied` or `untied` only for models of that
// kind. A pipeline's source is prng.wgsl + optimizer.wgsl + one model module + theta.wgsl (θ's
// layout: offsets, indexE, indexD) + one data module + this file expanded; evaluation uses
// autoencoder.wgsl's evaluateWorkgroup on the θ written back.
//
// Why: on CPU adapters every array access at an index the compiler cannot see as a constant is a
// gather (docs/platform.md), so autoencoder.wgsl's loops over θ cost two gathers per multiply-add.
// Here invocation l owns KB blocks of four features, features 4 KB l … 4 KB (l+1) − 1 (one vec4 per
// hidden unit j and block b of each tensor: E's row j and D's column j restricted to the block),
// and every per-example line indexes them by constants. At the start of each step:
//   0. x of example 0; part_f[l, j] = Σ_b E[j, block b] · x_b                      (barrier)
//      owners of j: h_pre_j = Σ_l part_f[l, j] (+ b_h,j) in ascending l; h_j = φ_h(h_pre_j)  (barrier)
// then per example t:
//   1. per block: out_pre = b + Σ_j D[block, j] h_j in ascending j;
//      d = 2 I (x' − t)/B · φ_o'(out_pre); ∂b += d; x⁺ of example t + 1;
//      part_b[l, j] = Σ_b D[block b, j] · d_b; part_f[l, j] = Σ_b E[j, block b] · x⁺_b   (barrier)
//   2. owners of j: dh_j = (Σ_l part_b[l, j]) φ_h'(h_pre_j); ∂b_h,j += dh_j;
//      h_pre_j, h_j of example t + 1 from part_f as in 0                             (barrier)
//   3. tied: ∂E[j, block] += d h_j + dh_j x; untied: ∂D[block, j] += d h_j, ∂E[j, block] += dh_j x
// θ is fixed within a step, so example t's backward sums and example t + 1's forward sums share
// one pair of barriers (two per example, not four) and, for tied models, one pass over E; the last
// example of a step draws and sums one example past the batch and discards it. h and dh are the
// same sums as with one example at a time; ∂E adds d h_j + dh_j x as one term per example.
// After the batch, Adam/AdamW on each owner's entries (moments in storage). The sums group
// features by four and then by invocation, so θ differs from the workgroup layout's in the last
// bits; it depends only on n, m and the kinds, never on how many models a dispatch holds.
// Buffers as autoencoder.wgsl: theta/moment1/moment2 [instance · P + k] (θ layout:
// src/science/models/contract.ts), features [instance · N + i] = (p_i, I_i, leader_i, lower_i),
// keys [instance] = stream words.

override N: u32 = 5u;          // nFeatures
override M: u32 = 2u;          // nHidden
override BATCH: u32 = 1024u;   // training examples per step
override WG: u32 = 2u;         // invocations per workgroup: ⌈N / (4 KB)⌉
override ADAMW: bool = true;   // AdamW (decoupled decay) instead of Adam with an L2 term
override SCHEDULE: u32 = 0u;   // 0 constant, 1 linear, 2 cosine (the notebook's formulas)

// Set by the generator: m and the blocks of four features per invocation (they size the private
// arrays, which WGSL sizes by constants only) and ⌈n / (4 KB)⌉. J and B stand for the hidden unit
// and the block of a written-out line.
const MC: u32 = 2u;
const KB: u32 = 1u;
const FB: u32 = 4u * KB;   // features per invocation
const WGC: u32 = 2u;
const J: u32 = 0u;
const B: u32 = 0u;

@group(0) @binding(1) var<storage, read> keys: array<vec2u>;
@group(0) @binding(2) var<storage, read> features: array<vec4f>;
@group(0) @binding(3) var<storage, read_write> theta: array<f32>;
@group(0) @binding(4) var<storage, read_write> moment1: array<f32>;
@group(0) @binding(5) var<storage, read_write> moment2: array<f32>;

// [l · MC + j]: an example's backward sums; [FORWARD + l · MC + j]: the next example's forward sums.
var<workgroup> part: array<f32, 2u * WGC * MC>;
const FORWARD: u32 = WGC * MC;
var<workgroup> hs: array<f32, MC>;
var<workgroup> hpres: array<f32, MC>;
var<workgroup> dhs: array<f32, MC>;
var<workgroup> bh: array<f32, MC>;           // b_h, owned by the owners of j
var<workgroup> gbh: array<f32, MC>;          // ∂b_h

var<private> base: u32;

// Four entries of θ, or of a moment buffer (which = 0, 1, 2), at k0 + stride · k for features
// first … first+3; features ≥ N read as 0 and are never written.
fn load4(which: u32, k0: u32, stride: u32, first: u32) -> vec4f {
  var r = vec4f(0.0);
  for (var k = 0u; k < 4u; k++) {
    if (first + k < N) {
      let index = base + k0 + stride * k;
      if (which == 0u) { r[k] = theta[index]; } else if (which == 1u) { r[k] = moment1[index]; } else { r[k] = moment2[index]; }
    }
  }
  return r;
}

fn store4(which: u32, k0: u32, stride: u32, first: u32, v: vec4f) {
  for (var k = 0u; k < 4u; k++) {
    if (first + k < N) {
      let index = base + k0 + stride * k;
      if (which == 0u) { theta[index] = v[k]; } else if (which == 1u) { moment1[index] = v[k]; } else { moment2[index] = v[k]; }
    }
  }
}

// Adam/AdamW on four entries (optimizer.wgsl's adam4) whose moments sit at k0 + stride · k.
fn adamFour(k0: u32, stride: u32, first: u32, value: vec4f, gradient: vec4f, a: AdamStep) -> vec4f {
  let u = adam4(value, gradient, load4(1u, k0, stride, first), load4(2u, k0, stride, first), a);
  store4(1u, k0, stride, first, u.m);
  store4(2u, k0, stride, first, u.v);
  return u.value;
}

// x of features first … first+3, whose inputs are f[4 blockIndex … 4 blockIndex + 3].
fn dataFour(stream: vec2u, step: u32, example: u32, first: u32, f: array<vec4f, FB>, blockIndex: u32) -> vec4f {
  return vec4f(dataFeature(stream, step, example, first, f[4u * blockIndex]), dataFeature(stream, step, example, first + 1u, f[4u * blockIndex + 1u]),
               dataFeature(stream, step, example, first + 2u, f[4u * blockIndex + 2u]), dataFeature(stream, step, example, first + 3u, f[4u * blockIndex + 3u]));
}

fn outputFour(pre: vec4f) -> vec4f { return vec4f(modelOutput(pre.x), modelOutput(pre.y), modelOutput(pre.z), modelOutput(pre.w)); }
fn outputSlopeFour(pre: vec4f) -> vec4f { return vec4f(modelOutputSlope(pre.x), modelOutputSlope(pre.y), modelOutputSlope(pre.z), modelOutputSlope(pre.w)); }
fn targetFour(x: vec4f) -> vec4f { return vec4f(modelTarget(x.x), modelTarget(x.y), modelTarget(x.z), modelTarget(x.w)); }

// Σ_l part[offset + l · MC + j], ascending l (offset 0: the backward sums, FORWARD: the forward ones).
fn partSum(offset: u32, j: u32) -> f32 {
  var s = 0.0;
  for (var l = 0u; l < WG; l++) { s += part[offset + l * MC + j]; }
  return s;
}

// Owner of hidden unit j: h_pre_j and h_j of the example whose forward sums are in part.
fn storeHidden(j: u32) {
  let h = bh[j] + partSum(FORWARD, j);
  hpres[j] = h;
  hs[j] = modelHidden(h);
}

@compute @workgroup_size(WG)
fn trainWorkgroupRegisters(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_index) lid: u32) {
  let instance = wid.y * settings.rowStride + wid.x;
  // Workgroup-uniform, so every barrier below stays in uniform control flow.
  if (wid.x >= settings.rowStride || instance >= settings.instanceCount) { return; }
  base = instance * paramCount();
  let stream = keys[instance];
  let first = 4u * KB * lid;
  var f = array<vec4f, FB>();
  for (var k = 0u; k < 4u * KB; k++) {
    if (first + k < N) { f[k] = features[instance * N + first + k]; }
  }
  var weight = array<vec4f, KB>();
  weight[B] = 2.0 / f32(BATCH) * vec4f(f[4u * B].y, f[4u * B + 1u].y, f[4u * B + 2u].y, f[4u * B + 3u].y); // each b
  // [j · KB + b]: hidden unit j, block b.
  var e = array<vec4f, MC * KB>();
  var d = array<vec4f, MC * KB>();
  var ge = array<vec4f, MC * KB>();
  var gd = array<vec4f, MC * KB>();
  e[J * KB + B] = load4(0u, indexE(J, first + 4u * B), 1u, first + 4u * B); // each j b
  d[J * KB + B] = load4(0u, indexD(first + 4u * B, J), M, first + 4u * B); // each j b untied
  var bias = array<vec4f, KB>();
  var gb = array<vec4f, KB>();
  if (MODEL_OUTPUT_BIAS) {
    bias[B] = load4(0u, offsetBias() + first + 4u * B, 1u, first + 4u * B); // each b
  }
  for (var j = lid; j < M; j += WG) {
    bh[j] = 0.0;
    if (MODEL_HIDDEN_BIAS) { bh[j] = theta[base + offsetHiddenBias() + j]; }
    gbh[j] = 0.0;
  }
  var x = array<vec4f, KB>();
  var xn = array<vec4f, KB>();
  var pre = array<vec4f, KB>();
  var delta = array<vec4f, KB>();
  var acc = array<f32, MC>();
  var accn = array<f32, MC>();
  // h and dh copied from workgroup memory once per example: each line that read hs[J] or dhs[J]
  // directly paid a workgroup-memory load (D2 on dawn.node: about +10 % with the copies).
  var hl = array<f32, MC>();
  var dl = array<f32, MC>();
  for (var s = 0u; s < settings.stepCount; s++) {
    let step = settings.firstStep + s;
    // Example 0's hidden sums; each pass of the loop below then sums example t's backward pass
    // and example t + 1's forward pass together (θ is fixed within a step), so one pass over E and
    // one pair of barriers serve both. The last pass draws and sums one example past the batch and
    // discards it.
    x[B] = dataFour(stream, step, 0u, first + 4u * B, f, B); // each b
    accn[J] = 0.0; // each j
    accn[J] += dot(e[J * KB + B], x[B]); // each j b
    part[FORWARD + lid * MC + J] = accn[J]; // each j
    workgroupBarrier();
    for (var j = lid; j < M; j += WG) { storeHidden(j); }
    workgroupBarrier();
    for (var example = 0u; example < BATCH; example++) {
      hl[J] = hs[J]; // each j
      pre[B] = bias[B]; // each b
      pre[B] += e[J * KB + B] * hl[J]; // each j b tied
      pre[B] += d[J * KB + B] * hl[J]; // each j b untied
      delta[B] = weight[B] * (outputFour(pre[B]) - targetFour(x[B])) * outputSlopeFour(pre[B]); // each b
      gb[B] += delta[B]; // each b
      xn[B] = dataFour(stream, step, example + 1u, first + 4u * B, f, B); // each b
      acc[J] = 0.0; // each j
      accn[J] = 0.0; // each j
      { let w = e[J * KB + B]; acc[J] += dot(w, delta[B]); accn[J] += dot(w, xn[B]); } // each j b tied
      acc[J] += dot(d[J * KB + B], delta[B]); // each j b untied
      accn[J] += dot(e[J * KB + B], xn[B]); // each j b untied
      part[lid * MC + J] = acc[J]; // each j
      part[FORWARD + lid * MC + J] = accn[J]; // each j
      workgroupBarrier();
      for (var j = lid; j < M; j += WG) {
        let dh = partSum(0u, j) * modelHiddenSlope(hpres[j]);
        dhs[j] = dh;
        gbh[j] += dh;
        storeHidden(j);
      }
      workgroupBarrier();
      dl[J] = dhs[J]; // each j
      ge[J * KB + B] += delta[B] * hl[J] + dl[J] * x[B]; // each j b tied
      gd[J * KB + B] += delta[B] * hl[J]; // each j b untied
      ge[J * KB + B] += dl[J] * x[B]; // each j b untied
      x[B] = xn[B]; // each b
    }
    let a = adamStep(step);
    e[J * KB + B] = adamFour(indexE(J, first + 4u * B), 1u, first + 4u * B, e[J * KB + B], ge[J * KB + B], a); // each j b
    d[J * KB + B] = adamFour(indexD(first + 4u * B, J), M, first + 4u * B, d[J * KB + B], gd[J * KB + B], a); // each j b untied
    ge[J * KB + B] = vec4f(0.0); // each j b
    gd[J * KB + B] = vec4f(0.0); // each j b untied
    if (MODEL_OUTPUT_BIAS) {
      bias[B] = adamFour(offsetBias() + first + 4u * B, 1u, first + 4u * B, bias[B], gb[B], a); // each b
    }
    gb[B] = vec4f(0.0); // each b
    if (MODEL_HIDDEN_BIAS) {
      for (var j = lid; j < M; j += WG) {
        let k = base + offsetHiddenBias() + j;
        let u = adam4(vec4f(bh[j]), vec4f(gbh[j]), vec4f(moment1[k]), vec4f(moment2[k]), a);
        moment1[k] = u.m.x;
        moment2[k] = u.v.x;
        bh[j] = u.value.x;
        gbh[j] = 0.0;
      }
    }
    // b_h and ∂b_h are read and written by their owners only, so no barrier is needed here.
  }
  store4(0u, indexE(J, first + 4u * B), 1u, first + 4u * B, e[J * KB + B]); // each j b
  store4(0u, indexD(first + 4u * B, J), M, first + 4u * B, d[J * KB + B]); // each j b untied
  if (MODEL_OUTPUT_BIAS) {
    store4(0u, offsetBias() + first + 4u * B, 1u, first + 4u * B, bias[B]); // each b
  }
  if (MODEL_HIDDEN_BIAS) {
    for (var j = lid; j < M; j += WG) { theta[base + offsetHiddenBias() + j] = bh[j]; }
  }
}
