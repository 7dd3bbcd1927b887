// Model kind `relu` (src/science/models/relu.ts; docs/science.md "Models"): h = W x, x' = ReLU(Wᵀh + b).
// Provides the model interface of shaders/autoencoder.wgsl.
const MODEL_TIED: bool = true;
const MODEL_HIDDEN_BIAS: bool = false;
const MODEL_OUTPUT_BIAS: bool = true;
fn modelHidden(pre: f32) -> f32 { return pre; }
fn modelHiddenSlope(pre: f32) -> f32 { return 1.0; }
fn modelOutput(pre: f32) -> f32 { return max(pre, 0.0); }
fn modelOutputSlope(pre: f32) -> f32 { return select(0.0, 1.0, pre > 0.0); }
fn modelTarget(x: f32) -> f32 { return x; }
