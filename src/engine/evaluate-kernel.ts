/**
 * Owner of shaders/evaluate.wgsl: loss and per-feature reconstruction benefit on a fresh
 * evaluation batch (one invocation per instance).
 */
import type { ModelKind } from '../science/types.js';
import { modelDefinition } from '../science/models/index.js';
import type { Engine } from './engine.js';
import { fitsRegisters, requireRegisters } from './layout.js';
import { encodePass, getPipeline } from './pipeline.js';
import { registersSource } from './shaders.js';
import { SettingsUniform } from './uniforms.js';

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
   * @param config.entryPoint force `evaluate` (looped) or `evaluateRegisters` (n ≤ 32, m ≤ 8); default: registers when the model fits
   * @throws DeviceLimitError when `evaluateRegisters` is forced on a model beyond n ≤ 32, m ≤ 8
   */
  static async create(engine: Engine, config: { model: ModelKind; nFeatures: number; nHidden: number; evalBatchSize: number; workgroupSize: number; entryPoint?: 'evaluate' | 'evaluateRegisters' }): Promise<EvaluateKernel> {
    // The registers entry point (no dynamically indexed private arrays) whenever the model fits:
    // 3–6× faster on CPU adapters (`npm run bench`). On GPUs it is unmeasured beyond n = 8, m = 4
    // (at n = 32, m = 8 its per-invocation state is large); the looped one is `entryPoint: 'evaluate'`.
    const registers = fitsRegisters(config.nFeatures, config.nHidden);
    if (config.entryPoint === 'evaluateRegisters') requireRegisters('evaluateRegisters', 'evaluateRegisters', config.nFeatures, config.nHidden);
    const constants: Record<string, number> = { N: config.nFeatures, M: config.nHidden, EVAL_BATCH: config.evalBatchSize, WG: config.workgroupSize, LINEAR: modelDefinition(config.model).outputActivation === 'identity' ? 1 : 0 };
    const entryPoint = config.entryPoint ?? (registers ? 'evaluateRegisters' : 'evaluate');
    // Only the registers entry point sizes its arrays by NB; the looped one keeps blocks.wgsl's default.
    const blocks = entryPoint === 'evaluateRegisters' ? registersSource(engine.shaders.blocks, config.nFeatures) : engine.shaders.blocks;
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
