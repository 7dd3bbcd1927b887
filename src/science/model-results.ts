/**
 * Allocating {@link ModelResults} for a model kind, and moving instances between them: views of a
 * range, copies of one instance, empty results shaped like others. Streamed runs
 * (src/headless/streamed-run.ts) use them to keep one chunk and one model per grid point instead
 * of every model. Browser-safe.
 *
 * Only sliceInstances carries a history; a streamed run never records one (TrainOptions.onChunkResults).
 */
import { modelDefinition, tensorLayout } from './models/index.js';
import type { ModelResults, ModelSet, NamedTensor } from './types.js';

/** The per-instance arrays every ModelResults has (params and extra come on top). */
const BASE_ARRAYS = ['W', 'b', 'loss', 'featureNorm', 'superposition', 'dimensionality', 'dimsPerFeature', 'benefit'] as const;

/** Floats per instance of `a` in results of `count` instances (0 when count is 0). */
const per = (a: Float32Array, count: number): number => (count === 0 ? 0 : a.length / count);

/** Per-instance arrays of a history (instance-major with steps.length records each). */
const HISTORY_ARRAYS = ['loss', 'featureNorm', 'superposition', 'dimensionality', 'dimsPerFeature', 'W'] as const;

/**
 * Instances [from, from + count) of `r` as results of `count` instances. By default the arrays are
 * views (`subarray`) into `r`'s: nothing is copied, and writes go through; with `copy` they are
 * copies. Params, extra and a history keep their names and shapes; W and b alias the params' encoder
 * and output bias when `r`'s do.
 * @throws RangeError when the range is not within [0, r.count]
 */
export function sliceInstances(r: ModelResults, from: number, count: number, options: { copy?: boolean } = {}): ModelResults {
  if (!Number.isInteger(from) || !Number.isInteger(count) || from < 0 || count < 0 || from + count > r.count) {
    throw new RangeError(`sliceInstances: instances [${from}, ${from + count}) are not within [0, ${r.count})`);
  }
  const view = (a: Float32Array): Float32Array => {
    const k = per(a, r.count);
    return options.copy ? a.slice(from * k, (from + count) * k) : a.subarray(from * k, (from + count) * k);
  };
  const out = { count, nFeatures: r.nFeatures, nHidden: r.nHidden } as ModelResults;
  if (r.params) out.params = Object.fromEntries(Object.entries(r.params).map(([name, t]) => [name, { shape: t.shape, data: view(t.data) }]));
  if (r.extra) out.extra = Object.fromEntries(Object.entries(r.extra).map(([name, a]) => [name, view(a)]));
  for (const key of BASE_ARRAYS) {
    const aliased = r.params && Object.entries(r.params).find(([, t]) => t.data === r[key]);
    out[key] = aliased ? out.params![aliased[0]]!.data : view(r[key]);
  }
  if (r.history) {
    const h = r.history;
    out.history = { steps: h.steps };
    for (const key of HISTORY_ARRAYS) if (h[key]) out.history[key] = view(h[key]!);
  }
  return out;
}

/**
 * Zeroed results of `count` instances with the same arrays as `like` (same params, extra, sizes),
 * W and b aliasing params as in `like`. No history.
 */
export function allocateLike(like: ModelResults, count: number): ModelResults {
  const fresh = (a: Float32Array): Float32Array => new Float32Array(count * per(a, like.count));
  const out = { count, nFeatures: like.nFeatures, nHidden: like.nHidden } as ModelResults;
  if (like.params) out.params = Object.fromEntries(Object.entries(like.params).map(([name, t]) => [name, { shape: [...t.shape], data: fresh(t.data) }]));
  if (like.extra) out.extra = Object.fromEntries(Object.entries(like.extra).map(([name, a]) => [name, fresh(a)]));
  for (const key of BASE_ARRAYS) {
    const aliased = like.params && Object.entries(like.params).find(([, t]) => t.data === like[key]);
    out[key] = aliased ? out.params![aliased[0]]!.data : fresh(like[key]);
  }
  return out;
}

/**
 * Copies instance `i` of `from` into instance `j` of `to` (every base array, params and extra
 * that both have; arrays only `to` has are left as they are).
 * @throws RangeError when i or j is out of range, or an array has another size per instance
 */
export function copyInstance(from: ModelResults, i: number, to: ModelResults, j: number): void {
  if (!(i >= 0 && i < from.count && j >= 0 && j < to.count)) throw new RangeError(`copyInstance: instance ${i} of ${from.count} → ${j} of ${to.count} is out of range`);
  const copy = (a: Float32Array | undefined, b: Float32Array | undefined, name: string) => {
    if (!a || !b) return;
    const k = per(b, to.count);
    if (per(a, from.count) !== k) throw new RangeError(`copyInstance: ${name} has ${per(a, from.count)} floats per instance in the source, ${k} in the target`);
    b.set(a.subarray(i * k, (i + 1) * k), j * k);
  };
  for (const key of BASE_ARRAYS) copy(from[key], to[key], key);
  for (const [name, t] of Object.entries(to.params ?? {})) copy(from.params?.[name]?.data, t.data, `params.${name}`);
  for (const [name, a] of Object.entries(to.extra ?? {})) copy(from.extra?.[name], a, `extra.${name}`);
}

/** Results arrays for `count` instances of the set's model, with its named tensors and extra metrics. */
export function allocateModelResults(set: ModelSet, count: number): ModelResults {
  const model = modelDefinition(set.model);
  const n = set.nFeatures;
  const m = set.nHidden;
  const perFeature = () => new Float32Array(count * n);
  const params: Record<string, NamedTensor> = {};
  for (const t of tensorLayout(model, n, m)) params[t.name] = { shape: [...t.shape], data: new Float32Array(count * t.size) };
  const extra: Record<string, Float32Array> = {};
  if (model.metrics.includes('per-neuron')) {
    extra.neuronMaxShare = new Float32Array(count * m);
    extra.neuronFeatureCount = new Float32Array(count * m);
  }
  if (!model.tied) for (const name of ['W2.featureNorm', 'W2.superposition', 'W2.dimensionality']) extra[name] = perFeature();
  return { count, nFeatures: n, nHidden: m, W: params[model.tied ? 'W' : 'W1']!.data, b: params.b?.data ?? perFeature(), ...metricArrays(count, n), params, extra };
}

/** Zeroed loss, per-feature geometry, m/‖W‖_F² and benefit arrays of `count` instances with n features. */
function metricArrays(count: number, n: number): Pick<ModelResults, 'loss' | 'featureNorm' | 'superposition' | 'dimensionality' | 'dimsPerFeature' | 'benefit'> {
  const perFeature = () => new Float32Array(count * n);
  return { loss: new Float32Array(count), featureNorm: perFeature(), superposition: perFeature(), dimensionality: perFeature(), dimsPerFeature: new Float32Array(count), benefit: perFeature() };
}

/** Zeroed results for `count` instances of an n → m model with W and b only (the relu/linear kernels' results). */
export function allocateResults(count: number, nFeatures: number, nHidden: number): ModelResults {
  return { count, nFeatures, nHidden, W: new Float32Array(count * nHidden * nFeatures), b: new Float32Array(count * nFeatures), ...metricArrays(count, nFeatures) };
}
