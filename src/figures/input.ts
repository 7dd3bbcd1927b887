/**
 * What a figure is drawn from: a validated spec and its trained groups (one per model kind, in
 * resolveSpecGroups order), as the engine returns them or a results file loads them. Pure helpers
 * to read one model's tensors and the sweep's axes.
 */
import { sliceInstances } from '../science/model-results.js';
import { metricsFor, type MetricName } from '../science/metric-registry.js';
import type { Axis, SweepSpec } from '../science/spec.js';
import type { ModelResults, ModelSet } from '../science/types.js';
import type { Scene } from './scene.js';

/** One model kind's trained models: instance = pointPosition · seeds + seedIndex in every array. */
export interface FigureGroup {
  set: ModelSet;
  results: ModelResults;
  /** Kept seed per point (lowest loss); −1 when none (then figures show seed 0). */
  kept: Int32Array;
}

/** A figure's input. */
export interface FigureInput {
  spec: SweepSpec;
  groups: readonly FigureGroup[];
}

/** One figure of the registry (src/figures/registry.ts); each figure module exports its own. */
export interface FigureDefinition {
  /** Registry name, e.g. `model-strip` (CLI `--figure`, element `figure` attribute). */
  name: string;
  title: string;
  /** One sentence: what the reader should notice. */
  notice: string;
  /** Null when the figure can be drawn from these results; otherwise what it needs. */
  fits: (input: FigureInput) => string | null;
  /** Draws it. @throws FigureError when it does not fit. */
  draw: (input: FigureInput) => Scene;
}

/** A figure that does not fit the results; the message says what the figure needs. */
export class FigureError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FigureError';
  }
}

/** The instance shown for point `pos`: its kept seed, or seed 0 when none was kept. */
export function shownInstance(g: FigureGroup, pos: number): number {
  const k = g.kept[pos] ?? -1;
  return pos * g.set.seeds + (k >= 0 ? k : 0);
}

/**
 * One instance's tensor `name` (e.g. `W` [m, n], `W1`, `W2` [n, m], `b` [n], `bHidden` [m]), row-major,
 * and its shape. Falls back to `results.W`/`results.b` for files without named tensors.
 * @throws FigureError when the model has no such tensor.
 */
export function tensorOf(g: FigureGroup, name: string, instance: number): { shape: number[]; data: Float32Array } {
  const r = g.results;
  const n = r.nFeatures;
  const m = r.nHidden;
  const t = r.params?.[name];
  if (t) {
    const size = t.shape.reduce((a, b) => a * b, 1);
    return { shape: t.shape, data: t.data.subarray(instance * size, (instance + 1) * size) };
  }
  if (name === 'W' || name === 'W1') return { shape: [m, n], data: r.W.subarray(instance * m * n, (instance + 1) * m * n) };
  if (name === 'b') return { shape: [n], data: r.b.subarray(instance * n, (instance + 1) * n) };
  throw new FigureError(`model ${g.set.model} has no tensor ${name}; it has ${Object.keys(r.params ?? { W: 0, b: 0 }).join(', ')}`);
}

/** One instance's encoder W (or W1) as [m, n] row-major: W[j·n + i] = W_{j,i}; column i is feature i's direction. */
export function encoderOf(g: FigureGroup, instance: number): Float32Array {
  return tensorOf(g, g.results.params?.W1 ? 'W1' : 'W', instance).data;
}

/** Per-feature values of one instance (featureNorm, superposition, dimensionality, benefit). */
export function perFeature(g: FigureGroup, field: 'featureNorm' | 'superposition' | 'dimensionality' | 'benefit', instance: number): Float32Array {
  const n = g.results.nFeatures;
  return g.results[field].subarray(instance * n, (instance + 1) * n);
}

/** The x axis' label and per-point value labels of a spec ("S = 0.9" style for feature probability). */
export function pointLabel(spec: SweepSpec, set: ModelSet, pos: number): string {
  const p = set.points[pos]!;
  const parts: string[] = [];
  const axes: [string, Axis | undefined][] = [['x', spec.x], ['y', spec.y]];
  for (const [key, axis] of axes) {
    if (!axis || axis.param === 'model') continue;
    const v = key === 'x' ? p.xValue : p.yValue;
    parts.push(axis.param === 'featureProbability' ? `S = ${fmtS(1 - v)}` : `r = ${+v.toPrecision(3)}`);
  }
  return parts.join(', ') || set.model;
}

/** Sparsity S = 1 − p formatted without float noise (0.999, not 0.9990000000000001). */
export function fmtS(S: number): string {
  return String(+S.toPrecision(4));
}

/** The model axis' values, or the spec's one model, in group order. */
export function modelNames(input: FigureInput): string[] {
  return input.groups.map((g) => g.set.model);
}

/** Whether a metric applies to a model kind (the metric registry's families). */
export function metricApplies(metric: MetricName, model: string): boolean {
  return metricsFor(model).includes(metric);
}

/**
 * One grid point of `input` as a figure input of its own: a spec with no axes (the point's p and
 * I per feature, its model kind) and one group holding that point's seeds, so any figure can be
 * drawn for one cell (the phase diagram's inspector does). `pos` indexes `input.groups[group].set.points`.
 * @throws RangeError when group or pos is out of range
 */
export function pointInput(input: FigureInput, group: number, pos: number): FigureInput {
  const g = input.groups[group];
  const point = g?.set.points[pos];
  if (!g || !point) throw new RangeError(`pointInput: group ${group}, point ${pos} is out of range`);
  const { x: _x, y: _y, ...rest } = input.spec;
  const spec: SweepSpec = { ...rest, model: g.set.model, featureProbability: [...point.featureProbability], importance: [...point.importance] } as SweepSpec;
  const seeds = g.set.seeds;
  return {
    spec,
    groups: [{ set: { ...g.set, points: [{ ...point, index: 0, xIndex: 0, yIndex: 0 }] }, results: sliceInstances(g.results, pos * seeds, seeds, { copy: true }), kept: Int32Array.of(g.kept[pos] ?? -1) }],
  };
}
