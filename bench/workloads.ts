/**
 * The benchmark's workloads and the one WebGPU measurement routine shared by the Chromium page
 * (bench/page.ts) and the Node worker (bench/node-worker.ts). No Node or DOM APIs here.
 */
import type { Engine } from '../src/engine/engine.js';
import { trainModelSet } from '../src/engine/trainer.js';
import type { DeviceInfo, KernelLayout } from '../src/engine/types.js';
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
}

export interface GpuBenchResponse {
  ok: boolean;
  error?: string;
  adapter?: DeviceInfo;
  acquireSeconds?: number;
  measurements: GpuMeasurement[];
}

const errorText = (e: unknown): string => (e instanceof Error ? `${e.name}: ${e.message}` : String(e));
const seconds = (): number => performance.now() / 1000;

/**
 * Acquires a device with `acquire`, then for each layout: an untimed warm-up run (pipeline
 * compilation and SwiftShader's first-dispatch JIT), an untimed calibration run that picks the
 * number of steps for about `targetSeconds` (at most `workload.steps`), then the timed run.
 * Never throws: errors are returned per layout, or for the whole request when the device cannot be
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
  } finally {
    engine.destroy();
  }
  return { ok: true, adapter: engine.info, acquireSeconds, measurements };
}
