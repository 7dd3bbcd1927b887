/**
 * Owner of shaders/geometry.wgsl: ‖W_i‖, superposition, D_i and m/‖W‖_F² per instance.
 */
import type { Engine } from './engine.js';
import { encodePass, getPipeline } from './pipeline.js';
import { SettingsUniform } from './uniforms.js';

export class GeometryKernel {
  private readonly settings: SettingsUniform;

  private constructor(
    private readonly engine: Engine,
    private readonly pipeline: GPUComputePipeline,
    code: string,
  ) {
    this.settings = new SettingsUniform(engine.device, code, 'GeometrySettings', 'geometry');
  }

  static async create(engine: Engine, config: { nFeatures: number; nHidden: number; workgroupSize: number }): Promise<GeometryKernel> {
    const code = engine.shaders.geometry;
    const pipeline = await getPipeline(engine, {
      label: 'geometry',
      code,
      entryPoint: 'geometry',
      constants: { N: config.nFeatures, M: config.nHidden, WG: config.workgroupSize },
    });
    return new GeometryKernel(engine, pipeline, code);
  }

  /** Records the geometry pass over `instanceCount` instances of `theta` into `metrics`. */
  encode(encoder: GPUCommandEncoder, buffers: { theta: GPUBuffer; metrics: GPUBuffer }, instanceCount: number, dispatch: { x: number; y: number; rowStride: number }): void {
    this.settings.write({ instanceCount, rowStride: dispatch.rowStride });
    encodePass(this.engine.device, encoder, 'geometry', this.pipeline, [this.settings.buffer, buffers.theta, buffers.metrics], dispatch);
  }

  destroy(): void {
    this.settings.destroy();
  }
}
