/**
 * The Engine: one GPUDevice, its adapter facts, the shader sources, and the device's error paths
 * (`device.lost` and `uncapturederror` attached the moment the device exists).
 */
import { DeviceLimitError, DeviceLostError, GPUValidationError, NoAdapterError } from './errors.js';
import type { ShaderSources } from './shaders.js';
import type { DeviceInfo } from './types.js';

/** Limits the engine asks for at the adapter's real values (not WebGPU's defaults). */
const WANTED_LIMITS = [
  'maxStorageBufferBindingSize',
  'maxBufferSize',
  'maxComputeWorkgroupStorageSize',
  'maxComputeInvocationsPerWorkgroup',
  'maxComputeWorkgroupSizeX',
  'maxComputeWorkgroupsPerDimension',
  'maxStorageBuffersPerShaderStage',
] as const;

/** Minimums below which the kernels cannot run at all. */
const REQUIRED_LIMITS: Record<string, number> = {
  maxStorageBuffersPerShaderStage: 6, // trainPerWorkgroup binds 6 storage buffers
  maxComputeInvocationsPerWorkgroup: 64,
  maxComputeWorkgroupSizeX: 64,
  maxStorageBufferBindingSize: 1 << 20,
};

export interface EngineOptions {
  /** A device the caller owns: the engine uses it and never destroys it. */
  device?: GPUDevice;
  powerPreference?: GPUPowerPreference;
}

export class Engine {
  private readonly errors: GPUError[] = [];
  private destroyed = false;
  private lostError: DeviceLostError | undefined;
  /** Resolves (never rejects) when the device is lost, whatever the reason (also after destroy()). */
  readonly lost: Promise<DeviceLostError>;
  /** Buffers created on an owned device and not yet destroyed, with their sizes in bytes. */
  private readonly live = new Map<GPUBuffer, number>();

  constructor(
    readonly device: GPUDevice,
    readonly info: DeviceInfo,
    readonly shaders: ShaderSources,
    /** Whether this engine created the device (and so may destroy it). */
    readonly ownsDevice: boolean,
  ) {
    this.lost = device.lost.then((lostInfo) => {
      this.lostError = new DeviceLostError(lostInfo.reason ?? 'unknown', lostInfo.message);
      return this.lostError;
    });
    device.addEventListener('uncapturederror', (event) => {
      this.errors.push((event as GPUUncapturedErrorEvent).error);
    });
    if (ownsDevice) this.trackBuffers();
  }

  /** Counts buffers on our own device so leaks are testable; a caller's device is not touched. */
  private trackBuffers(): void {
    const { device, live } = this;
    const create = device.createBuffer.bind(device);
    device.createBuffer = (descriptor: GPUBufferDescriptor): GPUBuffer => {
      const buffer = create(descriptor);
      live.set(buffer, descriptor.size);
      const destroy = buffer.destroy.bind(buffer);
      buffer.destroy = () => {
        live.delete(buffer);
        destroy();
      };
      return buffer;
    };
  }

  /**
   * GPU buffers alive on this engine's device (created and not destroyed) and their total size in
   * bytes; `undefined` for a device the caller owns (the engine does not instrument it).
   */
  get liveBuffers(): { count: number; bytes: number } | undefined {
    if (!this.ownsDevice) return undefined;
    let bytes = 0;
    for (const size of this.live.values()) bytes += size;
    return { count: this.live.size, bytes };
  }

  /** Throws the first pending device error (lost device, validation, out of memory), if any. */
  throwIfFailed(): void {
    if (this.lostError) throw this.lostError;
    const error = this.errors.shift();
    if (error) throw new GPUValidationError(`WebGPU error: ${error.message}`);
  }

  /** Whether the device has been lost. */
  get isLost(): boolean {
    return this.lostError !== undefined;
  }

  /**
   * Awaits `promise`, but rejects with DeviceLostError if the device is lost first and with
   * the first uncaptured GPU error afterwards.
   */
  /**
   * Waits until the work submitted so far is done. `expectedSeconds` (the caller's estimate of the
   * submit's duration) lets the Node runtime sleep for most of it first: dawn.node keeps the main
   * thread polling while a GPU promise is pending, which on a CPU adapter takes one of the cores
   * that SwiftShader computes on. In browsers the wait is a plain promise.
   * @throws as {@link guard}
   */
  async waitForSubmitted(expectedSeconds = 0): Promise<void> {
    if (this.info.runtime === 'node' && expectedSeconds > 0.02) {
      await new Promise((resolve) => setTimeout(resolve, expectedSeconds * 800));
    }
    await this.guard(this.device.queue.onSubmittedWorkDone());
  }

  async guard<T>(promise: Promise<T>): Promise<T> {
    const result = await Promise.race([promise, this.lost.then((e) => Promise.reject(e))]);
    this.throwIfFailed();
    return result as T;
  }

  /** Destroys the device if this engine created it. Idempotent; a caller's device is left alone. */
  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    if (this.ownsDevice) this.device.destroy();
  }
}

function describe(info: GPUAdapterInfo | undefined): Pick<DeviceInfo, 'vendor' | 'architecture' | 'device' | 'description'> {
  return {
    vendor: info?.vendor ?? '',
    architecture: info?.architecture ?? '',
    device: info?.device ?? '',
    description: info?.description ?? '',
  };
}

function limitsOf(limits: GPUSupportedLimits): DeviceInfo['limits'] {
  return {
    maxStorageBufferBindingSize: limits.maxStorageBufferBindingSize,
    maxBufferSize: limits.maxBufferSize,
    maxComputeWorkgroupsPerDimension: limits.maxComputeWorkgroupsPerDimension,
    maxComputeInvocationsPerWorkgroup: limits.maxComputeInvocationsPerWorkgroup,
    maxComputeWorkgroupStorageSize: limits.maxComputeWorkgroupStorageSize,
  };
}

/** Throws DeviceLimitError when `limits` is below what the kernels need. */
export function checkLimits(limits: GPUSupportedLimits): void {
  for (const [name, required] of Object.entries(REQUIRED_LIMITS)) {
    const available = limits[name as keyof GPUSupportedLimits] as number;
    if (available < required) throw new DeviceLimitError(name, required, available);
  }
}

/**
 * Creates an Engine from a `GPU` object (navigator.gpu, or the `webgpu` package's), requesting
 * the adapter's real limits. Or wraps the caller's device (`options.device`), checking its limits.
 * @throws NoAdapterError when no adapter is available; DeviceLimitError when a limit is too small.
 */
export async function createEngine(gpu: GPU, shaders: ShaderSources, runtime: DeviceInfo['runtime'], options: EngineOptions = {}): Promise<Engine> {
  if (options.device) {
    checkLimits(options.device.limits);
    const adapterInfo = (options.device as GPUDevice & { adapterInfo?: GPUAdapterInfo }).adapterInfo;
    return new Engine(options.device, { ...describe(adapterInfo), runtime, limits: limitsOf(options.device.limits) }, shaders, false);
  }
  const adapter = await gpu.requestAdapter({ powerPreference: options.powerPreference ?? 'high-performance' });
  if (!adapter) {
    throw new NoAdapterError(
      'WebGPU is available but no GPU adapter was found. In Chromium on Linux start it with --enable-unsafe-webgpu; ' +
        'check chrome://gpu; in Node make sure a Vulkan driver is installed (or set VK_ICD_FILENAMES).',
    );
  }
  checkLimits(adapter.limits);
  const requiredLimits: Record<string, number> = {};
  for (const name of WANTED_LIMITS) requiredLimits[name] = adapter.limits[name];
  const device = await adapter.requestDevice({ label: 'superposition-webgpu', requiredLimits });
  return new Engine(device, { ...describe(adapter.info), runtime, limits: limitsOf(device.limits) }, shaders, true);
}
