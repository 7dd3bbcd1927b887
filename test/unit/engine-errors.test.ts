// Device acquisition and planning errors, without a GPU: fake GPU objects stand in for the adapter.
import { describe, expect, it } from 'vitest';
import { acquireDevice } from '../../src/engine/device.js';
import { createEngine } from '../../src/engine/engine.js';
import { DeviceLimitError, NoAdapterError, WebGPUUnavailableError } from '../../src/engine/errors.js';
import { dispatchShape, isCpuAdapter, MAX_RESULT_BYTES, planSweep } from '../../src/engine/planner.js';
import type { DeviceInfo } from '../../src/engine/types.js';

const shaders = { prng: '', model: '', train: '', evaluate: '', geometry: '', snapshot: '', blocks: '', optimizer: '', autoencoder: '', theta: '', workgroupRegisters: '', models: {}, data: {} };

const swiftshader: DeviceInfo = {
  vendor: 'google',
  architecture: 'swiftshader',
  device: '',
  description: 'SwiftShader driver',
  runtime: 'browser',
  limits: {
    maxStorageBufferBindingSize: 2 ** 30,
    maxBufferSize: 2 ** 30,
    maxComputeWorkgroupsPerDimension: 65535,
    maxComputeInvocationsPerWorkgroup: 256,
    maxComputeWorkgroupStorageSize: 16384,
  },
};
const gpu: DeviceInfo = { ...swiftshader, vendor: 'nvidia', architecture: 'hopper', description: 'NVIDIA H100' };

describe('device acquisition errors', () => {
  it('no navigator.gpu → WebGPUUnavailableError that says what to do', async () => {
    // Node has no navigator.gpu, like a browser without WebGPU.
    await expect(acquireDevice()).rejects.toThrow(WebGPUUnavailableError);
    await expect(acquireDevice()).rejects.toThrow(/navigator\.gpu is missing/);
  });

  it('requestAdapter() → null gives NoAdapterError', async () => {
    const fakeGpu = { requestAdapter: async () => null } as unknown as GPU;
    await expect(createEngine(fakeGpu, shaders, 'browser')).rejects.toThrow(NoAdapterError);
  });

  it('a limit below the kernels’ needs gives DeviceLimitError naming the limit and both values', async () => {
    const limits = { maxStorageBuffersPerShaderStage: 4, maxComputeInvocationsPerWorkgroup: 256, maxComputeWorkgroupSizeX: 256, maxStorageBufferBindingSize: 2 ** 27 };
    const fakeGpu = { requestAdapter: async () => ({ limits, info: {} }) } as unknown as GPU;
    const error = await createEngine(fakeGpu, shaders, 'browser').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DeviceLimitError);
    expect((error as Error).message).toBe('device limit maxStorageBuffersPerShaderStage is 4; the engine needs at least 6');
  });
});

describe('planner', () => {
  it('one invocation per model on CPU adapters; a workgroup per model for few models on a GPU', () => {
    const input = { instances: 1024, nFeatures: 5, nHidden: 2, batchSize: 1024 };
    expect(isCpuAdapter(swiftshader)).toBe(true);
    expect(isCpuAdapter(gpu)).toBe(false);
    expect(planSweep(input, swiftshader).layout).toBe('registers');
    // The registers layout's blocks hold n ≤ 32, m ≤ 8; the loops take the rest up to 64 × 16.
    expect(planSweep({ ...input, nFeatures: 20, nHidden: 5 }, swiftshader).layout).toBe('registers');
    expect(planSweep({ ...input, nFeatures: 32, nHidden: 8 }, swiftshader).layout).toBe('registers');
    expect(planSweep({ ...input, nFeatures: 33, nHidden: 5 }, swiftshader).layout).toBe('per-model');
    expect(planSweep({ ...input, nFeatures: 20, nHidden: 9 }, swiftshader).layout).toBe('per-model');
    expect(planSweep(input, gpu).layout).toBe('per-workgroup');
    expect(planSweep({ ...input, instances: 512 * 512 * 4 }, gpu).layout).toBe('registers');
    expect(planSweep({ ...input, nFeatures: 33, instances: 512 * 512 * 4 }, gpu).layout).toBe('per-model');
    expect(() => planSweep({ ...input, nHidden: 9 }, swiftshader, { layout: 'registers' })).toThrow('the registers layout holds n ≤ 32 and m ≤ 8; got n = 5, m = 9');
  });

  it('splits a 512 × 512 × 4-seed grid into chunks within the binding size, covering every instance once', () => {
    const instances = 512 * 512 * 4;
    const small = { ...swiftshader, limits: { ...swiftshader.limits, maxStorageBufferBindingSize: 2 ** 22 } };
    const plan = planSweep({ instances, nFeatures: 2, nHidden: 1, batchSize: 1024 }, small);
    expect(plan.chunks.length).toBeGreaterThan(1);
    let next = 0;
    for (const chunk of plan.chunks) {
      expect(chunk.start).toBe(next);
      expect(chunk.count * plan.metricStride * 4).toBeLessThanOrEqual(2 ** 22);
      next += chunk.count;
    }
    expect(next).toBe(instances);
  });

  it('uses a second dispatch dimension past 65 535 workgroups', () => {
    expect(dispatchShape(100, 'per-model', 64, 65535)).toEqual({ x: 2, y: 1, rowStride: 128 });
    const big = dispatchShape(200_000, 'per-workgroup', 64, 65535);
    expect(big.x).toBe(65535);
    expect(big.y).toBe(4);
    expect(big.x * big.y).toBeGreaterThanOrEqual(200_000);
  });

  it('plans n > 64 or m > 16, other model kinds and data kinds on the autoencoder layouts; refuses them on the invocation layouts, and sweeps whose results cannot fit', () => {
    // On a CPU adapter, models the invocation kernels cannot hold go to workgroup-registers when
    // m ≤ 80 (40 untied), n ≤ 1024 and its partial sums fit workgroup memory; on a GPU to workgroup.
    expect(planSweep({ instances: 1, nFeatures: 65, nHidden: 2, batchSize: 8 }, swiftshader).layout).toBe('workgroup-registers');
    expect(planSweep({ instances: 1, nFeatures: 65, nHidden: 2, batchSize: 8 }, gpu).layout).toBe('workgroup');
    expect(planSweep({ instances: 1, nFeatures: 400, nHidden: 30, batchSize: 8 }, swiftshader).layout).toBe('workgroup-registers');
    expect(planSweep({ instances: 1, nFeatures: 1024, nHidden: 8, batchSize: 8 }, swiftshader).layout).toBe('workgroup-registers');
    expect(planSweep({ instances: 1, nFeatures: 400, nHidden: 80, batchSize: 8 }, swiftshader).layout).toBe('workgroup'); // 33 600 bytes
    expect(planSweep({ instances: 1, nFeatures: 100, nHidden: 81, batchSize: 8 }, swiftshader).layout).toBe('workgroup');
    expect(planSweep({ instances: 1, nFeatures: 100, nHidden: 41, batchSize: 8, model: 'abs', data: 'signed' }, swiftshader).layout).toBe('workgroup');
    expect(() => planSweep({ instances: 1, nFeatures: 100, nHidden: 81, batchSize: 8 }, swiftshader, { layout: 'workgroup-registers' })).toThrow('the workgroup-registers layout holds m ≤ 80 hidden units for the relu model (tied weights); got m = 81 (use the workgroup layout)');
    expect(() => planSweep({ instances: 1, nFeatures: 400, nHidden: 80, batchSize: 8 }, swiftshader, { layout: 'workgroup-registers' })).toThrow('the workgroup-registers layout needs 33600 bytes of workgroup memory for n = 400, m = 80; the device allows 16384 (use the workgroup layout)');
    // Small models of the other kinds: one invocation per model on a CPU adapter.
    expect(planSweep({ instances: 1, nFeatures: 5, nHidden: 2, batchSize: 8, model: 'hidden-relu' }, swiftshader).layout).toBe('invocation');
    expect(planSweep({ instances: 1, nFeatures: 5, nHidden: 2, batchSize: 8, data: 'correlated' }, swiftshader).layout).toBe('invocation');
    expect(planSweep({ instances: 1, nFeatures: 100, nHidden: 40, batchSize: 8, model: 'abs', data: 'signed' }, swiftshader).layout).toBe('workgroup-registers');
    expect(() => planSweep({ instances: 1, nFeatures: 100, nHidden: 40, batchSize: 8, model: 'abs', data: 'signed' }, swiftshader, { layout: 'invocation' })).toThrow(/the invocation layout holds n ≤ 64, m ≤ 64 and 2128 parameters; got n = 100, m = 40, 8100 parameters/);
    expect(planSweep({ instances: 1, nFeatures: 5, nHidden: 2, batchSize: 8 }, swiftshader).layout).toBe('registers');
    expect(() => planSweep({ instances: 1, nFeatures: 65, nHidden: 2, batchSize: 8 }, swiftshader, { layout: 'per-model' })).toThrow('the per-model layout trains relu and linear models on independent data with n ≤ 64 and m ≤ 16; this sweep (relu on independent data, n = 65, m = 2) needs the workgroup layout');
    expect(() => planSweep({ instances: 1, nFeatures: 5, nHidden: 2, batchSize: 8, model: 'abs' }, swiftshader, { layout: 'registers' })).toThrow(DeviceLimitError);
    expect(() => planSweep({ instances: 1, nFeatures: 100, nHidden: 20, batchSize: 8 }, swiftshader, { layout: 'registers' })).toThrow('the registers layout trains relu and linear models on independent data with n ≤ 32 and m ≤ 8; this sweep (relu on independent data, n = 100, m = 20) needs the workgroup layout');
    const tooMany = Math.ceil(MAX_RESULT_BYTES / 4) + 1;
    expect(() => planSweep({ instances: tooMany, nFeatures: 2, nHidden: 1, batchSize: 8 }, swiftshader)).toThrow(DeviceLimitError);
  });
});

describe('error names', () => {
  it('are string literals that survive minification (the element and the CLI switch on them)', async () => {
    const errors = await import('../../src/engine/errors.js');
    const made = [
      new errors.WebGPUUnavailableError('x'),
      new errors.NoAdapterError('x'),
      new errors.DeviceLimitError('maxBufferSize', 2, 1),
      new errors.DeviceLostError('unknown', ''),
      new errors.GPUValidationError('x'),
      new errors.TrainingDivergedError([0]),
      new errors.CancelledError(),
    ];
    expect(made.map((e) => e.name)).toEqual(['WebGPUUnavailableError', 'NoAdapterError', 'DeviceLimitError', 'DeviceLostError', 'GPUValidationError', 'TrainingDivergedError', 'CancelledError']);
    // The source must not derive names from the (minifiable) class identifiers.
    const { readFileSync } = await import('node:fs');
    expect(readFileSync(new URL('../../src/engine/errors.ts', import.meta.url), 'utf8')).not.toContain('new.target.name');
  });
});
