/**
 * Columnar results from the CLI: a sweep writes models.parquet and points.parquet that DuckDB (a
 * second, independent reader) reads back with the same numbers as results.json; above
 * --json-cells-max models results.json leaves its per-model records to models.parquet, and both
 * `superposition figure` and the element's `src` follow it there.
 */
import { test, expect } from '@playwright/test';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DuckDBInstance } from '@duckdb/node-api';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BIN = join(ROOT, 'bin', 'superposition.mjs');

function cli(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: ROOT, encoding: 'utf8', timeout: 240_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

interface Cell {
  gridIndex: number;
  seedIndex: number;
  kept: boolean;
  loss: number;
  params: { W: { data: number[] } };
}

test('Parquet results read back by DuckDB; results.json can leave its records to them', async ({ page }) => {
  // Inside the repository so the dev server can serve the files to the element.
  const base = mkdtempSync(join(ROOT, 'test-results', 'parquet-'));
  const inJson = join(base, 'json');
  const r = cli(['sweep', '--preset', 'tiny', '--seeds', '2', '--out', inJson, '--quiet', '--no-figures']);
  expect(r.status, r.stderr).toBe(0);
  const results = JSON.parse(readFileSync(join(inJson, 'results.json'), 'utf8'));
  expect(results.parquet).toEqual({ models: 'models.parquet', points: 'points.parquet' });
  const cells = results.cells as Cell[];
  expect(cells).toHaveLength(32);

  const db = await DuckDBInstance.create(':memory:');
  const sql = await db.connect();
  try {
    const rows = async (q: string) => (await sql.runAndReadAll(q)).getRowObjectsJS() as Record<string, unknown>[];
    const models = await rows(`SELECT gridIndex, seedIndex, kept, loss, W FROM '${join(inJson, 'models.parquet')}' ORDER BY gridIndex, seedIndex`);
    expect(models).toHaveLength(32);
    for (const [k, row] of models.entries()) {
      const c = cells[k]!;
      expect([row.gridIndex, row.seedIndex, row.kept]).toEqual([c.gridIndex, c.seedIndex, c.kept]);
      // results.json rounds to 6 significant digits; Parquet keeps the float32.
      const close = (a: number, b: number) => expect(Math.abs(a - b)).toBeLessThanOrEqual(1e-5 * Math.abs(b) + 1e-12);
      close(Number(row.loss), c.loss);
      (row.W as number[]).forEach((w, i) => close(w, c.params.W.data[i]!));
    }
    const points = await rows(`SELECT gridIndex, keptSeed FROM '${join(inJson, 'points.parquet')}' ORDER BY gridIndex`);
    expect(points.map((p) => p.keptSeed)).toEqual((results.points as { keptSeed: number }[]).map((p) => p.keptSeed));
  } finally {
    sql.closeSync();
    db.closeSync();
  }

  // Above --json-cells-max the records live only in models.parquet.
  const outside = join(base, 'parquet');
  const p = cli(['sweep', '--preset', 'tiny', '--seeds', '2', '--out', outside, '--quiet', '--no-figures', '--json-cells-max', '10']);
  expect(p.status, p.stderr).toBe(0);
  const slim = JSON.parse(readFileSync(join(outside, 'results.json'), 'utf8'));
  expect(slim.cells).toEqual([]);
  expect(slim.cellsFile).toBe('models.parquet');
  // That run streamed its models to the files chunk by chunk; they equal the held run's byte for byte.
  for (const file of ['models.parquet', 'points.parquet', 'cells.csv']) {
    expect(readFileSync(join(outside, file)).equals(readFileSync(join(inJson, file))), `${file} of the streamed run`).toBe(true);
  }
  expect(slim.points).toEqual(results.points);
  expect(slim.groups[0].instances).toBe(32);
  const svg = join(base, 'strip.svg');
  const f = cli(['figure', join(outside, 'results.json'), '--figure', 'phase-diagram', '--out', svg]);
  expect(f.status, f.stderr).toBe(0);
  expect(readFileSync(svg, 'utf8').match(/class="matrix-cell"/g)).toHaveLength(16);
  expect(readFileSync(svg, 'utf8')).not.toContain('fill="#f4f4f4"');
  // The element's src follows results.json to models.parquet.
  await page.goto(`/e2e/fixtures/figure.html?figure=phase-diagram&src=/${relative(ROOT, join(outside, 'results.json'))}`);
  await expect.poll(() => page.evaluate(() => (document.getElementById('f') as any).state), { timeout: 60_000 }).toBe('complete');
  const kept = await page.evaluate(() => Array.from((document.getElementById('f') as any).sweep.sweep.groups[0].kept as Int32Array));
  expect(kept).toEqual((slim.points as { keptSeed: number }[]).map((x) => x.keptSeed));
});
