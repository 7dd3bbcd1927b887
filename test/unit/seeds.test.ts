import { describe, expect, it } from 'vitest';
import { selectSeeds } from '../../src/science/seeds.js';
import { resolveSpec } from '../../src/science/spec.js';

const set = resolveSpec({ nFeatures: 2, nHidden: 1, x: { param: 'featureProbability', values: [1, 0.5, 0.1, 0.01] }, seeds: 3 });

describe('selectSeeds (keep the lowest loss of several seeds)', () => {
  it('picks the lowest finite loss per point; −1 when none is finite', () => {
    const loss = new Float32Array([
      0.5, 0.2, 0.3, // point 0 → seed 1
      NaN, NaN, NaN, // point 1 → −1
      NaN, 0.7, 0.1, // point 2 → seed 2 (NaN skipped)
      Infinity, 0.4, 0.4, // point 3 → seed 1 (Infinity skipped, tie to the lower index)
    ]);
    expect([...selectSeeds(set, loss)]).toEqual([1, -1, 2, 1]);
  });

  it('a NaN in seed 0 does not win', () => {
    const loss = new Float32Array([NaN, 9, 8, 1, 2, 3, 3, 2, 1, 5, 5, 5]);
    expect([...selectSeeds(set, loss)]).toEqual([2, 0, 2, 0]);
  });

  it('rejects a loss array of the wrong length', () => {
    expect(() => selectSeeds(set, new Float32Array(11))).toThrow(RangeError);
  });
});
