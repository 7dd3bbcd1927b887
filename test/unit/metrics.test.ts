import { describe, expect, it } from 'vitest';
import {
  benefit,
  dimensionality,
  dimsPerFeature,
  featureNorms,
  featureVariance,
  geometry,
  gram,
  superposition,
} from '../../src/science/metrics.js';

const close = (actual: ArrayLike<number>, expected: number[], digits = 12): void => {
  expect(actual.length).toBe(expected.length);
  expected.forEach((v, k) => expect(actual[k]).toBeCloseTo(v, digits));
};

/** n unit vectors evenly spaced around the circle (m = 2), row-major m × n. */
function polygon(n: number): number[] {
  const W = new Array<number>(2 * n);
  for (let i = 0; i < n; i++) {
    W[i] = Math.cos((2 * Math.PI * i) / n);
    W[n + i] = Math.sin((2 * Math.PI * i) / n);
  }
  return W;
}

describe('metrics on hand-built W', () => {
  it('identity (m = n = 2): norms 1, superposition 0, D = 1, one dimension per feature', () => {
    const W = [1, 0, 0, 1];
    close(featureNorms(W, 2, 2), [1, 1]);
    close(superposition(W, 2, 2), [0, 0]);
    close(dimensionality(W, 2, 2), [1, 1]);
    expect(dimsPerFeature(W, 2, 2)).toBe(1);
    close(gram(W, 2, 2), [1, 0, 0, 1]);
  });

  it('orthogonal with a scaled and a dropped feature (m = 2, n = 3)', () => {
    // W_0 = (1, 0), W_1 = (0, 2), W_2 = 0
    const W = new Float32Array([1, 0, 0, 0, 2, 0]);
    close(featureNorms(W, 3, 2), [1, 2, 0]);
    close(superposition(W, 3, 2), [0, 0, 0]);
    close(dimensionality(W, 3, 2), [1, 1, 0]);
    expect(dimsPerFeature(W, 3, 2)).toBeCloseTo(2 / 5, 14); // m / ‖W‖_F² = 2 / (1 + 4)
    close(gram(W, 3, 2), [1, 0, 0, 0, 4, 0, 0, 0, 0]);
  });

  it('antipodal pair W = [1, −1] (m = 1, n = 2): superposition 1 each, D = 1/2', () => {
    const W = [1, -1];
    close(featureNorms(W, 2, 1), [1, 1]);
    close(superposition(W, 2, 1), [1, 1]);
    close(dimensionality(W, 2, 1), [0.5, 0.5]);
    expect(dimsPerFeature(W, 2, 1)).toBeCloseTo(0.5, 14);
    close(gram(W, 2, 1), [1, -1, -1, 1]);
  });

  it('unequal antipodal pair W = [2, −1]: superposition uses the other feature\'s full length', () => {
    // Ŵ_0 = 1: (Ŵ_0·W_1)² = 1; Ŵ_1 = −1: (Ŵ_1·W_0)² = 4. D_0 = 4/(4+1), D_1 = 1/(1+4).
    const W = new Float64Array([2, -1]);
    close(superposition(W, 2, 1), [1, 4]);
    close(dimensionality(W, 2, 1), [0.8, 0.2]);
    expect(dimsPerFeature(W, 2, 1)).toBeCloseTo(1 / 5, 14);
  });

  it('regular pentagon (m = 2, n = 5): superposition 3/2, D = 2/5, dims per feature 2/5', () => {
    // Σ_j cos²(θ_j) over 5 evenly spaced angles is 5/2, so Σ_{j≠i} = 3/2 and D = 1 / (1 + 3/2).
    const g = geometry(polygon(5), 5, 2);
    close(g.norms, [1, 1, 1, 1, 1]);
    close(g.superposition, [1.5, 1.5, 1.5, 1.5, 1.5]);
    close(g.dimensionality, [0.4, 0.4, 0.4, 0.4, 0.4]);
    expect(g.dimsPerFeature).toBeCloseTo(0.4, 12);
    expect(g.gram[0 * 5 + 1]).toBeCloseTo(Math.cos((2 * Math.PI) / 5), 12);
    expect(g.gram[1 * 5 + 0]).toBeCloseTo(Math.cos((2 * Math.PI) / 5), 12);
  });

  it('triangle (m = 2, n = 3): D = 2/3', () => {
    close(dimensionality(polygon(3), 3, 2), [2 / 3, 2 / 3, 2 / 3]);
  });

  it('W = 0: norms, superposition and D are 0; dims per feature is Infinity', () => {
    const g = geometry(new Float32Array(6), 3, 2);
    close(g.norms, [0, 0, 0]);
    close(g.superposition, [0, 0, 0]);
    close(g.dimensionality, [0, 0, 0]);
    expect(g.dimsPerFeature).toBe(Infinity);
  });

  it('geometry agrees with the single functions', () => {
    const W = [0.3, -1.2, 0.5, 0.9, 0.1, -0.4, 0.7, 0.2];
    const g = geometry(W, 4, 2);
    close(g.norms, [...featureNorms(W, 4, 2)]);
    close(g.superposition, [...superposition(W, 4, 2)]);
    close(g.dimensionality, [...dimensionality(W, 4, 2)]);
    expect(g.dimsPerFeature).toBeCloseTo(dimsPerFeature(W, 4, 2), 14);
  });

  it('rejects a W of the wrong size', () => {
    expect(() => featureNorms([1, 2, 3], 2, 2)).toThrow(RangeError);
    expect(() => geometry([1, 2], 2, 2)).toThrow(/expected m × n/);
  });
});

describe('featureVariance and benefit', () => {
  it('Var of U[0,1] with probability p is p/3 − p²/4', () => {
    expect(featureVariance(1)).toBeCloseTo(1 / 12, 15);
    expect(featureVariance(0.5)).toBeCloseTo(5 / 48, 15);
  });

  it('benefit = 1 − MSE / Var', () => {
    expect(benefit(0, 1)).toBe(1);
    expect(benefit(1 / 12, 1)).toBeCloseTo(0, 14);
    expect(benefit(1 / 24, 1)).toBeCloseTo(0.5, 14);
    expect(benefit(5 / 24, 0.5)).toBeCloseTo(-1, 14);
  });
});
