/**
 * Which seed is kept when some diverge (src/engine/diverged.ts): a diverged model whose evaluation
 * came out finite (and even lowest: NaN hidden behind the ReLU) must never be kept, so kept-seed
 * recording retrains the seed the results keep.
 */
import { describe, expect, it } from 'vitest';
import { findDiverged, keptSeeds } from '../../src/engine/diverged.js';
import { allocateResults } from '../../src/engine/trainer.js';
import { smallSet } from '../helpers/model-set.js';

describe('keptSeeds', () => {
  it('skips a diverged seed with the lowest finite loss, and gives −1 when every seed diverged', () => {
    const set = smallSet({ points: 2, seeds: 3, n: 3, m: 2 });
    const r = allocateResults(6, 3, 2);
    r.W.fill(0.1);
    r.b.fill(0);
    // Point 0: seed 1 has the lowest loss but NaN weights; seed 2 is the best healthy one.
    r.loss.set([0.5, 0.01, 0.2, 0.3, 0.4, 0.6]);
    r.W[1 * 6 + 3] = NaN;
    // Point 1: every seed diverged (an infinite bias, a NaN weight, an infinite loss).
    r.b[3 * 3 + 1] = Infinity;
    r.W[4 * 6] = NaN;
    r.loss[5] = Infinity;
    expect(findDiverged(r)).toEqual([1, 3, 4, 5]);
    expect(Array.from(keptSeeds(set, r))).toEqual([2, -1]);
    // Without the divergence check the finite loss alone would have kept seed 1.
    expect(Math.min(...Array.from(r.loss.subarray(0, 3)))).toBe(r.loss[1]);
  });
});
