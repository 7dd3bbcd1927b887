/**
 * Device acquisition in Node through the `webgpu` package (dawn.node).
 * On machines without a GPU, Vulkan is pointed at Chromium's SwiftShader when it is installed
 * (Debian's lavapipe is too old for Dawn: docs/platform.md).
 */
import { existsSync } from 'node:fs';
import { createEngine, type Engine, type EngineOptions } from './engine.js';
import { WebGPUUnavailableError } from './errors.js';
import { nodeShaders } from './shaders-node.js';

const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';

// dawn.node's GPU object must stay reachable for as long as any device lives, or the process
// dies with SIGSEGV when it is garbage-collected (docs/platform.md). Keep it for the process' life.
let nodeGpu: GPU | undefined;

/**
 * Acquires a WebGPU device in Node and wraps it in an {@link Engine}.
 * If VK_ICD_FILENAMES and VK_DRIVER_FILES are unset and no other driver is configured, uses
 * SwiftShader's ICD when present; set `SUPERPOSITION_NO_SWIFTSHADER=1` to let Vulkan pick the system driver.
 * @throws WebGPUUnavailableError when the `webgpu` package cannot be loaded; NoAdapterError when
 *   Vulkan finds no adapter; DeviceLimitError when a limit is too small.
 */
export async function acquireNodeDevice(options: EngineOptions = {}): Promise<Engine> {
  if (!nodeGpu) {
    if (!process.env.VK_ICD_FILENAMES && !process.env.VK_DRIVER_FILES && !process.env.SUPERPOSITION_NO_SWIFTSHADER && existsSync(SWIFTSHADER_ICD)) {
      process.env.VK_ICD_FILENAMES = SWIFTSHADER_ICD;
    }
    let webgpu: { create: (flags: string[]) => GPU; globals: object };
    try {
      webgpu = (await import('webgpu')) as unknown as typeof webgpu;
    } catch (cause) {
      throw new WebGPUUnavailableError(`the 'webgpu' package could not be loaded (${String(cause)}); run npm ci`, { cause });
    }
    Object.assign(globalThis, webgpu.globals);
    nodeGpu = webgpu.create([]);
  }
  return createEngine(nodeGpu, nodeShaders(), 'node', options);
}
