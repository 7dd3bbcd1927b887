/**
 * Float64 CPU reference trainer: exactly the math of shaders/train.wgsl and shaders/evaluate.wgsl
 * (same PRNG data, same forward, backward, Adam/AdamW with weight decay on W and b, same schedules),
 * in double precision. The GPU tests use it as the oracle; it also serves as a slow fallback for
 * tiny sweeps (about 3–5 million samples/s single-threaded).
 *
 * Model (docs/science.md "Models"): h = W x, x' = ReLU(Wᵀh + b) (`linear`: x' = Wᵀh + b).
 * Loss: (1/B) Σ_e Σ_i I_i (x_i − x'_i)².
 */
import { adamStep } from './optimizer.js';
import { draw, EVAL_STEP, evaluationStream, featureFromWord, initialW, modelStream, type Stream } from './prng.js';
import type { ModelKind, ModelSet, TrainingSettings } from './types.js';

/** One model's parameters, float64. W row-major m × n (W[j * n + i]); b length n. */
export interface ReferenceModel {
  W: Float64Array;
  b: Float64Array;
}

/** What one reference model needs: the ModelSet's shared settings plus this instance's vectors. */
export interface ReferenceInstance {
  model: ModelKind;
  nFeatures: number;
  nHidden: number;
  training: TrainingSettings;
  /** modelStream(baseSeed, gridIndex, seedIndex) */
  stream: Stream;
  /** p_i, length n */
  featureProbability: ArrayLike<number>;
  /** I_i, length n */
  importance: ArrayLike<number>;
}

/** The reference description of instance `instance` (= pointIndex * seeds + seedIndex) of a ModelSet. */
export function referenceInstance(set: ModelSet, instance: number): ReferenceInstance {
  const point = set.points[Math.floor(instance / set.seeds)];
  if (!point) throw new RangeError(`instance ${instance} is out of range [0, ${set.points.length * set.seeds})`);
  return {
    model: set.model,
    nFeatures: set.nFeatures,
    nHidden: set.nHidden,
    training: set.training,
    stream: modelStream(set.baseSeed, point.index, instance % set.seeds),
    featureProbability: point.featureProbability,
    importance: point.importance,
  };
}

export { scheduleFactor } from './optimizer.js';

const scratch = new Uint32Array(4);

/** Draws example `example` of step `step` into x (length n), as the kernels do. */
function drawExample(stream: Stream, step: number, example: number, p: Float64Array, x: Float64Array): void {
  const n = x.length;
  for (let i = 0; i < n; i += 4) {
    const r = draw(stream, step, example, i >>> 2, scratch);
    for (let k = 0; k < 4 && i + k < n; k++) x[i + k] = featureFromWord(r[k]!, p[i + k]!);
  }
}

/**
 * Forward pass for one example: fills h (length m) and out (length n), returns nothing.
 * `pre` receives Wᵀh + b (length n).
 */
function forward(model: ModelKind, W: Float64Array, b: Float64Array, x: Float64Array, h: Float64Array, pre: Float64Array, out: Float64Array): void {
  const n = x.length;
  const m = h.length;
  for (let j = 0; j < m; j++) {
    let s = 0;
    for (let i = 0; i < n; i++) s += W[j * n + i]! * x[i]!;
    h[j] = s;
  }
  for (let i = 0; i < n; i++) {
    let s = b[i]!;
    for (let j = 0; j < m; j++) s += W[j * n + i]! * h[j]!;
    pre[i] = s;
    out[i] = model === 'linear' ? s : Math.max(s, 0);
  }
}

/** Reusable work arrays for {@link batchGradient}. */
interface Workspace {
  x: Float64Array;
  h: Float64Array;
  pre: Float64Array;
  out: Float64Array;
  d: Float64Array;
  p: Float64Array;
  I: Float64Array;
}

function workspace(inst: ReferenceInstance): Workspace {
  const { nFeatures: n, nHidden: m } = inst;
  return {
    x: new Float64Array(n),
    h: new Float64Array(m),
    pre: new Float64Array(n),
    out: new Float64Array(n),
    d: new Float64Array(n),
    // The kernels hold p and I in float32: round them the same way.
    p: Float64Array.from(inst.featureProbability, (v) => Math.fround(v)),
    I: Float64Array.from(inst.importance, (v) => Math.fround(v)),
  };
}

/**
 * Loss and gradient of one training step's batch (the batch of step `step`, batchSize examples)
 * at parameters θ = (W row-major m × n, then b), as train.wgsl computes them.
 * @param theta length m·n + n
 * @param gradient output, length m·n + n (overwritten)
 * @returns the batch loss (1/B) Σ_e Σ_i I_i (x_i − x'_i)²
 */
export function batchGradient(inst: ReferenceInstance, theta: Float64Array, step: number, gradient: Float64Array, ws: Workspace = workspace(inst)): number {
  const { nFeatures: n, nHidden: m, stream, model } = inst;
  const B = inst.training.batchSize;
  const W = theta.subarray(0, m * n);
  const b = theta.subarray(m * n);
  const { x, h, pre, out, d, p, I } = ws;
  const scale = 2 / B;
  let loss = 0;
  gradient.fill(0);
  for (let e = 0; e < B; e++) {
    drawExample(stream, step, e, p, x);
    forward(model, W, b, x, h, pre, out);
    for (let i = 0; i < n; i++) {
      const err = out[i]! - x[i]!;
      loss += I[i]! * err * err;
      const passes = model === 'linear' || pre[i]! > 0;
      d[i] = passes ? scale * I[i]! * err : 0;
      gradient[m * n + i] = gradient[m * n + i]! + d[i]!;
    }
    for (let j = 0; j < m; j++) {
      let wd = 0;
      for (let i = 0; i < n; i++) wd += W[j * n + i]! * d[i]!;
      for (let i = 0; i < n; i++) gradient[j * n + i] = gradient[j * n + i]! + d[i]! * h[j]! + x[i]! * wd;
    }
  }
  return loss / B;
}

/**
 * Trains one model from its Xavier-normal start for `steps` steps (default: all of
 * training.steps) and returns W and b in float64.
 */
export function trainReference(inst: ReferenceInstance, steps = inst.training.steps): ReferenceModel {
  const { nFeatures: n, nHidden: m, training: t, stream } = inst;
  const P = m * n + n;
  const theta = new Float64Array(P);
  theta.set(initialW(stream, n, m));
  const m1 = new Float64Array(P);
  const m2 = new Float64Array(P);
  const g = new Float64Array(P);
  const ws = workspace(inst);
  for (let step = 0; step < steps; step++) {
    batchGradient(inst, theta, step, g, ws);
    adamStep(t, step, theta, g, m1, m2);
  }
  return { W: theta.slice(0, m * n), b: theta.slice(m * n) };
}

/** Loss and per-feature benefit of a model on the evaluation batch (step EVAL_STEP), as evaluate.wgsl. */
export function evaluateReference(inst: ReferenceInstance, params: ReferenceModel, evalBatchSize: number): { loss: number; benefit: Float64Array; meanSquaredError: Float64Array } {
  const { nFeatures: n, nHidden: m, stream, model } = inst;
  const evalStream = evaluationStream(stream);
  const p = Float64Array.from(inst.featureProbability, (v) => Math.fround(v));
  const I = Float64Array.from(inst.importance, (v) => Math.fround(v));
  const x = new Float64Array(n);
  const h = new Float64Array(m);
  const pre = new Float64Array(n);
  const out = new Float64Array(n);
  const se = new Float64Array(n);
  for (let e = 0; e < evalBatchSize; e++) {
    drawExample(evalStream, EVAL_STEP, e, p, x);
    forward(model, params.W, params.b, x, h, pre, out);
    for (let i = 0; i < n; i++) se[i] = se[i]! + (out[i]! - x[i]!) ** 2;
  }
  let loss = 0;
  const benefit = new Float64Array(n);
  const meanSquaredError = se.map((v) => v / evalBatchSize);
  for (let i = 0; i < n; i++) {
    loss += I[i]! * meanSquaredError[i]!;
    benefit[i] = 1 - meanSquaredError[i]! / (p[i]! / 3 - (p[i]! * p[i]!) / 4);
  }
  return { loss, benefit, meanSquaredError };
}
