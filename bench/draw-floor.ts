/**
 * The data-draw floor of a workload (bench/draw-floor.wgsl): every training example of every model
 * drawn from the engine's PRNG stream and summed, with no model and no optimiser. No kernel that
 * trains on this stream can run faster on the device, so its samples/s bounds every layout's; the
 * bench reports it beside them, as a ratio to PyTorch like theirs. Runs in the page and in Node:
 * the WGSL comes with the request (bench/run.ts reads the file).
 */
import type { Engine } from '../src/engine/engine.js';
import { dispatchShape, invocationWorkgroupSize } from '../src/engine/planner.js';
import { encodePass, getPipeline } from '../src/engine/pipeline.js';
import { registersSource } from '../src/engine/shaders.js';
import { chunkInputs, createBuffer } from '../src/engine/trainer.js';
import { SettingsUniform } from '../src/engine/uniforms.js';
import type { ModelSet } from '../src/science/types.js';

/** The layout name the draw floor's rows carry in the bench tables and JSON. */
export const DRAW_FLOOR = 'data draw only';

export interface DrawFloorRequest {
  /** bench/draw-floor.wgsl. */
  source: string;
  /** Seconds the timed dispatches aim at (after one untimed step that compiles and calibrates). */
  targetSeconds: number;
  /** Steps per submit, at most (submits of about `submitSeconds`). */
  submitSeconds: number;
}

/**
 * The floor's kernel on `set`'s models (keys and p as the trainer builds them, one invocation per
 * model, `set.training.batchSize` examples per step); destroy() frees its buffers.
 * @throws GPUValidationError when `source` does not compile; RangeError from registersSource never
 *   (n is clamped to 32 for its block count: larger n takes the loop path)
 */
export async function drawFloorKernel(engine: Engine, set: ModelSet, source: string) {
  const { device } = engine;
  const n = set.nFeatures;
  const count = set.points.length * set.seeds;
  // p and the keys as the trainer lays them out (its θ, here of an m = 1 model, is not used).
  const inputs = chunkInputs({ ...set, nHidden: 1 }, { start: 0, count }, n);
  const code = engine.shaders.prng + registersSource(engine.shaders.blocks, Math.min(n, 32)) + source;
  const workgroupSize = invocationWorkgroupSize(count);
  const pipeline = await getPipeline(engine, { label: 'bench.drawOnly', code, entryPoint: 'drawOnly', constants: { N: n, BATCH: set.training.batchSize, WG: workgroupSize } });
  const settings = new SettingsUniform(device, code, 'DrawSettings', 'bench.drawOnly');
  const storage = GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST;
  const keys = createBuffer(device, 'bench.keys', inputs.keys.byteLength, storage, inputs.keys);
  const features = createBuffer(device, 'bench.features', inputs.features.byteLength, storage, inputs.features);
  const sums = createBuffer(device, 'bench.sums', count * 4, storage | GPUBufferUsage.COPY_SRC);
  const read = createBuffer(device, 'bench.sums.readback', count * 4, GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST);
  const dispatch = dispatchShape(count, 'per-model', workgroupSize, engine.info.limits.maxComputeWorkgroupsPerDimension);
  return {
    count,
    /** Draws steps [firstStep, firstStep + steps) of every model in one submit and waits for it. */
    async run(firstStep: number, steps: number): Promise<void> {
      settings.write({ instanceCount: count, firstStep, stepCount: steps, rowStride: dispatch.rowStride });
      const encoder = device.createCommandEncoder({ label: 'bench.drawOnly' });
      encodePass(device, encoder, 'bench.drawOnly', pipeline, [settings.buffer, keys, features, sums], dispatch);
      device.queue.submit([encoder.finish()]);
      await engine.guard(device.queue.onSubmittedWorkDone());
    },
    /** Per model, Σ x over every feature, example and step of the last run (float32). */
    async sums(): Promise<Float32Array> {
      const encoder = device.createCommandEncoder({ label: 'bench.drawOnly.readback' });
      encoder.copyBufferToBuffer(sums, 0, read, 0, count * 4);
      device.queue.submit([encoder.finish()]);
      await engine.guard(read.mapAsync(GPUMapMode.READ));
      const out = new Float32Array(read.getMappedRange().slice(0));
      read.unmap();
      return out;
    },
    destroy(): void {
      settings.destroy();
      for (const b of [keys, features, sums, read]) b.destroy();
    },
  };
}

export interface DrawFloorMeasurement {
  layout: typeof DRAW_FLOOR;
  ok: boolean;
  error?: string;
  samplesPerSecond?: number;
  timings?: { trainSeconds: number; evaluateSeconds: number; totalSeconds: number };
  steps?: number;
  samples?: number;
}

/**
 * Times the floor on `set` (its batch size; models × steps × batch samples): one untimed step
 * (pipeline compilation, SwiftShader's first-dispatch JIT, the pace), then about
 * `request.targetSeconds` of steps in submits of about `request.submitSeconds`. Never throws.
 */
export async function measureDrawFloor(engine: Engine, set: ModelSet, request: DrawFloorRequest): Promise<DrawFloorMeasurement> {
  let kernel: Awaited<ReturnType<typeof drawFloorKernel>> | undefined;
  try {
    kernel = await drawFloorKernel(engine, set, request.source);
    const t0 = performance.now() / 1000;
    await kernel.run(0, 1);
    const stepSeconds = Math.max(performance.now() / 1000 - t0, 1e-4);
    const steps = Math.max(1, Math.round(request.targetSeconds / stepSeconds));
    const perSubmit = Math.max(1, Math.floor(request.submitSeconds / stepSeconds));
    const t1 = performance.now() / 1000;
    for (let done = 0; done < steps; done += perSubmit) await kernel.run(1 + done, Math.min(perSubmit, steps - done));
    const seconds = performance.now() / 1000 - t1;
    const samples = kernel.count * steps * set.training.batchSize;
    return { layout: DRAW_FLOOR, ok: true, samplesPerSecond: samples / seconds, timings: { trainSeconds: seconds, evaluateSeconds: 0, totalSeconds: seconds }, steps, samples };
  } catch (e) {
    return { layout: DRAW_FLOOR, ok: false, error: e instanceof Error ? `${e.name}: ${e.message}` : String(e) };
  } finally {
    kernel?.destroy();
  }
}
