/**
 * The benchmark's workloads and the one WebGPU measurement routine shared by the Chromium page
 * (bench/page.ts) and the Node worker (bench/node-worker.ts). No Node or DOM APIs here.
 */
import { DRAW_FLOOR, measureDrawFloor, type DrawFloorRequest } from './draw-floor.js';
import { measureLayoutFloors, type LayoutFloor } from './layout-floor.js';
import type { Engine } from '../src/engine/engine.js';
import { DeviceLimitError } from '../src/engine/errors.js';
import { EvaluateKernel, registersEntryPoint, type EvaluateEntryPoint } from '../src/engine/evaluate-kernel.js';
import { isSparseSet } from '../src/engine/train-kernel.js';
import { metricOffsets, metricStride, paramCount } from '../src/engine/layout.js';
import { chooseLayout, dispatchShape, planSweep } from '../src/engine/planner.js';
import type { SnapshotSelection } from '../src/engine/snapshot-kernel.js';
import { DEFAULT_SNAPSHOT_EVAL_BATCH, chunkInputs, createBuffer, trainModelSet } from '../src/engine/trainer.js';
import type { DeviceInfo, KernelLayout, TrainOutcome } from '../src/engine/types.js';
import { DEFAULT_TRAINING, IMPLEMENTED_MODELS } from '../src/science/spec.js';
import type { DataKind, GridPoint, ModelKind, ModelSet, TrainingSettings } from '../src/science/types.js';

/** Model kinds the benchmark's workloads use (docs/science.md "Models"). */
export type BenchModel = Extract<ModelKind, 'relu' | 'linear' | 'hidden-relu' | 'abs'>;

/** The data each model trains on: signed values for abs, independent U[0, 1) features otherwise. */
export const dataKindOf = (model: BenchModel): DataKind => (model === 'abs' ? 'signed' : 'independent');

/**
 * How a workload's models are spread: `spread`, p log-spread over [0.05, 1] with importance 0.9^i
 * and 8 seeds per point; `phase-diagram`, the n = 2 phase-diagram grid (p 1 → 0.01, importance
 * [1, r], r 0.1 → 10), one seed per cell; `fixed`, every model at p = 1 − sparsity with
 * importance 0.9^i (8 seeds per point).
 */
export type WorkloadSweep = { kind: 'spread' } | { kind: 'phase-diagram' } | { kind: 'fixed'; sparsity: number };

/** A benchmark workload: `models` independent n → m models trained with AdamW. */
export interface Workload {
  /** Short id used in the table and JSON ("A", "B", "C1", …). */
  id: string;
  label: string;
  model: BenchModel;
  nFeatures: number;
  nHidden: number;
  models: number;
  batchSize: number;
  sweep: WorkloadSweep;
  /** The WebGPU stages also time the evaluation kernel alone on this workload (measureEvaluation). */
  evaluation: boolean;
  /** Timed training steps (chosen so one measurement is a few × 10⁷ samples). */
  steps: number;
  /** The WebGPU stages also time the `workgroup-registers` layout's floors on this workload (bench/layout-floor.ts). */
  layoutFloors: boolean;
}

export const LAYOUTS: KernelLayout[] = ['registers', 'per-model', 'per-workgroup'];

/** Samples one step of a workload trains (models × batch). */
export const samplesPerStep = (w: Workload): number => w.models * w.batchSize;

/** Steps giving about `targetSamples` samples (at least `min`). */
export const stepsFor = (w: Pick<Workload, 'models' | 'batchSize'>, targetSamples: number, min = 1): number =>
  Math.max(min, Math.round(targetSamples / (w.models * w.batchSize)));

/** Importance decay of the `spread` and `fixed` sweeps: I_i = 0.9^i. */
export const IMPORTANCE_DECAY = 0.9;

/**
 * The benchmark's workloads, with steps for ≈ `targetSamples` samples per measurement: the
 * original two (A: n = 5, m = 2, the p spread; B: the n = 2, m = 1 phase diagram), the ReLU-output
 * model at S = 0.9 and 0.99 (C: n = 20, m = 5 and E: n = 400, m = 30, sizes of the paper's
 * experiments, D: n = 100, m = 20 between them), and the absolute-value model at n = 100, m = 40
 * (F, S = 0.99, the paper's size). Batch 1024 everywhere; fewer models as n grows, so one step
 * draws at most about 3·10⁷ input values.
 */
export function workloads(targetSamples: number, minSteps: number): Workload[] {
  const make = (id: string, model: BenchModel, n: number, m: number, models: number, sweep: WorkloadSweep, { evaluation = false, layoutFloors = false } = {}): Workload => {
    const size = { models, batchSize: 1024 };
    const sparsity = sweep.kind === 'fixed' ? `, S=${sweep.sparsity}` : '';
    const kind = model === 'relu' ? '' : `${model} `;
    return { id, label: `${kind}n=${n} m=${m}${sparsity}, ${models} models`, model, nFeatures: n, nHidden: m, ...size, sweep, evaluation, layoutFloors, steps: stepsFor(size, targetSamples, minSteps) };
  };
  const fixed = (sparsity: number): WorkloadSweep => ({ kind: 'fixed', sparsity });
  return [
    make('A', 'relu', 5, 2, 1024, { kind: 'spread' }, { evaluation: true }),
    make('B', 'relu', 2, 1, 4096, { kind: 'phase-diagram' }, { evaluation: true }),
    make('C1', 'relu', 20, 5, 1024, fixed(0.9)),
    make('C2', 'relu', 20, 5, 1024, fixed(0.99), { evaluation: true }),
    make('D1', 'relu', 100, 20, 256, fixed(0.9)),
    make('D2', 'relu', 100, 20, 256, fixed(0.99)),
    make('E1', 'relu', 400, 30, 64, fixed(0.9)),
    make('E2', 'relu', 400, 30, 64, fixed(0.99), { layoutFloors: true }),
    make('F', 'abs', 100, 40, 256, fixed(0.99)),
  ];
}

/** Prefix of the error of a measurement the engine refused (see isUnsupported). */
export const NOT_SUPPORTED = 'not supported by this engine yet';

/**
 * Why the engine cannot train this workload's model at all, or null. The engine's model list is
 * `IMPLEMENTED_MODELS` (src/science/spec.ts): a kind outside it must not reach the trainer (an
 * engine without the kind could train another model without complaint).
 */
export function unsupportedModel(w: Pick<Workload, 'model'>): string | null {
  return (IMPLEMENTED_MODELS as readonly string[]).includes(w.model) ? null : `${NOT_SUPPORTED}: the ${w.model} model (implemented: ${IMPLEMENTED_MODELS.join(', ')})`;
}

/** Whether a training error is the engine refusing the problem (its typed DeviceLimitError: size, layout or model out of its range), not a failure. */
export const isUnsupported = (e: unknown): e is DeviceLimitError => e instanceof DeviceLimitError;

/** The notebook's training defaults (docs/science.md "Training defaults"). */
export const benchTraining: TrainingSettings = { ...DEFAULT_TRAINING, steps: 1, batchSize: 1024 };

/**
 * The ModelSet of a workload (see WorkloadSweep): `phase-diagram`, a square grid (p from 1 to
 * 0.01, relative importance r of feature 1 from 0.1 to 10), one seed per cell; `spread`, p
 * log-spread over [0.05, 1], importance 0.9^i, 8 seeds per point (fewer when the count is not
 * divisible by 8); `fixed`, the same at one p = 1 − S. The abs model trains on signed data.
 */
export function workloadSet(w: Workload, steps = w.steps): ModelSet {
  const n = w.nFeatures;
  const points: GridPoint[] = [];
  let seeds = 1;
  const side = Math.round(Math.sqrt(w.models));
  if (w.sweep.kind === 'phase-diagram') {
    if (n !== 2 || side * side !== w.models) throw new Error(`workload ${w.id}: the phase-diagram sweep needs n = 2 and a square model count`);
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
      const p = w.sweep.kind === 'fixed' ? 1 - w.sweep.sparsity : 0.05 * Math.pow(1 / 0.05, t);
      points.push({
        index: k,
        xIndex: k,
        yIndex: 0,
        xValue: p,
        yValue: 1,
        featureProbability: Array.from({ length: n }, () => p),
        importance: Array.from({ length: n }, (_, i) => Math.pow(IMPORTANCE_DECAY, i)),
      });
    }
  }
  return {
    model: w.model,
    data: dataKindOf(w.model),
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
  /** A kernel layout, or the data-draw floor (bench/draw-floor.ts). */
  layout: KernelLayout | typeof DRAW_FLOOR | LayoutFloor;
  ok: boolean;
  error?: string;
  /** The engine refused the workload on this layout (unsupportedModel, or its DeviceLimitError): `error` says why. */
  unsupported?: boolean;
  samplesPerSecond?: number;
  /** Samples / (whole timed trainModelSet call, including pipeline creation, evaluation and read-back). */
  wallSamplesPerSecond?: number;
  timings?: { trainSeconds: number; evaluateSeconds: number; totalSeconds: number };
  /** Seconds of the untimed warm-up run (pipeline compilation, first-dispatch JIT). */
  warmupSeconds?: number;
  /** samples/s of the untimed calibration run that chose `steps`. */
  calibrationSamplesPerSecond?: number;
  /** One warm-up step was slow (GpuBenchRequest.slowStepSeconds): no calibration, fewer timed steps. */
  slow?: boolean;
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
  /** Layouts to measure; the layout the planner picks for the workload is measured too when it is not among them. */
  layouts: KernelLayout[];
  /** Steps of the untimed warm-up run (0: none). */
  warmupSteps: number;
  /** Steps of the untimed calibration run that sets the timed run's length (0: use workload.steps). */
  calibrationSteps: number;
  /**
   * The timed run aims at this many seconds of training, within [minSteps, workload.steps] steps.
   */
  targetSeconds: number;
  minSteps: number;
  /**
   * When one warm-up step took longer than this and minSteps of them would overrun targetSeconds
   * (a large workload on a slow device: SwiftShader trains n = 100, m = 20 at a few thousand
   * samples/s, about a minute and a half per step of 256 models), the calibration run is skipped
   * and the timed run takes as many steps as fit in targetSeconds at the warm-up's pace, at least
   * one; the measurement is marked `slow`.
   */
  slowStepSeconds: number;
  /** Also measure the cost of live snapshots on this workload (after the layouts). */
  liveView?: LiveViewRequest;
  /** Also time the evaluation kernel's two entry points on this workload (last). */
  evaluation?: EvaluationRequest;
  /** Also time the data draw alone (bench/draw-floor.ts), after the layouts. */
  drawFloor?: DrawFloorRequest;
  /** Also time the `workgroup-registers` layout's floors (bench/layout-floor.ts), about `targetSeconds` of training each, after the draw floor. */
  layoutFloors?: { targetSeconds: number };
}

export interface GpuBenchResponse {
  ok: boolean;
  error?: string;
  adapter?: DeviceInfo;
  acquireSeconds?: number;
  measurements: GpuMeasurement[];
  liveView?: LiveViewMeasurement;
  evaluation?: EvaluationMeasurement;
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
  /** Evaluation batch of the in-training snapshots (the trainer's default, min(evalBatchSize, 128)); 0 when they do not evaluate. */
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
 * when `request.liveView` is set, the live-view overhead measurement (measureLiveView); then, when
 * `request.evaluation` is set, the evaluation entry points (measureEvaluation). Never throws: errors are returned per layout, or for the whole request when the device cannot be
 * acquired.
 */
export async function measureGpu(acquire: () => Promise<Engine>, request: GpuBenchRequest): Promise<GpuBenchResponse> {
  const refused = unsupportedModel(request.workload);
  if (refused) return { ok: true, measurements: request.layouts.map((layout) => ({ layout, ok: false, unsupported: true, error: refused })) };
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
  let evaluation: EvaluationMeasurement | undefined;
  try {
    const layouts = [...request.layouts];
    try {
      // The planner's choice: the engine may have layouts this bench does not name (`workgroup`).
      const planned = chooseLayout({ instances: w.models, nFeatures: w.nFeatures, nHidden: w.nHidden, batchSize: w.batchSize, model: w.model, data: dataKindOf(w.model) }, engine.info);
      if (!layouts.includes(planned)) layouts.push(planned);
      // The layout workgroup-registers took over from, measured in the same run for the ratio.
      if (planned === 'workgroup-registers' && !layouts.includes('workgroup')) layouts.push('workgroup');
    } catch {
      /* the fixed layouts are measured (or refused) anyway */
    }
    for (const layout of layouts) {
      try {
        const w0 = seconds();
        if (request.warmupSteps > 0) await trainModelSet(engine, workloadSet(w, request.warmupSteps), { layout });
        const warmupSeconds = seconds() - w0;
        let steps = w.steps;
        let calibrationSamplesPerSecond: number | undefined;
        // Seconds per step, from above (the warm-up includes pipeline compilation).
        const stepSeconds = request.warmupSteps > 0 ? warmupSeconds / request.warmupSteps : 0;
        const slow = stepSeconds > request.slowStepSeconds && stepSeconds * request.minSteps > request.targetSeconds;
        if (slow) steps = Math.min(w.steps, Math.max(1, Math.floor(request.targetSeconds / stepSeconds)));
        else if (request.calibrationSteps > 0) {
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
          ...(slow ? { slow } : {}),
          chunks: outcome.chunks,
          steps,
          samples,
          diverged: outcome.diverged.length,
          meanLoss: loss / outcome.results.count,
        });
      } catch (e) {
        if (isUnsupported(e)) measurements.push({ layout, ok: false, unsupported: true, error: `${NOT_SUPPORTED}: ${e.message}` });
        else measurements.push({ layout, ok: false, error: errorText(e) });
        if (engine.isLost) break;
      }
    }
    if (request.drawFloor && !engine.isLost) measurements.push(await measureDrawFloor(engine, workloadSet(w, 1), request.drawFloor));
    if (request.layoutFloors && !engine.isLost) measurements.push(...(await measureLayoutFloors(engine, (steps) => workloadSet(w, steps), { targetSeconds: request.layoutFloors.targetSeconds, maxSteps: w.steps })));
    if (request.liveView && !engine.isLost) liveView = await measureLiveView(engine, w, request.liveView);
    if (request.evaluation && !engine.isLost) evaluation = await measureEvaluation(engine, w, request.evaluation);
  } finally {
    engine.destroy();
  }
  return { ok: true, adapter: engine.info, acquireSeconds, measurements, ...(liveView ? { liveView } : {}), ...(evaluation ? { evaluation } : {}) };
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
    snapshotEvalBatchSize: base.seeds > 1 ? Math.min(base.evalBatchSize, DEFAULT_SNAPSHOT_EVAL_BATCH) : 0,
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

// ---------------------------------------------------------------------------------------------
// Evaluation: the looped `evaluate` entry point against the registers one (shaders/evaluate.wgsl)
// ---------------------------------------------------------------------------------------------

export type { EvaluateEntryPoint };
/**
 * The entry points the evaluation measurement compares, looped first (the ratio is registers /
 * looped): the registers one the trainer picks for the workload, the sparse twin on a sparse set
 * (isSparseSet) where it pays (registersSparsePays).
 */
export function evaluateEntryPoints(w: Workload): [EvaluateEntryPoint, EvaluateEntryPoint] {
  return ['evaluate', registersEntryPoint({ nFeatures: w.nFeatures, nHidden: w.nHidden, sparse: isSparseSet(workloadSet(w, 1).points) })];
}
/** The spec's default evaluation batch (src/science/spec.ts `evalBatchSize`). */
export const SPEC_EVAL_BATCH_SIZE = 8192;
/** Largest relative difference of two entry points' losses (same weights, same data) that counts as agreement. */
export const EVALUATION_LOSS_TOLERANCE = 1e-4;

/**
 * Times the evaluation kernel alone: one dispatch evaluates every model of the workload on
 * `evalBatchSize` examples; per entry point, an untimed warm-up dispatch (its seconds set K),
 * then `rounds` timed runs of K dispatches, in alternating entry-point order.
 */
export interface EvaluationRequest {
  evalBatchSize: number;
  /**
   * Seconds each entry point is timed in all (split evenly over the rounds); K per round is
   * calibrated from the warm-up, and a round that comes in short gets more dispatches.
   * 0: exactly `minDispatches` per round, no calibration.
   */
  targetSeconds: number;
  minDispatches: number;
  rounds: number;
  /** Dispatches go into submits of about this many seconds, each awaited (onSubmittedWorkDone). */
  submitSeconds: number;
}

export interface EvaluationVariant {
  entryPoint: EvaluateEntryPoint;
  /** models × evalBatchSize × dispatches / timed seconds (all rounds). */
  samplesPerSecond: number;
  dispatches: number;
  seconds: number;
  /** Seconds of pipeline creation (EvaluateKernel.create), and of the warm-up dispatch. */
  createSeconds: number;
  warmupSeconds: number;
  /** Per round: dispatches and seconds. */
  runs: { dispatches: number; seconds: number }[];
  meanLoss: number;
  nonFiniteLosses: number;
}

export interface EvaluationMeasurement {
  ok: boolean;
  error?: string;
  models: number;
  nFeatures: number;
  nHidden: number;
  evalBatchSize: number;
  /** Samples one dispatch evaluates: models × evalBatchSize. */
  samplesPerDispatch: number;
  /** The trainer's: planSweep(…).invocationWorkgroupSize, dispatchShape(models, 'per-model', …). */
  workgroupSize?: number;
  dispatch?: { x: number; y: number; rowStride: number };
  rounds: number;
  variants: EvaluationVariant[];
  /** samples/s of evaluateRegisters / samples/s of evaluate. */
  ratioRegistersVsLooped?: number;
  /** max over models |loss_registers − loss_looped| / max(|loss_registers|, |loss_looped|) (weights: initial W, b = 0). */
  maxRelLossDifference?: number;
  /** max over models and features |benefit_registers − benefit_looped|. */
  maxAbsBenefitDifference?: number;
  lossTolerance: number;
  /** Every loss finite and within lossTolerance (relative). */
  lossesAgree?: boolean;
  /** Buffers alive on the engine after the measurement minus before (0: all freed), when the engine tracks them. */
  leakedBuffers?: number;
}

/**
 * Times `evaluate` (looped) and `evaluateRegisters` on the workload's models (see
 * EvaluationRequest) and checks that their losses agree. Creates and frees its own buffers and
 * kernels. Never throws.
 */
export async function measureEvaluation(engine: Engine, w: Workload, request: EvaluationRequest): Promise<EvaluationMeasurement> {
  const { device } = engine;
  const n = w.nFeatures;
  const m = w.nHidden;
  const count = w.models;
  const entryPoints = evaluateEntryPoints(w);
  const result: EvaluationMeasurement = {
    ok: false,
    models: count,
    nFeatures: n,
    nHidden: m,
    evalBatchSize: request.evalBatchSize,
    samplesPerDispatch: count * request.evalBatchSize,
    rounds: request.rounds,
    variants: [],
    lossTolerance: EVALUATION_LOSS_TOLERANCE,
  };
  const buffersBefore = engine.liveBuffers?.count;
  const buffers: GPUBuffer[] = [];
  const kernels = new Map<EvaluateEntryPoint, EvaluateKernel>();
  const make = (label: string, size: number, usage: number, data?: ArrayBufferView): GPUBuffer => {
    const buffer = createBuffer(device, label, size, usage, data);
    buffers.push(buffer);
    return buffer;
  };
  try {
    const set = { ...workloadSet(w, 1), evalBatchSize: request.evalBatchSize };
    const plan = planSweep({ instances: count, nFeatures: n, nHidden: m, batchSize: w.batchSize }, engine.info);
    if (plan.chunks.length !== 1) throw new Error(`the workload needs ${plan.chunks.length} chunks on this device; the evaluation measurement handles one`);
    const P = plan.paramCount;
    const S = plan.metricStride;
    const inputs = chunkInputs(set, { start: 0, count }, P);
    const storage = GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST;
    const bound = {
      keys: make('keys', inputs.keys.byteLength, storage, inputs.keys),
      features: make('features', inputs.features.byteLength, storage, inputs.features),
      theta: make('theta', inputs.theta.byteLength, storage, inputs.theta),
      metrics: make('metrics', count * S * 4, storage | GPUBufferUsage.COPY_SRC),
    };
    const read = make('metrics.readback', count * S * 4, GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST);
    const dispatch = dispatchShape(count, 'per-model', plan.invocationWorkgroupSize, engine.info.limits.maxComputeWorkgroupsPerDimension);
    result.workgroupSize = plan.invocationWorkgroupSize;
    result.dispatch = dispatch;

    const submit = async (kernel: EvaluateKernel, dispatches: number): Promise<void> => {
      const encoder = device.createCommandEncoder({ label: 'bench.evaluate' });
      for (let d = 0; d < dispatches; d++) kernel.encode(encoder, bound, count, dispatch);
      device.queue.submit([encoder.finish()]);
      await engine.guard(device.queue.onSubmittedWorkDone());
    };
    const o = metricOffsets(n);
    const readMetrics = async (): Promise<{ loss: Float32Array; benefit: Float32Array }> => {
      const encoder = device.createCommandEncoder({ label: 'bench.evaluate.readback' });
      encoder.copyBufferToBuffer(bound.metrics, 0, read, 0, count * S * 4);
      device.queue.submit([encoder.finish()]);
      await engine.guard(read.mapAsync(GPUMapMode.READ));
      const metrics = new Float32Array(read.getMappedRange(0, count * S * 4).slice(0));
      read.unmap();
      const loss = new Float32Array(count);
      const benefit = new Float32Array(count * n);
      for (let c = 0; c < count; c++) {
        loss[c] = metrics[c * S + o.loss]!;
        benefit.set(metrics.subarray(c * S + o.benefit, c * S + o.benefit + n), c * n);
      }
      return { loss, benefit };
    };

    // Pipelines and warm-up dispatches (SwiftShader compiles on first use); metrics read back once per entry point.
    const warm = new Map<EvaluateEntryPoint, { createSeconds: number; warmupSeconds: number; loss: Float32Array; benefit: Float32Array }>();
    for (const entryPoint of entryPoints) {
      const c0 = seconds();
      const kernel = await EvaluateKernel.create(engine, { model: set.model, nFeatures: n, nHidden: m, evalBatchSize: request.evalBatchSize, workgroupSize: plan.invocationWorkgroupSize, entryPoint });
      kernels.set(entryPoint, kernel);
      // NaN first, so the read-back can only show what this entry point wrote.
      device.queue.writeBuffer(bound.metrics, 0, new Float32Array(count * S).fill(Number.NaN));
      const w0 = seconds();
      await submit(kernel, 1);
      const warmupSeconds = seconds() - w0;
      warm.set(entryPoint, { createSeconds: w0 - c0, warmupSeconds, ...(await readMetrics()) });
    }

    // Timed rounds, alternating the order of the entry points.
    const perRound = request.targetSeconds / request.rounds;
    const runs = new Map<EvaluateEntryPoint, { dispatches: number; seconds: number }[]>(entryPoints.map((e) => [e, []]));
    for (let round = 0; round < request.rounds; round++) {
      for (const entryPoint of round % 2 === 0 ? entryPoints : [...entryPoints].reverse()) {
        const kernel = kernels.get(entryPoint)!;
        const estimate = Math.max(warm.get(entryPoint)!.warmupSeconds, 1e-4);
        let planned = Math.max(request.minDispatches, perRound > 0 ? Math.ceil((perRound * 1.05) / estimate) : 0);
        const perSubmit = Math.max(1, Math.floor(request.submitSeconds / estimate));
        let done = 0;
        const t0 = seconds();
        for (;;) {
          if (done >= planned) {
            const elapsed = seconds() - t0;
            if (elapsed >= perRound) break;
            // Shorter than calibrated (the warm-up included first-dispatch work): extend at the measured rate.
            planned += Math.max(1, Math.ceil(((perRound - elapsed) * 1.05 * done) / Math.max(elapsed, 1e-6)));
          }
          const k = Math.min(perSubmit, planned - done);
          await submit(kernel, k);
          done += k;
        }
        runs.get(entryPoint)!.push({ dispatches: done, seconds: seconds() - t0 });
      }
    }

    result.variants = entryPoints.map((entryPoint) => {
      const rs = runs.get(entryPoint)!;
      const dispatches = rs.reduce((a, r) => a + r.dispatches, 0);
      const secs = rs.reduce((a, r) => a + r.seconds, 0);
      const { createSeconds, warmupSeconds, loss } = warm.get(entryPoint)!;
      let sum = 0;
      let nonFinite = 0;
      for (const x of loss) {
        if (Number.isFinite(x)) sum += x;
        else nonFinite++;
      }
      return {
        entryPoint,
        samplesPerSecond: (result.samplesPerDispatch * dispatches) / secs,
        dispatches,
        seconds: secs,
        createSeconds,
        warmupSeconds,
        runs: rs,
        meanLoss: sum / Math.max(1, count - nonFinite),
        nonFiniteLosses: nonFinite,
      };
    });
    const [looped, registers] = result.variants as [EvaluationVariant, EvaluationVariant];
    result.ratioRegistersVsLooped = registers.samplesPerSecond / looped.samplesPerSecond;
    const a = warm.get('evaluate')!;
    const b = warm.get(entryPoints[1])!;
    let maxRel = 0;
    let allFinite = true;
    for (let c = 0; c < count; c++) {
      const x = a.loss[c]!;
      const y = b.loss[c]!;
      if (!Number.isFinite(x) || !Number.isFinite(y)) {
        allFinite = false;
        continue;
      }
      const scale = Math.max(Math.abs(x), Math.abs(y));
      if (scale > 0) maxRel = Math.max(maxRel, Math.abs(x - y) / scale);
    }
    let maxBenefit = 0;
    for (let k = 0; k < count * n; k++) {
      const d = Math.abs(a.benefit[k]! - b.benefit[k]!);
      if (Number.isFinite(d)) maxBenefit = Math.max(maxBenefit, d);
      else allFinite = false;
    }
    result.maxRelLossDifference = maxRel;
    result.maxAbsBenefitDifference = maxBenefit;
    result.lossesAgree = allFinite && maxRel <= EVALUATION_LOSS_TOLERANCE;
    result.ok = true;
  } catch (e) {
    result.error = errorText(e);
  } finally {
    for (const kernel of kernels.values()) kernel.destroy();
    for (const buffer of buffers) buffer.destroy();
    const after = engine.liveBuffers?.count;
    if (buffersBefore !== undefined && after !== undefined) result.leakedBuffers = after - buffersBefore;
  }
  return result;
}
