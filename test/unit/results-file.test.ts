/** Loading a saved results.json back (round trip through the CLI's writer; no GPU, no browser). */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { parseSpec, resolveSpecGroups, type SweepSpec } from '../../src/science/spec.js';
import { selectSeeds } from '../../src/science/seeds.js';
import { getPreset } from '../../src/science/presets.js';
import type { ModelResults, ModelSet } from '../../src/science/types.js';
import { buildResultsJson, round6 } from '../../src/headless/writers.js';
import type { GroupResult, SweepRun } from '../../src/headless/run-types.js';
import { loadResultsFile, parseResultsJson, ResultsFileError, type LoadedResults } from '../../src/science/results-file.js';

/** Deterministic values with many significant digits (so the writer's rounding matters). */
const val = (k: number, salt: number): number => Math.sin(k * 12.9898 + salt * 78.233) * (1 + salt);

/** Fake results: every array filled with distinct values; losses chosen so seed order varies; some NaN. */
function fakeGroup(set: ModelSet, salt: number, nanInstances: (inst: number) => boolean = () => false): GroupResult {
  const { nFeatures: n, nHidden: m, seeds } = set;
  const count = set.points.length * seeds;
  const fill = (length: number, s: number) => Float32Array.from({ length }, (_, k) => val(k, s + salt));
  const r: ModelResults = {
    count, nFeatures: n, nHidden: m,
    W: fill(count * m * n, 1), b: fill(count * n, 2), loss: Float32Array.from({ length: count }, (_, k) => 1.5 + val(k, 3 + salt)),
    featureNorm: fill(count * n, 4), superposition: fill(count * n, 5), dimensionality: fill(count * n, 6),
    dimsPerFeature: fill(count, 7), benefit: fill(count * n, 8),
  };
  for (let inst = 0; inst < count; inst++) if (nanInstances(inst)) r.loss[inst] = NaN;
  r.benefit[1] = Infinity; // written as null like NaN
  return { set, results: r, kept: selectSeeds(set, r.loss), layout: 'per-model', chunks: 1, timings: { trainSeconds: 1, evaluateSeconds: 0.1, totalSeconds: 1.1 }, samplesPerSecond: 1e6 };
}

function fakeRun(spec: SweepSpec, nanInstances?: (inst: number) => boolean): SweepRun {
  const device = { vendor: 'test', architecture: 'fake', device: '', description: '', runtime: 'node' as const, limits: { maxStorageBufferBindingSize: 1, maxBufferSize: 1, maxComputeWorkgroupsPerDimension: 1, maxComputeInvocationsPerWorkgroup: 1, maxComputeWorkgroupStorageSize: 1 } };
  return { backend: 'node', device, groups: resolveSpecGroups(spec).map((set, g) => fakeGroup(set, g * 10, nanInstances)), timings: { acquireSeconds: 0.1, totalSeconds: 1.2 } };
}

/** What a Float32Array holds after the writer's 6-digit rounding and the loader's float32 store. */
const rounded = (a: Float32Array): Float32Array => Float32Array.from(a, (v) => round6(v) ?? NaN);

const resultKeys = ['W', 'b', 'loss', 'featureNorm', 'superposition', 'dimensionality', 'dimsPerFeature', 'benefit'] as const;

function expectRoundTrip(loaded: LoadedResults, run: SweepRun): void {
  expect(loaded.groups).toHaveLength(run.groups.length);
  loaded.groups.forEach((g, k) => {
    const orig = run.groups[k]!;
    expect(g.set).toEqual(orig.set);
    expect(g.results.count).toBe(orig.results.count);
    expect(g.results.nFeatures).toBe(orig.results.nFeatures);
    expect(g.results.nHidden).toBe(orig.results.nHidden);
    for (const key of resultKeys) expect(g.results[key], key).toEqual(rounded(orig.results[key]));
    expect(g.kept).toEqual(orig.kept);
  });
}

const meta = { metric: { name: 'norm' as const, feature: 1 }, png: true, createdAt: '2025-01-02T03:04:05.000Z' };
const phaseSpec = parseSpec({ ...getPreset('tiny').spec, seeds: 3 });

describe('parseResultsJson', () => {
  it('round-trips a phase-diagram run (one group, 3 seeds)', () => {
    const run = fakeRun(phaseSpec);
    const loaded = parseResultsJson(buildResultsJson(phaseSpec, run, meta));
    expect(loaded.spec).toEqual(phaseSpec);
    expect(loaded.createdAt).toBe(meta.createdAt);
    expect(loaded.metric).toEqual({ name: 'norm', feature: 1 });
    expect(loaded.device).toEqual(run.device);
    expectRoundTrip(loaded, run);
    expect(loaded.groups[0]!.results.benefit[1]).toBeNaN(); // Infinity was written as null
  });

  it('round-trips a model-axis run into two groups (relu-vs-linear)', () => {
    const spec = parseSpec({ ...getPreset('relu-vs-linear').spec, seeds: 2 });
    const run = fakeRun(spec);
    const loaded = parseResultsJson(buildResultsJson(spec, run, { metric: { name: 'regime' }, png: false }));
    expect(loaded.groups.map((g) => g.set.model)).toEqual(['linear', 'relu']);
    expect(loaded.groups[0]!.results.W).toHaveLength(7 * 2 * 5 * 20);
    expectRoundTrip(loaded, run);
  });

  it('reads NaN losses back as NaN and keeps −1 where every seed diverged', () => {
    // Point 0: every seed NaN (kept −1); point 1: seed 0 NaN only.
    const run = fakeRun(phaseSpec, (inst) => inst < 3 || inst === 3);
    expect(run.groups[0]!.kept[0]).toBe(-1);
    const loaded = parseResultsJson(buildResultsJson(phaseSpec, run, meta));
    const loss = loaded.groups[0]!.results.loss;
    expect([loss[0], loss[1], loss[2], loss[3]]).toEqual([NaN, NaN, NaN, NaN]);
    expect(loss[4]).not.toBeNaN();
    expect(loaded.groups[0]!.kept[0]).toBe(-1);
    expect(loaded.groups[0]!.kept[1]).not.toBe(0);
    expectRoundTrip(loaded, run);
  });

  it('round-trips a recorded history (only the models that have one)', () => {
    const spec = parseSpec({ ...phaseSpec, record: { every: 10, seeds: 'kept' } });
    const run = fakeRun(spec);
    const g = run.groups[0]!;
    const R = 3;
    const count = g.results.count;
    const history = { steps: [0, 10, 15], loss: new Float32Array(count * R).fill(NaN), dimensionality: new Float32Array(count * R * 2).fill(NaN), W: new Float32Array(count * R * 2).fill(NaN) };
    history.loss.set([0.5, 0.25, 0.125], 4 * R);
    history.dimensionality.set([1, 0, 0.5, 0.5, 0.25, 0.75], 4 * R * 2);
    history.W.set([1, 2, 3, 4, 5, 6], 4 * R * 2);
    g.results.history = history;
    const json = buildResultsJson(spec, run, meta) as { cells: { history?: unknown }[] };
    expect(json.cells.filter((c) => c.history)).toHaveLength(1);
    const loaded = parseResultsJson(json).groups[0]!.results.history!;
    expect(loaded.steps).toEqual([0, 10, 15]);
    expect(loaded.loss).toEqual(history.loss);
    expect(loaded.dimensionality).toEqual(history.dimensionality);
    expect(loaded.W).toEqual(history.W);
  });

  it('leaves missing cells NaN with kept −1', () => {
    const json = buildResultsJson(phaseSpec, fakeRun(phaseSpec), meta) as { cells: { gridIndex: number }[] };
    json.cells = json.cells.filter((c) => c.gridIndex !== 5);
    const g = parseResultsJson(json).groups[0]!;
    expect(g.kept[5]).toBe(-1);
    expect(Array.from(g.results.W.subarray(5 * 3 * 2, 6 * 3 * 2)).every(Number.isNaN)).toBe(true);
    expect(Number.isNaN(g.results.loss[4 * 3])).toBe(false);
  });

  describe('errors', () => {
    const good = () => buildResultsJson(phaseSpec, fakeRun(phaseSpec), meta) as Record<string, unknown> & { cells: Record<string, unknown>[] };
    const fails = (json: unknown) => {
      try {
        parseResultsJson(json);
      } catch (e) {
        expect(e).toBeInstanceOf(ResultsFileError);
        expect((e as Error).name).toBe('ResultsFileError');
        return (e as Error).message;
      }
      throw new Error('expected a ResultsFileError');
    };

    it('rejects a wrong or missing format', () => {
      expect(fails({ ...good(), format: 'x' })).toBe('results.json: format "x" is not supported; this version reads superposition-webgpu/results@1 and superposition-webgpu/results@2 (a newer version of superposition-webgpu may have written it)');
      expect(fails({ ...good(), format: 'superposition-webgpu/results@3' })).toMatch(/format "superposition-webgpu\/results@3" is not supported/);
      expect(fails({ ...good(), format: undefined })).toBe('results.json: format is missing; expected superposition-webgpu/results@1 or superposition-webgpu/results@2');
      expect(fails([1, 2])).toBe('results.json: expected a JSON object, got an array of 2');
    });

    it('rejects an invalid spec with the SpecError message', () => {
      const json = good();
      (json.spec as Record<string, unknown>).nHidden = 5;
      expect(fails(json)).toMatch(/^results\.json: spec\.nHidden: 5 is out of range/);
    });

    it('rejects named tensors of the wrong shape or size', () => {
      const json = good();
      const params = json.cells[12]!.params as Record<string, { shape: number[]; data: unknown[] }>;
      params.W = { shape: [2, 2], data: [1, 2, 3, 4] };
      expect(fails(json)).toBe('results.json: cells[12].params.W.shape is an array of 2; expected [1, 2] for model "relu"');
      params.W = { shape: [1, 2], data: [1, 2, 3] };
      expect(fails(json)).toBe('results.json: cells[12].params.W.data has 3 entries; expected 2');
      params.W = { shape: [1, 2], data: [1, 'a'] };
      expect(fails(json)).toBe('results.json: cells[12].params.W.data[1] is "a"; expected a number or null');
      params.W = { shape: [1, 2], data: [1, 2] };
      delete (params as Record<string, unknown>).b;
      expect(fails(json)).toMatch(/^results\.json: cells\[12\]\.params\.b is missing; expected \{"shape": \[2\], "data": \[2 numbers\]\}/);
    });

    it('reads format 1 files (W as rows, b) and rejects a format-1 W of the wrong shape', () => {
      const v2 = good();
      const v1 = { ...v2, format: 'superposition-webgpu/results@1', cells: v2.cells.map(({ params, ...rest }) => { const p = params as Record<string, { data: number[] }>; return { ...rest, W: [p.W!.data], b: p.b!.data }; }) };
      const a = parseResultsJson(v2).groups[0]!.results;
      const b = parseResultsJson(v1).groups[0]!.results;
      expect(b.W).toEqual(a.W);
      expect(b.b).toEqual(a.b);
      expect(b.params).toBeUndefined();
      v1.cells[12]!.W = [[1, 2], [3, 4]];
      expect(fails(v1)).toBe('results.json: cells[12].W has 2 rows; expected nHidden = 1');
    });

    it('rejects unknown grid indices, models, seeds, repeats and short vectors', () => {
      let json = good();
      json.cells[3]!.gridIndex = 99;
      expect(fails(json)).toBe('results.json: cells[3].gridIndex 99 is not a grid point of model "relu" in the spec (16 points)');
      json = good();
      json.cells[3]!.model = 'linear';
      expect(fails(json)).toBe('results.json: cells[3].model "linear" is not a model kind of the spec; expected one of: relu');
      json = good();
      json.cells[3]!.seedIndex = 3;
      expect(fails(json)).toBe('results.json: cells[3].seedIndex is 3; expected an integer in 0..2 (spec.seeds = 3)');
      json = good();
      json.cells[4] = { ...json.cells[3]! };
      expect(fails(json)).toBe('results.json: cells[4] repeats model "relu", gridIndex 1, seedIndex 0');
      json = good();
      json.cells[0]!.featureNorm = [1];
      expect(fails(json)).toBe('results.json: cells[0].featureNorm has 1 entries; expected nFeatures = 2');
      json = good();
      json.cells = json.cells.map((c) => ({ ...c, kept: c.gridIndex === 0 }));
      expect(fails(json)).toMatch(/^results\.json: cells\[1\] is marked kept, but seedIndex 0 of model "relu", gridIndex 0 already is/);
      json = good();
      delete (json as Record<string, unknown>).cells;
      expect(fails(json)).toBe('results.json: cells is missing; expected an array of cell records');
    });
  });
});

describe('loadResultsFile', () => {
  afterEach(() => vi.unstubAllGlobals());
  const text = JSON.stringify(buildResultsJson(phaseSpec, fakeRun(phaseSpec), meta));

  it('fetches and parses', async () => {
    vi.stubGlobal('fetch', vi.fn(async () => new Response(text, { status: 200 })));
    const loaded = await loadResultsFile('/runs/a/results.json');
    expect(loaded.groups[0]!.results.count).toBe(48);
  });

  it('names the URL and status for HTTP errors, and the URL for bad JSON or bad content', async () => {
    vi.stubGlobal('fetch', vi.fn(async () => new Response('nope', { status: 404, statusText: 'Not Found' })));
    await expect(loadResultsFile('/runs/x/results.json')).rejects.toThrow(new ResultsFileError('/runs/x/results.json: HTTP 404 Not Found; could not load the results file'));
    vi.stubGlobal('fetch', vi.fn(async () => new Response('{"format": ', { status: 200 })));
    await expect(loadResultsFile('/r.json')).rejects.toThrow(/^\/r\.json: not valid JSON \(/);
    vi.stubGlobal('fetch', vi.fn(async () => new Response('{"format": "y"}', { status: 200 })));
    await expect(loadResultsFile('/r.json')).rejects.toThrow('/r.json: format "y" is not supported');
    vi.stubGlobal('fetch', vi.fn(async () => { throw new TypeError('network down'); }));
    await expect(loadResultsFile('/r.json')).rejects.toBeInstanceOf(ResultsFileError);
  });
});
