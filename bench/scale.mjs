#!/usr/bin/env node
// Scale check (issue "sweeps that outgrow one run"): trains a grid of GRID × GRID points × 4 seeds
// at a tiny budget with the CLI, under /usr/bin/time, and records the phases (from results.json's
// timings), the peak memory of the CLI and of the browser (Chromium's processes, sampled every
// 0.5 s; with --backend node it only draws the PNG) and the output sizes in bench/results/scale-<date>.json.
//   node bench/scale.mjs [GRID=512] [BACKEND=node] [CLI FLAGS…]   e.g. … 512 node --chunk-models 65536
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';

const grid = Number(process.argv[2] ?? 512);
const backend = process.argv[3] ?? 'node';
// Further arguments go to `superposition sweep` as they are (e.g. --chunk-models N).
const extra = process.argv.slice(4);
const out = mkdtempSync(join(tmpdir(), `scale-${grid}-`));
const load = loadavg();
const t0 = Date.now();
// Peak resident memory of the browser (every chromium process, summed), sampled every 0.5 s.
const browserRss = () => {
  try {
    return execFileSync('ps', ['-C', 'chromium', '-o', 'rss='], { encoding: 'utf8' }).split('\n').reduce((a, l) => a + (Number(l.trim()) || 0), 0);
  } catch {
    return 0;
  }
};
let browserPeakKb = 0;
const sampler = setInterval(() => (browserPeakKb = Math.max(browserPeakKb, browserRss())), 500);
const child = spawn('/usr/bin/time', ['-f', '%e %M', process.execPath, 'bin/superposition.mjs', 'sweep', '--config', 'bench/scale/phase-512.json', '--grid', String(grid), '--backend', backend, '--out', join(out, 'run'), '--quiet', '--no-figures', ...extra]);
let stderr = '';
child.stderr.on('data', (d) => (stderr += String(d)));
const status = await new Promise((resolve) => child.on('exit', resolve));
clearInterval(sampler);
const r = { status, stderr };
const wall = (Date.now() - t0) / 1000;
const last = r.stderr.trim().split('\n').pop() ?? '';
const [elapsed, maxKb] = last.split(' ').map(Number);
if (r.status !== 0) {
  console.error(r.stderr);
  process.exit(1);
}
const results = JSON.parse(readFileSync(join(out, 'run', 'results.json'), 'utf8'));
const sizes = Object.fromEntries(readdirSync(join(out, 'run')).map((f) => [f, statSync(join(out, 'run', f)).size]));
const g = results.groups[0];
const train = results.timings.totalSeconds;
const record = {
  date: new Date().toISOString(),
  command: ['node bench/scale.mjs', grid, backend, ...extra].join(' '),
  machine: `${cpus().length} × ${cpus()[0]?.model}`,
  load1Before: load[0],
  models: grid * grid * 4,
  device: results.device?.description,
  seconds: { wall, acquire: results.timings.acquireSeconds, train: g.timings.trainSeconds, evaluate: g.timings.evaluateSeconds, run: train, startAndWrite: elapsed - train },
  peakRssMB: maxKb / 1024,
  browserPeakRssMB: browserPeakKb / 1024,
  bytes: sizes,
  layout: g.layoutDetail,
  chunks: g.chunks,
};
mkdirSync('bench/results', { recursive: true });
const file = `bench/results/scale-${grid}-${record.date.replace(/[:.]/g, '-').slice(0, 19)}Z.json`;
writeFileSync(file, JSON.stringify(record, null, 2) + '\n');
console.log(JSON.stringify(record, null, 2));
console.log(`wrote ${file}`);
