/**
 * What a checkpoint stores of a finished chunk: every per-instance array of its results, cut to
 * the chunk's instances. Browser-safe, so the headless page builds the same payload the Node
 * backend does (src/headless/checkpoint.ts writes it).
 */
import type { ModelResults } from '../science/types.js';

/** Every per-instance array of a ModelResults by a flat name (W, loss, params.W1, extra.x, history.loss …). */
export function perInstanceArrays(r: ModelResults): [string, Float32Array][] {
  const out: [string, Float32Array][] = [];
  for (const k of ['W', 'b', 'loss', 'featureNorm', 'superposition', 'dimensionality', 'dimsPerFeature', 'benefit'] as const) out.push([k, r[k]]);
  for (const [name, t] of Object.entries(r.params ?? {})) out.push([`params.${name}`, t.data]);
  for (const [name, a] of Object.entries(r.extra ?? {})) out.push([`extra.${name}`, a]);
  for (const k of ['loss', 'featureNorm', 'superposition', 'dimensionality', 'dimsPerFeature', 'W'] as const) {
    const a = r.history?.[k];
    if (a) out.push([`history.${k}`, a]);
  }
  return out;
}

/** A finished chunk's checkpoint payload: a header (sizes, tensor shapes, history steps) and the arrays, copied. */
export interface ChunkPayload {
  header: { chunkIndex: number; start: number; count: number; instances: number; nFeatures: number; nHidden: number; shapes: Record<string, number[]>; historySteps: number[] | null };
  arrays: [string, Float32Array][];
}

/** The payload of chunk `chunkIndex`, instances [start, start + count) of `results` (copied: the trainer keeps writing into `results`). */
export function chunkPayload(chunkIndex: number, start: number, count: number, results: ModelResults): ChunkPayload {
  const arrays = perInstanceArrays(results).map(([name, a]): [string, Float32Array] => {
    const per = a.length / results.count;
    return [name, a.slice(start * per, (start + count) * per)];
  });
  const shapes = Object.fromEntries(Object.entries(results.params ?? {}).map(([k, t]) => [k, t.shape]));
  return { header: { chunkIndex, start, count, instances: results.count, nFeatures: results.nFeatures, nHidden: results.nHidden, shapes, historySteps: results.history?.steps ?? null }, arrays };
}
