// Optimiser shared by every training driver (train.wgsl, autoencoder.wgsl): their `Settings`
// uniform at binding 0 (written by src/engine/train-kernel.ts trainSettings), the notebook's
// learning-rate schedules and Adam/AdamW in PyTorch's order. Mirrored in float64 by
// src/science/optimizer.ts.
// Expects from the including driver: overrides SCHEDULE (0 constant, 1 linear, 2 cosine) and
// ADAMW (bool).

struct Settings {
  instanceCount: u32,
  firstStep: u32,      // global index of the first step in this dispatch
  stepCount: u32,      // steps in this dispatch
  totalSteps: u32,     // T, for the schedule
  learningRate: f32,
  beta1: f32,
  beta2: f32,
  epsilon: f32,
  weightDecay: f32,
  rowStride: u32,      // instances per dispatch row (2-D dispatch when > 65535 workgroups)
}

@group(0) @binding(0) var<uniform> settings: Settings;

fn scheduleFactor(step: u32) -> f32 {
  let t = f32(step);
  let T = f32(settings.totalSteps);
  if (SCHEDULE == 1u) { return 1.0 - t / T; }
  if (SCHEDULE == 2u) { return select(cos(1.5707963267948966 * t / (T - 1.0)), 1.0, settings.totalSteps <= 1u); }
  return 1.0;
}

// The step-dependent factors of Adam at global step `step` (0-based): the scheduled learning rate
// and the bias corrections 1 − β^t, computed once per step for every parameter.
struct AdamStep {
  lr: f32,
  bc1: f32,
  bc2: f32,
}

fn adamStep(step: u32) -> AdamStep {
  let t = f32(step + 1u);
  return AdamStep(settings.learningRate * scheduleFactor(step), 1.0 - pow(settings.beta1, t), 1.0 - pow(settings.beta2, t));
}

struct Moments4 {
  value: vec4f,
  m: vec4f,
  v: vec4f,
}

// Adam/AdamW on four parameters with moments m0, v0. PyTorch's order: decoupled decay first,
// then the bias-corrected moment step. Every layout's update goes through here.
fn adam4(value: vec4f, gradient: vec4f, m0: vec4f, v0: vec4f, a: AdamStep) -> Moments4 {
  var p = value;
  var g = gradient;
  if (ADAMW) {
    p = p * (1.0 - a.lr * settings.weightDecay);
  } else {
    g = g + settings.weightDecay * p;
  }
  let m = settings.beta1 * m0 + (1.0 - settings.beta1) * g;
  let v = settings.beta2 * v0 + (1.0 - settings.beta2) * g * g;
  return Moments4(p - a.lr * (m / a.bc1) / (sqrt(v / a.bc2) + settings.epsilon), m, v);
}

