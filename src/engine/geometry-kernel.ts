/**
 * Owner of shaders/geometry.wgsl: ‖W_i‖, superposition, D_i and m/‖W‖_F² per instance.
 */
import type { Engine } from './engine.js';
import { encodePass, getPipeline } from './pipeline.js';
import { encodeUniform, uniformLayout, type UniformLayout } from './uniforms.js';

export class GeometryKernel {
  private readonly uniform: GPUBuffer;
  /** Layout of the WGSL settings struct, read once from the shader. */
  private readonly settingsLayout: UniformLayout;

  private constructor(
    private readonly engine: Engine,
    private readonly pipeline: GPUComputePipeline,
    code: string,
  ) {
    this.settingsLayout = uniformLayout(code, 'GeometrySettings');
    this.uniform = engine.device.createBuffer({ label: 'geometry.settings', size: this.settingsLayout.size, usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST });
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
    const { device } = this.engine;
    device.queue.writeBuffer(this.uniform, 0, encodeUniform(this.settingsLayout, { instanceCount, rowStride: dispatch.rowStride }));
    encodePass(device, encoder, 'geometry', this.pipeline, [this.uniform, buffers.theta, buffers.metrics], dispatch);
  }

  destroy(): void {
    this.uniform.destroy();
  }
}
