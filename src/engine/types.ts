/** Public types of the WebGPU engine. */
import type { ModelResults } from '../science/types.js';
import type { RegimeThresholds } from '../science/regimes.js';

/** The metrics with a snapshot code in the registry (src/science/metric-registry.ts), gathered by shaders/snapshot.wgsl. */
export type SnapshotMetric = 'regime' | 'norm' | 'superposition' | 'dimensionality' | 'benefit' | 'loss' | 'dimsPerFeature';

/** What one live snapshot gathers. */
export interface SnapshotSelection {
  metric: SnapshotMetric;
  /** Feature index (0 … n−1) of a per-feature metric, or `all` for every feature. Ignored by per-model metrics. */
  feature: number | 'all';
  thresholds: RegimeThresholds;
}

/**
 * Kernel layouts (see shaders/train.wgsl): one invocation per model with loops over n and m
 * (`per-model`, any size), one invocation per model held in registers (`registers`, n ≤ 32, m ≤ 8),
 * or one workgroup per model (`per-workgroup`) for the relu and linear models on independent data
 * with n ≤ 64 and m ≤ 16; and `workgroup` (shaders/autoencoder.wgsl) for every model and data
 * kind at any size: one workgroup per model, features and hidden units owned by invocations; and
 * `invocation` (the same file): one invocation per model for any kind with n ≤ 64, m ≤ 64; and
 * `workgroup-registers` (shaders/workgroup-registers.wgsl): one workgroup per model, each
 * invocation holding blocks of four features of θ in registers, for any kind with n ≤ 1024 and
 * m ≤ 80 (40 untied) (src/engine/workgroup-registers.ts; evaluated as `workgroup`).
 */
export type KernelLayout = 'per-model' | 'per-workgroup' | 'registers' | 'workgroup' | 'invocation' | 'workgroup-registers';

/** Progress of a training run, reported after every dispatch batch. */
export interface TrainProgress {
  /** Model-steps done so far, summed over instances (instances × steps when complete). */
  modelStepsDone: number;
  modelStepsTotal: number;
  /** Instances whose training and evaluation are finished. */
  instancesDone: number;
  instancesTotal: number;
  chunkIndex: number;
  chunkCount: number;
  /** Training samples per second so far (models × steps × batch / s). */
  samplesPerSecond: number;
  elapsedSeconds: number;
  /** Estimated seconds left (NaN before the first measurement). */
  etaSeconds: number;
}

export interface TrainOptions {
  /** Called after each submitted dispatch batch completes. */
  onProgress?: (p: TrainProgress) => void;
  /** Aborting rejects with a `CancelledError`; results of finished chunks stay in `partial`. */
  signal?: AbortSignal;
  /** Force a layout instead of choosing by problem size and device. */
  layout?: KernelLayout;
  /** Steps fused into one dispatch (default: chosen so a submit stays well under a second). */
  stepsPerDispatch?: number;
  /**
   * FLOPs (flopsPerSample units) of one evaluation submit of the relu/linear kernels, default
   * EVALUATE_SUBMIT_FLOPS (src/engine/trainer.ts): a chunk's evaluation is cut into parts of about
   * this size, one submit each. Results do not depend on it.
   */
  evaluateSubmitFlops?: number;
  /** Cap instances per chunk (default: what the device's limits allow). Results do not depend on it. */
  maxInstancesPerChunk?: number;
  /** Live snapshots of one metric while training runs (for live views); default none. */
  snapshot?: SnapshotOptions;
  /** Checkpoints of finished chunks and of the running chunk's state, to resume after an interruption. */
  checkpoint?: CheckpointOptions;
  /** Continue an interrupted run from its checkpoint (finished chunks are not retrained). */
  resume?: ResumeState;
  /**
   * Stream the results instead of keeping them: each finished chunk's results go to this callback
   * (awaited) as results of `chunk.count` instances (instance `c` of them is instance
   * `chunk.start + c` of the set), with diverged models' loss already NaN as in the outcome, and
   * the trainer keeps none, so its memory is O(chunk) however large the sweep; the outcome's
   * `results` is then empty (count 0) and the run's whole-sweep memory cap does not apply. The
   * chunks come in instance order. A resumed run's finished chunks are not handed out again (the
   * caller has them in its checkpoint). Not with a recorded history (`set.record`).
   */
  onChunkResults?: (chunk: { index: number; start: number; count: number }, results: ModelResults) => void | Promise<void>;
}

/**
 * A chunk mid-training: everything needed to continue it bit for bit (the data of every step is
 * keyed by the step, and Adam's bias correction by the step count).
 */
export interface ChunkState {
  /** Index into the run's chunk plan, and the chunk's instances [start, start + count). */
  chunkIndex: number;
  start: number;
  count: number;
  /** Optimiser steps done. */
  step: number;
  /** count × P floats each (P parameters per model, tensorLayout order), instance-major. */
  theta: Float32Array;
  moment1: Float32Array;
  moment2: Float32Array;
}

/** What a run hands out so that it can be resumed (see TrainOptions.checkpoint). */
export interface CheckpointOptions {
  /** Seconds of training between reads of the running chunk's state (checked after each submit); default 30. */
  everySeconds?: number;
  /**
   * The running chunk's state: every `everySeconds`, and once more when the run is cancelled
   * (after the submit in flight finished), before the CancelledError. Awaited.
   * Not called for chunks that record their history of every seed (those resume from the chunk start).
   */
  onChunkState?: (state: ChunkState) => void | Promise<void>;
  /**
   * Chunk `chunkIndex` finished: instances [start, start + count) of the set are final, at
   * instances [at, at + count) of `results` (`at` = start, or 0 when the run streams its results:
   * TrainOptions.onChunkResults). Awaited.
   */
  onChunkDone?: (chunkIndex: number, start: number, count: number, results: ModelResults, at: number) => void | Promise<void>;
}

/** A checkpoint to continue from (TrainOptions.resume). Its chunks must match the run's plan. */
export interface ResumeState {
  /** Chunks already finished; `results` holds their instances (the other instances are ignored). */
  finished: { chunkIndex: number; start: number; count: number }[];
  results: ModelResults;
  /** The chunk that was running, from its last state. */
  running?: ChunkState;
}

/**
 * Live snapshots: every `intervalSeconds` of training (checked after each submit) and once more
 * after each chunk's final evaluation, the trainer evaluates the current weights on a small batch,
 * computes their geometry, gathers the loss and ONE metric per instance on the GPU
 * (shaders/snapshot.wgsl) and reads back only those floats.
 */
export interface SnapshotOptions {
  /** Read at every snapshot, so a view can switch metric or feature mid-run. */
  select: () => SnapshotSelection;
  /** Called with each snapshot; the data array is the caller's to keep. */
  onSnapshot: (s: TrainSnapshot) => void;
  /** Seconds of training between snapshots; default 0.5. */
  intervalSeconds?: number;
  /**
   * Examples in the evaluation batch of the in-training snapshots (the loss used to pick seeds
   * live); default min(evalBatchSize, 128). The last snapshot of a chunk uses the full batch.
   * In-training snapshots skip the evaluation (most of their cost) when there is one seed per point
   * and the metric is not `loss` or `benefit`; their loss is then NaN.
   */
  evalBatchSize?: number;
  /**
   * Also read back every instance's parameters θ at each snapshot (`TrainSnapshot.theta`), so a
   * view can draw the weights while training (the figures do); default false (the phase diagram
   * reads only the gathered floats).
   */
  weights?: boolean;
}

/** One snapshot of a chunk of instances. */
export interface TrainSnapshot {
  /** First instance (instance = pointIndex × seeds + seedIndex) and number of instances covered. */
  start: number;
  count: number;
  /** Floats per instance: 1 + 1, or 1 + n when the selection's feature is `all`. */
  stride: number;
  /** count × stride floats: per instance the loss (NaN when the snapshot skipped evaluation), then the metric value(s). */
  data: Float32Array;
  /** The selection this snapshot gathered. */
  selection: SnapshotSelection;
  /** Steps trained so far by these instances, of `steps`. */
  step: number;
  steps: number;
  /** True for the snapshot taken after the chunk's final evaluation (full evaluation batch). */
  final: boolean;
  /** True for the snapshot taken when the run was stopped mid-chunk (just before CancelledError). */
  stopped: boolean;
  /**
   * Only on final and stopped snapshots: every metric of every instance of the chunk, `count`
   * records of 2 + 4n floats laid out as src/engine/layout.ts `metricOffsets` (loss, m/‖W‖_F², then
   * ‖W_i‖, superposition, D_i, benefit per feature). No weights.
   */
  metrics?: Float32Array;
  /**
   * With `SnapshotOptions.weights`: `count` × P floats, each instance's θ laid out as the model's
   * tensorLayout (src/science/models/contract.ts: W or W1, W2, bHidden, b).
   */
  theta?: Float32Array;
}

/** Adapter facts recorded with results. */
export interface DeviceInfo {
  vendor: string;
  architecture: string;
  device: string;
  description: string;
  /** Where WebGPU came from. */
  runtime: 'browser' | 'node';
  limits: {
    maxStorageBufferBindingSize: number;
    maxBufferSize: number;
    maxComputeWorkgroupsPerDimension: number;
    maxComputeInvocationsPerWorkgroup: number;
    maxComputeWorkgroupStorageSize: number;
  };
}

export interface TrainOutcome {
  results: ModelResults;
  layout: KernelLayout;
  /**
   * The layout's parameters that change float32 summation order, e.g. "workgroup: 256
   * invocations, tile 9 examples, θ in storage" (they depend only on the spec and the device).
   */
  layoutDetail: string;
  chunks: number;
  /** Seconds: training dispatches, evaluation + metrics, read-back. */
  timings: { trainSeconds: number; evaluateSeconds: number; totalSeconds: number };
  /** Training samples per second (instances × steps × batchSize / trainSeconds). */
  samplesPerSecond: number;
  /**
   * Instances whose loss, W or b came out NaN or infinite (training diverged). Their loss is set
   * to NaN (an evaluation of NaN weights can come out finite behind the ReLU), so the seed
   * selection skips them; W, b and the other metrics are kept as read. Empty when training went well.
   */
  diverged: number[];
}
