/** Public types of the WebGPU engine. */
import type { ModelResults } from '../science/types.js';

/**
 * Kernel layouts (see shaders/train.wgsl): one invocation per model with loops over n and m
 * (`per-model`, any size), one invocation per model held in registers (`registers`, n ≤ 8, m ≤ 4),
 * or one workgroup per model (`per-workgroup`).
 */
export type KernelLayout = 'per-model' | 'per-workgroup' | 'registers';

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
  /** Cap instances per chunk (default: what the device's limits allow). Results do not depend on it. */
  maxInstancesPerChunk?: number;
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
  chunks: number;
  /** Seconds: training dispatches, evaluation + metrics, read-back. */
  timings: { trainSeconds: number; evaluateSeconds: number; totalSeconds: number };
  /** Training samples per second (instances × steps × batchSize / trainSeconds). */
  samplesPerSecond: number;
  /**
   * Instances whose loss, W or b came out NaN or infinite (training diverged). Their results are
   * kept as they are; the seed selection skips them. Empty when training went well.
   */
  diverged: number[];
}
