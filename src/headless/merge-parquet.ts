/**
 * The merged Parquet files, from the shards' own models.parquet: float32 exactly as trained (the
 * shards' results.json round to 6 significant digits), laid out as the unsharded run lays them
 * out, so `merge` writes models.parquet and points.parquet byte-identical to an unsharded run's
 * (e2e/shards.spec.ts checks it).
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { allocateModelResults } from '../science/model-results.js';
import { cellsFromModelsParquet } from '../science/results-parquet.js';
import type { ModelSet } from '../science/types.js';
import { PARQUET_FILES, type ParquetGroup } from './parquet.js';

/** A row of models.parquet as cellsFromModelsParquet returns it. */
interface Row {
  gridIndex: number;
  model: string;
  seedIndex: number;
  kept: boolean;
  loss: number;
  dimsPerFeature: number;
  featureNorm: number[] | null;
  superposition: number[] | null;
  dimensionality: number[] | null;
  benefit: number[] | null;
  params: Record<string, { data: number[] }>;
  extra?: Record<string, number[]>;
}

/**
 * Every group of the whole sweep (`whole`, resolveSpecGroups order) with the models and kept
 * seeds of the shard folders `dirs` put in place, ready for writeRunParquet.
 * @throws Error naming the shard folder when its models.parquet is missing or a row is not a model
 *   of the sweep; when some model of the sweep is in no shard
 */
export async function mergedParquetGroups(whole: readonly ModelSet[], dirs: readonly string[]): Promise<ParquetGroup[]> {
  const groups = whole.map((set) => ({ set, results: allocateModelResults(set, set.points.length * set.seeds), kept: new Int32Array(set.points.length).fill(-1), filled: new Uint8Array(set.points.length * set.seeds) }));
  const byModel = new Map(groups.map((g) => [g.set.model as string, { g, pos: new Map(g.set.points.map((p, k) => [p.index, k])) }]));
  for (const dir of dirs) {
    const path = join(dir, PARQUET_FILES.models);
    let bytes: Buffer;
    try {
      bytes = await readFile(path);
    } catch (e) {
      throw new Error(`shard ${dir}: cannot read ${PARQUET_FILES.models} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
    }
    const rows = await cellsFromModelsParquet(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
    for (const row of rows) place(byModel, row as unknown as Row, dir);
  }
  for (const g of groups) {
    const missing = g.filled.indexOf(0);
    if (missing >= 0) throw new Error(`merge: model ${missing} of group ${g.set.model} (grid point ${g.set.points[Math.floor(missing / g.set.seeds)]!.index}) is in none of the shards' ${PARQUET_FILES.models}`);
  }
  return groups.map(({ set, results, kept }) => ({ set, results, kept }));
}

/** Puts one row's model at its instance of its group. */
function place(byModel: Map<string, { g: { set: ModelSet; results: ParquetGroup['results']; kept: Int32Array; filled: Uint8Array }; pos: Map<number, number> }>, row: Row, dir: string): void {
  const entry = byModel.get(String(row.model));
  const pos = entry?.pos.get(row.gridIndex);
  if (!entry || pos === undefined || !(row.seedIndex >= 0 && row.seedIndex < entry.g.set.seeds)) {
    throw new Error(`shard ${dir}: ${PARQUET_FILES.models} has a row (model ${String(row.model)}, grid point ${row.gridIndex}, seed ${row.seedIndex}) that is not a model of the sweep`);
  }
  const { set, results: r, kept, filled } = entry.g;
  const n = set.nFeatures;
  const inst = pos * set.seeds + row.seedIndex;
  filled[inst] = 1;
  if (row.kept) kept[pos] = row.seedIndex;
  r.loss[inst] = row.loss;
  r.dimsPerFeature[inst] = row.dimsPerFeature;
  for (const key of ['featureNorm', 'superposition', 'dimensionality', 'benefit'] as const) if (row[key]) r[key].set(row[key]!, inst * n);
  for (const [name, t] of Object.entries(r.params ?? {})) {
    const data = row.params[name]?.data;
    if (data) t.data.set(data, inst * data.length);
  }
  for (const [name, a] of Object.entries(r.extra ?? {})) {
    const data = row.extra?.[name];
    if (data) a.set(data, inst * data.length);
  }
}
