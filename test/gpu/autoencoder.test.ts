// The workgroup-layout drivers (shaders/autoencoder.wgsl) for every model kind × data kind, with θ
// in workgroup memory and in the storage buffer, against the float64 reference on the same PRNG
// data; and at the large sizes (n = 400, m = 30 and n = 1024, m = 8).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chooseAutoencoderShape, AutoencoderKernel, invocationShape, workgroupRegistersShape, type AutoencoderShape } from '../../src/engine/autoencoder-kernel.js';
import { runAutoencoderChunk } from '../../src/engine/autoencoder-trainer.js';
import { acquireDevice } from '../../src/engine/device.js';
import type { Engine } from '../../src/engine/engine.js';
import { evaluateAutoencoderReference, initialTheta, summariseEvaluation, trainAutoencoderReference, type AutoencoderInstance } from '../../src/science/autoencoder-reference.js';
import { DATA_KINDS, type DataKindName } from '../../src/science/data/index.js';
import { MODEL_KINDS, type ModelKindName } from '../../src/science/models/index.js';
import { modelStream } from '../../src/science/prng.js';
import { testInstance } from '../helpers/autoencoder.js';

let engine: Engine;
beforeAll(async () => {
  engine = await acquireDevice();
});
afterAll(() => engine?.destroy());

// float32 GPU against float64 CPU on identical data: one step's gradient agrees to ~1e-6
// relative; Adam's division by √v lets a parameter whose gradient hovers near 0 drift by up to
// lr per step. With lr = 1e-2 and 20 steps the gaps seen are ~1e-5; 1e-3 still catches any
// wrong term (a missing gradient term moves θ by > 1e-2 here).
const PARAM_TOLERANCE = 1e-3;
// Losses are float32 sums over the evaluation batch: 1e-4 relative.
const LOSS_TOLERANCE = 1e-4;

/** Trains `instances` (same kinds and size) on the GPU and returns θ and the evaluation. */
async function gpuRun(instances: AutoencoderInstance[], evalBatchSize: number, options: { mode?: AutoencoderShape['mode']; sharedParams?: boolean; workgroupSize?: number; tile?: number; stepsPerDispatch?: number; examplesPerDispatch?: number } = {}) {
  const first = instances[0]!;
  const { nFeatures: n, nHidden: m } = first;
  const shape: AutoencoderShape =
    options.mode === 'invocation'
      ? invocationShape(first.model, first.data, n, m, options.workgroupSize ?? 4)
      : options.mode === 'workgroup-registers'
        ? workgroupRegistersShape(first.model, first.data, n, m, engine.info.limits, options)
        : chooseAutoencoderShape(first.model, first.data, n, m, engine.info.limits, options);
  const kernel = await AutoencoderKernel.create(engine, shape, first.training);
  try {
    const P = initialTheta(first.model, first.stream, n, m).length;
    const inputs = {
      count: instances.length,
      keys: new Uint32Array(instances.flatMap((inst) => [...inst.stream])),
      features: new Float32Array(instances.flatMap((inst) => [...inst.features])),
      theta: new Float32Array(instances.flatMap((inst) => [...initialTheta(inst.model, inst.stream, n, m)])),
    };
    const out = await runAutoencoderChunk(engine, kernel, inputs, { steps: first.training.steps, evalBatchSize, stepsPerDispatch: options.stepsPerDispatch, examplesPerDispatch: options.examplesPerDispatch });
    return { ...out, P, shape };
  } finally {
    kernel.destroy();
  }
}

async function compareWithReference(instances: AutoencoderInstance[], evalBatchSize: number, options: Parameters<typeof gpuRun>[2] = {}) {
  const { nFeatures: n } = instances[0]!;
  const gpu = await gpuRun(instances, evalBatchSize, options);
  let maxParam = 0;
  let maxLoss = 0;
  instances.forEach((inst, c) => {
    const ref = trainAutoencoderReference(inst);
    const theta = gpu.theta.subarray(c * gpu.P, (c + 1) * gpu.P);
    ref.forEach((v, k) => (maxParam = Math.max(maxParam, Math.abs(theta[k]! - v))));
    // The GPU's own θ evaluated on the CPU: tests the evaluation kernel in isolation.
    const cpu = evaluateAutoencoderReference(inst, Float64Array.from(theta), evalBatchSize);
    const mine = summariseEvaluation(inst, gpu.squaredError.subarray(c * n, (c + 1) * n), evalBatchSize);
    maxLoss = Math.max(maxLoss, Math.abs(mine.loss - cpu.loss) / Math.max(cpu.loss, 1e-6));
  });
  return { maxParam, maxLoss, shape: gpu.shape };
}

describe('autoencoder drivers: every model kind × data kind against the float64 reference', () => {
  for (const model of MODEL_KINDS) {
    for (const data of DATA_KINDS) {
      it(`${model} on ${data}, n = 6, m = 3: θ within ${PARAM_TOLERANCE} after 20 steps, loss within ${LOSS_TOLERANCE}`, async () => {
        const instances = [0, 1, 2].map((seed) => testInstance(model as ModelKindName, data as DataKindName, 6, 3, { seed, point: 2 }));
        const { maxParam, maxLoss } = await compareWithReference(instances, 128);
        expect(maxParam).toBeLessThan(PARAM_TOLERANCE);
        expect(maxLoss).toBeLessThan(LOSS_TOLERANCE);
      });
    }
  }
});

describe('autoencoder drivers, invocation mode (one invocation per model)', () => {
  const pairs: [ModelKindName, DataKindName][] = [...MODEL_KINDS.map((m) => [m, m === 'abs' ? 'signed' : 'independent'] as [ModelKindName, DataKindName]), ['relu', 'correlated'], ['relu', 'anticorrelated']];
  for (const [model, data] of pairs) {
    it(`${model} on ${data}, n = 6, m = 3: θ within ${PARAM_TOLERANCE}, loss within ${LOSS_TOLERANCE}`, async () => {
      const instances = [0, 1, 2, 3, 4].map((seed) => testInstance(model, data, 6, 3, { seed, point: 2 }));
      const { maxParam, maxLoss, shape } = await compareWithReference(instances, 100, { mode: 'invocation' });
      expect(shape.mode).toBe('invocation');
      expect(maxParam).toBeLessThan(PARAM_TOLERANCE);
      expect(maxLoss).toBeLessThan(LOSS_TOLERANCE);
    });
  }

  it('evaluation sums do not depend on the example ranges (bit for bit)', async () => {
    const instances = [0, 1, 2].map((seed) => testInstance('abs', 'signed', 4, 6, { seed }));
    const a = await gpuRun(instances, 300, { mode: 'invocation', examplesPerDispatch: 300 });
    const b = await gpuRun(instances, 300, { mode: 'invocation', examplesPerDispatch: 64, stepsPerDispatch: 1 });
    expect(Array.from(b.theta)).toEqual(Array.from(a.theta));
    expect(Array.from(b.squaredError)).toEqual(Array.from(a.squaredError));
  });
});

describe('workgroup-registers layout (θ in registers, ⌈n/4⌉ invocations per model)', () => {
  for (const model of MODEL_KINDS) {
    for (const data of DATA_KINDS) {
      it(`${model} on ${data}, n = 6, m = 3: θ within ${PARAM_TOLERANCE} after 20 steps, loss within ${LOSS_TOLERANCE}`, async () => {
        const instances = [0, 1, 2].map((seed) => testInstance(model as ModelKindName, data as DataKindName, 6, 3, { seed, point: 2 }));
        const { maxParam, maxLoss, shape } = await compareWithReference(instances, 128, { mode: 'workgroup-registers' });
        expect(shape.mode).toBe('workgroup-registers');
        expect(maxParam).toBeLessThan(PARAM_TOLERANCE);
        expect(maxLoss).toBeLessThan(LOSS_TOLERANCE);
      });
    }
  }

  it('m > n with a partial last block (abs n = 5, m = 7), Adam + cosine, batch 13: within the tolerances', async () => {
    const instances = [0, 1].map((seed) => testInstance('abs', 'signed', 5, 7, { seed, training: { optimizer: 'adam', schedule: 'cosine', batchSize: 13 } }));
    const { maxParam, maxLoss } = await compareWithReference(instances, 64, { mode: 'workgroup-registers' });
    expect(maxParam).toBeLessThan(PARAM_TOLERANCE);
    expect(maxLoss).toBeLessThan(LOSS_TOLERANCE);
  });

  it('results do not depend on steps or examples per submit (bit for bit)', async () => {
    const instances = [0, 1, 2].map((seed) => testInstance('relu-hidden-bias', 'correlated', 9, 4, { seed }));
    const a = await gpuRun(instances, 100, { mode: 'workgroup-registers', stepsPerDispatch: 20, examplesPerDispatch: 100 });
    const b = await gpuRun(instances, 100, { mode: 'workgroup-registers', stepsPerDispatch: 3, examplesPerDispatch: 7 });
    expect(Array.from(b.theta)).toEqual(Array.from(a.theta));
    expect(Array.from(b.squaredError)).toEqual(Array.from(a.squaredError));
  });
});

describe('autoencoder drivers: layouts and sizes', () => {
  it('θ in workgroup memory or storage, tiles of 1, 5 (not dividing the batch) or 64 examples: all match the reference (abs n = 5, m = 7, m > n, Adam + cosine)', async () => {
    const instances = [0, 1].map((seed) => testInstance('abs', 'signed', 5, 7, { seed, training: { optimizer: 'adam', schedule: 'cosine', batchSize: 13 } }));
    const shared = await compareWithReference(instances, 64, { sharedParams: true, workgroupSize: 8, tile: 5 });
    const storage = await compareWithReference(instances, 64, { sharedParams: false, workgroupSize: 16, tile: 1 });
    const wide = await compareWithReference(instances, 64, { tile: 64 });
    expect(shared.shape.sharedParams).toBe(true);
    expect(storage.shape.sharedParams).toBe(false);
    expect([shared.shape.tile, storage.shape.tile, wide.shape.tile]).toEqual([5, 1, 64]);
    for (const r of [shared, storage, wide]) {
      expect(r.maxParam).toBeLessThan(PARAM_TOLERANCE);
      expect(r.maxLoss).toBeLessThan(LOSS_TOLERANCE);
    }
  });

  it('results do not depend on steps or examples per submit (bit for bit)', async () => {
    const instances = [0, 1, 2].map((seed) => testInstance('hidden-relu', 'correlated', 6, 3, { seed }));
    const a = await gpuRun(instances, 100, { stepsPerDispatch: 20, examplesPerDispatch: 100 });
    const b = await gpuRun(instances, 100, { stepsPerDispatch: 3, examplesPerDispatch: 7, tile: a.shape.tile });
    expect(Array.from(b.theta)).toEqual(Array.from(a.theta));
    // Evaluation ranges are whole tiles, so each tile's sum is added in the same order.
    expect(Array.from(b.squaredError)).toEqual(Array.from(a.squaredError));
  });

  const large: [ModelKindName, DataKindName, number, number][] = [
    ['relu', 'independent', 400, 30],
    ['relu', 'independent', 1024, 8],
    ['abs', 'signed', 100, 40],
  ];
  for (const [model, data, n, m] of large) {
    for (const mode of ['workgroup', 'workgroup-registers'] as const) {
      it(`${model} n = ${n}, m = ${m} (S = 0.99), ${mode} layout: θ within ${PARAM_TOLERANCE} of the reference after 4 steps`, async () => {
        const inst = testInstance(model, data, n, m, { p: 0.01, training: { steps: 4, batchSize: 16 } });
        const { maxParam, maxLoss, shape } = await compareWithReference([inst, { ...inst, stream: modelStream(7, 3, 2) }], 32, { mode });
        expect(shape.mode).toBe(mode);
        console.info(`${model} ${n}→${m} ${mode}: workgroup ${shape.workgroupSize}, tile ${shape.tile}, θ shared ${shape.sharedParams}, gap ${maxParam.toExponential(2)}`);
        expect(maxParam).toBeLessThan(PARAM_TOLERANCE);
        expect(maxLoss).toBeLessThan(LOSS_TOLERANCE);
      });
    }
  }
});

describe('trainModelSet on the autoencoder layouts', () => {
  it('a hidden-relu spec on correlated data: chosen layout, chunking-independent bit for bit, named tensors and per-neuron metrics', async () => {
    const { resolveSpec } = await import('../../src/science/spec.js');
    const { trainModelSet } = await import('../../src/engine/trainer.js');
    const set = resolveSpec({
      model: 'hidden-relu',
      nFeatures: 6,
      nHidden: 3,
      data: { kind: 'correlated', sets: [[0, 1], [2, 3]] },
      x: { param: 'featureProbability', values: [0.1, 0.3] },
      seeds: 3,
      training: { steps: 30, batchSize: 32, learningRate: 1e-2 },
      evalBatchSize: 64,
    });
    const whole = await trainModelSet(engine, set);
    // SwiftShader is a CPU adapter: small models of other kinds go to the invocation layout.
    expect(whole.layout).toBe('invocation');
    const chunked = await trainModelSet(engine, set, { maxInstancesPerChunk: 4, stepsPerDispatch: 7 });
    expect(chunked.chunks).toBe(2);
    expect(Array.from(chunked.results.W)).toEqual(Array.from(whole.results.W));
    expect(Array.from(chunked.results.loss)).toEqual(Array.from(whole.results.loss));
    const workgroup = await trainModelSet(engine, set, { layout: 'workgroup' });
    const workgroupChunked = await trainModelSet(engine, set, { layout: 'workgroup', maxInstancesPerChunk: 5, stepsPerDispatch: 11 });
    expect(Array.from(workgroupChunked.results.W)).toEqual(Array.from(workgroup.results.W));
    expect(Array.from(workgroupChunked.results.loss)).toEqual(Array.from(workgroup.results.loss));
    expect(Object.keys(whole.results.params!)).toEqual(['W', 'b']);
    expect(whole.results.extra!.neuronMaxShare!.length).toBe(6 * 3);
    // Against the reference, instance by instance.
    const { autoencoderChunkInputs } = await import('../../src/engine/autoencoder-trainer.js');
    const { modelDefinition } = await import('../../src/science/models/index.js');
    const { dataDefinition } = await import('../../src/science/data/index.js');
    const inputs = autoencoderChunkInputs(set, { start: 0, count: 6 });
    for (let c = 0; c < 6; c++) {
      const inst: AutoencoderInstance = {
        model: modelDefinition('hidden-relu'),
        data: dataDefinition('correlated'),
        nFeatures: 6,
        nHidden: 3,
        training: set.training,
        stream: [inputs.keys[2 * c]!, inputs.keys[2 * c + 1]!],
        features: inputs.features.slice(c * 24, (c + 1) * 24),
      };
      const ref = trainAutoencoderReference(inst);
      ref.slice(0, 18).forEach((v, k) => expect(Math.abs(whole.results.W[c * 18 + k]! - v)).toBeLessThan(PARAM_TOLERANCE));
      const ev = evaluateAutoencoderReference(inst, ref, 64);
      expect(Math.abs(whole.results.loss[c]! - ev.loss)).toBeLessThan(1e-3 * Math.max(ev.loss, 1e-3) + 1e-4);
    }
  });

  it('relu on the workgroup layout matches the registers layout within float32 rounding', async () => {
    const { trainModelSet } = await import('../../src/engine/trainer.js');
    const { smallSet } = await import('../helpers/model-set.js');
    const set = smallSet({ n: 5, m: 2, points: 2, seeds: 2 });
    const a = await trainModelSet(engine, set, { layout: 'registers' });
    const b = await trainModelSet(engine, set, { layout: 'workgroup' });
    a.results.W.forEach((v, k) => expect(Math.abs(b.results.W[k]! - v)).toBeLessThan(PARAM_TOLERANCE));
    a.results.loss.forEach((v, k) => expect(Math.abs(b.results.loss[k]! - v) / v).toBeLessThan(LOSS_TOLERANCE));
  });

  it('a model too large for the invocation kernels (n = 70) gets workgroup-registers on a CPU adapter: chunking-independent bit for bit, close to the workgroup layout', async () => {
    const { trainModelSet } = await import('../../src/engine/trainer.js');
    const { smallSet } = await import('../helpers/model-set.js');
    const set = smallSet({ n: 70, m: 5, points: 2, seeds: 2, training: { steps: 12, batchSize: 64 } });
    const whole = await trainModelSet(engine, set);
    expect(whole.layout).toBe('workgroup-registers');
    expect(whole.layoutDetail).toMatch(/^workgroup-registers: 9 invocations/);
    const chunked = await trainModelSet(engine, set, { maxInstancesPerChunk: 3, stepsPerDispatch: 5 });
    expect(chunked.chunks).toBe(2);
    expect(Array.from(chunked.results.W)).toEqual(Array.from(whole.results.W));
    expect(Array.from(chunked.results.loss)).toEqual(Array.from(whole.results.loss));
    const workgroup = await trainModelSet(engine, set, { layout: 'workgroup' });
    whole.results.W.forEach((v, k) => expect(Math.abs(workgroup.results.W[k]! - v)).toBeLessThan(PARAM_TOLERANCE));
    whole.results.loss.forEach((v, k) => expect(Math.abs(workgroup.results.loss[k]! - v) / v).toBeLessThan(LOSS_TOLERANCE));
  });
});

describe('live snapshots on the autoencoder layouts', () => {
  it('a hidden-relu run with snapshots: every snapshot carries full metric records; the final one equals the results, and snapshots do not change the results', async () => {
    const { resolveSpec } = await import('../../src/science/spec.js');
    const { trainModelSet } = await import('../../src/engine/trainer.js');
    const { metricOffsets, metricStride } = await import('../../src/engine/layout.js');
    const set = resolveSpec({ model: 'hidden-relu', nFeatures: 4, nHidden: 2, x: { param: 'featureProbability', values: [0.1, 0.5] }, seeds: 2, training: { steps: 40, batchSize: 32, learningRate: 1e-2 }, evalBatchSize: 64 });
    const snapshots: import('../../src/engine/types.js').TrainSnapshot[] = [];
    const plain = await trainModelSet(engine, set, { stepsPerDispatch: 4 });
    const live = await trainModelSet(engine, set, {
      stepsPerDispatch: 4,
      snapshot: { select: () => ({ metric: 'norm', feature: 'all', thresholds: { normThreshold: 0.5, superpositionThreshold: 0.1 } }), onSnapshot: (s) => snapshots.push(s), intervalSeconds: 0, evalBatchSize: 16 },
    });
    expect(Array.from(live.results.W)).toEqual(Array.from(plain.results.W));
    expect(snapshots.length).toBeGreaterThan(2);
    expect(snapshots.filter((s) => !s.final).every((s) => s.step < 40 && s.metrics!.length === 4 * metricStride(4))).toBe(true);
    const last = snapshots[snapshots.length - 1]!;
    expect(last.final).toBe(true);
    const o = metricOffsets(4);
    for (let c = 0; c < 4; c++) {
      expect(last.metrics![c * metricStride(4) + o.loss]).toBeCloseTo(live.results.loss[c]!, 6);
      for (let i = 0; i < 4; i++) {
        expect(last.data[c * 5 + 1 + i]).toBeCloseTo(live.results.featureNorm[c * 4 + i]!, 6);
      }
    }
  });
});
