/** Which trained models diverged (NaN or infinite loss or parameters). */
import type { ModelResults, ModelSet } from '../science/types.js';
import { selectSeeds } from '../science/seeds.js';
import type { TrainOptions } from './types.js';

/** Instances whose loss, W or b is not finite. */
export function findDiverged(results: ModelResults): number[] {
  const { count, nFeatures: n, nHidden: m } = results;
  const out: number[] = [];
  for (let c = 0; c < count; c++) {
    let ok = Number.isFinite(results.loss[c]!);
    for (let k = c * m * n; ok && k < (c + 1) * m * n; k++) ok = Number.isFinite(results.W[k]!);
    for (let k = c * n; ok && k < (c + 1) * n; k++) ok = Number.isFinite(results.b[k]!);
    for (const t of Object.values(results.params ?? {})) {
      const size = t.data.length / count;
      for (let k = c * size; ok && k < (c + 1) * size; k++) ok = Number.isFinite(t.data[k]!);
    }
    if (!ok) out.push(c);
  }
  return out;
}

/**
 * Sets the loss of every diverged instance (findDiverged) to NaN, as a finished outcome holds it:
 * the evaluation of NaN weights can come out finite behind the ReLU, and seed selection must skip
 * them. @returns the diverged instances, indices into `results`
 */
export function markDiverged(results: ModelResults): number[] {
  const diverged = findDiverged(results);
  for (const c of diverged) results.loss[c] = NaN;
  return diverged;
}

/**
 * The kept seed of every point as the finished outcome will keep it: diverged models first get a
 * NaN loss (their evaluation can come out finite behind the ReLU), then the lowest loss wins.
 * Kept-seed recording retrains exactly these. [point] → seed index, or −1 when every seed diverged.
 */
export function keptSeeds(set: ModelSet, results: ModelResults): Int32Array {
  const loss = Float32Array.from(results.loss);
  for (const c of findDiverged(results)) loss[c] = NaN;
  return selectSeeds(set, loss);
}

/**
 * Hands a finished chunk's results (chunk-local instances) to TrainOptions.onChunkResults, with
 * diverged models' loss set to NaN as finishOutcome does for kept results; their set-wide
 * instance indices are appended to `diverged`.
 */
export async function streamChunk(onChunkResults: NonNullable<TrainOptions['onChunkResults']>, chunk: { index: number; start: number; count: number }, results: ModelResults, diverged: number[]): Promise<void> {
  for (const c of markDiverged(results)) diverged.push(chunk.start + c);
  await onChunkResults({ index: chunk.index, start: chunk.start, count: chunk.count }, results);
}
