/**
 * Runs one chunk of models on the `workgroup`, `invocation` or `workgroup-registers` layout (shaders/autoencoder.wgsl, shaders/workgroup-registers.wgsl): training in
 * submits sized to about a quarter second (or one step, when a step takes longer), then the
 * evaluation split into example ranges sized the same way, so the first progress report and any
 * cancel land within about a second for every model size. Reads back θ and the per-feature
 * squared errors; the caller turns them into results.
 */
import { featureInputs, initialTheta, summariseEvaluation } from '../science/autoencoder-reference.js';
import { dataDefinition } from '../science/data/index.js';
import { geometry, neuronMetrics } from '../science/metrics.js';
import { flopsPerSample, modelDefinition, parameterCount, tensorLayout } from '../science/models/index.js';
import { modelStream } from '../science/prng.js';
import { recordSteps, type ModelResults, type ModelSet, type TrainingHistory } from '../science/types.js';
import { allocateModelResults } from '../science/model-results.js';
import type { Engine } from './engine.js';
import { AutoencoderKernel, chooseAutoencoderShape, invocationShape, workgroupRegistersShape, type AutoencoderBuffers, type AutoencoderShape } from './autoencoder-kernel.js';
import { createBuffer, readBack, readBuffers } from './buffers.js';
import { keptSeeds, streamChunk } from './diverged.js';
import { CancelledError } from './errors.js';
import type { Chunk, SweepPlan } from './planner.js';
import { checkResume } from './resume.js';
import type { CheckpointOptions, ResumeState, TrainOptions } from './types.js';

/** Seconds one submit should take. */
const TARGET_SUBMIT_SECONDS = 0.25;
/**
 * FLOPs of the first submit, before any measurement: 2·10⁸ is ~0.1–0.5 s on SwiftShader's two
 * cores and far less on a GPU.
 */
const FIRST_SUBMIT_FLOPS = 2e8;

const now = (): number => performance.now() / 1000;


/** Inputs of one chunk: stream words (2 u32 per instance), feature inputs (4n floats per instance), initial θ (P per instance). */
export interface AutoencoderChunkInputs {
  count: number;
  keys: Uint32Array;
  features: Float32Array;
  theta: Float32Array;
}

export interface AutoencoderChunkOptions {
  steps: number;
  evalBatchSize: number;
  signal?: AbortSignal;
  /** Force the steps per training submit (default: sized by FLOPs and measured time). */
  stepsPerDispatch?: number;
  /** Force the examples per evaluation submit (default: sized by FLOPs and measured time). */
  examplesPerDispatch?: number;
  /** Called after every training submit with the steps it did, and its seconds. */
  onSteps?: (steps: number, seconds: number) => void;
  /**
   * Training dynamics: at steps 0, every, 2·every, …, steps (whatever the submit sizes: submits
   * end at these steps), evaluates examples 0 … evalBatchSize − 1 of the evaluation batch and
   * hands θ and the summed squared errors ([instance · n + i]) to onRecord.
   */
  record?: { every: number; evalBatchSize: number; onRecord: (step: number, theta: Float32Array, squaredError: Float32Array) => void };
  /**
   * Live views: about every `intervalSeconds` of training (checked after each submit), evaluates
   * examples 0 … evalBatchSize − 1 and hands θ and the summed squared errors to onLive, like a
   * record but at times, not steps (for display only: results never depend on it).
   */
  live?: { intervalSeconds: number; evalBatchSize: number; onLive: (step: number, theta: Float32Array, squaredError: Float32Array, stopped?: boolean) => void };
  /** Continue from this state (θ and Adam's moments after `step` steps) instead of the start. */
  initial?: { step: number; theta: Float32Array; moment1: Float32Array; moment2: Float32Array };
  /**
   * The state (θ, moments, steps done) about every `everySeconds` of training and once more when
   * cancelled (after the submit in flight), before the CancelledError. Awaited.
   */
  checkpoint?: { everySeconds: number; onState: (step: number, theta: Float32Array, moment1: Float32Array, moment2: Float32Array) => void | Promise<void> };
}

/**
 * Dispatch shape: one workgroup per instance (workgroup mode) or one invocation per instance
 * (invocation mode), rows of at most maxPerDimension workgroups; rowStride = instances per row.
 */
function autoencoderDispatch(shape: AutoencoderShape, count: number, maxPerDimension: number): { x: number; y: number; rowStride: number } {
  const perInvocation = shape.mode === 'invocation';
  const workgroups = perInvocation ? Math.ceil(count / shape.workgroupSize) : count;
  const x = Math.max(1, Math.min(workgroups, maxPerDimension));
  return { x, y: Math.ceil(workgroups / x), rowStride: perInvocation ? x * shape.workgroupSize : x };
}

/**
 * Trains and evaluates `inputs.count` models. θ is [instance · P + k]; squaredError is the sum over
 * the evaluation batch of (x'_i − t_i)², [instance · n + i].
 * @throws CancelledError when options.signal aborts (between submits)
 */
export async function runAutoencoderChunk(engine: Engine, kernel: AutoencoderKernel, inputs: AutoencoderChunkInputs, options: AutoencoderChunkOptions): Promise<{ theta: Float32Array; squaredError: Float32Array; trainSeconds: number }> {
  const { device } = engine;
  const { count } = inputs;
  const { model, nFeatures: n, nHidden: m } = kernel.shape;
  const P = inputs.theta.length / count;
  const storage = GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST;
  const buffers: AutoencoderBuffers = {
    keys: createBuffer(device, 'autoencoder.keys', inputs.keys.byteLength, storage, inputs.keys),
    features: createBuffer(device, 'autoencoder.features', inputs.features.byteLength, storage, inputs.features),
    theta: createBuffer(device, 'autoencoder.theta', inputs.theta.byteLength, storage | GPUBufferUsage.COPY_SRC, options.initial?.theta ?? inputs.theta),
    moment1: createBuffer(device, 'autoencoder.moment1', count * P * 4, storage | GPUBufferUsage.COPY_SRC, options.initial?.moment1),
    moment2: createBuffer(device, 'autoencoder.moment2', count * P * 4, storage | GPUBufferUsage.COPY_SRC, options.initial?.moment2),
    grad: createBuffer(device, 'autoencoder.grad', count * P * 4, storage),
    squaredError: createBuffer(device, 'autoencoder.squaredError', count * n * 4, storage | GPUBufferUsage.COPY_SRC),
  };
  const readTheta = createBuffer(device, 'autoencoder.theta.readback', count * P * 4, GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST);
  const readError = createBuffer(device, 'autoencoder.squaredError.readback', count * n * 4, GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST);
  const extra: GPUBuffer[] = [];
  try {
    const dispatch = autoencoderDispatch(kernel.shape, count, engine.info.limits.maxComputeWorkgroupsPerDimension);
    // FLOPs of one example for every model of the chunk.
    const flopsPerExample = count * flopsPerSample(model, n, m);
    kernel.bind(buffers);
    let trainSeconds = 0;
    // Training: steps per submit from FLOPs first, then from the measured time.
    let stepsPerDispatch = options.stepsPerDispatch ?? Math.max(1, Math.floor(FIRST_SUBMIT_FLOPS / (flopsPerExample * kernel.batchSize)));
    // Seconds per step of the last submit (0 before the first): how long to let the GPU work
    // before polling for it (Engine.waitForSubmitted).
    let secondsPerStep = 0;
    const record = options.record;
    const live = options.live;
    const probes = record !== undefined || live !== undefined;
    const recordError = probes ? createBuffer(device, 'autoencoder.record.squaredError', count * n * 4, storage | GPUBufferUsage.COPY_SRC) : undefined;
    const recordTheta = probes ? createBuffer(device, 'autoencoder.record.theta.readback', count * P * 4, GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST) : undefined;
    const recordRead = probes ? createBuffer(device, 'autoencoder.record.squaredError.readback', count * n * 4, GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST) : undefined;
    extra.push(...[recordError, recordTheta, recordRead].filter((b): b is GPUBuffer => b !== undefined));
    // Evaluation ranges are whole tiles, so every example lands in the same tile (and every float32
    // sum in the same order) however the ranges are sized.
    const tile = kernel.shape.tile;
    const align = (examples: number): number => Math.max(tile, Math.floor(examples / tile) * tile);
    // Examples per evaluation submit: from FLOPs first (a forward pass is about a third of a
    // training sample's), then from the measured time.
    let examplesPerDispatch = align(options.examplesPerDispatch ?? Math.floor((3 * FIRST_SUBMIT_FLOPS) / flopsPerExample));
    let secondsPerExample = 0;
    // Adds the squared errors of evaluation examples [0, examples) into `target`, in tile-aligned
    // submits (one invocation never loops over the whole batch; a cancel lands between submits,
    // unless `cancellable` is false: the last probe of a stopped run).
    const evaluateInto = async (target: GPUBuffer, examples: number, cancellable = true): Promise<void> => {
      for (let first = 0; first < examples; ) {
        if (cancellable && options.signal?.aborted) throw new CancelledError();
        const exampleCount = Math.min(examplesPerDispatch, examples - first);
        const encoder = device.createCommandEncoder({ label: 'autoencoder.evaluate' });
        kernel.encodeEvaluate(encoder, { ...buffers, squaredError: target }, count, first, exampleCount, dispatch);
        const started = now();
        device.queue.submit([encoder.finish()]);
        await engine.waitForSubmitted(secondsPerExample * exampleCount);
        const seconds = now() - started;
        secondsPerExample = seconds / exampleCount;
        first += exampleCount;
        if (options.examplesPerDispatch === undefined && seconds > 0) examplesPerDispatch = align(resize(exampleCount, seconds));
      }
    };
    // θ and the squared errors of the first `examples` evaluation examples, now.
    const probe = async (examples: number, cancellable = true): Promise<[Float32Array, Float32Array]> => {
      const clear = device.createCommandEncoder({ label: 'autoencoder.probe.clear' });
      clear.clearBuffer(recordError!);
      device.queue.submit([clear.finish()]);
      await evaluateInto(recordError!, examples, cancellable);
      const [theta, squaredError] = await readBack(engine, device.createCommandEncoder({ label: 'autoencoder.probe.readback' }), [
        [buffers.theta, recordTheta!, count * P * 4],
        [recordError!, recordRead!, count * n * 4],
      ]);
      return [theta!, squaredError!];
    };
    const takeRecord = async (step: number): Promise<void> => {
      record!.onRecord(step, ...(await probe(record!.evalBatchSize)));
    };
    let lastLive = now();
    const firstStep = options.initial?.step ?? 0;
    const checkpoint = options.checkpoint;
    let lastCheckpoint = now();
    const saveState = async (step: number): Promise<void> => {
      const bytes = count * P * 4;
      const [theta, moment1, moment2] = await readBuffers(engine, 'autoencoder.checkpoint', [
        [buffers.theta, bytes],
        [buffers.moment1, bytes],
        [buffers.moment2, bytes],
      ]);
      await checkpoint!.onState(step, theta!, moment1!, moment2!);
      lastCheckpoint = now();
    };
    if (record && firstStep === 0) await takeRecord(0);
    for (let step = firstStep; step < options.steps; ) {
      if (options.signal?.aborted) {
        if (checkpoint && step > firstStep) await saveState(step);
        // A live view keeps (and can recolour) what was trained: one last probe, marked stopped.
        if (live && step > firstStep) live.onLive(step, ...(await probe(live.evalBatchSize, false)), true);
        throw new CancelledError();
      }
      // Submits end at record steps, so records land at the same steps however submits are sized.
      const nextRecord = record ? Math.min(options.steps, (Math.floor(step / record.every) + 1) * record.every) : options.steps;
      const stepCount = Math.min(stepsPerDispatch, nextRecord - step);
      const encoder = device.createCommandEncoder({ label: 'autoencoder.train' });
      kernel.encodeTrain(encoder, count, step, stepCount, dispatch);
      const started = now();
      device.queue.submit([encoder.finish()]);
      await engine.waitForSubmitted(secondsPerStep * stepCount);
      const seconds = now() - started;
      secondsPerStep = seconds / stepCount;
      trainSeconds += seconds;
      step += stepCount;
      options.onSteps?.(stepCount, seconds);
      if (record && (step % record.every === 0 || step === options.steps)) await takeRecord(step);
      if (checkpoint && step < options.steps && now() - lastCheckpoint >= checkpoint.everySeconds) await saveState(step);
      if (live && step < options.steps && now() - lastLive >= live.intervalSeconds) {
        live.onLive(step, ...(await probe(live.evalBatchSize)));
        lastLive = now();
      }
      // A submit cut short by a record step or the end says little about the right size, unless
      // it was already too slow: then shrink from it.
      const informative = stepCount === stepsPerDispatch || seconds > TARGET_SUBMIT_SECONDS;
      if (options.stepsPerDispatch === undefined && seconds > 0 && informative) stepsPerDispatch = resize(stepCount, seconds);
    }
    await evaluateInto(buffers.squaredError, options.evalBatchSize);
    const [theta, squaredError] = await readBack(engine, device.createCommandEncoder({ label: 'autoencoder.readback' }), [
      [buffers.theta, readTheta, count * P * 4],
      [buffers.squaredError, readError, count * n * 4],
    ]);
    return { theta: theta!, squaredError: squaredError!, trainSeconds };
  } finally {
    for (const b of [...Object.values(buffers), readTheta, readError, ...extra]) b.destroy();
  }
}

/** Next submit's size from the last one's: aim at TARGET_SUBMIT_SECONDS, change at most 4× (halve at least). */
function resize(size: number, seconds: number): number {
  const ideal = (size * TARGET_SUBMIT_SECONDS) / seconds;
  return Math.max(1, Math.round(Math.min(Math.max(ideal, size / 2), size * 4)));
}

/** Per-instance inputs of a chunk of a ModelSet: stream words, feature inputs, initial θ. */
export function autoencoderChunkInputs(set: ModelSet, chunk: Chunk): AutoencoderChunkInputs {
  return autoencoderInputs(set, Array.from({ length: chunk.count }, (_, c) => chunk.start + c));
}

/** Inputs of the given instances (instance = pointPosition · seeds + seedIndex), in that order. */
export function autoencoderInputs(set: ModelSet, instances: readonly number[]): AutoencoderChunkInputs {
  const model = modelDefinition(set.model);
  const n = set.nFeatures;
  const P = parameterCount(model, n, set.nHidden);
  const chunk = { count: instances.length };
  const keys = new Uint32Array(chunk.count * 2);
  const features = new Float32Array(chunk.count * n * 4);
  const theta = new Float32Array(chunk.count * P);
  for (let c = 0; c < chunk.count; c++) {
    const instance = instances[c]!;
    const point = set.points[Math.floor(instance / set.seeds)]!;
    const stream = modelStream(set.baseSeed, point.index, instance % set.seeds);
    keys.set(stream, c * 2);
    features.set(featureInputs(point.featureProbability, point.importance, set.featureSets ?? []), c * n * 4);
    theta.set(initialTheta(model, stream, n, set.nHidden), c * P);
  }
  return { count: chunk.count, keys, features, theta };
}

/**
 * Loss, per-feature mean squared error and benefit of `instance` of `set` from its summed squared
 * errors over `examples` evaluation examples (autoencoder-reference.ts summariseEvaluation).
 */
export function instanceEvaluation(set: ModelSet, instance: number, squaredError: ArrayLike<number>, examples: number): ReturnType<typeof summariseEvaluation> {
  const point = set.points[Math.floor(instance / set.seeds)]!;
  const features = featureInputs(point.featureProbability, point.importance, set.featureSets ?? []);
  return summariseEvaluation({ model: modelDefinition(set.model), data: dataDefinition(set.data ?? 'independent'), features, nFeatures: set.nFeatures }, squaredError, examples);
}

/**
 * Fills instance `slot` of `results` (default: `instance`, the set's instance it trained) from its θ and summed squared errors: the named
 * tensors, loss and benefit, and the metrics (computed here in float64 from the weights: the
 * per-feature geometry of W's (W1's) columns, of W2's rows for untied models, and the per-neuron
 * metrics of a privileged hidden layer).
 */
export function storeAutoencoderResult(set: ModelSet, results: ModelResults, instance: number, theta: Float32Array, squaredError: Float32Array, slot = instance): void {
  storeModelFromTheta(set, results, slot, theta);
  // The evaluation weighs by the instance's own point (importance, p); the slot is only where it lands.
  const evaluation = instanceEvaluation(set, instance, squaredError, set.evalBatchSize);
  results.loss[slot] = evaluation.loss;
  results.benefit.set(evaluation.benefit, slot * set.nFeatures);
}

/**
 * Fills instance `instance` of `results` (as {@link allocateModelResults} lays them out)
 * from its θ alone: the named tensors and every metric of the weights (the per-feature geometry of
 * W's, or W1's, columns; of W2's rows for untied models; the per-neuron metrics of a privileged
 * hidden layer), in float64. Loss and benefit need an evaluation and are left as they are.
 */
export function storeModelFromTheta(set: ModelSet, results: ModelResults, instance: number, theta: Float32Array): void {
  const model = modelDefinition(set.model);
  const n = set.nFeatures;
  const m = set.nHidden;
  for (const t of tensorLayout(model, n, m)) results.params![t.name]!.data.set(theta.subarray(t.offset, t.offset + t.size), instance * t.size);
  const W = theta.subarray(0, m * n);
  const g = geometry(W, n, m);
  results.featureNorm.set(g.norms, instance * n);
  results.superposition.set(g.superposition, instance * n);
  results.dimensionality.set(g.dimensionality, instance * n);
  results.dimsPerFeature[instance] = g.dimsPerFeature;
  const extra = results.extra!;
  if (extra.neuronMaxShare) {
    const neurons = neuronMetrics(W, n, m);
    extra.neuronMaxShare.set(neurons.maxShare, instance * m);
    extra.neuronFeatureCount!.set(neurons.featureCount, instance * m);
  }
  if (!model.tied) {
    // W2 [n, m] row i is feature i's output direction; as columns of W2ᵀ (m × n) for geometry().
    const W2 = theta.subarray(m * n, 2 * m * n);
    const W2t = new Float64Array(m * n);
    for (let i = 0; i < n; i++) for (let j = 0; j < m; j++) W2t[j * n + i] = W2[i * m + j]!;
    const g2 = geometry(W2t, n, m);
    extra['W2.featureNorm']!.set(g2.norms, instance * n);
    extra['W2.superposition']!.set(g2.superposition, instance * n);
    extra['W2.dimensionality']!.set(g2.dimensionality, instance * n);
  }
}

/** An all-NaN history for `count` instances of the set's record settings. */
export function allocateHistory(set: ModelSet, count: number): TrainingHistory {
  const record = set.record!;
  const steps = recordSteps(record.every, set.training.steps);
  const R = steps.length;
  const n = set.nFeatures;
  const nan = (length: number) => new Float32Array(length).fill(NaN);
  const history: TrainingHistory = { steps };
  for (const metric of record.metrics) history[metric] = nan(count * R * (metric === 'loss' || metric === 'dimsPerFeature' ? 1 : n));
  if (record.weights) history.W = nan(count * R * set.nHidden * n);
  return history;
}

/** Stores record `r` of `instance` from its θ and summed squared errors. */
function storeRecord(set: ModelSet, history: TrainingHistory, instance: number, r: number, theta: Float32Array, squaredError: Float32Array): void {
  const n = set.nFeatures;
  const m = set.nHidden;
  const R = history.steps.length;
  const at = instance * R + r;
  const W = theta.subarray(0, m * n);
  if (history.loss) history.loss[at] = instanceEvaluation(set, instance, squaredError, set.record!.evalBatchSize).loss;
  if (history.featureNorm || history.superposition || history.dimensionality || history.dimsPerFeature) {
    const g = geometry(W, n, m);
    history.featureNorm?.set(g.norms, at * n);
    history.superposition?.set(g.superposition, at * n);
    history.dimensionality?.set(g.dimensionality, at * n);
    if (history.dimsPerFeature) history.dimsPerFeature[at] = g.dimsPerFeature;
  }
  history.W?.set(W, at * m * n);
}

/** A chunk option that stores every record of `instances` (in input order) into `history`. */
function recorder(set: ModelSet, history: TrainingHistory, instances: readonly number[], P: number): AutoencoderChunkOptions['record'] {
  const n = set.nFeatures;
  return {
    every: set.record!.every,
    evalBatchSize: set.record!.evalBatchSize,
    onRecord: (step, theta, squaredError) => {
      const r = history.steps.indexOf(step);
      instances.forEach((instance, c) => storeRecord(set, history, instance, r, theta.subarray(c * P, (c + 1) * P), squaredError.subarray(c * n, (c + 1) * n)));
    },
  };
}

/**
 * Trains every instance of `set` on the `workgroup` or `invocation` layout (plan.layout), chunk by
 * chunk (plan.chunks).
 * @throws CancelledError, DeviceLostError, GPUValidationError as {@link runAutoencoderChunk}
 */
export async function trainAutoencoderSet(engine: Engine, set: ModelSet, plan: SweepPlan, options: {
    signal?: AbortSignal;
    stepsPerDispatch?: number;
    onSteps?: (instances: number, steps: number, seconds: number) => void;
    /** After each chunk's evaluation, with its final θ and summed squared errors (set.evalBatchSize examples). */
    onChunkDone?: (chunk: Chunk, theta: Float32Array, squaredError: Float32Array) => void;
    workgroupSize?: number;
    sharedParams?: boolean;
    tile?: number;
    /** Live views of each chunk (see AutoencoderChunkOptions.live), with the chunk. */
    live?: { intervalSeconds: number; evalBatchSize: number; onLive: (chunk: Chunk, step: number, theta: Float32Array, squaredError: Float32Array, stopped?: boolean) => void };
    /** As TrainOptions.checkpoint. */
    checkpoint?: CheckpointOptions;
    /** As TrainOptions.resume. */
    resume?: ResumeState;
    /** As TrainOptions.onChunkResults (then `results` comes back empty and `diverged` lists the diverged instances). */
    onChunkResults?: TrainOptions['onChunkResults'];
  }): Promise<{ results: ModelResults; trainSeconds: number; shape: AutoencoderShape; diverged?: number[] }> {
  const model = modelDefinition(set.model);
  const data = dataDefinition(set.data ?? 'independent');
  const workgroupOptions = { workgroupSize: options.workgroupSize, sharedParams: options.sharedParams, tile: options.tile };
  const shape =
    plan.layout === 'invocation'
      ? invocationShape(model, data, set.nFeatures, set.nHidden, plan.invocationWorkgroupSize)
      : plan.layout === 'workgroup-registers'
        ? workgroupRegistersShape(model, data, set.nFeatures, set.nHidden, engine.info.limits, workgroupOptions)
        : chooseAutoencoderShape(model, data, set.nFeatures, set.nHidden, engine.info.limits, workgroupOptions);
  const kernel = await AutoencoderKernel.create(engine, shape, set.training);
  const instances = set.points.length * set.seeds;
  const stream = options.onChunkResults;
  if (stream && set.record) throw new RangeError('trainAutoencoderSet: onChunkResults (streamed results) cannot record a training history (spec record); keep the results instead');
  // Streamed: one chunk's results at a time (count 0 here); kept: the whole set's.
  const results = allocateModelResults(set, stream ? 0 : instances);
  const diverged: number[] = [];
  let trainSeconds = 0;
  try {
    const P = parameterCount(model, set.nFeatures, set.nHidden);
    const recordAll = set.record?.seeds === 'all';
    if (set.record) results.history = allocateHistory(set, instances);
    const resume = options.resume ? checkResume(options.resume, plan, stream ? undefined : results, set) : undefined;
    for (const [chunkIndex, chunk] of plan.chunks.entries()) {
      if (resume?.finished.has(chunkIndex)) {
        options.onSteps?.(chunk.count, set.training.steps, 0);
        continue;
      }
      const members = Array.from({ length: chunk.count }, (_, c) => chunk.start + c);
      const running = resume?.running?.chunkIndex === chunkIndex && !recordAll ? resume.running : undefined;
      const onChunkState = options.checkpoint?.onChunkState;
      if (running) options.onSteps?.(chunk.count, running.step, 0);
      const out = await runAutoencoderChunk(engine, kernel, autoencoderChunkInputs(set, chunk), {
        // A chunk that records every seed's history resumes from its start (its records so far are not kept).
        ...(running ? { initial: running } : {}),
        ...(onChunkState && !recordAll
          ? { checkpoint: { everySeconds: options.checkpoint?.everySeconds ?? 30, onState: (step: number, theta: Float32Array, moment1: Float32Array, moment2: Float32Array) => onChunkState({ chunkIndex, start: chunk.start, count: chunk.count, step, theta, moment1, moment2 }) } }
          : {}),
        steps: set.training.steps,
        evalBatchSize: set.evalBatchSize,
        signal: options.signal,
        stepsPerDispatch: options.stepsPerDispatch,
        onSteps: (steps, seconds) => options.onSteps?.(chunk.count, steps, seconds),
        ...(recordAll ? { record: recorder(set, results.history!, members, P) } : {}),
        ...(options.live ? { live: { intervalSeconds: options.live.intervalSeconds, evalBatchSize: Math.min(options.live.evalBatchSize, set.evalBatchSize), onLive: (step, theta, squaredError, stopped) => options.live!.onLive(chunk, step, theta, squaredError, stopped) } } : {}),
      });
      trainSeconds += out.trainSeconds;
      const target = stream ? allocateModelResults(set, chunk.count) : results;
      const at = stream ? 0 : chunk.start;
      for (let c = 0; c < chunk.count; c++) {
        storeAutoencoderResult(set, target, chunk.start + c, out.theta.subarray(c * P, (c + 1) * P), out.squaredError.subarray(c * set.nFeatures, (c + 1) * set.nFeatures), at + c);
      }
      options.onChunkDone?.(chunk, out.theta, out.squaredError);
      if (stream) await streamChunk(stream, { index: chunkIndex, ...chunk }, target, diverged);
      await options.checkpoint?.onChunkDone?.(chunkIndex, chunk.start, chunk.count, target, at);
    }
    if (set.record?.seeds === 'kept') {
      // Retrain the kept seed of every point with recording on: the same streams, shape and
      // steps, so the same θ bit for bit (checked below), now with its history.
      // The seed the results will keep (diverged models excluded first).
      const kept = keptSeeds(set, results);
      const members = [...kept].flatMap((seed, pos) => (seed >= 0 ? [pos * set.seeds + seed] : []));
      const chunkSize = plan.instancesPerChunk;
      for (let start = 0; start < members.length; start += chunkSize) {
        const part = members.slice(start, start + chunkSize);
        const out = await runAutoencoderChunk(engine, kernel, autoencoderInputs(set, part), {
          steps: set.training.steps,
          evalBatchSize: set.evalBatchSize,
          signal: options.signal,
          stepsPerDispatch: options.stepsPerDispatch,
          record: recorder(set, results.history!, part, P),
        });
        part.forEach((instance, c) => {
          const again = out.theta.subarray(c * P, (c + 1) * P);
          const W = results.W.subarray(instance * set.nHidden * set.nFeatures, (instance + 1) * set.nHidden * set.nFeatures);
          for (let k = 0; k < W.length; k++) {
            if (!Object.is(again[k], W[k])) throw new Error(`retraining instance ${instance} with recording did not reproduce its weights (W[${k}] ${W[k]} vs ${again[k]}); please report this`);
          }
        });
      }
    }
  } finally {
    kernel.destroy();
  }
  return { results, trainSeconds, shape, ...(stream ? { diverged } : {}) };
}
