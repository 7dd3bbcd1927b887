/**
 * `npm run bench`: training throughput (samples/s = models × steps × batch / training seconds) of
 * the WebGPU engine in headless Chromium and in Node (dawn.node), for every kernel layout, next to
 * two baselines measured in the same run: the float64 CPU reference (src/science/reference.ts)
 * and a hand-written PyTorch implementation of the training loop (bench/baselines/torch_baseline.py).
 * The WebGPU stages and PyTorch are interleaved per workload over several rounds (rows report
 * medians, ratios the median of each round's ratio), with the machine's load recorded around every
 * measurement. The WebGPU stages also measure the live-view overhead and the evaluation kernel
 * alone (looped vs registers entry point). See bench/README.md.
 *
 * Every stage is isolated: a backend that fails records its error in its rows and the run goes on;
 * a workload the engine refuses (its DeviceLimitError) gets "not supported by this engine yet" rows.
 */
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright';
import { createServer, type ViteDevServer } from 'vite';
import { chromiumArgs, chromiumPath } from '../src/headless/chromium-path.js';
import { referenceInstance, trainReference } from '../src/science/reference.js';
import { foreignLabel, foreignLoad, sampleCpu, BUSY_FOREIGN_SHARE, QUIET_FOREIGN_SHARE, type ForeignLoad, type LoadLabel } from './load.js';
import {
  evaluateEntryPoints,
  EVALUATION_LOSS_TOLERANCE,
  LAYOUTS,
  NOT_SUPPORTED,
  SPEC_EVAL_BATCH_SIZE,
  stepsFor,
  unsupportedModel,
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
import type { DrawFloorRequest } from './draw-floor.js';

const BENCH_DIR = dirname(fileURLToPath(import.meta.url));
const REPO_ROOT = join(BENCH_DIR, '..');
const RESULTS_DIR = join(BENCH_DIR, 'results');
const STAGES = ['chromium', 'node', 'reference', 'torch'] as const;
type Stage = (typeof STAGES)[number];

/**
 * Workloads of --quick unless --workloads names others: the two small ones. The larger ones train at
 * a few thousand samples/s on SwiftShader (minutes per step), far beyond a smoke run.
 */
const QUICK_WORKLOADS = ['A', 'B'];

/** A WebGPU warm-up step longer than this marks a slow measurement (GpuBenchRequest.slowStepSeconds). */
const SLOW_STEP_SECONDS = 10;

/** Stages measured in every repeat, interleaved per workload (the reference runs once). */
const INTERLEAVED: Stage[] = ['chromium', 'node', 'torch'];

/** Settings of one run. */
interface Config {
  quick: boolean;
  only: Stage[];
  /** Workload ids to run (--workloads; default all, --quick: QUICK_WORKLOADS). */
  workloadIds: string[];
  /**
   * Rounds over the workloads: in each, every workload is measured by every interleaved stage in
   * turn (order reversed on odd rounds); rows report the median over rounds, ratios the median of
   * the per-round ratios.
   */
  repeats: number;
  /** PyTorch thread counts tried per measurement (torch.set_num_threads); the best is the baseline. */
  torchThreads: number[];
  /** Seconds each PyTorch measurement (one thread count, one variant) aims at. */
  torchTargetSeconds: number;
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
  /** The data-draw floor (WebGPU stages, every workload and round); the WGSL is read at start-up. */
  drawFloor: DrawFloorRequest;
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
  /** The engine refused this workload on this layout (`error` says why): not a failure. */
  unsupported?: boolean;
  /** One entry per round this row was measured in (samplesPerSecond above is their median). */
  repeats?: RepeatResult[];
  /** The machine's load over this row's measurements: the worst label, the highest 1-minute load, the largest share of the machine others used. */
  load?: { label: LoadLabel; maxLoad1m: number; maxLoad1mPerCore: number; maxForeignShare: number | null };
  details?: Record<string, unknown>;
}

/**
 * The label comes from the CPU time that other processes, the kernel and the hypervisor (steal) took
 * during the measurement (bench/load.ts: quiet < 5 % of the machine, busy ≥ 25 %), not from the load
 * average, which counts the bench's own work. Without /proc (not Linux) it falls back to the 1-minute
 * load average: quiet < 0.3 per core before and after, busy ≥ 1 per core.
 */
const QUIET_LOAD_PER_CORE = 0.3;
const BUSY_LOAD_PER_CORE = 1;

/** The load around one measurement: os.loadavg() before and after, the CPU others used during it, and its label. */
interface LoadRecord {
  before: number[];
  after: number[];
  /** CPU time outside the bench's process tree during the measurement; null without /proc. */
  foreign: ForeignLoad | null;
  label: LoadLabel;
}

/** One round's measurement behind a row. */
interface RepeatResult {
  repeat: number;
  ok: boolean;
  error?: string;
  samplesPerSecond: number | null;
  seconds: number | null;
  steps: number | null;
  /** This round's samplesPerSecond / the PyTorch hand-written baseline's in the same round. */
  ratioVsTorchManual?: number | null;
  load: LoadRecord;
  details?: Record<string, unknown>;
}

function loadRecord(before: number[], after: number[], cores: number, foreign: ForeignLoad | null): LoadRecord {
  if (foreign) return { before, after, foreign, label: foreignLabel(foreign) };
  const perCore = Math.max(before[0]!, after[0]!) / cores;
  const label: LoadLabel = perCore < QUIET_LOAD_PER_CORE ? 'quiet' : perCore < BUSY_LOAD_PER_CORE ? 'loaded' : 'busy';
  return { before, after, foreign: null, label };
}

const LOAD_ORDER: LoadLabel[] = ['quiet', 'loaded', 'busy'];
const worseLoad = (a: LoadLabel, b: LoadLabel): LoadLabel => (LOAD_ORDER.indexOf(a) >= LOAD_ORDER.indexOf(b) ? a : b);

const HELP = `Usage: npm run bench [-- options]

Measures training throughput (samples/s = models x steps x batch per second), batch 1024, for
  A: n=5 m=2, 1024 models (p spread)        B: n=2 m=1, 4096 models (phase-diagram grid)
  C1/C2: n=20 m=5, 1024 models, S=0.9/0.99  D1/D2: n=100 m=20, 256 models, S=0.9/0.99
  E1/E2: n=400 m=30, 64 models, S=0.9/0.99  F: abs model, n=100 m=40, 256 models, S=0.99
on WebGPU in headless Chromium and in Node (every kernel layout; workloads the engine refuses
get "${NOT_SUPPORTED}" rows), the float64 CPU reference, and a PyTorch baseline
(hand-written backward at 1 and 2 threads, and autograd). WebGPU and PyTorch are interleaved per
workload over several rounds; rows give medians. The WebGPU stages also measure the live-view
overhead on B and the evaluation kernel alone on A, B and C2. Writes bench/results/latest.json.

Options:
  --quick                 small measurements, one round, workloads A and B (a smoke run)
  --only <stage>[,...]    run only these stages: chromium, node, reference, torch (repeatable)
  --workloads <id>[,...]  run only these workloads (A, B, C1, C2, D1, D2, E1, E2, F; or all)
  --repeats <k>           rounds of interleaved measurements (default 3; --quick: 1)
  -h, --help              this text
Environment: SUPERPOSITION_CHROMIUM (Chromium path), BENCH_PYTHON (python with torch).
`;

function parseArgs(argv: string[]): Config | string {
  let quick = false;
  const only: Stage[] = [];
  const workloadIds: string[] = [];
  let repeats: number | undefined;
  const known = workloads(1, 1).map((w) => w.id);
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--quick') quick = true;
    else if (a === '-h' || a === '--help') return HELP;
    else if (a === '--repeats' || a.startsWith('--repeats=')) {
      const value = a.startsWith('--repeats=') ? a.slice(10) : argv[++i];
      repeats = Number(value);
      if (!Number.isInteger(repeats) || repeats < 1) throw new Error(`--repeats needs a positive integer, got '${value}'`);
    } else if (a === '--workloads' || a.startsWith('--workloads=')) {
      const value = a.startsWith('--workloads=') ? a.slice(12) : argv[++i];
      if (!value) throw new Error(`--workloads needs a value: all, ${known.join(', ')}`);
      for (const id of value === 'all' ? known : value.split(',')) {
        if (!known.includes(id)) throw new Error(`--workloads: unknown workload '${id}' (${known.join(', ')})`);
        if (!workloadIds.includes(id)) workloadIds.push(id);
      }
    } else if (a === '--only' || a.startsWith('--only=')) {
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
    workloadIds: workloadIds.length ? workloadIds : quick ? QUICK_WORKLOADS : known,
    repeats: repeats ?? (quick ? 1 : 3),
    torchThreads: [1, 2],
    torchTargetSeconds: quick ? 0.5 : 4,
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
    drawFloor: { source: readFileSync(join(BENCH_DIR, 'draw-floor.wgsl'), 'utf8'), targetSeconds: quick ? 0.5 : 3, submitSeconds: 0.25 },
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
  // The fixed layouts, then any other the response measured (the planner's choice for the workload).
  const measured = response.ok ? (response as GpuBenchResponse).measurements.map((x) => x.layout) : [];
  const layouts: string[] = [...LAYOUTS, ...measured.filter((l) => !(LAYOUTS as string[]).includes(l))];
  return layouts.map((layout) => {
    const row = blankRow(w, backend, 'webgpu', layout);
    if (!response.ok) return { ...row, error: response.error ?? 'failed' };
    const m = (response as GpuBenchResponse).measurements.find((x) => x.layout === layout);
    if (!m) return { ...row, error: 'not measured (an earlier layout lost the device)' };
    if (!m.ok) return { ...row, error: m.error, ...(m.unsupported ? { unsupported: true } : {}) };
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

/** The request of one WebGPU measurement; the live view and the evaluation kernel only in the first round. */
function gpuRequest(config: Config, w: Workload, repeat: number): GpuBenchRequest {
  const { maxSamples, ...live } = config.liveView;
  return {
    workload: w,
    layouts: LAYOUTS,
    warmupSteps: config.warmupSteps,
    calibrationSteps: config.calibrationSamples > 0 ? stepsFor(w, config.calibrationSamples) : 0,
    targetSeconds: config.targetSeconds,
    minSteps: config.minSteps,
    slowStepSeconds: SLOW_STEP_SECONDS,
    ...(repeat === 0 && isLiveViewWorkload(w) ? { liveView: { ...live, maxSteps: stepsFor(w, maxSamples, live.minSteps) } } : {}),
    ...(repeat === 0 && w.evaluation ? { evaluation: config.evaluation } : {}),
    drawFloor: config.drawFloor,
    ...(w.layoutFloors ? { layoutFloors: { targetSeconds: config.targetSeconds } } : {}),
  };
}

/** A stage measured in every round: one measurement = one workload, every layout or variant. */
interface StageSession {
  measure(w: Workload, repeat: number): Promise<Row[]>;
  close(): Promise<void>;
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
  if (!w.evaluation) return [];
  const ev: EvaluationMeasurement | undefined = response.ok ? (response as GpuBenchResponse).evaluation : undefined;
  return evaluateEntryPoints(w).map((entryPoint) => {
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
      ratioVsLooped: entryPoint !== 'evaluate' ? (measured.ratioRegistersVsLooped ?? null) : null,
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

/**
 * Opens the Chromium stage: a Vite dev server for bench/bench.html and a headless Chromium page,
 * kept for every round. When opening fails, every measurement reports that error.
 */
async function openChromium(config: Config, meta: Record<string, unknown>, liveRows: LiveViewRow[], evalRows: EvaluationRow[]): Promise<StageSession> {
  let server: ViteDevServer | undefined;
  let browser: Browser | undefined;
  let page: Page | undefined;
  let openError: string | undefined;
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
    page = await browser.newPage();
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
  } catch (e) {
    openError = errorText(e);
  }
  const close = async (): Promise<void> => {
    await browser?.close().catch(() => {});
    await server?.close().catch(() => {});
  };
  return {
    close,
    async measure(w, repeat) {
      const rows: Row[] = [];
      const sink = { rows, liveRows: repeat === 0 ? liveRows : [], evalRows: repeat === 0 ? evalRows : [] };
      if (openError || !page || page.isClosed() || !browser?.isConnected()) {
        recordGpuResponse(sink, config, w, 'chromium', { ok: false, error: openError ?? 'the browser closed after an earlier failure' });
        return rows;
      }
      log(`chromium: workload ${w.id} (${w.label}), round ${repeat + 1}, at most ${w.steps} steps, layouts ${LAYOUTS.join(' + ')}${repeat === 0 && isLiveViewWorkload(w) ? ', then the live-view overhead' : ''}${repeat === 0 && w.evaluation ? `, then evaluation (${evaluateEntryPoints(w).join(' vs ')})` : ''}`);
      const request = gpuRequest(config, w, repeat);
      try {
        const response = await withTimeout(
          page.evaluate((r) => window.runBench!(r), request),
          config.stageTimeoutSeconds,
          `chromium workload ${w.id}`,
        );
        if (response.adapter) meta.chromiumAdapter = response.adapter;
        recordGpuResponse(sink, config, w, 'chromium', response);
      } catch (e) {
        recordGpuResponse(sink, config, w, 'chromium', { ok: false, error: errorText(e) });
      }
      return rows;
    },
  };
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

/** The Node stage: a child process per measurement (bench/node-worker.ts). */
function nodeSession(config: Config, meta: Record<string, unknown>, liveRows: LiveViewRow[], evalRows: EvaluationRow[]): StageSession {
  return {
    close: async () => {},
    async measure(w, repeat) {
      const rows: Row[] = [];
      const sink = { rows, liveRows: repeat === 0 ? liveRows : [], evalRows: repeat === 0 ? evalRows : [] };
      log(`node (dawn.node): workload ${w.id} (${w.label}), round ${repeat + 1}, at most ${w.steps} steps, layouts ${LAYOUTS.join(' + ')}${repeat === 0 && isLiveViewWorkload(w) ? ', then the live-view overhead' : ''}${repeat === 0 && w.evaluation ? `, then evaluation (${evaluateEntryPoints(w).join(' vs ')})` : ''}`);
      const request = gpuRequest(config, w, repeat);
      const r = await runChild(process.execPath, ['--import', 'tsx', join(BENCH_DIR, 'node-worker.ts'), JSON.stringify(request)], config.stageTimeoutSeconds);
      const line = r.stdout.split('\n').find((l) => l.startsWith('BENCH_RESULT '));
      if (!line) {
        recordGpuResponse(sink, config, w, 'node', { ok: false, error: childFailure(r, 'the Node WebGPU worker') });
        return rows;
      }
      try {
        const response = JSON.parse(line.slice('BENCH_RESULT '.length)) as GpuBenchResponse;
        if (response.adapter) meta.nodeAdapter = response.adapter;
        recordGpuResponse(sink, config, w, 'node', response);
      } catch (e) {
        recordGpuResponse(sink, config, w, 'node', { ok: false, error: errorText(e) });
      }
      return rows;
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Stage 3: the float64 CPU reference (single-threaded JS, in this process)
// ---------------------------------------------------------------------------------------------
function runReference(config: Config, list: Workload[]): Row[] {
  return list.map((w) => {
    const row = blankRow(w, 'reference', 'float64 JS (src/science/reference.ts)', null);
    const refused = unsupportedModel(w);
    if (refused) return { ...row, unsupported: true, error: refused };
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

/**
 * Variables some OpenBLAS builds here are tuned with (a core type, a cache size), removed from the
 * PyTorch process's environment so torch's own BLAS runs with its defaults; this process keeps them.
 */
const TORCH_UNSET_ENV = ['OPENBLAS_CORETYPE', 'OPENBLAS_L2_SIZE'];

function torchEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const k of TORCH_UNSET_ENV) delete env[k];
  return env;
}

/** The first of $BENCH_PYTHON, /usr/bin/python3, python3 that imports torch. */
function findTorchPython(): { python?: string; tried: string[] } {
  const candidates = [process.env.BENCH_PYTHON, '/usr/bin/python3', 'python3'].filter((c): c is string => Boolean(c));
  const tried: string[] = [];
  for (const python of candidates) {
    const r = spawnSync(python, ['-c', 'import torch'], { stdio: 'ignore', timeout: 120_000, env: torchEnv() });
    tried.push(`${python}: ${r.error ? 'not found' : r.status === 0 ? 'ok' : 'no torch'}`);
    if (r.status === 0) return { python, tried };
  }
  return { tried };
}

/** The workload as torch_baseline.py reads it: sizes, step bounds, and each point's p and I (the same sweep as the engine's). */
function torchWorkload(config: Config, w: Workload, variants: string[]): Record<string, unknown> {
  const set = workloadSet(w, 1);
  return {
    name: w.id,
    model: w.model,
    nFeatures: w.nFeatures,
    nHidden: w.nHidden,
    instances: w.models,
    batchSize: w.batchSize,
    maxSteps: w.steps,
    minSteps: config.minSteps,
    targetSeconds: config.torchTargetSeconds,
    variants,
    seeds: set.seeds,
    featureProbability: set.points.map((pt) => pt.featureProbability),
    importance: set.points.map((pt) => pt.importance),
  };
}

/**
 * The PyTorch stage: one `torch_baseline.py --serve` process for the whole run (torch is imported
 * and the gradients checked once), one request per measurement on its stdin. Every round measures
 * the hand-written baseline at each thread count; the autograd variant runs in the first round only.
 * A process that dies is restarted for the next measurement.
 */
function torchSession(config: Config, meta: Record<string, unknown>): StageSession {
  const script = join(BENCH_DIR, 'baselines', 'torch_baseline.py');
  let found: { python?: string; tried: string[] } | undefined;
  let child: ChildProcessWithoutNullStreams | undefined;
  let stderr = '';
  let nextId = 0;
  let skipLogged = false;
  /** The listener of the request in flight: result lines, then done or the process's end. */
  let current: { id: number; results: Record<string, unknown>[]; resolve: () => void; reject: (e: Error) => void } | undefined;

  const start = (python: string): ChildProcessWithoutNullStreams => {
    const proc = spawn(python, [script, '--serve'], { cwd: REPO_ROOT, env: torchEnv(), stdio: ['pipe', 'pipe', 'pipe'] });
    let pending = '';
    stderr = '';
    proc.stdout.on('data', (d: Buffer) => {
      pending += d.toString();
      const lines = pending.split('\n');
      pending = lines.pop()!;
      for (const line of lines) {
        if (!line.startsWith('{')) continue;
        let obj: Record<string, unknown>;
        try {
          obj = JSON.parse(line) as Record<string, unknown>;
        } catch {
          continue;
        }
        if (obj.env) meta.torch = { ...(obj.env as object), python, unsetEnv: TORCH_UNSET_ENV };
        else if (current && obj.id === current.id) {
          if (obj.done) current.resolve();
          else {
            current.results.push(obj);
            log(`torch: ${String(obj.workload)} ${String(obj.variant)}: ${obj.error ? String(obj.error) : `${fmtRate(obj.samplesPerSecond as number)} samples/s (${String(obj.threads)} thread${obj.threads === 1 ? '' : 's'})`}`);
          }
        }
      }
    });
    proc.stderr.on('data', (d: Buffer) => void (stderr = (stderr + d.toString()).slice(-20_000)));
    const failed = (what: string): void => {
      if (child === proc) child = undefined;
      const tail = stderr.split('\n').filter((l) => l.trim()).slice(-3).join(' | ');
      current?.reject(new Error(`torch_baseline.py ${what}${tail ? `: ${tail}` : ''}`));
    };
    proc.on('error', (e) => failed(`could not start (${String(e)})`));
    proc.on('close', (code, signal) => failed(`exited with ${signal ?? `code ${code}`}`));
    proc.stdin.on('error', () => {});
    return proc;
  };

  return {
    async close() {
      child?.stdin.end();
      child = undefined;
    },
    async measure(w, repeat) {
      const variants = repeat === 0 ? TORCH_VARIANTS.map((v) => v.variant) : ['manual'];
      const failAll = (error: string): Row[] => TORCH_VARIANTS.filter((v) => variants.includes(v.variant)).map((v) => ({ ...blankRow(w, 'torch', v.implementation, null), error }));
      found ??= findTorchPython();
      const python = found.python;
      if (!python) {
        const note = `skipped: no Python with torch (${found.tried.join('; ')})`;
        if (!skipLogged) log(`torch: ${note}`);
        skipLogged = true;
        return failAll(note);
      }
      child ??= start(python);
      const proc = child;
      const id = nextId++;
      const results: Record<string, unknown>[] = [];
      log(`torch (${python}): workload ${w.id} (${w.label}), round ${repeat + 1}, ≤${w.steps} steps, ~${config.torchTargetSeconds} s per variant, threads ${config.torchThreads.join(' and ')}, variants ${variants.join(' + ')}`);
      let failure: string | undefined;
      try {
        await withTimeout(
          new Promise<void>((resolve, reject) => {
            current = { id, results, resolve, reject };
            const request = { id, repeat, warmupSteps: config.warmupSteps, threads: config.torchThreads, workload: torchWorkload(config, w, variants) };
            proc.stdin.write(`${JSON.stringify(request)}\n`);
          }),
          config.stageTimeoutSeconds,
          `torch workload ${w.id}`,
        );
      } catch (e) {
        failure = errorText(e);
        if (child === proc) {
          proc.kill('SIGKILL');
          child = undefined;
        }
      } finally {
        current = undefined;
      }
      return TORCH_VARIANTS.filter((v) => variants.includes(v.variant)).map((v) => {
        const row = blankRow(w, 'torch', v.implementation, null);
        const res = results.find((x) => x.variant === v.variant);
        if (!res) return { ...row, error: failure ?? 'no result reported' };
        if (res.error) return { ...row, error: String(res.error) };
        const { samplesPerSecond, seconds, steps, id: _id, ...details } = res as { samplesPerSecond: number; seconds: number; steps: number; id: number };
        return { ...row, ok: true, samplesPerSecond, seconds, steps, samples: samplesPerSecond * seconds, details: { ...details, python } };
      });
    },
  };
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

/** A share of the machine (0–1) as a percentage. */
function fmtShare(v: number): string {
  return `${(v * 100).toFixed(1)} %`;
}

function fmtRatio(v: number | null): string {
  if (v === null || !Number.isFinite(v)) return '—';
  return v >= 10 ? `${v.toFixed(1)}x` : `${v.toFixed(2)}x`;
}

/** One measurement of one stage on one workload in one round. */
interface Measured {
  stage: Stage;
  workload: Workload;
  repeat: number;
  rows: Row[];
  load: LoadRecord;
  seconds: number;
}

function median(xs: number[]): number {
  const v = [...xs].sort((a, b) => a - b);
  const k = v.length >> 1;
  return v.length % 2 ? v[k]! : (v[k - 1]! + v[k]!) / 2;
}

const isTorchManual = (r: Row): boolean => r.backend === 'torch' && r.implementation === TORCH_VARIANTS[0].implementation;

/**
 * The table's rows: one per (workload, backend, implementation, layout), from every round's
 * measurement of it. samplesPerSecond is the median over the rounds that succeeded (seconds, steps
 * and details from the round nearest to it); ratioVsTorchManual the median over rounds of the
 * round's samples/s ÷ the PyTorch hand-written baseline's samples/s of the same workload in the same
 * round; ratioVsReference divides by the CPU reference (measured once per workload).
 */
function aggregate(list: Workload[], measured: Measured[]): Row[] {
  const torchByRound = new Map<string, number>();
  for (const m of measured) for (const r of m.rows) if (isTorchManual(r) && r.ok && r.samplesPerSecond) torchByRound.set(`${r.workload}|${m.repeat}`, r.samplesPerSecond);
  const groups = new Map<string, { row: Row; repeat: number; load: LoadRecord }[]>();
  for (const m of measured) {
    for (const row of m.rows) {
      const key = `${row.workload}|${row.backend}|${row.implementation}|${row.layout ?? ''}`;
      if (!groups.has(key)) groups.set(key, []);
      groups.get(key)!.push({ row, repeat: m.repeat, load: m.load });
    }
  }
  const out: Row[] = [];
  for (const entries of groups.values()) {
    const repeats: RepeatResult[] = entries.map(({ row, repeat, load }) => {
      const torch = torchByRound.get(`${row.workload}|${repeat}`);
      const byThreads = row.details?.byThreads;
      return {
        repeat,
        ok: row.ok,
        ...(row.error ? { error: row.error } : {}),
        samplesPerSecond: row.samplesPerSecond,
        seconds: row.seconds,
        steps: row.steps,
        ratioVsTorchManual: row.ok && row.samplesPerSecond !== null && torch ? row.samplesPerSecond / torch : null,
        load,
        ...(byThreads ? { details: { threads: row.details?.threads, byThreads } } : {}),
      };
    });
    const load = {
      label: repeats.map((r) => r.load.label).reduce(worseLoad),
      maxLoad1m: Math.max(...repeats.flatMap((r) => [r.load.before[0]!, r.load.after[0]!])),
      maxLoad1mPerCore: Math.max(...repeats.flatMap((r) => [r.load.before[0]!, r.load.after[0]!])) / os.cpus().length,
      maxForeignShare: repeats.every((r) => r.load.foreign) ? Math.max(...repeats.map((r) => r.load.foreign!.foreignShare)) : null,
    };
    const good = entries.filter((e) => e.row.ok && e.row.samplesPerSecond !== null);
    const first = entries[0]!.row;
    if (!good.length) {
      out.push({ ...first, ok: false, samplesPerSecond: null, ...(entries.every((e) => e.row.unsupported) ? { unsupported: true } : {}), repeats, load });
      continue;
    }
    const mid = median(good.map((e) => e.row.samplesPerSecond!));
    const nearest = good.reduce((a, b) => (Math.abs(b.row.samplesPerSecond! - mid) < Math.abs(a.row.samplesPerSecond! - mid) ? b : a)).row;
    const ratios = repeats.map((r) => r.ratioVsTorchManual).filter((x): x is number => typeof x === 'number' && Number.isFinite(x));
    const details: Record<string, unknown> = { ...nearest.details, rounds: repeats.length, okRounds: good.length };
    const threadRuns = repeats.map((r) => r.details?.byThreads as Record<string, { samplesPerSecond: number }> | undefined).filter((x) => x !== undefined);
    if (threadRuns.length) {
      const counts = [...new Set(threadRuns.flatMap((b) => Object.keys(b)))];
      details.byThreadsMedian = Object.fromEntries(counts.map((t) => [t, median(threadRuns.filter((b) => b[t]).map((b) => b[t]!.samplesPerSecond))]));
    }
    const { error: _error, ...clean } = nearest;
    out.push({ ...clean, ok: true, samplesPerSecond: mid, ratioVsTorchManual: ratios.length ? median(ratios) : null, repeats, load, details });
  }
  for (const row of out) {
    const ref = out.find((r) => r.workload === row.workload && r.backend === 'reference' && r.ok && r.samplesPerSecond);
    row.ratioVsReference = row.ok && row.samplesPerSecond !== null && ref ? row.samplesPerSecond / ref.samplesPerSecond! : null;
  }
  const order = (r: Row): number => list.findIndex((w) => w.id === r.workload) * STAGES.length + STAGES.indexOf(r.backend);
  return out.map((r, i) => ({ r, i })).sort((a, b) => order(a.r) - order(b.r) || a.i - b.i).map((x) => x.r);
}

const BACKEND_NAMES: Record<Stage, string> = {
  chromium: 'WebGPU, headless Chromium',
  node: 'WebGPU, Node (dawn.node)',
  reference: 'CPU reference, float64 JS',
  torch: 'PyTorch',
};

function rowNote(r: Row): string {
  if (r.unsupported) return (r.error ?? NOT_SUPPORTED).slice(0, 140);
  if (!r.ok) return `FAILED: ${r.error ?? ''}`.slice(0, 140);
  const notes: string[] = [];
  const byThreads = r.details?.byThreadsMedian as Record<string, number> | undefined;
  if (byThreads) notes.push(`best of ${Object.keys(byThreads).join('/')} threads: ${Object.entries(byThreads).map(([t, v]) => `${t}: ${fmtRate(v)}`).join(', ')}`);
  else if (r.backend === 'torch' && r.details?.threads !== undefined) notes.push(`${String(r.details.threads)} thread${r.details.threads === 1 ? '' : 's'}`);
  if (r.details?.diverged) notes.push(`${String(r.details.diverged)} models diverged`);
  if (r.details?.slow) notes.push(`slow (a warm-up step over ${SLOW_STEP_SECONDS} s): no calibration, ${r.steps === 1 ? 'one timed step' : `${String(r.steps)} timed steps`}`);
  const failed = (r.repeats ?? []).filter((x) => !x.ok);
  if (failed.length) notes.push(`${failed.length} round(s) failed: ${failed[0]!.error ?? ''}`.slice(0, 100));
  return notes.join('; ');
}

function table(rows: Row[]): string {
  const header = ['workload', 'backend / implementation', 'layout', 'samples/s', 'vs torch hand-written', 'vs CPU reference', 'rounds', 'steps', 'timed s', 'load: others / 1-min', 'note'];
  const body = rows.map((r) => [
    `${r.workload}: ${r.workloadLabel}`,
    r.backend === 'torch' ? r.implementation : BACKEND_NAMES[r.backend],
    r.layout ?? '',
    fmtRate(r.samplesPerSecond),
    fmtRatio(r.ratioVsTorchManual),
    fmtRatio(r.ratioVsReference),
    r.repeats ? `${r.repeats.filter((x) => x.ok).length}/${r.repeats.length}` : '',
    r.steps === null ? '' : r.backend === 'reference' ? `${String(r.details?.models)} x ${r.steps}` : String(r.steps),
    r.seconds !== null ? r.seconds.toFixed(2) : '',
    r.load ? `${r.load.label} ${r.load.maxForeignShare === null ? '—' : fmtShare(r.load.maxForeignShare)} / ${r.load.maxLoad1m.toFixed(2)}` : '',
    rowNote(r),
  ]);
  return formatTable(header, body, [3, 4, 5, 6, 7, 8]);
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

/** One line about the PyTorch baseline's environment (the JSON's machine.torch has all of it). */
function torchLine(torch: unknown): string {
  if (!torch || typeof torch !== 'object') return 'torch: —';
  const t = torch as Record<string, unknown>;
  const num = (v: unknown): string => (typeof v === 'number' ? v.toExponential(1) : '—');
  return `torch ${String(t.torch)} (${String(t.executable ?? t.python)}), BLAS ${String(t.blas)} (${String(t.blasLibrary)}), ${String(t.parallelBackend)} threads, CPU capability ${String(t.cpuCapability)}; unset for it: ${(t.unsetEnv as string[] | undefined)?.join(', ') ?? '—'}; hand-written vs autograd gradients (float64): max rel error ${num(t.gradCheckMaxRelError)}, AdamW step max abs error ${num(t.adamwStepMaxAbsError)}`;
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
  const all = workloads(config.targetSamples, config.minSteps);
  const list = all.filter((w) => config.workloadIds.includes(w.id));
  const cores = os.cpus().length;
  const loadStart = os.loadavg();
  const meta: Record<string, unknown> = {};
  log(`${config.quick ? 'quick run' : 'full run'}; stages: ${config.only.join(', ')}; workloads: ${list.map((w) => w.id).join(', ')}; ${config.repeats} round(s); ${cores} cores, load average ${loadStart.map((l) => l.toFixed(2)).join(' ')}`);
  // What others take from the machine before anything starts: a run on a loaded machine says so up front.
  const idleBefore = sampleCpu();
  await new Promise((resolve) => setTimeout(resolve, 3000));
  const idleAfter = sampleCpu();
  const foreignStart = idleBefore && idleAfter ? foreignLoad(idleBefore, idleAfter, cores) : null;
  if (foreignStart) log(`before the run, other processes used ${fmtShare(foreignStart.foreignShare)} of the machine over 3 s (${foreignLabel(foreignStart)})`);
  if (foreignStart ? foreignLabel(foreignStart) !== 'quiet' : loadStart[0]! > cores * 0.5) {
    log(`warning: the machine is not quiet (${foreignStart ? `others used ${fmtShare(foreignStart.foreignShare)}` : `1-min load ${loadStart[0]!.toFixed(2)} on ${cores} cores`}): throughput numbers will be noisy`);
  }

  const liveRows: LiveViewRow[] = [];
  const evalRows: EvaluationRow[] = [];
  const measured: Measured[] = [];
  const stageLoad: Record<string, { before: number[]; after: number[]; seconds: number; measurements: number }> = {};
  /** Times one measurement and records the load around it. */
  const measure = async (stage: Stage, w: Workload, repeat: number, run: () => Promise<Row[]>): Promise<Row[]> => {
    const before = os.loadavg();
    const cpuBefore = sampleCpu();
    const s0 = now();
    let rows: Row[];
    try {
      rows = await run();
    } catch (e) {
      rows = [{ ...blankRow(w, stage, stage, null), error: errorText(e) }];
    }
    const after = os.loadavg();
    const cpuAfter = sampleCpu();
    const seconds = now() - s0;
    const load = loadRecord(before, after, cores, cpuBefore && cpuAfter ? foreignLoad(cpuBefore, cpuAfter, cores) : null);
    measured.push({ stage, workload: w, repeat, rows, load, seconds });
    const st = (stageLoad[stage] ??= { before, after, seconds: 0, measurements: 0 });
    st.after = after;
    st.seconds += seconds;
    st.measurements++;
    for (const r of rows) {
      log(`${stage} ${w.id} round ${repeat + 1} ${r.layout ?? r.implementation}: ${r.ok ? `${fmtRate(r.samplesPerSecond)} samples/s` : r.unsupported ? r.error : `FAILED ${r.error}`} [load ${load.label}: others ${load.foreign ? fmtShare(load.foreign.foreignShare) : '—'}, 1-min ${before[0]!.toFixed(2)} → ${after[0]!.toFixed(2)}]`);
    }
    return rows;
  };

  // Rounds: every workload by every interleaved stage in turn, the order reversed on odd rounds, so
  // the WebGPU and PyTorch numbers of a round come from neighbouring minutes of the machine's life.
  const sessions = new Map<Stage, StageSession>();
  try {
    for (const stage of INTERLEAVED) {
      if (!config.only.includes(stage)) continue;
      sessions.set(stage, stage === 'chromium' ? await openChromium(config, meta, liveRows, evalRows) : stage === 'node' ? nodeSession(config, meta, liveRows, evalRows) : torchSession(config, meta));
    }
    /**
     * Stage and workload pairs not asked again after the first round: the engine refused every
     * layout, or a training step is so slow that the measurement took a single step or few
     * (GpuBenchRequest.targetSeconds); one such measurement lasts minutes and averages noise itself.
     */
    const refused = new Set<string>();
    for (let repeat = 0; repeat < config.repeats; repeat++) {
      for (const w of list) {
        const order = INTERLEAVED.filter((stage) => sessions.has(stage));
        if (repeat % 2 === 1) order.reverse();
        for (const stage of order) {
          if (refused.has(`${stage}|${w.id}`)) continue;
          const rows = await measure(stage, w, repeat, () => sessions.get(stage)!.measure(w, repeat));
          const done = rows.every((r) => r.unsupported || (r.ok && r.details?.slow) || (!r.ok && r.layout !== null));
          if (rows.length && done && rows.some((r) => r.unsupported || r.details?.slow)) refused.add(`${stage}|${w.id}`);
        }
      }
    }
  } finally {
    for (const session of sessions.values()) await session.close();
  }
  // The reference (one core, no SIMD: a floor) once per workload.
  if (config.only.includes('reference')) for (const w of list) await measure('reference', w, 0, async () => runReference(config, [w]));
  for (const r of liveRows) {
    log(`${r.backend} ${r.workload} live view, ${r.variant}: ${r.ok ? `${fmtRate(r.samplesPerSecond)} samples/s (${fmtRatio(r.ratioVsNoSnapshots)}), ${fmtMs(r.msPerSnapshot)} ms/snapshot` : `FAILED ${r.error}`}`);
  }
  for (const r of evalRows) {
    log(`${r.backend} ${r.workload} evaluation, ${r.entryPoint}: ${r.ok ? `${fmtRate(r.samplesPerSecond)} samples/s${r.ratioVsLooped !== null ? ` (${fmtRatio(r.ratioVsLooped)} looped)` : ''}, losses agree: ${String(r.lossesAgree)} (max rel diff ${r.maxRelLossDifference?.toExponential(1) ?? '—'})` : `FAILED ${r.error}`}`);
  }
  const rows = aggregate(list, measured);
  const loadLabels = Object.fromEntries(LOAD_ORDER.map((l) => [l, measured.filter((m) => m.load.label === l).length]));

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
      foreignLoadStart: foreignStart,
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
    roundsDefinition: `${config.repeats} round(s); in each, every workload is measured by ${INTERLEAVED.join(', ')} in turn (reversed on odd rounds); the PyTorch autograd variant, the live view and the evaluation kernel only in the first round, the CPU reference once after the rounds; a stage the engine refused a workload on in full in the first round is not asked again. samplesPerSecond = median over the rounds that succeeded; ratioVsTorchManual = median over rounds of (the round's samples/s / the PyTorch hand-written samples/s of the same workload in the same round); rows[].repeats has every round`,
    loadDefinition: `load: around every measurement (rows[].repeats[].load), the CPU time that processes outside the bench's own process tree (Chromium, the PyTorch and Node children are inside it), the kernel and the hypervisor (steal) used, from /proc/stat and /proc/<pid>/stat (bench/load.ts), as a share of the machine (foreign.foreignShare); label quiet when others used less than ${QUIET_FOREIGN_SHARE * 100} %, busy from ${BUSY_FOREIGN_SHARE * 100} %, loaded between; os.loadavg() before and after is kept too (it counts the bench's own work, so it is not the label). Without /proc the label falls back to the 1-minute load average (quiet < ${QUIET_LOAD_PER_CORE} per core before and after, busy >= ${BUSY_LOAD_PER_CORE}). rows[].load is the worst label over the row's rounds, the largest foreign share and the highest 1-minute load`,
    loadLabels,
    rows,
    liveViewDefinition:
      'live view: the same ModelSet (the n = 2, m = 1 workload, the layout the planner picks) trained without snapshots and with the snapshots of <superposition-phase-diagram> (select regime of feature 1; one seed per cell, so in-training snapshots run the geometry kernel and the gather but no evaluation) at each interval (0 = after every submit); samplesPerSecond = models x steps x batch / wall seconds of the whole trainModelSet call (snapshots included), mean over rounds run in alternating order; msPerSnapshot is timed from the progress report of the submit that triggered the snapshot to its onSnapshot; msPerSnapshotBySubtraction = (wall seconds - the no-snapshot wall seconds) / snapshots; ratioFromSnapshotTime = mean over rounds of 1 - (in-training snapshot seconds / wall seconds) of the same run',
    liveViewRows: liveRows,
    evaluationDefinition: `evaluation: the evaluation kernel alone (src/engine/evaluate-kernel.ts, shaders/evaluate.wgsl) on every model of the workload, entry point evaluate (looped) vs the registers entry point the trainer picks (W by rows, every per-example step written out; n <= 32, m <= 8): evaluateRegisters, or evaluateRegistersSparse when every point expects fewer than one active feature per example (isSparseSet), ${config.evaluation.evalBatchSize} examples per model per dispatch; buffers as the trainer builds them (keys, features, theta = initial W with b = 0, metrics), workgroup size and dispatch shape as the trainer's; per entry point one untimed warm-up dispatch (its seconds calibrate K), then ${config.evaluation.rounds} round(s) in alternating order of K dispatches (submits of about ${config.evaluation.submitSeconds} s, each awaited) lasting at least ${config.evaluation.targetSeconds} s in all; samplesPerSecond = models x evalBatchSize x dispatches / timed seconds; ratioVsLooped = registers / evaluate; the warm-up's metrics are read back per entry point and the losses compared (maxRelLossDifference = max over models |a - b| / max(|a|, |b|), agree when <= ${EVALUATION_LOSS_TOLERANCE} and all finite)`,
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
    torchLine(meta.torch),
    `samples = models x steps x batch; samples/s: median over ${config.repeats} round(s); vs torch hand-written: median over rounds of the ratio to the same round's PyTorch hand-written row of the same workload; vs CPU reference: to the float64 JS reference, once per workload`,
    `load: the worst label over the row's measurements from the share of the machine that other processes, the kernel and steal took during them (quiet < ${QUIET_FOREIGN_SHARE * 100} %, busy >= ${BUSY_FOREIGN_SHARE * 100} %; the bench's own processes do not count), then the largest such share / the highest 1-minute load average (which does count the bench); measurements: ${LOAD_ORDER.map((l) => `${loadLabels[l]} ${l}`).join(', ')}`,
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
          `evaluation: the evaluation kernel alone, every model on ${config.evaluation.evalBatchSize} examples per dispatch, entry point evaluate (looped) vs evaluateRegisters (evaluateRegistersSparse on a sparse set);`,
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
