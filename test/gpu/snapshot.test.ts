// Live snapshots (trainer option `snapshot`): the compact per-instance gather of one metric, taken
// mid-training and after the final evaluation, against the CPU reference and the full results.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { acquireDevice } from '../../src/engine/device.js';
import type { Engine } from '../../src/engine/engine.js';
import { trainModelSet } from '../../src/engine/trainer.js';
import type { SnapshotSelection, TrainSnapshot } from '../../src/engine/types.js';
import type { ModelSet } from '../../src/science/types.js';
import { evaluateReference, referenceInstance, trainReference } from '../../src/science/reference.js';
import { geometry } from '../../src/science/metrics.js';
import { classifyFeature, DEFAULT_REGIME_THRESHOLDS } from '../../src/science/regimes.js';
import { smallSet } from '../helpers/model-set.js';

let engine: Engine;
beforeAll(async () => {
  engine = await acquireDevice();
});
afterAll(() => engine?.destroy());

const thresholds = DEFAULT_REGIME_THRESHOLDS;

/**
 * Trains `set` with a snapshot after every 10-step submit and cancels it once a snapshot at step
 * 20 or later arrives; checks that the run rejects with a cancel, and returns every snapshot seen.
 */
async function snapshotsOfRunCancelledAtStep20(set: ModelSet, selection: SnapshotSelection, weights = false): Promise<TrainSnapshot[]> {
  const controller = new AbortController();
  const seen: TrainSnapshot[] = [];
  const run = trainModelSet(engine, set, {
    stepsPerDispatch: 10,
    signal: controller.signal,
    snapshot: {
      select: () => selection,
      intervalSeconds: 0,
      weights,
      onSnapshot: (s) => {
        seen.push(s);
        if (s.step >= 20 && !s.stopped) controller.abort();
      },
    },
  });
  await expect(run).rejects.toThrow(/cancel/i);
  return seen;
}

describe('live snapshots', () => {
  it('mid-training snapshots gather the norm of the weights trained so far (CPU reference, 1e-3) and the small-batch loss', async () => {
    const set = smallSet({ points: 3, seeds: 2, training: { steps: 30 } });
    const snaps: TrainSnapshot[] = [];
    await trainModelSet(engine, set, {
      stepsPerDispatch: 10,
      snapshot: { select: () => ({ metric: 'norm', feature: 'all', thresholds }), onSnapshot: (s) => snaps.push(s), intervalSeconds: 0, evalBatchSize: 64 },
    });
    // After steps 10 and 20 (not 30: the last one is the final snapshot), then the final one.
    expect(snaps.map((s) => [s.step, s.final])).toEqual([[10, false], [20, false], [30, true]]);
    const n = set.nFeatures;
    const m = set.nHidden;
    for (const snap of snaps.slice(0, 2)) {
      expect(snap.stride).toBe(1 + n);
      expect(snap.data).toHaveLength(set.points.length * set.seeds * (1 + n));
      for (let c = 0; c < snap.count; c++) {
        const inst = referenceInstance(set, c);
        const ref = trainReference(inst, snap.step);
        const g = geometry(ref.W, n, m);
        for (let i = 0; i < n; i++) expect(Math.abs(snap.data[c * snap.stride + 1 + i]! - g.norms[i]!)).toBeLessThan(1e-3);
        const loss = evaluateReference(inst, ref, 64).loss;
        expect(Math.abs(snap.data[c * snap.stride]! - loss) / Math.max(loss, 1e-6)).toBeLessThan(1e-3);
      }
    }
  });

  it('with weights, mid-training snapshots carry θ = [W | b] of the steps trained so far (CPU reference, 1e-3)', async () => {
    const set = smallSet({ points: 2, seeds: 2, training: { steps: 30 } });
    const snaps: TrainSnapshot[] = [];
    await trainModelSet(engine, set, {
      stepsPerDispatch: 10,
      snapshot: { select: () => ({ metric: 'norm', feature: 0, thresholds }), onSnapshot: (s) => snaps.push(s), intervalSeconds: 0, evalBatchSize: 64, weights: true },
    });
    const n = set.nFeatures;
    const m = set.nHidden;
    const mid = snaps.filter((s) => !s.final);
    expect(mid.length).toBeGreaterThan(0);
    for (const snap of mid) {
      expect(snap.theta).toHaveLength(snap.count * (m * n + n));
      for (let c = 0; c < snap.count; c++) {
        const ref = trainReference(referenceInstance(set, snap.start + c), snap.step);
        const own = snap.theta!.subarray(c * (m * n + n), (c + 1) * (m * n + n));
        for (let k = 0; k < m * n; k++) expect(Math.abs(own[k]! - ref.W[k]!)).toBeLessThan(1e-3);
        for (let i = 0; i < n; i++) expect(Math.abs(own[m * n + i]! - ref.b[i]!)).toBeLessThan(1e-3);
      }
    }
  });

  it('with weights, a generic model’s final snapshot θ holds exactly the returned parameter tensors', async () => {
    const set = { ...smallSet({ points: 2, seeds: 2, n: 5, m: 2, training: { steps: 20 } }), model: 'hidden-relu' as const };
    let last: TrainSnapshot | undefined;
    const outcome = await trainModelSet(engine, set, { snapshot: { select: () => ({ metric: 'norm', feature: 0, thresholds }), onSnapshot: (s) => s.final && (last = s), intervalSeconds: 1e9, weights: true } });
    expect(last?.theta).toBeDefined();
    const W = outcome.results.params!.W!.data;
    const P = last!.theta!.length / last!.count;
    for (let c = 0; c < last!.count; c++) {
      const inst = last!.start + c;
      expect(Array.from(last!.theta!.subarray(c * P, c * P + 10))).toEqual(Array.from(W.subarray(inst * 10, (inst + 1) * 10)));
    }
  });

  it('the final snapshot equals the returned results, per metric, for one feature (regime classified on the GPU)', async () => {
    const set = smallSet({ points: 4, seeds: 2, training: { steps: 40 } });
    const n = set.nFeatures;
    const metrics = ['regime', 'norm', 'superposition', 'dimensionality', 'benefit', 'loss', 'dimsPerFeature'] as const;
    for (const metric of metrics) {
      let last: TrainSnapshot | undefined;
      const outcome = await trainModelSet(engine, set, {
        maxInstancesPerChunk: 3,
        snapshot: { select: () => ({ metric, feature: n - 1, thresholds }), onSnapshot: (s) => s.final && (last = s), intervalSeconds: 1e9 },
      });
      const r = outcome.results;
      // Three chunks: the last final snapshot covers instances 6 and 7.
      expect(last).toBeDefined();
      expect([last!.start, last!.count, last!.stride]).toEqual([6, 2, 2]);
      for (let k = 0; k < last!.count; k++) {
        const c = last!.start + k;
        const f = c * n + n - 1;
        const expected = {
          regime: classifyFeature(r.featureNorm[f]!, r.superposition[f]!),
          norm: r.featureNorm[f]!,
          superposition: r.superposition[f]!,
          dimensionality: r.dimensionality[f]!,
          benefit: r.benefit[f]!,
          loss: r.loss[c]!,
          dimsPerFeature: r.dimsPerFeature[c]!,
        }[metric];
        expect(last!.data[k * 2], `${metric} loss`).toBe(r.loss[c]);
        expect(last!.data[k * 2 + 1], metric).toBe(Math.fround(expected));
      }
    }
  });

  it('with one seed and a geometry metric, in-training snapshots skip the evaluation: loss NaN, values still right', async () => {
    const set = smallSet({ points: 2, seeds: 1, training: { steps: 20 } });
    const snaps: TrainSnapshot[] = [];
    await trainModelSet(engine, set, {
      stepsPerDispatch: 10,
      snapshot: { select: () => ({ metric: 'superposition', feature: 'all', thresholds }), onSnapshot: (s) => snaps.push(s), intervalSeconds: 0 },
    });
    expect(snaps.map((s) => s.final)).toEqual([false, true]);
    const n = set.nFeatures;
    const mid = snaps[0]!;
    for (let c = 0; c < mid.count; c++) {
      expect(mid.data[c * mid.stride]).toBeNaN();
      const ref = trainReference(referenceInstance(set, c), mid.step);
      const g = geometry(ref.W, n, set.nHidden);
      for (let i = 0; i < n; i++) expect(Math.abs(mid.data[c * mid.stride + 1 + i]! - g.superposition[i]!)).toBeLessThan(1e-3);
    }
    expect(Number.isFinite(snaps[1]!.data[0]!)).toBe(true);
  });

  it('final and stopped snapshots carry the full metric records (final = results; stopped = CPU geometry of the weights so far)', async () => {
    const set = smallSet({ points: 3, seeds: 2, training: { steps: 40 } });
    const n = set.nFeatures;
    const S = 2 + 4 * n;
    const finals: TrainSnapshot[] = [];
    const outcome = await trainModelSet(engine, set, { snapshot: { select: () => ({ metric: 'norm', feature: 0, thresholds }), onSnapshot: (s) => s.final && finals.push(s), intervalSeconds: 1e9 } });
    const last = finals[0]!;
    expect(last.metrics).toHaveLength(last.count * S);
    for (let c = 0; c < last.count; c++) {
      expect(last.metrics![c * S]).toBe(outcome.results.loss[c]);
      for (let i = 0; i < n; i++) expect(last.metrics![c * S + 2 + n + i]).toBe(outcome.results.superposition[c * n + i]);
    }

    const seen = await snapshotsOfRunCancelledAtStep20(set, { metric: 'regime', feature: 1, thresholds });
    const stopped = seen.at(-1)!;
    expect([stopped.stopped, stopped.final, stopped.step]).toEqual([true, false, 20]);
    expect(seen.filter((s) => s.metrics === undefined).every((s) => !s.stopped && !s.final)).toBe(true);
    for (let c = 0; c < stopped.count; c++) {
      const ref = trainReference(referenceInstance(set, c), 20);
      const g = geometry(ref.W, n, set.nHidden);
      for (let i = 0; i < n; i++) expect(Math.abs(stopped.metrics![c * S + 2 + i]! - g.norms[i]!)).toBeLessThan(1e-3);
      expect(Number.isFinite(stopped.metrics![c * S]!)).toBe(true);
    }
  });

  it('rejects a feature index outside 0..n−1 with a RangeError naming the range', async () => {
    const set = smallSet({ points: 1, seeds: 1, training: { steps: 2 } });
    await expect(
      trainModelSet(engine, set, { snapshot: { select: () => ({ metric: 'norm', feature: 9, thresholds }), onSnapshot: () => {} } }),
    ).rejects.toThrow(/feature 9 is out of range; allowed: 0\.\.4/);
  });
});

describe('buffer accounting', () => {
  it('liveBuffers returns to its starting count after training with snapshots, and after a cancelled run', async () => {
    const own = await acquireDevice();
    try {
      const before = own.liveBuffers!;
      const set = smallSet({ points: 3, seeds: 2, training: { steps: 20 } });
      const snapshot = { select: () => ({ metric: 'regime' as const, feature: 0, thresholds }), onSnapshot: () => {}, intervalSeconds: 0 };
      await trainModelSet(own, set, { stepsPerDispatch: 5, snapshot });
      expect(own.liveBuffers).toEqual(before);
      const controller = new AbortController();
      const run = trainModelSet(own, set, { stepsPerDispatch: 1, signal: controller.signal, snapshot: { ...snapshot, onSnapshot: () => controller.abort() } });
      await expect(run).rejects.toThrow(/cancel/i);
      expect(own.liveBuffers).toEqual(before);
      expect(engine.liveBuffers).toBeDefined();
    } finally {
      own.destroy();
    }
  });
});

describe('stopped snapshot on the generic drivers', () => {
  it('a cancelled hidden-relu run sends one last snapshot, marked stopped, with the full metric records of the weights so far', async () => {
    const set = { ...smallSet({ points: 2, seeds: 2, n: 5, m: 2, training: { steps: 60 } }), model: 'hidden-relu' as const };
    const n = set.nFeatures;
    const S = 2 + 4 * n;
    const seen = await snapshotsOfRunCancelledAtStep20(set, { metric: 'norm', feature: 0, thresholds }, true);
    const stopped = seen.at(-1)!;
    expect([stopped.stopped, stopped.final]).toEqual([true, false]);
    expect(seen.filter((s) => s.stopped)).toHaveLength(1);
    expect(stopped.metrics).toHaveLength(stopped.count * S);
    // Its feature norms are those of the θ it carries.
    const P = stopped.theta!.length / stopped.count;
    for (let c = 0; c < stopped.count; c++) {
      const g = geometry(stopped.theta!.subarray(c * P, c * P + 2 * n), n, 2);
      for (let i = 0; i < n; i++) expect(Math.abs(stopped.metrics![c * S + 2 + i]! - g.norms[i]!)).toBeLessThan(1e-5);
    }
  });
});
