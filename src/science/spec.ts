/**
 * The user-facing sweep specification (`SweepSpec`): a JSON document that names a model, its
 * size, up to two swept axes and the training settings. It is validated with zod (never by hand);
 * every problem becomes one {@link SpecError} whose message names the path, the bad value and the
 * allowed range. {@link resolveSpec} / {@link resolveSpecGroups} expand a valid spec into the
 * {@link ModelSet}(s) that the engine and the CPU reference train.
 *
 * Example (the paper's phase diagram, section "Superposition as a phase change"):
 * ```json
 * { "model": "relu", "nFeatures": 2, "nHidden": 1,
 *   "x": { "param": "featureProbability", "min": 0.01, "max": 1, "count": 32, "scale": "log" },
 *   "y": { "param": "importance", "mode": "last", "min": 0.1, "max": 10, "count": 32, "scale": "log" },
 *   "seeds": 4, "seed": 0,
 *   "training": { "steps": 10000, "batchSize": 1024, "learningRate": 0.001, "optimizer": "adamw",
 *                 "weightDecay": 0.01, "schedule": "constant" },
 *   "evalBatchSize": 8192 }
 * ```
 * Vocabulary (docs/science.md "Symbols"): p = `featureProbability` = 1 − S is the probability that a
 * feature is non-zero; S (sparsity) is never a field of the format.
 */
import { z } from 'zod';
import { DATA_KINDS, dataDefinition } from './data/index.js';
import { MODEL_KINDS, modelDefinition } from './models/index.js';
import type { GridPoint, ModelKind, ModelSet, TrainingSettings } from './types.js';

// ---------------------------------------------------------------------------------------------
// Limits
// ---------------------------------------------------------------------------------------------

/** Largest `nFeatures` the format accepts (the engine accepts fewer: {@link ENGINE_MAX_FEATURES}). */
export const FORMAT_MAX_FEATURES = 4096;
/**
 * Largest `nFeatures` the engine trains; {@link resolveSpec} rejects more. The workgroup layout
 * keeps x and ∂L/∂x' of one example in workgroup memory (8n bytes, within WebGPU's guaranteed
 * 16 KiB with room for m).
 */
export const ENGINE_MAX_FEATURES = 1024;
/** Largest `nHidden` the engine trains; {@link resolveSpec} rejects more. */
export const ENGINE_MAX_HIDDEN = 256;
/** Most values on one axis. */
export const MAX_AXIS_COUNT = 4096;
/** Most seeds (independent models) per grid point. */
export const MAX_SEEDS = 1024;
/** Model kind used when the spec names none and no axis sweeps `model`. */
export const DEFAULT_MODEL: ModelKind = 'relu';
/** Model kinds that {@link resolveSpec} can hand to the engine: all of them (src/science/models). */
export const IMPLEMENTED_MODELS: readonly ModelKind[] = MODEL_KINDS;

// ---------------------------------------------------------------------------------------------
// Schema building blocks
// ---------------------------------------------------------------------------------------------

/** Custom range messages start with "allowed:"; the formatter prefixes "<path>: <value> is out of range; ". */
function intRange(lo: number, hi: number, what = ''): z.ZodInt {
  const allowed = `allowed: integers ${lo}..${hi}${what}`;
  return z.int({ error: allowed }).min(lo, { error: allowed }).max(hi, { error: allowed });
}

const P_ALLOWED = 'allowed: (0, 1] (p = 1 − S, the probability that a feature is non-zero)';
/** A feature probability p = 1 − S, in (0, 1]. */
const probability = z.number().gt(0, { error: P_ALLOWED }).lte(1, { error: P_ALLOWED });

const I_ALLOWED = 'allowed: > 0 (an importance)';
/** An importance (or importance ratio r), > 0. */
const importanceValue = z.number().gt(0, { error: I_ALLOWED });

/** Model kinds of the format: the registry in src/science/models. */
const modelKindSchema = z
  .enum(MODEL_KINDS)
  .describe(
    `Model kind (docs/science.md 'Models'): ${MODEL_KINDS.map((k) => `${k} = ${modelDefinition(k).summary}`).join('; ')}. Default relu`,
  );

/** The data a model is trained on (src/science/data). */
const dataSchema = z
  .strictObject({
    kind: z
      .enum(DATA_KINDS)
      .default('independent')
      .describe(`Data kind: ${DATA_KINDS.map((k) => `${k} = ${dataDefinition(k).summary}`).join('; ')}. Default independent`),
    sets: z
      .array(z.array(z.int({ error: 'allowed: feature indices (integers)' }).min(0, { error: 'allowed: feature indices >= 0' })).min(2, { error: 'allowed: sets of at least 2 features' }))
      .optional()
      .describe('Feature sets of the correlated and anticorrelated kinds: lists of feature indices, disjoint'),
  })
  .describe('The data: independent features (default), signed values, correlated or anticorrelated sets');

const featuresSelectorSchema = z
  .array(z.int({ error: 'allowed: feature indices (integers)' }).min(0, { error: 'allowed: feature indices >= 0' }))
  .min(1)
  .optional()
  .describe('Only these features take the axis value; the others keep the fixed featureProbability / importance (the paper\'s non-uniform experiment)');

/** How an importance value r becomes a per-feature vector I (length n). */
const importanceModeSchema = z
  .enum(['decay', 'last', 'uniform'])
  .describe('decay: I_i = r^i; last: all 1 except the last feature, which gets r (the phase diagram); uniform: all r');

const scaleSchema = z
  .enum(['log', 'linear'])
  .default('log')
  .describe('Spacing of a min/max/count axis (geometric or arithmetic), and how the axis is drawn; default log');

interface RangeFields {
  min?: number | undefined;
  max?: number | undefined;
  count?: number | undefined;
  scale: 'log' | 'linear';
  values?: number[] | undefined;
}

/** Either `values`, or `min`, `max` and `count`; a log axis needs min > 0; min <= max. */
function checkRange(axis: RangeFields, ctx: z.RefinementCtx): void {
  const hasRange = axis.min !== undefined || axis.max !== undefined || axis.count !== undefined;
  if (axis.values !== undefined) {
    if (hasRange) {
      ctx.addIssue({
        code: 'custom',
        path: ['values'],
        message: 'give either "values" or "min", "max" and "count", not both',
      });
    }
    return;
  }
  for (const key of ['min', 'max', 'count'] as const) {
    if (axis[key] === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: [key],
        message: `missing; an axis needs either "values" or all of "min", "max" and "count"`,
      });
      return;
    }
  }
  const min = axis.min!;
  const max = axis.max!;
  if (axis.scale === 'log' && !(min > 0)) {
    ctx.addIssue({ code: 'custom', path: ['min'], input: min, message: 'allowed: > 0 for a log axis' });
  }
  if (max < min) {
    ctx.addIssue({ code: 'custom', path: ['max'], input: max, message: `allowed: >= min (${min})` });
  }
}

const labelSchema = z.string().optional().describe('Axis title for plots (default: the parameter name)');

const featureProbabilityAxisSchema = z
  .strictObject({
    param: z.literal('featureProbability').describe('Sweep p = 1 − S, the same for every feature (or the `features` given)'),
    features: featuresSelectorSchema,
    label: labelSchema,
    min: probability.optional().describe('First value, in (0, 1]'),
    max: probability.optional().describe('Last value, in (0, 1]'),
    count: intRange(1, MAX_AXIS_COUNT).optional().describe(`Number of values, 1..${MAX_AXIS_COUNT}`),
    scale: scaleSchema,
    values: z
      .array(probability)
      .min(1)
      .max(MAX_AXIS_COUNT)
      .optional()
      .describe('Explicit values, each in (0, 1] (instead of min/max/count)'),
  })
  .superRefine(checkRange);

const importanceAxisSchema = z
  .strictObject({
    param: z.literal('importance').describe('Sweep an importance value r; `mode` says how r sets the vector I'),
    mode: importanceModeSchema,
    features: featuresSelectorSchema,
    label: labelSchema,
    min: importanceValue.optional().describe('First value, > 0'),
    max: importanceValue.optional().describe('Last value, > 0'),
    count: intRange(1, MAX_AXIS_COUNT).optional().describe(`Number of values, 1..${MAX_AXIS_COUNT}`),
    scale: scaleSchema,
    values: z
      .array(importanceValue)
      .min(1)
      .max(MAX_AXIS_COUNT)
      .optional()
      .describe('Explicit values, each > 0 (instead of min/max/count)'),
  })
  .superRefine(checkRange);

const modelAxisSchema = z
  .strictObject({
    param: z.literal('model').describe('Sweep the model kind: one ModelSet per kind (resolveSpecGroups)'),
    label: labelSchema,
    values: z
      .array(modelKindSchema)
      .min(1)
      .max(MODEL_KINDS.length)
      .refine((v) => new Set(v).size === v.length, { error: 'model kinds must not repeat' }),
  })
  .describe('A model axis');

/** One swept axis: `featureProbability`, `importance` or `model`. */
export const axisSchema = z.discriminatedUnion('param', [
  featureProbabilityAxisSchema,
  importanceAxisSchema,
  modelAxisSchema,
]);

/** Non-swept importance: a mode and value r, or an explicit per-feature array (length n, each > 0). */
const fixedImportanceSchema = z.union(
  [
    z.strictObject({
      mode: importanceModeSchema,
      value: importanceValue.default(1).describe('r, > 0; default 1'),
    }),
    z.array(importanceValue).min(1),
  ],
  { error: 'expected {"mode": "decay"|"last"|"uniform", "value": r} or an array of nFeatures numbers > 0' },
);

/** Non-swept feature probability: one p for every feature, or an array of length n; each in (0, 1]. */
const fixedProbabilitySchema = z.union([probability, z.array(probability).min(1)], {
  error: 'expected a number in (0, 1] or an array of nFeatures numbers in (0, 1]',
});

/** Training settings with the notebook's defaults (docs/science.md "Training defaults"). */
export const trainingSchema = z
  .strictObject({
    steps: intRange(1, 10_000_000).default(10_000).describe('Optimiser steps; default 10000'),
    batchSize: intRange(1, 65_536).default(1024).describe('Examples per step; default 1024'),
    learningRate: z
      .number()
      .gt(0, { error: 'allowed: > 0' })
      .default(1e-3)
      .describe('Peak learning rate; default 1e-3'),
    optimizer: z.enum(['adamw', 'adam']).default('adamw').describe('adamw (decoupled decay, default) or adam (L2)'),
    weightDecay: z
      .number()
      .gte(0, { error: 'allowed: >= 0' })
      .default(0.01)
      .describe('Applied to W and b; default 0.01'),
    schedule: z
      .enum(['constant', 'linear', 'cosine'])
      .default('constant')
      .describe('Learning-rate schedule; default constant'),
    beta1: z
      .number()
      .gte(0, { error: 'allowed: [0, 1)' })
      .lt(1, { error: 'allowed: [0, 1)' })
      .default(0.9)
      .describe('Adam β1; default 0.9'),
    beta2: z
      .number()
      .gte(0, { error: 'allowed: [0, 1)' })
      .lt(1, { error: 'allowed: [0, 1)' })
      .default(0.999)
      .describe('Adam β2; default 0.999'),
    epsilon: z.number().gt(0, { error: 'allowed: > 0' }).default(1e-8).describe('Adam ε; default 1e-8'),
  })
  .describe('Training settings (the notebook defaults)');

/** The notebook's training settings, every field defaulted (docs/science.md "Training defaults"). */
export const DEFAULT_TRAINING: Readonly<TrainingSettings> = Object.freeze(trainingSchema.parse({}));

/** Regime thresholds (docs/science.md "Regimes"): represented iff ‖W_i‖ > normThreshold; superposed iff also Σ_{j≠i}(Ŵ_i·W_j)² > superpositionThreshold. */
export const regimeThresholdsSchema = z.strictObject({
  normThreshold: z.number().gt(0, { error: 'allowed: > 0' }).default(0.5).describe('default 0.5'),
  superpositionThreshold: z.number().gte(0, { error: 'allowed: >= 0' }).default(0.1).describe('default 0.1'),
});

/** Metrics a training history can record (docs/science.md "Experiments", learning dynamics). */
export const RECORD_METRICS = ['loss', 'featureNorm', 'superposition', 'dimensionality', 'dimsPerFeature'] as const;

/** Training dynamics: the loss and chosen metrics every `every` steps (the paper's "Learning dynamics"). */
export const recordSchema = z
  .strictObject({
    every: intRange(1, 10_000_000).describe('Record at steps 0, every, 2·every, …, and the last step'),
    metrics: z
      .array(z.enum(RECORD_METRICS))
      .default(['loss', 'dimensionality', 'dimsPerFeature'])
      .describe(`Metrics to record: ${RECORD_METRICS.join(', ')}; default loss, dimensionality, dimsPerFeature`),
    weights: z.boolean().optional().describe('Also record W (the encoder) at each record; default: when m·n ≤ 1024'),
    seeds: z
      .enum(['all', 'kept'])
      .default('all')
      .describe('all: record every model; kept: train the sweep, then retrain only the kept seed of each point with recording (bit-identical: every draw is keyed by step)'),
    evalBatchSize: intRange(1, 1_000_000).default(1024).describe('Examples in the evaluation batch of each recorded loss; default 1024'),
  })
  .describe('Record the training dynamics into the results (history)');

const specObjectSchema = z.strictObject({
  $schema: z.string().optional().describe('Ignored; lets editors find the JSON Schema'),
  name: z.string().optional(),
  description: z.string().optional(),
  model: modelKindSchema.optional(),
  data: dataSchema.optional(),
  nFeatures: intRange(2, FORMAT_MAX_FEATURES).describe(
    `n, the number of input features: 2..${FORMAT_MAX_FEATURES} (the engine trains up to ${ENGINE_MAX_FEATURES})`,
  ),
  nHidden: z
    .int({ error: 'allowed: integers >= 1' })
    .min(1, { error: 'allowed: integers >= 1' })
    .describe(`m, the bottleneck width: 1 <= m < n (m >= n allowed for abs; the engine trains up to ${ENGINE_MAX_HIDDEN})`),
  featureProbability: fixedProbabilitySchema
    .optional()
    .describe('p = 1 − S when no axis sweeps it: one number or one per feature; required then'),
  importance: fixedImportanceSchema
    .optional()
    .describe('I when no axis sweeps it: {mode, value} or one number per feature; default uniform 1'),
  x: axisSchema.optional().describe('Horizontal axis (columns); absent: one column'),
  y: axisSchema.optional().describe('Vertical axis (rows); absent: one row'),
  seeds: intRange(1, MAX_SEEDS).default(1).describe('Independent models per grid point; default 1'),
  seed: intRange(0, 0xffffffff).default(0).describe('u32 base seed; default 0'),
  training: trainingSchema.prefault({}),
  evalBatchSize: intRange(1, 1_000_000)
    .default(8192)
    .describe('Examples in the evaluation batch (final loss, benefit); default 8192'),
  regime: regimeThresholdsSchema.prefault({}),
  record: recordSchema.optional(),
  combine: z
    .literal('lowest-loss')
    .default('lowest-loss')
    .describe("How seeds of one point are combined: keep the lowest final loss (the paper's rule)"),
});

type SpecObject = z.output<typeof specObjectSchema>;

function plural(k: number, word: string): string {
  return `${k} ${word}${k === 1 ? '' : 's'}`;
}

/** The model kinds a spec trains: a model axis' values, else `model` (default {@link DEFAULT_MODEL}). */
export function specModelKinds(spec: { model?: SpecModelKind | undefined; x?: Axis | undefined; y?: Axis | undefined }): SpecModelKind[] {
  if (spec.x?.param === 'model') return [...spec.x.values];
  if (spec.y?.param === 'model') return [...spec.y.values];
  return [spec.model ?? DEFAULT_MODEL];
}

/** Cross-field rules that one field's schema cannot express. */
function checkSpec(spec: SpecObject, ctx: z.RefinementCtx): void {
  const n = spec.nFeatures;
  const modelKinds = specModelKinds(spec);
  const wideAllowed = modelKinds.every((k) => modelDefinition(k).allowsWideHidden);
  if (spec.nHidden >= n && !wideAllowed) {
    ctx.addIssue({
      code: 'custom',
      path: ['nHidden'],
      input: spec.nHidden,
      message: `allowed: 1..${n - 1} (nHidden = m must be < nFeatures = n = ${n})`,
    });
  }
  if (spec.x && spec.y && spec.x.param === spec.y.param) {
    ctx.addIssue({
      code: 'custom',
      path: ['y', 'param'],
      message: `"${spec.y.param}" is also swept by spec.x.param; the two axes must sweep different parameters`,
    });
  }
  const swept = (param: string): 'x' | 'y' | undefined =>
    spec.x?.param === param ? 'x' : spec.y?.param === param ? 'y' : undefined;
  checkData(spec, modelKinds, ctx);
  for (const key of ['x', 'y'] as const) {
    const axis = spec[key];
    if (!axis || axis.param === 'model' || !axis.features) continue;
    axis.features.forEach((i, k) => {
      if (i >= n) ctx.addIssue({ code: 'custom', path: [key, 'features', k], input: i, message: `allowed: feature indices 0..${n - 1}` });
    });
    if (new Set(axis.features).size !== axis.features.length) ctx.addIssue({ code: 'custom', path: [key, 'features'], message: 'feature indices must not repeat' });
  }
  // An axis with a `features` selector sets only those features: the fixed value is still needed.
  const sweepsAll = (param: string): 'x' | 'y' | undefined => {
    const key = swept(param);
    const axis = key ? spec[key] : undefined;
    return axis && axis.param !== 'model' && !axis.features ? key : undefined;
  };

  const pAxis = sweepsAll('featureProbability');
  if (spec.featureProbability === undefined && !pAxis) {
    ctx.addIssue({
      code: 'custom',
      path: ['featureProbability'],
      message:
        'missing; give featureProbability (p = 1 − S: a number in (0, 1] or an array of nFeatures numbers) or sweep it on an axis',
    });
  }
  if (spec.featureProbability !== undefined && pAxis) {
    ctx.addIssue({
      code: 'custom',
      path: ['featureProbability'],
      message: `is also swept by spec.${pAxis}; remove one of them`,
    });
  }
  if (Array.isArray(spec.featureProbability) && spec.featureProbability.length !== n) {
    ctx.addIssue({
      code: 'custom',
      path: ['featureProbability'],
      message: `has ${plural(spec.featureProbability.length, 'value')}; allowed: exactly nFeatures = ${n} values`,
    });
  }
  const iAxis = sweepsAll('importance');
  if (spec.importance !== undefined && iAxis) {
    ctx.addIssue({ code: 'custom', path: ['importance'], message: `is also swept by spec.${iAxis}; remove one of them` });
  }
  if (Array.isArray(spec.importance) && spec.importance.length !== n) {
    ctx.addIssue({
      code: 'custom',
      path: ['importance'],
      message: `has ${plural(spec.importance.length, 'value')}; allowed: exactly nFeatures = ${n} values`,
    });
  }
  const mAxis = swept('model');
  if (spec.model !== undefined && mAxis) {
    ctx.addIssue({
      code: 'custom',
      path: ['model'],
      message: `${JSON.stringify(spec.model)} conflicts with spec.${mAxis}, which sweeps model; remove one of them`,
    });
  }
}

/** Data rules: sets in range and disjoint, sets only for the kinds that read them, signed data where a model needs it. */
function checkData(spec: SpecObject, modelKinds: readonly string[], ctx: z.RefinementCtx): void {
  const data = dataDefinition(spec.data?.kind ?? 'independent');
  const sets = spec.data?.sets;
  for (const kind of modelKinds) {
    const model = modelDefinition(kind);
    if (model.requiresSignedData && !data.signed) {
      ctx.addIssue({ code: 'custom', path: ['data', 'kind'], input: data.kind, message: `the ${kind} model needs signed data; allowed: "signed" (values U[−1, 1))` });
    }
  }
  if (data.usesSets && !sets) {
    ctx.addIssue({ code: 'custom', path: ['data', 'sets'], message: `missing; the ${data.kind} kind needs feature sets, e.g. [[0, 1], [2, 3]]` });
  }
  if (!data.usesSets && sets) {
    ctx.addIssue({ code: 'custom', path: ['data', 'sets'], message: `the ${data.kind} kind reads no sets; allowed: "correlated" or "anticorrelated" with sets` });
  }
  const seen = new Map<number, number>();
  sets?.forEach((set, s) => {
    set.forEach((i, k) => {
      if (i >= spec.nFeatures) ctx.addIssue({ code: 'custom', path: ['data', 'sets', s, k], input: i, message: `allowed: feature indices 0..${spec.nFeatures - 1}` });
      const other = seen.get(i);
      if (other !== undefined) ctx.addIssue({ code: 'custom', path: ['data', 'sets', s, k], input: i, message: `feature ${i} is already in set ${other}; sets must not overlap` });
      seen.set(i, s);
    });
  });
}

/**
 * The zod schema of the sweep specification. Parse with {@link parseSpec} (which turns zod's issues
 * into one {@link SpecError}); the JSON Schema for editors and documentation is
 * {@link sweepSpecJsonSchema}.
 *
 * Fields (input; defaults in brackets):
 * - `model`: 'relu' | 'linear' | 'hidden-relu' | 'abs' ['relu' unless an axis sweeps model]
 * - `nFeatures` (n): integer 2..1000; `nHidden` (m): integer 1..n−1
 * - `featureProbability`: p = 1 − S in (0, 1], scalar or per-feature array; required unless swept
 * - `importance`: {mode: decay|last|uniform, value r [1]} or per-feature array [uniform 1]
 * - `x`, `y`: optional axes sweeping `featureProbability`, `importance` (with `mode`) or `model`;
 *   numeric axes take {min, max, count, scale [log]} or {values}; optional `label`
 * - `seeds` [1]: 1..1024; `seed` [0]: u32; `evalBatchSize` [8192]: 1..1e6
 * - `training`: steps [10000], batchSize [1024], learningRate [1e-3], optimizer [adamw],
 *   weightDecay [0.01], schedule [constant], beta1 [0.9], beta2 [0.999], epsilon [1e-8]
 * - `regime`: normThreshold [0.5], superpositionThreshold [0.1]; `combine` ['lowest-loss']
 * - `name`, `description`, `$schema`: free text
 */
export const sweepSpecSchema = specObjectSchema.superRefine(checkSpec);

/** A validated sweep specification with every default filled in (the parser's output). */
export type SweepSpec = z.output<typeof sweepSpecSchema>;
/** What a user may write (optional fields may be omitted). A {@link SweepSpec} is also valid input. */
export type SweepSpecInput = z.input<typeof sweepSpecSchema>;
/** A validated axis (output of {@link axisSchema}). */
export type Axis = z.output<typeof axisSchema>;
/** A numeric axis (sweeps `featureProbability` or `importance`). */
export type NumericAxis = Exclude<Axis, { param: 'model' }>;
/** Model kinds the format names (a superset of the implemented {@link ModelKind}). */
export type SpecModelKind = z.output<typeof modelKindSchema>;
/** How an importance value becomes a vector: decay (r^i), last (1, …, 1, r), uniform (r, …, r). */
export type ImportanceMode = z.output<typeof importanceModeSchema>;
/** Regime thresholds with defaults filled in. */
export type RegimeThresholdsSpec = z.output<typeof regimeThresholdsSchema>;

// ---------------------------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------------------------

/**
 * A spec that cannot be used. `message` is one clear sentence such as
 * `spec.x.min: -1 is out of range; allowed: > 0 for a log axis`; `path` is the dotted path of the
 * offending field (`spec.x.min`), `problems` lists every problem found (the first is `message`).
 */
export class SpecError extends Error {
  /** Dotted path of the offending field, starting with `spec` (just `spec` for the whole document). */
  readonly path: string;
  /** All problems found, one message each; `problems[0]` starts `message`. */
  readonly problems: string[];

  constructor(message: string, path = 'spec', problems: string[] = [message]) {
    super(message);
    this.name = 'SpecError';
    this.path = path;
    this.problems = problems;
  }
}

function formatPath(path: readonly PropertyKey[]): string {
  let s = 'spec';
  for (const seg of path) s += typeof seg === 'number' ? `[${seg}]` : `.${String(seg)}`;
  return s;
}

function formatValue(v: unknown): string {
  if (v === undefined) return 'missing';
  let s: string;
  try {
    s = JSON.stringify(v) ?? String(v);
  } catch {
    s = String(v);
  }
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}

const SPARSITY_HINT =
  'sparsity S is not a parameter of the format; use featureProbability p = 1 − S (e.g. S = 0.9 is p = 0.1)';

function describeExpected(expected: string): string {
  switch (expected) {
    case 'int':
      return 'an integer';
    case 'number':
      return 'a number';
    case 'object':
      return 'an object';
    case 'array':
      return 'an array';
    case 'string':
      return 'a string';
    default:
      return expected;
  }
}

/** Turns one zod issue into "<path>: <value> <what is wrong>; allowed: <range>". */
function formatIssue(issue: z.core.$ZodIssue): { path: string; message: string } {
  const path = formatPath(issue.path);
  const input = (issue as { input?: unknown }).input;
  const value = formatValue(input);
  let text: string;
  switch (issue.code) {
    case 'invalid_type':
      text =
        input === undefined
          ? `missing; expected ${describeExpected(issue.expected)}`
          : `${value} is not ${describeExpected(issue.expected)}`;
      break;
    case 'too_small':
    case 'too_big': {
      if (issue.origin === 'array' || issue.origin === 'string') {
        const len = Array.isArray(input) || typeof input === 'string' ? input.length : NaN;
        const bound = issue.code === 'too_small' ? `at least ${issue.minimum}` : `at most ${issue.maximum}`;
        text = `has ${plural(len, issue.origin === 'array' ? 'element' : 'character')}; allowed: ${bound}`;
      } else if (issue.message.startsWith('allowed:')) {
        text = `${value} is out of range; ${issue.message}`;
      } else {
        const bound =
          issue.code === 'too_small'
            ? `${issue.inclusive ? '>=' : '>'} ${String(issue.minimum)}`
            : `${issue.inclusive ? '<=' : '<'} ${String(issue.maximum)}`;
        text = `${value} is out of range; allowed: ${bound}`;
      }
      break;
    }
    case 'invalid_value': {
      const allowed = issue.values.map((v) => JSON.stringify(v)).join(' | ');
      text = input === undefined ? `missing; allowed: ${allowed}` : `${value} is not allowed; allowed: ${allowed}`;
      break;
    }
    case 'invalid_union': {
      const disc = (issue as { discriminator?: string }).discriminator;
      const options = (issue as { options?: unknown[] }).options;
      if (disc !== undefined && options) {
        const got = input !== null && typeof input === 'object' ? (input as Record<string, unknown>)[disc] : undefined;
        const allowed = options.map((v) => JSON.stringify(v)).join(' | ');
        text =
          got === undefined
            ? `missing; allowed: ${allowed}`
            : `${formatValue(got)} is not allowed; allowed: ${allowed}`;
        if (got === 'sparsity') text += `; ${SPARSITY_HINT}`;
      } else {
        text = `${value} is not valid; ${issue.message}`;
      }
      break;
    }
    case 'unrecognized_keys': {
      text = `unknown ${issue.keys.length === 1 ? 'key' : 'keys'} ${issue.keys.map((k) => JSON.stringify(k)).join(', ')} (check the spelling; see sweepSpecJsonSchema())`;
      if (issue.keys.some((k) => /^sparsity$/i.test(k))) text += `; ${SPARSITY_HINT}`;
      break;
    }
    case 'custom':
      text = issue.message.startsWith('allowed:') ? `${value} is out of range; ${issue.message}` : issue.message;
      break;
    default:
      text = input === undefined ? issue.message : `${value}: ${issue.message}`;
  }
  return { path, message: `${path}: ${text}` };
}

// ---------------------------------------------------------------------------------------------
// Parsing
// ---------------------------------------------------------------------------------------------

/**
 * Validates a parsed JSON value as a sweep spec and fills in the defaults.
 * @param json any value (typically the result of `JSON.parse`)
 * @returns the spec with every default filled in
 * @throws SpecError naming the first problem's path, value and allowed range (all problems in `problems`)
 */
export function parseSpec(json: unknown): SweepSpec {
  const result = sweepSpecSchema.safeParse(json, { reportInput: true });
  if (result.success) return result.data;
  const formatted = result.error.issues.map(formatIssue);
  const first = formatted[0] ?? { path: 'spec', message: 'spec: invalid' };
  const more = formatted.length - 1;
  const message = more > 0 ? `${first.message} (and ${more} more ${more === 1 ? 'problem' : 'problems'})` : first.message;
  throw new SpecError(
    message,
    first.path,
    formatted.map((f) => f.message),
  );
}

/**
 * Parses JSON text and validates it with {@link parseSpec}.
 * @throws SpecError `invalid JSON: <parser message>` for text that is not JSON, else as parseSpec
 */
export function parseSpecText(text: string): SweepSpec {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new SpecError(`invalid JSON: ${e instanceof Error ? e.message : String(e)}`, 'spec');
  }
  return parseSpec(json);
}

/**
 * The JSON Schema (draft 2020-12) of the spec format as a user writes it (defaults optional), via
 * zod v4's `z.toJSONSchema`. Cross-field rules (m < n, array lengths, distinct axes) are not in it.
 */
export function sweepSpecJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(sweepSpecSchema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
}

// ---------------------------------------------------------------------------------------------
// Grid expansion
// ---------------------------------------------------------------------------------------------

/**
 * The values along one axis, in order.
 * - `values` form: the values as given.
 * - range form: `count` values from `min` to `max` inclusive, geometric (`scale: "log"`:
 *   min·(max/min)^(k/(count−1))) or arithmetic (`linear`); count 1 gives [min]. The last value
 *   is exactly `max`.
 * - model axis: the indices 0..k−1 of its `values` (see {@link axisLabels} for the kinds).
 */
export function axisValues(axis: Axis): number[] {
  if (axis.param === 'model') return axis.values.map((_, k) => k);
  if (axis.values !== undefined) return [...axis.values];
  const min = axis.min;
  const max = axis.max;
  const count = axis.count;
  if (min === undefined || max === undefined || count === undefined) {
    throw new SpecError(`axis ${axis.param}: needs "values" or "min", "max" and "count"`);
  }
  if (count === 1) return [min];
  const out: number[] = [];
  for (let k = 0; k < count; k++) {
    const t = k / (count - 1);
    out.push(axis.scale === 'log' ? min * Math.pow(max / min, t) : min + (max - min) * t);
  }
  out[0] = min;
  out[count - 1] = max;
  return out;
}

/** Text labels of an axis' values: model kinds for a model axis, otherwise the numbers (`String`). */
export function axisLabels(axis: Axis): string[] {
  if (axis.param === 'model') return [...axis.values];
  return axisValues(axis).map((v) => String(v));
}

/**
 * Grid size of a spec: columns (x values; 1 without an x axis) and rows (y values; 1 without y).
 * @throws SpecError when the spec is invalid
 */
export function gridShape(spec: SweepSpecInput): { xCount: number; yCount: number } {
  const s = parseSpec(spec);
  return {
    xCount: s.x ? axisValues(s.x).length : 1,
    yCount: s.y ? axisValues(s.y).length : 1,
  };
}

/** The importance vector I (length n) for mode and value r (docs/science.md "Regimes": mode `last` is the phase diagram's). */
export function importanceVector(mode: ImportanceMode, r: number, n: number): number[] {
  switch (mode) {
    case 'decay':
      return Array.from({ length: n }, (_, i) => Math.pow(r, i));
    case 'last':
      return Array.from({ length: n }, (_, i) => (i === n - 1 ? r : 1));
    case 'uniform':
      return new Array<number>(n).fill(r);
  }
}

function toTraining(t: SweepSpec['training']): TrainingSettings {
  return {
    steps: t.steps,
    batchSize: t.batchSize,
    learningRate: t.learningRate,
    optimizer: t.optimizer,
    weightDecay: t.weightDecay,
    schedule: t.schedule,
    beta1: t.beta1,
    beta2: t.beta2,
    epsilon: t.epsilon,
  };
}

function checkEngineLimits(spec: SweepSpec): void {
  if (spec.nFeatures > ENGINE_MAX_FEATURES) {
    throw new SpecError(
      `spec.nFeatures: ${spec.nFeatures} is out of range for the engine; allowed: 2..${ENGINE_MAX_FEATURES} (larger models are not implemented yet)`,
      'spec.nFeatures',
    );
  }
  if (spec.nHidden > ENGINE_MAX_HIDDEN) {
    throw new SpecError(
      `spec.nHidden: ${spec.nHidden} is out of range for the engine; allowed: 1..${ENGINE_MAX_HIDDEN} (larger models are not implemented yet)`,
      'spec.nHidden',
    );
  }
}

function checkModelImplemented(kind: SpecModelKind, path: string): ModelKind {
  if ((IMPLEMENTED_MODELS as readonly string[]).includes(kind)) return kind;
  throw new SpecError(`${path}: ${JSON.stringify(kind)} is not implemented yet; allowed now: ${IMPLEMENTED_MODELS.map((k) => JSON.stringify(k)).join(' | ')}`, path);
}

/** Expands a parsed spec into all points, each with its model kind. */
function expand(spec: SweepSpec): { point: GridPoint; model: ModelKind }[] {
  checkEngineLimits(spec);
  const n = spec.nFeatures;
  const xs = spec.x ? axisValues(spec.x) : [NaN];
  const ys = spec.y ? axisValues(spec.y) : [NaN];
  const axes: { axis: Axis | undefined; key: 'x' | 'y' }[] = [
    { axis: spec.x, key: 'x' },
    { axis: spec.y, key: 'y' },
  ];
  let modelKinds: ModelKind[] | undefined;
  for (const { axis, key } of axes) {
    if (axis?.param === 'model') {
      modelKinds = axis.values.map((k, i) => checkModelImplemented(k, `spec.${key}.values[${i}]`));
    }
  }
  const baseModel = modelKinds ? undefined : checkModelImplemented(spec.model ?? DEFAULT_MODEL, 'spec.model');

  const out: { point: GridPoint; model: ModelKind }[] = [];
  for (let yIndex = 0; yIndex < ys.length; yIndex++) {
    for (let xIndex = 0; xIndex < xs.length; xIndex++) {
      const xValue = xs[xIndex]!;
      const yValue = ys[yIndex]!;
      let featureProbability: number[] | undefined;
      let importance: number[] | undefined;
      let model = baseModel;
      for (const { axis, key } of axes) {
        if (!axis) continue;
        const v = key === 'x' ? xValue : yValue;
        if (axis.param === 'featureProbability' && !axis.features) featureProbability = new Array<number>(n).fill(v);
        else if (axis.param === 'importance' && !axis.features) importance = importanceVector(axis.mode, v, n);
        else if (axis.param === 'model') model = modelKinds![v]!;
      }
      if (!featureProbability) {
        const fp = spec.featureProbability;
        if (fp === undefined) throw new SpecError('spec.featureProbability: missing', 'spec.featureProbability');
        featureProbability = Array.isArray(fp) ? [...fp] : new Array<number>(n).fill(fp);
      }
      if (!importance) {
        const imp = spec.importance;
        importance =
          imp === undefined
            ? new Array<number>(n).fill(1)
            : Array.isArray(imp)
              ? [...imp]
              : importanceVector(imp.mode, imp.value, n);
      }
      // Selector axes set only their features, over the fixed vectors.
      for (const { axis, key } of axes) {
        if (!axis || axis.param === 'model' || !axis.features) continue;
        const v = key === 'x' ? xValue : yValue;
        for (const i of axis.features) (axis.param === 'featureProbability' ? featureProbability : importance)[i] = v;
      }
      checkSetProbabilities(spec, featureProbability, yIndex * xs.length + xIndex);
      out.push({
        point: { index: yIndex * xs.length + xIndex, xIndex, yIndex, xValue, yValue, featureProbability, importance },
        model: model!,
      });
    }
  }
  return out;
}

/** An anticorrelated set is on with probability Σ p of its members, which must stay ≤ 1. */
function checkSetProbabilities(spec: SweepSpec, p: number[], index: number): void {
  if (spec.data?.kind !== 'anticorrelated') return;
  spec.data.sets?.forEach((set, s) => {
    const total = set.reduce((a, i) => a + p[i]!, 0);
    if (total > 1 + 1e-9) {
      throw new SpecError(`spec.data.sets[${s}]: the members' feature probabilities sum to ${total.toPrecision(4)} at grid point ${index}; allowed: ≤ 1 (at most one member of an anticorrelated set is on)`, `spec.data.sets[${s}]`);
    }
  });
}

function makeSet(spec: SweepSpec, model: ModelKind, points: GridPoint[]): ModelSet {
  return {
    model,
    data: spec.data?.kind ?? 'independent',
    featureSets: spec.data?.sets?.map((set) => [...set]) ?? [],
    nFeatures: spec.nFeatures,
    nHidden: spec.nHidden,
    baseSeed: spec.seed,
    seeds: spec.seeds,
    training: toTraining(spec.training),
    evalBatchSize: spec.evalBatchSize,
    ...(spec.record ? { record: { ...spec.record, weights: spec.record.weights ?? spec.nHidden * spec.nFeatures <= 1024, metrics: [...spec.record.metrics] } } : {}),
    points,
  };
}

/**
 * Expands a spec into the {@link ModelSet} the engine trains: one {@link GridPoint} per grid cell,
 * row-major (`index = yIndex * xCount + xIndex`), each with per-feature vectors p and I of length
 * n. `xValue`/`yValue` are the axis values (NaN for an absent axis). The spec is validated first
 * (input or already-parsed specs are both accepted).
 * @throws SpecError for an invalid spec; for model `hidden-relu`/`abs` ("not implemented yet");
 *   for nFeatures > {@link ENGINE_MAX_FEATURES} or nHidden > {@link ENGINE_MAX_HIDDEN}; and when an
 *   axis sweeps `model` (use {@link resolveSpecGroups} then)
 */
export function resolveSpec(spec: SweepSpecInput): ModelSet {
  const s = parseSpec(spec);
  const modelAxis = s.x?.param === 'model' ? 'x' : s.y?.param === 'model' ? 'y' : undefined;
  if (modelAxis) {
    throw new SpecError(
      `spec.${modelAxis}.param: "model" sweeps several model kinds, which do not fit in one ModelSet; use resolveSpecGroups`,
      `spec.${modelAxis}.param`,
    );
  }
  const expanded = expand(s);
  return makeSet(
    s,
    expanded[0]!.model,
    expanded.map((e) => e.point),
  );
}

/**
 * Like {@link resolveSpec}, but also handles an axis that sweeps `model`: returns one
 * {@link ModelSet} per model kind, in the order of the axis' values (a single set when no axis
 * sweeps model). Points keep their global grid `index`, `xIndex` and `yIndex`; within each set the
 * instance index is still (position in that set's `points`) × seeds + seedIndex.
 * @throws SpecError as resolveSpec (except for the model axis)
 */
export function resolveSpecGroups(spec: SweepSpecInput): ModelSet[] {
  const s = parseSpec(spec);
  const expanded = expand(s);
  const groups = new Map<ModelKind, GridPoint[]>();
  for (const { point, model } of expanded) {
    let g = groups.get(model);
    if (!g) groups.set(model, (g = []));
    g.push(point);
  }
  return [...groups].map(([model, points]) => makeSet(s, model, points));
}
