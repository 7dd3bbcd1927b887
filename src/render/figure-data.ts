/**
 * Which metric a headless run shows, and the figure (grid, axes, colouring) it becomes. Pure:
 * runs in Node and in the page.
 *
 * Two layouts:
 * - two numeric axes (e.g. featureProbability × importance): one cell per grid point, the chosen
 *   metric of the kept seed (default `regime` of the last feature — the paper's phase diagram);
 * - otherwise (one numeric axis, a model axis, or none): columns are the numeric axis' values,
 *   rows (top to bottom) are (model, feature) pairs for per-feature metrics (default `norm`: which features each
 *   model represents as p changes) or one row per model for per-model metrics.
 */
import { checkMetricApplies, metricFromFields, METRIC_NAMES, METRICS, type MetricField, type MetricName } from '../science/metric-registry.js';
import { axisLabels, axisValues, specModelKinds, type Axis, type SweepSpec } from '../science/spec.js';
import type { ModelResults, ModelSet } from '../science/types.js';
import { regimeColors, regimeLabels } from './colormap.js';
import { isEvenlySpaced } from './ticks.js';
import type { FigureAxis, PhaseDiagramFigure } from './figure.js';
import type { GroupResult } from '../headless/run-types.js';

/** Metrics a figure can show. Per-feature ones take a feature index. */
export const metricNames: readonly MetricName[] = METRIC_NAMES;
export type { MetricName };

/** Metrics with one value per feature (the rest have one per model). */
export const perFeatureMetrics: readonly MetricName[] = METRIC_NAMES.filter((m) => METRICS[m].per === 'feature');
/** Metrics with one value per hidden neuron (NAME:j picks neuron j). */
export const perNeuronMetrics: readonly MetricName[] = METRIC_NAMES.filter((m) => METRICS[m].per === 'neuron');

/** A metric and, for per-feature metrics, an optional feature index (default: see {@link defaultMetric}). */
export interface MetricChoice {
  name: MetricName;
  feature?: number;
}

/** Human-readable description of each metric (colour-bar label). */
export const metricTitles = Object.fromEntries(METRIC_NAMES.map((m) => [m, METRICS[m].title])) as Record<MetricName, string>;

/**
 * Parses `NAME` or `NAME:FEATURE` (e.g. `regime`, `norm:0`).
 * @throws Error naming the value and the allowed names when it is not one of {@link metricNames}
 *   or the feature index is not a non-negative integer, or when a per-model metric gets an index.
 */
export function parseMetric(text: string): MetricChoice {
  const [name, feature, extra] = text.split(':');
  if (!metricNames.includes(name as MetricName) || extra !== undefined) {
    throw new Error(`--metric: ${JSON.stringify(text)} is not allowed; allowed: ${metricNames.join(', ')} (per-feature ones optionally as NAME:FEATURE, e.g. norm:0; per-neuron ones as NAME:NEURON)`);
  }
  const choice: MetricChoice = { name: name as MetricName };
  if (feature !== undefined) {
    if (METRICS[choice.name].per === 'model') throw new Error(`--metric: ${name} has one value per model; it takes no feature index`);
    if (!/^\d+$/.test(feature)) throw new Error(`--metric: ${METRICS[choice.name].per} index ${JSON.stringify(feature)} is not allowed; allowed: integers 0..${METRICS[choice.name].per === 'neuron' ? 'nHidden' : 'nFeatures'}−1`);
    choice.feature = Number(feature);
  }
  return choice;
}

/** The numeric (non-model) axes of a spec, with which figure key they are on. */
function numericAxes(spec: SweepSpec): { key: 'x' | 'y'; axis: Exclude<Axis, { param: 'model' }> }[] {
  const out: { key: 'x' | 'y'; axis: Exclude<Axis, { param: 'model' }> }[] = [];
  if (spec.x && spec.x.param !== 'model') out.push({ key: 'x', axis: spec.x });
  if (spec.y && spec.y.param !== 'model') out.push({ key: 'y', axis: spec.y });
  return out;
}

/**
 * The metric shown when none is asked for: `regime` of the last feature for sweeps with two numeric
 * axes (the phase diagram), otherwise `norm` of every feature.
 */
export function defaultMetric(spec: SweepSpec): MetricChoice {
  return numericAxes(spec).length === 2 ? { name: 'regime' } : { name: 'norm' };
}

/**
 * Checks a metric choice against a spec.
 * @throws Error when the feature index is ≥ nFeatures.
 */
export function checkMetric(spec: SweepSpec, m: MetricChoice): void {
  const models = specModelKinds(spec);
  try {
    checkMetricApplies(m.name, models);
  } catch (e) {
    throw new Error(`--metric: ${(e as Error).message}`);
  }
  if (METRICS[m.name].per === 'neuron') {
    if (m.feature !== undefined && m.feature >= spec.nHidden) throw new Error(`--metric: neuron index ${m.feature} is out of range; allowed: 0..${spec.nHidden - 1} (nHidden = ${spec.nHidden})`);
    return;
  }
  if (m.feature !== undefined && m.feature >= spec.nFeatures) {
    throw new Error(`--metric: feature index ${m.feature} is out of range; allowed: 0..${spec.nFeatures - 1} (nFeatures = ${spec.nFeatures})`);
  }
}

/** Axis title in the field's terms (the axis' own `label` wins). */
export function axisTitle(axis: Axis): string {
  if (axis.label) return axis.label;
  switch (axis.param) {
    case 'featureProbability':
      return 'feature density p = 1 − S';
    case 'importance':
      return axis.mode === 'last' ? 'relative importance r of the last feature' : axis.mode === 'decay' ? 'importance decay r (I_i = r^i)' : 'importance I (every feature)';
    case 'model':
      return 'model';
  }
}

/** A figure axis for a spec axis: log/linear when evenly spaced in that scale, else one label per value. */
export function figureAxis(axis: Axis): FigureAxis {
  const title = axisTitle(axis);
  if (axis.param === 'model') return { title, scale: 'category', labels: axisLabels(axis) };
  const values = axisValues(axis);
  for (const scale of [axis.scale, axis.scale === 'log' ? 'linear' : 'log'] as const) {
    if (isEvenlySpaced(values, scale)) return { title, scale, values };
  }
  return { title, scale: 'category', values, labels: values.map((v) => String(Number(v.toPrecision(3)))) };
}

/** The value of a metric for the kept seed of point `pos` of a group (NaN when no seed was kept). */
export function keptMetric(spec: SweepSpec, g: GroupResult, pos: number, metric: MetricName, feature: number): number {
  return keptMetricOf(spec, g.set, g.results, g.kept, pos, metric, feature);
}

/** {@link keptMetric} from the parts of a group: its set, results and kept seeds. */
export function keptMetricOf(spec: SweepSpec, set: ModelSet, r: ModelResults, kept: Int32Array, pos: number, metric: MetricName, feature: number): number {
  const seed = kept[pos]!;
  if (seed < 0) return NaN;
  const inst = pos * set.seeds + seed;
  const n = set.nFeatures;
  if (METRICS[metric].per === 'neuron') return r.extra?.[metric]?.[inst * set.nHidden + feature] ?? NaN;
  return metricFromFields((field, i) => (i < 0 ? r[field][inst]! : r[field][inst * n + i]!), metric, feature, spec.regime);
}

export { metricFromFields, type MetricField };

function coloring(metric: MetricName, values: Float32Array): PhaseDiagramFigure['coloring'] {
  if (metric === 'regime') return { kind: 'categorical', colors: [...regimeColors], labels: [...regimeLabels] };
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) if (Number.isFinite(v)) (lo = Math.min(lo, v)), (hi = Math.max(hi, v));
  if (!(lo <= hi)) return { kind: 'continuous', label: metricTitles[metric] };
  if (metric === 'norm' || metric === 'superposition' || metric === 'dimensionality' || metric === 'loss') lo = Math.min(lo, 0);
  if (metric === 'norm' || metric === 'dimensionality') hi = Math.max(hi, 1);
  if (lo === hi) hi = lo + 1;
  return { kind: 'continuous', label: metricTitles[metric], domain: [lo, hi] };
}

function subtitle(spec: SweepSpec): string {
  const t = spec.training;
  const seeds = spec.seeds === 1 ? '1 seed' : `lowest loss of ${spec.seeds} seeds`;
  return `${seeds} · ${t.steps} steps × batch ${t.batchSize} · ${t.optimizer} lr ${t.learningRate}`;
}

/**
 * One model group as a figure sees it: its points and the shown value at (point position, feature)
 * — the kept seed's, or NaN when none. Live views build these from snapshots; {@link buildFigure}
 * from finished results.
 */
export interface FigureGroupView {
  set: ModelSet;
  /** The metric's value at point `pos` of `set.points` for `feature` (ignored by per-model metrics). */
  value: (pos: number, feature: number) => number;
}

/** Where a (group, point, feature) goes in a figure's grid: the cell index, or −1 when not shown. */
export interface FigureCellMap {
  xCount: number;
  yCount: number;
  /** Cell index (yIndex · xCount + xIndex) of point `pos` of group `group` for `feature`; −1 when not shown. */
  cellOf: (group: number, pos: number, feature: number) => number;
}

/**
 * Builds the figure of a trained sweep.
 * @param spec the validated spec the groups were trained from
 * @param groups one per model kind, in resolveSpecGroups order
 * @param metric what to show; default {@link defaultMetric}
 * @param size figure size in CSS pixels (default 800 × 600)
 * @throws Error when the metric's feature index is out of range
 */
export function buildFigure(spec: SweepSpec, groups: GroupResult[], metric: MetricChoice = defaultMetric(spec), size?: { width: number; height: number }): PhaseDiagramFigure {
  const views = groups.map((g) => ({ set: g.set, value: (pos: number, feature: number) => keptMetric(spec, g, pos, metric.name, feature) }));
  return assembleFigure(spec, views, metric, size);
}

/**
 * The figure of any {@link FigureGroupView}s (finished or live): grid layout, axes, titles and colouring.
 * @param groups one per model kind, in resolveSpecGroups order
 * @throws Error when the metric's feature index is out of range
 */
export function assembleFigure(spec: SweepSpec, groups: readonly FigureGroupView[], metric: MetricChoice = defaultMetric(spec), size?: { width: number; height: number }): PhaseDiagramFigure {
  checkMetric(spec, metric);
  const n = spec.nFeatures;
  const num = numericAxes(spec);
  const models = groups.map((g) => g.set.model);
  const modelText = models.join(' and ');
  const base = { subtitle: subtitle(spec), ...(size ?? {}) };
  const map = figureCellMap(spec, groups, metric);
  const values = new Float32Array(map.xCount * map.yCount).fill(NaN);
  const perNeuron = METRICS[metric.name].per === 'neuron';
  const perFeature = perFeatureMetrics.includes(metric.name) || perNeuron;
  const unit = perNeuron ? 'neuron' : 'feature';
  const features = shownFeatures(spec, metric);
  groups.forEach((g, gi) =>
    g.set.points.forEach((_, pos) => {
      for (const f of features) {
        const cell = map.cellOf(gi, pos, f);
        if (cell >= 0) values[cell] = g.value(pos, Math.max(0, f));
      }
    }),
  );

  if (num.length === 2) {
    const feature = features[0]!;
    const what = metric.name === 'regime' ? `Regime of feature ${feature}${feature === n - 1 ? ' (the last)' : ''}` : `${metricTitles[metric.name]}${perFeature ? ` of ${unit} ${feature}` : ''}`;
    return {
      ...base,
      title: `${what}: ${modelText} model, n = ${n}, m = ${spec.nHidden}`,
      values,
      xCount: map.xCount,
      yCount: map.yCount,
      x: figureAxis(spec.x!),
      y: figureAxis(spec.y!),
      coloring: coloring(metric.name, values),
    };
  }

  const col = num[0];
  const rowsPerGroup = features.length;
  const rowLabels: string[] = new Array<string>(map.yCount).fill('');
  groups.forEach((g, gi) =>
    features.forEach((f, fi) => {
      rowLabels[map.yCount - 1 - (gi * rowsPerGroup + fi)] = f < 0 ? g.set.model : groups.length > 1 ? `${g.set.model} ${f}` : String(f);
    }),
  );
  const x: FigureAxis = col ? figureAxis(col.axis) : { title: '', scale: 'category', labels: [modelText] };
  const yTitle = perFeature ? (groups.length > 1 ? `model, ${unit} ${perNeuron ? 'j' : 'i'}` : `${unit} ${perNeuron ? 'j' : 'i'}`) : 'model';
  return {
    ...base,
    title: `${metricTitles[metric.name]}: ${modelText} model${groups.length > 1 ? 's' : ''}, n = ${n}, m = ${spec.nHidden}`,
    values,
    xCount: map.xCount,
    yCount: map.yCount,
    x,
    y: { title: yTitle, scale: 'category', labels: rowLabels },
    coloring: coloring(metric.name, values),
  };
}

/**
 * The features a figure shows: for two numeric axes one (the chosen one, default the last); otherwise
 * the chosen one or every feature for per-feature metrics, and [−1] for per-model metrics.
 */
export function shownFeatures(spec: SweepSpec, metric: MetricChoice): number[] {
  const perNeuron = METRICS[metric.name].per === 'neuron';
  const n = perNeuron ? spec.nHidden : spec.nFeatures;
  const perFeature = perFeatureMetrics.includes(metric.name) || perNeuron;
  if (numericAxes(spec).length === 2) return [metric.feature ?? n - 1];
  if (!perFeature) return [-1];
  return metric.feature !== undefined ? [metric.feature] : Array.from({ length: n }, (_, i) => i);
}

/**
 * The grid layout of a figure (see the module comment): two numeric axes put point p at cell
 * p.index; otherwise columns are the numeric axis' values and rows, top to bottom, are
 * (group, feature) pairs, so yIndex 0 (the bottom) is the last group's last feature.
 */
export function figureCellMap(spec: SweepSpec, groups: readonly { set: ModelSet }[], metric: MetricChoice): FigureCellMap {
  const num = numericAxes(spec);
  if (num.length === 2) {
    const xCount = axisValues(spec.x!).length;
    const yCount = axisValues(spec.y!).length;
    const feature = shownFeatures(spec, metric)[0]!;
    return { xCount, yCount, cellOf: (gi, pos, f) => (f === feature ? groups[gi]!.set.points[pos]!.index : -1) };
  }
  const col = num[0];
  const xCount = col ? axisValues(col.axis).length : 1;
  const features = shownFeatures(spec, metric);
  const rowsPerGroup = features.length;
  const yCount = rowsPerGroup * groups.length;
  return {
    xCount,
    yCount,
    cellOf: (gi, pos, f) => {
      const fi = features.indexOf(f);
      if (fi < 0) return -1;
      const p = groups[gi]!.set.points[pos]!;
      const column = col ? (col.key === 'x' ? p.xIndex : p.yIndex) : 0;
      return (yCount - 1 - (gi * rowsPerGroup + fi)) * xCount + column;
    },
  };
}
