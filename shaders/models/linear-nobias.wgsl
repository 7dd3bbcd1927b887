// Model kind `linear-nobias` (src/science/models/linear-nobias.ts; docs/science.md "Models"): replication 003, x' = WᵀW x.
// Provides the model interface of shaders/autoencoder.wgsl.
const MODEL_TIED: bool = true;
const MODEL_HIDDEN_BIAS: bool = false;
const MODEL_OUTPUT_BIAS: bool = false;
fn modelHidden(pre: f32) -> f32 { return pre; }
fn modelHiddenSlope(pre: f32) -> f32 { return 1.0; }
fn modelOutput(pre: f32) -> f32 { return pre; }
fn modelOutputSlope(pre: f32) -> f32 { return 1.0; }
fn modelTarget(x: f32) -> f32 { return x; }
