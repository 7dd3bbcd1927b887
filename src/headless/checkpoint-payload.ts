/**
 * What a checkpoint stores of a finished chunk: every per-instance array of its results, cut to
 * the chunk's instances. Browser-safe, so the headless page builds the same payload the Node
 * backend does (src/headless/checkpoint.ts writes it).
 */
import type { ModelResults, NamedTensor } from '../science/types.js';

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

/**
 * The payload of chunk `chunkIndex`, instances [start, start + count) of a set of `instances`
 * models, found at instances [at, at + count) of `results` (at = start when `results` holds the
 * whole set, 0 when it holds the chunk alone). Copied: the trainer keeps writing into `results`.
 */
export function chunkPayload(chunkIndex: number, start: number, count: number, results: ModelResults, at = start, instances = results.count): ChunkPayload {
  const arrays = perInstanceArrays(results).map(([name, a]): [string, Float32Array] => {
    const per = a.length / results.count;
    return [name, a.slice(at * per, (at + count) * per)];
  });
  const shapes = Object.fromEntries(Object.entries(results.params ?? {}).map(([k, t]) => [k, t.shape]));
  return { header: { chunkIndex, start, count, instances, nFeatures: results.nFeatures, nHidden: results.nHidden, shapes, historySteps: results.history?.steps ?? null }, arrays };
}

/**
 * NaN results of `instances` instances with the arrays (and their per-instance sizes) of a chunk
 * payload: its header (count, nFeatures, nHidden, shapes, historySteps) and arrays by flat name.
 */
export function allocateFromPayload(header: Record<string, unknown>, arrays: Map<string, Float32Array>, instances: number): ModelResults {
  const chunkCount = Number(header.count);
  const full = (name: string) => new Float32Array(((arrays.get(name)?.length ?? 0) / chunkCount) * instances).fill(NaN);
  const r: ModelResults = {
    count: instances,
    nFeatures: Number(header.nFeatures),
    nHidden: Number(header.nHidden),
    W: full('W'),
    b: full('b'),
    loss: full('loss'),
    featureNorm: full('featureNorm'),
    superposition: full('superposition'),
    dimensionality: full('dimensionality'),
    dimsPerFeature: full('dimsPerFeature'),
    benefit: full('benefit'),
  };
  const shapes = (header.shapes ?? {}) as Record<string, number[]>;
  const params: Record<string, NamedTensor> = {};
  const extra: Record<string, Float32Array> = {};
  const history: NonNullable<ModelResults['history']> = { steps: (header.historySteps as number[] | null) ?? [] };
  for (const name of arrays.keys()) {
    if (name.startsWith('params.')) params[name.slice(7)] = { shape: shapes[name.slice(7)] ?? [], data: full(name) };
    else if (name.startsWith('extra.')) extra[name.slice(6)] = full(name);
    else if (name.startsWith('history.')) (history as unknown as Record<string, Float32Array>)[name.slice(8)] = full(name);
  }
  if (Object.keys(params).length) r.params = params;
  if (Object.keys(extra).length) r.extra = extra;
  if (header.historySteps) r.history = history;
  return r;
}

/**
 * Copies a chunk payload's arrays into instances [start, start + count) of `r`.
 * @throws RangeError when an array has another size than `count` instances of `r`'s
 */
export function placePayload(r: ModelResults, arrays: Map<string, Float32Array>, start: number, count: number): void {
  for (const [name, a] of perInstanceArrays(r)) {
    const chunk = arrays.get(name);
    if (!chunk) continue;
    const per = a.length / r.count;
    if (chunk.length !== per * count) throw new RangeError(`array ${name} holds ${chunk.length} floats; expected ${per * count}`);
    a.set(chunk, start * per);
  }
}

/** A chunk payload as results of its own `count` instances (the chunk alone, instance 0 = its first). */
export function payloadResults(payload: ChunkPayload): ModelResults {
  const arrays = new Map(payload.arrays);
  const r = allocateFromPayload(payload.header, arrays, payload.header.count);
  placePayload(r, arrays, 0, payload.header.count);
  return r;
}
