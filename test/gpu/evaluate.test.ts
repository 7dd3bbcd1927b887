// The evaluation kernel's two entry points (looped `evaluate`, `evaluateRegisters` for n ≤ 32,
// m ≤ 8) against the float64 CPU evaluation of the GPU's own trained weights, at sizes where the
// registers layout changes shape (n = 4: one block of four features; n = 13: a partial fourth
// block; n = 32, m = 8: every block and row), and beyond it (n = 40, m = 10: the loops).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { acquireDevice } from '../../src/engine/device.js';
import type { Engine } from '../../src/engine/engine.js';
import { EvaluateKernel } from '../../src/engine/evaluate-kernel.js';
import { isSparseSet } from '../../src/engine/train-kernel.js';
import { trainModelSet } from '../../src/engine/trainer.js';
import { evaluateReference, referenceInstance } from '../../src/science/reference.js';
import { smallSet } from '../helpers/model-set.js';

let engine: Engine;
beforeAll(async () => {
  engine = await acquireDevice();
});
afterAll(() => engine?.destroy());

describe('evaluation kernel', () => {
  it.each([
    [4, 3, 'relu'],
    [8, 4, 'relu'],
    [8, 1, 'linear'],
    [3, 2, 'linear'],
    [13, 5, 'relu'],
    [32, 8, 'linear'],
    [40, 10, 'relu'],
  ] as const)('n = %i, m = %i (%s): loss within 1e-5 and benefit within 1e-4 of the float64 evaluation of the same weights', async (n, m, model) => {
    const set = smallSet({ n, m, model, points: 3, seeds: 1, training: { steps: 30 }, evalBatchSize: 512 });
    const { results } = await trainModelSet(engine, set);
    for (let c = 0; c < results.count; c++) {
      const params = { W: Float64Array.from(results.W.subarray(c * m * n, (c + 1) * m * n)), b: Float64Array.from(results.b.subarray(c * n, (c + 1) * n)) };
      const cpu = evaluateReference(referenceInstance(set, c), params, set.evalBatchSize);
      expect(Math.abs(results.loss[c]! - cpu.loss) / cpu.loss).toBeLessThan(1e-5);
      for (let i = 0; i < n; i++) expect(Math.abs(results.benefit[c * n + i]! - cpu.benefit[i]!)).toBeLessThan(1e-4);
    }
  });

  it.each([
    [5, 2, 'relu'],
    [12, 3, 'linear'],
  ] as const)('n = %i, m = %i (%s): an evaluation split into one submit per model equals the one-submit evaluation bit for bit', async (n, m, model) => {
    const set = smallSet({ n, m, model, points: 5, seeds: 2, training: { steps: 20 }, evalBatchSize: 256 });
    const whole = await trainModelSet(engine, set, { evaluateSubmitFlops: Infinity });
    const split = await trainModelSet(engine, set, { evaluateSubmitFlops: 1 });
    for (const k of ['loss', 'benefit', 'featureNorm', 'W'] as const) {
      for (let i = 0; i < whole.results[k].length; i++) if (!Object.is(whole.results[k][i], split.results[k][i])) throw new Error(`${k}[${i}]: ${split.results[k][i]} split vs ${whole.results[k][i]}`);
    }
    // And the split evaluation is right, not merely repeatable: against the float64 evaluation.
    for (let c = 0; c < split.results.count; c++) {
      const params = { W: Float64Array.from(split.results.W.subarray(c * m * n, (c + 1) * m * n)), b: Float64Array.from(split.results.b.subarray(c * n, (c + 1) * n)) };
      const cpu = evaluateReference(referenceInstance(set, c), params, set.evalBatchSize);
      expect(Math.abs(split.results.loss[c]! - cpu.loss) / cpu.loss).toBeLessThan(1e-5);
    }
  });

  it('a sparse set (Σ p < 1: evaluateRegistersSparse), n = 20, m = 5, 300 examples (windows of 128, 128, 44): loss within 1e-5 and benefit within 1e-4 of the float64 evaluation', async () => {
    for (const model of ['relu', 'linear'] as const) {
      const set = smallSet({ n: 20, m: 5, model, points: 2, seeds: 2, training: { steps: 30 }, evalBatchSize: 300 });
      set.points.forEach((q, k) => q.featureProbability.fill(k === 0 ? 0.01 : 0.04));
      expect(isSparseSet(set.points)).toBe(true);
      const { results } = await trainModelSet(engine, set);
      for (let c = 0; c < results.count; c++) {
        const params = { W: Float64Array.from(results.W.subarray(c * 100, (c + 1) * 100)), b: Float64Array.from(results.b.subarray(c * 20, (c + 1) * 20)) };
        const cpu = evaluateReference(referenceInstance(set, c), params, set.evalBatchSize);
        expect(Math.abs(results.loss[c]! - cpu.loss) / cpu.loss, model).toBeLessThan(1e-5);
        for (let i = 0; i < 20; i++) expect(Math.abs(results.benefit[c * 20 + i]! - cpu.benefit[i]!), model).toBeLessThan(1e-4);
      }
    }
  });

  it('refuses to force evaluateRegisters on a model larger than n = 32, m = 8', async () => {
    await expect(EvaluateKernel.create(engine, { model: 'relu', nFeatures: 33, nHidden: 2, evalBatchSize: 16, workgroupSize: 64, entryPoint: 'evaluateRegisters' })).rejects.toThrow(/evaluateRegisters holds n ≤ 32 and m ≤ 8; got n = 33, m = 2/);
    await expect(EvaluateKernel.create(engine, { model: 'relu', nFeatures: 20, nHidden: 9, evalBatchSize: 16, workgroupSize: 64, entryPoint: 'evaluateRegisters' })).rejects.toThrow(/got n = 20, m = 9/);
    await expect(EvaluateKernel.create(engine, { model: 'relu', nFeatures: 33, nHidden: 2, evalBatchSize: 16, workgroupSize: 64, entryPoint: 'evaluateRegistersSparse' })).rejects.toThrow(/evaluateRegistersSparse holds n ≤ 32 and m ≤ 8; got n = 33, m = 2/);
  });
});
