/** The headless writers and figure builder on synthetic results (no GPU, no browser). */
import { describe, expect, it } from 'vitest';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseSpec, resolveSpecGroups, type SweepSpec } from '../../src/science/spec.js';
import { selectSeeds } from '../../src/science/seeds.js';
import { getPreset } from '../../src/science/presets.js';
import type { ModelResults, ModelSet } from '../../src/science/types.js';
import { buildCellsCsv, buildResultsJson, resultsJsonChunks, round6, writeOutputsAtomically } from '../../src/headless/writers.js';
import { writeRunParquet } from '../../src/headless/parquet.js';
import { withParquetCells } from '../../src/science/results-parquet.js';
import { theoryReport } from '../../src/headless/report.js';
import { Regime } from '../../src/science/regimes.js';
import { theoryAgreement, theoryRegime, theoryRegime32, type TheoryCell } from '../../src/science/theory.js';
import { buildFigure } from '../../src/render/figure-data.js';
import type { GroupResult, SweepRun } from '../../src/headless/run-types.js';
import { decodeGroupResults, encodeBytes, encodeNamedResults, encodeResultArrays, decodeFloat32 } from '../../src/headless/wire.js';
import { cellCenter, figureLayout } from '../../src/render/figure.js';
import { colorMapLUT, regimeColors } from '../../src/render/colormap.js';
import { continuousTicks } from '../../src/render/ticks.js';

/** Fake results for n = 2, m = 1: W = (1, w1) per instance with w1 chosen per point; loss = seed index. */
function fakeGroup(set: ModelSet): GroupResult {
  const { nFeatures: n, nHidden: m, seeds } = set;
  const count = set.points.length * seeds;
  const r: ModelResults = {
    count, nFeatures: n, nHidden: m,
    W: new Float32Array(count * m * n), b: new Float32Array(count * n), loss: new Float32Array(count),
    featureNorm: new Float32Array(count * n), superposition: new Float32Array(count * n), dimensionality: new Float32Array(count * n),
    dimsPerFeature: new Float32Array(count), benefit: new Float32Array(count * n),
  };
  for (let inst = 0; inst < count; inst++) {
    const pos = Math.floor(inst / seeds);
    const w1 = [0, 1, -1][pos % 3]!; // not represented, superposed (parallel), superposed (antipodal)
    r.W.set([1, w1], inst * n);
    r.featureNorm.set([1, Math.abs(w1)], inst * n);
    r.superposition.set([w1 * w1, w1 === 0 ? 0 : 1], inst * n);
    r.loss[inst] = (inst % seeds) + 1;
    r.dimsPerFeature[inst] = 1 / (1 + w1 * w1);
  }
  return { set, results: r, kept: selectSeeds(set, r.loss), layout: 'per-model', chunks: 1, timings: { trainSeconds: 1, evaluateSeconds: 0.1, totalSeconds: 1.1 }, samplesPerSecond: 1e6 };
}

function fakeRun(spec: SweepSpec): SweepRun {
  const device = { vendor: 'test', architecture: 'fake', device: '', description: '', runtime: 'node' as const, limits: { maxStorageBufferBindingSize: 1, maxBufferSize: 1, maxComputeWorkgroupsPerDimension: 1, maxComputeInvocationsPerWorkgroup: 1, maxComputeWorkgroupStorageSize: 1 } };
  return { backend: 'node', device, groups: resolveSpecGroups(spec).map(fakeGroup), timings: { acquireSeconds: 0.1, totalSeconds: 1.2 } };
}

const tiny = parseSpec({ ...getPreset('tiny').spec, seeds: 2 });

describe('results.json and cells.csv', () => {
  const run = fakeRun(tiny);
  const json = buildResultsJson(tiny, run, { metric: { name: 'regime' }, png: true, createdAt: 'now' }) as { cells: Record<string, unknown>[]; points: { keptSeed: number }[] };

  it('has one cell per grid point and seed, with W and b as named tensors ({shape, data}, row-major)', () => {
    expect(json.cells).toHaveLength(32);
    expect((json as { format?: string }).format).toBe('superposition-webgpu/results@2');
    expect(json.cells[0]).toMatchObject({ gridIndex: 0, seedIndex: 0, xIndex: 0, yIndex: 0, params: { W: { shape: [1, 2], data: [1, 0] }, b: { shape: [2] } }, regime: [1, 0], kept: true, gram: [[1, 0], [0, 0]] });
    expect(json.cells[3]).toMatchObject({ gridIndex: 1, seedIndex: 1, regime: [2, 2], kept: false });
    expect(json.points.every((p) => p.keptSeed === 0)).toBe(true);
  });

  it('writes one CSV row per point with per-feature columns', () => {
    const lines = buildCellsCsv(tiny, run).trim().split('\n');
    expect(lines).toHaveLength(17);
    expect(lines[0]).toBe('gridIndex,xIndex,yIndex,featureProbability,importance,model,keptSeed,loss,dimsPerFeature,norm_0,norm_1,superposition_0,superposition_1,dimensionality_0,dimensionality_1,benefit_0,benefit_1,regime_0,regime_1');
    expect(lines[2]).toMatch(/^1,1,0,0\.0464159,0\.1,relu,0,1,0\.5,1,1,1,1,.*,superposition,superposition$/);
  });

  it('rounds to 6 significant digits and maps NaN to null', () => {
    expect(round6(Math.PI)).toBe(3.14159);
    expect(round6(NaN)).toBeNull();
  });
});

describe('results.json with its records in models.parquet', () => {
  it('keeps every recorded history in `histories`, and withParquetCells puts each back into its cell', async () => {
    const run = fakeRun(tiny);
    const g = run.groups[0]!;
    const R = 3;
    // Seed 1 of every point recorded, seed 0 not (NaN): record.seeds = 'kept' writes NaN for the others.
    const loss = new Float32Array(g.results.count * R).fill(NaN);
    g.set.points.forEach((_, pos) => loss.set([3 + pos, 2 + pos, 1 + pos], (pos * 2 + 1) * R));
    g.results.history = { steps: [0, 10, 20], loss };
    const dir = mkdtempSync(join(tmpdir(), 'histories-'));
    await writeRunParquet(dir, run, { spec: tiny });
    const text = [...resultsJsonChunks(tiny, run, { metric: { name: 'regime' }, png: false, cellsFile: 'models.parquet' })].join('');
    const doc = JSON.parse(text) as { cells: unknown[]; histories: { gridIndex: number; seedIndex: number; history: { loss: number[] } }[] };
    expect(doc.cells).toEqual([]);
    expect(doc.histories).toHaveLength(g.set.points.length);
    expect(doc.histories.every((h) => h.seedIndex === 1)).toBe(true);
    const back = (await withParquetCells(doc, async (name) => new Uint8Array(readFileSync(join(dir, name))).buffer)) as { cells: { gridIndex: number; seedIndex: number; history?: { loss: number[] } }[] };
    for (const c of back.cells) {
      const pos = g.set.points.findIndex((p) => p.index === c.gridIndex);
      if (c.seedIndex === 0) expect(c.history).toBeUndefined();
      else expect(c.history!.loss).toEqual([3 + pos, 2 + pos, 1 + pos]);
    }
  });
});

describe('theoryReport', () => {
  /** A fake run whose kept seeds' last feature is in `regimeOf(p, r)`, and the cells it should compare. */
  function runWithRegimes(spec: SweepSpec, regimeOf: (p: number, r: number) => Regime): { run: SweepRun; cells: TheoryCell[] } {
    const run = fakeRun(spec);
    const cells: TheoryCell[] = [];
    for (const { set, results, kept } of run.groups) {
      const n = set.nFeatures;
      set.points.forEach((point, pos) => {
        const p = point.featureProbability[0]!;
        const r = point.importance[n - 1]! / point.importance[0]!;
        const regime = regimeOf(p, r);
        const k = (pos * set.seeds + kept[pos]!) * n + n - 1;
        results.featureNorm[k] = regime === Regime.notRepresented ? 0 : 1;
        results.superposition[k] = regime === Regime.superposition ? 1 : 0;
        cells.push({ featureProbability: p, relativeImportance: r, regime });
      });
    }
    return { run, cells };
  }

  it('compares the 2→1 diagram with the 2→1 theory', () => {
    const { run, cells } = runWithRegimes(tiny, theoryRegime);
    const report = theoryReport(tiny, run)!;
    expect(report).toEqual(theoryAgreement(cells, 0.2, '2-1'));
    expect(report.compared).toBeGreaterThan(0);
    expect(report.fraction).toBe(1);
  });

  it('compares an n = 3, m = 2 diagram (I = (1, 1, r)) with the 3→2 theory, on the last feature', () => {
    const spec = parseSpec({ ...getPreset('tiny').spec, nFeatures: 3, nHidden: 2, seeds: 2, x: { param: 'featureProbability', min: 0.05, max: 1, count: 6 }, y: { param: 'importance', mode: 'last', min: 0.1, max: 10, count: 6 } });
    const { run, cells } = runWithRegimes(spec, theoryRegime32);
    const report = theoryReport(spec, run)!;
    expect(report).toEqual(theoryAgreement(cells, 0.2, '3-2'));
    expect(report.compared).toBeGreaterThan(10);
    expect(report.fraction).toBe(1);
    const none = runWithRegimes(spec, () => Regime.notRepresented);
    const expected = theoryAgreement(none.cells, 0.2, '3-2');
    expect(theoryReport(spec, none.run)).toEqual(expected);
    expect(expected.agreeing).toBeLessThan(expected.compared);
  });

  it('is null for sweeps the theory does not describe', () => {
    const spec = parseSpec({ ...getPreset('tiny').spec, nFeatures: 4, nHidden: 2 });
    expect(theoryReport(spec, fakeRun(spec))).toBeNull();
  });
});

describe('writeOutputsAtomically', () => {
  it('writes all files and leaves no temporaries', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'writers-')), 'out');
    await writeOutputsAtomically(dir, [{ name: 'a.txt', data: 'A' }, { name: 'b.txt', data: ['B', 'C'] }]);
    expect(readdirSync(dir).sort()).toEqual(['a.txt', 'b.txt']);
    expect(readFileSync(join(dir, 'b.txt'), 'utf8')).toBe('BC');
  });

  it('leaves existing files untouched when a write fails', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'writers-'));
    writeFileSync(join(dir, 'a.txt'), 'old');
    const failing = (function* () {
      yield 'x';
      throw new Error('boom');
    })();
    await expect(writeOutputsAtomically(dir, [{ name: 'a.txt', data: 'new' }, { name: 'b.txt', data: failing }])).rejects.toThrow('boom');
    expect(readdirSync(dir)).toEqual(['a.txt']);
    expect(readFileSync(join(dir, 'a.txt'), 'utf8')).toBe('old');
  });
});

describe('figures', () => {
  it('draws the regime of the last feature for the phase diagram', () => {
    const fig = buildFigure(tiny, fakeRun(tiny).groups);
    expect(fig.xCount).toBe(4);
    expect(fig.yCount).toBe(4);
    expect(Array.from(fig.values.slice(0, 4))).toEqual([0, 2, 2, 0]);
    expect(fig.coloring.kind).toBe('categorical');
    expect(fig.x).toMatchObject({ title: 'feature density p = 1 − S', scale: 'log' });
    expect(fig.y).toMatchObject({ title: 'relative importance r of the last feature', scale: 'log' });
  });

  it('draws feature rows × p columns for a model-axis sweep, first model and feature 0 on top', () => {
    const spec = parseSpec(getPreset('relu-vs-linear').spec);
    const fig = buildFigure(spec, fakeRun(spec).groups);
    expect(fig.xCount).toBe(7);
    expect(fig.yCount).toBe(2 * 20);
    expect(fig.y.labels?.[39]).toBe('linear 0');
    expect(fig.y.labels?.[0]).toBe('relu 19');
    expect(fig.coloring).toMatchObject({ kind: 'continuous', domain: [0, 1] });
  });
});

describe('render helpers (pure)', () => {
  it('puts cell centres inside the plot, yIndex 0 at the bottom', () => {
    const layout = figureLayout(800, 600);
    expect(layout.plot).toEqual({ x: 90, y: 64, width: 520, height: 464 });
    expect(cellCenter(layout, 0, 0, 4, 4)).toEqual([90 + 65, 64 + 464 - 58]);
    expect(cellCenter(layout, 3, 3, 4, 4)).toEqual([90 + 520 - 65, 64 + 58]);
  });

  it('gives log ticks at powers of ten and a 256-entry LUT', () => {
    expect(continuousTicks(0.005, 2, 'log').map((t) => t.label)).toEqual(['0.01', '0.1', '1']);
    expect(colorMapLUT('viridis')).toHaveLength(1024);
    expect(regimeColors).toHaveLength(3);
  });

  it('round-trips result arrays through base64', () => {
    const g = fakeGroup(resolveSpecGroups(tiny)[0]!);
    const wire = { model: 'relu' as const, nFeatures: 2, nHidden: 1, count: g.results.count, arrays: encodeResultArrays(g.results), kept: encodeBytes(g.kept), layout: 'per-model' as const, chunks: 1, timings: g.timings, samplesPerSecond: 1 };
    expect(decodeGroupResults(wire).W).toEqual(g.results.W);
    // Named tensors and extra metrics travel too, and W/b become views of them.
    const params = { W1: { shape: [1, 2], data: Float32Array.of(1, 2) }, W2: { shape: [2, 1], data: Float32Array.of(3, 4) }, b: { shape: [2], data: Float32Array.of(5, 6) } };
    const named = decodeGroupResults({ ...wire, count: 1, arrays: encodeResultArrays({ ...g.results, count: 1, W: params.W1.data, b: params.b.data, loss: Float32Array.of(1), featureNorm: Float32Array.of(1, 1), superposition: Float32Array.of(0, 0), dimensionality: Float32Array.of(1, 1), dimsPerFeature: Float32Array.of(1), benefit: Float32Array.of(0, 0) }), ...encodeNamedResults({ ...g.results, params, extra: { neuronMaxShare: Float32Array.of(0.5) } }) });
    expect(named.params!.W2!.data).toEqual(params.W2.data);
    expect(named.W).toBe(named.params!.W1!.data);
    expect(named.extra!.neuronMaxShare).toEqual(Float32Array.of(0.5));
    expect(decodeFloat32(encodeBytes(new Float32Array([1.5, NaN])))[1]).toBeNaN();
  });
});
