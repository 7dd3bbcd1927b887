/**
 * Owner of shaders/autoencoder.wgsl: the `workgroup` layout's training and evaluation kernels for
 * any model kind on any data kind. The pipeline's source is prng.wgsl + the model's module + the
 * data kind's module + the drivers; this file picks the modules by the kinds' names and never
 * branches on a kind.
 */
import { parameterCount, type ModelDefinition } from '../science/models/contract.js';
import type { DataDefinition } from '../science/data/contract.js';
import type { TrainingSettings } from '../science/types.js';
import type { Engine } from './engine.js';
import { DeviceLimitError } from './errors.js';
import { getPipeline, recordDispatch } from './pipeline.js';
import { trainSettings as trainSettingsValues } from './train-kernel.js';
import { SettingsUniform } from './uniforms.js';
import { requireWorkgroupRegisters, workgroupRegistersSize, workgroupRegistersSource } from './workgroup-registers.js';

/** Shape of one autoencoder pipeline: layout, sizes, invocations and whether θ sits in workgroup memory. */
export interface AutoencoderShape {
  /**
   * `workgroup`: one workgroup per model (any size; fills a GPU with few models);
   * `invocation`: one invocation per model, no barriers (n ≤ 64, m ≤ 64; fastest on CPU adapters);
   * `workgroup-registers`: training by shaders/workgroup-registers.wgsl (one workgroup per model,
   * θ in registers; the fastest for large models on CPU adapters), evaluation by the workgroup
   * kernel, whose shape the other fields describe ({@link workgroupRegistersShape}).
   */
  mode: 'workgroup' | 'invocation' | 'workgroup-registers';
  model: ModelDefinition;
  data: DataDefinition;
  nFeatures: number;
  nHidden: number;
  /** Invocations per workgroup (one workgroup per model; in `workgroup-registers` mode, of the evaluation). */
  workgroupSize: number;
  /** θ held in workgroup memory for the whole dispatch. */
  sharedParams: boolean;
  /** Examples per tile (per round of barriers). */
  tile: number;
}

/** Most examples per tile: beyond this the barriers' cost is already small. */
export const MAX_TILE = 64;
/** Largest n, m and θ size of the invocation mode (INV_MAX_N, INV_MAX_M, INV_MAX_P in the WGSL). */
export const INVOCATION_MAX_FEATURES = 64;
export const INVOCATION_MAX_HIDDEN = 64;
export const INVOCATION_MAX_PARAMS = 2128;

/**
 * @throws DeviceLimitError naming the limits when a model does not fit the invocation mode's private arrays
 */
export function requireInvocationMode(model: ModelDefinition, n: number, m: number): void {
  if (fitsInvocationMode(model, n, m)) return;
  const P = parameterCount(model, n, m);
  throw new DeviceLimitError('invocation layout', P, INVOCATION_MAX_PARAMS, `the invocation layout holds n ≤ ${INVOCATION_MAX_FEATURES}, m ≤ ${INVOCATION_MAX_HIDDEN} and ${INVOCATION_MAX_PARAMS} parameters; got n = ${n}, m = ${m}, ${P} parameters`);
}

/** Whether a model fits the invocation mode's private arrays. */
export function fitsInvocationMode(model: ModelDefinition, n: number, m: number): boolean {
  return n <= INVOCATION_MAX_FEATURES && m <= INVOCATION_MAX_HIDDEN && parameterCount(model, n, m) <= INVOCATION_MAX_PARAMS;
}
/** Examples per flush of the invocation mode's evaluation sums (and the alignment of its ranges). */
const INVOCATION_TILE = 64;

/**
 * The one-invocation-per-model shape (`invocation` mode): θ in storage, evaluation sums flushed
 * every {@link INVOCATION_TILE} examples.
 * @throws DeviceLimitError when n or m exceed the private arrays
 */
export function invocationShape(model: ModelDefinition, data: DataDefinition, n: number, m: number, workgroupSize: number): AutoencoderShape {
  requireInvocationMode(model, n, m);
  return { mode: 'invocation', model, data, nFeatures: n, nHidden: m, workgroupSize, sharedParams: false, tile: INVOCATION_TILE };
}

/** Bytes of workgroup memory the drivers use: xs, ds (n per example of a tile), hs, hpres, dhs (m each), θ when shared. */
export function workgroupBytes(model: ModelDefinition, n: number, m: number, sharedParams: boolean, tile = 1): number {
  return 4 * (tile * (2 * n + 3 * m) + (sharedParams ? parameterCount(model, n, m) : 1));
}

/**
 * The workgroup shape for a model of n → m on a device: the smallest power of two ≥ max(n, m)
 * invocations, between 8 and 256 (and the device's maximum), so every invocation owns a few
 * features; θ in workgroup memory when it fits beside a tile of at least 8 examples; and the
 * largest tile (≤ {@link MAX_TILE}) that the rest of maxComputeWorkgroupStorageSize holds.
 * Depends only on the model and the device, never on how many models are trained.
 * @throws DeviceLimitError when not even one example's arrays fit workgroup memory
 */
export function chooseAutoencoderShape(model: ModelDefinition, data: DataDefinition, n: number, m: number, limits: { maxComputeWorkgroupStorageSize: number; maxComputeInvocationsPerWorkgroup: number }, options: { workgroupSize?: number; sharedParams?: boolean; tile?: number } = {}): AutoencoderShape {
  const cap = Math.min(256, limits.maxComputeInvocationsPerWorkgroup);
  const workgroupSize = options.workgroupSize ?? Math.min(cap, Math.max(8, 2 ** Math.ceil(Math.log2(Math.max(n, m)))));
  const budget = limits.maxComputeWorkgroupStorageSize;
  const sharedParams = options.sharedParams ?? workgroupBytes(model, n, m, true, 8) <= budget;
  const fixed = workgroupBytes(model, n, m, sharedParams, 0);
  const perExample = 4 * (2 * n + 3 * m);
  const tile = options.tile ?? Math.min(MAX_TILE, Math.floor((budget - fixed) / perExample));
  const bytes = workgroupBytes(model, n, m, sharedParams, tile);
  if (tile < 1 || bytes > budget) {
    throw new DeviceLimitError('maxComputeWorkgroupStorageSize', workgroupBytes(model, n, m, sharedParams, Math.max(tile, 1)), budget, `a ${n} → ${m} ${model.kind} model needs ${workgroupBytes(model, n, m, sharedParams, Math.max(tile, 1))} bytes of workgroup memory${sharedParams ? ' with θ shared' : ''}; the device allows ${budget}`);
  }
  return { mode: 'workgroup', model, data, nFeatures: n, nHidden: m, workgroupSize, sharedParams, tile };
}

/**
 * The `workgroup-registers` shape: training by shaders/workgroup-registers.wgsl (its invocations
 * follow from the model: src/engine/workgroup-registers.ts), evaluation by the workgroup kernel
 * with the shape {@link chooseAutoencoderShape} gives for the device (`options` as there).
 * @throws DeviceLimitError as chooseAutoencoderShape, or naming the limit the model exceeds in this layout
 */
export function workgroupRegistersShape(model: ModelDefinition, data: DataDefinition, n: number, m: number, limits: { maxComputeWorkgroupStorageSize: number; maxComputeInvocationsPerWorkgroup: number }, options: { workgroupSize?: number; sharedParams?: boolean; tile?: number } = {}): AutoencoderShape {
  requireWorkgroupRegisters(model, n, m, limits);
  return { ...chooseAutoencoderShape(model, data, n, m, limits, options), mode: 'workgroup-registers' };
}

/** GPU buffers of one chunk (instance-major; see the .wgsl header). */
export interface AutoencoderBuffers {
  keys: GPUBuffer;
  features: GPUBuffer;
  theta: GPUBuffer;
  moment1: GPUBuffer;
  moment2: GPUBuffer;
  grad: GPUBuffer;
  squaredError: GPUBuffer;
}

const SCHEDULES = { constant: 0, linear: 1, cosine: 2 } as const;

/** The modules of a pipeline (θ's layout after the model's) followed by `driver` (autoencoder.wgsl, or workgroup-registers.wgsl expanded). */
function source(engine: Engine, shape: AutoencoderShape, driver: string): string {
  const model = engine.shaders.models[shape.model.kind];
  const data = engine.shaders.data[shape.data.kind];
  if (model === undefined) throw new Error(`no WGSL module shaders/models/${shape.model.kind}.wgsl`);
  if (data === undefined) throw new Error(`no WGSL module shaders/data/${shape.data.kind}.wgsl`);
  return engine.shaders.prng + engine.shaders.optimizer + model + engine.shaders.theta + data + driver;
}

const ENTRY_POINTS = {
  workgroup: ['trainWorkgroup', 'evaluateWorkgroup'],
  invocation: ['trainInvocation', 'evaluateInvocation'],
  'workgroup-registers': ['trainWorkgroupRegisters', 'evaluateWorkgroup'],
} as const;

export class AutoencoderKernel {
  private readonly trainSettings: SettingsUniform;
  private readonly evalSettings: SettingsUniform;
  private trainBindGroup: GPUBindGroup | undefined;
  private readonly label: string;

  private constructor(
    private readonly engine: Engine,
    readonly shape: AutoencoderShape,
    private readonly training: TrainingSettings,
    private readonly trainPipeline: GPUComputePipeline,
    private readonly evalPipeline: GPUComputePipeline,
    code: string,
  ) {
    this.label = `autoencoder.${shape.model.kind}.${shape.data.kind}`;
    this.trainSettings = new SettingsUniform(engine.device, code, 'Settings', `${this.label}.train`);
    this.evalSettings = new SettingsUniform(engine.device, code, 'EvalSettings', `${this.label}.evaluate`);
  }

  static async create(engine: Engine, shape: AutoencoderShape, training: TrainingSettings): Promise<AutoencoderKernel> {
    const code = source(engine, shape, engine.shaders.autoencoder);
    const registers = shape.mode === 'workgroup-registers';
    const trainCode = registers ? source(engine, shape, workgroupRegistersSource(engine.shaders.workgroupRegisters, shape.model, shape.nFeatures, shape.nHidden)) : code;
    const P = parameterCount(shape.model, shape.nFeatures, shape.nHidden);
    const constants = {
      N: shape.nFeatures,
      M: shape.nHidden,
      BATCH: training.batchSize,
      WG: shape.workgroupSize,
      ADAMW: training.optimizer === 'adamw' ? 1 : 0,
      SCHEDULE: SCHEDULES[training.schedule],
      SHARED_PARAMS: shape.sharedParams ? 1 : 0,
      SHARED_P: shape.sharedParams ? P : 1,
      TILE: shape.tile,
    };
    // The registers driver declares only the overrides it uses.
    const trainConstants = registers
      ? { N: constants.N, M: constants.M, BATCH: constants.BATCH, WG: workgroupRegistersSize(shape.model, shape.nFeatures, shape.nHidden), ADAMW: constants.ADAMW, SCHEDULE: constants.SCHEDULE }
      : constants;
    const label = `autoencoder.${shape.model.kind}.${shape.data.kind}`;
    const [trainEntry, evalEntry] = ENTRY_POINTS[shape.mode];
    const [trainPipeline, evalPipeline] = await Promise.all([
      getPipeline(engine, { label: `${label}.train.${shape.mode}`, code: trainCode, entryPoint: trainEntry, constants: trainConstants }),
      getPipeline(engine, { label: `${label}.evaluate.${shape.mode}`, code, entryPoint: evalEntry, constants }),
    ]);
    return new AutoencoderKernel(engine, shape, training, trainPipeline, evalPipeline, code);
  }

  /** Training examples per step. */
  get batchSize(): number {
    return this.training.batchSize;
  }

  /** Binds a chunk's buffers for training (once per chunk, before `encodeTrain`). */
  bind(buffers: AutoencoderBuffers): void {
    // The invocation mode keeps the gradient in private memory: no binding 6.
    const b = [this.trainSettings.buffer, buffers.keys, buffers.features, buffers.theta, buffers.moment1, buffers.moment2, ...(this.shape.mode === 'workgroup' ? [buffers.grad] : [])];
    this.trainBindGroup = this.engine.device.createBindGroup({
      label: `${this.label}.train.bind`,
      layout: this.trainPipeline.getBindGroupLayout(0),
      entries: b.map((buffer, binding) => ({ binding, resource: { buffer } })),
    });
  }

  /** Writes the settings of steps [firstStep, firstStep + stepCount) and records one dispatch; submit right after. */
  encodeTrain(encoder: GPUCommandEncoder, instanceCount: number, firstStep: number, stepCount: number, dispatch: { x: number; y: number; rowStride: number }): void {
    if (!this.trainBindGroup) throw new Error('AutoencoderKernel.bind() must be called before encodeTrain()');
    this.trainSettings.write(trainSettingsValues(this.training, instanceCount, firstStep, stepCount, dispatch.rowStride));
    recordDispatch(encoder, `${this.label}.train`, this.trainPipeline, this.trainBindGroup, dispatch);
  }

  /**
   * Records the evaluation of examples [firstExample, firstExample + exampleCount) of every
   * instance, adding squared errors into buffers.squaredError (zero it before the first range).
   * Submit right after: the settings uniform is shared by all ranges.
   */
  encodeEvaluate(encoder: GPUCommandEncoder, buffers: AutoencoderBuffers, instanceCount: number, firstExample: number, exampleCount: number, dispatch: { x: number; y: number; rowStride: number }): void {
    this.evalSettings.write({ instanceCount, rowStride: dispatch.rowStride, firstExample, exampleCount });
    const device = this.engine.device;
    const entries = [
      { binding: 1, resource: { buffer: buffers.keys } },
      { binding: 2, resource: { buffer: buffers.features } },
      { binding: 3, resource: { buffer: buffers.theta } },
      { binding: 7, resource: { buffer: buffers.squaredError } },
      { binding: 8, resource: { buffer: this.evalSettings.buffer } },
    ];
    const bindGroup = device.createBindGroup({ label: `${this.label}.evaluate.bind`, layout: this.evalPipeline.getBindGroupLayout(0), entries });
    recordDispatch(encoder, `${this.label}.evaluate`, this.evalPipeline, bindGroup, dispatch);
  }

  /** Idempotent. */
  destroy(): void {
    this.trainSettings.destroy();
    this.evalSettings.destroy();
    this.trainBindGroup = undefined;
  }
}
