/**
 * Reads the per-model records of a results.json that moved them into `models.parquet` (large
 * sweeps; the CLI's `--json-cells-max`): turns the Parquet rows back into the cell records
 * results.json would have held, so {@link parseResultsJson} loads either. Browser-safe (hyparquet).
 */
import { parquetMetadata, parquetReadObjects } from 'hyparquet';

/** The models.parquet metadata key holding each tensor's shape. */
const SHAPES_KEY = 'superposition-webgpu:shapes';

/** Columns of models.parquet that are not parameter tensors or `extra` metrics. */
const CELL_COLUMNS = new Set(['gridIndex', 'xIndex', 'yIndex', 'model', 'seedIndex', 'kept', 'xValue', 'yValue', 'featureProbability', 'importance', 'loss', 'dimsPerFeature', 'featureNorm', 'superposition', 'dimensionality', 'benefit']);

const list = (v: unknown): number[] | null => (v === null || v === undefined ? null : Array.from(v as ArrayLike<number>, Number));

/**
 * The cell records of a models.parquet file: per row `gridIndex`, `seedIndex`, `model`, `kept`,
 * `loss`, `dimsPerFeature`, the per-feature metrics, `params` ({name: {shape, data}} for every
 * tensor column the row has) and `extra` (the other list columns).
 * @throws Error when the file is not a models.parquet written by superposition-webgpu (no shapes metadata)
 */
export async function cellsFromModelsParquet(file: ArrayBuffer): Promise<Record<string, unknown>[]> {
  const meta = parquetMetadata(file);
  const shapesEntry = meta.key_value_metadata?.find((kv) => kv.key === SHAPES_KEY)?.value;
  if (!shapesEntry) throw new Error(`not a superposition-webgpu models.parquet (no ${SHAPES_KEY} metadata)`);
  const shapes = JSON.parse(shapesEntry) as Record<string, number[]>;
  const rows = (await parquetReadObjects({ file })) as Record<string, unknown>[];
  return rows.map((row) => {
    const params: Record<string, { shape: number[]; data: number[] }> = {};
    const extra: Record<string, number[]> = {};
    for (const [key, value] of Object.entries(row)) {
      if (CELL_COLUMNS.has(key)) continue;
      const values = list(value);
      if (!values) continue; // a tensor or metric this model kind does not have
      if (shapes[key]) params[key] = { shape: shapes[key]!, data: values };
      else extra[key] = values;
    }
    return {
      gridIndex: Number(row.gridIndex),
      xIndex: Number(row.xIndex),
      yIndex: Number(row.yIndex),
      model: row.model,
      seedIndex: Number(row.seedIndex),
      kept: row.kept === true,
      featureProbability: list(row.featureProbability),
      importance: list(row.importance),
      loss: Number(row.loss),
      dimsPerFeature: Number(row.dimsPerFeature),
      featureNorm: list(row.featureNorm),
      superposition: list(row.superposition),
      dimensionality: list(row.dimensionality),
      benefit: list(row.benefit),
      params,
      ...(Object.keys(extra).length ? { extra } : {}),
    };
  });
}

/**
 * A results.json document with its cells in place: unchanged when it holds them; otherwise (its
 * `cellsFile` names models.parquet) the cells read through `read(name)` (a fetch relative to the
 * results file, or a file read beside it), each with its recorded history from `histories`.
 */
export async function withParquetCells(json: unknown, read: (name: string) => Promise<ArrayBuffer>): Promise<unknown> {
  if (typeof json !== 'object' || json === null) return json;
  const doc = json as Record<string, unknown>;
  if (typeof doc.cellsFile !== 'string') return json;
  const cells = await cellsFromModelsParquet(await read(doc.cellsFile));
  // Recorded histories stay in results.json (`histories`): put each back into its cell.
  if (Array.isArray(doc.histories) && doc.histories.length > 0) {
    const at = new Map(cells.map((c) => [`${String(c.model)}/${String(c.gridIndex)}/${String(c.seedIndex)}`, c]));
    for (const h of doc.histories as { gridIndex: number; model: string; seedIndex: number; history: unknown }[]) {
      const cell = at.get(`${h.model}/${h.gridIndex}/${h.seedIndex}`);
      if (cell) cell.history = h.history;
    }
  }
  return { ...doc, cells };
}
