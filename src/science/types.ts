/**
 * Resolved types shared by every layer. The user-facing JSON format is `SweepSpec` in `spec.ts`
 * (validated with zod); `resolveSpec` turns it into a {@link ModelSet}, which is what the engine and
 * the CPU reference train.
 */

import type { DataKindName } from './data/index.js';
import type { ModelKindName } from './models/index.js';

/** Model kinds (docs/science.md "Models"; the registry in src/science/models). */
export type ModelKind = ModelKindName;
/** Data kinds (docs/science.md "Data"; the registry in src/science/data). */
export type DataKind = DataKindName;
export type Optimizer = 'adamw' | 'adam';
export type Schedule = 'constant' | 'linear' | 'cosine';

/** Training settings, fully defaulted (the notebook's defaults: docs/science.md "Training defaults"). */
export interface TrainingSettings {
  /** Optimiser steps. */
  steps: number;
  /** Examples per step. */
  batchSize: number;
  /** Peak learning rate (the schedule multiplies it). */
  learningRate: number;
  /** `adamw`: decoupled weight decay (PyTorch AdamW); `adam`: L2 term added to the gradient (PyTorch Adam). */
  optimizer: Optimizer;
  /** Applied to W and b. */
  weightDecay: number;
  /** lr factor at step t of T: constant 1; linear 1 − t/T; cosine cos(π/2 · t/(T−1)) (the notebook's). */
  schedule: Schedule;
  beta1: number;
  beta2: number;
  epsilon: number;
}

/** One point of the sweep grid: one (x, y) pair of axis values and the per-feature vectors it implies. */
export interface GridPoint {
  /** Row-major grid index: index = yIndex * xCount + xIndex. */
  index: number;
  xIndex: number;
  yIndex: number;
  /** The x axis' value at this point (the swept parameter's scalar: p, or r for importance). */
  xValue: number;
  yValue: number;
  /** p_i = 1 − S_i per feature, each in (0, 1]. Length n. */
  featureProbability: number[];
  /** I_i per feature, each > 0. Length n. */
  importance: number[];
}

/**
 * Everything needed to train a sweep: `points.length × seeds` models ("instances").
 * Instance index = pointIndex * seeds + seedIndex; that is the leading index of every result array.
 */
export interface ModelSet {
  model: ModelKind;
  /** The data the models train on; default `independent`. */
  data?: DataKind;
  /** Feature sets of the correlated / anticorrelated data kinds (disjoint lists of feature indices). */
  featureSets?: number[][];
  nFeatures: number;
  nHidden: number;
  /** u32 base seed. */
  baseSeed: number;
  /** Seeds (independent models) per grid point. */
  seeds: number;
  training: TrainingSettings;
  /** Examples in the evaluation batch used for the final loss and the reconstruction benefit. */
  evalBatchSize: number;
  /** Record the training dynamics (spec `record`): absent = no history. */
  record?: RecordSettings;
  points: GridPoint[];
}

/**
 * Per-instance results, all float32, instance-major (instance = pointIndex * seeds + seedIndex).
 * n = nFeatures, m = nHidden.
 */
export interface ModelResults {
  /** Number of instances. */
  count: number;
  nFeatures: number;
  nHidden: number;
  /** W, row-major per instance: W[(instance * m + j) * n + i] is W_{j,i}; column i is feature i's direction. */
  W: Float32Array;
  /** b[instance * n + i]. */
  b: Float32Array;
  /** Loss on the evaluation batch: mean over examples of Σ_i I_i (x_i − x'_i)². [instance] */
  loss: Float32Array;
  /** ‖W_i‖. [instance * n + i] */
  featureNorm: Float32Array;
  /** Σ_{j≠i} (Ŵ_i · W_j)². [instance * n + i] */
  superposition: Float32Array;
  /** D_i = ‖W_i‖² / Σ_j (Ŵ_i · W_j)² (0 when ‖W_i‖ = 0). [instance * n + i] */
  dimensionality: Float32Array;
  /** m / ‖W‖_F². [instance] */
  dimsPerFeature: Float32Array;
  /** 1 − E[(t_i − x'_i)²] / Var(t_i) (t = x, or |x| for abs; Var = p/3 − p²/4 for U[0,1) and |U[−1,1)|). [instance * n + i] */
  benefit: Float32Array;
  /**
   * Every parameter tensor by name (src/science/models/contract.ts `tensorLayout`: W, or W1 and
   * W2, bHidden, b), instance-major: data[instance * size + k], each tensor row-major with `shape`.
   * W and b above are the encoder (W, or W1) and the output bias (zeros for a model without one).
   * Absent in results read from files written before format version 2 (then W and b are all).
   */
  params?: Record<string, NamedTensor>;
  /**
   * Metrics beyond the per-feature geometry of W: per neuron (`neuronMaxShare`,
   * `neuronFeatureCount`, [instance * m + j]) for models with a privileged hidden layer; per
   * feature of the decoder (`W2.featureNorm`, `W2.superposition`, `W2.dimensionality`,
   * [instance * n + i], from W2's rows) for untied models.
   */
  extra?: Record<string, Float32Array>;
  /** The recorded training dynamics, when the set asked for them ({@link TrainingHistory}). */
  history?: TrainingHistory;
}

/** What a training history records (spec.ts `recordSchema`, defaults filled in). */
export interface RecordSettings {
  /** Record at steps 0, every, 2·every, … and the last step. */
  every: number;
  metrics: ('loss' | 'featureNorm' | 'superposition' | 'dimensionality' | 'dimsPerFeature')[];
  /** Also record W (the encoder, m × n). */
  weights: boolean;
  /** Record every model, or retrain the kept seed of each point with recording. */
  seeds: 'all' | 'kept';
  /** Examples per recorded evaluation. */
  evalBatchSize: number;
}

/**
 * A training history (ModelResults.history). R = steps.length records; every array is
 * instance-major: loss [instance · R + r], per-feature metrics [(instance · R + r) · n + i],
 * dimsPerFeature [instance · R + r], W [(instance · R + r) · m · n + k]. Instances without a
 * history (seeds: 'kept' and not kept) hold NaN.
 */
export interface TrainingHistory {
  steps: number[];
  loss?: Float32Array;
  featureNorm?: Float32Array;
  superposition?: Float32Array;
  dimensionality?: Float32Array;
  dimsPerFeature?: Float32Array;
  W?: Float32Array;
}

/** The steps at which a history records for `steps` training steps: 0, every, 2·every, …, steps. */
export function recordSteps(every: number, steps: number): number[] {
  const out: number[] = [];
  for (let s = 0; s < steps; s += every) out.push(s);
  out.push(steps);
  return out;
}

/** One named parameter tensor of every instance: shape of one instance's tensor, data instance-major. */
export interface NamedTensor {
  shape: number[];
  data: Float32Array;
}
