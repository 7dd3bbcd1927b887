// Every training-kernel layout against the float64 CPU reference on identical PRNG data.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { acquireDevice } from '../../src/engine/device.js';
import type { Engine } from '../../src/engine/engine.js';
import { isSparseSet } from '../../src/engine/train-kernel.js';
import { trainModelSet } from '../../src/engine/trainer.js';
import type { KernelLayout } from '../../src/engine/types.js';
import { evaluateReference, referenceInstance, trainReference } from '../../src/science/reference.js';
import type { ModelSet } from '../../src/science/types.js';
import { smallSet } from '../helpers/model-set.js';

let engine: Engine;
beforeAll(async () => {
  engine = await acquireDevice();
});
afterAll(() => engine?.destroy());

/** Largest |GPU − CPU| over W and b, and over loss (relative), across all instances. */
function compare(set: ModelSet, outcome: Awaited<ReturnType<typeof trainModelSet>>) {
  const { nFeatures: n, nHidden: m } = set;
  let maxParam = 0;
  let maxLoss = 0;
  for (let c = 0; c < outcome.results.count; c++) {
    const inst = referenceInstance(set, c);
    const ref = trainReference(inst);
    for (let k = 0; k < m * n; k++) maxParam = Math.max(maxParam, Math.abs(outcome.results.W[c * m * n + k]! - ref.W[k]!));
    for (let i = 0; i < n; i++) maxParam = Math.max(maxParam, Math.abs(outcome.results.b[c * n + i]! - ref.b[i]!));
    // Evaluate the GPU's own weights on the CPU, so the evaluation kernel is tested in isolation.
    const gpuParams = { W: Float64Array.from(outcome.results.W.subarray(c * m * n, (c + 1) * m * n)), b: Float64Array.from(outcome.results.b.subarray(c * n, (c + 1) * n)) };
    const ev = evaluateReference(inst, gpuParams, set.evalBatchSize);
    maxLoss = Math.max(maxLoss, Math.abs(outcome.results.loss[c]! - ev.loss) / Math.max(ev.loss, 1e-6));
    for (let i = 0; i < n; i++) expect(outcome.results.benefit[c * n + i]).toBeCloseTo(ev.benefit[i]!, 3);
  }
  return { maxParam, maxLoss };
}

// Tolerance: float32 (GPU) against float64 (CPU) on the same data. One step's gradient agrees to
// ~1e-6 relative; Adam divides by √v, so a parameter whose gradient hovers near 0 can move by up
// to lr per step differently. With lr = 1e-2 and 50 steps the observed gap is ~1e-5 (see the
// test name); 1e-3 leaves room for other adapters while still catching any wrong term in the
// backward pass (a missing term moves W by > 1e-2 here: try it).
const PARAM_TOLERANCE = 1e-3;
// The evaluation loss sums 256 examples in float32: 1e-4 relative.
const LOSS_TOLERANCE = 1e-4;

describe.each<[KernelLayout]>([['per-model'], ['registers'], ['per-workgroup']])('train kernel, %s layout', (layout) => {
  it('ReLU n=5 m=2 (AdamW, constant lr) matches the float64 reference within 1e-3 after 50 steps', async () => {
    const set = smallSet();
    const outcome = await trainModelSet(engine, set, { layout });
    expect(outcome.layout).toBe(layout);
    expect(outcome.diverged).toEqual([]);
    const { maxParam, maxLoss } = compare(set, outcome);
    console.info(`${layout}: max abs W/b gap ${maxParam.toExponential(2)}, max rel loss gap ${maxLoss.toExponential(2)}`);
    expect(maxParam).toBeLessThan(PARAM_TOLERANCE);
    expect(maxLoss).toBeLessThan(LOSS_TOLERANCE);
  });

  it('linear n=6 m=3 (Adam with L2, cosine schedule), odd batch size', async () => {
    const set = smallSet({ model: 'linear', n: 6, m: 3, points: 3, seeds: 1, training: { optimizer: 'adam', schedule: 'cosine', batchSize: 37, steps: 40 } });
    const { maxParam, maxLoss } = compare(set, await trainModelSet(engine, set, { layout }));
    expect(maxParam).toBeLessThan(PARAM_TOLERANCE);
    expect(maxLoss).toBeLessThan(LOSS_TOLERANCE);
  });

  it('ReLU n=2 m=1 (the phase-diagram model), 4 points × 3 seeds', async () => {
    const set = smallSet({ n: 2, m: 1, points: 4, seeds: 3, training: { steps: 60 } });
    const { maxParam, maxLoss } = compare(set, await trainModelSet(engine, set, { layout }));
    expect(maxParam).toBeLessThan(PARAM_TOLERANCE);
    expect(maxLoss).toBeLessThan(LOSS_TOLERANCE);
  });

  it('ReLU n=7 m=3 (odd n, linear schedule)', async () => {
    const set = smallSet({ n: 7, m: 3, points: 2, seeds: 2, training: { schedule: 'linear', steps: 30 } });
    const { maxParam } = compare(set, await trainModelSet(engine, set, { layout }));
    expect(maxParam).toBeLessThan(PARAM_TOLERANCE);
  });
});

describe.each<[KernelLayout]>([['per-model'], ['per-workgroup']])('train kernel at the largest supported size, %s layout', (layout) => {
  it('ReLU n=64 m=16 matches the float64 reference within 1e-3 after 8 steps', async () => {
    const set = smallSet({ n: 64, m: 16, points: 2, seeds: 1, training: { steps: 8, batchSize: 24 }, evalBatchSize: 64 });
    const { maxParam, maxLoss } = compare(set, await trainModelSet(engine, set, { layout }));
    expect(maxParam).toBeLessThan(PARAM_TOLERANCE);
    expect(maxLoss).toBeLessThan(LOSS_TOLERANCE);
  });
});

// The registers layout holds W by rows (j < M ≤ 8) of vec4 blocks of features (c < NB ≤ 8), each
// row and block written out on its own (shaders/blocks.wgsl, train.wgsl): every row and block at
// the largest size, and a partial last block with an odd row count (n = 13: one feature in the
// fourth block; m = 5) for both output activations.
describe('train kernel, registers layout beyond n = 8, m = 4', () => {
  it('ReLU n=32 m=8 (every row and block) matches the float64 reference within 1e-3 after 8 steps', async () => {
    const set = smallSet({ n: 32, m: 8, points: 2, seeds: 1, training: { steps: 8, batchSize: 24 }, evalBatchSize: 64 });
    const outcome = await trainModelSet(engine, set, { layout: 'registers' });
    expect(outcome.layout).toBe('registers');
    const { maxParam, maxLoss } = compare(set, outcome);
    expect(maxParam).toBeLessThan(PARAM_TOLERANCE);
    expect(maxLoss).toBeLessThan(LOSS_TOLERANCE);
  });

  it('ReLU and linear n=13 m=5 (a partial block; Adam with L2, cosine schedule)', async () => {
    for (const model of ['relu', 'linear'] as const) {
      const set = smallSet({ model, n: 13, m: 5, points: 2, seeds: 2, training: { optimizer: 'adam', schedule: 'cosine', steps: 20, batchSize: 48 }, evalBatchSize: 128 });
      const { maxParam, maxLoss } = compare(set, await trainModelSet(engine, set, { layout: 'registers' }));
      expect(maxParam, model).toBeLessThan(PARAM_TOLERANCE);
      expect(maxLoss, model).toBeLessThan(LOSS_TOLERANCE);
    }
  });

  it('refuses n = 33 and m = 9 with a DeviceLimitError naming the limits', async () => {
    for (const [n, m] of [[33, 4], [20, 9]] as const) {
      const set = smallSet({ n, m, points: 1, seeds: 1, training: { steps: 1, batchSize: 8 }, evalBatchSize: 16 });
      await expect(trainModelSet(engine, set, { layout: 'registers' })).rejects.toThrow(/n ≤ 32 and m ≤ 8/);
    }
  });
});

// The sparse kernels (isSparseSet: Σ_i p_i < 1 at every point) skip terms that are exactly 0: the
// looped ones inactive features, outputs the ReLU stops and examples with no active feature; the
// registers one examples with no active feature. At p = 0.01 four of five examples have no active
// feature, and after a few steps most outputs are stopped, so every skip is taken and every one is not.
describe.each<[KernelLayout]>([['per-model'], ['registers'], ['per-workgroup']])('train kernel on sparse data, %s layout', (layout) => {
  it('ReLU and linear n=20 m=5 at p = 0.01 and 0.04 match the float64 reference within 1e-3 after 40 steps', async () => {
    for (const model of ['relu', 'linear'] as const) {
      const set = smallSet({ model, n: 20, m: 5, points: 2, seeds: 2, training: { steps: 40, batchSize: 64 }, evalBatchSize: 512 });
      set.points.forEach((q, k) => q.featureProbability.fill(k === 0 ? 0.01 : 0.04));
      expect(isSparseSet(set.points)).toBe(true);
      // One expected active feature per example (20 × 0.05) is already dense.
      expect(isSparseSet([...set.points, { ...set.points[0]!, featureProbability: new Array<number>(20).fill(0.05) }])).toBe(false);
      const { maxParam, maxLoss } = compare(set, await trainModelSet(engine, set, { layout }));
      expect(maxParam, model).toBeLessThan(PARAM_TOLERANCE);
      expect(maxLoss, model).toBeLessThan(LOSS_TOLERANCE);
    }
  });
});

// trainRegistersSparse adds d0 for each skipped example in its place, so it must train to exactly
// the bits of trainRegisters: a shard whose points are all sparse gets the sparse kernel while the
// whole sweep gets the dense one, and the merged results must equal an unsharded run's.
describe('registers layout: the sparse kernel trains to the same bits as the dense one', () => {
  it('ReLU and linear n=20 m=5 at p = 0.01 and 0.04, batch 300 (windows of 128, 128 and 44)', async () => {
    for (const model of ['relu', 'linear'] as const) {
      const sparse = smallSet({ model, n: 20, m: 5, points: 2, seeds: 4, training: { steps: 20, batchSize: 300 }, evalBatchSize: 300 });
      sparse.points.forEach((q, k) => q.featureProbability.fill(k === 0 ? 0.01 : 0.04));
      // One more point, dense, after the others: their streams (keyed by grid index) are unchanged.
      const densePoint = { ...sparse.points[0]!, index: 2, xIndex: 2, featureProbability: new Array<number>(20).fill(0.5) };
      const dense: ModelSet = { ...sparse, points: [...sparse.points, densePoint] };
      expect(isSparseSet(sparse.points)).toBe(true);
      expect(isSparseSet(dense.points)).toBe(false);
      const a = await trainModelSet(engine, sparse, { layout: 'registers' });
      const b = await trainModelSet(engine, dense, { layout: 'registers' });
      const models = sparse.points.length * sparse.seeds;
      expect(Array.from(a.results.W), model).toEqual(Array.from(b.results.W.subarray(0, models * 20 * 5)));
      expect(Array.from(a.results.b), model).toEqual(Array.from(b.results.b.subarray(0, models * 20)));
      // The evaluation too: evaluateRegistersSparse for the sparse set, evaluateRegisters for the other.
      expect(Array.from(a.results.loss), model).toEqual(Array.from(b.results.loss.subarray(0, models)));
      expect(Array.from(a.results.benefit), model).toEqual(Array.from(b.results.benefit.subarray(0, models * 20)));
    }
  });
});
