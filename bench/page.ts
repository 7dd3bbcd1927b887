/**
 * The benchmark page (bench/bench.html), loaded by bench/run.ts in headless Chromium. Installs
 * `window.runBench(request)`: trains one workload on this page's WebGPU device for each requested
 * kernel layout and returns the measurements (never throws; errors come back in the response).
 */
import { acquireDevice } from '../src/engine/device.js';
import { measureGpu, type GpuBenchRequest, type GpuBenchResponse } from './workloads.js';

declare global {
  interface Window {
    runBench?: (request: GpuBenchRequest) => Promise<GpuBenchResponse>;
    benchUserAgent?: string;
  }
}

window.runBench = (request) => measureGpu(() => acquireDevice(), request);
window.benchUserAgent = navigator.userAgent;
