/**
 * Resuming an interrupted run (TrainOptions.resume): checking a checkpoint against the run's chunk
 * plan and putting its finished instances in place. Shared by both trainers.
 */
import type { ModelResults, ModelSet } from '../science/types.js';
import { CheckpointMismatchError } from './errors.js';
import type { SweepPlan } from './planner.js';
import type { ChunkState, ResumeState } from './types.js';

/**
 * Checks a resume state against the run's plan and copies its finished instances into `results`
 * (undefined for a run that streams its results: the caller already has the finished chunks).
 * @returns the finished chunk indices and the running chunk's state
 * @throws CheckpointMismatchError when a chunk of the checkpoint is not a chunk of the plan, or an
 *   array has another size than the run's
 */
export function checkResume(resume: ResumeState, plan: SweepPlan, results: ModelResults | undefined, set: ModelSet): { finished: Set<number>; running?: ChunkState } {
  const instances = set.points.length * set.seeds;
  const matches = (c: { chunkIndex: number; start: number; count: number }) => {
    const chunk = plan.chunks[c.chunkIndex];
    if (!chunk || chunk.start !== c.start || chunk.count !== c.count) {
      throw new CheckpointMismatchError(
        `the checkpoint's chunk ${c.chunkIndex} (instances ${c.start}..${c.start + c.count - 1}) is not a chunk of this run's plan (${plan.chunks.length} chunks of up to ${plan.instancesPerChunk} instances on this device); resume on the device and engine version that wrote it, or start over`,
      );
    }
  };
  resume.finished.forEach(matches);
  if (results && resume.finished.length > 0 && (resume.results.count !== instances || resume.results.nFeatures !== set.nFeatures || resume.results.nHidden !== set.nHidden)) {
    throw new CheckpointMismatchError(`the checkpoint holds ${resume.results.count} models of n = ${resume.results.nFeatures}, m = ${resume.results.nHidden}; this run trains ${instances} of n = ${set.nFeatures}, m = ${set.nHidden}`);
  }
  if (results) for (const c of resume.finished) copyInstances(resume.results, results, c.start, c.count);
  if (resume.running) {
    matches(resume.running);
    const floats = resume.running.theta.length;
    if (floats % resume.running.count !== 0 || resume.running.moment1.length !== floats || resume.running.moment2.length !== floats) {
      throw new CheckpointMismatchError(`the checkpoint's running chunk holds θ and moments of different sizes (${floats}, ${resume.running.moment1.length}, ${resume.running.moment2.length} floats)`);
    }
  }
  return { finished: new Set(resume.finished.map((c) => c.chunkIndex)), ...(resume.running ? { running: resume.running } : {}) };
}

/** Copies instances [start, start + count) of every per-instance array (params, extra, history too) from `from` into `to`. */
export function copyInstances(from: ModelResults, to: ModelResults, start: number, count: number): void {
  const copy = (a: Float32Array | undefined, b: Float32Array | undefined) => {
    if (!a || !b) return;
    const per = b.length / to.count;
    b.set(a.subarray(start * per, (start + count) * per), start * per);
  };
  for (const k of ['W', 'b', 'loss', 'featureNorm', 'superposition', 'dimensionality', 'dimsPerFeature', 'benefit'] as const) copy(from[k], to[k]);
  for (const [name, t] of Object.entries(to.params ?? {})) copy(from.params?.[name]?.data, t.data);
  for (const [name, a] of Object.entries(to.extra ?? {})) copy(from.extra?.[name], a);
  if (to.history) for (const k of ['loss', 'featureNorm', 'superposition', 'dimensionality', 'dimsPerFeature', 'W'] as const) copy(from.history?.[k], to.history[k]);
}

