/**
 * Device acquisition in Node through the `webgpu` package (dawn.node).
 * On machines without a GPU, Vulkan is pointed at Chromium's SwiftShader when it is installed
 * (Debian's lavapipe is too old for Dawn: docs/platform.md).
 */
import { existsSync } from 'node:fs';
import { createEngine, type Engine, type EngineOptions } from './engine.js';
import { WebGPUUnavailableError } from './errors.js';
import { nodeShaders } from './shaders-node.js';
import { isCpuAdapter } from './planner.js';

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
  // After hasHardwareAdapter() found no GPU, use SwiftShader through a second instance (the first
  // stays referenced: dawn.node must not collect a GPU object).
  if (probedWithoutGpu && !process.env.SUPERPOSITION_NO_SWIFTSHADER && existsSync(SWIFTSHADER_ICD)) {
    probedWithoutGpu = false;
    retired.push(nodeGpu!);
    nodeGpu = undefined;
  }
  await loadNodeGpu(!process.env.SUPERPOSITION_NO_SWIFTSHADER);
  return createEngine(nodeGpu!, nodeShaders(), 'node', options);
}

/** GPU objects replaced by a later one, kept reachable for the process' life. */
const retired: GPU[] = [];
/** hasHardwareAdapter() loaded dawn.node with the system's drivers and found no GPU. */
let probedWithoutGpu = false;

/**
 * Whether Vulkan's own drivers (not SwiftShader) offer dawn.node a hardware GPU adapter: what
 * `--backend auto` asks. Loads dawn.node with the system's drivers, so a later
 * {@link acquireNodeDevice} in this process uses that GPU. False when the package or Vulkan fails.
 */
export async function hasHardwareAdapter(): Promise<boolean> {
  try {
    await loadNodeGpu(false);
    const adapter = await nodeGpu!.requestAdapter({ powerPreference: 'high-performance' });
    const { vendor = '', architecture = '', device = '', description = '' } = adapter?.info ?? {};
    const hardware = adapter !== null && !isCpuAdapter({ vendor, architecture, device, description });
    probedWithoutGpu = !hardware;
    return hardware;
  } catch {
    probedWithoutGpu = nodeGpu !== undefined;
    return false;
  }
}

/** Loads dawn.node once per process; `swiftShader`: point Vulkan at SwiftShader when no driver is configured. */
async function loadNodeGpu(swiftShader: boolean): Promise<void> {
  if (!nodeGpu) {
    if (swiftShader && !process.env.VK_ICD_FILENAMES && !process.env.VK_DRIVER_FILES && existsSync(SWIFTSHADER_ICD)) {
      process.env.VK_ICD_FILENAMES = SWIFTSHADER_ICD;
    }
    if (!swiftShader && process.env.VK_ICD_FILENAMES === SWIFTSHADER_ICD) delete process.env.VK_ICD_FILENAMES;
    let webgpu: { create: (flags: string[]) => GPU; globals: object };
    try {
      webgpu = (await import('webgpu')) as unknown as typeof webgpu;
    } catch (cause) {
      throw new WebGPUUnavailableError(`the 'webgpu' package could not be loaded (${String(cause)}); run npm ci`, { cause });
    }
    Object.assign(globalThis, webgpu.globals);
    nodeGpu = webgpu.create([]);
  }
}
