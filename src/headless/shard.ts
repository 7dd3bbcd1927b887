/**
 * Splitting one sweep across machines (docs/cluster.md): shard K of N trains the grid points whose
 * row-major grid index i has i mod N = K, with all their seeds, and writes its results.json plus a
 * {@link ShardManifest} (`shard.json`) beside it; `src/headless/merge.ts` joins the shards back
 * into the file an unsharded run writes.
 *
 * Why this is exact: every model's PRNG stream is keyed by (base seed, grid index, seed index)
 * (`modelStream` in src/science/prng.ts), seed selection is per point (src/science/seeds.ts), and
 * the kernel arithmetic depends on the kernel layout, not on which other models share a dispatch.
 * The one thing that does depend on the number of models is the planner's layout choice on a GPU
 * (src/engine/planner.ts `chooseLayout`, `chooseAutoencoderLayout`: one invocation per model from
 * 65 536 models up, one workgroup per model below). So a shard must train each group with the
 * layout the whole sweep would get ({@link wholeSweepLayouts}); the manifest records both, and the
 * merge refuses shards whose layout differs from the whole sweep's.
 *
 * The index K and count N come from `--shard K/N` ({@link parseShard}) or from the scheduler's
 * environment ({@link shardFromEnvironment}: Kubernetes Indexed Jobs, Slurm job arrays).
 */
import { z } from 'zod';
import { chooseLayout, type PlanInput } from '../engine/planner.js';
import type { DeviceInfo, KernelLayout } from '../engine/types.js';
import { RESULTS_FORMAT } from '../science/results-file.js';
import { resolveSpecGroups, type SweepSpec } from '../science/spec.js';
import { MODEL_KINDS } from '../science/models/index.js';
import type { ModelKind, ModelSet } from '../science/types.js';
import { modelCount, type BackendName, type ShardAssignment, type SweepRun } from './run-types.js';
import { canonicalJson, ENGINE_VERSION, specHash } from './provenance.js';

export { canonicalJson, specHash };

/** Largest shard count accepted: far above any scheduler's array size; it only catches typos. */
export const MAX_SHARD_COUNT = 1_000_000;

/** File name of the manifest inside a shard's output folder. */
export const SHARD_MANIFEST_FILE = 'shard.json';

/** `format` of {@link ShardManifest} (bump when a field changes meaning). */
export const SHARD_MANIFEST_FORMAT = 'superposition-webgpu/shard@1';

export type { ShardAssignment };

/** Where a shard assignment came from: `--shard K/N`, a Kubernetes Indexed Job or a Slurm job array. */
export type ShardSource = 'flag' | 'kubernetes' | 'slurm';

/**
 * A bad shard value: `--shard` text, `--shard-count`, a scheduler's environment variable or a
 * shard.json. The message names the value and the allowed range; `value` is the offending text.
 */
export class ShardError extends Error {
  constructor(
    message: string,
    readonly value?: string,
  ) {
    super(message);
    this.name = 'ShardError';
  }
}

/** A non-negative decimal integer (no sign, exponent or fraction), else NaN. */
function parseCount(text: string): number {
  const t = text.trim();
  if (!/^\d+$/.test(t)) return NaN;
  const v = Number(t);
  return Number.isSafeInteger(v) ? v : NaN;
}

const SHARD_RANGE = `allowed: K/N with integers 0 ≤ K < N and 1 ≤ N ≤ ${MAX_SHARD_COUNT} (K counts from 0)`;

/**
 * Parses `--shard K/N`.
 * @param text e.g. "3/8" (spaces around the numbers are allowed)
 * @returns `{index: K, count: N}`
 * @throws ShardError `--shard: "8/8" is out of range; allowed: K/N with integers 0 ≤ K < N …` for
 *   text that is not K/N, N = 0, N > {@link MAX_SHARD_COUNT} or K ≥ N
 */
export function parseShard(text: string): ShardAssignment {
  const m = /^\s*([^/]*)\/([^/]*)$/.exec(text);
  const index = m ? parseCount(m[1]!) : NaN;
  const count = m ? parseCount(m[2]!) : NaN;
  if (!m || Number.isNaN(index) || Number.isNaN(count)) {
    throw new ShardError(`--shard: ${JSON.stringify(text)} is not K/N; ${SHARD_RANGE}, e.g. --shard 0/4`, text);
  }
  if (count < 1 || count > MAX_SHARD_COUNT || index >= count) {
    throw new ShardError(`--shard: ${JSON.stringify(text)} is out of range; ${SHARD_RANGE}`, text);
  }
  return { index, count };
}

/** Throws unless `shard` is a valid assignment (integers, 0 ≤ K < N ≤ MAX_SHARD_COUNT). */
function checkAssignment(shard: ShardAssignment, what = 'shard'): void {
  const { index, count } = shard;
  if (!Number.isSafeInteger(count) || count < 1 || count > MAX_SHARD_COUNT || !Number.isSafeInteger(index) || index < 0 || index >= count) {
    throw new ShardError(`${what}: ${index}/${count} is out of range; ${SHARD_RANGE}`, `${index}/${count}`);
  }
}

/** Reads one integer environment variable. @throws ShardError naming the variable and its value */
function envInteger(env: NodeJS.ProcessEnv, name: string, allowed: string): number {
  const text = env[name]!;
  const v = parseCount(text);
  if (Number.isNaN(v)) throw new ShardError(`${name}=${JSON.stringify(text)} is not an integer; allowed: ${allowed}`, text);
  return v;
}

/**
 * The shard assignment a cluster scheduler gives this process, or null outside a job array.
 *
 * - Kubernetes Indexed Job (`completionMode: Indexed`): the control plane sets
 *   `JOB_COMPLETION_INDEX` (0 … completions − 1) in every container. The pod cannot see
 *   `completions`, so N is `shardCount` (the CLI's `--shard-count N`, which must equal the Job's
 *   `completions`). K = JOB_COMPLETION_INDEX.
 * - Slurm job array (`sbatch --array=…`): Slurm sets `SLURM_ARRAY_TASK_ID` (this task's array
 *   index), `SLURM_ARRAY_TASK_MIN` / `_MAX` (lowest / highest index), `SLURM_ARRAY_TASK_COUNT`
 *   (number of tasks) and `SLURM_ARRAY_TASK_STEP` (the index step; `--array=0-15:2` runs 0, 2, …, 14
 *   with step 2, count 8). K = (TASK_ID − TASK_MIN) / TASK_STEP (STEP 1 when unset) and N =
 *   TASK_COUNT. Arrays that are not one evenly stepped range (index lists such as `1,3,9`, or
 *   `0-7,20`) are refused: their task IDs do not map onto 0 … N − 1. A `%` throttle (`0-15%4`)
 *   changes nothing here. When `shardCount` is given it must equal TASK_COUNT.
 *
 * Pure: it only reads `env`. The CLI should consult it only when `--shard-count` is given, so that
 * a job array whose tasks train different specs is never split by accident (docs/cluster.md).
 * @param env the environment, usually `process.env`
 * @param shardCount N from `--shard-count`, when given
 * @returns `{index, count, source}`, or null when neither `JOB_COMPLETION_INDEX` nor
 *   `SLURM_ARRAY_TASK_ID` is set (and no shardCount was given)
 * @throws ShardError when both schedulers' variables are set; when a variable is not a
 *   non-negative integer or is missing (`JOB_COMPLETION_INDEX` without shardCount;
 *   `SLURM_ARRAY_TASK_ID` without `SLURM_ARRAY_TASK_MIN` / `_COUNT`); when K is out of 0 … N − 1;
 *   for an uneven Slurm array; when shardCount disagrees with `SLURM_ARRAY_TASK_COUNT`; when
 *   shardCount is given outside a job array; and when shardCount itself is out of range
 */
export function shardFromEnvironment(env: NodeJS.ProcessEnv, shardCount?: number): (ShardAssignment & { source: 'kubernetes' | 'slurm' }) | null {
  if (shardCount !== undefined && (!Number.isSafeInteger(shardCount) || shardCount < 1 || shardCount > MAX_SHARD_COUNT)) {
    throw new ShardError(`--shard-count: ${String(shardCount)} is out of range; allowed: integers 1..${MAX_SHARD_COUNT}`, String(shardCount));
  }
  const k8s = env.JOB_COMPLETION_INDEX !== undefined;
  const slurm = env.SLURM_ARRAY_TASK_ID !== undefined;
  if (k8s && slurm) {
    throw new ShardError(
      `both JOB_COMPLETION_INDEX (Kubernetes) and SLURM_ARRAY_TASK_ID (Slurm) are set; cannot tell which scheduler assigns the shard; pass --shard K/N explicitly`,
    );
  }
  if (k8s) {
    const index = envInteger(env, 'JOB_COMPLETION_INDEX', 'the Indexed Job completion index 0 … completions − 1');
    if (shardCount === undefined) {
      throw new ShardError(
        `JOB_COMPLETION_INDEX=${index} is set (a Kubernetes Indexed Job), but the shard count is not; pass --shard-count N with N = the Job's spec.completions`,
      );
    }
    if (index >= shardCount) {
      throw new ShardError(
        `JOB_COMPLETION_INDEX=${index} is out of range for --shard-count ${shardCount}; allowed: 0..${shardCount - 1} (the Job's completions must equal --shard-count)`,
        String(index),
      );
    }
    return { index, count: shardCount, source: 'kubernetes' };
  }
  if (slurm) {
    const id = envInteger(env, 'SLURM_ARRAY_TASK_ID', 'a Slurm array index');
    for (const name of ['SLURM_ARRAY_TASK_MIN', 'SLURM_ARRAY_TASK_COUNT']) {
      if (env[name] === undefined) {
        throw new ShardError(`SLURM_ARRAY_TASK_ID=${id} is set but ${name} is not; this needs a Slurm that sets the job array variables (sbatch --array), or pass --shard K/N explicitly`);
      }
    }
    const min = envInteger(env, 'SLURM_ARRAY_TASK_MIN', 'the lowest array index');
    const count = envInteger(env, 'SLURM_ARRAY_TASK_COUNT', `the number of array tasks, 1..${MAX_SHARD_COUNT}`);
    const step = env.SLURM_ARRAY_TASK_STEP === undefined ? 1 : envInteger(env, 'SLURM_ARRAY_TASK_STEP', 'the array index step, ≥ 1');
    if (count < 1 || count > MAX_SHARD_COUNT) {
      throw new ShardError(`SLURM_ARRAY_TASK_COUNT=${count} is out of range; allowed: 1..${MAX_SHARD_COUNT}`, String(count));
    }
    if (step < 1) throw new ShardError(`SLURM_ARRAY_TASK_STEP=${step} is out of range; allowed: integers ≥ 1`, String(step));
    // A list such as 1,3,9 or 0-7,20 has a MIN, MAX and COUNT that no single step explains.
    const expectedMax = min + step * (count - 1);
    const max = env.SLURM_ARRAY_TASK_MAX === undefined ? expectedMax : envInteger(env, 'SLURM_ARRAY_TASK_MAX', 'the highest array index');
    const uneven = `the job array is not one evenly stepped range (SLURM_ARRAY_TASK_MIN=${min}, _MAX=${max}, _STEP=${step}, _COUNT=${count}); submit it as --array=0-${count - 1} (or pass --shard K/N explicitly)`;
    if (max !== expectedMax) throw new ShardError(uneven);
    if (id < min || id > max || (id - min) % step !== 0) {
      throw new ShardError(`SLURM_ARRAY_TASK_ID=${id} is not an index of the array ${min}-${max}${step > 1 ? `:${step}` : ''}; ${uneven.replace(/^the job array is not one evenly stepped range /, '')}`, String(id));
    }
    const index = (id - min) / step;
    if (shardCount !== undefined && shardCount !== count) {
      throw new ShardError(`--shard-count ${shardCount} disagrees with SLURM_ARRAY_TASK_COUNT=${count} (the tasks of sbatch --array); make them equal or leave out --shard-count`, String(shardCount));
    }
    return { index, count, source: 'slurm' };
  }
  if (shardCount !== undefined) {
    throw new ShardError(
      `--shard-count ${shardCount} was given, but neither JOB_COMPLETION_INDEX (Kubernetes Indexed Job) nor SLURM_ARRAY_TASK_ID (Slurm job array) is set; use --shard K/N outside a job array`,
      String(shardCount),
    );
  }
  return null;
}

/**
 * The part of a sweep that shard `shard` trains: of each set, the grid points whose grid `index`
 * mod N = K, in their original order, with every seed (the set's other fields are unchanged, so
 * each point keeps its grid index and hence its PRNG streams).
 *
 * Sets left without points are dropped (training an empty set would mean zero-sized GPU buffers).
 * A shard can therefore hold fewer groups than the spec, or none at all when N exceeds the number
 * of grid points: the caller then trains nothing and still writes results.json (with
 * `groups: []`, `points: []`, `cells: []`) and shard.json, so the merge sees every K.
 * @param sets the whole sweep, as `resolveSpecGroups(spec)` returns it
 * @throws ShardError when `shard` is not 0 ≤ K < N with N ≥ 1
 */
export function shardSets(sets: readonly ModelSet[], shard: ShardAssignment): ModelSet[] {
  checkAssignment(shard);
  const { index, count } = shard;
  return sets.flatMap((set) => {
    const points = set.points.filter((p) => p.index % count === index);
    return points.length > 0 ? [{ ...set, points }] : [];
  });
}

/** The planner's input for a set, exactly as `trainModelSet` (src/engine/trainer.ts) builds it. */
function planInput(set: ModelSet): PlanInput {
  return {
    instances: set.points.length * set.seeds,
    nFeatures: set.nFeatures,
    nHidden: set.nHidden,
    batchSize: set.training.batchSize,
    model: set.model,
    ...(set.data !== undefined ? { data: set.data } : {}),
    record: set.record !== undefined,
  };
}

/**
 * The kernel layout each group of the whole sweep gets on `device` (what `trainModelSet` chooses
 * when no layout is forced). A shard must train each of its groups with this layout (pass it as
 * `TrainOptions.layout`): on a GPU the planner's own choice depends on the number of models, and
 * the `per-workgroup` and `workgroup` layouts sum a batch in a different order than the
 * one-invocation-per-model layouts, so a smaller shard would otherwise come out different in the
 * last bits.
 * @param sets the whole sweep (`resolveSpecGroups(spec)`), not a shard's sets
 * @returns one layout per set, in order
 */
export function wholeSweepLayouts(sets: readonly ModelSet[], device: DeviceInfo): KernelLayout[] {
  return sets.map((set) => chooseLayout(planInput(set), device));
}

/** One model group of a shard: which layout trained it, which it should be, and which points it holds. */
export interface ShardGroupManifest {
  model: ModelKind;
  /** The layout that trained this group (GroupResult.layout). */
  layout: KernelLayout;
  /** GroupResult.layoutDetail (null when the backend did not report it). */
  layoutDetail: string | null;
  /** The layout the whole sweep's group gets on this adapter ({@link wholeSweepLayouts}); should equal `layout`. */
  wholeSweepLayout: KernelLayout;
  /** Models trained: points × seeds. */
  instances: number;
  /** Grid indices of this group's points, ascending. */
  gridIndices: number[];
}

/**
 * shard.json, written beside a shard's results.json (in the same atomic write, last, so its
 * presence means the results are complete):
 *
 * ```json
 * { "format": "superposition-webgpu/shard@1",
 *   "specHash": "sha256:<64 hex>",            // specHash(spec)
 *   "shard": { "index": 3, "count": 8 },       // K, N
 *   "source": "kubernetes",                     // flag | kubernetes | slurm
 *   "backend": "node",
 *   "adapter": { "vendor": "nvidia", …, "limits": {…} },   // DeviceInfo, as results.json's device
 *   "resultsFormat": "superposition-webgpu/results@2",
 *   "version": "0.2.0",                         // package version that trained it
 *   "groups": [ { "model": "relu", "layout": "per-workgroup", "layoutDetail": "…",
 *                 "wholeSweepLayout": "per-workgroup", "instances": 1024, "gridIndices": [3, 11, …] } ],
 *   "gridIndices": [3, 11, 19, …],             // every group's, ascending
 *   "totalPoints": 4096,                        // grid points of the whole sweep
 *   "createdAt": "2026-01-01T00:00:00.000Z" }
 * ```
 */
export interface ShardManifest {
  format: typeof SHARD_MANIFEST_FORMAT;
  specHash: string;
  shard: ShardAssignment;
  source: ShardSource;
  backend: BackendName;
  adapter: DeviceInfo;
  resultsFormat: string;
  version: string;
  groups: ShardGroupManifest[];
  gridIndices: number[];
  totalPoints: number;
  createdAt: string;
}

/** Options of {@link describeShard}. */
export interface DescribeShardOptions {
  /** Default 'flag'. */
  source?: ShardSource;
  /** Default {@link packageVersion}(). */
  version?: string;
  /** ISO time; default now. */
  createdAt?: string;
  /** The whole sweep's sets (default `resolveSpecGroups(spec)`), for the whole-sweep layouts and the point count. */
  wholeSets?: readonly ModelSet[];
}

/**
 * Builds the {@link ShardManifest} of a finished shard run (pure apart from reading the package
 * version once).
 * @param spec the validated spec the shard was trained from (the whole sweep's, not a shard's)
 * @param shard K and N
 * @param run what the backend returned for `shardSets(resolveSpecGroups(spec), shard)`
 * @throws ShardError when `shard` is invalid or a group of `run` is not a model kind of the spec
 */
export function describeShard(spec: SweepSpec, shard: ShardAssignment, run: SweepRun, options: DescribeShardOptions = {}): ShardManifest {
  checkAssignment(shard);
  const whole = options.wholeSets ?? resolveSpecGroups(spec);
  const layouts = wholeSweepLayouts(whole, run.device);
  const groups: ShardGroupManifest[] = run.groups.map((g) => {
    const k = whole.findIndex((s) => s.model === g.set.model);
    if (k < 0) throw new ShardError(`describeShard: group ${g.set.model} is not a model kind of the spec (${whole.map((s) => s.model).join(', ')})`);
    return {
      model: g.set.model,
      layout: g.layout,
      layoutDetail: g.layoutDetail ?? null,
      wholeSweepLayout: layouts[k]!,
      instances: modelCount(g),
      gridIndices: g.set.points.map((p) => p.index).sort((a, b) => a - b),
    };
  });
  return {
    format: SHARD_MANIFEST_FORMAT,
    specHash: specHash(spec),
    shard: { index: shard.index, count: shard.count },
    source: options.source ?? 'flag',
    backend: run.backend,
    adapter: run.device,
    resultsFormat: RESULTS_FORMAT,
    version: options.version ?? ENGINE_VERSION,
    groups,
    gridIndices: groups.flatMap((g) => g.gridIndices).sort((a, b) => a - b),
    totalPoints: whole.reduce((a, s) => a + s.points.length, 0),
    createdAt: options.createdAt ?? new Date().toISOString(),
  };
}

const KERNEL_LAYOUTS = ['per-model', 'per-workgroup', 'registers', 'workgroup', 'invocation', 'workgroup-registers'] as const satisfies readonly KernelLayout[];

const gridIndicesSchema = z.array(z.int().min(0));

/** shard.json as read back: strict on the fields the merge relies on, tolerant of extra adapter facts. */
const manifestSchema = z.object({
  format: z.literal(SHARD_MANIFEST_FORMAT),
  specHash: z.string().regex(/^sha256:[0-9a-f]{64}$/),
  shard: z.strictObject({ index: z.int().min(0), count: z.int().min(1).max(MAX_SHARD_COUNT) }).refine((s) => s.index < s.count, { error: 'allowed: 0 ≤ index < count' }),
  source: z.enum(['flag', 'kubernetes', 'slurm']),
  backend: z.enum(['chromium', 'node']),
  adapter: z.looseObject({
    vendor: z.string(),
    architecture: z.string(),
    device: z.string(),
    description: z.string(),
    runtime: z.enum(['browser', 'node']),
    limits: z.looseObject({
      maxStorageBufferBindingSize: z.number(),
      maxBufferSize: z.number(),
      maxComputeWorkgroupsPerDimension: z.number(),
      maxComputeInvocationsPerWorkgroup: z.number(),
      maxComputeWorkgroupStorageSize: z.number(),
    }),
  }),
  resultsFormat: z.string(),
  version: z.string(),
  groups: z.array(
    z.object({
      model: z.enum(MODEL_KINDS),
      layout: z.enum(KERNEL_LAYOUTS),
      layoutDetail: z.string().nullable(),
      wholeSweepLayout: z.enum(KERNEL_LAYOUTS),
      instances: z.int().min(0),
      gridIndices: gridIndicesSchema,
    }),
  ),
  gridIndices: gridIndicesSchema,
  totalPoints: z.int().min(0),
  createdAt: z.string(),
});

/**
 * Validates a parsed shard.json.
 * @param json the parsed file
 * @param source how the message names the file (default `shard.json`)
 * @returns the manifest (unknown extra fields dropped, except inside `adapter`)
 * @throws ShardError `<source>: <path>: <problem>` for the first problem, e.g.
 *   `shard.json: shard: allowed: 0 ≤ index < count`, or `format` for another manifest version
 */
export function parseShardManifest(json: unknown, source = SHARD_MANIFEST_FILE): ShardManifest {
  const result = manifestSchema.safeParse(json);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const path = issue.path.length ? issue.path.map(String).join('.') : 'manifest';
  const format = typeof json === 'object' && json !== null ? (json as { format?: unknown }).format : undefined;
  const hint = format !== SHARD_MANIFEST_FORMAT ? ` (format ${JSON.stringify(format)}; this version reads ${SHARD_MANIFEST_FORMAT})` : '';
  throw new ShardError(`${source}: ${path}: ${issue.message}${hint}`);
}
