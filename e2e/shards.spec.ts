/**
 * Shards across machines, as a scheduler runs them: N processes of `superposition sweep` with the
 * scheduler's environment (Slurm array, Kubernetes Indexed Job) each train their grid points;
 * `superposition merge` reports a partial set, refuses a duplicate, and combines the full set into
 * exactly what an unsharded run writes (every parameter, metric and loss).
 */
import { test, expect } from '@playwright/test';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BIN = join(ROOT, 'bin', 'superposition.mjs');
const SWEEP = ['sweep', '--preset', 'tiny', '--steps', '400', '--quiet', '--no-figures'];

function cli(args: string[], env: NodeJS.ProcessEnv = {}): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: ROOT, encoding: 'utf8', timeout: 240_000, env: { ...process.env, ...env } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const read = (dir: string, file: string) => readFileSync(join(dir, file), 'utf8');

test('shards from a Slurm array and a Kubernetes Indexed Job merge into exactly the unsharded results', async () => {
  const base = mkdtempSync(join(tmpdir(), 'superposition-shards-'));
  const whole = cli([...SWEEP, '--backend', 'node', '--out', join(base, 'whole')]);
  expect(whole.status, whole.stderr).toBe(0);

  // Slurm: --array=0-2 sets these for task K.
  const slurm = [0, 1, 2].map((k) => join(base, `slurm-${k}`));
  for (const [k, out] of slurm.entries()) {
    const r = cli([...SWEEP, '--shard-count', '3', '--out', out], { SLURM_ARRAY_TASK_ID: String(k), SLURM_ARRAY_TASK_MIN: '0', SLURM_ARRAY_TASK_MAX: '2', SLURM_ARRAY_TASK_COUNT: '3', SLURM_ARRAY_TASK_STEP: '1' });
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(read(out, 'shard.json'))).toMatchObject({ shard: { index: k, count: 3 }, source: 'slurm' });
  }
  // A partial set: merge --progress names the missing shard and writes nothing.
  const partial = cli(['merge', slurm[0]!, slurm[2]!, '--progress']);
  expect(partial.status).toBe(1);
  expect(partial.stdout).toMatch(/missing.*\b1\b/);
  // A duplicate is refused, naming it.
  const dup = cli(['merge', slurm[0]!, slurm[0]!, slurm[1]!, slurm[2]!, '--out', join(base, 'dup')]);
  expect(dup.status).toBe(2);
  expect(dup.stderr).toMatch(/shard 0/);
  const merged = join(base, 'merged-slurm');
  const m = cli(['merge', ...slurm.reverse(), '--out', merged, '--no-figures']);
  expect(m.status, m.stderr).toBe(0);
  expect(JSON.parse(read(merged, 'results.json')).cells).toEqual(JSON.parse(read(join(base, 'whole'), 'results.json')).cells);
  expect(read(merged, 'cells.csv')).toBe(read(join(base, 'whole'), 'cells.csv'));
  // The Parquet files too, float32 as trained, byte for byte.
  for (const file of ['models.parquet', 'points.parquet']) {
    expect(readFileSync(join(merged, file)).equals(readFileSync(join(base, 'whole', file))), `merged ${file}`).toBe(true);
  }

  // Kubernetes Indexed Job: JOB_COMPLETION_INDEX = K, N from --shard-count.
  const k8s = [0, 1].map((k) => join(base, `k8s-${k}`));
  for (const [k, out] of k8s.entries()) {
    const r = cli([...SWEEP, '--shard-count', '2', '--out', out], { JOB_COMPLETION_INDEX: String(k) });
    expect(r.status, r.stderr).toBe(0);
  }
  const mergedK8s = join(base, 'merged-k8s');
  const mk = cli(['merge', ...k8s, '--out', mergedK8s, '--no-figures']);
  expect(mk.status, mk.stderr).toBe(0);
  expect(JSON.parse(read(mergedK8s, 'results.json')).cells).toEqual(JSON.parse(read(join(base, 'whole'), 'results.json')).cells);
  expect(readFileSync(join(mergedK8s, 'models.parquet')).equals(readFileSync(join(base, 'whole', 'models.parquet')))).toBe(true);
});
