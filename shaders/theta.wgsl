// θ layout of one model for the generic drivers (autoencoder.wgsl, workgroup-registers.wgsl), the
// layout src/science/models/contract.ts defines: E [m, n] ("W" or "W1"), D [n, m] ("W2", untied
// only), b_h [m] (with a hidden bias), b [n] (with an output bias), each row-major. Prepended after
// the model module; uses the including driver's overrides N and M and the model's MODEL_* constants.

fn offsetD() -> u32 { return select(M * N, 0u, MODEL_TIED); }
fn offsetHiddenBias() -> u32 { return select(2u * M * N, M * N, MODEL_TIED); }
fn offsetBias() -> u32 { return offsetHiddenBias() + select(0u, M, MODEL_HIDDEN_BIAS); }
fn paramCount() -> u32 { return offsetBias() + select(0u, N, MODEL_OUTPUT_BIAS); }

// θ index of E_ji (encoder: hidden j from feature i) and of D_ij (decoder: feature i from hidden j;
// E_ji itself for tied models).
fn indexE(j: u32, i: u32) -> u32 { return j * N + i; }
fn indexD(i: u32, j: u32) -> u32 { return select(offsetD() + i * M + j, j * N + i, MODEL_TIED); }
