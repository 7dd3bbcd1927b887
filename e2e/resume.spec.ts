/**
 * Interrupt and resume from the CLI: a sweep killed (SIGINT, SIGTERM) at different points of
 * training leaves a checkpoint and says how to continue; `--resume` then writes results whose
 * every parameter, metric and loss equals an uninterrupted run's. A checkpoint of another spec is
 * refused, and an existing checkpoint is never overwritten without --force.
 */
import { test, expect } from '@playwright/test';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BIN = join(ROOT, 'bin', 'superposition.mjs');
const BASE_ARGS = ['sweep', '--preset', 'tiny', '--steps', '20000', '--quiet', '--no-figures'];
let ARGS = [...BASE_ARGS, '--backend', 'node'];

function cli(args: string[]): { status: number | null; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: ROOT, encoding: 'utf8', timeout: 240_000 });
  return { status: r.status, stderr: r.stderr };
}

interface Manifest {
  groups: { finished: unknown[]; running?: { step: number } }[];
}

/** Starts a sweep, sends `signal` once the checkpoint's running chunk has trained `atStep` steps, and waits for the exit. */
async function interrupt(out: string, signal: NodeJS.Signals, atStep: number): Promise<{ code: number | null; stderr: string; step: number }> {
  const child = spawn(process.execPath, [BIN, ...ARGS, '--out', out, '--checkpoint-seconds', '0'], { cwd: ROOT });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += String(d)));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const manifest = join(`${out}.checkpoint`, 'manifest.json');
  let step = 0;
  for (let k = 0; k < 600 && child.exitCode === null; k++) {
    await new Promise((r) => setTimeout(r, 50));
    if (!existsSync(manifest)) continue;
    try {
      step = (JSON.parse(readFileSync(manifest, 'utf8')) as Manifest).groups[0]?.running?.step ?? 0;
    } catch {
      continue; // replaced while being read
    }
    if (step >= atStep) break;
  }
  child.kill(signal);
  return { code: await exited, stderr, step };
}

function cells(dir: string): unknown {
  return JSON.parse(readFileSync(join(dir, 'results.json'), 'utf8')).cells;
}

const CASES = {
  node: [['SIGINT', 1], ['SIGTERM', 8000]],
  chromium: [['SIGINT', 4000]],
} as const;

for (const backend of ['node', 'chromium'] as const) test(`${backend} backend: a sweep interrupted early or late resumes bit-identical to an uninterrupted run`, async () => {
  ARGS = [...BASE_ARGS, '--backend', backend];
  const base = mkdtempSync(join(tmpdir(), 'superposition-resume-'));
  const whole = cli([...ARGS, '--out', join(base, 'whole')]);
  expect(whole.status, whole.stderr).toBe(0);
  for (const [signal, atStep] of CASES[backend]) {
    const out = join(base, `${signal}-${atStep}`);
    const cut = await interrupt(out, signal, atStep);
    expect(cut.step, 'the run was interrupted mid-chunk').toBeGreaterThanOrEqual(atStep);
    expect(cut.code).toBe(130);
    expect(cut.stderr).toContain(`the checkpoint is in ${out}.checkpoint. Continue with: superposition`);
    expect(existsSync(join(out, 'results.json'))).toBe(false);
    // Without --resume or --force the checkpoint is not overwritten.
    const refused = cli([...ARGS, '--out', out]);
    expect(refused.status).toBe(2);
    expect(refused.stderr).toContain('add --resume to continue it, or --force');
    // A checkpoint of another spec is refused, naming the difference.
    const other = cli([...ARGS.map((a) => (a === '20000' ? '20001' : a)), '--out', out, '--resume']);
    expect(other.status).toBe(2);
    expect(other.stderr).toContain('the spec differs');
    const resumed = cli([...ARGS, '--out', out, '--resume']);
    expect(resumed.status, resumed.stderr).toBe(0);
    expect(cells(out)).toEqual(cells(join(base, 'whole')));
    expect(existsSync(`${out}.checkpoint`)).toBe(false);
  }
});

test('a streamed sweep (models.parquet written chunk by chunk) resumes with finished chunks to files identical to an unstreamed run', async () => {
  // --json-cells-max 0 streams the models to models.parquet; --chunk-models 5 makes 4 chunks of the 16.
  ARGS = [...BASE_ARGS, '--backend', 'node', '--json-cells-max', '0', '--chunk-models', '5'];
  const base = mkdtempSync(join(tmpdir(), 'superposition-resume-streamed-'));
  const whole = cli([...BASE_ARGS, '--backend', 'node', '--out', join(base, 'whole')]);
  expect(whole.status, whole.stderr).toBe(0);
  const out = join(base, 'streamed');
  const child = spawn(process.execPath, [BIN, ...ARGS, '--out', out, '--checkpoint-seconds', '0'], { cwd: ROOT });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const manifest = join(`${out}.checkpoint`, 'manifest.json');
  let seen: Manifest | undefined;
  for (let k = 0; k < 2400 && child.exitCode === null; k++) {
    await new Promise((r) => setTimeout(r, 50));
    try {
      seen = JSON.parse(readFileSync(manifest, 'utf8')) as Manifest;
    } catch {
      continue; // not there yet, or replaced while being read
    }
    if (seen.groups[0]!.finished.length >= 1 && (seen.groups[0]!.running?.step ?? 0) > 0) break;
  }
  child.kill('SIGINT');
  expect(await exited).toBe(130);
  expect(seen!.groups[0]!.finished.length, 'a chunk had finished').toBeGreaterThanOrEqual(1);
  expect(existsSync(join(out, 'models.parquet'))).toBe(false);
  const resumed = cli([...ARGS, '--out', out, '--resume']);
  expect(resumed.status, resumed.stderr).toBe(0);
  for (const file of ['models.parquet', 'points.parquet', 'cells.csv']) {
    expect(readFileSync(join(out, file)).equals(readFileSync(join(base, 'whole', file))), `${file} equals the unstreamed run's`).toBe(true);
  }
  const points = (dir: string) => JSON.parse(readFileSync(join(dir, 'results.json'), 'utf8')).points;
  expect(points(out)).toEqual(points(join(base, 'whole')));
  expect(readdirSync(out).filter((f) => f.endsWith('.tmp'))).toEqual([]);
});
