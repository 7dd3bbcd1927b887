/**
 * The `<superposition-phase-diagram>` attributes as a sweep spec. Pure (no DOM, no GPU), so every
 * rule here is unit-tested in Node.
 *
 * Without `preset`, the element trains the paper's n = 2, m = 1 phase diagram (section
 * "Superposition as a phase change"; preset `phase-2-1`): x = feature density p = 1 − S over
 * [density-min, density-max], y = relative importance r of the last feature over
 * [importance-min, importance-max]. With `preset`, that preset's spec is the starting point and
 * each attribute that is set overrides the matching field.
 */
import { getPreset } from '../science/presets.js';
import { MODEL_KINDS, modelDefinition } from '../science/models/index.js';
import { ENGINE_MAX_FEATURES, ENGINE_MAX_HIDDEN, MAX_AXIS_COUNT, MAX_SEEDS, parseSpec, SpecError, type Axis, type SweepSpec, type SweepSpecInput } from '../science/spec.js';
import { metricNames, perFeatureMetrics, type MetricChoice, type MetricName } from '../render/figure-data.js';

/**
 * An attribute (or property) value the element cannot use. `message` names the attribute, the bad
 * value and the allowed values, e.g. `n-features="1" is out of range; allowed: integers 2..64`.
 */
export class AttributeError extends Error {
  constructor(
    /** The attribute's kebab-case name, e.g. `n-features` (or `spec` for the spec property). */
    readonly attribute: string,
    /** The value as given. */
    readonly value: unknown,
    /** What is allowed, in words. */
    readonly allowed: string,
    message = `${attribute}=${typeof value === 'number' ? String(value) : JSON.stringify(value)} is not allowed; allowed: ${allowed}`,
  ) {
    super(message);
    this.name = 'AttributeError';
  }
}

/** The element's sweep attributes after type conversion (undefined = not set). Property names are the camelCase of the attributes. */
export interface SweepAttributes {
  preset?: string | null;
  model?: string | null;
  nFeatures?: number | null;
  nHidden?: number | null;
  densityMin?: number | null;
  densityMax?: number | null;
  /** Spacing of the density axis: `log` (default) or `linear`. */
  densityMode?: string | null;
  importanceMin?: number | null;
  importanceMax?: number | null;
  /** Spacing of the importance axis: `log` (default) or `linear`. */
  importanceMode?: string | null;
  cols?: number | null;
  rows?: number | null;
  seeds?: number | null;
  steps?: number | null;
  batchSize?: number | null;
  learningRate?: number | null;
  seed?: number | null;
}

/** Kebab-case attribute name of each {@link SweepAttributes} property. */
export const SWEEP_ATTRIBUTE_NAMES: Readonly<Record<keyof SweepAttributes, string>> = {
  preset: 'preset',
  model: 'model',
  nFeatures: 'n-features',
  nHidden: 'n-hidden',
  densityMin: 'density-min',
  densityMax: 'density-max',
  densityMode: 'density-mode',
  importanceMin: 'importance-min',
  importanceMax: 'importance-max',
  importanceMode: 'importance-mode',
  cols: 'cols',
  rows: 'rows',
  seeds: 'seeds',
  steps: 'steps',
  batchSize: 'batch-size',
  learningRate: 'learning-rate',
  seed: 'seed',
};

/** The preset the element trains when no `preset` or `spec` is given. */
export const DEFAULT_ELEMENT_PRESET = 'phase-2-1';

const set = <T>(v: T | null | undefined): v is T => v !== undefined && v !== null;

/**
 * Lit attribute converter for numbers that keeps bad text visible: `"abc"` becomes NaN (reported by
 * {@link specFromAttributes} with the attribute's name), a missing attribute becomes undefined.
 */
export const numberConverter = {
  fromAttribute: (value: string | null): number | undefined => (value === null || value.trim() === '' ? undefined : Number(value)),
  toAttribute: (value: number | undefined): string | null => (value === undefined || value === null ? null : String(value)),
};

function checkNumber(name: keyof SweepAttributes, v: number, rule: { integer?: boolean; min?: number; max?: number; gt?: number; lte?: number }, allowed: string): number {
  const ok =
    Number.isFinite(v) &&
    (!rule.integer || Number.isInteger(v)) &&
    (rule.min === undefined || v >= rule.min) &&
    (rule.max === undefined || v <= rule.max) &&
    (rule.gt === undefined || v > rule.gt) &&
    (rule.lte === undefined || v <= rule.lte);
  if (!ok) throw new AttributeError(SWEEP_ATTRIBUTE_NAMES[name], v, allowed);
  return v;
}

function checkChoice<T extends string>(name: keyof SweepAttributes, v: string, allowed: readonly T[]): T {
  if (!(allowed as readonly string[]).includes(v)) throw new AttributeError(SWEEP_ATTRIBUTE_NAMES[name], v, allowed.join(', '));
  return v as T;
}

/** Replaces an axis' range fields, turning an explicit `values` axis into min/max/count first. */
function overrideAxis(axis: Axis, min: number | undefined, max: number | undefined, count: number | undefined, scale: 'log' | 'linear' | undefined): Axis {
  if (axis.param === 'model') return axis;
  if (min === undefined && max === undefined && count === undefined && scale === undefined) return axis;
  const next: Record<string, unknown> = { ...axis };
  if (axis.values) {
    next.min = Math.min(...axis.values);
    next.max = Math.max(...axis.values);
    next.count = axis.values.length;
    delete next.values;
  }
  if (min !== undefined) next.min = min;
  if (max !== undefined) next.max = max;
  if (count !== undefined) next.count = count;
  if (scale !== undefined) next.scale = scale;
  return next as Axis;
}

/**
 * Builds and validates the sweep spec the attributes describe.
 * @param attrs the attributes that are set (others undefined or null)
 * @param specProperty a whole spec (the element's `spec` property); when given it wins over every attribute
 * @returns the validated spec, defaults filled in
 * @throws AttributeError naming the first bad attribute and its allowed values; for problems only the
 *   combined spec shows (e.g. density-max < density-min), an AttributeError whose attribute is the
 *   closest attribute and whose message is the spec validator's.
 */
export function specFromAttributes(attrs: SweepAttributes, specProperty?: SweepSpecInput | null): SweepSpec {
  if (set(specProperty)) {
    try {
      return parseSpec(specProperty);
    } catch (e) {
      if (e instanceof SpecError) throw new AttributeError('spec', specProperty, 'a sweep spec (see the README\'s "Spec format")', `spec property: ${e.message}`);
      throw e;
    }
  }
  const presetName = set(attrs.preset) && attrs.preset !== '' ? attrs.preset : DEFAULT_ELEMENT_PRESET;
  let spec: Record<string, unknown>;
  try {
    spec = getPreset(presetName).spec as Record<string, unknown>;
  } catch (e) {
    if (e instanceof SpecError) throw new AttributeError('preset', presetName, e.message.replace(/^.*known presets: /, ''));
    throw e;
  }
  const a = attrs;
  if (set(a.model)) {
    const model = checkChoice('model', a.model, MODEL_KINDS);
    spec.model = model;
    // A model that needs signed inputs (abs) gets them unless the spec says otherwise.
    if (modelDefinition(model).requiresSignedData && spec.data === undefined) spec.data = { kind: 'signed' };
    for (const k of ['x', 'y'] as const) if ((spec[k] as Axis | undefined)?.param === 'model') delete spec[k];
  }
  if (set(a.nFeatures)) spec.nFeatures = checkNumber('nFeatures', a.nFeatures, { integer: true, min: 2, max: ENGINE_MAX_FEATURES }, `integers 2..${ENGINE_MAX_FEATURES}`);
  if (set(a.nHidden)) spec.nHidden = checkNumber('nHidden', a.nHidden, { integer: true, min: 1, max: ENGINE_MAX_HIDDEN }, `integers 1..${ENGINE_MAX_HIDDEN} (and < n-features)`);
  if (set(a.nFeatures) && !set(a.nHidden) && (spec.nHidden as number) >= (spec.nFeatures as number)) spec.nHidden = Math.max(1, (spec.nFeatures as number) - 1);
  const p = (name: 'densityMin' | 'densityMax') => (set(a[name]) ? checkNumber(name, a[name], { gt: 0, lte: 1 }, '(0, 1] (feature density p = 1 − S)') : undefined);
  const r = (name: 'importanceMin' | 'importanceMax') => (set(a[name]) ? checkNumber(name, a[name], { gt: 0 }, '> 0 (relative importance)') : undefined);
  const count = (name: 'cols' | 'rows') => (set(a[name]) ? checkNumber(name, a[name], { integer: true, min: 1, max: MAX_AXIS_COUNT }, `integers 1..${MAX_AXIS_COUNT}`) : undefined);
  const scale = (name: 'densityMode' | 'importanceMode') => (set(a[name]) ? checkChoice(name, a[name], ['log', 'linear']) : undefined);
  const densityMin = p('densityMin');
  const densityMax = p('densityMax');
  const importanceMin = r('importanceMin');
  const importanceMax = r('importanceMax');
  const cols = count('cols');
  const rows = count('rows');
  for (const key of ['x', 'y'] as const) {
    const axis = spec[key] as Axis | undefined;
    if (!axis) continue;
    const n = key === 'x' ? cols : rows;
    if (axis.param === 'featureProbability') spec[key] = overrideAxis(axis, densityMin, densityMax, n, scale('densityMode'));
    else if (axis.param === 'importance') spec[key] = overrideAxis(axis, importanceMin, importanceMax, n, scale('importanceMode'));
  }
  if (set(a.seeds)) spec.seeds = checkNumber('seeds', a.seeds, { integer: true, min: 1, max: MAX_SEEDS }, `integers 1..${MAX_SEEDS}`);
  if (set(a.seed)) spec.seed = checkNumber('seed', a.seed, { integer: true, min: 0, max: 0xffffffff }, 'integers 0..4294967295');
  const training = { ...(spec.training as Record<string, unknown> | undefined) };
  if (set(a.steps)) training.steps = checkNumber('steps', a.steps, { integer: true, min: 1, max: 10_000_000 }, 'integers 1..10000000');
  if (set(a.batchSize)) training.batchSize = checkNumber('batchSize', a.batchSize, { integer: true, min: 1, max: 65_536 }, 'integers 1..65536');
  if (set(a.learningRate)) training.learningRate = checkNumber('learningRate', a.learningRate, { gt: 0, max: 10 }, '(0, 10]');
  spec.training = training;
  try {
    return parseSpec(spec);
  } catch (e) {
    if (e instanceof SpecError) throw new AttributeError(attributeForPath(e.path), undefined, '', e.message);
    throw e;
  }
}

/** The attribute closest to a spec path, for errors only the combined spec reveals. */
function attributeForPath(path: string): string {
  if (path.startsWith('spec.nHidden')) return 'n-hidden';
  if (path.startsWith('spec.nFeatures')) return 'n-features';
  if (/^spec\.[xy]/.test(path)) return 'density-min';
  if (path.startsWith('spec.training')) return 'steps';
  return 'preset';
}

/** Metric attribute values, kebab-case (`dims-per-feature`), in {@link metricNames} order. */
export const METRIC_ATTRIBUTE_VALUES = metricNames.map((m) => m.replace(/[A-Z]/g, (c) => '-' + c.toLowerCase()));

/**
 * Parses the `metric` and `feature` attributes.
 * @param metric one of {@link METRIC_ATTRIBUTE_VALUES} (default `regime`); camelCase names are accepted too
 * @param feature a feature index 0 … nFeatures−1 for per-feature metrics (default: the last feature
 *   on a phase diagram, every feature on a one-axis figure)
 * @throws AttributeError for an unknown metric or a feature index out of range
 */
export function metricFromAttributes(metric: string | null | undefined, feature: number | null | undefined, nFeatures: number): MetricChoice {
  const text = metric ?? 'regime';
  const name = text.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase()) as MetricName;
  if (!metricNames.includes(name)) throw new AttributeError('metric', text, METRIC_ATTRIBUTE_VALUES.join(', '));
  const choice: MetricChoice = { name };
  if (set(feature) && perFeatureMetrics.includes(name)) {
    if (!(Number.isInteger(feature) && feature >= 0 && feature < nFeatures)) throw new AttributeError('feature', feature, `integers 0..${nFeatures - 1} (n-features = ${nFeatures})`);
    choice.feature = feature;
  }
  return choice;
}
