/**
 * Loads a saved `results.json` (written by the CLI with `resultsJsonChunks` in
 * src/headless/writers.ts) back into the in-memory layout the engine produces: one
 * {@link LoadedGroup} per model kind of the spec, with float32 arrays laid out exactly like
 * {@link ModelResults} (instance = pointPosition * seeds + seedIndex).
 *
 * Pure: no `node:` imports and nothing from src/engine, so it is safe for the browser bundle and
 * Node alike. Values in the file were rounded to 6 significant digits and NaN/Infinity were written
 * as `null`; `null` reads back as NaN. Cells absent from the file leave NaN in every array and
 * −1 in `kept`.
 */
import { modelDefinition, tensorLayout } from './models/index.js';
import { withParquetCells } from './results-parquet.js';
import { parseSpec, resolveSpecGroups, SpecError, type SweepSpec } from './spec.js';
import type { ModelResults, ModelSet, NamedTensor } from './types.js';

/**
 * The `format` string the CLI writes (results.json's first field). Version 2 holds each cell's
 * parameters as named tensors (`params: {W: {shape, data}, b: …, W2?: …}`) and any `extra`
 * metrics; version 1 (before model kinds) held `W` as m rows and `b`. Both are read.
 */
export const RESULTS_FORMAT = 'superposition-webgpu/results@2';
/** Every format this loader reads. */
export const READABLE_FORMATS = ['superposition-webgpu/results@1', RESULTS_FORMAT] as const;

/**
 * A results file that cannot be loaded. The message names the source (`results.json` or the URL),
 * the offending field and what was expected, e.g.
 * `results.json: cells[12].W has 1 rows; expected nHidden = 2` or
 * `results.json: format "x" is not supported; expected superposition-webgpu/results@1`.
 */
export class ResultsFileError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ResultsFileError';
  }
}

/**
 * One model kind's results (same meaning as `GroupResult` in src/headless/run-types.ts, without
 * the timing facts): `set` is the group's {@link ModelSet} as `resolveSpecGroups(spec)` returns
 * it; `results` holds `set.points.length * set.seeds` instances, instance = pointPosition * seeds +
 * seedIndex; `kept[pos]` is the kept seed of `set.points[pos]`, or −1 when no cell was marked kept
 * (every seed diverged, or the cells are missing).
 */
export interface LoadedGroup {
  set: ModelSet;
  results: ModelResults;
  kept: Int32Array;
}

/**
 * A parsed results file: the validated `spec` (defaults filled in), one {@link LoadedGroup} per
 * model kind in `resolveSpecGroups(spec)` order, and the file's `createdAt` (ISO time), `device`
 * (the adapter description, as written) and `metric` (the metric of phase-diagram.png) when present.
 */
export interface LoadedResults {
  spec: SweepSpec;
  groups: LoadedGroup[];
  createdAt?: string;
  device?: unknown;
  metric?: { name: string; feature?: number };
}

/** A {@link ModelResults} of `count` instances, every value NaN (missing until a cell fills it). */
function allocateNaNResults(count: number, nFeatures: number, nHidden: number): ModelResults {
  const nan = (length: number) => new Float32Array(length).fill(NaN);
  return {
    count,
    nFeatures,
    nHidden,
    W: nan(count * nHidden * nFeatures),
    b: nan(count * nFeatures),
    loss: nan(count),
    featureNorm: nan(count * nFeatures),
    superposition: nan(count * nFeatures),
    dimensionality: nan(count * nFeatures),
    dimsPerFeature: nan(count),
    benefit: nan(count * nFeatures),
  };
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function preview(v: unknown): string {
  if (v === undefined) return 'missing';
  if (Array.isArray(v)) return `an array of ${v.length}`;
  let s: string;
  try {
    s = JSON.stringify(v) ?? String(v);
  } catch {
    s = String(v);
  }
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}

/**
 * Reads a results.json document (already `JSON.parse`d) back into typed arrays.
 *
 * Checks, each failure a {@link ResultsFileError} naming the field: the document is an object;
 * `format` is {@link RESULTS_FORMAT}; `spec` is a valid spec (`parseSpec`; the SpecError's message
 * is kept) that `resolveSpecGroups` can expand; `cells` is an array; per cell: `model` is one of
 * the spec's model kinds, `gridIndex` is a grid point of that model's group, `seedIndex` is an
 * integer in 0..seeds−1, (model, gridIndex, seedIndex) is not repeated, `W` has nHidden rows of
 * nFeatures numbers, `b`, `featureNorm`, `superposition`, `dimensionality` and `benefit` have
 * nFeatures entries, `loss` and `dimsPerFeature` are numbers, every number is a finite number or
 * `null` (→ NaN), at most one seed per point is `kept: true`; `createdAt` is a string and `metric`
 * is `{name: string, feature?: integer}` when present. Other fields (`gram`, `regime`, `points`,
 * timings, …) are ignored: they are derived from the ones read.
 *
 * @param json the parsed file
 * @param source how messages name the file (default `results.json`; {@link loadResultsFile} passes the URL)
 * @returns the spec and one group per model kind; cells missing from the file stay NaN, kept −1
 * @throws ResultsFileError for anything above
 */
export function parseResultsJson(json: unknown, source = 'results.json'): LoadedResults {
  function fail(message: string, cause?: unknown): never {
    throw new ResultsFileError(`${source}: ${message}`, cause === undefined ? undefined : { cause });
  }
  if (!isRecord(json)) return fail(`expected a JSON object, got ${preview(json)}`);

  if (!(READABLE_FORMATS as readonly unknown[]).includes(json.format)) {
    fail(
      json.format === undefined
        ? `format is missing; expected ${READABLE_FORMATS.join(' or ')}`
        : `format ${preview(json.format)} is not supported; this version reads ${READABLE_FORMATS.join(' and ')} (a newer version of superposition-webgpu may have written it)`,
    );
  }

  let spec: SweepSpec;
  let sets: ModelSet[];
  try {
    spec = parseSpec(json.spec);
    sets = resolveSpecGroups(spec);
  } catch (e) {
    if (e instanceof SpecError) return fail(e.message, e);
    throw e;
  }

  const n = spec.nFeatures;
  const m = spec.nHidden;
  const version = json.format === RESULTS_FORMAT ? 2 : 1;
  const groups: LoadedGroup[] = sets.map((set) => {
    const count = set.points.length * set.seeds;
    const results = allocateNaNResults(count, n, m);
    if (version === 2) {
      // Named tensors; W and b are views of the encoder and the output bias (zeros without one).
      const def = modelDefinition(set.model);
      const params: Record<string, NamedTensor> = {};
      for (const t of tensorLayout(def, n, m)) params[t.name] = { shape: [...t.shape], data: new Float32Array(count * t.size).fill(NaN) };
      results.params = params;
      results.W = params[def.tied ? 'W' : 'W1']!.data;
      if (params.b) results.b = params.b.data;
      else results.b.fill(0);
    }
    return { set, results, kept: new Int32Array(set.points.length).fill(-1) };
  });
  const byModel = new Map<string, { group: LoadedGroup; position: Map<number, number>; seen: Uint8Array }>();
  for (const group of groups) {
    const position = new Map<number, number>();
    group.set.points.forEach((p, pos) => position.set(p.index, pos));
    byModel.set(group.set.model, { group, position, seen: new Uint8Array(group.results.count) });
  }
  const modelList = groups.map((g) => g.set.model).join(', ');

  const cells = json.cells;
  if (!Array.isArray(cells)) fail(`cells is ${preview(cells)}; expected an array of cell records`);
  for (let c = 0; c < cells.length; c++) {
    const cell: unknown = cells[c];
    const at = `cells[${c}]`;
    if (!isRecord(cell)) fail(`${at} is ${preview(cell)}; expected an object`);
    const rec = cell;

    const entry = typeof rec.model === 'string' ? byModel.get(rec.model) : undefined;
    if (!entry) fail(`${at}.model ${preview(rec.model)} is not a model kind of the spec; expected one of: ${modelList}`);
    const { group, position, seen } = entry;
    const model = group.set.model;
    const seeds = group.set.seeds;

    const gridIndex = rec.gridIndex;
    if (typeof gridIndex !== 'number' || !Number.isInteger(gridIndex)) {
      fail(`${at}.gridIndex is ${preview(gridIndex)}; expected an integer`);
    }
    const pos = position.get(gridIndex);
    if (pos === undefined) {
      fail(`${at}.gridIndex ${String(gridIndex)} is not a grid point of model "${model}" in the spec (${group.set.points.length} points)`);
    }
    const seed = rec.seedIndex;
    if (typeof seed !== 'number' || !Number.isInteger(seed) || seed < 0 || seed >= seeds) {
      fail(`${at}.seedIndex is ${preview(seed)}; expected an integer in 0..${seeds - 1} (spec.seeds = ${seeds})`);
    }
    const inst = pos * seeds + seed;
    if (seen[inst]) fail(`${at} repeats model "${model}", gridIndex ${String(gridIndex)}, seedIndex ${String(seed)}`);
    seen[inst] = 1;

    const num = (v: unknown, where: string): number => readNumber(v, where, fail);
    const vector = (key: string, expected: number, what: string): unknown[] => {
      const v = rec[key];
      if (!Array.isArray(v)) fail(`${at}.${key} is ${preview(v)}; expected an array of ${expected} numbers`);
      if (v.length !== expected) fail(`${at}.${key} has ${v.length} entries; expected ${what} = ${expected}`);
      return v as unknown[];
    };
    const fill = (key: string, target: Float32Array) => {
      const a = vector(key, n, 'nFeatures');
      for (let i = 0; i < n; i++) target[inst * n + i] = num(a[i], `${at}.${key}[${i}]`);
    };

    const r = group.results;
    if (version === 1) {
      const rows = rec.W;
      if (!Array.isArray(rows)) fail(`${at}.W is ${preview(rows)}; expected nHidden = ${m} rows of nFeatures = ${n} numbers`);
      if (rows.length !== m) fail(`${at}.W has ${rows.length} rows; expected nHidden = ${m}`);
      for (let j = 0; j < m; j++) {
        const row: unknown = rows[j];
        if (!Array.isArray(row)) fail(`${at}.W[${j}] is ${preview(row)}; expected an array of nFeatures = ${n} numbers`);
        if (row.length !== n) fail(`${at}.W[${j}] has ${row.length} entries; expected nFeatures = ${n}`);
        for (let i = 0; i < n; i++) r.W[(inst * m + j) * n + i] = num(row[i], `${at}.W[${j}][${i}]`);
      }
      fill('b', r.b);
    } else {
      const params = rec.params;
      if (!isRecord(params)) fail(`${at}.params is ${preview(params)}; expected {name: {shape, data}} for ${Object.keys(r.params!).join(', ')}`);
      for (const [name, tensor] of Object.entries(r.params!)) {
        const t = params[name];
        const size = tensor.shape.reduce((a, b) => a * b, 1);
        const where = `${at}.params.${name}`;
        if (!isRecord(t) || !Array.isArray(t.data)) fail(`${where} is ${preview(t)}; expected {"shape": [${tensor.shape.join(', ')}], "data": [${size} numbers]}`);
        if (JSON.stringify(t.shape) !== JSON.stringify(tensor.shape)) fail(`${where}.shape is ${preview(t.shape)}; expected [${tensor.shape.join(', ')}] for model "${model}"`);
        const data = t.data as unknown[];
        if (data.length !== size) fail(`${where}.data has ${data.length} entries; expected ${size}`);
        for (let k = 0; k < size; k++) tensor.data[inst * size + k] = num(data[k], `${where}.data[${k}]`);
      }
      if (isRecord(rec.history)) readHistory(rec.history, group, inst, `${at}.history`, fail);
      if (isRecord(rec.extra)) {
        for (const [name, values] of Object.entries(rec.extra)) {
          if (!Array.isArray(values)) fail(`${at}.extra.${name} is ${preview(values)}; expected an array of numbers`);
          r.extra ??= {};
          const target = (r.extra[name] ??= new Float32Array(group.results.count * values.length).fill(NaN));
          if (target.length !== group.results.count * values.length) fail(`${at}.extra.${name} has ${values.length} entries; other cells have ${target.length / group.results.count}`);
          values.forEach((v, k) => (target[inst * values.length + k] = num(v, `${at}.extra.${name}[${k}]`)));
        }
      }
    }
    fill('featureNorm', r.featureNorm);
    fill('superposition', r.superposition);
    fill('dimensionality', r.dimensionality);
    fill('benefit', r.benefit);
    r.loss[inst] = num(rec.loss, `${at}.loss`);
    r.dimsPerFeature[inst] = num(rec.dimsPerFeature, `${at}.dimsPerFeature`);

    if (rec.kept === true) {
      const prev = group.kept[pos]!;
      if (prev >= 0) {
        fail(`${at} is marked kept, but seedIndex ${prev} of model "${model}", gridIndex ${String(gridIndex)} already is; expected at most one kept seed per grid point`);
      }
      group.kept[pos] = seed;
    } else if (rec.kept !== false && rec.kept !== undefined) {
      fail(`${at}.kept is ${preview(rec.kept)}; expected true or false`);
    }
  }

  const out: LoadedResults = { spec, groups };
  if (json.createdAt !== undefined) {
    if (typeof json.createdAt !== 'string') fail(`createdAt is ${preview(json.createdAt)}; expected a string (ISO time)`);
    out.createdAt = json.createdAt;
  }
  if (json.device !== undefined) out.device = json.device;
  if (json.metric !== undefined && json.metric !== null) {
    const mt = json.metric;
    if (!isRecord(mt) || typeof mt.name !== 'string') {
      fail(`metric is ${preview(mt)}; expected {"name": string, "feature"?: integer}`);
    }
    const choice: { name: string; feature?: number } = { name: mt.name };
    if (mt.feature !== undefined) {
      const f = mt.feature;
      if (typeof f !== 'number' || !Number.isInteger(f) || f < 0 || f >= n) {
        fail(`metric.feature is ${preview(f)}; expected an integer in 0..${n - 1}`);
      }
      choice.feature = f;
    }
    out.metric = choice;
  }
  return out;
}

/** A number of the file: a finite number, or `null` for NaN (how the writer stores NaN and ±Infinity). */
function readNumber(v: unknown, where: string, fail: (message: string) => never): number {
  if (v === null) return NaN;
  if (typeof v !== 'number' || !Number.isFinite(v)) fail(`${where} is ${preview(v)}; expected a number or null`);
  return v;
}

/** Reads one cell's `history` into group.results.history (allocated, NaN, on first use). */
function readHistory(h: Record<string, unknown>, group: LoadedGroup, inst: number, at: string, fail: (message: string) => never): void {
  const { nFeatures: n, nHidden: m, count } = group.results;
  const steps = h.steps;
  if (!Array.isArray(steps) || !steps.every((v) => Number.isInteger(v))) fail(`${at}.steps is ${preview(steps)}; expected an array of integers`);
  const R = steps.length;
  const history = (group.results.history ??= { steps: steps as number[] });
  if (JSON.stringify(history.steps) !== JSON.stringify(steps)) fail(`${at}.steps differ from other cells' ([${history.steps.join(', ')}])`);
  const num = (v: unknown, where: string): number => readNumber(v, where, fail);
  const widths: Record<string, number> = { loss: 1, dimsPerFeature: 1, featureNorm: n, superposition: n, dimensionality: n, W: m * n };
  for (const [key, width] of Object.entries(widths)) {
    const values = h[key];
    if (values === undefined) continue;
    if (!Array.isArray(values) || values.length !== R) fail(`${at}.${key} is ${preview(values)}; expected ${R} entries, one per recorded step`);
    const target = ((history as unknown as Record<string, Float32Array | undefined>)[key] ??= new Float32Array(count * R * width).fill(NaN));
    (history as unknown as Record<string, Float32Array>)[key] = target;
    values.forEach((v: unknown, r: number) => {
      const row = width === 1 ? [v] : v;
      if (!Array.isArray(row) || row.length !== width) fail(`${at}.${key}[${r}] is ${preview(v)}; expected ${width === 1 ? 'a number' : `${width} numbers`}`);
      row.forEach((x: unknown, k: number) => (target[(inst * R + r) * width + k] = num(x, `${at}.${key}[${r}]`)));
    });
  }
}

/**
 * Fetches a results.json and parses it with {@link parseResultsJson} (messages then name `url`
 * instead of `results.json`).
 * @param url where the file is (anything `fetch` accepts, relative URLs in a browser)
 * @param init passed to `fetch` unchanged (headers, an AbortSignal, …)
 * @throws ResultsFileError `<url>: HTTP <status> <statusText>` when the response is not ok;
 *   `<url>: could not fetch (<reason>)` when fetch itself fails; `<url>: not valid JSON (<parser
 *   message>)` for a body that is not JSON; otherwise as parseResultsJson. An abort through
 *   `init.signal` rejects with the AbortError unchanged.
 */
export async function loadResultsFile(url: string, init?: RequestInit): Promise<LoadedResults> {
  let res: Response;
  try {
    res = await fetch(url, init);
  } catch (e) {
    if (e instanceof Error && e.name === 'AbortError') throw e;
    throw new ResultsFileError(`${url}: could not fetch (${e instanceof Error ? e.message : String(e)})`, { cause: e });
  }
  if (!res.ok) {
    throw new ResultsFileError(`${url}: HTTP ${res.status}${res.statusText ? ` ${res.statusText}` : ''}; could not load the results file`);
  }
  const text = await res.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new ResultsFileError(`${url}: not valid JSON (${e instanceof Error ? e.message : String(e)})`, { cause: e });
  }
  // Large sweeps keep their per-model records in models.parquet beside results.json.
  const base = new URL(url, (globalThis as { location?: { href: string } }).location?.href ?? 'file:///');
  try {
    json = await withParquetCells(json, async (name) => {
      const r = await fetch(new URL(name, base), init);
      if (!r.ok) throw new Error(`HTTP ${r.status} for ${name}`);
      return r.arrayBuffer();
    });
  } catch (e) {
    if (e instanceof Error && e.name === 'AbortError') throw e;
    throw new ResultsFileError(`${url}: could not read its per-model records (${e instanceof Error ? e.message : String(e)})`, { cause: e });
  }
  return parseResultsJson(json, url);
}
