/**
 * The trainer: runs a {@link ModelSet} on an {@link Engine}, chunk by chunk, K fused steps per
 * submit, then evaluation and geometry, and reads the results back into typed arrays
 * (layouts in src/science/types.ts `ModelResults`).
 */
import { initialW, modelStream } from '../science/prng.js';
import type { ModelResults, ModelSet } from '../science/types.js';
import type { Engine } from './engine.js';
import { CancelledError } from './errors.js';
import { checkResume } from './resume.js';
import { EvaluateKernel } from './evaluate-kernel.js';
import { GeometryKernel } from './geometry-kernel.js';
import { checkSelection, SnapshotKernel, snapshotStride, type SnapshotSelection } from './snapshot-kernel.js';
import { metricOffsets, metricStride } from './layout.js';
import { dispatchShape, isAutoencoderLayout, planSweep, type Chunk, type SweepPlan } from './planner.js';
import { isSparseSet, TrainKernel, type TrainBuffers } from './train-kernel.js';
import { instanceEvaluation, trainAutoencoderSet } from './autoencoder-trainer.js';
import { markDiverged, streamChunk } from './diverged.js';
import { allocateResults } from '../science/model-results.js';
import { createBuffer, readBuffers } from './buffers.js';
import { geometry } from '../science/metrics.js';
import { metricFromFields } from '../science/metric-registry.js';
import { flopsPerSample, modelDefinition } from '../science/models/index.js';
import type { ChunkState, TrainOptions, TrainOutcome, TrainProgress, TrainSnapshot } from './types.js';
import { workgroupRegistersSize } from './workgroup-registers.js';

/** Seconds one training submit should take: short enough for a responsive page and far under GPU watchdogs. */
const TARGET_SUBMIT_SECONDS = 0.25;
/**
 * FLOPs of the first submit, before any measurement (then sized by the measured time): ~2·10⁸ is
 * 0.1–0.5 s on SwiftShader's two cores, so the first progress report and a cancel land within
 * about a second at every model size (for n = 5, m = 2 this is about 2²⁰ samples).
 */
const FIRST_SUBMIT_FLOPS = 2e8;

const now = (): number => performance.now() / 1000;

/**
 * Training FLOPs (flopsPerSample units) of the examples one evaluation submit scores: the forward
 * pass is about a third of a training step's work, so this is ~2·10⁸ forward FLOPs, as
 * FIRST_SUBMIT_FLOPS is for training (0.1–0.5 s on SwiftShader).
 */
export const EVALUATE_SUBMIT_FLOPS = 6e8;

/**
 * Cuts a chunk's `count` instances into consecutive parts of about EVALUATE_SUBMIT_FLOPS each
 * (`flopsPerModel`: evalBatchSize × flopsPerSample), at least one instance per part.
 */
export function evaluationParts(count: number, flopsPerModel: number, budget = EVALUATE_SUBMIT_FLOPS): { start: number; count: number }[] {
  const per = Math.max(1, Math.floor(budget / Math.max(flopsPerModel, 1)));
  const parts: { start: number; count: number }[] = [];
  for (let start = 0; start < count; start += per) parts.push({ start, count: Math.min(per, count - start) });
  return parts.length > 0 ? parts : [{ start: 0, count: 0 }];
}

/**
 * Per-instance inputs of a chunk: keys (the stream's two u32 words per instance, shaders' vec2u), (p_i, I_i) pairs (instance-major, 2n
 * floats per instance) and the initial θ = (Xavier W, b = 0), P floats per instance (layout.ts).
 */
export function chunkInputs(set: ModelSet, chunk: Chunk, P: number): { keys: Uint32Array; features: Float32Array; theta: Float32Array } {
  const n = set.nFeatures;
  const keys = new Uint32Array(chunk.count * 2);
  const features = new Float32Array(chunk.count * n * 2);
  const theta = new Float32Array(chunk.count * P);
  for (let c = 0; c < chunk.count; c++) {
    const instance = chunk.start + c;
    const point = set.points[Math.floor(instance / set.seeds)]!;
    const stream = modelStream(set.baseSeed, point.index, instance % set.seeds);
    keys.set(stream, c * 2);
    for (let i = 0; i < n; i++) {
      features[(c * n + i) * 2] = point.featureProbability[i]!;
      features[(c * n + i) * 2 + 1] = point.importance[i]!;
    }
    theta.set(initialW(stream, n, set.nHidden), c * P);
  }
  return { keys, features, theta };
}

interface Kernels {
  train: TrainKernel;
  evaluate: EvaluateKernel;
  geometry: GeometryKernel;
  /** Only with options.snapshot: the small-batch evaluation and the gather. */
  snapshotEvaluate?: EvaluateKernel;
  snapshot?: SnapshotKernel;
}

/** Default seconds of training between live snapshots. */
const DEFAULT_SNAPSHOT_SECONDS = 0.5;
/** Seconds of training between checkpoints of the running chunk's state (TrainOptions.checkpoint). */
export const DEFAULT_CHECKPOINT_SECONDS = 30;
/** Default evaluation batch of in-training snapshots (capped by the set's evalBatchSize). */
export const DEFAULT_SNAPSHOT_EVAL_BATCH = 128;

/**
 * Whether an in-training snapshot needs the evaluation pass (most of its cost): only to pick among
 * seeds by loss, or to show the loss or the benefit. Geometry metrics of one seed need only W.
 */
function snapshotNeedsLoss(set: ModelSet, metric: string): boolean {
  return set.seeds > 1 || metric === 'loss' || metric === 'benefit';
}

class ProgressClock {
  readonly start = now();
  modelStepsDone = 0;
  instancesDone = 0;
  trainSeconds = 0;
  constructor(
    readonly set: ModelSet,
    readonly instancesTotal: number,
    readonly chunkCount: number,
    readonly onProgress?: (p: TrainProgress) => void,
  ) {}

  report(chunkIndex: number): void {
    if (!this.onProgress) return;
    const total = this.instancesTotal * this.set.training.steps;
    const elapsed = now() - this.start;
    const samplesPerSecond = this.trainSeconds > 0 ? (this.modelStepsDone * this.set.training.batchSize) / this.trainSeconds : 0;
    const rate = elapsed > 0 ? this.modelStepsDone / elapsed : 0;
    this.onProgress({
      modelStepsDone: this.modelStepsDone,
      modelStepsTotal: total,
      instancesDone: this.instancesDone,
      instancesTotal: this.instancesTotal,
      chunkIndex,
      chunkCount: this.chunkCount,
      samplesPerSecond,
      elapsedSeconds: elapsed,
      etaSeconds: rate > 0 ? (total - this.modelStepsDone) / rate : NaN,
    });
  }
}

export { createBuffer };

/** What one snapshot does besides the gather (see {@link takeSnapshot}). */
interface SnapshotRequest {
  /** Records the passes that fill `metrics` first (evaluation, geometry); none when it is already filled. */
  prepare?: (encoder: GPUCommandEncoder) => void;
  /** Whether the loss slot holds an evaluation of the current weights (else it is gathered as NaN). */
  lossValid: boolean;
  /** What to gather; default options.snapshot.select() (pass the selection `prepare` was chosen for). */
  selection?: SnapshotSelection;
  /** Full metric records to hand over: already read (`Float32Array`), to read now (`true`), or none. */
  full?: Float32Array | true;
  step: number;
  steps: number;
  final: boolean;
  stopped?: boolean;
  /** θ of the chunk (`floats` per instance), read back too when options.snapshot.weights is set. */
  theta?: { buffer: GPUBuffer; floats: number };
}

/**
 * Gathers the selected metric of a chunk from `metrics`, reads back only the gathered floats (plus
 * the full metric records when asked: at a chunk's end or when a run is stopped, so a view can
 * switch metric afterwards) and hands them to options.snapshot.onSnapshot.
 */
async function takeSnapshot(engine: Engine, kernels: Kernels, options: TrainOptions, chunk: Chunk, metrics: GPUBuffer, dispatch: { x: number; y: number; rowStride: number }, request: SnapshotRequest, n: number): Promise<void> {
  const snap = options.snapshot!;
  const selection = request.selection ?? snap.select();
  const stride = snapshotStride(selection, n);
  const { device } = engine;
  const bytes = chunk.count * stride * 4;
  const fullBytes = chunk.count * metricStride(n) * 4;
  const out = createBuffer(device, 'snapshot', bytes, GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC);
  const read = createBuffer(device, 'snapshot.readback', bytes, GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST);
  const readFull = request.full === true ? createBuffer(device, 'snapshot.metrics.readback', fullBytes, GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST) : undefined;
  const thetaBytes = snap.weights && request.theta ? chunk.count * request.theta.floats * 4 : 0;
  const readTheta = thetaBytes > 0 ? createBuffer(device, 'snapshot.theta.readback', thetaBytes, GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST) : undefined;
  try {
    const encoder = device.createCommandEncoder({ label: 'snapshot' });
    request.prepare?.(encoder);
    kernels.snapshot!.encode(encoder, { metrics, out }, chunk.count, selection, dispatch, request.lossValid);
    encoder.copyBufferToBuffer(out, 0, read, 0, bytes);
    if (readFull) encoder.copyBufferToBuffer(metrics, 0, readFull, 0, fullBytes);
    if (readTheta) encoder.copyBufferToBuffer(request.theta!.buffer, 0, readTheta, 0, thetaBytes);
    device.queue.submit([encoder.finish()]);
    await engine.guard(Promise.all([read.mapAsync(GPUMapMode.READ), ...(readFull ? [readFull.mapAsync(GPUMapMode.READ)] : []), ...(readTheta ? [readTheta.mapAsync(GPUMapMode.READ)] : [])]));
    const data = new Float32Array(read.getMappedRange(0, bytes).slice(0));
    read.unmap();
    let full = request.full instanceof Float32Array ? request.full : undefined;
    if (readFull) {
      full = new Float32Array(readFull.getMappedRange(0, fullBytes).slice(0));
      readFull.unmap();
    }
    let theta: Float32Array | undefined;
    if (readTheta) {
      theta = new Float32Array(readTheta.getMappedRange(0, thetaBytes).slice(0));
      readTheta.unmap();
    }
    snap.onSnapshot({
      start: chunk.start,
      count: chunk.count,
      stride,
      data,
      selection,
      step: request.step,
      steps: request.steps,
      final: request.final,
      stopped: request.stopped ?? false,
      ...(full ? { metrics: full } : {}),
      ...(theta ? { theta } : {}),
    });
  } finally {
    out.destroy();
    read.destroy();
    readFull?.destroy();
    readTheta?.destroy();
  }
}

/** Trains and evaluates one chunk; its instances land at [at, at + chunk.count) of `results`. */
async function runChunk(engine: Engine, set: ModelSet, plan: SweepPlan, chunk: Chunk, chunkIndex: number, kernels: Kernels, results: ModelResults, at: number, clock: ProgressClock, options: TrainOptions, resumed?: ChunkState): Promise<void> {
  const { device } = engine;
  const n = set.nFeatures;
  const m = set.nHidden;
  const P = plan.paramCount;
  const S = plan.metricStride;
  const { training } = set;
  const inputs = chunkInputs(set, chunk, P);
  const storage = GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST;
  const buffers: TrainBuffers & { metrics: GPUBuffer } = {
    keys: createBuffer(device, 'keys', inputs.keys.byteLength, storage, inputs.keys),
    features: createBuffer(device, 'features', inputs.features.byteLength, storage, inputs.features),
    theta: createBuffer(device, 'theta', inputs.theta.byteLength, storage | GPUBufferUsage.COPY_SRC, resumed?.theta ?? inputs.theta),
    moment1: createBuffer(device, 'moment1', chunk.count * P * 4, storage | GPUBufferUsage.COPY_SRC, resumed?.moment1),
    moment2: createBuffer(device, 'moment2', chunk.count * P * 4, storage | GPUBufferUsage.COPY_SRC, resumed?.moment2),
    metrics: createBuffer(device, 'metrics', chunk.count * S * 4, storage | GPUBufferUsage.COPY_SRC),
  };
  if (plan.layout === 'per-workgroup') buffers.partials = createBuffer(device, 'partials', chunk.count * plan.workgroupSize * P * 4, storage);
  const readTheta = createBuffer(device, 'theta.readback', chunk.count * P * 4, GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST);
  const readMetrics = createBuffer(device, 'metrics.readback', chunk.count * S * 4, GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST);
  try {
    const maxDim = engine.info.limits.maxComputeWorkgroupsPerDimension;
    const trainDispatch = dispatchShape(chunk.count, plan.layout, plan.workgroupSize, maxDim);
    kernels.train.bind(buffers);
    const evalDispatch = dispatchShape(chunk.count, 'per-model', kernels.evaluate.workgroupSize, maxDim);
    const snapshotEvery = options.snapshot?.intervalSeconds ?? DEFAULT_SNAPSHOT_SECONDS;
    let lastSnapshot = now();
    const samplesPerStep = chunk.count * training.batchSize;
    let stepsPerDispatch = options.stepsPerDispatch ?? Math.max(1, Math.round(FIRST_SUBMIT_FLOPS / (samplesPerStep * flopsPerSample(modelDefinition(set.model), n, m))));
    const checkpoint = options.checkpoint?.onChunkState;
    const checkpointEvery = options.checkpoint?.everySeconds ?? DEFAULT_CHECKPOINT_SECONDS;
    let lastCheckpoint = now();
    const saveState = async (step: number): Promise<void> => {
      const bytes = chunk.count * P * 4;
      const [theta, moment1, moment2] = await readBuffers(engine, 'checkpoint', [
        [buffers.theta, bytes],
        [buffers.moment1, bytes],
        [buffers.moment2, bytes],
      ]);
      await checkpoint!({ chunkIndex, start: chunk.start, count: chunk.count, step, theta: theta!, moment1: moment1!, moment2: moment2! });
      lastCheckpoint = now();
    };
    // Stopped mid-chunk: the chunk's state for a resume, and one last snapshot with the full metric
    // records, so a live view keeps (and can recolour) what was trained; then the usual CancelledError.
    const stop = async (step: number): Promise<never> => {
      if (checkpoint && step > (resumed?.step ?? 0)) await saveState(step);
      if (options.snapshot && step > 0) {
        const prepare = (encoder: GPUCommandEncoder): void => {
          kernels.snapshotEvaluate!.encode(encoder, buffers, chunk.count, evalDispatch);
          kernels.geometry.encode(encoder, buffers, chunk.count, evalDispatch);
        };
        try {
          await takeSnapshot(engine, kernels, options, chunk, buffers.metrics, evalDispatch, { prepare, lossValid: true, full: true, step, steps: training.steps, final: false, stopped: true, theta: { buffer: buffers.theta, floats: P } }, n);
        } catch (e) {
          // The run was cancelled either way; only a lost device is worth more than that.
          if (engine.isLost) throw e;
        }
      }
      throw new CancelledError();
    };
    let step = resumed?.step ?? 0;
    clock.modelStepsDone += step * chunk.count;
    // Seconds per step of the last submit (0 before the first).
    let expected = 0;
    while (step < training.steps) {
      if (options.signal?.aborted) await stop(step);
      const stepCount = Math.min(stepsPerDispatch, training.steps - step);
      const encoder = device.createCommandEncoder({ label: 'train' });
      kernels.train.encode(encoder, chunk.count, step, stepCount, trainDispatch);
      const started = now();
      device.queue.submit([encoder.finish()]);
      await engine.waitForSubmitted(expected * stepCount);
      const seconds = now() - started;
      expected = seconds / stepCount;
      clock.trainSeconds += seconds;
      clock.modelStepsDone += stepCount * chunk.count;
      step += stepCount;
      if (options.stepsPerDispatch === undefined && seconds > 0) {
        const ideal = (stepCount * TARGET_SUBMIT_SECONDS) / seconds;
        stepsPerDispatch = Math.max(1, Math.round(Math.min(Math.max(ideal, stepCount / 2), stepCount * 4)));
      }
      clock.report(chunkIndex);
      if (checkpoint && step < training.steps && now() - lastCheckpoint >= checkpointEvery) await saveState(step);
      if (options.snapshot && step < training.steps && now() - lastSnapshot >= snapshotEvery) {
        // One selection for both choices: whether to evaluate, and what to gather.
        const selection = options.snapshot.select();
        const evaluate = snapshotNeedsLoss(set, selection.metric);
        const prepare = (encoder: GPUCommandEncoder): void => {
          if (evaluate) kernels.snapshotEvaluate!.encode(encoder, buffers, chunk.count, evalDispatch);
          kernels.geometry.encode(encoder, buffers, chunk.count, evalDispatch);
        };
        await takeSnapshot(engine, kernels, options, chunk, buffers.metrics, evalDispatch, { prepare, selection, lossValid: evaluate, step, steps: training.steps, final: false, theta: { buffer: buffers.theta, floats: P } }, n);
        lastSnapshot = now();
      }
    }
    if (options.signal?.aborted) await stop(step);
    // The evaluation in parts of about EVALUATE_SUBMIT_FLOPS, one submit each, so a cancel lands
    // within about a second however large the chunk; the last part carries geometry and read-back.
    const parts = evaluationParts(chunk.count, set.evalBatchSize * flopsPerSample(modelDefinition(set.model), n, m), options.evaluateSubmitFlops);
    for (const part of parts.slice(0, -1)) {
      const encoder = device.createCommandEncoder({ label: 'evaluate' });
      kernels.evaluate.encode(encoder, buffers, part.count, dispatchShape(part.count, 'per-model', kernels.evaluate.workgroupSize, maxDim), part.start);
      device.queue.submit([encoder.finish()]);
      await engine.waitForSubmitted();
      if (options.signal?.aborted) await stop(step);
    }
    const last = parts[parts.length - 1]!;
    const encoder = device.createCommandEncoder({ label: 'evaluate' });
    kernels.evaluate.encode(encoder, buffers, last.count, dispatchShape(last.count, 'per-model', kernels.evaluate.workgroupSize, maxDim), last.start);
    kernels.geometry.encode(encoder, buffers, chunk.count, evalDispatch);
    encoder.copyBufferToBuffer(buffers.theta, 0, readTheta, 0, chunk.count * P * 4);
    encoder.copyBufferToBuffer(buffers.metrics, 0, readMetrics, 0, chunk.count * S * 4);
    device.queue.submit([encoder.finish()]);
    await engine.guard(Promise.all([readTheta.mapAsync(GPUMapMode.READ), readMetrics.mapAsync(GPUMapMode.READ)]));
    const theta = new Float32Array(readTheta.getMappedRange(), 0, chunk.count * P);
    const metrics = new Float32Array(readMetrics.getMappedRange(), 0, chunk.count * S);
    const o = metricOffsets(n);
    for (let c = 0; c < chunk.count; c++) {
      const instance = at + c;
      results.W.set(theta.subarray(c * P, c * P + m * n), instance * m * n);
      results.b.set(theta.subarray(c * P + m * n, (c + 1) * P), instance * n);
      const record = c * S;
      results.loss[instance] = metrics[record + o.loss]!;
      results.dimsPerFeature[instance] = metrics[record + o.dimsPerFeature]!;
      results.featureNorm.set(metrics.subarray(record + o.featureNorm, record + o.featureNorm + n), instance * n);
      results.superposition.set(metrics.subarray(record + o.superposition, record + o.superposition + n), instance * n);
      results.dimensionality.set(metrics.subarray(record + o.dimensionality, record + o.dimensionality + n), instance * n);
      results.benefit.set(metrics.subarray(record + o.benefit, record + o.benefit + n), instance * n);
    }
    const metricsCopy = options.snapshot ? metrics.slice() : undefined;
    readTheta.unmap();
    readMetrics.unmap();
    if (options.snapshot) {
      await takeSnapshot(engine, kernels, options, chunk, buffers.metrics, evalDispatch, { lossValid: true, full: metricsCopy!, step: training.steps, steps: training.steps, final: true }, n);
    }
    clock.instancesDone += chunk.count;
    clock.report(chunkIndex);
  } finally {
    for (const buffer of [...Object.values(buffers), readTheta, readMetrics]) buffer?.destroy();
  }
}

/**
 * Builds a live TrainSnapshot of a chunk on the autoencoder layouts from θ and the summed squared
 * errors of `evalBatchSize` evaluation examples: the full metric records (metricOffsets layout;
 * geometry of W's columns computed here in float64) and the selection gathered from them as
 * shaders/snapshot.wgsl gathers it (regime classified with the selection's thresholds).
 */
export function autoencoderSnapshot(set: ModelSet, chunk: Chunk, step: number, theta: Float32Array, squaredError: Float32Array, evalBatchSize: number, selection: SnapshotSelection, final = false, weights = false): TrainSnapshot {
  const n = set.nFeatures;
  const m = set.nHidden;
  const S = metricStride(n);
  const o = metricOffsets(n);
  const P = theta.length / chunk.count;
  const stride = snapshotStride(selection, n);
  const metrics = new Float32Array(chunk.count * S);
  const gathered = new Float32Array(chunk.count * stride);
  for (let c = 0; c < chunk.count; c++) {
    const evaluation = instanceEvaluation(set, chunk.start + c, squaredError.subarray(c * n, (c + 1) * n), evalBatchSize);
    const g = geometry(theta.subarray(c * P, c * P + m * n), n, m);
    const r = c * S;
    metrics[r + o.loss] = evaluation.loss;
    metrics[r + o.dimsPerFeature] = g.dimsPerFeature;
    metrics.set(g.norms, r + o.featureNorm);
    metrics.set(g.superposition, r + o.superposition);
    metrics.set(g.dimensionality, r + o.dimensionality);
    metrics.set(evaluation.benefit, r + o.benefit);
    // The selection, gathered from the record just filled (what shaders/snapshot.wgsl gathers).
    const value = (i: number): number => metricFromFields((field, f) => metrics[r + o[field] + Math.max(0, f)]!, selection.metric, i, selection.thresholds);
    gathered[c * stride] = evaluation.loss;
    if (selection.feature === 'all') for (let i = 0; i < n; i++) gathered[c * stride + 1 + i] = value(i);
    else gathered[c * stride + 1] = value(selection.feature);
  }
  return { start: chunk.start, count: chunk.count, stride, data: gathered, selection, step, steps: set.training.steps, final, stopped: false, metrics, ...(weights ? { theta: theta.slice() } : {}) };
}

/**
 * The autoencoder layouts (any model or data kind, any size). With options.snapshot, live
 * snapshots come from θ and a small evaluation about every intervalSeconds (autoencoderSnapshot).
 */
async function trainOnWorkgroups(engine: Engine, set: ModelSet, plan: SweepPlan, options: TrainOptions, started: number): Promise<TrainOutcome> {
  const instances = set.points.length * set.seeds;
  const clock = new ProgressClock(set, instances, plan.chunks.length, options.onProgress);
  let chunkIndex = 0;
  const snap = options.snapshot;
  const liveEvalBatch = Math.min(snap?.evalBatchSize ?? DEFAULT_SNAPSHOT_EVAL_BATCH, set.evalBatchSize);
  const { results, trainSeconds, shape, diverged } = await trainAutoencoderSet(engine, set, plan, {
    ...(snap
      ? {
          live: {
            intervalSeconds: snap.intervalSeconds ?? DEFAULT_SNAPSHOT_SECONDS,
            evalBatchSize: liveEvalBatch,
            onLive: (chunk: Chunk, step: number, theta: Float32Array, squaredError: Float32Array, stopped = false) =>
              snap.onSnapshot({ ...autoencoderSnapshot(set, chunk, step, theta, squaredError, liveEvalBatch, snap.select(), false, snap.weights ?? false), stopped }),
          },
        }
      : {}),
    signal: options.signal,
    stepsPerDispatch: options.stepsPerDispatch,
    ...(options.checkpoint ? { checkpoint: options.checkpoint } : {}),
    ...(options.resume ? { resume: options.resume } : {}),
    ...(options.onChunkResults ? { onChunkResults: options.onChunkResults } : {}),
    onSteps: (count, steps, seconds) => {
      clock.trainSeconds += seconds;
      clock.modelStepsDone += count * steps;
      clock.report(chunkIndex);
    },
    onChunkDone: (chunk, theta, squaredError) => {
      clock.instancesDone += chunk.count;
      clock.report(chunkIndex++);
      if (snap) snap.onSnapshot(autoencoderSnapshot(set, chunk, set.training.steps, theta, squaredError, set.evalBatchSize, snap.select(), true, snap.weights ?? false));
    },
  });
  const evaluation = `${shape.workgroupSize} invocations, tile ${shape.tile} examples, θ in ${shape.sharedParams ? 'workgroup memory' : 'storage'}`;
  const layoutDetail =
    shape.mode === 'invocation'
      ? `invocation: ${shape.workgroupSize} models per workgroup`
      : shape.mode === 'workgroup-registers'
        ? `workgroup-registers: ${workgroupRegistersSize(shape.model, shape.nFeatures, shape.nHidden)} invocations, θ in registers; evaluation: workgroup, ${evaluation}`
        : `workgroup: ${evaluation}`;
  return finishOutcome(set, results, plan, layoutDetail, trainSeconds, started, diverged);
}

export { findDiverged } from './diverged.js';
export { allocateResults };

/**
 * Trains every instance of `set` (points × seeds) on the engine's device.
 *
 * Results are identical however the work is chunked or how many steps go into one dispatch
 * (each model's data is keyed by its coordinates). Buffers are created per chunk and destroyed
 * when it finishes or fails; the engine's device is never destroyed here.
 * @returns the results (instance-major, src/science/types.ts) and timings; instances that
 *   diverged (NaN/Inf) are listed in `diverged`, not thrown, so nothing computed is lost; their
 *   loss is NaN.
 * @throws CancelledError when `options.signal` aborts; DeviceLostError when the device is lost;
 *   GPUValidationError for WebGPU errors; DeviceLimitError when the problem cannot fit.
 */
export async function trainModelSet(engine: Engine, set: ModelSet, options: TrainOptions = {}): Promise<TrainOutcome> {
  engine.throwIfFailed();
  if (options.snapshot) checkSelection(options.snapshot.select(), set.nFeatures);
  const started = now();
  const instances = set.points.length * set.seeds;
  if (options.onChunkResults && set.record) throw new RangeError('trainModelSet: onChunkResults (streamed results) cannot record a training history (spec record); keep the results instead');
  const plan = planSweep({ instances, nFeatures: set.nFeatures, nHidden: set.nHidden, batchSize: set.training.batchSize, model: set.model, data: set.data, record: set.record !== undefined }, engine.info, {
    layout: options.layout,
    maxInstancesPerChunk: options.maxInstancesPerChunk,
    streamed: options.onChunkResults !== undefined,
  });
  if (isAutoencoderLayout(plan.layout)) return trainOnWorkgroups(engine, set, plan, options, started);
  const stream = options.onChunkResults;
  // Streamed: one chunk's results at a time (count 0 here); kept: the whole set's.
  const results = allocateResults(stream ? 0 : instances, set.nFeatures, set.nHidden);
  const diverged: number[] = [];
  const common = { nFeatures: set.nFeatures, nHidden: set.nHidden, workgroupSize: plan.invocationWorkgroupSize };
  // Kernels are created inside the try so a failed compile frees the uniforms already made.
  const kernels: Partial<Kernels> = {};
  const clock = new ProgressClock(set, instances, plan.chunks.length, options.onProgress);
  try {
    const sparse = isSparseSet(set.points);
    kernels.train = await TrainKernel.create(engine, { ...common, workgroupSize: plan.workgroupSize, model: set.model, training: set.training, layout: plan.layout, sparse });
    kernels.evaluate = await EvaluateKernel.create(engine, { ...common, model: set.model, evalBatchSize: set.evalBatchSize, sparse });
    kernels.geometry = await GeometryKernel.create(engine, common);
    if (options.snapshot) {
      const evalBatchSize = options.snapshot.evalBatchSize ?? Math.min(set.evalBatchSize, DEFAULT_SNAPSHOT_EVAL_BATCH);
      kernels.snapshotEvaluate = await EvaluateKernel.create(engine, { ...common, model: set.model, evalBatchSize, sparse });
      kernels.snapshot = await SnapshotKernel.create(engine, { nFeatures: set.nFeatures, workgroupSize: plan.invocationWorkgroupSize });
    }
    const resume = options.resume ? checkResume(options.resume, plan, stream ? undefined : results, set) : undefined;
    for (const [index, chunk] of plan.chunks.entries()) {
      if (resume?.finished.has(index)) {
        clock.modelStepsDone += chunk.count * set.training.steps;
        clock.instancesDone += chunk.count;
        continue;
      }
      const target = stream ? allocateResults(chunk.count, set.nFeatures, set.nHidden) : results;
      const at = stream ? 0 : chunk.start;
      await runChunk(engine, set, plan, chunk, index, kernels as Kernels, target, at, clock, options, resume?.running?.chunkIndex === index ? resume.running : undefined);
      if (stream) await streamChunk(stream, { index, ...chunk }, target, diverged);
      await options.checkpoint?.onChunkDone?.(index, chunk.start, chunk.count, target, at);
    }
  } finally {
    kernels.train?.destroy();
    kernels.evaluate?.destroy();
    kernels.geometry?.destroy();
    kernels.snapshotEvaluate?.destroy();
    kernels.snapshot?.destroy();
  }
  return finishOutcome(set, results, plan, `${plan.layout}: ${plan.workgroupSize} ${plan.layout === 'per-workgroup' ? 'invocations per model' : 'models per workgroup'}`, clock.trainSeconds, started, stream ? diverged : undefined);
}

/**
 * The outcome of a finished run. The evaluation of NaN weights can come out finite (WGSL's
 * max(0, NaN) may return 0, hiding the NaN behind the ReLU), so a diverged model's loss is set to
 * NaN here: seed selection then skips it, and a point whose seeds all diverged shows as diverged.
 */
function finishOutcome(set: ModelSet, results: ModelResults, plan: SweepPlan, layoutDetail: string, trainSeconds: number, started: number, streamedDiverged?: number[]): TrainOutcome {
  const instances = set.points.length * set.seeds;
  const totalSeconds = now() - started;
  const diverged = streamedDiverged ?? markDiverged(results);
  return {
    results,
    layout: plan.layout,
    layoutDetail,
    chunks: plan.chunks.length,
    timings: { trainSeconds, evaluateSeconds: totalSeconds - trainSeconds, totalSeconds },
    samplesPerSecond: trainSeconds > 0 ? (instances * set.training.steps * set.training.batchSize) / trainSeconds : 0,
    diverged,
  };
}
