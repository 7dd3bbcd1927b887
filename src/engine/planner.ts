/**
 * The sweep planner: turns a problem (instances of an n → m model) into a kernel layout and
 * chunks that fit the device's limits. Results never depend on the plan: every random number is
 * keyed by the instance's coordinates (src/science/prng.ts).
 */
import { dataDefinition } from '../science/data/index.js';
import { modelDefinition, parameterCount, type ModelDefinition } from '../science/models/index.js';
import type { DataKind, ModelKind } from '../science/types.js';
import { fitsInvocationMode, requireInvocationMode } from './autoencoder-kernel.js';
import { DeviceLimitError } from './errors.js';
import { fitsRegisters, MAX_FEATURES, MAX_HIDDEN, metricStride, paramCount, REGISTERS_MAX_FEATURES, REGISTERS_MAX_HIDDEN, requireRegisters } from './layout.js';
import type { DeviceInfo, KernelLayout } from './types.js';
import { fitsWorkgroupRegisters, requireWorkgroupRegisters } from './workgroup-registers.js';

/** The layouts of the autoencoder drivers (any model and data kind). */
export const AUTOENCODER_LAYOUTS = ['workgroup', 'invocation', 'workgroup-registers'] as const satisfies readonly KernelLayout[];
export type AutoencoderLayout = (typeof AUTOENCODER_LAYOUTS)[number];

/** Whether a layout trains on the autoencoder drivers (autoencoder-trainer.ts) rather than train.wgsl. */
export function isAutoencoderLayout(layout: KernelLayout | undefined): layout is AutoencoderLayout {
  return (AUTOENCODER_LAYOUTS as readonly (KernelLayout | undefined)[]).includes(layout);
}

export interface PlanInput {
  instances: number;
  nFeatures: number;
  nHidden: number;
  batchSize: number;
  /** Default relu. */
  model?: ModelKind;
  /** Default independent. */
  data?: DataKind;
  /** Whether the sweep records its training dynamics (only the autoencoder layouts record). */
  record?: boolean;
}

/**
 * Whether the one-invocation-per-model kernels (train.wgsl, evaluate.wgsl: `registers`,
 * `per-model`, `per-workgroup`) can train this model: they implement the tied, output-bias,
 * linear-hidden structure (h = W x, x' = φ(Wᵀh + b), φ the identity or a ReLU) on independent
 * U[0, 1) data, with n ≤ 64 and m ≤ 16. Every other model, data kind or size trains on the
 * `workgroup` layout (shaders/autoencoder.wgsl), which runs any kind.
 */
export function fitsInvocationKernels(input: PlanInput): boolean {
  const def = modelDefinition(input.model ?? 'relu');
  const data = dataDefinition(input.data ?? 'independent');
  const structure = def.tied && def.outputBias && !def.hiddenBias && def.hiddenActivation === 'identity' && def.target === 'x';
  return structure && !data.signed && !data.usesSets && !input.record && input.nFeatures <= MAX_FEATURES && input.nHidden <= MAX_HIDDEN;
}

/** The model definition of a plan input. */
function definitionOf(input: PlanInput): ModelDefinition {
  return modelDefinition(input.model ?? 'relu');
}

export interface PlanOptions {
  layout?: KernelLayout;
  maxInstancesPerChunk?: number;
  /** Device memory one chunk may use, bytes (default 512 MiB). */
  memoryBudget?: number;
  /**
   * The run streams its results chunk by chunk (TrainOptions.onChunkResults) and keeps none, so
   * the whole sweep's results need not fit MAX_RESULT_BYTES: only each chunk's do.
   */
  streamed?: boolean;
}

export interface Chunk {
  /** First instance of the chunk. */
  start: number;
  count: number;
}

export interface SweepPlan {
  layout: KernelLayout;
  /** Workgroup size of the training kernel. */
  workgroupSize: number;
  /** Workgroup size of the one-invocation-per-model kernels (evaluation, geometry). */
  invocationWorkgroupSize: number;
  paramCount: number;
  metricStride: number;
  /** Device bytes one instance needs. */
  bytesPerInstance: number;
  instancesPerChunk: number;
  chunks: Chunk[];
}

/** Results held on the host, per whole sweep: W, b and metrics as float32. */
export const MAX_RESULT_BYTES = 1.5 * 2 ** 30;

/** Workgroup size of the per-workgroup layout: the batch is split across this many invocations. */
const WORKGROUP_SIZE = 64;

/**
 * Workgroup size for one-invocation-per-model kernels: 64, but smaller for small sweeps so that
 * there are at least ~16 workgroups to spread over CPU threads (SwiftShader runs a workgroup on
 * one thread); never below 4, SwiftShader's SIMD width.
 */
export function invocationWorkgroupSize(instances: number): number {
  const target = Math.max(1, Math.floor(instances / 16));
  return Math.min(64, Math.max(4, 2 ** Math.floor(Math.log2(target))));
}

/** True for CPU implementations of WebGPU (SwiftShader, llvmpipe, lavapipe). */
export function isCpuAdapter(info: Pick<DeviceInfo, 'vendor' | 'architecture' | 'device' | 'description'>): boolean {
  return /swiftshader|llvmpipe|lavapipe|cpu/i.test(`${info.vendor} ${info.architecture} ${info.device} ${info.description}`);
}

/**
 * Chooses the kernel layout. On CPU adapters one invocation per model always wins (barriers are
 * costly there: docs/platform.md; measured again by `npm run bench`), in registers when the model is
 * small enough (n ≤ 32, m ≤ 8), else with loops. On a GPU, one invocation per model needs
 * enough models to fill the chip; below that, a workgroup per model splits the batch across 64
 * invocations. The threshold (65 536 models ≈ the resident threads of a large GPU) is a design
 * estimate; `npm run bench` measures both layouts on the machine at hand.
 */
export function chooseLayout(input: PlanInput, info: DeviceInfo): KernelLayout {
  if (!fitsInvocationKernels(input)) return chooseAutoencoderLayout(input, info);
  const perModel: KernelLayout = fitsRegisters(input.nFeatures, input.nHidden) ? 'registers' : 'per-model';
  if (isCpuAdapter(info)) return perModel;
  return input.instances >= 65536 ? perModel : 'per-workgroup';
}

/**
 * Dispatch shape for `count` work items (invocations for per-model, workgroups for per-workgroup)
 * that stays within maxComputeWorkgroupsPerDimension by using a second dimension.
 * `rowStride` is the number of instances per row, passed to the kernels.
 */
export function dispatchShape(count: number, layout: KernelLayout, workgroupSize: number, maxPerDimension: number): { x: number; y: number; rowStride: number } {
  const perInvocation = layout !== 'per-workgroup';
  const workgroups = perInvocation ? Math.ceil(count / workgroupSize) : count;
  const x = Math.max(1, Math.min(workgroups, maxPerDimension));
  const y = Math.ceil(workgroups / x);
  if (y > maxPerDimension) throw new DeviceLimitError('maxComputeWorkgroupsPerDimension', y, maxPerDimension);
  return { x, y: Math.max(1, y), rowStride: perInvocation ? x * workgroupSize : x };
}

/**
 * Plans a sweep.
 * @throws DeviceLimitError when n or m exceed the kernels' maxima (n ≤ 64, m ≤ 16), when one
 *   instance does not fit the device, or when the whole sweep's results exceed MAX_RESULT_BYTES
 *   (unless `options.streamed`).
 */
export function planSweep(input: PlanInput, info: DeviceInfo, options: PlanOptions = {}): SweepPlan {
  const { instances, nFeatures: n, nHidden: m } = input;
  const auto = options.layout === undefined && !fitsInvocationKernels(input) ? chooseAutoencoderLayout(input, info) : undefined;
  if (isAutoencoderLayout(options.layout)) return planAutoencoder(input, info, options.layout, options);
  if (auto) return planAutoencoder(input, info, auto, options);
  if (!fitsInvocationKernels(input)) {
    const [maxN, maxM] = options.layout === 'registers' ? [REGISTERS_MAX_FEATURES, REGISTERS_MAX_HIDDEN] : [MAX_FEATURES, MAX_HIDDEN];
    throw new DeviceLimitError(`${options.layout} layout`, n > maxN ? n : m, n > maxN ? maxN : maxM, `the ${options.layout} layout trains relu and linear models on independent data with n ≤ ${maxN} and m ≤ ${maxM}; this sweep (${input.model ?? 'relu'} on ${input.data ?? 'independent'} data, n = ${n}, m = ${m}) needs the workgroup layout`);
  }
  if (n > MAX_FEATURES) throw new DeviceLimitError('nFeatures', n, MAX_FEATURES, `nFeatures = ${n} is out of range; the WebGPU kernels support 2 … ${MAX_FEATURES}`);
  if (m > MAX_HIDDEN) throw new DeviceLimitError('nHidden', m, MAX_HIDDEN, `nHidden = ${m} is out of range; the WebGPU kernels support 1 … ${MAX_HIDDEN}`);
  const layout = options.layout ?? chooseLayout(input, info);
  if (layout === 'registers') requireRegisters('registers layout', 'the registers layout', n, m);
  const smallWorkgroup = invocationWorkgroupSize(instances);
  const workgroupSize = layout === 'per-workgroup' ? WORKGROUP_SIZE : smallWorkgroup;
  const P = paramCount(n, m);
  const S = metricStride(n);
  const resultBytes = instances * (P + S) * 4;
  if (resultBytes > MAX_RESULT_BYTES && !options.streamed) {
    const maxInstances = Math.floor(MAX_RESULT_BYTES / ((P + S) * 4));
    throw new DeviceLimitError('instances', instances, maxInstances, `the sweep has ${instances} models (grid points × seeds); at n = ${n}, m = ${m} at most ${maxInstances} fit in memory even in chunks`);
  }
  const partialFloats = layout === 'per-workgroup' ? WORKGROUP_SIZE * P : 0;
  // Floats per instance in each buffer: keys 2, features 2n, theta/m1/m2 P each, metrics S, partials.
  const bytesPerInstance = 4 * (2 + 2 * n + 3 * P + S + partialFloats);
  const largestBinding = 4 * Math.max(P, S, 2 * n, partialFloats);
  const limits = info.limits;
  const perBinding = Math.floor(Math.min(limits.maxStorageBufferBindingSize, limits.maxBufferSize) / largestBinding);
  const perBudget = Math.floor((options.memoryBudget ?? 512 * 2 ** 20) / bytesPerInstance);
  const maxDim = limits.maxComputeWorkgroupsPerDimension;
  const perDispatch = layout === 'per-workgroup' ? maxDim * maxDim : maxDim * maxDim * workgroupSize;
  const perChunk = Math.min(perBinding, perBudget, perDispatch, options.maxInstancesPerChunk ?? Infinity, Math.max(instances, 1));
  if (perChunk < 1) throw new DeviceLimitError('maxStorageBufferBindingSize', largestBinding, limits.maxStorageBufferBindingSize, `one model needs a ${largestBinding}-byte buffer; the device allows ${limits.maxStorageBufferBindingSize}`);
  const chunks: Chunk[] = [];
  for (let start = 0; start < instances; start += perChunk) chunks.push({ start, count: Math.min(perChunk, instances - start) });
  return { layout, workgroupSize, invocationWorkgroupSize: smallWorkgroup, paramCount: P, metricStride: S, bytesPerInstance, instancesPerChunk: perChunk, chunks };
}

/**
 * The autoencoder drivers' layout for a sweep the invocation kernels cannot train: one invocation
 * per model on CPU adapters when the model fits its private arrays (barriers cost microseconds
 * there: a workgroup per model ran 4–20× slower for n = 10, m = 5 on SwiftShader), or on a GPU
 * when there are enough models to fill it (≥ 65 536); one workgroup per model otherwise.
 */
export function chooseAutoencoderLayout(input: PlanInput, info: DeviceInfo): AutoencoderLayout {
  if (!fitsInvocationMode(definitionOf(input), input.nFeatures, input.nHidden)) return isCpuAdapter(info) && fitsWorkgroupRegisters(definitionOf(input), input.nFeatures, input.nHidden, info.limits) ? 'workgroup-registers' : 'workgroup';
  return isCpuAdapter(info) || input.instances >= 65536 ? 'invocation' : 'workgroup';
}

/**
 * Plans the `workgroup` and `invocation` layouts (one workgroup or one invocation per model); per instance the buffers hold the stream
 * (2 words), feature inputs (4n), θ, both moments and the gradient (P each) and the squared
 * errors (n). Chunks are bounded by the binding size, the memory budget and the dispatch limits,
 * never by a count that depends on the sweep's size alone, so a chunk trains as it would inside
 * the whole sweep.
 */
function planAutoencoder(input: PlanInput, info: DeviceInfo, layout: AutoencoderLayout, options: PlanOptions): SweepPlan {
  const { instances, nFeatures: n, nHidden: m } = input;
  const P = parameterCount(definitionOf(input), n, m);
  const floatsPerInstance = 2 + 4 * n + 4 * P + n;
  const bytesPerInstance = 4 * floatsPerInstance;
  const resultBytes = instances * (P + 4 * n + 2) * 4;
  if (resultBytes > MAX_RESULT_BYTES && !options.streamed) {
    const maxInstances = Math.floor(MAX_RESULT_BYTES / ((P + 4 * n + 2) * 4));
    throw new DeviceLimitError('instances', instances, maxInstances, `the sweep has ${instances} models (grid points × seeds); at n = ${n}, m = ${m} at most ${maxInstances} fit in memory even in chunks`);
  }
  const limits = info.limits;
  const largestBinding = 4 * Math.max(P, 4 * n);
  const perBinding = Math.floor(Math.min(limits.maxStorageBufferBindingSize, limits.maxBufferSize) / largestBinding);
  const perBudget = Math.floor((options.memoryBudget ?? 512 * 2 ** 20) / bytesPerInstance);
  const maxDim = limits.maxComputeWorkgroupsPerDimension;
  const perChunk = Math.min(perBinding, perBudget, maxDim * maxDim, options.maxInstancesPerChunk ?? Infinity, Math.max(instances, 1));
  if (perChunk < 1) throw new DeviceLimitError('maxStorageBufferBindingSize', largestBinding, limits.maxStorageBufferBindingSize, `one model needs a ${largestBinding}-byte buffer; the device allows ${limits.maxStorageBufferBindingSize}`);
  const chunks: Chunk[] = [];
  for (let start = 0; start < instances; start += perChunk) chunks.push({ start, count: Math.min(perChunk, instances - start) });
  if (layout === 'invocation') requireInvocationMode(definitionOf(input), n, m);
  if (layout === 'workgroup-registers') requireWorkgroupRegisters(definitionOf(input), n, m, limits);
  return { layout, workgroupSize: 0, invocationWorkgroupSize: invocationWorkgroupSize(instances), paramCount: P, metricStride: 0, bytesPerInstance, instancesPerChunk: perChunk, chunks };
}
