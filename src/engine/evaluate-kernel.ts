/**
 * Owner of shaders/evaluate.wgsl: loss and per-feature reconstruction benefit on a fresh
 * evaluation batch (one invocation per instance).
 */
import type { ModelKind } from '../science/types.js';
import { modelDefinition } from '../science/models/index.js';
import type { Engine } from './engine.js';
import { fitsRegisters, registersSparsePays, requireRegisters } from './layout.js';
import { encodePass, getPipeline } from './pipeline.js';
import { registersSource } from './shaders.js';
import { SettingsUniform } from './uniforms.js';

/** evaluate.wgsl's entry points: looped (any size), registers (n ≤ 32, m ≤ 8) and its sparse twin. */
export type EvaluateEntryPoint = 'evaluate' | 'evaluateRegisters' | 'evaluateRegistersSparse';

/**
 * The entry point EvaluateKernel.create picks for an n → m model: the registers one (no dynamically
 * indexed private arrays) whenever the model fits, 3–6× faster on CPU adapters (`npm run bench`),
 * and its sparse twin on a sparse set (train-kernel.ts isSparseSet) where it pays
 * (layout.ts registersSparsePays); the looped `evaluate` beyond n = 32, m = 8. On GPUs the registers
 * one is unmeasured beyond n = 8, m = 4 (at n = 32, m = 8 its per-invocation state is large).
 */
export function evaluateEntryPoint(config: { nFeatures: number; nHidden: number; sparse?: boolean }): EvaluateEntryPoint {
  return fitsRegisters(config.nFeatures, config.nHidden) ? registersEntryPoint(config) : 'evaluate';
}

/** Of the two registers entry points, the one for this model and set (see {@link evaluateEntryPoint}). */
export function registersEntryPoint(config: { nFeatures: number; nHidden: number; sparse?: boolean }): 'evaluateRegisters' | 'evaluateRegistersSparse' {
  return config.sparse === true && registersSparsePays(config.nFeatures, config.nHidden) ? 'evaluateRegistersSparse' : 'evaluateRegisters';
}

export interface EvaluateBuffers {
  keys: GPUBuffer;
  features: GPUBuffer;
  theta: GPUBuffer;
  metrics: GPUBuffer;
}

export class EvaluateKernel {
  private readonly settings: SettingsUniform;

  private constructor(
    private readonly engine: Engine,
    private readonly pipeline: GPUComputePipeline,
    code: string,
    readonly workgroupSize: number,
  ) {
    this.settings = new SettingsUniform(engine.device, code, 'EvalSettings', 'evaluate');
  }

  /**
   * @param config.entryPoint force `evaluate` (looped), `evaluateRegisters` or `evaluateRegistersSparse`
   *   (n ≤ 32, m ≤ 8); default: {@link evaluateEntryPoint}
   * @param config.sparse the set is sparse (train-kernel.ts isSparseSet): the default registers entry
   *   point skips the examples with no active feature; same bits either way (default false)
   * @throws DeviceLimitError when a registers entry point is forced on a model beyond n ≤ 32, m ≤ 8
   */
  static async create(engine: Engine, config: { model: ModelKind; nFeatures: number; nHidden: number; evalBatchSize: number; workgroupSize: number; entryPoint?: EvaluateEntryPoint; sparse?: boolean }): Promise<EvaluateKernel> {
    if (config.entryPoint !== undefined && config.entryPoint !== 'evaluate') requireRegisters(config.entryPoint, config.entryPoint, config.nFeatures, config.nHidden);
    const constants: Record<string, number> = { N: config.nFeatures, M: config.nHidden, EVAL_BATCH: config.evalBatchSize, WG: config.workgroupSize, LINEAR: modelDefinition(config.model).outputActivation === 'identity' ? 1 : 0 };
    const entryPoint = config.entryPoint ?? evaluateEntryPoint(config);
    // Only the registers entry points size their arrays by NB; the looped one keeps blocks.wgsl's default.
    const blocks = entryPoint === 'evaluate' ? engine.shaders.blocks : registersSource(engine.shaders.blocks, config.nFeatures);
    const code = engine.shaders.prng + blocks + engine.shaders.evaluate;
    const pipeline = await getPipeline(engine, {
      label: 'evaluate',
      code,
      entryPoint,
      constants,
    });
    return new EvaluateKernel(engine, pipeline, code, config.workgroupSize);
  }

  /**
   * Records the evaluation of instances [first, first + count) of the buffers; `dispatch` from
   * dispatchShape(count, 'per-model', …). The settings are written to the queue, so one submit may
   * hold one evaluate pass only (each part of a split evaluation is its own submit).
   */
  encode(encoder: GPUCommandEncoder, buffers: EvaluateBuffers, count: number, dispatch: { x: number; y: number; rowStride: number }, first = 0): void {
    this.settings.write({ instanceCount: first + count, rowStride: dispatch.rowStride, firstInstance: first });
    encodePass(this.engine.device, encoder, 'evaluate', this.pipeline, [this.settings.buffer, buffers.keys, buffers.features, buffers.theta, buffers.metrics], dispatch);
  }

  destroy(): void {
    this.settings.destroy();
  }
}
