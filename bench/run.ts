/**
 * `npm run bench`: training throughput (samples/s = models × steps × batch / training seconds) of
 * the WebGPU engine in headless Chromium and in Node (dawn.node), for both kernel layouts, next to
 * two baselines measured in the same run: the float64 CPU reference (src/science/reference.ts)
 * and a PyTorch implementation of the paper's training loop (bench/baselines/torch_baseline.py).
 * The WebGPU stages also measure the live-view overhead and the evaluation kernel alone (looped vs
 * registers entry point). See bench/README.md.
 *
 * Every stage is isolated: a backend that fails records its error in its rows and the run goes on.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser } from 'playwright';
import { createServer, type ViteDevServer } from 'vite';
import { chromiumArgs, chromiumPath } from '../src/headless/chromium-path.js';
import { referenceInstance, trainReference } from '../src/science/reference.js';
import {
  EVALUATE_ENTRY_POINTS,
  EVALUATION_LOSS_TOLERANCE,
  LAYOUTS,
  SPEC_EVAL_BATCH_SIZE,
  stepsFor,
  workloads,
  workloadSet,
  type GpuBenchRequest,
  type EvaluateEntryPoint,
  type EvaluationMeasurement,
  type EvaluationRequest,
  type GpuBenchResponse,
  type LiveViewMeasurement,
  type LiveViewRequest,
  type Workload,
} from './workloads.js';

const BENCH_DIR = dirname(fileURLToPath(import.meta.url));
const REPO_ROOT = join(BENCH_DIR, '..');
const RESULTS_DIR = join(BENCH_DIR, 'results');
const STAGES = ['chromium', 'node', 'reference', 'torch'] as const;
type Stage = (typeof STAGES)[number];

/** Settings of one run. */
interface Config {
  quick: boolean;
  only: Stage[];
  /** Most samples per timed WebGPU / PyTorch measurement (sets each workload's step cap). */
  targetSamples: number;
  minSteps: number;
  warmupSteps: number;
  /** Samples of the WebGPU calibration run (0: no calibration, run the step cap). */
  calibrationSamples: number;
  /** Seconds a timed WebGPU / PyTorch measurement aims at (within [minSteps, cap]). */
  targetSeconds: number;
  /** Reference: steps per model, and how long to keep adding models. */
  referenceSteps: number;
  referenceSeconds: number;
  stageTimeoutSeconds: number;
  /** Live-view overhead (WebGPU stages, the n = 2, m = 1 workload); steps without the workload's sample cap. */
  liveView: Omit<LiveViewRequest, 'maxSteps'> & { maxSamples: number };
  /** Evaluation kernel, looped vs registers entry point (WebGPU stages, every workload). */
  evaluation: EvaluationRequest;
}

/** Snapshot intervals of the live-view measurement: the element's 0.4 s, and after every submit. */
const LIVE_VIEW_INTERVALS = [0.4, 0];

/** One line of the "live view" table / one entry of `liveViewRows` in the JSON. */
export interface LiveViewRow {
  workload: string;
  workloadLabel: string;
  backend: 'chromium' | 'node';
  /** 'no snapshots', 'snapshots every 0.4 s', 'snapshot after every submit'. */
  variant: string;
  /** null: no snapshots. */
  intervalSeconds: number | null;
  layout: string | null;
  ok: boolean;
  error?: string;
  /** models × steps × batch / wall seconds of the whole trainModelSet call (snapshots included). */
  samplesPerSecond: number | null;
  /** samplesPerSecond / the same backend's no-snapshot row (same ModelSet, same run). */
  ratioVsNoSnapshots: number | null;
  /** The slowdown the directly timed snapshots account for, within each run (LiveViewVariant.ratioFromSnapshotTime): less noisy. */
  ratioFromSnapshotTime: number | null;
  /** TrainOutcome.samplesPerSecond: training dispatches only (snapshot time excluded). */
  trainSamplesPerSecond: number | null;
  /** Mean wall seconds of one trainModelSet call. */
  seconds: number | null;
  steps: number | null;
  /** Snapshots per run (in-training plus one final per chunk). */
  snapshots: number | null;
  /** Mean ms per in-training snapshot, timed directly (submit's progress report → onSnapshot). */
  msPerSnapshot: number | null;
  /** (wall seconds − the no-snapshot row's) / snapshots, in ms. */
  msPerSnapshotBySubtraction: number | null;
  bytesPerSnapshot: number | null;
  /** Bytes of a full θ + metrics read-back of every model ((m·n + n) + (2 + 4n) floats each). */
  fullReadbackBytes: number | null;
  details?: Record<string, unknown>;
}

/** One line of the "evaluation" table / one entry of `evaluationRows` in the JSON. */
export interface EvaluationRow {
  workload: string;
  workloadLabel: string;
  backend: 'chromium' | 'node';
  entryPoint: EvaluateEntryPoint;
  ok: boolean;
  error?: string;
  /** models × evalBatchSize × dispatches / timed seconds. */
  samplesPerSecond: number | null;
  /** evaluateRegisters samples/s / evaluate samples/s (same backend, workload and run); null on the looped row. */
  ratioVsLooped: number | null;
  evalBatchSize: number;
  dispatches: number | null;
  seconds: number | null;
  /** Both entry points' losses on the same weights: max relative difference, and whether it is within the tolerance. */
  maxRelLossDifference: number | null;
  lossesAgree: boolean | null;
  details?: Record<string, unknown>;
}

/** One line of the table / one entry of `rows` in the JSON. */
export interface Row {
  workload: string;
  workloadLabel: string;
  backend: Stage;
  /** What ran: 'webgpu', 'float64 JS', 'autograd + AdamW', 'hand-written backward'. */
  implementation: string;
  layout: string | null;
  ok: boolean;
  error?: string;
  samplesPerSecond: number | null;
  /** samplesPerSecond / the PyTorch hand-written baseline's, same workload, same run. */
  ratioVsTorchManual: number | null;
  /** samplesPerSecond / the CPU reference's, same workload, same run. */
  ratioVsReference: number | null;
  /** Seconds the timed part took. */
  seconds: number | null;
  /** Timed steps (reference: per model, with `details.models` models). */
  steps: number | null;
  samples: number | null;
  details?: Record<string, unknown>;
}

const HELP = `Usage: npm run bench [-- options]

Measures training throughput (samples/s = models x steps x batch per second) for
  A: n=5, m=2, 1024 models, batch 1024      B: n=2, m=1, 4096 models, batch 1024
on WebGPU in headless Chromium and in Node (every kernel layout), the float64 CPU reference,
and a PyTorch baseline (autograd and hand-written backward). The WebGPU stages also measure the
live-view overhead on B (no snapshots vs snapshots every 0.4 s vs after every submit), and the
evaluation kernel alone on A and B (entry points evaluate vs evaluateRegisters, 8192 examples).
Writes bench/results/latest.json.

Options:
  --quick                 small measurements (a smoke run, about a minute)
  --only <stage>[,...]    run only these stages: chromium, node, reference, torch (repeatable)
  -h, --help              this text
Environment: SUPERPOSITION_CHROMIUM (Chromium path), BENCH_PYTHON (python with torch).
`;

function parseArgs(argv: string[]): Config | string {
  let quick = false;
  const only: Stage[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--quick') quick = true;
    else if (a === '-h' || a === '--help') return HELP;
    else if (a === '--only' || a.startsWith('--only=')) {
      const value = a.startsWith('--only=') ? a.slice(7) : argv[++i];
      if (!value) throw new Error('--only needs a value: chromium, node, reference or torch');
      for (const s of value.split(',')) {
        if (!(STAGES as readonly string[]).includes(s)) throw new Error(`--only: unknown stage '${s}' (chromium, node, reference, torch)`);
        if (!only.includes(s as Stage)) only.push(s as Stage);
      }
    } else throw new Error(`unknown option '${a}'\n\n${HELP}`);
  }
  return {
    quick,
    only: only.length ? only : [...STAGES],
    targetSamples: quick ? 4e6 : 3.2e7,
    minSteps: quick ? 1 : 2,
    warmupSteps: 1,
    calibrationSamples: quick ? 0 : 2e6,
    targetSeconds: quick ? 1 : 8,
    referenceSteps: quick ? 2 : 10,
    referenceSeconds: quick ? 0.5 : 3,
    stageTimeoutSeconds: 900,
    liveView: {
      intervals: LIVE_VIEW_INTERVALS,
      warmupSteps: 2,
      calibrationSteps: quick ? 0 : 3,
      targetSeconds: quick ? 0.5 : 5,
      minSteps: quick ? 3 : 4,
      rounds: quick ? 1 : 3,
      // Quick: no calibration, 3 steps (B: 1.3e7 samples, well under a second per run on SwiftShader).
      maxSamples: quick ? 1.3e7 : 1e9,
    },
    // Quick: one dispatch per entry point after the warm-up (K = 1), no calibration.
    evaluation: { evalBatchSize: SPEC_EVAL_BATCH_SIZE, targetSeconds: quick ? 0 : 1.5, minDispatches: 1, rounds: quick ? 1 : 2, submitSeconds: 0.25 },
  };
}

const errorText = (e: unknown): string => (e instanceof Error ? `${e.name}: ${e.message.split('\n')[0]}` : String(e));
const now = (): number => performance.now() / 1000;
const log = (s: string): void => void process.stderr.write(`[bench] ${s}\n`);

function blankRow(w: Workload, backend: Stage, implementation: string, layout: string | null): Row {
  return { workload: w.id, workloadLabel: w.label, backend, implementation, layout, ok: false, samplesPerSecond: null, ratioVsTorchManual: null, ratioVsReference: null, seconds: null, steps: null, samples: null };
}

/** Rows from a WebGPU response (one per requested layout, errors included). */
/** The three tables' rows of one WebGPU stage's answer for workload `w` (or of its failure), appended to each. */
function recordGpuResponse(sink: { rows: Row[]; liveRows: LiveViewRow[]; evalRows: EvaluationRow[] }, config: Config, w: Workload, backend: 'chromium' | 'node', response: GpuBenchResponse | { ok: false; error: string }): void {
  sink.rows.push(...gpuRows(w, backend, response));
  sink.liveRows.push(...liveViewRows(w, backend, response));
  sink.evalRows.push(...evaluationRows(config, w, backend, response));
}

function gpuRows(w: Workload, backend: 'chromium' | 'node', response: GpuBenchResponse | { ok: false; error: string }): Row[] {
  return LAYOUTS.map((layout) => {
    const row = blankRow(w, backend, 'webgpu', layout);
    if (!response.ok) return { ...row, error: response.error ?? 'failed' };
    const m = (response as GpuBenchResponse).measurements.find((x) => x.layout === layout);
    if (!m) return { ...row, error: 'not measured (an earlier layout lost the device)' };
    if (!m.ok) return { ...row, error: m.error };
    return {
      ...row,
      ok: true,
      samplesPerSecond: m.samplesPerSecond ?? null,
      seconds: m.timings?.trainSeconds ?? null,
      steps: m.steps ?? null,
      samples: m.samples ?? null,
      details: { ...m, acquireSeconds: (response as GpuBenchResponse).acquireSeconds },
    };
  });
}

/** The live view is measured on the phase-diagram workload (n = 2, m = 1). */
const isLiveViewWorkload = (w: Workload): boolean => w.nFeatures === 2 && w.nHidden === 1;

function gpuRequest(config: Config, w: Workload): GpuBenchRequest {
  const { maxSamples, ...live } = config.liveView;
  return {
    workload: w,
    layouts: LAYOUTS,
    warmupSteps: config.warmupSteps,
    calibrationSteps: config.calibrationSamples > 0 ? stepsFor(w, config.calibrationSamples) : 0,
    targetSeconds: config.targetSeconds,
    minSteps: config.minSteps,
    ...(isLiveViewWorkload(w) ? { liveView: { ...live, maxSteps: stepsFor(w, maxSamples, live.minSteps) } } : {}),
    evaluation: config.evaluation,
  };
}

/**
 * One variant of a response's measurement section (live view, evaluation), or why there is none:
 * the whole response failed, the section is missing (the device was lost before it ran), the
 * section failed, or it has no such variant.
 */
function measuredVariant<S extends { ok: boolean; error?: string; variants: unknown[] }>(
  response: { ok: boolean; error?: string },
  section: S | undefined,
  pick: (variant: S['variants'][number]) => boolean,
): { section: S; variant: S['variants'][number] } | { error: string } {
  if (!response.ok) return { error: response.error ?? 'failed' };
  if (!section) return { error: 'not measured (the device was lost earlier)' };
  if (!section.ok) return { error: section.error ?? 'failed' };
  const variant = section.variants.find(pick);
  return variant ? { section, variant } : { error: 'not measured' };
}

const liveVariantName = (interval: number | null): string =>
  interval === null ? 'no snapshots' : interval === 0 ? 'snapshot after every submit' : `snapshots every ${interval} s`;

/** Live-view rows from a WebGPU response (no snapshots, then each interval), errors included. */
function liveViewRows(w: Workload, backend: 'chromium' | 'node', response: GpuBenchResponse | { ok: false; error: string }): LiveViewRow[] {
  if (!isLiveViewWorkload(w)) return [];
  const live: LiveViewMeasurement | undefined = response.ok ? (response as GpuBenchResponse).liveView : undefined;
  return [null, ...LIVE_VIEW_INTERVALS].map((interval) => {
    const row: LiveViewRow = {
      workload: w.id,
      workloadLabel: w.label,
      backend,
      variant: liveVariantName(interval),
      intervalSeconds: interval,
      layout: live?.layout ?? null,
      ok: false,
      samplesPerSecond: null,
      ratioVsNoSnapshots: null,
      ratioFromSnapshotTime: null,
      trainSamplesPerSecond: null,
      seconds: null,
      steps: live?.steps ?? null,
      snapshots: null,
      msPerSnapshot: null,
      msPerSnapshotBySubtraction: null,
      bytesPerSnapshot: null,
      fullReadbackBytes: live?.fullReadbackBytes ?? null,
    };
    const found = measuredVariant(response, live, (x) => x.intervalSeconds === interval);
    if ('error' in found) return { ...row, error: found.error };
    const v = found.variant;
    const none = found.section.variants.find((x) => x.intervalSeconds === null);
    const { variants: _variants, ...common } = found.section;
    return {
      ...row,
      ok: true,
      samplesPerSecond: v.samplesPerSecond,
      ratioVsNoSnapshots: none ? v.samplesPerSecond / none.samplesPerSecond : null,
      ratioFromSnapshotTime: v.ratioFromSnapshotTime,
      trainSamplesPerSecond: v.trainSamplesPerSecond,
      seconds: v.totalSeconds,
      snapshots: interval === null ? 0 : v.snapshots,
      msPerSnapshot: v.msPerSnapshot,
      msPerSnapshotBySubtraction: v.msPerSnapshotBySubtraction,
      bytesPerSnapshot: v.bytesPerSnapshot,
      details: { ...common, trainSeconds: v.trainSeconds, finalSnapshots: v.finalSnapshots, runs: v.runs, meanLoss: v.meanLoss },
    };
  });
}

/** Evaluation rows from a WebGPU response (looped, then registers), errors included. */
function evaluationRows(config: Config, w: Workload, backend: 'chromium' | 'node', response: GpuBenchResponse | { ok: false; error: string }): EvaluationRow[] {
  const ev: EvaluationMeasurement | undefined = response.ok ? (response as GpuBenchResponse).evaluation : undefined;
  return EVALUATE_ENTRY_POINTS.map((entryPoint) => {
    const row: EvaluationRow = {
      workload: w.id,
      workloadLabel: w.label,
      backend,
      entryPoint,
      ok: false,
      samplesPerSecond: null,
      ratioVsLooped: null,
      evalBatchSize: config.evaluation.evalBatchSize,
      dispatches: null,
      seconds: null,
      maxRelLossDifference: null,
      lossesAgree: null,
    };
    const found = measuredVariant(response, ev, (x) => x.entryPoint === entryPoint);
    if ('error' in found) return { ...row, error: found.error };
    const { section: measured, variant: v } = found;
    const { variants: _variants, ...common } = measured;
    return {
      ...row,
      ok: true,
      samplesPerSecond: v.samplesPerSecond,
      ratioVsLooped: entryPoint === 'evaluateRegisters' ? (measured.ratioRegistersVsLooped ?? null) : null,
      dispatches: v.dispatches,
      seconds: v.seconds,
      maxRelLossDifference: measured.maxRelLossDifference ?? null,
      lossesAgree: measured.lossesAgree ?? null,
      details: { ...common, createSeconds: v.createSeconds, warmupSeconds: v.warmupSeconds, runs: v.runs, meanLoss: v.meanLoss, nonFiniteLosses: v.nonFiniteLosses },
    };
  });
}

// ---------------------------------------------------------------------------------------------
// Stage 1: WebGPU in headless Chromium
// ---------------------------------------------------------------------------------------------
async function withTimeout<T>(promise: Promise<T>, seconds: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} timed out after ${seconds} s`)), seconds * 1000);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

async function runChromium(config: Config, list: Workload[], meta: Record<string, unknown>, liveRows: LiveViewRow[], evalRows: EvaluationRow[]): Promise<Row[]> {
  let server: ViteDevServer | undefined;
  let browser: Browser | undefined;
  const rows: Row[] = [];
  try {
    server = await createServer({
      configFile: false,
      root: REPO_ROOT,
      logLevel: 'silent',
      clearScreen: false,
      server: { host: '127.0.0.1', port: 0, strictPort: false, hmr: false, watch: null },
      optimizeDeps: { entries: ['bench/bench.html'] },
    });
    await server.listen();
    const address = server.httpServer?.address() as AddressInfo | null;
    if (!address || typeof address !== 'object') throw new Error('the Vite dev server did not report a port');
    const executablePath = chromiumPath();
    browser = await chromium.launch({ ...(executablePath ? { executablePath } : {}), args: chromiumArgs, headless: true });
    meta.chromiumVersion = browser.version();
    meta.chromiumExecutable = executablePath ?? '(playwright default)';
    const page = await browser.newPage();
    const pageErrors: string[] = [];
    page.on('pageerror', (e) => pageErrors.push(e.message));
    page.on('console', (m) => void (m.type() === 'error' && pageErrors.push(m.text())));
    await page.goto(`http://127.0.0.1:${address.port}/bench/bench.html`);
    try {
      await page.waitForFunction(() => window.runBench !== undefined, undefined, { timeout: 120_000 });
    } catch {
      throw new Error(`the bench page did not load${pageErrors.length ? `: ${pageErrors.join('; ')}` : ''}`);
    }
    meta.userAgent = await page.evaluate(() => window.benchUserAgent);
    for (const w of list) {
      log(`chromium: workload ${w.id} (${w.label}), at most ${w.steps} steps, layouts ${LAYOUTS.join(' + ')}${isLiveViewWorkload(w) ? ', then the live-view overhead' : ''}, then evaluation (${EVALUATE_ENTRY_POINTS.join(' vs ')})`);
      const request = gpuRequest(config, w);
      try {
        const response = await withTimeout(
          page.evaluate((r) => window.runBench!(r), request),
          config.stageTimeoutSeconds,
          `chromium workload ${w.id}`,
        );
        if (response.adapter) meta.chromiumAdapter = response.adapter;
        recordGpuResponse({ rows, liveRows, evalRows }, config, w, 'chromium', response);
      } catch (e) {
        recordGpuResponse({ rows, liveRows, evalRows }, config, w, 'chromium', { ok: false, error: errorText(e) });
        if (!page.isClosed() && browser.isConnected()) continue;
        break;
      }
    }
  } catch (e) {
    const error = errorText(e);
    for (const w of list) {
      if (rows.some((r) => r.workload === w.id)) continue;
      recordGpuResponse({ rows, liveRows, evalRows }, config, w, 'chromium', { ok: false, error });
    }
  } finally {
    await browser?.close().catch(() => {});
    await server?.close().catch(() => {});
  }
  return rows;
}

// ---------------------------------------------------------------------------------------------
// Stage 2: WebGPU in Node (dawn.node), one child process per workload
// ---------------------------------------------------------------------------------------------
interface ChildResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

function runChild(command: string, args: string[], timeoutSeconds: number, onLine?: (line: string) => void): Promise<ChildResult> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let pending = '';
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutSeconds * 1000);
    child.stdout.on('data', (d: Buffer) => {
      const text = d.toString();
      stdout += text;
      if (onLine) {
        pending += text;
        const lines = pending.split('\n');
        pending = lines.pop()!;
        for (const line of lines) onLine(line);
      }
    });
    child.stderr.on('data', (d: Buffer) => void (stderr += d.toString()));
    child.on('error', (e) => {
      clearTimeout(timer);
      resolve({ code: null, signal: null, stdout, stderr: stderr + String(e), timedOut });
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (onLine && pending) onLine(pending);
      resolve({ code, signal, stdout, stderr, timedOut });
    });
  });
}

function childFailure(r: ChildResult, what: string): string {
  if (r.timedOut) return `${what} timed out`;
  const tail = r.stderr
    .split('\n')
    .filter((l) => l.trim() && !/XDG_RUNTIME_DIR/.test(l))
    .slice(-3)
    .join(' | ');
  return `${what} exited with ${r.signal ?? `code ${r.code}`}${tail ? `: ${tail}` : ''}`;
}

async function runNode(config: Config, list: Workload[], meta: Record<string, unknown>, liveRows: LiveViewRow[], evalRows: EvaluationRow[]): Promise<Row[]> {
  const rows: Row[] = [];
  for (const w of list) {
    log(`node (dawn.node): workload ${w.id} (${w.label}), at most ${w.steps} steps, layouts ${LAYOUTS.join(' + ')}${isLiveViewWorkload(w) ? ', then the live-view overhead' : ''}, then evaluation (${EVALUATE_ENTRY_POINTS.join(' vs ')})`);
    const request = gpuRequest(config, w);
    const r = await runChild(process.execPath, ['--import', 'tsx', join(BENCH_DIR, 'node-worker.ts'), JSON.stringify(request)], config.stageTimeoutSeconds);
    const line = r.stdout.split('\n').find((l) => l.startsWith('BENCH_RESULT '));
    if (!line) {
      const failure = { ok: false as const, error: childFailure(r, 'the Node WebGPU worker') };
      recordGpuResponse({ rows, liveRows, evalRows }, config, w, 'node', failure);
      continue;
    }
    try {
      const response = JSON.parse(line.slice('BENCH_RESULT '.length)) as GpuBenchResponse;
      if (response.adapter) meta.nodeAdapter = response.adapter;
      recordGpuResponse({ rows, liveRows, evalRows }, config, w, 'node', response);
    } catch (e) {
      recordGpuResponse({ rows, liveRows, evalRows }, config, w, 'node', { ok: false, error: errorText(e) });
    }
  }
  return rows;
}

// ---------------------------------------------------------------------------------------------
// Stage 3: the float64 CPU reference (single-threaded JS, in this process)
// ---------------------------------------------------------------------------------------------
function runReference(config: Config, list: Workload[]): Row[] {
  return list.map((w) => {
    const row = blankRow(w, 'reference', 'float64 JS (src/science/reference.ts)', null);
    try {
      log(`reference: workload ${w.id}, ${config.referenceSteps} steps per model for ~${config.referenceSeconds} s`);
      const set = workloadSet(w, config.referenceSteps);
      trainReference(referenceInstance(set, 0), 1); // warm-up (JIT)
      const t0 = now();
      let models = 0;
      while (models < 2 || (now() - t0 < config.referenceSeconds && models < w.models)) {
        trainReference(referenceInstance(set, models), config.referenceSteps);
        models++;
      }
      const seconds = now() - t0;
      const samples = models * config.referenceSteps * w.batchSize;
      return { ...row, ok: true, samplesPerSecond: samples / seconds, seconds, steps: config.referenceSteps, samples, details: { models, stepsPerModel: config.referenceSteps, batchSize: w.batchSize } };
    } catch (e) {
      return { ...row, error: errorText(e) };
    }
  });
}

// ---------------------------------------------------------------------------------------------
// Stage 4: PyTorch (bench/baselines/torch_baseline.py)
// ---------------------------------------------------------------------------------------------
const TORCH_VARIANTS = [
  { variant: 'manual', implementation: 'PyTorch hand-written backward + AdamW' },
  { variant: 'autograd', implementation: 'PyTorch autograd + optim.AdamW' },
] as const;

/** The first of $BENCH_PYTHON, /usr/bin/python3, python3 that imports torch. */
function findTorchPython(): { python?: string; tried: string[] } {
  const candidates = [process.env.BENCH_PYTHON, '/usr/bin/python3', 'python3'].filter((c): c is string => Boolean(c));
  const tried: string[] = [];
  for (const python of candidates) {
    const r = spawnSync(python, ['-c', 'import torch'], { stdio: 'ignore', timeout: 120_000 });
    tried.push(`${python}: ${r.error ? 'not found' : r.status === 0 ? 'ok' : 'no torch'}`);
    if (r.status === 0) return { python, tried };
  }
  return { tried };
}

async function runTorch(config: Config, list: Workload[], meta: Record<string, unknown>): Promise<Row[]> {
  const failAll = (error: string): Row[] => list.flatMap((w) => TORCH_VARIANTS.map((v) => ({ ...blankRow(w, 'torch', v.implementation, null), error })));
  const { python, tried } = findTorchPython();
  if (!python) {
    const note = `skipped: no Python with torch (${tried.join('; ')})`;
    log(`torch: ${note}`);
    return failAll(note);
  }
  const torchWorkloads = list.map((w) => ({
    name: w.id,
    nFeatures: w.nFeatures,
    nHidden: w.nHidden,
    instances: w.models,
    batchSize: w.batchSize,
    maxSteps: w.steps,
    minSteps: config.minSteps,
    targetSeconds: config.targetSeconds,
    variants: TORCH_VARIANTS.map((v) => v.variant),
  }));
  log(`torch (${python}): ${torchWorkloads.map((w) => `${w.name} ≤${w.maxSteps} steps`).join(', ')}, ~${config.targetSeconds} s each, variants manual + autograd`);
  const results: Record<string, unknown>[] = [];
  const script = join(BENCH_DIR, 'baselines', 'torch_baseline.py');
  const r = await runChild(python, [script, '--config', JSON.stringify({ workloads: torchWorkloads, warmupSteps: config.warmupSteps })], config.stageTimeoutSeconds, (line) => {
    if (!line.startsWith('{')) return;
    try {
      const obj = JSON.parse(line) as Record<string, unknown>;
      if (obj.env) meta.torch = obj.env;
      else if (obj.variant) {
        results.push(obj);
        log(`torch: ${String(obj.workload)} ${String(obj.variant)}: ${obj.error ? String(obj.error) : fmtRate(obj.samplesPerSecond as number)}`);
      }
    } catch {
      /* not a result line */
    }
  });
  const failure = r.code === 0 ? 'no result reported' : childFailure(r, 'torch_baseline.py');
  return list.flatMap((w) =>
    TORCH_VARIANTS.map((v) => {
      const row = blankRow(w, 'torch', v.implementation, null);
      const res = results.find((x) => x.workload === w.id && x.variant === v.variant);
      if (!res) return { ...row, error: failure };
      if (res.error) return { ...row, error: String(res.error) };
      const { samplesPerSecond, seconds, steps, ...details } = res as { samplesPerSecond: number; seconds: number; steps: number };
      return { ...row, ok: true, samplesPerSecond, seconds, steps, samples: samplesPerSecond * seconds, details: { ...details, python } };
    }),
  );
}

// ---------------------------------------------------------------------------------------------
// Table and JSON
// ---------------------------------------------------------------------------------------------
function fmtRate(v: number | null | undefined): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '—';
  if (v >= 1e6) return `${(v / 1e6).toFixed(2)} M`;
  if (v >= 1e3) return `${(v / 1e3).toFixed(1)} k`;
  return v.toFixed(0);
}

function fmtRatio(v: number | null): string {
  if (v === null || !Number.isFinite(v)) return '—';
  return v >= 10 ? `${v.toFixed(1)}x` : `${v.toFixed(2)}x`;
}

function addRatios(rows: Row[]): void {
  for (const row of rows) {
    const same = rows.filter((r) => r.workload === row.workload && r.ok && r.samplesPerSecond);
    const torch = same.find((r) => r.backend === 'torch' && r.implementation === TORCH_VARIANTS[0].implementation);
    const ref = same.find((r) => r.backend === 'reference');
    if (row.ok && row.samplesPerSecond !== null) {
      row.ratioVsTorchManual = torch ? row.samplesPerSecond / torch.samplesPerSecond! : null;
      row.ratioVsReference = ref ? row.samplesPerSecond / ref.samplesPerSecond! : null;
    }
  }
}

const BACKEND_NAMES: Record<Stage, string> = {
  chromium: 'WebGPU, headless Chromium',
  node: 'WebGPU, Node (dawn.node)',
  reference: 'CPU reference, float64 JS',
  torch: 'PyTorch',
};

function table(rows: Row[]): string {
  const header = ['workload', 'backend / implementation', 'layout', 'samples/s', 'vs torch hand-written', 'vs CPU reference', 'steps', 'timed s', 'note'];
  const body = rows.map((r) => [
    `${r.workload}: ${r.workloadLabel}`,
    r.backend === 'torch' ? r.implementation : BACKEND_NAMES[r.backend],
    r.layout ?? '',
    fmtRate(r.samplesPerSecond),
    fmtRatio(r.ratioVsTorchManual),
    fmtRatio(r.ratioVsReference),
    r.steps === null ? '' : r.backend === 'reference' ? `${String(r.details?.models)} x ${r.steps}` : String(r.steps),
    r.seconds !== null ? r.seconds.toFixed(2) : '',
    r.ok ? (r.details?.diverged ? `${String(r.details.diverged)} models diverged` : '') : `FAILED: ${r.error ?? ''}`.slice(0, 140),
  ]);
  return formatTable(header, body, [3, 4, 5, 6, 7]);
}

/**
 * A plain-text table: columns padded to their widest cell and separated by two spaces, a dashed
 * rule under the header; the columns whose indices are in `rightAligned` are aligned right.
 */
function formatTable(header: string[], body: string[][], rightAligned: number[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const right = new Set(rightAligned);
  const line = (cells: string[]): string =>
    cells
      .map((c, i) => (right.has(i) ? c.padStart(widths[i]!) : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)].join('\n');
}

function fmtMs(v: number | null): string {
  return v === null || !Number.isFinite(v) ? '—' : v.toFixed(1);
}

function fmtBytes(v: number | null): string {
  if (v === null || !Number.isFinite(v)) return '—';
  if (v >= 2 ** 20) return `${(v / 2 ** 20).toFixed(2)} MiB`;
  if (v >= 2 ** 10) return `${(v / 2 ** 10).toFixed(1)} KiB`;
  return `${v.toFixed(0)} B`;
}

/** The "live view" table: the same ModelSet without and with snapshots, per WebGPU backend. */
function liveViewTable(rows: LiveViewRow[]): string {
  const header = ['workload', 'backend', 'layout', 'variant', 'samples/s', 'vs no snapshots', 'in-run (1 - snapshot share)', 'train-only samples/s', 'snapshots/run', 'ms/snapshot', 'ms/snapshot (subtracted)', 'read back/snapshot', 'full read-back', 'steps', 'wall s', 'note'];
  const body = rows.map((r) => [
    `${r.workload}: ${r.workloadLabel}`,
    BACKEND_NAMES[r.backend],
    r.layout ?? '',
    r.variant,
    fmtRate(r.samplesPerSecond),
    fmtRatio(r.ratioVsNoSnapshots),
    fmtRatio(r.ratioFromSnapshotTime),
    fmtRate(r.trainSamplesPerSecond),
    r.snapshots === null ? '' : Number.isInteger(r.snapshots) ? String(r.snapshots) : r.snapshots.toFixed(1),
    fmtMs(r.msPerSnapshot),
    fmtMs(r.msPerSnapshotBySubtraction),
    fmtBytes(r.bytesPerSnapshot),
    fmtBytes(r.fullReadbackBytes),
    r.steps === null ? '' : String(r.steps),
    r.seconds !== null ? r.seconds.toFixed(2) : '',
    r.ok ? '' : `FAILED: ${r.error ?? ''}`.slice(0, 140),
  ]);
  return formatTable(header, body, [4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14]);
}

/** The "evaluation" table: the evaluation kernel alone, looped vs registers entry point. */
function evaluationTable(rows: EvaluationRow[]): string {
  const header = ['workload', 'backend', 'entry point', 'samples/s', 'registers / looped', 'eval batch', 'dispatches', 'timed s', 'max rel loss diff', 'losses agree', 'note'];
  const body = rows.map((r) => [
    `${r.workload}: ${r.workloadLabel}`,
    BACKEND_NAMES[r.backend],
    r.entryPoint,
    fmtRate(r.samplesPerSecond),
    fmtRatio(r.ratioVsLooped),
    String(r.evalBatchSize),
    r.dispatches === null ? '' : String(r.dispatches),
    r.seconds !== null ? r.seconds.toFixed(2) : '',
    r.maxRelLossDifference === null ? '—' : r.maxRelLossDifference.toExponential(1),
    r.lossesAgree === null ? '—' : r.lossesAgree ? 'yes' : 'NO',
    r.ok ? '' : `FAILED: ${r.error ?? ''}`.slice(0, 140),
  ]);
  return formatTable(header, body, [3, 4, 5, 6, 7, 8]);
}

function writeResults(report: Record<string, unknown>, date: Date): string {
  mkdirSync(RESULTS_DIR, { recursive: true });
  const stamp = date.toISOString().replace(/:/g, '-').replace(/\.\d+Z$/, 'Z');
  const file = join(RESULTS_DIR, `bench-${stamp}.json`);
  const text = `${JSON.stringify(report, null, 2)}\n`;
  for (const target of [file, join(RESULTS_DIR, 'latest.json')]) {
    const tmp = target.replace(/\.json$/, '.tmp.json');
    writeFileSync(tmp, text);
    renameSync(tmp, target);
  }
  return file;
}

/** Entry point of bin/bench.mjs. Returns the process exit code (0 even when some backends failed). */
export async function main(argv: string[]): Promise<number> {
  let config: Config;
  try {
    const parsed = parseArgs(argv);
    if (typeof parsed === 'string') {
      process.stdout.write(parsed);
      return 0;
    }
    config = parsed;
  } catch (e) {
    process.stderr.write(`bench: ${e instanceof Error ? e.message : String(e)}\n`);
    return 2;
  }
  const date = new Date();
  const t0 = now();
  const list = workloads(config.targetSamples, config.minSteps);
  const cores = os.cpus().length;
  const loadStart = os.loadavg();
  const meta: Record<string, unknown> = {};
  log(`${config.quick ? 'quick run' : 'full run'}; stages: ${config.only.join(', ')}; ${cores} cores, load average ${loadStart.map((l) => l.toFixed(2)).join(' ')}`);
  if (loadStart[0]! > cores * 0.5) log(`warning: the machine is busy (1-min load ${loadStart[0]!.toFixed(2)} on ${cores} cores): throughput numbers will be noisy`);

  const rows: Row[] = [];
  const liveRows: LiveViewRow[] = [];
  const evalRows: EvaluationRow[] = [];
  const stageLoad: Record<string, { before: number[]; after: number[]; seconds: number }> = {};
  const runners: Record<Stage, () => Promise<Row[]>> = {
    chromium: () => runChromium(config, list, meta, liveRows, evalRows),
    node: () => runNode(config, list, meta, liveRows, evalRows),
    reference: async () => runReference(config, list),
    torch: () => runTorch(config, list, meta),
  };
  for (const stage of STAGES) {
    if (!config.only.includes(stage)) continue;
    const before = os.loadavg();
    const s0 = now();
    try {
      rows.push(...(await runners[stage]()));
    } catch (e) {
      log(`${stage}: ${errorText(e)}`);
      rows.push(...list.map((w) => ({ ...blankRow(w, stage, stage, null), error: errorText(e) })));
    }
    stageLoad[stage] = { before, after: os.loadavg(), seconds: now() - s0 };
    for (const r of rows.filter((x) => x.backend === stage)) {
      log(`${stage} ${r.workload} ${r.layout ?? r.implementation}: ${r.ok ? `${fmtRate(r.samplesPerSecond)} samples/s` : `FAILED ${r.error}`}`);
    }
    for (const r of liveRows.filter((x) => x.backend === stage)) {
      log(`${stage} ${r.workload} live view, ${r.variant}: ${r.ok ? `${fmtRate(r.samplesPerSecond)} samples/s (${fmtRatio(r.ratioVsNoSnapshots)}), ${fmtMs(r.msPerSnapshot)} ms/snapshot` : `FAILED ${r.error}`}`);
    }
    for (const r of evalRows.filter((x) => x.backend === stage)) {
      log(`${stage} ${r.workload} evaluation, ${r.entryPoint}: ${r.ok ? `${fmtRate(r.samplesPerSecond)} samples/s${r.ratioVsLooped !== null ? ` (${fmtRatio(r.ratioVsLooped)} looped)` : ''}, losses agree: ${String(r.lossesAgree)} (max rel diff ${r.maxRelLossDifference?.toExponential(1) ?? '—'})` : `FAILED ${r.error}`}`);
    }
  }
  // Table order: by workload, then stage order.
  rows.sort((a, b) => a.workload.localeCompare(b.workload));
  addRatios(rows);

  const durationSeconds = now() - t0;
  const command = process.env.npm_lifecycle_event === 'bench' ? `npm run bench${argv.length ? ` -- ${argv.join(' ')}` : ''}` : `node ${relative(process.cwd(), process.argv[1] ?? 'bin/bench.mjs')} ${argv.join(' ')}`.trim();
  const report = {
    date: date.toISOString(),
    command,
    durationSeconds,
    machine: {
      cpuModel: os.cpus()[0]?.model ?? 'unknown',
      cores,
      totalMemoryGiB: os.totalmem() / 2 ** 30,
      platform: `${os.platform()} ${os.release()} ${os.arch()}`,
      node: process.version,
      loadAverageStart: loadStart,
      loadAverageEnd: os.loadavg(),
      chromium: meta.chromiumVersion ?? null,
      chromiumExecutable: meta.chromiumExecutable ?? null,
      userAgent: meta.userAgent ?? null,
      adapters: { chromium: meta.chromiumAdapter ?? null, node: meta.nodeAdapter ?? null },
      torch: meta.torch ?? null,
    },
    config: { ...config, workloads: list },
    stages: stageLoad,
    sampleDefinition: 'samples = models x steps x batch; samples/s uses training time only (WebGPU: submit to onSubmittedWorkDone of the training dispatches; warm-up run, pipeline creation, evaluation and read-back excluded)',
    rows,
    liveViewDefinition:
      'live view: the same ModelSet (the n = 2, m = 1 workload, the layout the planner picks) trained without snapshots and with the snapshots of <superposition-phase-diagram> (select regime of feature 1; one seed per cell, so in-training snapshots run the geometry kernel and the gather but no evaluation) at each interval (0 = after every submit); samplesPerSecond = models x steps x batch / wall seconds of the whole trainModelSet call (snapshots included), mean over rounds run in alternating order; msPerSnapshot is timed from the progress report of the submit that triggered the snapshot to its onSnapshot; msPerSnapshotBySubtraction = (wall seconds - the no-snapshot wall seconds) / snapshots; ratioFromSnapshotTime = mean over rounds of 1 - (in-training snapshot seconds / wall seconds) of the same run',
    liveViewRows: liveRows,
    evaluationDefinition: `evaluation: the evaluation kernel alone (src/engine/evaluate-kernel.ts, shaders/evaluate.wgsl) on every model of the workload, entry point evaluate (looped) vs evaluateRegisters (W in two mat4x4), ${config.evaluation.evalBatchSize} examples per model per dispatch; buffers as the trainer builds them (keys, features, theta = initial W with b = 0, metrics), workgroup size and dispatch shape as the trainer's; per entry point one untimed warm-up dispatch (its seconds calibrate K), then ${config.evaluation.rounds} round(s) in alternating order of K dispatches (submits of about ${config.evaluation.submitSeconds} s, each awaited) lasting at least ${config.evaluation.targetSeconds} s in all; samplesPerSecond = models x evalBatchSize x dispatches / timed seconds; ratioVsLooped = evaluateRegisters / evaluate; the warm-up's metrics are read back per entry point and the losses compared (maxRelLossDifference = max over models |a - b| / max(|a|, |b|), agree when <= ${EVALUATION_LOSS_TOLERANCE} and all finite)`,
    evaluationRows: evalRows,
  };
  let file = '';
  try {
    file = writeResults(report, date);
  } catch (e) {
    log(`could not write results: ${errorText(e)}`);
  }

  const adapterLine = (name: string, a: unknown): string => {
    if (!a || typeof a !== 'object') return `${name}: —`;
    const info = a as { vendor: string; architecture: string; device: string; description: string };
    return `${name}: ${[info.vendor, info.architecture, info.device, info.description].filter(Boolean).join(' / ')}`;
  };
  const out = [
    '',
    `superposition-webgpu benchmark, ${date.toISOString()}, ${command}`,
    `machine: ${report.machine.cpuModel}, ${cores} cores, ${report.machine.platform}, Node ${process.version}; load average at start ${loadStart.map((l) => l.toFixed(2)).join(' ')}`,
    `adapters: ${adapterLine('chromium', meta.chromiumAdapter)}; ${adapterLine('node', meta.nodeAdapter)}`,
    meta.torch ? `torch: ${JSON.stringify(meta.torch)}` : 'torch: —',
    `samples = models x steps x batch; ratios divide by the same run's PyTorch hand-written and CPU-reference rows of the same workload`,
    '',
    table(rows),
    '',
    ...(liveRows.length
      ? [
          'live view: the same ModelSet without and with live snapshots (regime of feature 1; one seed per cell: no evaluation in snapshots), the layout the planner picks;',
          'samples/s over the whole trainModelSet call (snapshots included), mean over rounds; ms/snapshot timed from the submit that triggered it to onSnapshot;',
          'subtracted = (wall s - no-snapshot wall s) / snapshots; in-run = 1 - (time in snapshots / wall s) of the same run, mean over rounds: steadier when the machine changes speed between runs',
          '',
          liveViewTable(liveRows),
          '',
        ]
      : []),
    ...(evalRows.length
      ? [
          `evaluation: the evaluation kernel alone, every model on ${config.evaluation.evalBatchSize} examples per dispatch, entry point evaluate (looped) vs evaluateRegisters;`,
          `samples/s = models x eval batch x dispatches / timed s; losses of both entry points on the same weights compared (agree: max relative difference <= ${EVALUATION_LOSS_TOLERANCE})`,
          '',
          evaluationTable(evalRows),
          '',
        ]
      : []),
    `${durationSeconds.toFixed(1)} s in all${file ? `; results in ${relative(process.cwd(), file)} and bench/results/latest.json` : ''}`,
    '',
  ];
  process.stdout.write(out.join('\n'));
  return 0;
}
