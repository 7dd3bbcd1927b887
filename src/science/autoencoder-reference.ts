/**
 * Float64 reference of every model kind on every data kind: the oracle the GPU drivers
 * (shaders/autoencoder.wgsl) are tested against, on the same PRNG data. It knows no kind by name:
 * a kind's structure and activations come from its definition (models/contract.ts), its data
 * from its data definition (data/contract.ts).
 *
 * Per example (see models/contract.ts for the symbols):
 *   h_pre = E x (+ b_h), h = φ_h(h_pre), out_pre = D h (+ b), x' = φ_o(out_pre), t = target(x)
 *   d_i   = 2 I_i (x'_i − t_i) / B · φ_o'(out_pre_i)          (∂loss/∂out_pre)
 *   dh_j  = (Σ_i D_ij d_i) · φ_h'(h_pre_j)                      (∂loss/∂h_pre)
 *   ∂E_ji += dh_j x_i,  ∂D_ij += d_i h_j (tied: both into W_ji),  ∂b_i += d_i,  ∂b_h,j += dh_j
 * Adam/AdamW from optimizer.ts (PyTorch's order), on every parameter.
 */
import { drawFeature, featureInputs, targetVariance, type DataDefinition } from './data/contract.js';
import { activate, parameterCount, slope, targetOf, tensorLayout, type ModelDefinition } from './models/contract.js';
import { EVAL_STEP, evaluationStream, initialNormal, type Stream } from './prng.js';
import { adamStep } from './optimizer.js';
import type { TrainingSettings } from './types.js';

/** One model to train: its kinds, size, training settings, stream and per-feature inputs. */
export interface AutoencoderInstance {
  model: ModelDefinition;
  data: DataDefinition;
  nFeatures: number;
  nHidden: number;
  training: TrainingSettings;
  stream: Stream;
  /** Per-feature inputs, 4n floats ({@link featureInputs}). */
  features: Float32Array;
}

export { featureInputs };

/** θ at initialisation: Xavier-normal matrices (std √(2/(n+m)), tensor index = position in θ), zero biases; float32-rounded. */
export function initialTheta(model: ModelDefinition, stream: Stream, nFeatures: number, nHidden: number): Float64Array {
  const layout = tensorLayout(model, nFeatures, nHidden);
  const theta = new Float64Array(parameterCount(model, nFeatures, nHidden));
  const std = Math.sqrt(2 / (nFeatures + nHidden));
  layout.forEach((t, index) => {
    if (t.init === 'xavier') theta.set(initialNormal(stream, index, t.shape[0], t.shape[1] ?? 1, std), t.offset);
  });
  return theta;
}

/** Offsets of E, D (E's for tied models, transposed), b_h and b in θ; -1 when absent. */
export function offsets(model: ModelDefinition, n: number, m: number): { E: number; D: number; bHidden: number; b: number } {
  const layout = tensorLayout(model, n, m);
  const at = (name: string): number => layout.find((t) => t.name === name)?.offset ?? -1;
  const E = at(model.tied ? 'W' : 'W1');
  return { E, D: model.tied ? E : at('W2'), bHidden: at('bHidden'), b: at('b') };
}

interface Workspace {
  x: Float64Array;
  hPre: Float64Array;
  h: Float64Array;
  outPre: Float64Array;
  out: Float64Array;
  d: Float64Array;
  dh: Float64Array;
}

function workspace(n: number, m: number): Workspace {
  return { x: new Float64Array(n), hPre: new Float64Array(m), h: new Float64Array(m), outPre: new Float64Array(n), out: new Float64Array(n), d: new Float64Array(n), dh: new Float64Array(m) };
}

/** Draws one example into ws.x. */
export function drawExample(inst: AutoencoderInstance, stream: Stream, step: number, example: number, x: Float64Array): void {
  for (let i = 0; i < inst.nFeatures; i++) x[i] = drawFeature(inst.data, stream, step, example, i, inst.features);
}

/** D_ij (decoder entry: feature i from hidden unit j). */
function decoder(model: ModelDefinition, theta: ArrayLike<number>, o: { D: number }, n: number, m: number, i: number, j: number): number {
  return model.tied ? theta[o.D + j * n + i]! : theta[o.D + i * m + j]!;
}

/** Forward pass of ws.x into ws (h_pre, h, out_pre, out). */
export function forward(inst: AutoencoderInstance, theta: ArrayLike<number>, ws: Workspace): void {
  const { model, nFeatures: n, nHidden: m } = inst;
  const o = offsets(model, n, m);
  for (let j = 0; j < m; j++) {
    let s = o.bHidden >= 0 ? theta[o.bHidden + j]! : 0;
    for (let i = 0; i < n; i++) s += theta[o.E + j * n + i]! * ws.x[i]!;
    ws.hPre[j] = s;
    ws.h[j] = activate(model.hiddenActivation, s);
  }
  for (let i = 0; i < n; i++) {
    let s = o.b >= 0 ? theta[o.b + i]! : 0;
    for (let j = 0; j < m; j++) s += decoder(model, theta, o, n, m, i, j) * ws.h[j]!;
    ws.outPre[i] = s;
    ws.out[i] = activate(model.outputActivation, s);
  }
}

/**
 * Loss and gradient of the batch of step `step` (training.batchSize examples) at θ.
 * @param gradient output, length P (overwritten)
 * @returns (1/B) Σ_e Σ_i I_i (t_i − x'_i)²
 */
export function batchLossGradient(inst: AutoencoderInstance, theta: ArrayLike<number>, step: number, gradient: Float64Array, ws: Workspace = workspace(inst.nFeatures, inst.nHidden)): number {
  const { model, nFeatures: n, nHidden: m } = inst;
  const B = inst.training.batchSize;
  const o = offsets(model, n, m);
  const I = inst.features;
  let loss = 0;
  gradient.fill(0);
  for (let e = 0; e < B; e++) {
    drawExample(inst, inst.stream, step, e, ws.x);
    forward(inst, theta, ws);
    for (let i = 0; i < n; i++) {
      const err = ws.out[i]! - targetOf(model, ws.x[i]!);
      loss += I[i * 4 + 1]! * err * err;
      ws.d[i] = ((2 * I[i * 4 + 1]!) / B) * err * slope(model.outputActivation, ws.outPre[i]!);
      if (o.b >= 0) gradient[o.b + i] = gradient[o.b + i]! + ws.d[i]!;
    }
    for (let j = 0; j < m; j++) {
      let s = 0;
      for (let i = 0; i < n; i++) s += decoder(model, theta, o, n, m, i, j) * ws.d[i]!;
      ws.dh[j] = s * slope(model.hiddenActivation, ws.hPre[j]!);
      if (o.bHidden >= 0) gradient[o.bHidden + j] = gradient[o.bHidden + j]! + ws.dh[j]!;
    }
    for (let j = 0; j < m; j++) {
      for (let i = 0; i < n; i++) {
        const k = o.E + j * n + i;
        gradient[k] = gradient[k]! + ws.dh[j]! * ws.x[i]!;
        const kd = model.tied ? k : o.D + i * m + j;
        gradient[kd] = gradient[kd]! + ws.d[i]! * ws.h[j]!;
      }
    }
  }
  return loss / B;
}

/** Trains one model for `steps` steps (default all) from its initialisation; returns θ (float64). */
export function trainAutoencoderReference(inst: AutoencoderInstance, steps = inst.training.steps): Float64Array {
  const { nFeatures: n, nHidden: m } = inst;
  const theta = initialTheta(inst.model, inst.stream, n, m);
  const P = theta.length;
  const m1 = new Float64Array(P);
  const m2 = new Float64Array(P);
  const g = new Float64Array(P);
  const ws = workspace(n, m);
  for (let step = 0; step < steps; step++) {
    batchLossGradient(inst, theta, step, g, ws);
    adamStep(inst.training, step, theta, g, m1, m2);
  }
  return theta;
}

/**
 * Loss, per-feature mean squared error and benefit 1 − MSE_i / Var(t_i) on the evaluation batch
 * (the point's evaluation stream at EVAL_STEP, examples 0 … evalBatchSize − 1).
 */
export function evaluateAutoencoderReference(inst: AutoencoderInstance, theta: ArrayLike<number>, evalBatchSize: number): { loss: number; meanSquaredError: Float64Array; benefit: Float64Array } {
  const { model, nFeatures: n, nHidden: m } = inst;
  const ws = workspace(n, m);
  const se = new Float64Array(n);
  const stream = evaluationStream(inst.stream);
  for (let e = 0; e < evalBatchSize; e++) {
    drawExample(inst, stream, EVAL_STEP, e, ws.x);
    forward(inst, theta, ws);
    for (let i = 0; i < n; i++) se[i] = se[i]! + (ws.out[i]! - targetOf(model, ws.x[i]!)) ** 2;
  }
  return summariseEvaluation(inst, se, evalBatchSize);
}

/** Loss and benefit from per-feature summed squared errors over `count` examples. */
export function summariseEvaluation(inst: Pick<AutoencoderInstance, 'model' | 'data' | 'features' | 'nFeatures'>, squaredErrorSum: ArrayLike<number>, count: number): { loss: number; meanSquaredError: Float64Array; benefit: Float64Array } {
  const n = inst.nFeatures;
  const meanSquaredError = new Float64Array(n);
  const benefit = new Float64Array(n);
  let loss = 0;
  for (let i = 0; i < n; i++) {
    const mse = squaredErrorSum[i]! / count;
    meanSquaredError[i] = mse;
    loss += inst.features[i * 4 + 1]! * mse;
    benefit[i] = 1 - mse / targetVariance(inst.data, inst.model.target, inst.features[i * 4]!);
  }
  return { loss, meanSquaredError, benefit };
}
