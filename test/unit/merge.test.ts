/**
 * Merging shards (src/headless/merge.ts): hand-made sweeps are written whole with the real writer,
 * and split into shards that are written with the same writer; the merge of the shards must be the
 * unsharded results.json and cells.csv, and each refusal must name the shard. No GPU.
 */
import { cpu, gpu } from '../helpers/devices.js';
import { describe, expect, it } from 'vitest';
import { invocationWorkgroupSize } from '../../src/engine/planner.js';
import type { DeviceInfo, KernelLayout } from '../../src/engine/types.js';
import { parseResultsJson } from '../../src/science/results-file.js';
import { selectSeeds } from '../../src/science/seeds.js';
import { parseSpec, resolveSpecGroups, type SweepSpec } from '../../src/science/spec.js';
import type { ModelResults, ModelSet } from '../../src/science/types.js';
import type { GroupResult, SweepRun } from '../../src/headless/run-types.js';
import { buildCellsCsv, buildResultsJson, type ResultsMeta } from '../../src/headless/writers.js';
import { formatMergeProgress, MergeError, mergeProgress, mergeShardResults, type MergeProblem, type ShardInput } from '../../src/headless/merge.js';
import { describeShard, shardSets, wholeSweepLayouts, type ShardAssignment } from '../../src/headless/shard.js';


/** What the trainer reports as layoutDetail for `instances` models (src/engine/trainer.ts). */
function detailFor(layout: KernelLayout, instances: number): string {
  if (layout === 'per-workgroup') return 'per-workgroup: 64 invocations per model';
  if (layout === 'workgroup') return 'workgroup: 64 invocations, tile 8 examples, θ in workgroup memory';
  return `${layout}: ${invocationWorkgroupSize(instances)} models per workgroup`;
}

/**
 * Deterministic fake results of a whole group: every point's seeds differ in loss; W makes the
 * regimes vary (not represented, superposed, dedicated); instance `divergedInstance` is NaN.
 */
function fakeResults(set: ModelSet, divergedInstance: number): ModelResults {
  const { nFeatures: n, nHidden: m, seeds } = set;
  const count = set.points.length * seeds;
  const z = (k: number) => new Float32Array(count * k);
  const r: ModelResults = { count, nFeatures: n, nHidden: m, W: z(m * n), b: z(n), loss: z(1), featureNorm: z(n), superposition: z(n), dimensionality: z(n), dimsPerFeature: z(1), benefit: z(n) };
  for (let inst = 0; inst < count; inst++) {
    const pos = Math.floor(inst / seeds);
    const seed = inst % seeds;
    const g = set.points[pos]!.index;
    const w1 = [0, 1, -1, 0.3][(g + seed) % 4]!;
    for (let j = 0; j < m; j++) for (let i = 0; i < n; i++) r.W[(inst * m + j) * n + i] = i === n - 1 ? w1 / (j + 1) : (j === i % m ? 1 : 0.1) + 0.001 * g;
    for (let i = 0; i < n; i++) {
      r.b[inst * n + i] = -0.01 * i - 0.0001 * g;
      r.featureNorm[inst * n + i] = i === n - 1 ? Math.abs(w1) : 1;
      r.superposition[inst * n + i] = i === n - 1 ? w1 * w1 : 0.05 * (g % 3);
      r.dimensionality[inst * n + i] = 1 / (1 + i + seed);
      r.benefit[inst * n + i] = Math.sin(g + i + seed / 7);
    }
    r.loss[inst] = 0.1 + ((g * 7 + seed * 13) % 11) / 37;
    r.dimsPerFeature[inst] = m / (n + w1 * w1);
  }
  if (divergedInstance < count) {
    r.loss[divergedInstance] = NaN;
    r.W[divergedInstance * m * n] = NaN;
  }
  return r;
}

/** An unsharded run of `spec` as a backend would return it on `device`. */
function wholeRun(spec: SweepSpec, device: DeviceInfo, divergedInstance = 1): SweepRun {
  const sets = resolveSpecGroups(spec);
  const layouts = wholeSweepLayouts(sets, device);
  const groups: GroupResult[] = sets.map((set, k) => {
    const results = fakeResults(set, divergedInstance);
    const instances = results.count;
    return { set, results, kept: selectSeeds(set, results.loss), layout: layouts[k]!, layoutDetail: detailFor(layouts[k]!, instances), chunks: 1, timings: { trainSeconds: 2, evaluateSeconds: 0.5, totalSeconds: 2.5 }, samplesPerSecond: 1e6 };
  });
  return { backend: 'node', device, groups, timings: { acquireSeconds: 0.5, totalSeconds: 3 } };
}

/** Copies instance `inst`'s slice of a per-instance array. */
function sliceInstances(a: Float32Array, count: number, instances: number[]): Float32Array {
  const width = a.length / count;
  const out = new Float32Array(instances.length * width);
  instances.forEach((inst, k) => out.set(a.subarray(inst * width, (inst + 1) * width), k * width));
  return out;
}

/** What shard `shard` of `run` would have trained: the same models (keyed by grid index), with the whole sweep's layouts. */
function shardRun(run: SweepRun, shard: ShardAssignment): SweepRun {
  const whole = run.groups.map((g) => g.set);
  const groups = shardSets(whole, shard).map((set): GroupResult => {
    const full = run.groups.find((g) => g.set.model === set.model)!;
    const position = new Map(full.set.points.map((p, pos) => [p.index, pos]));
    const instances = set.points.flatMap((p) => Array.from({ length: set.seeds }, (_, s) => position.get(p.index)! * set.seeds + s));
    const r = full.results;
    const slice = (a: Float32Array) => sliceInstances(a, r.count, instances);
    const results: ModelResults = { count: instances.length, nFeatures: r.nFeatures, nHidden: r.nHidden, W: slice(r.W), b: slice(r.b), loss: slice(r.loss), featureNorm: slice(r.featureNorm), superposition: slice(r.superposition), dimensionality: slice(r.dimensionality), dimsPerFeature: slice(r.dimsPerFeature), benefit: slice(r.benefit) };
    return { set, results, kept: selectSeeds(set, results.loss), layout: full.layout, layoutDetail: detailFor(full.layout, instances.length), chunks: 1, timings: { trainSeconds: 1, evaluateSeconds: 0.25, totalSeconds: 1.25 }, samplesPerSecond: 5e5 };
  });
  return { backend: run.backend, device: run.device, groups, timings: { acquireSeconds: 0.25, totalSeconds: 1.5 } };
}

const META: ResultsMeta = { metric: { name: 'regime', feature: 1 }, png: false, createdAt: '2026-01-01T00:00:00.000Z' };
const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;

/** Every shard folder of `run` split N ways, as the CLI would write them (results.json and shard.json, JSON round-tripped). */
function shardInputs(spec: SweepSpec, run: SweepRun, count: number): ShardInput[] {
  return Array.from({ length: count }, (_, index) => {
    const part = shardRun(run, { index, count });
    return {
      dir: `results/shard-${index}`,
      results: clone(buildResultsJson(spec, part, META)),
      manifest: clone(describeShard(spec, { index, count }, part, { source: 'kubernetes', createdAt: META.createdAt! })),
    };
  });
}

/** results.json without its provenance (timings and per-group chunks, timings, samples/s), as text: key order counts. */
function withoutProvenance(json: Record<string, unknown>): string {
  const { timings: _t, ...rest } = json;
  const groups = (rest.groups as Record<string, unknown>[]).map(({ chunks: _c, timings: _g, samplesPerSecond: _s, ...g }) => g);
  return JSON.stringify({ ...rest, groups });
}

// A phase diagram n = 2, m = 1 (exact theory applies), 4 × 3 points, 3 seeds, one diverged model.
const phase = parseSpec({
  model: 'relu',
  nFeatures: 2,
  nHidden: 1,
  x: { param: 'featureProbability', min: 0.05, max: 1, count: 4 },
  y: { param: 'importance', mode: 'last', min: 0.2, max: 5, count: 3 },
  seeds: 3,
  training: { steps: 100, batchSize: 16 },
});
// Two model kinds on a model axis, 2 × 5 points: shards of even N hold one kind only.
const kinds = parseSpec({
  nFeatures: 4,
  nHidden: 2,
  x: { param: 'model', values: ['relu', 'linear'] },
  y: { param: 'featureProbability', min: 0.1, max: 1, count: 5 },
  seeds: 2,
  training: { steps: 50, batchSize: 8 },
});
// The same with 32 seeds: 160 models per group, so a one-invocation-per-model layout groups 8
// models per workgroup for the whole sweep but 4 for a shard of 32 (invocationWorkgroupSize).
const manySeeds = parseSpec({ ...kinds, seeds: 32 });

function mergeError(f: () => unknown, problem: MergeProblem): MergeError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(MergeError);
    expect((e as MergeError).problem, (e as Error).message).toBe(problem);
    return e as MergeError;
  }
  throw new Error(`expected a MergeError (${problem})`);
}

describe('mergeShardResults equals the unsharded run', () => {
  const cases = [
    { name: 'phase diagram on a GPU', spec: phase, device: gpu },
    { name: 'model axis on a GPU', spec: kinds, device: gpu },
    { name: 'model axis on a CPU adapter (per-shard layout details differ)', spec: manySeeds, device: cpu },
  ];
  for (const { name, spec, device } of cases) {
    describe(name, () => {
      const run = wholeRun(spec, device);
      const unsharded = buildResultsJson(spec, run, { ...META, png: true });
      const points = unsharded.points as unknown[];

      it.each([1, 2, 3, 5, points.length + 4])('N = %i: same results.json (but provenance) and cells.csv', (count) => {
        const inputs = shardInputs(spec, run, count).reverse(); // any order
        const merged = mergeShardResults(inputs, { createdAt: META.createdAt!, metric: META.metric, png: true });
        const json = merged.json();
        expect(withoutProvenance(json)).toBe(withoutProvenance(unsharded));
        expect(merged.cellsCsv()).toBe(buildCellsCsv(spec, run));
        expect([...merged.chunks()].join('').endsWith(']}\n')).toBe(true);
        // Provenance: sums over the shards.
        expect(json.timings).toEqual({ acquireSeconds: 0.25 * count, totalSeconds: 1.5 * count });
        expect(merged.report).toMatchObject({ shardCount: count, points: points.length, cells: (unsharded.cells as unknown[]).length, diverged: unsharded.diverged, theoryAgreement: unsharded.theoryAgreement, warnings: [] });
        expect(merged.report.shards.map((s) => s.index)).toEqual(Array.from({ length: count }, (_, k) => k));
        // The merged file loads like any results.json.
        const loaded = parseResultsJson(json);
        loaded.groups.forEach((g, k) => expect([...g.kept]).toEqual([...run.groups[k]!.kept]));
      });
    });
  }

  it('counts a diverged model whose cell came from models.parquet (NaN, not null)', () => {
    const run = wholeRun(phase, gpu);
    const inputs = shardInputs(phase, run, 2).map((input) => {
      const results = structuredClone(input.results) as { cells: { loss: number | null; params: Record<string, { data: (number | null)[] }> }[] };
      // What withParquetCells hands the merge: float32 values, NaN where results.json writes null.
      for (const c of results.cells) {
        if (c.loss === null) c.loss = NaN;
        for (const t of Object.values(c.params)) t.data = t.data.map((v) => (v === null ? NaN : v));
      }
      return { ...input, results };
    });
    const merged = mergeShardResults(inputs, { createdAt: META.createdAt! });
    expect(merged.json().diverged).toBe(1);
  });

  it('recomputes the whole-sweep aggregates (the fixtures exercise them)', () => {
    const run = wholeRun(phase, gpu);
    const unsharded = buildResultsJson(phase, run, META);
    expect(unsharded.diverged).toBe(1);
    expect(unsharded.theoryAgreement).not.toBeNull();
    const merged = mergeShardResults(shardInputs(phase, run, 3), { createdAt: META.createdAt! });
    expect(merged.json().theoryAgreement).toEqual(unsharded.theoryAgreement);
    expect(merged.json().diverged).toBe(1);
    expect(merged.json().phaseDiagram).toBeNull();
    expect(merged.json().metric).toEqual(META.metric); // the shards' metric by default
    // Drawing happens after the merge: the caller then asks for the file with phaseDiagram set.
    const drawn = merged.json({ png: true, metric: { name: 'norm' } });
    expect(drawn).toMatchObject({ phaseDiagram: 'phase-diagram.png', metric: { name: 'norm' }, createdAt: META.createdAt });
  });

  it('on a CPU adapter the merged layoutDetail is the whole sweep\'s, not a shard\'s', () => {
    const run = wholeRun(manySeeds, cpu);
    const inputs = shardInputs(manySeeds, run, 5);
    const merged = mergeShardResults(inputs, { createdAt: META.createdAt! });
    const groups = merged.json().groups as { layout: string; layoutDetail: string }[];
    expect(groups.map((g) => g.layout)).toEqual(['registers', 'registers']);
    expect(groups.map((g) => g.layoutDetail)).toEqual(['registers: 8 models per workgroup', 'registers: 8 models per workgroup']);
    expect(inputs.map((s) => (s.results as { groups: { layoutDetail: string }[] }).groups[0]!.layoutDetail)).toEqual(Array(5).fill('registers: 4 models per workgroup'));
  });
});

describe('mergeShardResults refuses, naming the shard', () => {
  const run = wholeRun(phase, gpu);
  const fresh = () => shardInputs(phase, run, 4);
  type Json = Record<string, unknown>;
  const results = (s: ShardInput) => s.results as Json;
  const manifest = (s: ShardInput) => s.manifest as Json;

  it('no shard folders', () => {
    mergeError(() => mergeShardResults([]), 'empty');
  });

  it('missing shards, listing which K', () => {
    const inputs = fresh().filter((_, k) => k !== 1 && k !== 3);
    const e = mergeError(() => mergeShardResults(inputs), 'missing');
    expect(e.message).toMatch(/^missing shards 1, 3 of 4 \(present: 0, 2\)/);
  });

  it('a duplicate shard, naming both folders', () => {
    const inputs = fresh();
    inputs.push({ ...inputs[2]!, dir: 'elsewhere/shard-2' });
    const e = mergeError(() => mergeShardResults(inputs), 'duplicate');
    expect(e.message).toContain('shard 2 of 4 appears 2 times: results/shard-2, elsewhere/shard-2');
  });

  it('shards of different specs', () => {
    const other = parseSpec({ ...phase, seed: 7 });
    const inputs = fresh();
    inputs[3] = shardInputs(other, wholeRun(other, gpu), 4)[3]!;
    const e = mergeError(() => mergeShardResults(inputs), 'spec');
    expect(e.message).toMatch(/^shards of different specs: shard 3 \(results\/shard-3\) has spec sha256:[0-9a-f]{12}…, shard 0 \(results\/shard-0\) has sha256:/);
  });

  it('shards of different N', () => {
    const inputs = fresh();
    inputs[2] = shardInputs(phase, run, 3)[2]!;
    expect(mergeError(() => mergeShardResults(inputs), 'count').message).toContain('shard 2 (results/shard-2) is one of 3 shards, shard 0 (results/shard-0) one of 4');
  });

  it('shards of different backends', () => {
    const inputs = fresh();
    results(inputs[1]!).backend = 'chromium';
    manifest(inputs[1]!).backend = 'chromium';
    expect(mergeError(() => mergeShardResults(inputs), 'backend').message).toContain('shard 1 (results/shard-1) was trained by --backend chromium');
  });

  it('shards of different adapters', () => {
    const inputs = fresh();
    const a100 = { ...gpu, architecture: 'ampere', description: 'NVIDIA A100' };
    results(inputs[1]!).device = a100;
    manifest(inputs[1]!).adapter = a100;
    expect(mergeError(() => mergeShardResults(inputs), 'adapter').message).toContain('shard 1 (results/shard-1) ran on nvidia ampere NVIDIA A100 (node), shard 0 (results/shard-0) on nvidia hopper NVIDIA H100 (node)');
  });

  it('shards of different versions', () => {
    const inputs = fresh();
    manifest(inputs[2]!).version = '0.0.1';
    expect(mergeError(() => mergeShardResults(inputs), 'version').message).toContain('shard 2 (results/shard-2) was written by superposition-webgpu 0.0.1');
  });

  it('a layout other than the whole sweep\'s (what an unforced GPU shard of a large sweep would do)', () => {
    const inputs = fresh();
    for (const s of inputs) {
      for (const g of results(s).groups as Json[]) g.layout = 'per-model';
      for (const g of manifest(s).groups as Json[]) g.layout = 'per-model';
    }
    expect(mergeError(() => mergeShardResults(inputs), 'layout').message).toMatch(/^shard 0 \(results\/shard-0\): group relu was trained with the per-model layout, but the whole sweep \(36 models\) gets per-workgroup on nvidia hopper NVIDIA H100 \(node\)/);
  });

  it('layout details that change summation order and differ between shards', () => {
    const inputs = fresh();
    (results(inputs[2]!).groups as Json[])[0]!.layoutDetail = 'per-workgroup: 32 invocations per model';
    (manifest(inputs[2]!).groups as Json[])[0]!.layoutDetail = 'per-workgroup: 32 invocations per model';
    expect(mergeError(() => mergeShardResults(inputs), 'layout').message).toContain('shard 2 (results/shard-2): group relu was trained as "per-workgroup: 32 invocations per model"');
  });

  it('a shard missing a cell, holding a foreign one, or miscounting its diverged models', () => {
    let inputs = fresh();
    (results(inputs[1]!).cells as unknown[]).pop();
    expect(mergeError(() => mergeShardResults(inputs), 'contents').message).toMatch(/^shard 1 \(results\/shard-1\): results\.json has 8 cells; shard 1 holds 3 points × 3 seeds = 9/);

    inputs = fresh();
    const foreign = (results(inputs[2]!).cells as Json[])[0]!;
    (results(inputs[1]!).cells as Json[])[0] = foreign;
    expect(mergeError(() => mergeShardResults(inputs), 'contents').message).toContain('shard 1 (results/shard-1): cells[0]: grid index 2 belongs to shard 2 (2 mod 4), not to this shard');

    inputs = fresh();
    results(inputs[0]!).diverged = 0;
    expect(mergeError(() => mergeShardResults(inputs), 'contents').message).toContain('shard 0 (results/shard-0): results.json says diverged = 0, but 1 of its cells hold NaN/Inf');
  });

  it('a folder without shard.json or results.json, or whose two files do not belong together', () => {
    let inputs = fresh();
    inputs[1] = { ...inputs[1]!, manifest: undefined };
    expect(mergeError(() => mergeShardResults(inputs), 'invalid').message).toBe('results/shard-1: no shard.json; not a shard folder, or its run has not finished');

    inputs = fresh();
    inputs[1] = { ...inputs[1]!, results: undefined };
    expect(mergeError(() => mergeShardResults(inputs), 'invalid').message).toContain('shard 1 (results/shard-1): results.json is missing');

    inputs = fresh();
    inputs[3] = { ...inputs[3]!, manifest: shardInputs(kinds, wholeRun(kinds, gpu), 4)[3]!.manifest };
    expect(mergeError(() => mergeShardResults(inputs), 'invalid').message).toMatch(/^shard 3 \(results\/shard-3\): shard\.json's specHash .* is not the hash of its results\.json's spec/);

    inputs = fresh();
    results(inputs[0]!).format = 'superposition-webgpu/results@1';
    expect(mergeError(() => mergeShardResults(inputs), 'invalid').message).toContain('shard 0 (results/shard-0): results.json has format "superposition-webgpu/results@1"');

    inputs = fresh();
    manifest(inputs[0]!).shard = { index: 5, count: 4 };
    expect(mergeError(() => mergeShardResults(inputs), 'invalid').message).toMatch(/^results\/shard-0\/shard\.json: shard: /);
  });
});

describe('mergeProgress', () => {
  const run = wholeRun(phase, gpu);

  it('reports a partial set: present, missing, points done', () => {
    const inputs = shardInputs(phase, run, 4).filter((_, k) => k === 0 || k === 2);
    const p = mergeProgress(inputs);
    expect(p).toMatchObject({ shardCount: 4, missing: [1, 3], duplicates: [], problems: [], pointsDone: 6, pointsTotal: 12, complete: false });
    expect(p.present).toEqual([
      { index: 0, dir: 'results/shard-0', points: 3, cells: 9 },
      { index: 2, dir: 'results/shard-2', points: 3, cells: 9 },
    ]);
    expect(formatMergeProgress(p)).toBe('2 of 4 shards present (0, 2); missing: 1, 3\n6 of 12 grid points done (50.0 %)\nnot ready to merge\n');
  });

  it('lists folders it cannot use and duplicates, without throwing', () => {
    const inputs = shardInputs(phase, run, 4);
    const other = parseSpec({ ...phase, seed: 7 });
    inputs.push(shardInputs(other, wholeRun(other, gpu), 4)[1]!, { dir: 'results/shard-x', results: undefined, manifest: undefined }, { ...inputs[0]!, dir: 'copy/shard-0' });
    const p = mergeProgress(inputs);
    expect(p.complete).toBe(false);
    expect(p.missing).toEqual([]);
    expect(p.duplicates).toEqual([{ index: 0, dirs: ['results/shard-0', 'copy/shard-0'] }]);
    expect(p.problems.map((q) => q.dir)).toEqual(['results/shard-x', 'results/shard-1']);
    expect(p.problems[1]!.message).toMatch(/shards of different specs/);
    expect(p.pointsDone).toBe(12);
  });

  it('a complete set is ready to merge', () => {
    const p = mergeProgress(shardInputs(phase, run, 3));
    expect(p).toMatchObject({ shardCount: 3, missing: [], problems: [], complete: true, pointsDone: 12, pointsTotal: 12 });
    expect(formatMergeProgress(p)).toContain('complete: ready to merge');
  });

  it('no readable folder', () => {
    const p = mergeProgress([{ dir: 'nothing', results: undefined, manifest: undefined }]);
    expect(p).toMatchObject({ shardCount: null, pointsTotal: null, complete: false });
    expect(formatMergeProgress(p)).toContain('no readable shard folder');
  });
});
