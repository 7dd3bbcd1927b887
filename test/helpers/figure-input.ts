/**
 * Hand-built figure inputs: a spec, and for every model (point × seed, in resolveSpecGroups order)
 * its tensors given directly (W, or W1 and W2; b and bHidden default to zeros). The geometric
 * metrics are computed from W (or W1) by the float64 CPU code in src/science/metrics.ts, so a test
 * can build a known polygon and check what a figure draws from it.
 */
import { geometry, neuronMetrics } from '../../src/science/metrics.js';
import { modelDefinition, tensorLayout } from '../../src/science/models/index.js';
import { parseSpec, resolveSpecGroups, type SweepSpecInput } from '../../src/science/spec.js';
import type { FigureGroup, FigureInput } from '../../src/figures/input.js';
import type { NamedTensor, TrainingHistory } from '../../src/science/types.js';

/** One model's given values. */
export interface HandModel {
  /** Tensors by name (row-major), e.g. W: m·n numbers with W[j·n + i] = W_{j,i}. */
  params: Record<string, ArrayLike<number>>;
  loss?: number;
  /** Per-feature benefit (default 0). */
  benefit?: ArrayLike<number>;
}

/**
 * Builds a FigureInput from `specInput` and `models(group, pos, seed)`. Kept seed: `kept(group, pos)`
 * (default 0). `history(group)` may attach a TrainingHistory to a group.
 */
export function handInput(
  specInput: SweepSpecInput,
  models: (group: number, pos: number, seed: number) => HandModel,
  options: { kept?: (group: number, pos: number) => number; history?: (group: number) => TrainingHistory | undefined } = {},
): FigureInput {
  const spec = parseSpec(specInput);
  const sets = resolveSpecGroups(spec);
  const groups: FigureGroup[] = sets.map((set, gi) => {
    const n = set.nFeatures;
    const m = set.nHidden;
    const count = set.points.length * set.seeds;
    const layout = tensorLayout(modelDefinition(set.model), n, m);
    const params: Record<string, NamedTensor> = Object.fromEntries(layout.map((t) => [t.name, { shape: [...t.shape], data: new Float32Array(count * t.size) }]));
    const f = (per: number) => new Float32Array(count * per);
    const r = { count, nFeatures: n, nHidden: m, W: f(m * n), b: f(n), loss: f(1), featureNorm: f(n), superposition: f(n), dimensionality: f(n), dimsPerFeature: f(1), benefit: f(n), params, extra: { neuronMaxShare: f(m), neuronFeatureCount: f(m) } as Record<string, Float32Array> };
    for (let pos = 0; pos < set.points.length; pos++) {
      for (let s = 0; s < set.seeds; s++) {
        const inst = pos * set.seeds + s;
        const hm = models(gi, pos, s);
        for (const t of layout) {
          const given = hm.params[t.name];
          if (given) {
            if (given.length !== t.size) throw new Error(`handInput: ${t.name} has ${given.length} numbers; expected ${t.size}`);
            params[t.name]!.data.set(Array.from(given), inst * t.size);
          }
        }
        const W = params[layout[0]!.name]!.data.subarray(inst * m * n, (inst + 1) * m * n);
        r.W.set(W, inst * m * n);
        if (params.b) r.b.set(params.b.data.subarray(inst * n, (inst + 1) * n), inst * n);
        const g = geometry(W, n, m);
        r.featureNorm.set(g.norms, inst * n);
        r.superposition.set(g.superposition, inst * n);
        r.dimensionality.set(g.dimensionality, inst * n);
        r.dimsPerFeature[inst] = g.dimsPerFeature;
        r.loss[inst] = hm.loss ?? 0;
        if (hm.benefit) r.benefit.set(Array.from(hm.benefit), inst * n);
        const nm = neuronMetrics(W, n, m);
        r.extra.neuronMaxShare!.set(nm.maxShare, inst * m);
        r.extra.neuronFeatureCount!.set(nm.featureCount, inst * m);
      }
    }
    const history = options.history?.(gi);
    return { set, results: { ...r, ...(history ? { history } : {}) }, kept: Int32Array.from(set.points, (_, pos) => options.kept?.(gi, pos) ?? 0) };
  });
  return { spec, groups };
}

/** W (m × n, row-major) of k unit arrows in 2-D at angles `angles` (radians), then zero columns to n. */
export function arrowsW(angles: readonly number[], n = angles.length, length = 1): number[] {
  const W = new Array<number>(2 * n).fill(0);
  angles.forEach((a, i) => {
    W[i] = length * Math.cos(a);
    W[n + i] = length * Math.sin(a);
  });
  return W;
}
