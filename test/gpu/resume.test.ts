// Interrupt and resume (TrainOptions.checkpoint / resume): a run cancelled at different points and
// continued from its checkpoint ends with results bit-identical to an uninterrupted run, on the
// relu fast kernels and on the generic drivers; a checkpoint that does not fit the plan is refused.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { acquireDevice } from '../../src/engine/device.js';
import type { Engine } from '../../src/engine/engine.js';
import { CancelledError, CheckpointMismatchError } from '../../src/engine/errors.js';
import { allocateResults, trainModelSet } from '../../src/engine/trainer.js';
import type { ChunkState, ResumeState, TrainOptions } from '../../src/engine/types.js';
import { copyInstances } from '../../src/engine/resume.js';
import type { ModelResults, ModelSet } from '../../src/science/types.js';
import { smallSet } from '../helpers/model-set.js';
import { sliceInstances } from '../../src/science/model-results.js';

let engine: Engine;
beforeAll(async () => {
  engine = await acquireDevice();
});
afterAll(() => engine?.destroy());

/** Trains `set` and cancels it when the `abortAt`-th chunk state arrives; returns the checkpoint it left. */
async function interrupted(set: ModelSet, abortAt: number, options: TrainOptions): Promise<ResumeState> {
  const controller = new AbortController();
  const finished: ResumeState['finished'] = [];
  let results: ModelResults | undefined;
  let running: ChunkState | undefined;
  let states = 0;
  await expect(
    trainModelSet(engine, set, {
      ...options,
      signal: controller.signal,
      checkpoint: {
        everySeconds: 0,
        onChunkState: (s) => {
          running = s;
          if (++states === abortAt) controller.abort();
        },
        onChunkDone: (chunkIndex, start, count, r) => {
          finished.push({ chunkIndex, start, count });
          results ??= sliceInstances(r, 0, r.count, { copy: true }); // the trainer keeps writing into r
          copyInstances(r, results, start, count);
          if (running?.chunkIndex === chunkIndex) running = undefined;
        },
      },
    }),
  ).rejects.toBeInstanceOf(CancelledError);
  return { finished, results: results ?? allocateResults(set.points.length * set.seeds, set.nFeatures, set.nHidden), ...(running ? { running } : {}) };
}

function expectSame(a: ModelResults, b: ModelResults): void {
  for (const k of ['W', 'b', 'loss', 'featureNorm', 'dimensionality', 'benefit'] as const) {
    const x = a[k];
    const y = b[k];
    for (let i = 0; i < x.length; i++) if (!Object.is(x[i], y[i])) throw new Error(`${k}[${i}]: ${x[i]} vs ${y[i]}`);
  }
  for (const [name, t] of Object.entries(a.params ?? {})) expect(Array.from(b.params![name]!.data)).toEqual(Array.from(t.data));
}

describe('interrupt and resume', () => {
  for (const model of ['relu', 'hidden-relu'] as const) {
    for (const abortAt of [1, 4]) {
      it(`${model}: cancelled at chunk state ${abortAt}, resumed, equals the uninterrupted run bit for bit`, async () => {
        const set: ModelSet = { ...smallSet({ points: 3, seeds: 2, n: 5, m: 2, training: { steps: 40 } }), model };
        const options: TrainOptions = { maxInstancesPerChunk: 2, stepsPerDispatch: 7 };
        const whole = await trainModelSet(engine, set, options);
        const checkpoint = await interrupted(set, abortAt, options);
        expect(checkpoint.running ?? checkpoint.finished.length).toBeTruthy();
        if (checkpoint.running) expect(checkpoint.running.step).toBeGreaterThan(0);
        // Resume with other submit sizes: results never depend on them.
        const resumed = await trainModelSet(engine, set, { ...options, stepsPerDispatch: 5, resume: checkpoint });
        expectSame(whole.results, resumed.results);
      });
    }
  }

  it('refuses a checkpoint whose chunks are not the plan’s', async () => {
    const set = smallSet({ points: 3, seeds: 2, n: 5, m: 2, training: { steps: 20 } });
    const checkpoint = await interrupted(set, 1, { maxInstancesPerChunk: 2, stepsPerDispatch: 7 });
    await expect(trainModelSet(engine, set, { maxInstancesPerChunk: 3, resume: checkpoint })).rejects.toBeInstanceOf(CheckpointMismatchError);
  });
});
