/**
 * Owner of shaders/train.wgsl: the fused training kernel (both layouts).
 */
import type { ModelKind, TrainingSettings } from '../science/types.js';
import { modelDefinition } from '../science/models/index.js';
import type { Engine } from './engine.js';
import { getPipeline, recordDispatch } from './pipeline.js';
import { registersSparsePays } from './layout.js';
import { registersSource } from './shaders.js';
import { SettingsUniform } from './uniforms.js';
import type { AutoencoderLayout } from './planner.js';
import type { KernelLayout } from './types.js';

export interface TrainKernelConfig {
  model: ModelKind;
  nFeatures: number;
  nHidden: number;
  training: TrainingSettings;
  layout: KernelLayout;
  workgroupSize: number;
  /**
   * Train with the kernels that skip zero terms (train.wgsl accumulateSparse in the looped
   * layouts, trainRegistersSparse in `registers`): see {@link isSparseSet}.
   */
  sparse: boolean;
}

/**
 * Whether `points` should train with the kernels that skip zero terms (train.wgsl: accumulateSparse
 * in the looped layouts, trainRegistersSparse in `registers`): when every point expects fewer than
 * one active feature per example (Σ_i p_i < 1), where most examples have none. Elsewhere their
 * branches, and the sparse registers kernel's second draw of each active example, cost more than
 * they save on SwiftShader (measured by `npm run bench`, workloads A–C). Each pair computes the
 * same sums in the same order, so the choice changes speed, not results (so a shard whose points
 * are all sparse trains to the same bits as the whole sweep).
 */
export function isSparseSet(points: readonly { featureProbability: readonly number[] }[]): boolean {
  return points.length > 0 && points.every((q) => q.featureProbability.reduce((a, b) => a + b, 0) < 1);
}

/** GPU buffers of one chunk that the training kernel reads and writes. */
export interface TrainBuffers {
  keys: GPUBuffer;
  features: GPUBuffer;
  theta: GPUBuffer;
  moment1: GPUBuffer;
  moment2: GPUBuffer;
  /** Only for the per-workgroup layout. */
  partials?: GPUBuffer;
}

const ENTRY_POINTS: Record<Exclude<KernelLayout, AutoencoderLayout>, string> = { 'per-model': 'trainPerModel', registers: 'trainRegisters', 'per-workgroup': 'trainPerWorkgroup' };

/** The layout's entry point; sparse sets train on the registers layout's sparse kernel where it pays (layout.ts registersSparsePays). */
export function trainEntryPoint(config: Pick<TrainKernelConfig, 'layout' | 'sparse' | 'nFeatures' | 'nHidden'>): string {
  if (config.layout === 'registers' && config.sparse && registersSparsePays(config.nFeatures, config.nHidden)) return 'trainRegistersSparse';
  return ENTRY_POINTS[config.layout as Exclude<KernelLayout, AutoencoderLayout>];
}

const SCHEDULES = { constant: 0, linear: 1, cosine: 2 } as const;

/**
 * The values of a training driver's `Settings` uniform (train.wgsl, autoencoder.wgsl) for steps
 * [firstStep, firstStep + stepCount) of `instanceCount` instances, `rowStride` per dispatch row.
 */
export function trainSettings(t: TrainingSettings, instanceCount: number, firstStep: number, stepCount: number, rowStride: number): Record<string, number> {
  return {
    instanceCount,
    firstStep,
    stepCount,
    totalSteps: t.steps,
    learningRate: t.learningRate,
    beta1: t.beta1,
    beta2: t.beta2,
    epsilon: t.epsilon,
    weightDecay: t.weightDecay,
    rowStride,
  };
}

export class TrainKernel {
  /** The WGSL `Settings` struct's uniform. */
  private readonly settings: SettingsUniform;
  private bindGroup: GPUBindGroup | undefined;

  private constructor(
    private readonly engine: Engine,
    private readonly config: TrainKernelConfig,
    private readonly pipeline: GPUComputePipeline,
    code: string,
  ) {
    this.settings = new SettingsUniform(engine.device, code, 'Settings', 'train');
  }

  static async create(engine: Engine, config: TrainKernelConfig): Promise<TrainKernel> {
    const { training } = config;
    const blocks = config.layout === 'registers' ? registersSource(engine.shaders.blocks, config.nFeatures) : engine.shaders.blocks;
    const code = engine.shaders.prng + engine.shaders.optimizer + blocks + engine.shaders.train;
    const pipeline = await getPipeline(engine, {
      label: `train.${config.layout}`,
      code,
      entryPoint: trainEntryPoint(config),
      constants: {
        N: config.nFeatures,
        M: config.nHidden,
        BATCH: training.batchSize,
        WG: config.workgroupSize,
        LINEAR: modelDefinition(config.model).outputActivation === 'identity' ? 1 : 0,
        ADAMW: training.optimizer === 'adamw' ? 1 : 0,
        SCHEDULE: SCHEDULES[training.schedule],
        SPARSE: config.sparse ? 1 : 0,
      },
    });
    return new TrainKernel(engine, config, pipeline, code);
  }

  /** Binds a chunk's buffers (call once per chunk, before `encode`). */
  bind(buffers: TrainBuffers): void {
    const entries: GPUBindGroupEntry[] = [
      { binding: 0, resource: { buffer: this.settings.buffer } },
      { binding: 1, resource: { buffer: buffers.keys } },
      { binding: 2, resource: { buffer: buffers.features } },
      { binding: 3, resource: { buffer: buffers.theta } },
      { binding: 4, resource: { buffer: buffers.moment1 } },
      { binding: 5, resource: { buffer: buffers.moment2 } },
    ];
    if (this.config.layout === 'per-workgroup') {
      if (!buffers.partials) throw new Error('per-workgroup layout needs a partials buffer');
      entries.push({ binding: 6, resource: { buffer: buffers.partials } });
    }
    this.bindGroup = this.engine.device.createBindGroup({ label: `train.${this.config.layout}.bind`, layout: this.pipeline.getBindGroupLayout(0), entries });
  }

  /**
   * Writes the settings for steps [firstStep, firstStep + stepCount) and records one dispatch.
   * The uniform write is ordered before the submit that follows, so submit right after.
   */
  encode(encoder: GPUCommandEncoder, instanceCount: number, firstStep: number, stepCount: number, dispatch: { x: number; y: number; rowStride: number }): void {
    if (!this.bindGroup) throw new Error('TrainKernel.bind() must be called before encode()');
    this.settings.write(trainSettings(this.config.training, instanceCount, firstStep, stepCount, dispatch.rowStride));
    recordDispatch(encoder, `train.${this.config.layout}`, this.pipeline, this.bindGroup, dispatch);
  }

  /** Idempotent. */
  destroy(): void {
    this.settings.destroy();
    this.bindGroup = undefined;
  }
}
