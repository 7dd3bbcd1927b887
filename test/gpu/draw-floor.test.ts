// The bench's data-draw floor (bench/draw-floor.ts) draws exactly the training stream: its per-model
// sums against the CPU draw (src/science/prng.ts featureValue) of the same models, on both of its
// paths (drawBlocks for n ≤ 32 with each feature's p, a drawFour loop beyond).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import source from '../../bench/draw-floor.wgsl?raw';
import { drawFloorKernel } from '../../bench/draw-floor.js';
import { acquireDevice } from '../../src/engine/device.js';
import type { Engine } from '../../src/engine/engine.js';
import { featureValue, modelStream } from '../../src/science/prng.js';
import { smallSet } from '../helpers/model-set.js';

let engine: Engine;
beforeAll(async () => {
  engine = await acquireDevice();
});
afterAll(() => engine?.destroy());

describe('data-draw floor kernel', () => {
  it.each([
    [5, 'per-feature p'],
    [13, 'per-feature p'],
    [38, 'one p (the loop path)'],
    [11, 'edge p'],
  ] as const)('n = %i (%s): per-model sums equal the CPU draw of the same stream within float32 rounding', async (n, kind) => {
    const set = smallSet({ n, m: 2, points: 3, seeds: 2, training: { batchSize: 16, steps: 2 } });
    // Edge p: the gates compare words against integer thresholds ⌈p · 2²⁴⌉ · 256 (blocks.wgsl
    // gateThreshold4), with p = 1 a special case; 1 − 2⁻²⁴ and 3 · 2⁻²⁴ sit next to the ends.
    const edges = [1, 0, 0.5, 1 - 2 ** -24, 3 * 2 ** -24, 0.3];
    const probability = (i: number, k: number): number =>
      kind === 'per-feature p' ? 0.2 + 0.1 * ((i + k) % 5) : kind === 'edge p' ? edges[(i + k) % edges.length]! : 0.3 + 0.2 * k;
    set.points.forEach((q, k) => q.featureProbability.forEach((_, i) => (q.featureProbability[i] = probability(i, k))));
    const kernel = await drawFloorKernel(engine, set, source);
    try {
      await kernel.run(0, 2);
      const sums = await kernel.sums();
      for (let c = 0; c < kernel.count; c++) {
        const point = set.points[Math.floor(c / set.seeds)]!;
        const stream = modelStream(set.baseSeed, point.index, c % set.seeds);
        let expected = 0;
        for (let step = 0; step < 2; step++) {
          for (let e = 0; e < 16; e++) for (let i = 0; i < n; i++) expected += featureValue(stream, step, e, i, point.featureProbability[i]!);
        }
        expect(expected).toBeGreaterThan(1);
        expect(Math.abs(sums[c]! - expected) / expected, `model ${c}`).toBeLessThan(1e-5);
      }
    } finally {
      kernel.destroy();
    }
  });
});
