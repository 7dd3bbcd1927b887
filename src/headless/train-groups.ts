/**
 * Trains every model group of a sweep on one engine and keeps the lowest-loss seed per point:
 * the loop both backends run (the Chromium page and `--backend node`). Browser-safe.
 */
import type { Engine } from '../engine/engine.js';
import { trainModelSet } from '../engine/trainer.js';
import { markDiverged } from '../engine/diverged.js';
import { copyInstances } from '../engine/resume.js';
import type { KernelLayout, ResumeState, TrainOptions, TrainProgress } from '../engine/types.js';
import { selectSeeds } from '../science/seeds.js';
import type { ModelResults, ModelSet } from '../science/types.js';
import type { GroupResult } from './run-types.js';

export interface TrainGroupsOptions extends Omit<TrainOptions, 'onProgress' | 'layout' | 'checkpoint' | 'resume' | 'onChunkResults'> {
  /** Progress of group `group` (0-based) of `groupCount`. */
  onProgress?: (p: TrainProgress & { group: number; groupCount: number }) => void;
  /** Checkpoint options of each group (TrainOptions.checkpoint). */
  checkpoint?: (group: number) => TrainOptions['checkpoint'];
  /** The kernel layout of each group (TrainOptions.layout); undefined: chosen for the group as given. A shard passes the whole sweep's. */
  layouts?: readonly (KernelLayout | undefined)[];
  /** The resume state of each group, from a checkpoint (TrainOptions.resume); undefined: from the start. */
  resume?: readonly (TrainOptions['resume'] | undefined)[];
  /**
   * Stream each group's finished chunks here instead of keeping them (TrainOptions.onChunkResults);
   * the returned groups then carry empty results and no kept seeds (kept all −1): the receiver
   * has them (src/headless/streamed-run.ts).
   */
  onChunkResults?: (group: number, chunk: { index: number; start: number; count: number }, results: ModelResults) => void | Promise<void>;
}

/**
 * Trains `sets` in order (one ModelSet per model kind, from resolveSpecGroups) and selects seeds.
 * @throws whatever trainModelSet throws (CancelledError, DeviceLostError, …); nothing is caught here.
 */
export async function trainGroups(engine: Engine, sets: readonly ModelSet[], options: TrainGroupsOptions = {}): Promise<GroupResult[]> {
  const { onProgress, checkpoint, resume, layouts, onChunkResults, ...trainOptions } = options;
  const groups: GroupResult[] = [];
  for (const [group, set] of sets.entries()) {
    const checkpointOptions = checkpoint?.(group);
    const resumeState = resume?.[group];
    const layout = layouts?.[group];
    const outcome = await trainModelSet(engine, set, {
      ...trainOptions,
      ...(layout ? { layout } : {}),
      ...(checkpointOptions ? { checkpoint: checkpointOptions } : {}),
      ...(resumeState ? { resume: resumeState } : {}),
      ...(onProgress ? { onProgress: (p: TrainProgress) => onProgress({ ...p, group, groupCount: sets.length }) } : {}),
      ...(onChunkResults ? { onChunkResults: (chunk: { index: number; start: number; count: number }, r: ModelResults) => onChunkResults(group, chunk, r) } : {}),
    });
    groups.push({
      set,
      results: outcome.results,
      kept: onChunkResults ? new Int32Array(set.points.length).fill(-1) : selectSeeds(set, outcome.results.loss),
      layout: outcome.layout,
      layoutDetail: outcome.layoutDetail,
      chunks: outcome.chunks,
      timings: outcome.timings,
      samplesPerSecond: outcome.samplesPerSecond,
    });
  }
  return groups;
}

/**
 * Puts a resumed run's finished chunks back into its groups, when the trainer did not have their
 * results (the headless page gets only which chunks to skip): copies them from `resume`, marks the
 * diverged models' loss NaN as the trainer does, and selects the seeds again.
 */
export function restoreFinished(groups: GroupResult[], resume: readonly (ResumeState | undefined)[]): void {
  groups.forEach((g, k) => {
    const r = resume[k];
    if (!r || r.finished.length === 0) return;
    for (const c of r.finished) copyInstances(r.results, g.results, c.start, c.count);
    markDiverged(g.results);
    g.kept = selectSeeds(g.set, g.results.loss);
  });
}
