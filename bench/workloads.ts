/**
 * The benchmark's workloads and the one WebGPU measurement routine shared by the Chromium page
 * (bench/page.ts) and the Node worker (bench/node-worker.ts). No Node or DOM APIs here.
 */
import type { Engine } from '../src/engine/engine.js';
import { metricStride, paramCount } from '../src/engine/layout.js';
import type { SnapshotSelection } from '../src/engine/snapshot-kernel.js';
import { trainModelSet } from '../src/engine/trainer.js';
import type { DeviceInfo, KernelLayout, TrainOutcome } from '../src/engine/types.js';
import { DEFAULT_TRAINING } from '../src/science/spec.js';
import type { GridPoint, ModelSet, TrainingSettings } from '../src/science/types.js';

/** A benchmark workload: `models` independent n → m ReLU models trained with AdamW. */
export interface Workload {
  /** Short id used in the table and JSON ("A", "B"). */
  id: string;
  label: string;
  nFeatures: number;
  nHidden: number;
  models: number;
  batchSize: number;
  /** Timed training steps (chosen so one measurement is a few × 10⁷ samples). */
  steps: number;
}

export const LAYOUTS: KernelLayout[] = ['registers', 'per-model', 'per-workgroup'];

/** Samples one step of a workload trains (models × batch). */
export const samplesPerStep = (w: Workload): number => w.models * w.batchSize;

/** Steps giving about `targetSamples` samples (at least `min`). */
export const stepsFor = (w: Pick<Workload, 'models' | 'batchSize'>, targetSamples: number, min = 1): number =>
  Math.max(min, Math.round(targetSamples / (w.models * w.batchSize)));

/** The two workloads of the issue, with steps for ≈ `targetSamples` samples per measurement. */
export function workloads(targetSamples: number, minSteps: number): Workload[] {
  const a = { models: 1024, batchSize: 1024 };
  const b = { models: 4096, batchSize: 1024 };
  return [
    { id: 'A', label: 'n=5 m=2, 1024 models', nFeatures: 5, nHidden: 2, ...a, steps: stepsFor(a, targetSamples, minSteps) },
    { id: 'B', label: 'n=2 m=1, 4096 models', nFeatures: 2, nHidden: 1, ...b, steps: stepsFor(b, targetSamples, minSteps) },
  ];
}

/** The notebook's training defaults (SCIENCE.md "Training defaults"). */
export const benchTraining: TrainingSettings = { ...DEFAULT_TRAINING, steps: 1, batchSize: 1024 };

/**
 * The ModelSet of a workload: a realistic sweep. n = 2, m = 1: a square phase-diagram grid
 * (p from 1 to 0.01, relative importance r of feature 1 from 0.1 to 10), one seed per cell when
 * the model count is a square. Otherwise: p log-spread over [0.05, 1], importance 0.9^i, 8 seeds
 * per point (fewer when the count is not divisible by 8).
 */
export function workloadSet(w: Workload, steps = w.steps): ModelSet {
  const n = w.nFeatures;
  const points: GridPoint[] = [];
  let seeds = 1;
  const side = Math.round(Math.sqrt(w.models));
  if (n === 2 && side * side === w.models) {
    for (let y = 0; y < side; y++) {
      for (let x = 0; x < side; x++) {
        const p = Math.pow(0.01, x / Math.max(1, side - 1));
        const r = 0.1 * Math.pow(100, y / Math.max(1, side - 1));
        points.push({ index: y * side + x, xIndex: x, yIndex: y, xValue: p, yValue: r, featureProbability: [p, p], importance: [1, r] });
      }
    }
  } else {
    seeds = [8, 4, 2, 1].find((s) => w.models % s === 0)!;
    const count = w.models / seeds;
    for (let k = 0; k < count; k++) {
      const t = count === 1 ? 0 : k / (count - 1);
      const p = 0.05 * Math.pow(1 / 0.05, t);
      points.push({
        index: k,
        xIndex: k,
        yIndex: 0,
        xValue: p,
        yValue: 1,
        featureProbability: Array.from({ length: n }, () => p),
        importance: Array.from({ length: n }, (_, i) => Math.pow(0.9, i)),
      });
    }
  }
  return {
    model: 'relu',
    nFeatures: n,
    nHidden: w.nHidden,
    baseSeed: 12345,
    seeds,
    training: { ...benchTraining, batchSize: w.batchSize, steps },
    evalBatchSize: 1024,
    points,
  };
}

/** One measured (workload, layout) pair on a WebGPU engine. */
export interface GpuMeasurement {
  layout: KernelLayout;
  ok: boolean;
  error?: string;
  samplesPerSecond?: number;
  /** Samples / (whole timed trainModelSet call, including pipeline creation, evaluation and read-back). */
  wallSamplesPerSecond?: number;
  timings?: { trainSeconds: number; evaluateSeconds: number; totalSeconds: number };
  /** Seconds of the untimed warm-up run (pipeline compilation, first-dispatch JIT). */
  warmupSeconds?: number;
  /** samples/s of the untimed calibration run that chose `steps`. */
  calibrationSamplesPerSecond?: number;
  chunks?: number;
  steps?: number;
  samples?: number;
  diverged?: number;
  /** Mean evaluation loss over the models (a sanity check that training did something). */
  meanLoss?: number;
}

export interface GpuBenchRequest {
  /** `workload.steps` is the most steps a timed run may take. */
  workload: Workload;
  layouts: KernelLayout[];
  /** Steps of the untimed warm-up run (0: none). */
  warmupSteps: number;
  /** Steps of the untimed calibration run that sets the timed run's length (0: use workload.steps). */
  calibrationSteps: number;
  /** The timed run aims at this many seconds of training, within [minSteps, workload.steps] steps. */
  targetSeconds: number;
  minSteps: number;
  /** Also measure the cost of live snapshots on this workload (after the layouts). */
  liveView?: LiveViewRequest;
}

export interface GpuBenchResponse {
  ok: boolean;
  error?: string;
  adapter?: DeviceInfo;
  acquireSeconds?: number;
  measurements: GpuMeasurement[];
  liveView?: LiveViewMeasurement;
}

/**
 * The live-view overhead measurement: the same ModelSet trained without snapshots and with the
 * snapshots a `<superposition-phase-diagram>` asks for (src/components/live-sweep.ts), at each
 * interval, on the layout the planner picks.
 */
export interface LiveViewRequest {
  /** Snapshot intervals (seconds) compared with no snapshots; 0 = a snapshot after every submit. */
  intervals: number[];
  /** Steps of the untimed warm-up run (with snapshots after every submit: compiles their kernels too). */
  warmupSteps: number;
  /** Steps of the untimed calibration run (no snapshots) that sets the steps; 0: use maxSteps. */
  calibrationSteps: number;
  /** Seconds of training each timed run aims at, within [minSteps, maxSteps] steps. */
  targetSeconds: number;
  minSteps: number;
  maxSteps: number;
  /**
   * Timed runs of each variant. Round 1 runs them in order (none, then the intervals), round 2 in
   * reverse, and so on, so a slow drift in the machine's load hits every variant alike.
   */
  rounds: number;
}

/** What the element's live view selects (src/components/live-sweep.ts defaults). */
export const LIVE_VIEW_SELECTION: SnapshotSelection = { metric: 'regime', feature: 1, thresholds: { normThreshold: 0.5, superpositionThreshold: 0.1 } };

/** One variant of the live-view measurement (means over its rounds). */
export interface LiveViewVariant {
  /** null: no snapshots. */
  intervalSeconds: number | null;
  /** samples / wall seconds of the whole trainModelSet call (snapshots included). */
  samplesPerSecond: number;
  /** TrainOutcome.samplesPerSecond: training dispatches only (snapshots excluded). */
  trainSamplesPerSecond: number;
  /** Mean wall seconds of the trainModelSet call, and of its training dispatches. */
  totalSeconds: number;
  trainSeconds: number;
  /** Snapshots per run: in-training ones, plus one per chunk after the final evaluation. */
  snapshots: number;
  finalSnapshots: number;
  /** Mean ms of an in-training snapshot, timed directly: from the progress report of the submit that triggered it to its onSnapshot. */
  msPerSnapshot: number | null;
  /** (this variant's mean wall seconds − the no-snapshot variant's) / snapshots, in ms. */
  msPerSnapshotBySubtraction: number | null;
  /**
   * The slowdown the directly timed snapshots account for, within each run: mean over rounds of
   * (wall seconds − the run's in-training snapshot seconds) / wall seconds. Robust to the machine
   * changing speed between runs (both parts come from the same run); leaves out the final snapshot
   * (a gather and a 2-float read-back per model, no evaluation).
   */
  ratioFromSnapshotTime: number | null;
  /** Bytes read back per snapshot (all chunks): models × stride × 4. */
  bytesPerSnapshot: number | null;
  /** Per round: wall seconds, training seconds, snapshots, seconds of the in-training snapshots. */
  runs: { totalSeconds: number; trainSeconds: number; snapshots: number; msPerSnapshot: number | null; snapshotSeconds: number }[];
  meanLoss: number;
}

export interface LiveViewMeasurement {
  ok: boolean;
  error?: string;
  layout?: KernelLayout;
  chunks?: number;
  models: number;
  batchSize: number;
  /** Evaluation batch of the in-training snapshots (the trainer's default, min(evalBatchSize, 512)). */
  snapshotEvalBatchSize: number;
  steps?: number;
  samples?: number;
  rounds: number;
  selection: SnapshotSelection;
  /** Floats per model in a snapshot (loss + one metric), and in a full read-back (θ: m·n + n, metrics: 2 + 4n). */
  snapshotFloatsPerModel: number;
  fullReadbackFloatsPerModel: number;
  /** Bytes of one full θ + metrics read-back of every model. */
  fullReadbackBytes: number;
  warmupSeconds?: number;
  calibrationSamplesPerSecond?: number;
  variants: LiveViewVariant[];
}

const errorText = (e: unknown): string => (e instanceof Error ? `${e.name}: ${e.message}` : String(e));
const seconds = (): number => performance.now() / 1000;

/**
 * Acquires a device with `acquire`, then for each layout: an untimed warm-up run (pipeline
 * compilation and SwiftShader's first-dispatch JIT), an untimed calibration run that picks the
 * number of steps for about `targetSeconds` (at most `workload.steps`), then the timed run; then,
 * when `request.liveView` is set, the live-view overhead measurement (measureLiveView). Never throws: errors are returned per layout, or for the whole request when the device cannot be
 * acquired.
 */
export async function measureGpu(acquire: () => Promise<Engine>, request: GpuBenchRequest): Promise<GpuBenchResponse> {
  const t0 = seconds();
  let engine: Engine;
  try {
    engine = await acquire();
  } catch (e) {
    return { ok: false, error: errorText(e), measurements: [] };
  }
  const acquireSeconds = seconds() - t0;
  const measurements: GpuMeasurement[] = [];
  const w = request.workload;
  let liveView: LiveViewMeasurement | undefined;
  try {
    for (const layout of request.layouts) {
      try {
        const w0 = seconds();
        if (request.warmupSteps > 0) await trainModelSet(engine, workloadSet(w, request.warmupSteps), { layout });
        const warmupSeconds = seconds() - w0;
        let steps = w.steps;
        let calibrationSamplesPerSecond: number | undefined;
        if (request.calibrationSteps > 0) {
          calibrationSamplesPerSecond = (await trainModelSet(engine, workloadSet(w, request.calibrationSteps), { layout })).samplesPerSecond;
          const wanted = Math.round((request.targetSeconds * calibrationSamplesPerSecond) / samplesPerStep(w));
          steps = Math.min(w.steps, Math.max(request.minSteps, wanted));
        }
        const outcome = await trainModelSet(engine, workloadSet(w, steps), { layout });
        const samples = w.models * steps * w.batchSize;
        let loss = 0;
        for (const v of outcome.results.loss) loss += v;
        measurements.push({
          layout: outcome.layout,
          ok: true,
          samplesPerSecond: outcome.samplesPerSecond,
          wallSamplesPerSecond: samples / outcome.timings.totalSeconds,
          timings: outcome.timings,
          warmupSeconds,
          ...(calibrationSamplesPerSecond !== undefined ? { calibrationSamplesPerSecond } : {}),
          chunks: outcome.chunks,
          steps,
          samples,
          diverged: outcome.diverged.length,
          meanLoss: loss / outcome.results.count,
        });
      } catch (e) {
        measurements.push({ layout, ok: false, error: errorText(e) });
        if (engine.isLost) break;
      }
    }
    if (request.liveView && !engine.isLost) liveView = await measureLiveView(engine, w, request.liveView);
  } finally {
    engine.destroy();
  }
  return { ok: true, adapter: engine.info, acquireSeconds, measurements, ...(liveView ? { liveView } : {}) };
}

/** One trainModelSet call of the live-view measurement. */
interface LiveRun {
  outcome: TrainOutcome;
  snapshots: number;
  finalSnapshots: number;
  /** Seconds of each in-training snapshot (progress report → onSnapshot). */
  snapshotSeconds: number[];
  bytes: number;
}

async function liveRun(engine: Engine, set: ModelSet, intervalSeconds: number | null): Promise<LiveRun> {
  const run: LiveRun = { outcome: undefined as unknown as TrainOutcome, snapshots: 0, finalSnapshots: 0, snapshotSeconds: [], bytes: 0 };
  let lastProgress = seconds();
  run.outcome = await trainModelSet(engine, set, {
    // Both variants report progress, so the only difference is the snapshot.
    onProgress: () => void (lastProgress = seconds()),
    ...(intervalSeconds === null
      ? {}
      : {
          snapshot: {
            select: () => LIVE_VIEW_SELECTION,
            intervalSeconds,
            onSnapshot: (s) => {
              const t = seconds();
              run.snapshots++;
              run.bytes += s.data.byteLength;
              if (s.final) run.finalSnapshots++;
              else run.snapshotSeconds.push(t - lastProgress);
            },
          },
        }),
  });
  return run;
}

const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;

/**
 * Trains the workload's ModelSet without snapshots and with snapshots at each requested interval,
 * on the layout the planner picks (see LiveViewRequest). Never throws.
 */
export async function measureLiveView(engine: Engine, w: Workload, request: LiveViewRequest): Promise<LiveViewMeasurement> {
  const n = w.nFeatures;
  const m = w.nHidden;
  const snapshotFloats = 1 + 1; // loss + one metric (a single feature is selected)
  const fullFloats = paramCount(n, m) + metricStride(n);
  const base = workloadSet(w, 1);
  const result: LiveViewMeasurement = {
    ok: false,
    models: w.models,
    batchSize: w.batchSize,
    // In-training snapshots evaluate only with several seeds (or a loss/benefit metric): src/engine/trainer.ts.
    snapshotEvalBatchSize: base.seeds > 1 ? Math.min(base.evalBatchSize, 128) : 0,
    rounds: request.rounds,
    selection: LIVE_VIEW_SELECTION,
    snapshotFloatsPerModel: snapshotFloats,
    fullReadbackFloatsPerModel: fullFloats,
    fullReadbackBytes: w.models * fullFloats * 4,
    variants: [],
  };
  try {
    const w0 = seconds();
    if (request.warmupSteps > 0) {
      await liveRun(engine, workloadSet(w, request.warmupSteps), 0);
      await liveRun(engine, workloadSet(w, request.warmupSteps), null);
    }
    result.warmupSeconds = seconds() - w0;
    let steps = request.maxSteps;
    if (request.calibrationSteps > 0) {
      const rate = (await trainModelSet(engine, workloadSet(w, request.calibrationSteps))).samplesPerSecond;
      result.calibrationSamplesPerSecond = rate;
      steps = Math.min(request.maxSteps, Math.max(request.minSteps, Math.round((request.targetSeconds * rate) / samplesPerStep(w))));
    }
    const set = workloadSet(w, steps);
    result.steps = steps;
    result.samples = w.models * steps * w.batchSize;
    const variants: (number | null)[] = [null, ...request.intervals];
    const runs = new Map<number | null, LiveRun[]>(variants.map((v) => [v, []]));
    for (let round = 0; round < request.rounds; round++) {
      for (const v of round % 2 === 0 ? variants : [...variants].reverse()) {
        const run = await liveRun(engine, set, v);
        result.layout = run.outcome.layout;
        result.chunks = run.outcome.chunks;
        runs.get(v)!.push(run);
      }
    }
    const noneSeconds = mean(runs.get(null)!.map((r) => r.outcome.timings.totalSeconds));
    result.variants = variants.map((v) => {
      const rs = runs.get(v)!;
      const totalSeconds = mean(rs.map((r) => r.outcome.timings.totalSeconds));
      const trainSeconds = mean(rs.map((r) => r.outcome.timings.trainSeconds));
      const snapshots = mean(rs.map((r) => r.snapshots));
      const gaps = rs.flatMap((r) => r.snapshotSeconds);
      let loss = 0;
      for (const r of rs) for (const x of r.outcome.results.loss) loss += x;
      return {
        intervalSeconds: v,
        samplesPerSecond: result.samples! / totalSeconds,
        trainSamplesPerSecond: result.samples! / trainSeconds,
        totalSeconds,
        trainSeconds,
        snapshots,
        finalSnapshots: mean(rs.map((r) => r.finalSnapshots)),
        msPerSnapshot: gaps.length ? mean(gaps) * 1000 : null,
        msPerSnapshotBySubtraction: v !== null && snapshots > 0 ? ((totalSeconds - noneSeconds) / snapshots) * 1000 : null,
        ratioFromSnapshotTime: v === null ? 1 : mean(rs.map((r) => 1 - r.snapshotSeconds.reduce((a, b) => a + b, 0) / r.outcome.timings.totalSeconds)),
        bytesPerSnapshot: v !== null && snapshots > 0 ? mean(rs.map((r) => r.bytes)) / snapshots : null,
        runs: rs.map((r) => ({
          totalSeconds: r.outcome.timings.totalSeconds,
          trainSeconds: r.outcome.timings.trainSeconds,
          snapshots: r.snapshots,
          msPerSnapshot: r.snapshotSeconds.length ? mean(r.snapshotSeconds) * 1000 : null,
          snapshotSeconds: r.snapshotSeconds.reduce((a, b) => a + b, 0),
        })),
        meanLoss: loss / (rs.length * w.models),
      };
    });
    result.ok = true;
  } catch (e) {
    result.error = errorText(e);
  }
  return result;
}
