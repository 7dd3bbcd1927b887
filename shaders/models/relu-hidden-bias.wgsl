// Model kind `relu-hidden-bias` (src/science/models/relu-hidden-bias.ts; docs/science.md "Models"): replication 000, x' = Wᵀ ReLU(W x + b_h).
// Provides the model interface of shaders/autoencoder.wgsl.
const MODEL_TIED: bool = true;
const MODEL_HIDDEN_BIAS: bool = true;
const MODEL_OUTPUT_BIAS: bool = false;
fn modelHidden(pre: f32) -> f32 { return max(pre, 0.0); }
fn modelHiddenSlope(pre: f32) -> f32 { return select(0.0, 1.0, pre > 0.0); }
fn modelOutput(pre: f32) -> f32 { return pre; }
fn modelOutputSlope(pre: f32) -> f32 { return 1.0; }
fn modelTarget(x: f32) -> f32 { return x; }
