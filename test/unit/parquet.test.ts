/**
 * models.parquet / points.parquet (src/headless/parquet.ts) on a hand-built run, read back with
 * DuckDB: an independent Parquet reader (C++), so the files are checked against something other
 * than the library that wrote them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import {
  ModelsParquetWriter, MODELS_PARQUET_FORMAT, PARQUET_FILES, PARQUET_META_KEYS, parquetLayout, PointsParquetWriter,
  POINTS_PARQUET_FORMAT, writeRunParquet, type ParquetGroup,
} from '../../src/headless/parquet.js';
import { parseSpec } from '../../src/science/spec.js';
import type { GridPoint, ModelResults, ModelSet } from '../../src/science/types.js';

const n = 3;
const m = 2;
const seeds = 2;
const xValues = [0.1, 0.5, 1];

/**
 * One group on a 3 × 2 grid (x: featureProbability, y: model kind `yIndex`): 3 points × 2 seeds.
 * Every float is `base + 10·instance + k/10` for element k of the instance's slice, so any value
 * can be predicted from (group, instance, k).
 */
function group(model: string, yIndex: number, base: number, untied: boolean): ParquetGroup {
  const count = xValues.length * seeds;
  const fill = (per: number): Float32Array => Float32Array.from({ length: count * per }, (_, j) => base + 10 * Math.floor(j / per) + (j % per) / 10);
  const points: GridPoint[] = xValues.map((p, xIndex) => ({
    index: yIndex * xValues.length + xIndex, xIndex, yIndex, xValue: p, yValue: yIndex,
    featureProbability: [p, p, p], importance: [1, 0.7, 0.49],
  }));
  const set = { model, nFeatures: n, nHidden: m, seeds, points } as unknown as ModelSet;
  const W = fill(m * n);
  const b = fill(n);
  const results: ModelResults = {
    count, nFeatures: n, nHidden: m, W, b, loss: fill(1),
    featureNorm: fill(n), superposition: fill(n), dimensionality: fill(n), dimsPerFeature: fill(1), benefit: fill(n),
    params: untied
      ? { W1: { shape: [m, n], data: W }, W2: { shape: [n, m], data: fill(n * m) }, b: { shape: [n], data: b } }
      : { W: { shape: [m, n], data: W }, b: { shape: [n], data: b } },
  };
  if (untied) results.extra = { neuronMaxShare: fill(m), 'W2.featureNorm': fill(n) };
  return { set, results, kept: new Int32Array(xValues.length) };
}

/**
 * relu (W, b) and abs (W1, W2, b, per-neuron and decoder extras), with NaN losses. Kept seeds are
 * set by hand, not by lowest loss: the writers take `kept` as given.
 */
function run(): { groups: ParquetGroup[] } {
  const relu = group('relu', 0, 0, false);
  const abs = group('abs', 1, 1000, true);
  relu.results.loss[1] = NaN; // point 0, seed 1 diverged: seed 0 kept
  relu.kept.set([0, 1, 0]);
  abs.results.loss[4] = NaN; // point 2: every seed diverged, none kept
  abs.results.loss[5] = NaN;
  abs.kept.set([1, 0, -1]);
  return { groups: [relu, abs] };
}

const f32 = (a: number[]): number[] => a.map((v) => Math.fround(v));
const expectedSlice = (base: number, inst: number, per: number): number[] => f32(Array.from({ length: per }, (_, k) => base + 10 * inst + k / 10));

const spec = parseSpec({
  name: 'parquet-test', nFeatures: n, nHidden: m, seeds, data: { kind: 'signed' },
  x: { param: 'featureProbability', values: xValues }, y: { param: 'model', values: ['relu', 'abs'] },
});

let dir: string;
let db: DuckDBInstance;
let sql: DuckDBConnection;
const rows = async (q: string): Promise<Record<string, unknown>[]> => (await sql.runAndReadAll(q)).getRowObjectsJS() as Record<string, unknown>[];
const meta = async (file: string): Promise<Record<string, string>> =>
  Object.fromEntries((await rows(`SELECT decode(key) AS k, decode(value) AS v FROM parquet_kv_metadata('${file}')`)).map((r) => [r.k, r.v]));

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'parquet-test-'));
  db = await DuckDBInstance.create(':memory:');
  sql = await db.connect();
});

afterAll(() => {
  sql?.closeSync();
  db?.closeSync();
  rmSync(dir, { recursive: true, force: true });
});

describe('models.parquet and points.parquet, read back by DuckDB', () => {
  const { groups } = run();
  const models = () => join(dir, 'chunked', PARQUET_FILES.models);
  const points = () => join(dir, 'chunked', PARQUET_FILES.points);

  beforeAll(async () => {
    // Chunks of 5 instances across row groups of 4 rows: ranges and row groups never line up.
    const mw = await ModelsParquetWriter.open(models(), parquetLayout(groups), { rowGroupRows: 4, spec });
    for (const g of groups) for (let from = 0; from < g.results.count; from += 5) await mw.addInstances(g, from, Math.min(from + 5, g.results.count));
    await mw.close();
    const pw = await PointsParquetWriter.open(points(), n, m, { rowGroupRows: 4, spec });
    for (const g of groups) {
      await pw.addPoints(g, 0, 2);
      await pw.addPoints(g, 2);
    }
    await pw.close();
  });

  it('has one row per model and per point, in row groups of the requested size', async () => {
    expect(await rows(`SELECT count(*)::INTEGER AS c FROM '${models()}'`)).toEqual([{ c: 12 }]);
    expect(await rows(`SELECT count(*)::INTEGER AS c FROM '${points()}'`)).toEqual([{ c: 6 }]);
    const groupsOf = async (file: string) =>
      (await rows(`SELECT DISTINCT row_group_id::INTEGER AS g, row_group_num_rows::INTEGER AS r FROM parquet_metadata('${file}') ORDER BY g`)).map((r) => r.r);
    expect(await groupsOf(models())).toEqual([4, 4, 4]);
    expect(await groupsOf(points())).toEqual([4, 2]);
    expect(readdirSync(join(dir, 'chunked')).sort()).toEqual(['models.parquet', 'points.parquet']); // temporaries renamed
  });

  it('stores a known model exactly: indices, flags, axis values, float32 lists and tensors', async () => {
    // abs, point position 1 (gridIndex 4), seed 0 → instance 2.
    const [r] = await rows(`SELECT * FROM '${models()}' WHERE model = 'abs' AND gridIndex = 4 AND seedIndex = 0`);
    expect(r).toMatchObject({ gridIndex: 4, xIndex: 1, yIndex: 1, model: 'abs', seedIndex: 0, kept: true, xValue: 0.5, yValue: 1 });
    expect(r!.featureProbability).toEqual(f32([0.5, 0.5, 0.5]));
    expect(r!.importance).toEqual(f32([1, 0.7, 0.49]));
    expect(r!.loss).toBe(Math.fround(1020));
    expect(r!.featureNorm).toEqual(expectedSlice(1000, 2, n));
    expect(r!.benefit).toEqual(expectedSlice(1000, 2, n));
    expect(r!.W1).toEqual(expectedSlice(1000, 2, m * n));
    expect(r!.W2).toEqual(expectedSlice(1000, 2, n * m));
    expect(r!.b).toEqual(expectedSlice(1000, 2, n));
    expect(r!.neuronMaxShare).toEqual(expectedSlice(1000, 2, m));
    expect(r!['W2.featureNorm']).toEqual(expectedSlice(1000, 2, n));
    expect(r!.W).toBeNull(); // abs has no tied W
  });

  it('leaves tensors and extras a model kind lacks null, and keeps NaN as NaN', async () => {
    const relu = await rows(`SELECT seedIndex, kept, loss, isnan(loss) AS nan, W, W1 IS NULL AS noW1, neuronMaxShare IS NULL AS noExtra FROM '${models()}' WHERE model = 'relu' AND gridIndex = 0 ORDER BY seedIndex`);
    expect(relu.map((r) => [r.seedIndex, r.kept, r.nan, r.noW1, r.noExtra])).toEqual([[0, true, false, true, true], [1, false, true, true, true]]);
    expect(Number.isNaN(relu[1]!.loss)).toBe(true);
    expect(relu[1]!.W).toEqual(expectedSlice(0, 1, m * n));
    expect(await rows(`SELECT count(*)::INTEGER AS c FROM '${models()}' WHERE kept`)).toEqual([{ c: 5 }]);
  });

  it('records the format, each tensor shape, n and m, the axes and the spec in the metadata', async () => {
    const kv = await meta(models());
    expect(kv[PARQUET_META_KEYS.format]).toBe(MODELS_PARQUET_FORMAT);
    expect(JSON.parse(kv[PARQUET_META_KEYS.shapes]!)).toEqual({ W: [m, n], b: [n], W1: [m, n], W2: [n, m] });
    expect(JSON.parse(kv[PARQUET_META_KEYS.sizes]!)).toEqual({ nFeatures: n, nHidden: m });
    expect(JSON.parse(kv[PARQUET_META_KEYS.axes]!)).toEqual({ x: 'featureProbability', y: 'model' });
    expect(JSON.parse(kv[PARQUET_META_KEYS.spec]!)).toEqual(JSON.parse(JSON.stringify(spec)));
    const pkv = await meta(points());
    expect(pkv[PARQUET_META_KEYS.format]).toBe(POINTS_PARQUET_FORMAT);
    expect(pkv[PARQUET_META_KEYS.shapes]).toBeUndefined();
  });

  it("gives each point its kept seed and that seed's metrics, null when every seed diverged", async () => {
    const pts = await rows(`SELECT gridIndex, model, keptSeed, loss, featureNorm, xValue FROM '${points()}' ORDER BY gridIndex`);
    expect(pts.map((p) => [p.gridIndex, p.model, p.keptSeed])).toEqual([
      [0, 'relu', 0], [1, 'relu', 1], [2, 'relu', 0], [3, 'abs', 1], [4, 'abs', 0], [5, 'abs', null],
    ]);
    expect(pts[1]).toMatchObject({ loss: Math.fround(30), featureNorm: expectedSlice(0, 3, n), xValue: 0.5 });
    expect(pts[3]).toMatchObject({ loss: Math.fround(1010), featureNorm: expectedSlice(1000, 1, n) });
    expect(pts[5]).toMatchObject({ loss: null, featureNorm: null, xValue: 1 });
    // The points file agrees with the models file's kept rows.
    const joined = await rows(
      `SELECT count(*)::INTEGER AS c FROM '${points()}' p JOIN '${models()}' m USING (gridIndex) WHERE m.kept AND m.seedIndex = p.keptSeed AND m.loss = p.loss`,
    );
    expect(joined).toEqual([{ c: 5 }]);
  });
});

describe('streaming and errors', () => {
  it('writes full row groups to disk as it goes and holds only the unflushed rows', async () => {
    const { groups } = run();
    const path = join(dir, 'stream', PARQUET_FILES.models);
    const w = await ModelsParquetWriter.open(path, parquetLayout(groups), { rowGroupRows: 4 });
    await w.addInstances(groups[0]!, 0, 3);
    expect([w.rowsBuffered, w.rowsWritten, w.rowGroupsWritten, w.bytesWritten]).toEqual([3, 0, 0, 0]);
    await w.addInstances(groups[0]!, 3, 6);
    await w.addInstances(groups[1]!, 0, 3);
    // 9 rows added: two row groups encoded and on disk, one row waiting.
    expect([w.rowsBuffered, w.rowsWritten, w.rowGroupsWritten]).toEqual([1, 8, 2]);
    const onDisk = w.bytesWritten;
    expect(onDisk).toBeGreaterThan(100);
    expect(existsSync(path)).toBe(false); // only the temporary file exists until close
    await w.addInstances(groups[1]!, 3, 6);
    expect(await w.close()).toBe(path);
    expect(w.bytesWritten).toBeGreaterThan(onDisk);
    expect(readdirSync(join(dir, 'stream'))).toEqual(['models.parquet']);
    expect(await rows(`SELECT count(*)::INTEGER AS c FROM '${path}'`)).toEqual([{ c: 12 }]);
    await expect(w.addInstances(groups[0]!, 0, 1)).rejects.toThrow(/closed/);
  });

  it('abort removes the temporary file and writes nothing', async () => {
    const { groups } = run();
    const sub = join(dir, 'aborted');
    const w = await PointsParquetWriter.open(join(sub, PARQUET_FILES.points), n, m, { rowGroupRows: 2 });
    await w.addPoints(groups[0]!);
    expect(readdirSync(sub)).toHaveLength(1);
    await w.abort();
    expect(readdirSync(sub)).toEqual([]);
  });

  it('rejects bad ranges, groups that do not fit the layout, and overlapping calls', async () => {
    const { groups } = run();
    const w = await ModelsParquetWriter.open(join(dir, 'errors', PARQUET_FILES.models), parquetLayout([groups[0]!]));
    await expect(w.addInstances(groups[0]!, 4, 7)).rejects.toThrow(RangeError);
    await expect(w.addInstances(groups[1]!)).rejects.toThrow(/W1 of group abs is not in the file's layout/);
    const first = w.addInstances(groups[0]!);
    await expect(w.addInstances(groups[0]!)).rejects.toThrow(/has not finished/);
    await first;
    await w.abort();
    const bad = run().groups[1]!;
    bad.results.params!.W2!.shape = [m, n];
    expect(() => parquetLayout([groups[1]!, bad])).toThrow(/W2 has shape/);
    await expect(ModelsParquetWriter.open(join(dir, 'x.parquet'), parquetLayout(groups), { rowGroupRows: 0 })).rejects.toThrow(RangeError);
  });

  it('writeRunParquet writes both files of a run', async () => {
    const out = join(dir, 'whole');
    const paths = await writeRunParquet(out, run(), { rowGroupRows: 5, chunkInstances: 2 });
    expect(paths).toEqual({ models: join(out, 'models.parquet'), points: join(out, 'points.parquet') });
    expect(await rows(`SELECT count(*)::INTEGER AS c, count(W)::INTEGER AS w, count(W1)::INTEGER AS w1 FROM '${paths.models}'`)).toEqual([{ c: 12, w: 6, w1: 6 }]);
    expect(await rows(`SELECT count(keptSeed)::INTEGER AS c FROM '${paths.points}'`)).toEqual([{ c: 5 }]);
  });
});
