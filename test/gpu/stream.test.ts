// Streamed results (TrainOptions.onChunkResults): each chunk's results, handed out chunk by chunk
// and never kept, equal the same instances of a run that keeps them, bit for bit, on the relu fast
// kernels and on the generic drivers; a resumed streamed run hands out only the chunks it trains.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { acquireDevice } from '../../src/engine/device.js';
import type { Engine } from '../../src/engine/engine.js';
import { CancelledError } from '../../src/engine/errors.js';
import { trainModelSet } from '../../src/engine/trainer.js';
import type { ModelResults, ModelSet } from '../../src/science/types.js';
import { sliceInstances } from '../../src/science/model-results.js';
import { smallSet } from '../helpers/model-set.js';

let engine: Engine;
beforeAll(async () => {
  engine = await acquireDevice();
});
afterAll(() => engine?.destroy());

/** Every array of `chunk` equals instances [start, start + chunk.count) of `whole`, bit for bit. */
function expectSlice(whole: ModelResults, start: number, chunk: ModelResults): void {
  const want = sliceInstances(whole, start, chunk.count);
  for (const k of ['W', 'b', 'loss', 'featureNorm', 'superposition', 'dimensionality', 'dimsPerFeature', 'benefit'] as const) {
    for (let i = 0; i < want[k].length; i++) if (!Object.is(want[k][i], chunk[k][i])) throw new Error(`${k}[${i}] of the chunk at ${start}: ${chunk[k][i]} vs ${want[k][i]}`);
  }
  for (const [name, t] of Object.entries(want.params ?? {})) expect(Array.from(chunk.params![name]!.data)).toEqual(Array.from(t.data));
  for (const [name, a] of Object.entries(want.extra ?? {})) expect(Array.from(chunk.extra![name]!)).toEqual(Array.from(a));
}

describe('streamed results', () => {
  for (const model of ['relu', 'hidden-relu'] as const) {
    it(`${model}: chunks of 3 models (straddling the 2 seeds of a point) equal the kept run`, async () => {
      const set: ModelSet = { ...smallSet({ points: 4, seeds: 2, n: 5, m: 2, training: { steps: 30 } }), model };
      const whole = await trainModelSet(engine, set, { maxInstancesPerChunk: 3 });
      const chunks: { index: number; start: number; count: number }[] = [];
      const streamed = await trainModelSet(engine, set, {
        maxInstancesPerChunk: 3,
        onChunkResults: (chunk, r) => {
          chunks.push(chunk);
          expect(r.count).toBe(chunk.count);
          expectSlice(whole.results, chunk.start, r);
        },
      });
      expect(chunks).toEqual([{ index: 0, start: 0, count: 3 }, { index: 1, start: 3, count: 3 }, { index: 2, start: 6, count: 2 }]);
      expect(streamed.results.count).toBe(0);
      expect(streamed.diverged).toEqual(whole.diverged);
    });
  }

  it('a resumed streamed run hands out the chunks it trains, equal to the uninterrupted run', async () => {
    const set = smallSet({ points: 3, seeds: 2, n: 5, m: 2, training: { steps: 40 } });
    const whole = await trainModelSet(engine, set, { maxInstancesPerChunk: 2 });
    const controller = new AbortController();
    const finished: { chunkIndex: number; start: number; count: number }[] = [];
    const early: number[] = [];
    await expect(
      trainModelSet(engine, set, {
        maxInstancesPerChunk: 2,
        signal: controller.signal,
        onChunkResults: (chunk) => void early.push(chunk.index),
        checkpoint: {
          onChunkDone: (chunkIndex, start, count, r, at) => {
            expect(at).toBe(0);
            expect(r.count).toBe(count);
            finished.push({ chunkIndex, start, count });
            controller.abort();
          },
        },
      }),
    ).rejects.toBeInstanceOf(CancelledError);
    expect(early).toEqual([0]);
    const later: number[] = [];
    await trainModelSet(engine, set, {
      maxInstancesPerChunk: 2,
      resume: { finished, results: sliceInstances(whole.results, 0, 0) },
      onChunkResults: (chunk, r) => {
        later.push(chunk.index);
        expectSlice(whole.results, chunk.start, r);
      },
    });
    expect(later).toEqual([1, 2]);
  });

  it('refuses to stream a run that records its history', async () => {
    const set: ModelSet = { ...smallSet({ points: 1, seeds: 1 }), record: { every: 10, metrics: ['loss'], weights: false, seeds: 'all', evalBatchSize: 64 } };
    await expect(trainModelSet(engine, set, { onChunkResults: () => {} })).rejects.toThrow(/cannot record a training history/);
  });
});
