/**
 * `--backend node`: trains in Node through the `webgpu` package (dawn.node) with the same engine
 * code as the browser. Chromium is then only needed to draw the PNG (see cli.ts).
 */
import { resolveSpecGroups, type SweepSpec } from '../science/spec.js';
import type { BackendRunOptions, SweepRun } from './run-types.js';
import type { ModelSet } from '../science/types.js';
import type { DeviceInfo, KernelLayout } from '../engine/types.js';
import { trainGroups } from './train-groups.js';
import { RunCancelledError } from './errors.js';
import { shardSets, wholeSweepLayouts } from './shard.js';

/**
 * Trains every model group of `spec` on a Node WebGPU device and returns the results.
 * The Node engine is imported lazily so the Chromium path never loads dawn.node.
 * @throws the engine's typed errors (WebGPUUnavailableError, NoAdapterError, DeviceLimitError,
 *   DeviceLostError, GPUValidationError); RunCancelledError when the signal fired
 */
export async function runNodeBackend(spec: SweepSpec, options: BackendRunOptions = {}): Promise<SweepRun> {
  const { acquireNodeDevice } = await import('../engine/node.js');
  const { CancelledError } = await import('../engine/errors.js');
  const t0 = performance.now();
  const whole = options.wholeSets ?? resolveSpecGroups(spec);
  const sets = options.shard ? shardSets(whole, options.shard) : whole;
  const engine = await acquireNodeDevice();
  const acquireSeconds = (performance.now() - t0) / 1000;
  try {
    await options.onDevice?.(engine.info);
    const groups = await trainGroups(engine, sets, {
      ...(options.onProgress ? { onProgress: options.onProgress } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.checkpoint ? { checkpoint: options.checkpoint } : {}),
      ...(options.resume ? { resume: options.resume } : {}),
      ...(options.onChunkResults ? { onChunkResults: options.onChunkResults } : {}),
      ...(options.maxInstancesPerChunk !== undefined ? { maxInstancesPerChunk: options.maxInstancesPerChunk } : {}),
      // A shard trains each group as the whole sweep would (the layout depends on the group's size).
      ...(options.shard ? { layouts: shardLayouts(whole, sets, engine.info) } : {}),
    });
    return { backend: 'node', device: engine.info, groups, timings: { acquireSeconds, totalSeconds: (performance.now() - t0) / 1000 } };
  } catch (e) {
    if (e instanceof CancelledError || options.signal?.aborted) throw new RunCancelledError();
    throw e;
  } finally {
    engine.destroy();
  }
}

/** The whole sweep's layout of each of a shard's groups (computed once, not per group). */
function shardLayouts(whole: readonly ModelSet[], sets: readonly ModelSet[], device: DeviceInfo): KernelLayout[] {
  const layouts = wholeSweepLayouts(whole, device);
  return sets.map((set) => layouts[whole.findIndex((w) => w.model === set.model)]!);
}
