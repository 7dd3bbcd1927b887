// Recorded training dynamics (spec `record`): records land at the same steps whatever the submit
// sizes, the last record is the final model, the first is the initialisation, and recording only
// the kept seeds (a retrain) reproduces the full run's history bit for bit.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { acquireDevice } from '../../src/engine/device.js';
import type { Engine } from '../../src/engine/engine.js';
import { trainModelSet } from '../../src/engine/trainer.js';
import { evaluateAutoencoderReference, featureInputs, initialTheta } from '../../src/science/autoencoder-reference.js';
import { dataDefinition } from '../../src/science/data/index.js';
import { modelDefinition } from '../../src/science/models/index.js';
import { modelStream } from '../../src/science/prng.js';
import { selectSeeds } from '../../src/science/seeds.js';
import { resolveSpec, type SweepSpecInput } from '../../src/science/spec.js';

let engine: Engine;
beforeAll(async () => {
  engine = await acquireDevice();
});
afterAll(() => engine?.destroy());

const spec = (seeds: 'all' | 'kept'): SweepSpecInput => ({
  model: 'relu',
  nFeatures: 5,
  nHidden: 2,
  featureProbability: 0.1,
  x: { param: 'importance', mode: 'uniform', values: [1, 2] },
  seeds: 3,
  training: { steps: 25, batchSize: 32, learningRate: 1e-2 },
  evalBatchSize: 64,
  record: { every: 10, metrics: ['loss', 'dimensionality', 'dimsPerFeature'], seeds, evalBatchSize: 48 },
});

describe('training history', () => {
  it('records at 0, 10, 20, 25 whatever the submit sizes; the last record is the final model; the first is the initialisation', async () => {
    const set = resolveSpec(spec('all'));
    const a = await trainModelSet(engine, set, { stepsPerDispatch: 25 });
    const b = await trainModelSet(engine, set, { stepsPerDispatch: 3 });
    const h = a.results.history!;
    expect(h.steps).toEqual([0, 10, 20, 25]);
    expect(Array.from(b.results.history!.dimensionality!)).toEqual(Array.from(h.dimensionality!));
    expect(Array.from(b.results.history!.loss!)).toEqual(Array.from(h.loss!));
    const R = 4;
    for (let inst = 0; inst < 6; inst++) {
      const W = a.results.W.subarray(inst * 10, inst * 10 + 10);
      expect(Array.from(h.W!.subarray((inst * R + 3) * 10, (inst * R + 4) * 10))).toEqual(Array.from(W));
      expect(h.dimsPerFeature![inst * R + 3]).toBeCloseTo(a.results.dimsPerFeature[inst]!, 5);
    }
    // Record 0 is the initial θ, evaluated on the first 48 examples of the evaluation batch.
    const point = set.points[1]!;
    const stream = modelStream(set.baseSeed, point.index, 2);
    const inst = { model: modelDefinition('relu'), data: dataDefinition('independent'), nFeatures: 5, nHidden: 2, training: set.training, stream, features: featureInputs(point.featureProbability, point.importance) };
    const start = evaluateAutoencoderReference(inst, initialTheta(inst.model, stream, 5, 2), 48);
    expect(Math.abs(h.loss![(1 * 3 + 2) * R]! - start.loss) / start.loss).toBeLessThan(1e-4);
  });

  it('seeds: kept retrains only the kept seeds and reproduces their history bit for bit; the others stay NaN', async () => {
    const all = await trainModelSet(engine, resolveSpec(spec('all')));
    const kept = await trainModelSet(engine, resolveSpec(spec('kept')));
    expect(Array.from(kept.results.W)).toEqual(Array.from(all.results.W));
    const set = resolveSpec(spec('kept'));
    const keptSeeds = selectSeeds(set, kept.results.loss);
    const R = 4;
    for (let pos = 0; pos < 2; pos++) {
      for (let seed = 0; seed < 3; seed++) {
        const inst = pos * 3 + seed;
        const slice = (a: Float32Array) => Array.from(a.subarray(inst * R * 5, (inst + 1) * R * 5));
        if (seed === keptSeeds[pos]) expect(slice(kept.results.history!.dimensionality!)).toEqual(slice(all.results.history!.dimensionality!));
        else expect(slice(kept.results.history!.dimensionality!).every(Number.isNaN)).toBe(true);
      }
    }
  });
});
