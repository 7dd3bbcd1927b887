// Engine behaviour on a real WebGPU device: chunking invariance, metrics against the CPU,
// cancellation, lost devices, NaN handling, resource clean-up, and a caller's device left alone.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { acquireDevice } from '../../src/engine/device.js';
import type { Engine } from '../../src/engine/engine.js';
import { CancelledError, DeviceLostError } from '../../src/engine/errors.js';
import { trainModelSet } from '../../src/engine/trainer.js';
import { geometry } from '../../src/science/metrics.js';
import { selectSeeds } from '../../src/science/seeds.js';
import { smallSet } from '../helpers/model-set.js';

let engine: Engine;
beforeAll(async () => {
  engine = await acquireDevice();
});
afterAll(() => engine?.destroy());

/** A fresh device owned by the test, with createBuffer/destroy counted. */
async function countedDevice(): Promise<{ device: GPUDevice; live: Set<GPUBuffer> }> {
  const adapter = await navigator.gpu.requestAdapter();
  const device = await adapter!.requestDevice();
  const live = new Set<GPUBuffer>();
  const create = device.createBuffer.bind(device);
  device.createBuffer = (descriptor: GPUBufferDescriptor) => {
    const buffer = create(descriptor);
    live.add(buffer);
    const destroy = buffer.destroy.bind(buffer);
    buffer.destroy = () => {
      live.delete(buffer);
      destroy();
    };
    return buffer;
  };
  return { device, live };
}

describe('engine', () => {
  it('gives bit-identical results however the work is chunked or dispatched', async () => {
    const set = smallSet({ points: 5, seeds: 3, training: { steps: 23 } });
    const whole = await trainModelSet(engine, set, { layout: 'per-model' });
    const split = await trainModelSet(engine, set, { layout: 'per-model', maxInstancesPerChunk: 4, stepsPerDispatch: 5 });
    expect(whole.chunks).toBe(1);
    expect(split.chunks).toBe(4);
    for (const key of ['W', 'b', 'loss', 'featureNorm', 'superposition', 'dimensionality', 'dimsPerFeature', 'benefit'] as const) {
      expect(Array.from(split.results[key]), key).toEqual(Array.from(whole.results[key]));
    }
  });

  it('geometry kernel matches the float64 metrics on the trained W (1e-4)', async () => {
    const set = smallSet({ n: 6, m: 3, points: 3, seeds: 2, training: { steps: 60 } });
    const { results } = await trainModelSet(engine, set);
    const { nFeatures: n, nHidden: m } = set;
    for (let c = 0; c < results.count; c++) {
      const cpu = geometry(results.W.subarray(c * m * n, (c + 1) * m * n), n, m);
      expect(results.dimsPerFeature[c]).toBeCloseTo(cpu.dimsPerFeature, 4);
      for (let i = 0; i < n; i++) {
        expect(results.featureNorm[c * n + i]).toBeCloseTo(cpu.norms[i]!, 4);
        expect(results.superposition[c * n + i]).toBeCloseTo(cpu.superposition[i]!, 4);
        expect(results.dimensionality[c * n + i]).toBeCloseTo(cpu.dimensionality[i]!, 4);
      }
    }
  });

  it('reports divergence (NaN) per instance instead of throwing, keeping the other results', async () => {
    const set = smallSet({ points: 2, seeds: 1, training: { learningRate: 1e30, steps: 20 } });
    const outcome = await trainModelSet(engine, set);
    expect(outcome.diverged.length).toBeGreaterThan(0);
    expect(outcome.results.count).toBe(2);
    // A diverged model's loss is NaN even where its evaluation came out finite, so no seed of it is kept.
    const kept = selectSeeds(set, outcome.results.loss);
    for (const c of outcome.diverged) {
      expect(outcome.results.loss[c]).toBeNaN();
      expect(kept[Math.floor(c / set.seeds)]).toBe(-1);
    }
  });

  it('cancels with CancelledError, frees every buffer, and the device stays usable', async () => {
    const { device, live } = await countedDevice();
    const own = await acquireDevice({ device });
    const controller = new AbortController();
    const set = smallSet({ points: 4, seeds: 1, training: { steps: 200 } });
    const run = trainModelSet(own, set, { signal: controller.signal, stepsPerDispatch: 10, onProgress: () => controller.abort() });
    await expect(run).rejects.toBeInstanceOf(CancelledError);
    const uniformsKept = live.size; // the kernels' uniform buffers are destroyed too
    expect(uniformsKept).toBe(0);
    const again = await trainModelSet(own, smallSet({ points: 1, seeds: 1, training: { steps: 5 } }));
    expect(again.diverged).toEqual([]);
    expect(live.size).toBe(0);
    device.destroy();
  });

  it('never destroys a device passed in by the caller', async () => {
    const { device } = await countedDevice();
    const own = await acquireDevice({ device });
    expect(own.ownsDevice).toBe(false);
    own.destroy();
    own.destroy(); // idempotent
    const lost = await Promise.race([device.lost.then(() => 'lost'), new Promise((r) => setTimeout(() => r('alive'), 100))]);
    expect(lost).toBe('alive');
    device.destroy();
  });

  it('rejects with DeviceLostError when the device is lost mid-training', async () => {
    const { device, live } = await countedDevice();
    const own = await acquireDevice({ device });
    const set = smallSet({ points: 4, seeds: 1, training: { steps: 400 } });
    let destroyed = false;
    const run = trainModelSet(own, set, {
      stepsPerDispatch: 5,
      onProgress: () => {
        if (!destroyed) device.destroy();
        destroyed = true;
      },
    });
    const error = await run.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DeviceLostError);
    expect((error as DeviceLostError).message).toMatch(/device was lost/);
    expect(live.size).toBe(0);
  });
});
