// Model kind `abs` (src/science/models/abs.ts; docs/science.md "Models"): untied W1 [m, n], W2 [n, m]; h = ReLU(W1 x), y' = ReLU(W2 h + b), target |x|.
// Provides the model interface of shaders/autoencoder.wgsl.
const MODEL_TIED: bool = false;
const MODEL_HIDDEN_BIAS: bool = false;
const MODEL_OUTPUT_BIAS: bool = true;
fn modelHidden(pre: f32) -> f32 { return max(pre, 0.0); }
fn modelHiddenSlope(pre: f32) -> f32 { return select(0.0, 1.0, pre > 0.0); }
fn modelOutput(pre: f32) -> f32 { return max(pre, 0.0); }
fn modelOutputSlope(pre: f32) -> f32 { return select(0.0, 1.0, pre > 0.0); }
fn modelTarget(x: f32) -> f32 { return abs(x); }
