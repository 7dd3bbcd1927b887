/**
 * Compute pipelines, compiled once per device and key (kernel, entry point, override constants).
 */
import type { Engine } from './engine.js';
import { GPUValidationError } from './errors.js';

const caches = new WeakMap<GPUDevice, Map<string, Promise<GPUComputePipeline>>>();

export interface PipelineRequest {
  /** Names the kernel in validation errors, e.g. "train.trainPerModel". */
  label: string;
  code: string;
  entryPoint: string;
  constants: Record<string, number>;
}

async function compile(engine: Engine, request: PipelineRequest): Promise<GPUComputePipeline> {
  const { device } = engine;
  // The scope keeps a compile error out of the device's uncapturederror queue: it is thrown here.
  device.pushErrorScope('validation');
  const module = device.createShaderModule({ label: request.label, code: request.code });
  const scoped = device.popErrorScope();
  const info = await module.getCompilationInfo();
  await scoped;
  const errors = info.messages.filter((m) => m.type === 'error');
  if (errors.length > 0) {
    throw new GPUValidationError(`${request.label}: WGSL compilation failed: ${errors.map((e) => `${e.lineNum}:${e.linePos} ${e.message}`).join('; ')}`);
  }
  try {
    return await device.createComputePipelineAsync({
      label: request.label,
      layout: 'auto',
      compute: { module, entryPoint: request.entryPoint, constants: request.constants },
    });
  } catch (cause) {
    throw new GPUValidationError(`${request.label}: pipeline creation failed: ${(cause as Error).message}`, { cause });
  }
}

/** Returns the cached pipeline for `request`, compiling it on first use. */
export function getPipeline(engine: Engine, request: PipelineRequest): Promise<GPUComputePipeline> {
  let cache = caches.get(engine.device);
  if (!cache) caches.set(engine.device, (cache = new Map()));
  const key = `${request.label}|${request.entryPoint}|${JSON.stringify(request.constants)}|${request.code.length}`;
  let pipeline = cache.get(key);
  if (!pipeline) {
    pipeline = compile(engine, request);
    cache.set(key, pipeline);
    pipeline.catch(() => cache.delete(key));
  }
  return pipeline;
}

/**
 * Records one compute pass of `pipeline` over `dispatch` with bind group 0 built from `buffers`
 * (binding i = buffers[i]). For the one-shot kernels (evaluation, geometry); the training kernel
 * keeps its bind group across dispatches.
 */
export function encodePass(device: GPUDevice, encoder: GPUCommandEncoder, label: string, pipeline: GPUComputePipeline, buffers: GPUBuffer[], dispatch: { x: number; y: number }): void {
  const bindGroup = device.createBindGroup({
    label: `${label}.bind`,
    layout: pipeline.getBindGroupLayout(0),
    entries: buffers.map((buffer, binding) => ({ binding, resource: { buffer } })),
  });
  recordDispatch(encoder, label, pipeline, bindGroup, dispatch);
}

/** Records one compute pass: `pipeline` with `bindGroup` at group 0, dispatched (x, y) workgroups. */
export function recordDispatch(encoder: GPUCommandEncoder, label: string, pipeline: GPUComputePipeline, bindGroup: GPUBindGroup, dispatch: { x: number; y: number }): void {
  const pass = encoder.beginComputePass({ label });
  pass.setPipeline(pipeline);
  pass.setBindGroup(0, bindGroup);
  pass.dispatchWorkgroups(dispatch.x, dispatch.y);
  pass.end();
}
