// The float64 reference of every model kind × data kind: its gradient against central finite
// differences (so the oracle of the GPU tests is itself checked), the data kinds' statistics,
// and agreement with the original relu/linear reference on the same PRNG data.
import { describe, expect, it } from 'vitest';
import { batchLossGradient, evaluateAutoencoderReference, initialTheta, trainAutoencoderReference } from '../../src/science/autoencoder-reference.js';
import { DATA_KINDS, dataDefinition, drawFeature, featureInputs } from '../../src/science/data/index.js';
import { MODEL_KINDS, parameterCount, tensorLayout, modelDefinition } from '../../src/science/models/index.js';
import { modelStream } from '../../src/science/prng.js';
import { evaluateReference, trainReference } from '../../src/science/reference.js';
import { testInstance } from '../helpers/autoencoder.js';

describe('model × data reference gradients', () => {
  for (const model of MODEL_KINDS) {
    for (const data of DATA_KINDS) {
      it(`${model} on ${data}: gradient = central finite differences (rel. 1e-6)`, () => {
        const inst = testInstance(model, data, 6, 3);
        const theta = initialTheta(inst.model, inst.stream, 6, 3);
        // Move off the initialisation so biases are non-zero and ReLUs are mixed.
        for (let k = 0; k < theta.length; k++) theta[k] = theta[k]! + 0.05 * Math.sin(k * 1.7);
        const g = new Float64Array(theta.length);
        batchLossGradient(inst, theta, 4, g);
        const scratch = new Float64Array(theta.length);
        const h = 1e-6;
        let worst = 0;
        for (let k = 0; k < theta.length; k++) {
          const plus = Float64Array.from(theta);
          const minus = Float64Array.from(theta);
          plus[k] = plus[k]! + h;
          minus[k] = minus[k]! - h;
          const fd = (batchLossGradient(inst, plus, 4, scratch) - batchLossGradient(inst, minus, 4, scratch)) / (2 * h);
          worst = Math.max(worst, Math.abs(fd - g[k]!) / Math.max(1e-3, Math.abs(fd)));
        }
        expect(worst).toBeLessThan(1e-6);
      });
    }
  }
});

describe('model definitions', () => {
  it('tensor layouts name every parameter once, in θ order', () => {
    expect(tensorLayout(modelDefinition('relu'), 5, 2).map((t) => [t.name, t.offset, t.size])).toEqual([['W', 0, 10], ['b', 10, 5]]);
    expect(tensorLayout(modelDefinition('abs'), 3, 6).map((t) => [t.name, t.shape, t.offset])).toEqual([['W1', [6, 3], 0], ['W2', [3, 6], 18], ['b', [3], 36]]);
    expect(tensorLayout(modelDefinition('relu-hidden-bias'), 5, 2).map((t) => t.name)).toEqual(['W', 'bHidden']);
    expect(parameterCount(modelDefinition('linear-nobias'), 5, 2)).toBe(10);
  });

  it('unknown kinds are refused with the known ones', () => {
    expect(() => modelDefinition('tanh')).toThrow(/model "tanh" is unknown; known models: relu, linear, hidden-relu, abs, relu-hidden-bias, linear-nobias/);
    expect(() => dataDefinition('gaussian')).toThrow(/known kinds: independent, signed, correlated, anticorrelated/);
  });
});

describe('data kinds', () => {
  const N = 40_000;
  const stream = modelStream(1, 2, 3);
  it('independent and signed: on with probability p; signed values are symmetric', () => {
    const f = featureInputs([0.3, 0.3], [1, 1]);
    let on = 0;
    let sumSigned = 0;
    let negatives = 0;
    for (let e = 0; e < N; e++) {
      if (drawFeature(dataDefinition('independent'), stream, 0, e, 1, f) > 0) on++;
      const v = drawFeature(dataDefinition('signed'), stream, 0, e, 1, f);
      sumSigned += v;
      if (v < 0) negatives++;
    }
    expect(Math.abs(on / N - 0.3)).toBeLessThan(0.01);
    expect(Math.abs(sumSigned / N)).toBeLessThan(0.01);
    expect(Math.abs(negatives / N - 0.15)).toBeLessThan(0.01);
  });

  it('correlated: set members are on together; anticorrelated: never two on, each with probability p', () => {
    const sets = [[0, 1, 2]];
    const f = featureInputs([0.2, 0.2, 0.2, 0.2], [1, 1, 1, 1], sets);
    const counts = [0, 0, 0, 0];
    let together = 0;
    let clash = 0;
    let independentWithSet = 0;
    for (let e = 0; e < N; e++) {
      const c = [0, 1, 2, 3].map((i) => drawFeature(dataDefinition('correlated'), stream, 0, e, i, f) > 0);
      if (c[0] === c[1] && c[1] === c[2]) together++;
      if (c[0] && c[3]) independentWithSet++;
      const a = [0, 1, 2, 3].map((i) => drawFeature(dataDefinition('anticorrelated'), stream, 0, e, i, f) > 0);
      if (a.slice(0, 3).filter(Boolean).length > 1) clash++;
      a.forEach((on, i) => (counts[i] = counts[i]! + (on ? 1 : 0)));
    }
    expect(together).toBe(N);
    expect(Math.abs(independentWithSet / N - 0.04)).toBeLessThan(0.006);
    expect(clash).toBe(0);
    for (const c of counts) expect(Math.abs(c / N - 0.2)).toBeLessThan(0.01);
  });
});

describe('agreement with the original relu / linear reference', () => {
  for (const model of ['relu', 'linear'] as const) {
    it(`${model}: same data, same θ after training (1e-12) and the same evaluation`, () => {
      const inst = testInstance(model, 'independent', 5, 2);
      const p = Array.from({ length: 5 }, (_, i) => inst.features[i * 4]!);
      const importance = Array.from({ length: 5 }, (_, i) => inst.features[i * 4 + 1]!);
      const old = trainReference({ model, nFeatures: 5, nHidden: 2, training: inst.training, stream: inst.stream, featureProbability: p, importance });
      const theta = trainAutoencoderReference(inst);
      const oldTheta = [...old.W, ...old.b];
      oldTheta.forEach((v, k) => expect(Math.abs(theta[k]! - v)).toBeLessThan(1e-12));
      const a = evaluateAutoencoderReference(inst, theta, 64);
      const b = evaluateReference({ model, nFeatures: 5, nHidden: 2, training: inst.training, stream: inst.stream, featureProbability: p, importance }, old, 64);
      expect(Math.abs(a.loss - b.loss)).toBeLessThan(1e-12);
    });
  }

  it('abs on signed data learns |x| better than chance (n = 3, m = 6)', () => {
    const inst = testInstance('abs', 'signed', 3, 6, { training: { steps: 300, batchSize: 64, learningRate: 1e-2 }, p: 0.3 });
    const trained = evaluateAutoencoderReference(inst, trainAutoencoderReference(inst), 512);
    const start = evaluateAutoencoderReference(inst, initialTheta(inst.model, inst.stream, 3, 6), 512);
    expect(trained.loss).toBeLessThan(0.5 * start.loss);
    for (const b of trained.benefit) expect(b).toBeGreaterThan(0.3);
  });
});
