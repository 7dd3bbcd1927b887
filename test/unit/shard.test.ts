/** Shard assignment (src/headless/shard.ts): --shard, scheduler environments, splitting a sweep, the manifest. No GPU. */
import { cpu, gpu } from '../helpers/devices.js';
import { ENGINE_VERSION } from '../../src/headless/provenance.js';
import { describe, expect, it } from 'vitest';
import { chooseLayout } from '../../src/engine/planner.js';
import type { DeviceInfo } from '../../src/engine/types.js';
import { parseSpec, resolveSpecGroups } from '../../src/science/spec.js';
import { selectSeeds } from '../../src/science/seeds.js';
import type { ModelResults, ModelSet } from '../../src/science/types.js';
import type { SweepRun } from '../../src/headless/run-types.js';
import {
  canonicalJson,
  describeShard,
  MAX_SHARD_COUNT,
  parseShard,
  parseShardManifest,
  SHARD_MANIFEST_FORMAT,
  ShardError,
  shardFromEnvironment,
  shardSets,
  specHash,
  wholeSweepLayouts,
} from '../../src/headless/shard.js';

function shardMessage(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(ShardError);
    return (e as Error).message;
  }
  throw new Error('expected a ShardError');
}


describe('parseShard (--shard K/N)', () => {
  it('reads K/N with K counted from 0', () => {
    expect(parseShard('0/1')).toEqual({ index: 0, count: 1 });
    expect(parseShard('3/8')).toEqual({ index: 3, count: 8 });
    expect(parseShard(' 2 / 4 ')).toEqual({ index: 2, count: 4 });
    expect(parseShard(`0/${MAX_SHARD_COUNT}`)).toEqual({ index: 0, count: MAX_SHARD_COUNT });
  });

  it.each(['8/8', '9/8', '0/0', `0/${MAX_SHARD_COUNT + 1}`])('refuses %s as out of range, naming the value and the range', (text) => {
    const message = shardMessage(() => parseShard(text));
    expect(message).toContain(JSON.stringify(text));
    expect(message).toContain('out of range');
    expect(message).toMatch(/allowed: K\/N with integers 0 ≤ K < N/);
  });

  it.each(['', '3', '-1/4', '1.5/4', '1e1/20', 'a/b', '1/2/3', '0x1/4', '1/'])('refuses %j as not K/N', (text) => {
    const message = shardMessage(() => parseShard(text));
    expect(message).toContain(`--shard: ${JSON.stringify(text)} is not K/N`);
    expect(message).toContain('allowed:');
  });
});

describe('shardFromEnvironment', () => {
  it('is null outside a job array', () => {
    expect(shardFromEnvironment({})).toBeNull();
    expect(shardFromEnvironment({ SLURM_JOB_ID: '12', HOSTNAME: 'x' })).toBeNull();
  });

  describe('Kubernetes Indexed Job', () => {
    it('K = JOB_COMPLETION_INDEX, N = --shard-count', () => {
      expect(shardFromEnvironment({ JOB_COMPLETION_INDEX: '3' }, 8)).toEqual({ index: 3, count: 8, source: 'kubernetes' });
      expect(shardFromEnvironment({ JOB_COMPLETION_INDEX: '0' }, 1)).toEqual({ index: 0, count: 1, source: 'kubernetes' });
    });

    it('needs --shard-count', () => {
      expect(shardMessage(() => shardFromEnvironment({ JOB_COMPLETION_INDEX: '3' }))).toMatch(/JOB_COMPLETION_INDEX=3 is set .*pass --shard-count N with N = the Job's spec.completions/);
    });

    it('refuses an index outside 0..N-1 and values that are not integers', () => {
      expect(shardMessage(() => shardFromEnvironment({ JOB_COMPLETION_INDEX: '8' }, 8))).toMatch(/JOB_COMPLETION_INDEX=8 is out of range for --shard-count 8; allowed: 0\.\.7/);
      for (const bad of ['', 'x', '-1', '1.5', '2e3']) {
        expect(shardMessage(() => shardFromEnvironment({ JOB_COMPLETION_INDEX: bad }, 8))).toContain(`JOB_COMPLETION_INDEX=${JSON.stringify(bad)} is not an integer`);
      }
    });

    it('refuses a --shard-count out of range', () => {
      expect(shardMessage(() => shardFromEnvironment({ JOB_COMPLETION_INDEX: '0' }, 0))).toMatch(/--shard-count: 0 is out of range; allowed: integers 1\.\./);
      expect(shardMessage(() => shardFromEnvironment({ JOB_COMPLETION_INDEX: '0' }, 2.5))).toContain('--shard-count: 2.5 is out of range');
    });
  });

  describe('Slurm job array', () => {
    /** The variables Slurm sets in task `id` of `--array=min-max:step`. */
    function slurmEnv(id: number, min: number, max: number, step = 1): NodeJS.ProcessEnv {
      const count = Math.floor((max - min) / step) + 1;
      return { SLURM_ARRAY_JOB_ID: '100', SLURM_ARRAY_TASK_ID: String(id), SLURM_ARRAY_TASK_MIN: String(min), SLURM_ARRAY_TASK_MAX: String(max), SLURM_ARRAY_TASK_STEP: String(step), SLURM_ARRAY_TASK_COUNT: String(count) };
    }

    it('--array=0-7: K = SLURM_ARRAY_TASK_ID, N = SLURM_ARRAY_TASK_COUNT', () => {
      for (let id = 0; id <= 7; id++) expect(shardFromEnvironment(slurmEnv(id, 0, 7))).toEqual({ index: id, count: 8, source: 'slurm' });
    });

    it('--array=1-8: K = TASK_ID - TASK_MIN', () => {
      expect(shardFromEnvironment(slurmEnv(1, 1, 8))).toEqual({ index: 0, count: 8, source: 'slurm' });
      expect(shardFromEnvironment(slurmEnv(8, 1, 8))).toEqual({ index: 7, count: 8, source: 'slurm' });
    });

    it('--array=0-15:2 (a step): K = (TASK_ID - TASK_MIN) / STEP covers 0..7 once', () => {
      const ks = [0, 2, 4, 6, 8, 10, 12, 14].map((id) => shardFromEnvironment(slurmEnv(id, 0, 14, 2)));
      expect(ks.map((s) => s!.index)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
      expect(ks.every((s) => s!.count === 8)).toBe(true);
      // Slurm reports MAX = 14 for 0-15:2; the range 1-7:2 is the same shape shifted.
      expect(shardFromEnvironment(slurmEnv(5, 1, 7, 2))).toEqual({ index: 2, count: 4, source: 'slurm' });
    });

    it('works without TASK_MAX and TASK_STEP (step 1)', () => {
      expect(shardFromEnvironment({ SLURM_ARRAY_TASK_ID: '4', SLURM_ARRAY_TASK_MIN: '2', SLURM_ARRAY_TASK_COUNT: '4' })).toEqual({ index: 2, count: 4, source: 'slurm' });
    });

    it('refuses arrays that are not one evenly stepped range (--array=1,3,9)', () => {
      const env = { SLURM_ARRAY_TASK_ID: '3', SLURM_ARRAY_TASK_MIN: '1', SLURM_ARRAY_TASK_MAX: '9', SLURM_ARRAY_TASK_STEP: '1', SLURM_ARRAY_TASK_COUNT: '3' };
      expect(shardMessage(() => shardFromEnvironment(env))).toMatch(/not one evenly stepped range .*submit it as --array=0-2/);
    });

    it('refuses a task ID that is not on the stepped range', () => {
      expect(shardMessage(() => shardFromEnvironment(slurmEnv(3, 0, 14, 2)))).toContain('SLURM_ARRAY_TASK_ID=3 is not an index of the array 0-14:2');
    });

    it('refuses missing or non-integer variables, naming them', () => {
      expect(shardMessage(() => shardFromEnvironment({ SLURM_ARRAY_TASK_ID: '3' }))).toContain('SLURM_ARRAY_TASK_ID=3 is set but SLURM_ARRAY_TASK_MIN is not');
      expect(shardMessage(() => shardFromEnvironment({ SLURM_ARRAY_TASK_ID: '3', SLURM_ARRAY_TASK_MIN: '0' }))).toContain('SLURM_ARRAY_TASK_COUNT is not');
      expect(shardMessage(() => shardFromEnvironment({ ...slurmEnv(3, 0, 7), SLURM_ARRAY_TASK_ID: 'three' }))).toContain('SLURM_ARRAY_TASK_ID="three" is not an integer');
      expect(shardMessage(() => shardFromEnvironment({ ...slurmEnv(3, 0, 7), SLURM_ARRAY_TASK_STEP: '0' }))).toContain('SLURM_ARRAY_TASK_STEP=0 is out of range');
      expect(shardMessage(() => shardFromEnvironment({ ...slurmEnv(0, 0, 0), SLURM_ARRAY_TASK_COUNT: '0' }))).toContain('SLURM_ARRAY_TASK_COUNT=0 is out of range');
    });

    it('checks a --shard-count against SLURM_ARRAY_TASK_COUNT', () => {
      expect(shardFromEnvironment(slurmEnv(2, 0, 7), 8)).toEqual({ index: 2, count: 8, source: 'slurm' });
      expect(shardMessage(() => shardFromEnvironment(slurmEnv(2, 0, 7), 4))).toContain('--shard-count 4 disagrees with SLURM_ARRAY_TASK_COUNT=8');
    });
  });

  it('refuses both schedulers at once, and --shard-count outside a job array', () => {
    expect(shardMessage(() => shardFromEnvironment({ JOB_COMPLETION_INDEX: '0', SLURM_ARRAY_TASK_ID: '0' }, 2))).toMatch(/both JOB_COMPLETION_INDEX .* and SLURM_ARRAY_TASK_ID/);
    expect(shardMessage(() => shardFromEnvironment({}, 4))).toMatch(/--shard-count 4 was given, but neither JOB_COMPLETION_INDEX .* nor SLURM_ARRAY_TASK_ID/);
  });
});

const gridSpec = parseSpec({
  nFeatures: 4,
  nHidden: 2,
  x: { param: 'model', values: ['relu', 'linear'] },
  y: { param: 'featureProbability', min: 0.1, max: 1, count: 5 },
  seeds: 3,
  training: { steps: 10, batchSize: 8 },
});

describe('shardSets', () => {
  const whole = resolveSpecGroups(gridSpec);

  it('covers every point exactly once across K = 0..N-1 (N up to past the number of points), in grid order, keeping every seed', () => {
    const all = whole.flatMap((s) => s.points.map((p) => `${s.model}:${p.index}`)).sort();
    expect(all).toHaveLength(10);
    for (let count = 1; count <= 13; count++) {
      const seen: string[] = [];
      for (let index = 0; index < count; index++) {
        const sets = shardSets(whole, { index, count });
        for (const set of sets) {
          expect(set.points.length).toBeGreaterThan(0); // empty sets are dropped
          expect(set.seeds).toBe(3);
          expect({ ...set, points: [] }).toEqual({ ...whole.find((w) => w.model === set.model)!, points: [] });
          const indices = set.points.map((p) => p.index);
          expect(indices).toEqual([...indices].sort((a, b) => a - b));
          for (const p of set.points) {
            expect(p.index % count).toBe(index);
            expect(p).toEqual(whole.find((w) => w.model === set.model)!.points.find((q) => q.index === p.index));
            seen.push(`${set.model}:${p.index}`);
          }
        }
      }
      expect(seen.sort()).toEqual(all);
    }
  });

  it('drops sets that keep no point, and returns [] for a shard past the last point', () => {
    // x is the model axis: even grid indices are relu, odd ones linear.
    expect(shardSets(whole, { index: 0, count: 2 }).map((s) => s.model)).toEqual(['relu']);
    expect(shardSets(whole, { index: 1, count: 2 }).map((s) => s.model)).toEqual(['linear']);
    expect(shardSets(whole, { index: 11, count: 12 })).toEqual([]);
  });

  it('refuses an invalid assignment', () => {
    expect(shardMessage(() => shardSets(whole, { index: 2, count: 2 }))).toContain('shard: 2/2 is out of range');
    expect(shardMessage(() => shardSets(whole, { index: 0, count: 0 }))).toContain('out of range');
  });
});

describe('specHash', () => {
  it('hashes the validated spec: defaults written out or not, keys in any order', () => {
    const raw = { nFeatures: 2, nHidden: 1, featureProbability: 0.1, seeds: 2 };
    const h = specHash(raw);
    expect(h).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(specHash(parseSpec(raw))).toBe(h);
    expect(specHash(JSON.parse(JSON.stringify(parseSpec(raw))))).toBe(h);
    expect(specHash({ seeds: 2, featureProbability: 0.1, nHidden: 1, nFeatures: 2, training: { steps: 10_000 } })).toBe(h);
    expect(specHash({ ...raw, seeds: 3 })).not.toBe(h);
    expect(specHash({ ...raw, training: { learningRate: 0.002 } })).not.toBe(h);
  });

  it('canonicalJson sorts keys at every depth', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { f: 1, e: 2 }], c: undefined } })).toBe('{"a":{"d":[3,{"e":2,"f":1}]},"b":1}');
  });
});

describe('wholeSweepLayouts: the layout may not depend on how many points a run holds', () => {
  const big = parseSpec({ nFeatures: 4, nHidden: 2, x: { param: 'featureProbability', min: 0.01, max: 1, count: 256 }, y: { param: 'importance', mode: 'last', min: 0.1, max: 10, count: 64 }, seeds: 4 });
  const whole = resolveSpecGroups(big); // 65 536 models

  it('on a GPU the planner picks another layout for a shard of a large sweep; wholeSweepLayouts gives the whole sweep\'s', () => {
    const shard = shardSets(whole, { index: 0, count: 8 });
    const input = (set: ModelSet) => ({ instances: set.points.length * set.seeds, nFeatures: set.nFeatures, nHidden: set.nHidden, batchSize: set.training.batchSize, model: set.model });
    expect(chooseLayout(input(whole[0]!), gpu)).toBe('registers');
    expect(chooseLayout(input(shard[0]!), gpu)).toBe('per-workgroup'); // what an unforced shard run would get
    expect(wholeSweepLayouts(whole, gpu)).toEqual(['registers']);
  });

  it('on a CPU adapter the choice never depends on the count', () => {
    expect(wholeSweepLayouts(whole, cpu)).toEqual(['registers']);
    expect(wholeSweepLayouts(shardSets(whole, { index: 0, count: 8 }), cpu)).toEqual(['registers']);
  });
});

/** A trivial SweepRun over `sets` (zeros), as a backend would return it. */
function fakeRun(sets: ModelSet[], device: DeviceInfo): SweepRun {
  return {
    backend: 'node',
    device,
    timings: { acquireSeconds: 1, totalSeconds: 2 },
    groups: sets.map((set) => {
      const count = set.points.length * set.seeds;
      const z = (k: number) => new Float32Array(count * k);
      const results: ModelResults = { count, nFeatures: set.nFeatures, nHidden: set.nHidden, W: z(set.nFeatures * set.nHidden), b: z(set.nFeatures), loss: z(1), featureNorm: z(set.nFeatures), superposition: z(set.nFeatures), dimensionality: z(set.nFeatures), dimsPerFeature: z(1), benefit: z(set.nFeatures) };
      return { set, results, kept: selectSeeds(set, results.loss), layout: 'per-workgroup', layoutDetail: 'per-workgroup: 64 invocations per model', chunks: 1, timings: { trainSeconds: 1, evaluateSeconds: 0, totalSeconds: 1 }, samplesPerSecond: 1 };
    }),
  };
}

describe('the shard manifest', () => {
  const whole = resolveSpecGroups(gridSpec);

  it('describeShard records the spec hash, K/N, backend, adapter, layouts and grid indices; parseShardManifest reads it back', () => {
    const shard = { index: 1, count: 3 };
    const m = describeShard(gridSpec, shard, fakeRun(shardSets(whole, shard), gpu), { source: 'slurm', createdAt: 'then' });
    expect(m).toMatchObject({
      format: SHARD_MANIFEST_FORMAT,
      specHash: specHash(gridSpec),
      shard,
      source: 'slurm',
      backend: 'node',
      adapter: gpu,
      resultsFormat: 'superposition-webgpu/results@2',
      version: ENGINE_VERSION,
      totalPoints: 10,
      createdAt: 'then',
    });
    // Grid indices 1, 4, 7 (mod 3 = 1): relu at even indices, linear at odd ones.
    expect(m.groups).toEqual([
      { model: 'relu', layout: 'per-workgroup', layoutDetail: 'per-workgroup: 64 invocations per model', wholeSweepLayout: 'per-workgroup', instances: 3, gridIndices: [4] },
      { model: 'linear', layout: 'per-workgroup', layoutDetail: 'per-workgroup: 64 invocations per model', wholeSweepLayout: 'per-workgroup', instances: 6, gridIndices: [1, 7] },
    ]);
    expect(m.gridIndices).toEqual([1, 4, 7]);
    expect(parseShardManifest(JSON.parse(JSON.stringify(m)))).toEqual(m);
  });

  it('an empty shard has no groups and no grid indices', () => {
    const m = describeShard(gridSpec, { index: 11, count: 12 }, fakeRun([], gpu));
    expect(m.groups).toEqual([]);
    expect(m.gridIndices).toEqual([]);
    expect(m.source).toBe('flag');
  });

  it('parseShardManifest names the field and the file', () => {
    const m = JSON.parse(JSON.stringify(describeShard(gridSpec, { index: 0, count: 2 }, fakeRun(shardSets(whole, { index: 0, count: 2 }), gpu))));
    expect(shardMessage(() => parseShardManifest({ ...m, shard: { index: 2, count: 2 } }, 'out/shard.json'))).toMatch(/^out\/shard\.json: shard: allowed: 0 ≤ index < count/);
    expect(shardMessage(() => parseShardManifest({ ...m, format: 'superposition-webgpu/shard@9' }))).toMatch(/^shard\.json: format: .*this version reads superposition-webgpu\/shard@1/);
    expect(shardMessage(() => parseShardManifest({ ...m, specHash: 'abc' }))).toMatch(/^shard\.json: specHash: /);
    expect(shardMessage(() => parseShardManifest(null))).toMatch(/^shard\.json: manifest: /);
  });
});
