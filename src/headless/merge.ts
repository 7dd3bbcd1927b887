/**
 * Joins the shards of a sweep (src/headless/shard.ts, docs/cluster.md) back into the results.json
 * and cells.csv an unsharded run writes: the same points and cells in grid order, every parameter,
 * metric and loss as the shards wrote them, and the whole-sweep aggregates (`diverged`,
 * `theoryAgreement`) recomputed from the merged cells. Only provenance differs: `createdAt`,
 * `timings` and, per group, `chunks`, `timings` and `samplesPerSecond` (sums over the shards).
 *
 * Pure (no file access): the caller reads each shard folder's results.json and shard.json and
 * writes what {@link mergeShardResults} returns. Nothing is merged unless every check passes; each
 * refusal is a {@link MergeError} naming the shard(s). {@link mergeProgress} reports on a partial
 * set without refusing.
 */
import { adapterName, canonicalJson, specHash } from './provenance.js';
import { invocationWorkgroupSize } from '../engine/planner.js';
import type { DeviceInfo, KernelLayout } from '../engine/types.js';
import type { MetricChoice } from '../render/figure-data.js';
import { regimeNames, type Regime } from '../science/regimes.js';
import { RESULTS_FORMAT } from '../science/results-file.js';
import { parseSpec, resolveSpecGroups, SpecError, type SweepSpec } from '../science/spec.js';
import { theoryAgreement, type TheoryAgreement, type TheoryCell, type TheoryVariant } from '../science/theory.js';
import type { ModelKind, ModelSet } from '../science/types.js';
import type { BackendName } from './run-types.js';
import { parseShardManifest, SHARD_MANIFEST_FILE, ShardError, shardSets, wholeSweepLayouts, type ShardManifest, type ShardSource } from './shard.js';
import { OUTPUT_FILES, round6 } from './writers.js';

/** What a shard folder holds, already parsed: its results.json and shard.json (undefined when absent). */
export interface ShardInput {
  /** The folder, as the user named it (only used in messages and the report). */
  dir: string;
  /** The parsed results.json. */
  results: unknown;
  /** The parsed shard.json. */
  manifest: unknown;
}

/** Why a merge was refused. */
export type MergeProblem =
  /** No shard folders given. */
  | 'empty'
  /** A shard's files are missing, unreadable, of another format, or do not belong together. */
  | 'invalid'
  /** Shards of different specs (spec hashes differ). */
  | 'spec'
  /** Shards disagree on N. */
  | 'count'
  /** Shards trained by different backends (chromium, node). */
  | 'backend'
  /** Shards trained on different adapters (vendor, architecture, description, driver limits). */
  | 'adapter'
  /** Shards written by different package versions or results formats. */
  | 'version'
  /** Two folders hold the same shard K. */
  | 'duplicate'
  /** Some K of 0 … N − 1 has no folder. */
  | 'missing'
  /** A shard's points or cells are not exactly those of shard K (wrong, repeated or missing points or seeds). */
  | 'contents'
  /** A group was trained with a layout other than the whole sweep's, or shards' layouts differ. */
  | 'layout';

/**
 * A refused merge. The message names the shard(s) as `shard K (DIR)`, e.g.
 * `missing shards 3, 5 of 8 (present: 0, 1, 2, 4, 6, 7)` or
 * `shards of different specs: shard 2 (results/shard-2) has spec sha256:1f2e…, shard 0 (results/shard-0) has sha256:9a0b…`.
 */
export class MergeError extends Error {
  constructor(
    message: string,
    /** Which check failed. */
    readonly problem: MergeProblem,
    /** The shards the message names (index when known). */
    readonly shards: readonly { dir: string; index?: number }[] = [],
  ) {
    super(message);
    this.name = 'MergeError';
  }
}

/** Options of {@link mergeShardResults}: the presentation facts results.json records (as ResultsMeta in writers.ts). */
export interface MergeOptions {
  /** ISO time; default now. */
  createdAt?: string;
  /** Metric of phase-diagram.png; default the shards' (shard K = lowest). */
  metric?: MetricChoice;
  /** Whether the caller draws phase-diagram.png beside the merged files (default false: `phaseDiagram: null`). */
  png?: boolean;
  /** The Parquet files the caller writes beside the merged results.json (default none: `parquet: null`). */
  parquet?: { models: string; points: string };
  /** Leave the per-model records out of results.json: they are in this file (models.parquet), as a sweep above --json-cells-max does. */
  cellsFile?: string;
}

/** What {@link mergeShardResults} reports about the shards it merged. */
export interface MergeReport {
  specHash: string;
  shardCount: number;
  backend: BackendName;
  adapter: DeviceInfo;
  /** Per shard, by K. */
  shards: { index: number; dir: string; source: ShardSource; points: number; cells: number; createdAt: string; totalSeconds: number | null }[];
  /** Grid points and cells (points × seeds) merged. */
  points: number;
  cells: number;
  /** Recomputed from the merged cells. */
  diverged: number;
  theoryAgreement: TheoryAgreement | null;
  /** Per model group of the spec: the layout every shard used and the merged layoutDetail. */
  groups: { model: ModelKind; layout: KernelLayout; layoutDetail: string | null; instances: number }[];
  /** Things worth saying that do not stop the merge (e.g. shards recorded different metrics). */
  warnings: string[];
}

/** A merged sweep: its spec, the files an unsharded run writes (as text), and a report. */
export interface MergedShards {
  spec: SweepSpec;
  /**
   * results.json as text chunks, in the layout of `resultsJsonChunks` (src/headless/writers.ts);
   * concatenated they are one JSON document and a newline. Each call starts afresh.
   * @param meta fields that override the {@link MergeOptions} given to the merge (e.g. `png: true`
   *   once the caller has drawn phase-diagram.png from {@link json})
   */
  chunks(meta?: MergeOptions): Generator<string>;
  /** results.json parsed (for tests, small sweeps, and loading it to draw figures); `meta` as for {@link chunks}. */
  json(meta?: MergeOptions): Record<string, unknown>;
  /** cells.csv, as `buildCellsCsv` writes it for the unsharded run. */
  cellsCsv(): string;
  report: MergeReport;
}

// ---------------------------------------------------------------------------------------------
// Reading one shard
// ---------------------------------------------------------------------------------------------

/** The fields of a results.json cell the merge reads (the writer's CellRecord). */
interface CellJson {
  gridIndex: number;
  seedIndex: number;
  model: string;
  loss: number | null;
  params: Record<string, { shape: number[]; data: (number | null)[] }>;
  featureNorm: (number | null)[];
  superposition: (number | null)[];
  dimensionality: (number | null)[];
  dimsPerFeature: number | null;
  benefit: (number | null)[];
  regime: Regime[];
  kept: boolean;
  /** The recorded training dynamics, when the model has them. */
  history?: unknown;
}

/** A results.json `points` entry. */
interface PointJson {
  gridIndex: number;
  xIndex: number;
  yIndex: number;
  model: string;
  keptSeed: number | null;
  loss: number | null;
}

/** A results.json `groups` entry. */
interface GroupJson {
  model: string;
  instances: number;
  layout: KernelLayout;
  layoutDetail: string | null;
  chunks: number;
  timings: { trainSeconds: number | null; evaluateSeconds: number | null; totalSeconds: number | null };
  samplesPerSecond: number | null;
}

interface Shard {
  dir: string;
  /** `shard K (DIR)`. */
  label: string;
  index: number;
  manifest: ShardManifest;
  results: Record<string, unknown>;
  spec: SweepSpec;
  hash: string;
  points: PointJson[];
  cells: CellJson[];
  groups: GroupJson[];
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** `sha256:1f2e3d4c…`: enough of a hash to tell two apart in a message. */
function shortHash(hash: string): string {
  return `${hash.slice(0, 'sha256:'.length + 12)}…`;
}

/** An adapter in words, e.g. `nvidia hopper NVIDIA H100 (node)`. */
function adapterInWords(a: DeviceInfo): string {
  return `${adapterName(a)} (${a.runtime})`;
}

/** Lists numbers, the first 20 of them. */
function list(values: readonly number[]): string {
  return values.length > 20 ? `${values.slice(0, 20).join(', ')}, … (${values.length} in all)` : values.join(', ');
}

/**
 * Checks one shard's files on their own: shard.json valid, results.json of {@link RESULTS_FORMAT}
 * with a valid spec whose hash, backend and device match the manifest, and arrays where
 * `points`, `cells` and `groups` belong.
 * @throws MergeError('invalid') naming the folder
 */
function readShard(input: ShardInput): Shard {
  const { dir } = input;
  if (input.manifest === undefined || input.manifest === null) {
    throw new MergeError(`${dir}: no ${SHARD_MANIFEST_FILE}; not a shard folder, or its run has not finished`, 'invalid', [{ dir }]);
  }
  let manifest: ShardManifest;
  try {
    manifest = parseShardManifest(input.manifest, `${dir}/${SHARD_MANIFEST_FILE}`);
  } catch (e) {
    if (e instanceof ShardError) throw new MergeError(e.message, 'invalid', [{ dir }]);
    throw e;
  }
  const index = manifest.shard.index;
  const label = `shard ${index} (${dir})`;
  const fail = (message: string): never => {
    throw new MergeError(`${label}: ${message}`, 'invalid', [{ dir, index }]);
  };
  const r = input.results;
  if (!isRecord(r)) return fail(`results.json is ${r === undefined ? 'missing' : 'not a JSON object'}; the shard's run has not finished or failed`);
  if (r.format !== RESULTS_FORMAT) fail(`results.json has format ${JSON.stringify(r.format)}; the merge reads ${RESULTS_FORMAT}`);
  if (manifest.resultsFormat !== r.format) fail(`shard.json says resultsFormat ${manifest.resultsFormat}, results.json has ${String(r.format)}; the two files come from different runs`);
  let spec: SweepSpec;
  try {
    spec = parseSpec(r.spec);
  } catch (e) {
    if (e instanceof SpecError) return fail(`results.json: ${e.message}`);
    throw e;
  }
  const hash = specHash(spec);
  if (hash !== manifest.specHash) fail(`shard.json's specHash ${shortHash(manifest.specHash)} is not the hash of its results.json's spec (${shortHash(hash)}); the two files come from different runs`);
  if (r.backend !== manifest.backend) fail(`results.json's backend ${JSON.stringify(r.backend)} differs from shard.json's ${JSON.stringify(manifest.backend)}; the two files come from different runs`);
  if (canonicalJson(r.device) !== canonicalJson(manifest.adapter)) fail(`results.json's device differs from shard.json's adapter; the two files come from different runs`);
  for (const key of ['points', 'cells', 'groups'] as const) {
    if (!Array.isArray(r[key])) fail(`results.json's ${key} is not an array`);
  }
  if (typeof r.diverged !== 'number') fail(`results.json's diverged is not a number`);
  return {
    dir,
    label,
    index,
    manifest,
    results: r,
    spec,
    hash,
    points: r.points as PointJson[],
    cells: r.cells as CellJson[],
    groups: r.groups as GroupJson[],
  };
}

// ---------------------------------------------------------------------------------------------
// Checks across shards
// ---------------------------------------------------------------------------------------------

/**
 * Checks that `s` belongs to the same sweep run as `ref`: spec, N, backend, adapter, package
 * version and results format. @throws MergeError naming both shards
 */
function checkSameRun(s: Shard, ref: Shard): void {
  const both = [
    { dir: s.dir, index: s.index },
    { dir: ref.dir, index: ref.index },
  ];
  if (s.hash !== ref.hash) {
    throw new MergeError(`shards of different specs: ${s.label} has spec ${shortHash(s.hash)}, ${ref.label} has ${shortHash(ref.hash)}; merge only the shards of one sweep (same spec file and flags)`, 'spec', both);
  }
  if (s.manifest.shard.count !== ref.manifest.shard.count) {
    throw new MergeError(`shards of different splits: ${s.label} is one of ${s.manifest.shard.count} shards, ${ref.label} one of ${ref.manifest.shard.count}; every shard must be run with the same N`, 'count', both);
  }
  if (s.manifest.backend !== ref.manifest.backend) {
    throw new MergeError(`shards of different backends: ${s.label} was trained by --backend ${s.manifest.backend}, ${ref.label} by --backend ${ref.manifest.backend}; their float32 results need not agree`, 'backend', both);
  }
  if (canonicalJson(s.manifest.adapter) !== canonicalJson(ref.manifest.adapter)) {
    throw new MergeError(
      `shards of different adapters: ${s.label} ran on ${adapterInWords(s.manifest.adapter)}, ${ref.label} on ${adapterInWords(ref.manifest.adapter)} (or their limits differ); their float32 results need not agree; run every shard on the same GPU model and driver`,
      'adapter',
      both,
    );
  }
  if (s.manifest.version !== ref.manifest.version || s.manifest.resultsFormat !== ref.manifest.resultsFormat) {
    throw new MergeError(`shards of different versions: ${s.label} was written by superposition-webgpu ${s.manifest.version} (${s.manifest.resultsFormat}), ${ref.label} by ${ref.manifest.version} (${ref.manifest.resultsFormat}); run every shard with the same version`, 'version', both);
  }
}

/** Indices 0 … N − 1 without a shard, and indices held by more than one shard. */
function coverage(shards: readonly Shard[], count: number): { missing: number[]; duplicates: { index: number; dirs: string[] }[] } {
  const byIndex = new Map<number, string[]>();
  for (const s of shards) byIndex.set(s.index, [...(byIndex.get(s.index) ?? []), s.dir]);
  const missing: number[] = [];
  for (let k = 0; k < count; k++) if (!byIndex.has(k)) missing.push(k);
  const duplicates = [...byIndex].filter(([, dirs]) => dirs.length > 1).map(([index, dirs]) => ({ index, dirs }));
  return { missing, duplicates };
}

/**
 * Models of a cell that diverged (loss or any parameter NaN/Inf: null in results.json, NaN or
 * ±Infinity when the cell was read from models.parquet), as `findDiverged` counts them.
 */
function cellDiverged(c: CellJson): boolean {
  const bad = (v: number | null) => v === null || !Number.isFinite(v);
  return bad(c.loss) || Object.values(c.params).some((t) => t.data.some(bad));
}

/**
 * Checks that shard `s` holds exactly the points of shard K of the whole sweep, each with every
 * seed, and nothing else; that its groups match (instances, layouts in results.json and
 * shard.json); and that its recorded `diverged` is what its cells say.
 * @param expected `shardSets(wholeSets, {index: K, count: N})`
 * @throws MergeError('contents') naming the shard, the field and the grid index
 */
function checkContents(s: Shard, expected: readonly ModelSet[], count: number, seeds: number): void {
  const fail = (message: string): never => {
    throw new MergeError(`${s.label}: ${message}`, 'contents', [{ dir: s.dir, index: s.index }]);
  };
  const modelOf = new Map<number, ModelKind>();
  for (const set of expected) for (const p of set.points) modelOf.set(p.index, set.model);
  const where = (i: number) => `grid index ${i} belongs to shard ${i % count} (${i} mod ${count})`;

  const listed = s.manifest.gridIndices;
  if (listed.length !== modelOf.size || listed.some((i) => !modelOf.has(i))) {
    fail(`shard.json lists ${listed.length} grid points; shard ${s.index} of ${count} of this spec holds ${modelOf.size}`);
  }

  const seenPoints = new Set<number>();
  s.points.forEach((p, k) => {
    if (!isRecord(p) || !Number.isInteger(p.gridIndex)) fail(`points[${k}] has no integer gridIndex`);
    const model = modelOf.get(p.gridIndex);
    if (model === undefined) fail(`points[${k}]: ${where(p.gridIndex)}, not to this shard (or is not a grid point of the spec)`);
    if (p.model !== model) fail(`points[${k}] (grid index ${p.gridIndex}) has model ${JSON.stringify(p.model)}; the spec puts ${model} there`);
    if (seenPoints.has(p.gridIndex)) fail(`points[${k}] repeats grid index ${p.gridIndex}`);
    seenPoints.add(p.gridIndex);
  });
  if (seenPoints.size !== modelOf.size) {
    const absent = [...modelOf.keys()].filter((i) => !seenPoints.has(i));
    fail(`results.json has no point for grid indices ${list(absent)}`);
  }

  const seenCells = new Set<number>();
  s.cells.forEach((c, k) => {
    if (!isRecord(c) || !Number.isInteger(c.gridIndex) || !Number.isInteger(c.seedIndex)) fail(`cells[${k}] has no integer gridIndex and seedIndex`);
    const model = modelOf.get(c.gridIndex);
    if (model === undefined) fail(`cells[${k}]: ${where(c.gridIndex)}, not to this shard (or is not a grid point of the spec)`);
    if (c.model !== model) fail(`cells[${k}] (grid index ${c.gridIndex}) has model ${JSON.stringify(c.model)}; the spec puts ${model} there`);
    if (c.seedIndex < 0 || c.seedIndex >= seeds) fail(`cells[${k}] has seedIndex ${c.seedIndex}; allowed: 0..${seeds - 1} (spec.seeds = ${seeds})`);
    if (!isRecord(c.params) || !Array.isArray(c.regime)) fail(`cells[${k}] has no params or regime`);
    const key = c.gridIndex * seeds + c.seedIndex;
    if (seenCells.has(key)) fail(`cells[${k}] repeats grid index ${c.gridIndex}, seed ${c.seedIndex}`);
    seenCells.add(key);
  });
  if (seenCells.size !== modelOf.size * seeds) fail(`results.json has ${seenCells.size} cells; shard ${s.index} holds ${modelOf.size} points × ${seeds} seeds = ${modelOf.size * seeds}`);

  if (s.groups.length !== expected.length) fail(`results.json has ${s.groups.length} model groups; shard ${s.index} of this spec trains ${expected.length} (${expected.map((g) => g.model).join(', ') || 'none'})`);
  expected.forEach((set, k) => {
    const g = s.groups[k]!;
    const m = s.manifest.groups[k];
    if (!isRecord(g) || g.model !== set.model) fail(`results.json's groups[${k}] is ${JSON.stringify(isRecord(g) ? g.model : g)}; expected ${set.model}`);
    if (g.instances !== set.points.length * seeds) fail(`group ${set.model} has ${String(g.instances)} instances; expected ${set.points.length} points × ${seeds} seeds`);
    if (!m || m.model !== g.model || m.layout !== g.layout || m.layoutDetail !== (g.layoutDetail ?? null)) fail(`shard.json's groups[${k}] does not match results.json's (model, layout, layoutDetail)`);
  });

  const diverged = s.cells.filter(cellDiverged).length;
  if (diverged !== s.results.diverged) fail(`results.json says diverged = ${String(s.results.diverged)}, but ${diverged} of its cells hold NaN/Inf`);
}

/** Layouts with one invocation per model: their layoutDetail only says how many models share a workgroup (a dispatch detail that depends on the number of models and changes no arithmetic). */
const PER_MODEL_LAYOUTS: readonly KernelLayout[] = ['per-model', 'registers', 'invocation'];

/**
 * Checks every shard's groups against the layout the whole sweep gets on the shards' adapter, and
 * (for layouts whose detail changes float32 summation order) their details against each other.
 * @returns per whole-sweep group: the layout and the merged layoutDetail (what an unsharded run writes)
 * @throws MergeError('layout') naming the shard and the group
 */
function checkLayouts(shards: readonly Shard[], whole: readonly ModelSet[], adapter: DeviceInfo): { layout: KernelLayout; layoutDetail: string | null }[] {
  const expected = wholeSweepLayouts(whole, adapter);
  return whole.map((set, k) => {
    const layout = expected[k]!;
    const instances = set.points.length * set.seeds;
    let detail: { value: string | null; shard: Shard } | undefined;
    for (const s of shards) {
      const g = s.groups.find((x) => x.model === set.model);
      if (!g) continue;
      if (g.layout !== layout) {
        throw new MergeError(
          `${s.label}: group ${set.model} was trained with the ${g.layout} layout, but the whole sweep (${instances} models) gets ${layout} on ${adapterInWords(adapter)}; ` +
            `its float32 results would differ from an unsharded run's. Train every shard with the whole sweep's layout (wholeSweepLayouts in src/headless/shard.ts)`,
          'layout',
          [{ dir: s.dir, index: s.index }],
        );
      }
      const value = g.layoutDetail ?? null;
      if (!detail) detail = { value, shard: s };
      else if (!PER_MODEL_LAYOUTS.includes(layout) && value !== detail.value) {
        throw new MergeError(
          `${s.label}: group ${set.model} was trained as ${JSON.stringify(value)}, ${detail.shard.label} as ${JSON.stringify(detail.value)}; the ${layout} layout's parameters change float32 summation order`,
          'layout',
          [
            { dir: s.dir, index: s.index },
            { dir: detail.shard.dir, index: detail.shard.index },
          ],
        );
      }
    }
    // An unsharded run's one-invocation-per-model detail names invocationWorkgroupSize of the
    // whole group (src/engine/trainer.ts: `${layout}: ${workgroupSize} models per workgroup`).
    const shardValue = detail?.value ?? null;
    const perModel = PER_MODEL_LAYOUTS.includes(layout) && shardValue !== null && /^[a-z-]+: \d+ models per workgroup$/.test(shardValue);
    return { layout, layoutDetail: perModel ? `${layout}: ${invocationWorkgroupSize(instances)} models per workgroup` : shardValue };
  });
}

// ---------------------------------------------------------------------------------------------
// Whole-sweep aggregates
// ---------------------------------------------------------------------------------------------

/** Which exact theory a group's cells are compared with (as `groupVariant` in src/headless/report.ts, which does not export it). */
function groupVariant(set: ModelSet): TheoryVariant | null {
  if (set.model !== 'relu' || (set.data ?? 'independent') !== 'independent') return null;
  if (set.nFeatures === 2 && set.nHidden === 1) return '2-1';
  if (set.nFeatures === 3 && set.nHidden === 2) return '3-2';
  return null;
}

/**
 * `theoryReport` (src/headless/report.ts) over the merged data: the same points (exact p and I
 * from the spec) and the kept seed's regime of the last feature as the shard classified it from
 * the unrounded norms (`cell.regime`), so the counts equal the unsharded run's.
 */
function mergedTheory(whole: readonly ModelSet[], keptCell: (gridIndex: number) => CellJson | undefined): TheoryAgreement | null {
  const cells: Record<TheoryVariant, TheoryCell[]> = { '2-1': [], '3-2': [] };
  for (const set of whole) {
    const variant = groupVariant(set);
    if (!variant) continue;
    const n = set.nFeatures;
    for (const point of set.points) {
      const cell = keptCell(point.index);
      const ps = point.featureProbability;
      const is = point.importance;
      const i0 = is[0]!;
      const r = is[n - 1]! / i0;
      if (!cell || !ps.every((p) => p === ps[0]) || !is.slice(0, n - 1).every((i) => i === i0) || !(i0 > 0 && r > 0)) continue;
      cells[variant].push({ featureProbability: ps[0]!, relativeImportance: r, regime: cell.regime[n - 1]! });
    }
  }
  const variant: TheoryVariant = cells['3-2'].length > 0 ? '3-2' : '2-1';
  return cells[variant].length > 0 ? theoryAgreement(cells[variant], undefined, variant) : null;
}

/** Sums numbers that may be null (a NaN timing), then rounds as the writer does. */
function sum6(values: readonly (number | null | undefined)[]): number | null {
  return round6(values.reduce<number>((a, v) => a + (typeof v === 'number' ? v : NaN), 0));
}

/** A rounded JSON number (or null) as a CSV field, as `csvNumber` in writers.ts writes the unrounded value. */
function csvValue(v: number | null | undefined): string {
  return v === null || v === undefined ? '' : String(v);
}

/** Quotes a CSV field when needed (RFC 4180), as writers.ts does. */
function csvField(s: string): string {
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

// ---------------------------------------------------------------------------------------------
// Merging
// ---------------------------------------------------------------------------------------------

/** Reads every shard and checks they belong together; the reference is the lowest K. */
function readAll(inputs: readonly ShardInput[]): { shards: Shard[]; ref: Shard } {
  if (inputs.length === 0) throw new MergeError('no shard folders given', 'empty');
  const shards = inputs.map(readShard);
  const ref = shards.reduce((a, s) => (s.index < a.index ? s : a));
  for (const s of shards) if (s !== ref) checkSameRun(s, ref);
  return { shards, ref };
}

/**
 * Merges the shards of one sweep into what an unsharded run writes.
 *
 * Checks, in this order (the first failure is thrown): each shard's files are valid and belong
 * together ('invalid'); all shards share the spec hash ('spec'), N ('count'), backend, adapter
 * (the full DeviceInfo, limits included) and package version; no K appears twice ('duplicate');
 * every K of 0 … N − 1 is present ('missing'); each shard holds exactly shard K's grid points
 * (index mod N = K), each with all seeds, and its groups and `diverged` match its cells
 * ('contents'); every group was trained with the layout the whole sweep gets on that adapter, and
 * layouts whose parameters change summation order agree across shards ('layout').
 *
 * The merged results.json: `format`, `spec`, `backend`, `device`, `regimeNames` from the shards;
 * `createdAt`, `metric`, `phaseDiagram` from `options`; `timings` = the shards' sums;
 * `groups` in spec order with `instances` and `layout` of the whole sweep, `layoutDetail` as an
 * unsharded run reports it, `chunks`/`timings` summed and `samplesPerSecond` = instances × steps ×
 * batch size / summed train seconds; `diverged` and `theoryAgreement` recomputed from the merged
 * cells; `points` and `cells` in grid-index order (cells then by seed), each exactly as its shard
 * wrote it.
 * @param inputs one entry per shard folder, in any order
 * @throws MergeError as above, naming the shard(s)
 */
export function mergeShardResults(inputs: readonly ShardInput[], options: MergeOptions = {}): MergedShards {
  const { shards, ref } = readAll(inputs);
  const count = ref.manifest.shard.count;
  const { missing, duplicates } = coverage(shards, count);
  if (duplicates.length > 0) {
    const d = duplicates[0]!;
    throw new MergeError(`shard ${d.index} of ${count} appears ${d.dirs.length} times: ${d.dirs.join(', ')}; give each shard folder once`, 'duplicate', d.dirs.map((dir) => ({ dir, index: d.index })));
  }
  if (missing.length > 0) {
    const present = shards.map((s) => s.index).sort((a, b) => a - b);
    throw new MergeError(`missing ${missing.length === 1 ? 'shard' : 'shards'} ${list(missing)} of ${count} (present: ${list(present)}); run ${missing.length === 1 ? 'it' : 'them'} (superposition sweep … --shard K/${count}) and merge again`, 'missing', []);
  }
  shards.sort((a, b) => a.index - b.index);

  const spec = ref.spec;
  const whole = resolveSpecGroups(spec);
  const seeds = spec.seeds;
  for (const s of shards) checkContents(s, shardSets(whole, { index: s.index, count }), count, seeds);
  const layouts = checkLayouts(shards, whole, ref.manifest.adapter);

  // Points and cells in grid order; each grid index belongs to exactly one shard (checked above).
  const points = shards.flatMap((s) => s.points).sort((a, b) => a.gridIndex - b.gridIndex);
  const cells = shards.flatMap((s) => s.cells).sort((a, b) => a.gridIndex - b.gridIndex || a.seedIndex - b.seedIndex);
  const pointPosition = new Map<number, number>();
  points.forEach((p, k) => pointPosition.set(p.gridIndex, k));
  const cellAt = (gridIndex: number, seed: number): CellJson | undefined => {
    // Every point has all its seeds (checked), so cell (point k, seed s) sits at k · seeds + s.
    const k = pointPosition.get(gridIndex);
    const c = k === undefined ? undefined : cells[k * seeds + seed];
    return c && c.gridIndex === gridIndex && c.seedIndex === seed ? c : undefined;
  };
  const pointAt = new Map(points.map((p) => [p.gridIndex, p]));
  const keptCell = (gridIndex: number): CellJson | undefined => {
    const seed = pointAt.get(gridIndex)?.keptSeed;
    return seed === null || seed === undefined ? undefined : cellAt(gridIndex, seed);
  };

  const diverged = cells.filter(cellDiverged).length;
  const theory = mergedTheory(whole, keptCell);
  const groups = whole.map((set, k) => {
    const parts = shards.flatMap((s) => s.groups.filter((g) => g.model === set.model));
    const instances = set.points.length * seeds;
    const trainSeconds = parts.reduce((a, g) => a + (g.timings.trainSeconds ?? NaN), 0);
    return {
      model: set.model,
      instances,
      layout: layouts[k]!.layout,
      layoutDetail: layouts[k]!.layoutDetail,
      chunks: parts.reduce((a, g) => a + g.chunks, 0),
      timings: {
        trainSeconds: sum6(parts.map((g) => g.timings.trainSeconds)),
        evaluateSeconds: sum6(parts.map((g) => g.timings.evaluateSeconds)),
        totalSeconds: sum6(parts.map((g) => g.timings.totalSeconds)),
      },
      samplesPerSecond: round6(trainSeconds > 0 ? (instances * set.training.steps * set.training.batchSize) / trainSeconds : 0),
    };
  });

  const warnings: string[] = [];
  const metrics = new Set(shards.map((s) => canonicalJson(s.results.metric)));
  if (metrics.size > 1 && options.metric === undefined) warnings.push(`the shards recorded different metrics (${[...metrics].join(', ')}); results.json takes shard ${ref.index}'s`);
  const shardTimings = (s: Shard) => (isRecord(s.results.timings) ? s.results.timings : {});
  const mergedAt = new Date().toISOString();
  const headFor = (meta: MergeOptions) => ({
    format: RESULTS_FORMAT,
    createdAt: meta.createdAt ?? mergedAt,
    spec: ref.results.spec,
    backend: ref.manifest.backend,
    device: ref.results.device,
    timings: {
      acquireSeconds: sum6(shards.map((s) => shardTimings(s).acquireSeconds as number | null)),
      totalSeconds: sum6(shards.map((s) => shardTimings(s).totalSeconds as number | null)),
    },
    groups,
    regimeNames: ref.results.regimeNames,
    metric: meta.metric ?? ref.results.metric,
    phaseDiagram: meta.png ? OUTPUT_FILES.png : null,
    diverged,
    theoryAgreement: theory,
    parquet: meta.parquet ?? null,
    ...(meta.cellsFile ? { cellsFile: meta.cellsFile } : {}),
    points,
  });

  function* chunks(meta: MergeOptions = {}): Generator<string> {
    // The same framing as resultsJsonChunks: the head object, then the cells one by one.
    const head = { ...options, ...meta };
    if (head.cellsFile) {
      // As resultsJsonChunks: the records are in models.parquet, the recorded histories stay here.
      yield JSON.stringify(headFor(head)).slice(0, -1) + ',"histories":[';
      let first = true;
      for (const c of cells) {
        if (!c.history) continue;
        yield (first ? '' : ',') + JSON.stringify({ gridIndex: c.gridIndex, model: c.model, seedIndex: c.seedIndex, history: c.history });
        first = false;
      }
      yield '],"cells":[]}\n';
      return;
    }
    yield JSON.stringify(headFor(head)).slice(0, -1) + ',"cells":[';
    let first = true;
    for (const c of cells) {
      yield (first ? '' : ',') + JSON.stringify(c);
      first = false;
    }
    yield ']}\n';
  }

  const cellsCsv = (): string => {
    const n = spec.nFeatures;
    const axes = (['x', 'y'] as const).flatMap((key) => {
      const a = spec[key];
      return a && a.param !== 'model' ? [{ key, param: a.param }] : [];
    });
    const perFeature = ['norm', 'superposition', 'dimensionality', 'benefit', 'regime'];
    const header = ['gridIndex', 'xIndex', 'yIndex', ...axes.map((a) => a.param), 'model', 'keptSeed', 'loss', 'dimsPerFeature'];
    for (const name of perFeature) for (let i = 0; i < n; i++) header.push(`${name}_${i}`);
    const rows = whole
      .flatMap((set) => set.points.map((p) => ({ p, model: set.model })))
      .sort((a, b) => a.p.index - b.p.index)
      .map(({ p, model }) => {
        const cols: string[] = [String(p.index), String(p.xIndex), String(p.yIndex)];
        // Axis values come from the spec (exact), rounded as the writer rounds them.
        for (const a of axes) cols.push(csvValue(round6(a.key === 'x' ? p.xValue : p.yValue)));
        cols.push(model);
        const seed = pointAt.get(p.index)?.keptSeed;
        const c = seed === null || seed === undefined ? undefined : cellAt(p.index, seed);
        if (!c) {
          cols.push('', '', '');
          for (let k = 0; k < perFeature.length * n; k++) cols.push('');
        } else {
          cols.push(String(seed), csvValue(c.loss), csvValue(c.dimsPerFeature));
          for (const arr of [c.featureNorm, c.superposition, c.dimensionality, c.benefit]) for (let i = 0; i < n; i++) cols.push(csvValue(arr[i]));
          for (let i = 0; i < n; i++) cols.push(csvField(regimeNames[c.regime[i]!]));
        }
        return cols.join(',');
      });
    return [header.join(','), ...rows].join('\n') + '\n';
  };

  const report: MergeReport = {
    specHash: ref.hash,
    shardCount: count,
    backend: ref.manifest.backend,
    adapter: ref.manifest.adapter,
    shards: shards.map((s) => ({
      index: s.index,
      dir: s.dir,
      source: s.manifest.source,
      points: s.points.length,
      cells: s.cells.length,
      createdAt: s.manifest.createdAt,
      totalSeconds: typeof shardTimings(s).totalSeconds === 'number' ? (shardTimings(s).totalSeconds as number) : null,
    })),
    points: points.length,
    cells: cells.length,
    diverged,
    theoryAgreement: theory,
    groups: groups.map((g) => ({ model: g.model, layout: g.layout, layoutDetail: g.layoutDetail, instances: g.instances })),
    warnings,
  };

  return {
    spec,
    chunks,
    json: (meta: MergeOptions = {}) => JSON.parse([...chunks(meta)].join('')) as Record<string, unknown>,
    cellsCsv,
    report,
  };
}

// ---------------------------------------------------------------------------------------------
// Progress of a partial set
// ---------------------------------------------------------------------------------------------

/** What {@link mergeProgress} found. */
export interface MergeProgress {
  /** N, from the shards that agree with the reference (null when no shard could be read). */
  shardCount: number | null;
  /** The reference spec's hash: the one most shards share (null when none could be read). */
  specHash: string | null;
  /** Readable shards that belong to the reference sweep, by K (a duplicated K listed once, its first folder). */
  present: { index: number; dir: string; points: number; cells: number }[];
  /** K of 0 … N − 1 with no usable folder. */
  missing: number[];
  /** K held by more than one folder. */
  duplicates: { index: number; dirs: string[] }[];
  /** Folders that cannot be merged, each with the MergeError message that says why. */
  problems: { dir: string; message: string }[];
  /** Grid points in the present shards, and in the whole sweep (null when unknown). */
  pointsDone: number;
  pointsTotal: number | null;
  /** True when {@link mergeShardResults} would find every shard once and nothing wrong with their files. */
  complete: boolean;
}

/**
 * Reports on a possibly partial set of shard folders without merging or writing anything, and
 * without throwing for bad shards: which K are present, missing or duplicated, how many grid
 * points are done, and what is wrong with the folders that cannot be merged. The reference sweep
 * is the (spec, N) most folders share (ties: the one of the lowest K).
 */
export function mergeProgress(inputs: readonly ShardInput[]): MergeProgress {
  const problems: { dir: string; message: string }[] = [];
  const readable: Shard[] = [];
  for (const input of inputs) {
    try {
      readable.push(readShard(input));
    } catch (e) {
      if (!(e instanceof MergeError)) throw e;
      problems.push({ dir: input.dir, message: e.message });
    }
  }
  if (readable.length === 0) {
    return { shardCount: null, specHash: null, present: [], missing: [], duplicates: [], problems, pointsDone: 0, pointsTotal: null, complete: false };
  }
  // The reference: the most common (spec, N); ties go to the lowest K.
  const votes = new Map<string, { n: number; best: Shard }>();
  for (const s of readable) {
    const key = `${s.hash} ${s.manifest.shard.count}`;
    const v = votes.get(key);
    if (!v) votes.set(key, { n: 1, best: s });
    else {
      v.n++;
      if (s.index < v.best.index) v.best = s;
    }
  }
  const ref = [...votes.values()].reduce((a, v) => (v.n > a.n || (v.n === a.n && v.best.index < a.best.index) ? v : a)).best;
  const count = ref.manifest.shard.count;
  const whole = resolveSpecGroups(ref.spec);
  const usable: Shard[] = [];
  for (const s of readable) {
    try {
      if (s !== ref) checkSameRun(s, ref);
      checkContents(s, shardSets(whole, { index: s.index, count }), count, ref.spec.seeds);
      usable.push(s);
    } catch (e) {
      if (!(e instanceof MergeError)) throw e;
      problems.push({ dir: s.dir, message: e.message });
    }
  }
  const { missing, duplicates } = coverage(usable, count);
  const firsts = new Map<number, Shard>();
  for (const s of usable) if (!firsts.has(s.index)) firsts.set(s.index, s);
  const present = [...firsts.values()].sort((a, b) => a.index - b.index).map((s) => ({ index: s.index, dir: s.dir, points: s.points.length, cells: s.cells.length }));
  // Layouts are checked on the shards present, so a wrong layout shows before the last shard ends.
  try {
    checkLayouts(usable, whole, ref.manifest.adapter);
  } catch (e) {
    if (!(e instanceof MergeError)) throw e;
    problems.push({ dir: e.shards[0]?.dir ?? '', message: e.message });
  }
  return {
    shardCount: count,
    specHash: ref.hash,
    present,
    missing,
    duplicates,
    problems,
    pointsDone: present.reduce((a, s) => a + s.points, 0),
    pointsTotal: whole.reduce((a, set) => a + set.points.length, 0),
    complete: missing.length === 0 && duplicates.length === 0 && problems.length === 0,
  };
}

/**
 * {@link MergeProgress} as a few lines for a terminal, e.g.
 * `6 of 8 shards present (0, 1, 2, 4, 6, 7); missing: 3, 5` /
 * `3072 of 4096 grid points done (75.0 %)` / `problem: results/shard-x: no shard.json; …`.
 */
export function formatMergeProgress(p: MergeProgress): string {
  const lines: string[] = [];
  if (p.shardCount === null) lines.push('no readable shard folder');
  else {
    lines.push(`${p.present.length} of ${p.shardCount} shards present${p.present.length ? ` (${list(p.present.map((s) => s.index))})` : ''}${p.missing.length ? `; missing: ${list(p.missing)}` : ''}`);
    if (p.pointsTotal !== null) lines.push(`${p.pointsDone} of ${p.pointsTotal} grid points done (${p.pointsTotal > 0 ? ((100 * p.pointsDone) / p.pointsTotal).toFixed(1) : '100.0'} %)`);
  }
  for (const d of p.duplicates) lines.push(`duplicate: shard ${d.index} in ${d.dirs.join(', ')}`);
  for (const q of p.problems) lines.push(`problem: ${q.message}`);
  lines.push(p.complete ? 'complete: ready to merge' : 'not ready to merge');
  return lines.join('\n') + '\n';
}
