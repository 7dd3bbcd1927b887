/**
 * Trains every model group of a sweep on one engine and keeps the lowest-loss seed per point:
 * the loop both backends run (the Chromium page and `--backend node`). Browser-safe.
 */
import type { Engine } from '../engine/engine.js';
import { trainModelSet } from '../engine/trainer.js';
import type { KernelLayout, TrainOptions, TrainProgress } from '../engine/types.js';
import { selectSeeds } from '../science/seeds.js';
import type { ModelSet } from '../science/types.js';
import type { GroupResult } from './run-types.js';

export interface TrainGroupsOptions extends Omit<TrainOptions, 'onProgress' | 'layout' | 'checkpoint' | 'resume'> {
  /** Progress of group `group` (0-based) of `groupCount`. */
  onProgress?: (p: TrainProgress & { group: number; groupCount: number }) => void;
  /** Checkpoint options of each group (TrainOptions.checkpoint). */
  checkpoint?: (group: number) => TrainOptions['checkpoint'];
  /** The kernel layout of each group (TrainOptions.layout); undefined: chosen for the group as given. A shard passes the whole sweep's. */
  layouts?: readonly (KernelLayout | undefined)[];
  /** The resume state of each group, from a checkpoint (TrainOptions.resume); undefined: from the start. */
  resume?: readonly (TrainOptions['resume'] | undefined)[];
}

/**
 * Trains `sets` in order (one ModelSet per model kind, from resolveSpecGroups) and selects seeds.
 * @throws whatever trainModelSet throws (CancelledError, DeviceLostError, …); nothing is caught here.
 */
export async function trainGroups(engine: Engine, sets: readonly ModelSet[], options: TrainGroupsOptions = {}): Promise<GroupResult[]> {
  const { onProgress, checkpoint, resume, layouts, ...trainOptions } = options;
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
    });
    groups.push({
      set,
      results: outcome.results,
      kept: selectSeeds(set, outcome.results.loss),
      layout: outcome.layout,
      layoutDetail: outcome.layoutDetail,
      chunks: outcome.chunks,
      timings: outcome.timings,
      samplesPerSecond: outcome.samplesPerSecond,
    });
  }
  return groups;
}
