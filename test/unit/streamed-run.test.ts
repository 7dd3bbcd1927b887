/**
 * Streamed results (src/headless/streamed-run.ts): chunks of every size, aligned with the points'
 * seeds or not, give Parquet files byte-identical to writeRunParquet over the whole run, and keep
 * exactly each point's lowest-loss seed; out-of-order and missing chunks are refused.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { allocateModelResults } from '../../src/science/model-results.js';
import { findDiverged } from '../../src/engine/diverged.js';
import { writeRunParquet } from '../../src/headless/parquet.js';
import { StreamedRun } from '../../src/headless/streamed-run.js';
import { sliceInstances } from '../../src/science/model-results.js';
import { selectSeeds } from '../../src/science/seeds.js';
import { parseSpec, resolveSpecGroups } from '../../src/science/spec.js';
import type { ModelResults, ModelSet } from '../../src/science/types.js';

const spec = parseSpec({
  name: 'streamed-test', nFeatures: 3, nHidden: 2, seeds: 3, data: { kind: 'signed' },
  x: { param: 'featureProbability', values: [0.1, 0.3, 0.6, 1] }, y: { param: 'model', values: ['relu', 'abs'] },
});
const sets = resolveSpecGroups(spec);

/** Every float of every array from a small LCG, so seeds differ in loss; a few models diverge. */
function trained(set: ModelSet, salt: number): ModelResults {
  const r = allocateModelResults(set, set.points.length * set.seeds);
  let state = 12345 + salt;
  const next = () => ((state = (state * 1103515245 + 12345) >>> 0) / 2 ** 32);
  const fill = (a: Float32Array) => a.forEach((_, k) => (a[k] = next()));
  for (const t of Object.values(r.params!)) fill(t.data);
  for (const a of [r.loss, r.featureNorm, r.superposition, r.dimensionality, r.dimsPerFeature, r.benefit, ...Object.values(r.extra!)]) fill(a);
  r.loss[1] = NaN; // point 0: seed 1 diverged
  r.params!.b!.data[4 * set.nFeatures] = Infinity; // point 1, seed 1: an infinite bias
  for (let s = 0; s < set.seeds; s++) r.loss[2 * set.seeds + s] = NaN; // point 2: every seed diverged
  r.loss[3 * set.seeds + 2] = r.loss[3 * set.seeds]!; // point 3: a tie goes to the lower seed
  // As the trainer streams them: a diverged model's loss is NaN.
  for (const c of findDiverged(r)) r.loss[c] = NaN;
  return r;
}

const whole = sets.map((set, k) => {
  const results = trained(set, k);
  return { set, results, kept: selectSeeds(set, results.loss) };
});
const trainedInfo = sets.map(() => ({ layout: 'invocation' as const, chunks: 1, timings: { trainSeconds: 1, evaluateSeconds: 0, totalSeconds: 1 }, samplesPerSecond: 1 }));

let dir: string;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'streamed-run-'));
  await writeRunParquet(join(dir, 'whole'), { groups: whole }, { spec, rowGroupRows: 5 });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Streams every group in chunks of the given sizes (cycled) into `out`. */
async function stream(out: string, sizes: number[]) {
  const run = await StreamedRun.open(out, sets, { spec, rowGroupRows: 5 });
  for (const [k, g] of whole.entries()) {
    let start = 0;
    for (let c = 0; start < g.results.count; c++) {
      const count = Math.min(sizes[c % sizes.length]!, g.results.count - start);
      await run.add(k, start, count, sliceInstances(g.results, start, count, { copy: true }));
      start += count;
    }
  }
  return run.finish(trainedInfo);
}

describe('StreamedRun', () => {
  for (const sizes of [[12], [3], [1], [2], [5, 1, 7], [4]]) {
    it(`chunks of ${sizes.join(', ')} models give the whole run's Parquet bytes and kept seeds`, async () => {
      const out = join(dir, `chunks-${sizes.join('-')}`);
      const { groups, files } = await stream(out, sizes);
      expect(readFileSync(files.models)).toEqual(readFileSync(join(dir, 'whole', 'models.parquet')));
      expect(readFileSync(files.points)).toEqual(readFileSync(join(dir, 'whole', 'points.parquet')));
      for (const [k, g] of groups.entries()) {
        const w = whole[k]!;
        expect(Array.from(g.streamed!.keptSeed)).toEqual(Array.from(w.kept));
        expect(g.streamed).toMatchObject({ seeds: 3, instances: 12, diverged: findDiverged(w.results).length });
        expect(g.set.seeds).toBe(1);
        expect(Array.from(g.kept)).toEqual(Array.from(w.kept, (s) => (s >= 0 ? 0 : -1)));
        w.kept.forEach((seed, pos) => {
          if (seed < 0) return;
          const inst = pos * 3 + seed;
          expect(g.results.loss[pos]).toBe(w.results.loss[inst]);
          for (const [name, t] of Object.entries(w.results.params!)) {
            const size = t.data.length / w.results.count;
            expect(Array.from(g.results.params![name]!.data.subarray(pos * size, (pos + 1) * size))).toEqual(Array.from(t.data.subarray(inst * size, (inst + 1) * size)));
          }
          expect(Array.from(g.results.extra!.neuronMaxShare?.subarray(pos * 2, pos * 2 + 2) ?? [])).toEqual(Array.from(w.results.extra!.neuronMaxShare?.subarray(inst * 2, inst * 2 + 2) ?? []));
        });
      }
      // The known cases: a diverged seed, an infinite bias, a point with no finite seed, a tie.
      expect(Array.from(groups[0]!.streamed!.keptSeed.subarray(2, 3))).toEqual([-1]);
      expect(groups[0]!.streamed!.keptSeed[1]).not.toBe(1);
      expect(groups[0]!.streamed!.keptSeed[0]).not.toBe(1);
    });
  }

  it('refuses a chunk out of order, and a finish before every model arrived (removing its files)', async () => {
    const out = join(dir, 'refused');
    const run = await StreamedRun.open(out, sets, { spec });
    const g = whole[0]!;
    await expect(run.add(0, 3, 3, sliceInstances(g.results, 3, 3))).rejects.toThrow(/next expected is 0/);
    await run.add(0, 0, 3, sliceInstances(g.results, 0, 3));
    await expect(run.add(5, 0, 3, sliceInstances(g.results, 0, 3))).rejects.toThrow(RangeError);
    await expect(run.finish(trainedInfo)).rejects.toThrow(/group 0 \(relu\) received 3 of 12 models/);
    expect(existsSync(out) ? readdirSync(out) : []).toEqual([]);
  });
});
