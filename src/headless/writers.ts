/**
 * The files a headless sweep writes: `results.json`, `cells.csv` and `phase-diagram.png`.
 * Builders are pure (they return strings); {@link writeOutputsAtomically} writes them under
 * temporary names inside the output folder and renames them only after every write succeeded,
 * so a failed run never leaves half-written or mixed files behind.
 */
import { mkdir, open, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { RESULTS_FORMAT } from '../science/results-file.js';
import type { SweepSpec } from '../science/spec.js';
import { classifyFeature, regimeNames, type Regime } from '../science/regimes.js';
import { divergedCount, theoryReport } from './report.js';
import { keptSeedOf, modelCount, type GroupResult, type SweepRun } from './run-types.js';
import type { MetricChoice } from '../render/figure-data.js';

/** File names inside the output folder. */
export const OUTPUT_FILES = { json: 'results.json', csv: 'cells.csv', png: 'phase-diagram.png' } as const;

/** Gram matrices are written only for n ≤ this (they grow as n²). */
export const GRAM_MAX_FEATURES = 32;

/** Rounds to 6 significant digits; NaN and ±Infinity become null (JSON has no NaN). */
export function round6(v: number): number | null {
  if (!Number.isFinite(v)) return null;
  if (v === 0) return 0;
  return Number(v.toPrecision(6));
}

/** {@link round6} as CSV text: NaN/Infinity become an empty field. */
function csvNumber(v: number): string {
  const r = round6(v);
  return r === null ? '' : String(r);
}

/** Rounds every number of a flat record with {@link round6}. */
function roundValues<T extends Record<string, number>>(o: T): Record<keyof T, number | null> {
  return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, round6(v)])) as Record<keyof T, number | null>;
}

const roundAll = (a: ArrayLike<number>): (number | null)[] => Array.from(a, round6);

/** One grid point × seed in results.json. */
export interface CellRecord {
  gridIndex: number;
  xIndex: number;
  yIndex: number;
  featureProbability: (number | null)[];
  importance: (number | null)[];
  seedIndex: number;
  model: string;
  loss: number | null;
  /**
   * Every parameter tensor by name (src/science/models/contract.ts: W, or W1 and W2; bHidden; b),
   * each `{shape, data}` with data flat and row-major (W: shape [m, n], W[j·n + i] = W_{j,i};
   * column i is feature i's direction).
   */
  params: Record<string, { shape: number[]; data: (number | null)[] }>;
  /** Metrics beyond the per-feature geometry (ModelResults.extra): per neuron (m) or per feature (n). */
  extra?: Record<string, (number | null)[]>;
  /**
   * The recorded training dynamics of this model (spec `record`), when it has them: `steps`, then
   * per recorded metric one value per step (loss, dimsPerFeature) or one array of n per step
   * (featureNorm, superposition, dimensionality), and `W` as one flat m·n array per step.
   */
  history?: Record<string, number[] | (number | null)[] | (number | null)[][]>;
  featureNorm: (number | null)[];
  superposition: (number | null)[];
  dimensionality: (number | null)[];
  dimsPerFeature: number | null;
  benefit: (number | null)[];
  /** Wᵀ W as n rows of n numbers; only when n ≤ {@link GRAM_MAX_FEATURES}. */
  gram?: (number | null)[][];
  /** Regime code per feature (see results.json's `regimeNames`). */
  regime: Regime[];
  /** Whether this seed is the one kept for its grid point (lowest final loss). */
  kept: boolean;
}

/** Iterates every (group, point position, seed) in grid-index order, then seed order. */
function* instancesInGridOrder(groups: GroupResult[]): Generator<{ g: GroupResult; pos: number; seed: number }> {
  const order: { g: GroupResult; pos: number }[] = [];
  for (const g of groups) g.set.points.forEach((_, pos) => order.push({ g, pos }));
  order.sort((a, b) => a.g.set.points[a.pos]!.index - b.g.set.points[b.pos]!.index);
  for (const { g, pos } of order) for (let seed = 0; seed < g.set.seeds; seed++) yield { g, pos, seed };
}

/** Builds one {@link CellRecord}. */
export function cellRecord(spec: SweepSpec, g: GroupResult, pos: number, seed: number): CellRecord {
  const { nFeatures: n, nHidden: m, seeds } = g.set;
  const inst = pos * seeds + seed;
  const r = g.results;
  const p = g.set.points[pos]!;
  const Wflat = r.W.subarray(inst * m * n, (inst + 1) * m * n);
  const tensors = r.params ?? { W: { shape: [m, n], data: r.W }, b: { shape: [n], data: r.b } };
  const params: CellRecord['params'] = {};
  for (const [name, t] of Object.entries(tensors)) {
    const size = t.shape.reduce((a, b) => a * b, 1);
    params[name] = { shape: t.shape, data: roundAll(t.data.subarray(inst * size, (inst + 1) * size)) };
  }
  const norm = r.featureNorm.subarray(inst * n, (inst + 1) * n);
  const sup = r.superposition.subarray(inst * n, (inst + 1) * n);
  const rec: CellRecord = {
    gridIndex: p.index,
    xIndex: p.xIndex,
    yIndex: p.yIndex,
    featureProbability: roundAll(p.featureProbability),
    importance: roundAll(p.importance),
    seedIndex: seed,
    model: g.set.model,
    loss: round6(r.loss[inst]!),
    params,
    featureNorm: roundAll(norm),
    superposition: roundAll(sup),
    dimensionality: roundAll(r.dimensionality.subarray(inst * n, (inst + 1) * n)),
    dimsPerFeature: round6(r.dimsPerFeature[inst]!),
    benefit: roundAll(r.benefit.subarray(inst * n, (inst + 1) * n)),
    regime: Array.from(norm, (v, i) => classifyFeature(v, sup[i]!, spec.regime)),
    kept: g.kept[pos] === seed,
  };
  if (r.extra && Object.keys(r.extra).length > 0) {
    rec.extra = Object.fromEntries(
      Object.entries(r.extra).map(([name, data]) => {
        const per = data.length / r.count;
        return [name, roundAll(data.subarray(inst * per, (inst + 1) * per))];
      }),
    );
  }
  const history = historyRecord(g, inst);
  if (history) rec.history = history;
  if (n <= GRAM_MAX_FEATURES) {
    rec.gram = Array.from({ length: n }, (_, i) =>
      Array.from({ length: n }, (_, k) => {
        let s = 0;
        for (let j = 0; j < m; j++) s += Wflat[j * n + i]! * Wflat[j * n + k]!;
        return round6(s);
      }),
    );
  }
  return rec;
}

/**
 * The recorded history of instance `inst` of a group as results.json writes it ({@link CellRecord}
 * `history`), or undefined when the model has none (no `record`, or record.seeds = 'kept' and
 * this seed was not kept: its entries are NaN).
 */
function historyRecord(g: GroupResult, inst: number): CellRecord['history'] | undefined {
  const { nFeatures: n, nHidden: m } = g.set;
  const h = g.results.history;
  if (!h || h.steps.length === 0) return undefined;
  const R = h.steps.length;
  const perFeature = h.featureNorm ?? h.superposition ?? h.dimensionality;
  const first = h.loss?.[inst * R] ?? h.dimsPerFeature?.[inst * R] ?? perFeature?.[inst * R * n] ?? h.W?.[inst * R * m * n];
  if (first === undefined || Number.isNaN(first)) return undefined;
  const history: NonNullable<CellRecord['history']> = { steps: h.steps };
  for (const key of ['loss', 'dimsPerFeature'] as const) {
    const a = h[key];
    if (a) history[key] = roundAll(a.subarray(inst * R, (inst + 1) * R));
  }
  for (const key of ['featureNorm', 'superposition', 'dimensionality'] as const) {
    const a = h[key];
    if (a) history[key] = Array.from({ length: R }, (_, k) => roundAll(a.subarray((inst * R + k) * n, (inst * R + k + 1) * n)));
  }
  if (h.W) history.W = Array.from({ length: R }, (_, k) => roundAll(h.W!.subarray((inst * R + k) * m * n, (inst * R + k + 1) * m * n)));
  return history;
}

/** Extra facts recorded in results.json. */
export interface ResultsMeta {
  /** The metric drawn in phase-diagram.png. */
  metric: MetricChoice;
  /** ISO time the run finished; default now. */
  createdAt?: string;
  /** Whether phase-diagram.png was drawn. */
  png: boolean;
  /** The Parquet files written beside results.json (src/headless/parquet.ts), named in it. */
  parquet?: { models: string; points: string };
  /** Leave the per-model records out of results.json: they are in this file (models.parquet). */
  cellsFile?: string;
}

/**
 * results.json as text chunks (streamed, so large sweeps never build one giant string or object):
 * an object with `format`, `createdAt`, `spec` (validated, defaults filled in), `backend`,
 * `device`, `timings` (seconds), `groups` (per model kind: layout, chunks, timings, samples/s),
 * `regimeNames` (code → name), `metric`, `phaseDiagram` (file name or null), `diverged` (models
 * whose loss or weights are NaN/Inf; their seeds are never kept), `theoryAgreement` (for n = 2,
 * m = 1 and n = 3, m = 2 ReLU phase diagrams, the last feature's regime: cells compared away from
 * the boundaries, agreeing, fraction; else null), `points` (per grid
 * point: which seed was kept and its loss), `parquet` (the Parquet files beside it, or null) and
 * `cells` (one per grid point and seed, grid-index order then seed order; see {@link CellRecord}),
 * empty when `cellsFile` names the models.parquet that holds them instead (large sweeps); then
 * `histories` holds every recorded history as `{gridIndex, model, seedIndex, history}`. Floats are rounded to 6 significant digits;
 * NaN is null. The chunks concatenated are one JSON document followed by a newline.
 */
export function* resultsJsonChunks(spec: SweepSpec, run: SweepRun, meta: ResultsMeta): Generator<string> {
  const points = run.groups
    .flatMap((g) =>
      g.set.points.map((p, pos) => {
        const kept = g.kept[pos]!;
        return {
          gridIndex: p.index,
          xIndex: p.xIndex,
          yIndex: p.yIndex,
          model: g.set.model,
          keptSeed: kept >= 0 ? keptSeedOf(g, pos) : null,
          loss: kept >= 0 ? round6(g.results.loss[pos * g.set.seeds + kept]!) : null,
        };
      }),
    )
    .sort((a, b) => a.gridIndex - b.gridIndex);
  const head = {
    format: RESULTS_FORMAT,
    createdAt: meta.createdAt ?? new Date().toISOString(),
    spec,
    backend: run.backend,
    device: run.device,
    timings: roundValues(run.timings),
    groups: run.groups.map((g) => ({
      model: g.set.model,
      instances: modelCount(g),
      layout: g.layout,
      layoutDetail: g.layoutDetail ?? null,
      chunks: g.chunks,
      timings: roundValues(g.timings),
      samplesPerSecond: round6(g.samplesPerSecond),
    })),
    regimeNames: [regimeNames[0], regimeNames[1], regimeNames[2]],
    metric: meta.metric,
    phaseDiagram: meta.png ? OUTPUT_FILES.png : null,
    diverged: divergedCount(run),
    theoryAgreement: theoryReport(spec, run),
    parquet: meta.parquet ?? null,
    ...(meta.cellsFile ? { cellsFile: meta.cellsFile } : {}),
    points,
  };
  if (meta.cellsFile) {
    // The records live in models.parquet, which has no history columns: the recorded histories stay
    // here, one per model that has one (read back into the cells by withParquetCells).
    yield JSON.stringify(head).slice(0, -1) + ',"histories":[';
    let first = true;
    for (const { g, pos, seed } of instancesInGridOrder(run.groups)) {
      const history = g.results.history && historyRecord(g, pos * g.set.seeds + seed);
      if (!history) continue;
      yield (first ? '' : ',') + JSON.stringify({ gridIndex: g.set.points[pos]!.index, model: g.set.model, seedIndex: seed, history });
      first = false;
    }
    yield '],"cells":[]}\n';
    return;
  }
  yield JSON.stringify(head).slice(0, -1) + ',"cells":[';
  let first = true;
  for (const { g, pos, seed } of instancesInGridOrder(run.groups)) {
    yield (first ? '' : ',') + JSON.stringify(cellRecord(spec, g, pos, seed));
    first = false;
  }
  yield ']}\n';
}

/** results.json parsed back into an object (for tests and small sweeps); see {@link resultsJsonChunks}. */
export function buildResultsJson(spec: SweepSpec, run: SweepRun, meta: ResultsMeta): Record<string, unknown> {
  return JSON.parse([...resultsJsonChunks(spec, run, meta)].join('')) as Record<string, unknown>;
}

/**
 * A rough upper estimate of results.json's size in bytes (≈ 12 bytes per number), used to refuse
 * sweeps whose output would not fit in memory before anything is trained. `extraNumbersPerCell`
 * counts what a cell holds beyond W, b and the per-feature metrics (other tensors, per-neuron
 * metrics, a recorded history).
 */
export function estimateResultsJsonBytes(nFeatures: number, nHidden: number, instances: number, extraNumbersPerCell = 0): number {
  const n = nFeatures;
  const numbersPerCell = nHidden * n + 7 * n + (n <= GRAM_MAX_FEATURES ? n * n : 0) + 8 + extraNumbersPerCell;
  return instances * (numbersPerCell * 12 + 250);
}

/** Quotes a CSV field when needed (RFC 4180). */
function csvField(s: string): string {
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/**
 * cells.csv: one row per grid point (kept seed only), grid-index order. Columns: gridIndex,
 * xIndex, yIndex, the swept axis values (named after their parameter, e.g. featureProbability,
 * importance; model kinds go in `model`), model, keptSeed, loss, dimsPerFeature, then per feature
 * i: norm_i, superposition_i, dimensionality_i, benefit_i, regime_i (regime name). Empty fields
 * mean NaN or no kept seed.
 */
export function buildCellsCsv(spec: SweepSpec, run: SweepRun): string {
  const n = spec.nFeatures;
  const axes = (['x', 'y'] as const).flatMap((k) => {
    const a = spec[k];
    return a && a.param !== 'model' ? [{ key: k, param: a.param }] : [];
  });
  const perFeature = ['norm', 'superposition', 'dimensionality', 'benefit', 'regime'];
  const header = ['gridIndex', 'xIndex', 'yIndex', ...axes.map((a) => a.param), 'model', 'keptSeed', 'loss', 'dimsPerFeature'];
  for (const name of perFeature) for (let i = 0; i < n; i++) header.push(`${name}_${i}`);
  const rows: { index: number; line: string }[] = [];
  for (const g of run.groups) {
    g.set.points.forEach((p, pos) => {
      const kept = g.kept[pos]!;
      const cols: string[] = [String(p.index), String(p.xIndex), String(p.yIndex)];
      for (const a of axes) cols.push(csvNumber(a.key === 'x' ? p.xValue : p.yValue));
      cols.push(g.set.model);
      if (kept < 0) {
        cols.push('', '', '');
        for (let k = 0; k < perFeature.length * n; k++) cols.push('');
      } else {
        const inst = pos * g.set.seeds + kept;
        const r = g.results;
        cols.push(String(keptSeedOf(g, pos)), csvNumber(r.loss[inst]!), csvNumber(r.dimsPerFeature[inst]!));
        for (const arr of [r.featureNorm, r.superposition, r.dimensionality, r.benefit]) {
          for (let i = 0; i < n; i++) cols.push(csvNumber(arr[inst * n + i]!));
        }
        for (let i = 0; i < n; i++) cols.push(csvField(regimeNames[classifyFeature(r.featureNorm[inst * n + i]!, r.superposition[inst * n + i]!, spec.regime)]));
      }
      rows.push({ index: p.index, line: cols.join(',') });
    });
  }
  rows.sort((a, b) => a.index - b.index);
  return [header.join(','), ...rows.map((r) => r.line)].join('\n') + '\n';
}

/** A file to write: its final name inside the folder and its contents (text chunks are written in order). */
export interface OutputFile {
  name: string;
  data: string | Uint8Array | Iterable<string>;
}

/** Writes text chunks to `path`, batching them into writes of about 1 MB. */
async function writeChunks(path: string, chunks: Iterable<string>): Promise<void> {
  const fh = await open(path, 'w');
  try {
    let batch: string[] = [];
    let size = 0;
    for (const c of chunks) {
      batch.push(c);
      size += c.length;
      if (size >= 1 << 20) {
        await fh.write(batch.join(''));
        batch = [];
        size = 0;
      }
    }
    if (batch.length) await fh.write(batch.join(''));
  } finally {
    await fh.close();
  }
}

/**
 * Writes `files` into `dir` atomically per file: creates `dir` (recursively) if needed, writes every
 * file under a temporary name (`.NAME.PID.tmp`), and renames them into place only after all were
 * written. On any error the temporary files are removed and the existing files are left untouched.
 * @returns the final absolute-or-relative paths (joined with `dir`), in `files` order
 * @throws Error when a name is listed twice (before anything is written); the underlying fs error (after cleaning up)
 */
export async function writeOutputsAtomically(dir: string, files: OutputFile[]): Promise<string[]> {
  const names = files.map((f) => f.name);
  const twice = names.find((name, k) => names.indexOf(name) !== k);
  if (twice !== undefined) throw new Error(`writeOutputsAtomically: ${twice} is listed twice`);
  await mkdir(dir, { recursive: true });
  const temps = files.map((f) => join(dir, `.${f.name}.${process.pid}.tmp`));
  try {
    for (let k = 0; k < files.length; k++) {
      const data = files[k]!.data;
      if (typeof data === 'string' || data instanceof Uint8Array) await writeFile(temps[k]!, data);
      else await writeChunks(temps[k]!, data);
    }
    for (let k = 0; k < files.length; k++) await rename(temps[k]!, join(dir, files[k]!.name));
  } catch (e) {
    await Promise.all(temps.map((t) => rm(t, { force: true })));
    throw e;
  }
  return files.map((f) => join(dir, f.name));
}
