/** Results of a headless sweep, whichever backend trained it. */
import type { ModelResults, ModelSet } from '../science/types.js';
import type { ChunkState, CheckpointOptions, DeviceInfo, KernelLayout, ResumeState } from '../engine/types.js';
import type { ChunkPayload } from './checkpoint-payload.js';
import type { WireProgress } from './wire.js';

/** One trained model group (one model kind of the spec; see resolveSpecGroups). */
export interface GroupResult {
  set: ModelSet;
  results: ModelResults;
  /** Kept seed index per point of `set.points` (lowest final loss; −1 when every seed diverged). */
  kept: Int32Array;
  layout: KernelLayout;
  /** TrainOutcome.layoutDetail (absent from older page builds). */
  layoutDetail?: string;
  chunks: number;
  /** Seconds. */
  timings: { trainSeconds: number; evaluateSeconds: number; totalSeconds: number };
  /** Training samples per second (instances × steps × batchSize / trainSeconds). */
  samplesPerSecond: number;
  /**
   * Present when the run streamed its models to models.parquet (src/headless/streamed-run.ts):
   * then `set` has one seed per point, `results` holds each point's kept seed only (instance =
   * point position) and `kept` is 0 (or −1 when every seed diverged); the real counts are here.
   */
  streamed?: StreamedGroup;
}

/** The real seeds of a streamed group (GroupResult.streamed). */
export interface StreamedGroup {
  /** Seeds per point (the spec's). */
  seeds: number;
  /** Kept seed index per point of `set.points` (lowest final loss; −1 when every seed diverged). */
  keptSeed: Int32Array;
  /** Models trained: points × seeds. */
  instances: number;
  /** Models whose loss or parameters came out NaN/Inf. */
  diverged: number;
}

/** The kept seed index of point position `pos` (the real one for a streamed group). */
export function keptSeedOf(g: GroupResult, pos: number): number {
  return g.streamed ? g.streamed.keptSeed[pos]! : g.kept[pos]!;
}

/** Models a group trained (points × seeds, also for a streamed group). */
export function modelCount(g: GroupResult): number {
  return g.streamed ? g.streamed.instances : g.results.count;
}

/** Which part of the grid a run trains (src/headless/shard.ts): the grid points with index mod `count` = `index`. */
export interface ShardAssignment {
  /** K, 0 ≤ K < N. */
  index: number;
  /** N ≥ 1. */
  count: number;
}

/** Which backend trained a sweep. */
export type BackendName = 'chromium' | 'node';

/** Everything a backend returns. */
export interface SweepRun {
  backend: BackendName;
  device: DeviceInfo;
  groups: GroupResult[];
  /** Seconds: device acquisition, and the whole run (acquisition + training + read-back). */
  timings: { acquireSeconds: number; totalSeconds: number };
}

/** Options every backend's `train` accepts. */
export interface BackendRunOptions {
  /** Called with each progress report, tagged with the group index. */
  onProgress?: (p: WireProgress) => void;
  /** Aborting stops training and closes the browser; the run rejects. */
  signal?: AbortSignal;
  /** Checkpoint options of each model group (engine TrainOptions.checkpoint). */
  checkpoint?: (group: number) => CheckpointOptions;
  /**
   * Where the Chromium backend sends its checkpoint (the page cannot hand the engine's callbacks
   * across): the running chunk's state and finished chunks' payloads, per model group.
   */
  checkpointSink?: { everySeconds?: number; chunkState: (group: number, state: ChunkState) => Promise<void>; chunkDone: (group: number, payload: ChunkPayload) => Promise<void> };
  /** Resume state of each model group, from a checkpoint. */
  resume?: readonly (ResumeState | undefined)[];
  /** Train only this shard's grid points, each group with the layout the whole sweep gets (--shard). Node backend only. */
  shard?: ShardAssignment;
  /** The spec's model groups as resolveSpecGroups(spec) returns them, when the caller has them (a large grid is then expanded once). */
  wholeSets?: readonly ModelSet[];
  /** Most models per chunk (TrainOptions.maxInstancesPerChunk; results do not depend on it). */
  maxInstancesPerChunk?: number;
  /** Called once the device is known (before training), e.g. to check a checkpoint's adapter. */
  onDevice?: (device: DeviceInfo) => void | Promise<void>;
  /**
   * Stream every finished chunk here (awaited, in order) instead of returning the results: the
   * run's groups then come back with empty results (src/headless/streamed-run.ts takes them).
   * A resumed run's finished chunks are not sent (the checkpoint has them).
   */
  onChunkResults?: (group: number, chunk: { index: number; start: number; count: number }, results: ModelResults) => Promise<void>;
}
