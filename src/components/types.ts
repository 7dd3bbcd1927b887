/**
 * Data the phase-diagram element and the cell-inspector elements exchange, and the typed `detail`
 * of the element's events. Pure types: no DOM, no GPU.
 */
import type { ModelKind } from '../science/types.js';

/**
 * One trained model (one instance: a grid point and a seed), as the inspector elements draw it.
 * n = nFeatures, m = nHidden.
 */
export interface CellModel {
  nFeatures: number;
  nHidden: number;
  model: ModelKind;
  /** W, row-major m × n: W[j * n + i] = W_{j,i}; column i is feature i's direction in the hidden space. */
  W: ArrayLike<number>;
  /** Bias, length n. */
  b: ArrayLike<number>;
  /** ‖W_i‖, length n. */
  featureNorm: ArrayLike<number>;
  /** Σ_{j≠i} (Ŵ_i·W_j)², length n. */
  superposition: ArrayLike<number>;
  /** D_i = ‖W_i‖² / Σ_j (Ŵ_i·W_j)², length n. */
  dimensionality: ArrayLike<number>;
  /** p_i = 1 − S_i, length n. */
  featureProbability: ArrayLike<number>;
  /** I_i, length n. */
  importance: ArrayLike<number>;
  /** Loss on the evaluation batch (NaN while training). */
  loss: number;
  /** m / ‖W‖_F². */
  dimsPerFeature: number;
  /** Seed index of this model within its grid point. */
  seedIndex: number;
}

/** A cell of the diagram: grid indices (yIndex 0 is the bottom row) and the axis values there. */
export interface CellRef {
  xIndex: number;
  yIndex: number;
  /** The x axis' value at the cell (p for a density axis, r for an importance axis); NaN on an axis of text labels (model kinds, features). */
  xValue: number;
  yValue: number;
  /** The axis' label at the cell on axes of text labels (e.g. "relu 3": model, feature), else absent. */
  xLabel?: string;
  yLabel?: string;
  /** The model kind of the cell's group. */
  modelKind?: string;
  /** Axis titles, e.g. "feature density p = 1 − S". */
  xTitle: string;
  yTitle: string;
}

/** `detail` of `cell-hover` and `cell-select`. */
export interface CellEventDetail extends CellRef {
  /** The shown metric's value at the cell (NaN when missing). */
  value: number;
  /** Name of the shown metric, e.g. "regime". */
  metric: string;
  /** Feature index of a per-feature metric (−1 for per-model metrics). */
  feature: number;
  /** Regime name when the metric is `regime`; "diverged" for a finished cell whose seeds all diverged. */
  label?: string;
  /** The kept model at the cell; absent until training has finished (or a `src` file is loaded). */
  model?: CellModel;
}

/** `detail` of `sweep-progress`. */
export interface SweepProgressDetail {
  /** 0 … 1. */
  fraction: number;
  modelStepsDone: number;
  modelStepsTotal: number;
  /** Training samples per second so far. */
  samplesPerSecond: number;
  elapsedSeconds: number;
  /** Estimated seconds left (NaN before the first measurement). */
  etaSeconds: number;
}

/** `detail` of `sweep-complete`. */
export interface SweepCompleteDetail {
  /** Instances (grid points × seeds) trained, over every model group. */
  instances: number;
  seconds: number;
  samplesPerSecond: number;
  /** Instances whose training diverged (NaN), over every group. */
  diverged: number;
  /** `trained` after a run, `loaded` after a `src` file. */
  source: 'trained' | 'loaded';
}

/** `detail` of `sweep-error`. */
export interface SweepErrorDetail {
  /** The error's class name, e.g. "WebGPUUnavailableError", "AttributeError", "DeviceLostError". */
  name: string;
  message: string;
  /** What the reader can do about it, in plain words. */
  advice: string;
}
