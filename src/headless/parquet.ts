/**
 * Columnar results: `models.parquet` (one row per trained model) and `points.parquet` (one row per
 * grid point, with its kept seed), for pandas, polars, DuckDB or Arrow users who would rather not
 * parse a multi-gigabyte results.json.
 *
 * Both files are written by streaming writers: the caller adds models (or points) a range at a
 * time, rows are buffered only until a row group is full ({@link DEFAULT_ROW_GROUP_ROWS}), then
 * encoded, written to disk and dropped, so memory is O(row group), not O(grid). Each file is
 * written under a temporary name (`.NAME.PID.N.tmp` beside the final path) and renamed into place
 * by `close()`, so a failed or aborted run never leaves a truncated Parquet file under the final
 * name.
 *
 * The Parquet encoding itself is hyparquet-writer's (pure JavaScript, no native code, snappy
 * compression); this module only maps {@link GroupResult}s onto columns.
 *
 * Float conventions: every metric and parameter is stored as float32 exactly as trained (no
 * rounding, unlike results.json); NaN and ±Infinity stay NaN and ±Infinity (never null). Null
 * means "absent": a tensor or `extra` metric that a row's model kind does not have, or, in
 * points.parquet, the metrics of a point whose every seed diverged.
 */
import { mkdir, open, rename, rm, type FileHandle } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { ByteWriter, ParquetWriter } from 'hyparquet-writer';
import type { ModelResults, ModelSet } from '../science/types.js';
import type { SweepSpec } from '../science/spec.js';
import type { GroupResult } from './run-types.js';

/** File names of the two Parquet outputs inside the output folder. */
export const PARQUET_FILES = { models: 'models.parquet', points: 'points.parquet' } as const;

/** Value of the `superposition-webgpu:format` metadata key of models.parquet. */
export const MODELS_PARQUET_FORMAT = 'superposition-webgpu/models@1';
/** Value of the `superposition-webgpu:format` metadata key of points.parquet. */
export const POINTS_PARQUET_FORMAT = 'superposition-webgpu/points@1';

/**
 * Keys of the files' key-value metadata (Parquet footer), each value a string:
 * - `format`: {@link MODELS_PARQUET_FORMAT} or {@link POINTS_PARQUET_FORMAT};
 * - `shapes` (models.parquet only): JSON `{"W": [m, n], "b": [n], …}`, the row-major shape of
 *   each parameter tensor column (W, or W1 [m, n] and W2 [n, m]; bHidden [m]; b [n]);
 * - `sizes`: JSON `{"nFeatures": n, "nHidden": m}`;
 * - `axes` (when a spec was given): JSON `{"x": param | null, "y": param | null}`, what
 *   `xValue` / `yValue` hold (`featureProbability`, `importance`, or `model`: then the value is
 *   the index of the model kind in the axis' list);
 * - `spec` (when a spec was given): the validated sweep spec as JSON.
 */
export const PARQUET_META_KEYS = {
  format: 'superposition-webgpu:format',
  shapes: 'superposition-webgpu:shapes',
  sizes: 'superposition-webgpu:sizes',
  axes: 'superposition-webgpu:axes',
  spec: 'superposition-webgpu:spec',
} as const;

/**
 * Rows per row group. A few thousand keeps the buffered rows small (a row of an n = 100, m = 20
 * model is ~10 kB of JS values) while row groups stay large enough for readers to skip and
 * decompress efficiently.
 */
export const DEFAULT_ROW_GROUP_ROWS = 4096;

/** What the writers need of a trained group: the set (points, seeds, kind), its results and kept seeds. */
export type ParquetGroup = Pick<GroupResult, 'set' | 'results' | 'kept'>;

/**
 * The variable part of models.parquet's schema, fixed when the file is opened (Parquet has one
 * schema per file, so it is the union over every group that will be added).
 */
export interface ParquetLayout {
  /** n. */
  nFeatures: number;
  /** m. */
  nHidden: number;
  /** Parameter tensor name → row-major shape of one model's tensor, in column order. */
  tensors: Record<string, number[]>;
  /** Names of the `ModelResults.extra` metrics (per neuron or per feature), in column order. */
  extra: string[];
}

/** The tensors of one group, falling back to W and b for results without `params` (format 1 files). */
function groupTensors(set: ModelSet, r: ModelResults): Record<string, { shape: number[]; data: Float32Array }> {
  return r.params ?? { W: { shape: [set.nHidden, set.nFeatures], data: r.W }, b: { shape: [set.nFeatures], data: r.b } };
}

const sizeOf = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

/**
 * The union layout of `groups` (tensors and extra metrics in first-seen order).
 * @throws Error when groups disagree on n, m, or the shape of a tensor of the same name, or when a
 *   tensor or extra name collides with a fixed column name
 */
export function parquetLayout(groups: readonly Pick<GroupResult, 'set' | 'results'>[]): ParquetLayout {
  if (groups.length === 0) throw new Error('parquetLayout: no groups');
  const { nFeatures, nHidden } = groups[0]!.set;
  const tensors: Record<string, number[]> = {};
  const extra: string[] = [];
  for (const { set, results } of groups) {
    if (set.nFeatures !== nFeatures || set.nHidden !== nHidden) {
      throw new Error(`parquetLayout: group ${set.model} has n = ${set.nFeatures}, m = ${set.nHidden}; the first has n = ${nFeatures}, m = ${nHidden}`);
    }
    for (const [name, t] of Object.entries(groupTensors(set, results))) {
      const seen = tensors[name];
      if (seen && seen.join() !== t.shape.join()) {
        throw new Error(`parquetLayout: tensor ${name} has shape [${t.shape.join(', ')}] in group ${set.model} but [${seen.join(', ')}] before`);
      }
      tensors[name] ??= [...t.shape];
    }
    for (const name of Object.keys(results.extra ?? {})) if (!extra.includes(name)) extra.push(name);
  }
  const all = [...MODEL_FIXED_COLUMNS, ...Object.keys(tensors), ...extra];
  const twice = all.find((name, k) => all.indexOf(name) !== k);
  if (twice !== undefined) throw new Error(`parquetLayout: column name ${twice} would appear twice`);
  return { nFeatures, nHidden, tensors, extra };
}

/** Options both writers accept. */
export interface ParquetWriterOptions {
  /** Rows per row group (default {@link DEFAULT_ROW_GROUP_ROWS}); must be a positive integer. */
  rowGroupRows?: number;
  /** The validated spec: recorded in the metadata (`spec`, `axes`). */
  spec?: SweepSpec;
  /** The footer's `created_by` (default `superposition-webgpu`). */
  createdBy?: string;
}

// ---------------------------------------------------------------------------------------------
// Columns
// ---------------------------------------------------------------------------------------------

type SchemaElement = ConstructorParameters<typeof ParquetWriter>[0]['schema'][number];
type ColumnSource = Parameters<ParquetWriter['write']>[0]['columnData'][number];

/** Column kinds: Parquet physical type, whether null is allowed, and list<float32>. */
type ColumnKind = 'int32' | 'int32?' | 'bool' | 'string' | 'double' | 'float' | 'float?' | 'floatList?';

interface ColumnDef {
  name: string;
  kind: ColumnKind;
}

function schemaElements({ name, kind }: ColumnDef): SchemaElement[] {
  const optional = kind.endsWith('?');
  const repetition_type = optional ? 'OPTIONAL' : 'REQUIRED';
  switch (kind) {
    case 'int32':
    case 'int32?':
      return [{ name, type: 'INT32', repetition_type }];
    case 'bool':
      return [{ name, type: 'BOOLEAN', repetition_type }];
    case 'string':
      return [{ name, type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type }];
    case 'double':
      return [{ name, type: 'DOUBLE', repetition_type }];
    case 'float':
    case 'float?':
      return [{ name, type: 'FLOAT', repetition_type }];
    case 'floatList?':
      // The standard three-level LIST, so pyarrow, DuckDB and polars all read it as list<float>.
      // Elements are REQUIRED: a missing value is NaN, only the whole list may be null.
      return [
        { name, repetition_type: 'OPTIONAL', converted_type: 'LIST', num_children: 1 },
        { name: 'list', repetition_type: 'REPEATED', num_children: 1 },
        { name: 'element', type: 'FLOAT', repetition_type: 'REQUIRED' },
      ];
  }
}

/** A row: one value per column, in column order (number[] for list columns, null for absent). */
type Row = (number | string | boolean | number[] | null)[];

// A per-process counter keeps two writers of the same final path (e.g. in tests) apart.
let tempCounter = 0;

/** Receives the encoder's bytes; each flush (once per row group) hands the buffered bytes to the file. */
class FileSink extends ByteWriter {
  bytesOnDisk = 0;
  constructor(private readonly fh: FileHandle) {
    super(1 << 16);
  }
  flush(): Promise<void> {
    // Copy, because the encoder reuses the buffer for the next row group while the write is in flight.
    const bytes = new Uint8Array(this.buffer.slice(0, this.index));
    this.index = 0;
    return this.fh.write(bytes).then(({ bytesWritten }) => {
      this.bytesOnDisk += bytesWritten;
    });
  }
  override finish(): Promise<void> {
    return this.flush();
  }
}

/** What {@link RowGroupFile.openFile} opened. */
interface OpenedFile {
  path: string;
  tempPath: string;
  fh: FileHandle;
  sink: FileSink;
  writer: ParquetWriter;
  columns: ColumnDef[];
  rowGroupRows: number;
}

/**
 * A Parquet file written a row group at a time under a temporary name. Subclasses turn results
 * into rows; this class buffers, flushes, renames and cleans up.
 */
abstract class RowGroupFile {
  private readonly buffer: Row[] = [];
  private rows = 0;
  private groups = 0;
  private state: 'open' | 'busy' | 'closed' = 'open';

  /** Final path (the temporary file is renamed to it by close()). */
  readonly path: string;
  private readonly tempPath: string;
  private readonly fh: FileHandle;
  private readonly sink: FileSink;
  private readonly writer: ParquetWriter;
  private readonly columns: ColumnDef[];
  private readonly rowGroupRows: number;

  protected constructor(file: OpenedFile) {
    ({ path: this.path, tempPath: this.tempPath, fh: this.fh, sink: this.sink, writer: this.writer, columns: this.columns, rowGroupRows: this.rowGroupRows } = file);
  }

  /** Opens the temporary file and writes the Parquet header. */
  protected static async openFile(path: string, columns: ColumnDef[], kv: Record<string, string>, options: ParquetWriterOptions): Promise<OpenedFile> {
    const rowGroupRows = options.rowGroupRows ?? DEFAULT_ROW_GROUP_ROWS;
    if (!Number.isInteger(rowGroupRows) || rowGroupRows < 1) throw new RangeError(`rowGroupRows must be a positive integer, got ${rowGroupRows}`);
    const schema: SchemaElement[] = [{ name: 'root', num_children: columns.length }, ...columns.flatMap(schemaElements)];
    const kvMetadata = Object.entries(kv).map(([key, value]) => ({ key, value }));
    if (options.spec) {
      const axis = (a: SweepSpec['x']): string | null => a?.param ?? null;
      kvMetadata.push({ key: PARQUET_META_KEYS.axes, value: JSON.stringify({ x: axis(options.spec.x), y: axis(options.spec.y) }) });
      kvMetadata.push({ key: PARQUET_META_KEYS.spec, value: JSON.stringify(options.spec) });
    }
    await mkdir(dirname(path) || '.', { recursive: true });
    const tempPath = join(dirname(path), `.${basename(path)}.${process.pid}.${tempCounter++}.tmp`);
    const fh = await open(tempPath, 'w');
    const sink = new FileSink(fh);
    const writer = new ParquetWriter({ writer: sink, schema, kvMetadata, createdBy: options.createdBy ?? 'superposition-webgpu' });
    return { path, tempPath, fh, sink, writer, columns, rowGroupRows };
  }

  /** Rows added but not yet written (always < rowGroupRows between calls). */
  get rowsBuffered(): number {
    return this.buffer.length;
  }
  /** Rows encoded and handed to the file so far. */
  get rowsWritten(): number {
    return this.rows;
  }
  /** Row groups written so far. */
  get rowGroupsWritten(): number {
    return this.groups;
  }
  /** Bytes written to the temporary file so far (the whole file after close). */
  get bytesWritten(): number {
    return this.sink.bytesOnDisk;
  }

  /** Guards against use after close and overlapping calls (the encoder's buffer is shared). */
  protected async run(what: string, body: () => Promise<void>): Promise<void> {
    if (this.state === 'closed') throw new Error(`${what}: the Parquet writer for ${this.path} is closed`);
    if (this.state === 'busy') throw new Error(`${what}: a previous call on the Parquet writer for ${this.path} has not finished (await each call)`);
    this.state = 'busy';
    try {
      await body();
    } finally {
      if (this.state === 'busy') this.state = 'open';
    }
  }

  protected async push(row: Row): Promise<void> {
    this.buffer.push(row);
    if (this.buffer.length >= this.rowGroupRows) await this.flushRowGroup();
  }

  private async flushRowGroup(): Promise<void> {
    const n = this.buffer.length;
    if (n === 0) return;
    const columnData: ColumnSource[] = this.columns.map((c, k) => ({ name: c.name, data: this.buffer.map((row) => row[k]) as ColumnSource['data'] }));
    this.buffer.length = 0;
    await this.writer.write({ columnData, rowGroupSize: n });
    this.rows += n;
    this.groups++;
  }

  /**
   * Writes the buffered rows and the footer, closes the file and renames it to {@link path}
   * (replacing a file there).
   * @returns the final path
   * @throws Error when already closed or a call is in flight; the underlying fs error (after
   *   removing the temporary file)
   */
  async close(): Promise<string> {
    await this.run('close', async () => {
      try {
        await this.flushRowGroup();
        await this.writer.finish();
        await this.fh.close();
        await rename(this.tempPath, this.path);
      } catch (e) {
        await this.fh.close().catch(() => undefined);
        await rm(this.tempPath, { force: true });
        throw e;
      } finally {
        this.state = 'closed';
      }
    });
    return this.path;
  }

  /** Closes and removes the temporary file without writing the final one. Safe to call twice. */
  async abort(): Promise<void> {
    if (this.state === 'closed') return;
    this.state = 'closed';
    this.buffer.length = 0;
    await this.fh.close().catch(() => undefined);
    await rm(this.tempPath, { force: true });
  }
}

function checkRange(what: string, from: number, to: number, count: number): void {
  if (!Number.isInteger(from) || !Number.isInteger(to) || from < 0 || to < from || to > count) {
    throw new RangeError(`${what}: range [${from}, ${to}) is not within [0, ${count})`);
  }
}

const slice = (a: Float32Array, k: number, per: number): number[] => Array.from(a.subarray(k * per, (k + 1) * per));

// ---------------------------------------------------------------------------------------------
// models.parquet
// ---------------------------------------------------------------------------------------------

/** The columns of models.parquet that do not depend on the model kinds, in order. */
const MODEL_FIXED_COLUMNS = [
  'gridIndex', 'xIndex', 'yIndex', 'model', 'seedIndex', 'kept', 'xValue', 'yValue',
  'featureProbability', 'importance', 'loss', 'dimsPerFeature',
  'featureNorm', 'superposition', 'dimensionality', 'benefit',
];

function modelColumns(layout: ParquetLayout): ColumnDef[] {
  const kinds: Record<string, ColumnKind> = {
    gridIndex: 'int32', xIndex: 'int32', yIndex: 'int32', model: 'string', seedIndex: 'int32', kept: 'bool',
    xValue: 'double', yValue: 'double', loss: 'float', dimsPerFeature: 'float',
  };
  return [
    ...MODEL_FIXED_COLUMNS.map((name) => ({ name, kind: kinds[name] ?? 'floatList?' })),
    ...Object.keys(layout.tensors).map((name) => ({ name, kind: 'floatList?' as const })),
    ...layout.extra.map((name) => ({ name, kind: 'floatList?' as const })),
  ];
}

/**
 * Streams `models.parquet`: one row per trained model (grid point × seed), in the order added.
 *
 * Columns (Parquet type; "list" = LIST of required FLOAT, itself nullable):
 * - `gridIndex`, `xIndex`, `yIndex` (INT32): the point's row-major grid index (yIndex · xCount + xIndex) and axis indices;
 * - `model` (UTF8 string): the model kind, e.g. `relu`;
 * - `seedIndex` (INT32): the seed among the point's `seeds`; `kept` (BOOLEAN): whether it is the
 *   point's kept seed (lowest final loss);
 * - `xValue`, `yValue` (DOUBLE): the swept axis values (see the `axes` metadata); 0 when the spec
 *   has no such axis;
 * - `featureProbability` (list, n): p_i = 1 − S_i; `importance` (list, n): I_i;
 * - `loss` (FLOAT): mean over the evaluation batch of Σ_i I_i (x_i − x'_i)² (dimensionless);
 * - `dimsPerFeature` (FLOAT): m / ‖W‖_F²;
 * - `featureNorm`, `superposition`, `dimensionality`, `benefit` (list, n): ‖W_i‖,
 *   Σ_{j≠i} (Ŵ_i · W_j)², feature dimensionality D_i, and the reconstruction benefit per feature;
 * - one list column per parameter tensor of {@link ParquetLayout.tensors} (W, or W1 and W2;
 *   bHidden; b), flattened row-major (W: W[j·n + i] = W_{j,i}; shapes in the `shapes`
 *   metadata); null for a model kind without that tensor;
 * - one list column per `extra` metric, named after it (per neuron, m values: `neuronMaxShare`,
 *   `neuronFeatureCount`; per feature of the decoder, n: `W2.featureNorm`, …); null for a model
 *   kind without it.
 *
 * Float values are the trained float32 values, unrounded; NaN stays NaN.
 */
export class ModelsParquetWriter extends RowGroupFile {
  private constructor(
    private readonly layout: ParquetLayout,
    file: OpenedFile,
  ) {
    super(file);
  }

  /**
   * Creates the temporary file beside `path` (creating the folder) and writes the header.
   * @param path final path, e.g. `out/models.parquet`
   * @param layout the schema's variable part: {@link parquetLayout} of every group to be added
   * @throws RangeError for a bad rowGroupRows; the underlying fs error
   */
  static async open(path: string, layout: ParquetLayout, options: ParquetWriterOptions = {}): Promise<ModelsParquetWriter> {
    const f = await RowGroupFile.openFile(path, modelColumns(layout), {
      [PARQUET_META_KEYS.format]: MODELS_PARQUET_FORMAT,
      [PARQUET_META_KEYS.shapes]: JSON.stringify(layout.tensors),
      [PARQUET_META_KEYS.sizes]: JSON.stringify({ nFeatures: layout.nFeatures, nHidden: layout.nHidden }),
    }, options);
    return new ModelsParquetWriter(layout, f);
  }

  /**
   * Adds instances [from, to) of `group` (instance = point position · seeds + seed index), writing
   * a row group to disk each time rowGroupRows rows are buffered. Await each call before the next.
   * @throws RangeError when the range is outside [0, results.count]; Error when the group does not
   *   fit the layout (n, m, a tensor's shape or an unknown tensor / extra name), when closed, or
   *   when a previous call is still running; the underlying fs error
   */
  async addInstances(group: ParquetGroup, from = 0, to = group.results.count): Promise<void> {
    const { set, results: r, kept } = group;
    const { nFeatures: n, seeds } = set;
    checkRange('addInstances', from, to, r.count);
    const tensors = this.checkGroup(group);
    const extra = Object.entries(r.extra ?? {});
    const extraPer = new Map(extra.map(([name, data]) => [name, data.length / r.count]));
    await this.run('addInstances', async () => {
      for (let inst = from; inst < to; inst++) {
        const pos = Math.floor(inst / seeds);
        const seed = inst - pos * seeds;
        const p = set.points[pos]!;
        const row: Row = [
          p.index, p.xIndex, p.yIndex, set.model, seed, kept[pos] === seed, p.xValue, p.yValue,
          p.featureProbability.slice(), p.importance.slice(), r.loss[inst]!, r.dimsPerFeature[inst]!,
          slice(r.featureNorm, inst, n), slice(r.superposition, inst, n), slice(r.dimensionality, inst, n), slice(r.benefit, inst, n),
        ];
        for (const name of Object.keys(this.layout.tensors)) {
          const t = tensors[name];
          row.push(t ? slice(t.data, inst, sizeOf(t.shape)) : null);
        }
        for (const name of this.layout.extra) {
          const data = r.extra?.[name];
          row.push(data ? slice(data, inst, extraPer.get(name)!) : null);
        }
        await this.push(row);
      }
    });
  }

  private checkGroup({ set, results: r }: ParquetGroup) {
    const { layout } = this;
    if (set.nFeatures !== layout.nFeatures || set.nHidden !== layout.nHidden) {
      throw new Error(`addInstances: group ${set.model} has n = ${set.nFeatures}, m = ${set.nHidden}; the file has n = ${layout.nFeatures}, m = ${layout.nHidden}`);
    }
    if (r.count !== set.points.length * set.seeds) throw new Error(`addInstances: group ${set.model} has ${r.count} results for ${set.points.length} points × ${set.seeds} seeds`);
    const tensors = groupTensors(set, r);
    for (const [name, t] of Object.entries(tensors)) {
      const shape = layout.tensors[name];
      if (!shape) throw new Error(`addInstances: tensor ${name} of group ${set.model} is not in the file's layout`);
      if (shape.join() !== t.shape.join()) throw new Error(`addInstances: tensor ${name} of group ${set.model} has shape [${t.shape.join(', ')}], the file [${shape.join(', ')}]`);
      if (t.data.length !== r.count * sizeOf(shape)) throw new Error(`addInstances: tensor ${name} of group ${set.model} holds ${t.data.length} floats, not ${r.count} × ${sizeOf(shape)}`);
    }
    for (const [name, data] of Object.entries(r.extra ?? {})) {
      if (!layout.extra.includes(name)) throw new Error(`addInstances: extra metric ${name} of group ${set.model} is not in the file's layout`);
      if (data.length % r.count !== 0) throw new Error(`addInstances: extra metric ${name} of group ${set.model} holds ${data.length} floats, not a multiple of ${r.count}`);
    }
    return tensors;
  }
}

// ---------------------------------------------------------------------------------------------
// points.parquet
// ---------------------------------------------------------------------------------------------

const POINT_COLUMNS: ColumnDef[] = [
  { name: 'gridIndex', kind: 'int32' },
  { name: 'xIndex', kind: 'int32' },
  { name: 'yIndex', kind: 'int32' },
  { name: 'model', kind: 'string' },
  { name: 'keptSeed', kind: 'int32?' },
  { name: 'xValue', kind: 'double' },
  { name: 'yValue', kind: 'double' },
  { name: 'featureProbability', kind: 'floatList?' },
  { name: 'importance', kind: 'floatList?' },
  { name: 'loss', kind: 'float?' },
  { name: 'dimsPerFeature', kind: 'float?' },
  { name: 'featureNorm', kind: 'floatList?' },
  { name: 'superposition', kind: 'floatList?' },
  { name: 'dimensionality', kind: 'floatList?' },
  { name: 'benefit', kind: 'floatList?' },
];

/**
 * Streams `points.parquet`: one row per grid point of each group (per model kind), in the order added.
 *
 * Columns: `gridIndex`, `xIndex`, `yIndex` (INT32), `model` (UTF8), `keptSeed` (INT32, null when
 * every seed diverged), `xValue`, `yValue` (DOUBLE), `featureProbability`, `importance` (list<float>,
 * n), then the kept seed's `loss`, `dimsPerFeature` (FLOAT) and `featureNorm`, `superposition`,
 * `dimensionality`, `benefit` (list<float>, n) — all null when `keptSeed` is null. Same meanings
 * and units as {@link ModelsParquetWriter}; NaN stays NaN.
 */
export class PointsParquetWriter extends RowGroupFile {
  private constructor(
    private readonly nFeatures: number,
    file: OpenedFile,
  ) {
    super(file);
  }

  /**
   * Creates the temporary file beside `path` (creating the folder) and writes the header.
   * @param nFeatures n, to check every group added against
   * @param nHidden m, recorded in the `sizes` metadata
   * @throws RangeError for a bad rowGroupRows; the underlying fs error
   */
  static async open(path: string, nFeatures: number, nHidden: number, options: ParquetWriterOptions = {}): Promise<PointsParquetWriter> {
    const f = await RowGroupFile.openFile(path, POINT_COLUMNS, {
      [PARQUET_META_KEYS.format]: POINTS_PARQUET_FORMAT,
      [PARQUET_META_KEYS.sizes]: JSON.stringify({ nFeatures, nHidden }),
    }, options);
    return new PointsParquetWriter(nFeatures, f);
  }

  /**
   * Adds point positions [from, to) of `group.set.points`. Await each call before the next.
   * @throws RangeError when the range is outside [0, points.length]; Error when n differs from the
   *   file's, when closed, or when a previous call is still running; the underlying fs error
   */
  async addPoints(group: ParquetGroup, from = 0, to = group.set.points.length): Promise<void> {
    const { set, results: r, kept } = group;
    const n = set.nFeatures;
    checkRange('addPoints', from, to, set.points.length);
    if (n !== this.nFeatures) throw new Error(`addPoints: group ${set.model} has n = ${n}, the file ${this.nFeatures}`);
    await this.run('addPoints', async () => {
      for (let pos = from; pos < to; pos++) {
        const p = set.points[pos]!;
        const seed = kept[pos]!;
        const inst = pos * set.seeds + seed;
        const has = seed >= 0;
        await this.push([
          p.index, p.xIndex, p.yIndex, set.model, has ? seed : null, p.xValue, p.yValue,
          p.featureProbability.slice(), p.importance.slice(),
          has ? r.loss[inst]! : null, has ? r.dimsPerFeature[inst]! : null,
          ...[r.featureNorm, r.superposition, r.dimensionality, r.benefit].map((a) => (has ? slice(a, inst, n) : null)),
        ]);
      }
    });
  }
}

// ---------------------------------------------------------------------------------------------
// Whole run
// ---------------------------------------------------------------------------------------------

/**
 * Writes `models.parquet` and `points.parquet` for a finished run (a SweepRun, or any `{groups}`) into `dir` (created if needed),
 * group by group, `chunkInstances` models per call (default: one row group), so the only extra
 * memory is one row group per file. Rows follow group order, then instance order (grid order
 * within a group, seeds in order); sort by gridIndex, seedIndex for results.json's order.
 * On an error the failing file's temporary file is removed and nothing is renamed into place
 * for it (a models.parquet already renamed before points.parquet failed stays).
 * @returns the two final paths
 * @throws Error from {@link parquetLayout} or the writers; the underlying fs error
 */
export async function writeRunParquet(
  dir: string,
  run: { groups: readonly ParquetGroup[] },
  options: ParquetWriterOptions & { chunkInstances?: number } = {},
): Promise<{ models: string; points: string }> {
  const layout = parquetLayout(run.groups);
  const chunk = options.chunkInstances ?? options.rowGroupRows ?? DEFAULT_ROW_GROUP_ROWS;
  const models = await ModelsParquetWriter.open(join(dir, PARQUET_FILES.models), layout, options);
  try {
    for (const g of run.groups) {
      for (let from = 0; from < g.results.count; from += chunk) await models.addInstances(g, from, Math.min(from + chunk, g.results.count));
    }
    await models.close();
  } catch (e) {
    await models.abort();
    throw e;
  }
  const points = await PointsParquetWriter.open(join(dir, PARQUET_FILES.points), layout.nFeatures, layout.nHidden, options);
  try {
    for (const g of run.groups) await points.addPoints(g);
    await points.close();
  } catch (e) {
    await points.abort();
    throw e;
  }
  return { models: models.path, points: points.path };
}
