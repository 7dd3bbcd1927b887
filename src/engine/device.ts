/** Device acquisition in the browser (navigator.gpu). */
import { createEngine, type Engine, type EngineOptions } from './engine.js';
import { WebGPUUnavailableError } from './errors.js';
import { browserShaders } from './shaders-browser.js';

/**
 * Acquires a WebGPU device in the browser and wraps it in an {@link Engine}.
 * Pass `options.device` to use a device you own (the engine never destroys it).
 * @throws WebGPUUnavailableError when `navigator.gpu` is missing (no WebGPU in this browser/context);
 *   NoAdapterError when no adapter is found; DeviceLimitError when a limit is below the engine's needs.
 */
export async function acquireDevice(options: EngineOptions = {}): Promise<Engine> {
  const gpu = typeof navigator === 'undefined' ? undefined : navigator.gpu;
  if (!gpu && !options.device) {
    throw new WebGPUUnavailableError(
      'This browser does not expose WebGPU (navigator.gpu is missing). Use a recent Chrome, Edge or Safari, ' +
        'or Firefox with WebGPU enabled; pages must be served over https or localhost.',
    );
  }
  return createEngine(gpu as GPU, browserShaders, 'browser', options);
}
