/**
 * The CLI end to end: `node bin/superposition.mjs sweep --preset tiny` trains in headless Chromium
 * and writes results.json, cells.csv and phase-diagram.png; the PNG's pixel at each cell centre has
 * the colour of the regime results.json gives that cell. Bad input, and a browser whose WebGPU has
 * no adapter, exit non-zero with one message and leave the output folder alone.
 */
import { test, expect } from '@playwright/test';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PNG } from 'pngjs';
import { cellCenter, figureLayout } from '../src/render/figure.js';
import { regimeColors } from '../src/render/colormap.js';
import { CHROMIUM_ENV, chromiumPath } from '../src/headless/chromium-path.js';
import { divergingSpec } from './fixtures/specs.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BIN = join(ROOT, 'bin', 'superposition.mjs');

function cli(args: string[], env: NodeJS.ProcessEnv = process.env): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: ROOT, encoding: 'utf8', timeout: 240_000, env });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

interface Cell {
  gridIndex: number;
  xIndex: number;
  yIndex: number;
  seedIndex: number;
  kept: boolean;
  regime: number[];
  params: Record<string, { shape: number[]; data: number[] }> & { W: { shape: number[]; data: number[] }; b: { shape: number[]; data: number[] } };
}

test('sweep --preset tiny writes results.json, cells.csv and a PNG whose cells have their regime colours', async () => {
  const out = mkdtempSync(join(tmpdir(), 'superposition-e2e-'));
  const r = cli(['sweep', '--preset', 'tiny', '--out', out, '--quiet']);
  expect(r.status, r.stderr).toBe(0);
  expect(r.stdout).toContain(join(out, 'phase-diagram.png'));

  const results = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8'));
  const seeds: number = results.spec.seeds;
  const n: number = results.spec.nFeatures;
  const m: number = results.spec.nHidden;
  expect(results.cells).toHaveLength(16 * seeds);
  expect(results.points).toHaveLength(16);
  for (const c of results.cells as Cell[]) {
    expect(c.params.W.shape).toEqual([m, n]);
    expect(c.params.W.data).toHaveLength(m * n);
    expect(c.params.b.data).toHaveLength(n);
    expect(c.regime).toHaveLength(n);
  }

  const csv = readFileSync(join(out, 'cells.csv'), 'utf8').trim().split('\n');
  expect(csv).toHaveLength(1 + 16);
  expect(csv[0]).toMatch(/^gridIndex,xIndex,yIndex,featureProbability,importance,model,keptSeed,loss/);
  expect(csv[0]).toContain('norm_0');

  const png = PNG.sync.read(readFileSync(join(out, 'phase-diagram.png')));
  const layout = figureLayout(png.width, png.height);
  const xCount = results.spec.x.count as number;
  const yCount = results.spec.y.count as number;
  for (const c of (results.cells as Cell[]).filter((cell) => cell.kept)) {
    const [x, y] = cellCenter(layout, c.xIndex, c.yIndex, xCount, yCount);
    const k = (Math.floor(y) * png.width + Math.floor(x)) * 4;
    const pixel = [png.data[k]!, png.data[k + 1]!, png.data[k + 2]!];
    const expected = regimeColors[c.regime[n - 1]!]!;
    for (let ch = 0; ch < 3; ch++) {
      expect(Math.abs(pixel[ch]! - expected[ch]!), `cell (${c.xIndex}, ${c.yIndex}) pixel ${pixel} vs ${expected}`).toBeLessThanOrEqual(3);
    }
  }
});

test('bad input exits non-zero with one message and leaves the output folder untouched', async () => {
  const out = mkdtempSync(join(tmpdir(), 'superposition-e2e-bad-'));
  const keep = join(out, 'results.json');
  writeFileSync(keep, 'precious');

  const unknown = cli(['sweep', '--preset', 'nope', '--out', out]);
  expect(unknown.status).not.toBe(0);
  expect(unknown.stderr).toMatch(/unknown preset "nope"; known presets: .*tiny/);
  expect(unknown.stderr.trim().split('\n')).toHaveLength(1);

  const config = join(out, 'p.json');
  writeFileSync(
    config,
    JSON.stringify({
      nFeatures: 2,
      nHidden: 1,
      x: { param: 'featureProbability', min: 0.01, max: 1.5, count: 4 },
      y: { param: 'importance', mode: 'last', min: 0.1, max: 10, count: 4 },
    }),
  );
  const badP = cli(['sweep', '--config', config, '--out', out]);
  expect(badP.status).not.toBe(0);
  expect(badP.stderr).toMatch(/spec\.x\.max: 1\.5 is out of range; allowed: \(0, 1\]/);

  const badFlag = cli(['sweep', '--preset', 'tiny', '--out', out, '--steps', '0']);
  expect(badFlag.status).not.toBe(0);
  expect(badFlag.stderr).toMatch(/--steps: "0" is out of range; allowed: integers 1\.\.10000000/);

  expect(readFileSync(keep, 'utf8')).toBe('precious');
  expect(existsSync(join(out, 'cells.csv'))).toBe(false);
  expect(existsSync(join(out, 'phase-diagram.png'))).toBe(false);
});

test('training that diverges: a warning even with --quiet, and no kept seed at points whose seeds all diverged', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'superposition-e2e-diverged-'));
  const config = join(dir, 'spec.json');
  writeFileSync(config, JSON.stringify(divergingSpec(2)));
  const out = join(dir, 'out');
  const r = cli(['sweep', '--config', config, '--out', out, '--quiet']);
  expect(r.status).toBe(0);
  expect(r.stderr).toMatch(/warning: 8 model\(s\) diverged \(NaN\/Inf\) and were not kept; lower training\.learningRate/);
  const results = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as { diverged: number; points: { keptSeed: number | null; loss: number | null }[] };
  expect(results.diverged).toBe(8);
  expect(results.points.map((p) => [p.keptSeed, p.loss])).toEqual([[null, null], [null, null], [null, null], [null, null]]);
  expect(existsSync(join(out, 'phase-diagram.png'))).toBe(true);
});

test('a Chromium whose WebGPU has no adapter: exit 1 with the NoAdapterError message and what to do; no output folder', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'superposition-e2e-noadapter-'));
  // Launches the real Chromium without --enable-unsafe-webgpu, so requestAdapter() returns null.
  const wrapper = join(dir, 'chromium');
  writeFileSync(
    wrapper,
    `#!/bin/sh\nfor a in "$@"; do shift; [ "$a" = "--enable-unsafe-webgpu" ] || set -- "$@" "$a"; done\nexec ${JSON.stringify(chromiumPath() ?? 'chromium')} "$@"\n`,
    { mode: 0o755 },
  );
  const out = join(dir, 'out');
  const r = cli(['sweep', '--preset', 'tiny', '--out', out, '--quiet'], { ...process.env, [CHROMIUM_ENV]: wrapper });
  expect(r.status).toBe(1);
  expect(r.stderr).toMatch(/NoAdapterError: WebGPU is available but no GPU adapter was found/);
  expect(r.stderr).toMatch(/--enable-unsafe-webgpu/);
  expect(existsSync(out)).toBe(false);
});

test('--backend node (dawn.node) trains the same models as the Chromium backend', async () => {
  const viaChromium = mkdtempSync(join(tmpdir(), 'superposition-e2e-chromium-'));
  const viaNode = mkdtempSync(join(tmpdir(), 'superposition-e2e-node-'));
  const a = cli(['sweep', '--preset', 'tiny', '--steps', '50', '--out', viaChromium, '--quiet']);
  expect(a.status, a.stderr).toBe(0);
  const b = cli(['sweep', '--preset', 'tiny', '--steps', '50', '--backend', 'node', '--out', viaNode, '--quiet']);
  expect(b.status, b.stderr).toBe(0);
  const ra = JSON.parse(readFileSync(join(viaChromium, 'results.json'), 'utf8'));
  const rb = JSON.parse(readFileSync(join(viaNode, 'results.json'), 'utf8'));
  expect(rb.backend).toBe('node');
  expect(rb.cells).toHaveLength(ra.cells.length);
  // Same PRNG data and the same WGSL on two WebGPU implementations: float32 rounding may differ
  // in the last bits (results.json keeps 6 significant digits), nothing more.
  for (let k = 0; k < ra.cells.length; k++) {
    const wa = (ra.cells[k] as Cell).params.W.data;
    const wb = (rb.cells[k] as Cell).params.W.data;
    for (let j = 0; j < wa.length; j++) expect(Math.abs(wa[j]! - wb[j]!)).toBeLessThan(1e-4);
  }
  expect(existsSync(join(viaNode, 'phase-diagram.png'))).toBe(true);
});

test('every model kind through the Chromium backend: abs on signed data writes W1, W2 and b, per-neuron metrics, a recorded history and a per-neuron PNG; a metric that does not apply is refused', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'superposition-e2e-abs-'));
  const config = join(dir, 'abs.json');
  writeFileSync(
    config,
    JSON.stringify({
      model: 'abs',
      data: { kind: 'signed' },
      nFeatures: 3,
      nHidden: 6,
      importance: { mode: 'decay', value: 0.8 },
      x: { param: 'featureProbability', values: [1, 0.1] },
      seeds: 2,
      training: { steps: 40, batchSize: 32, learningRate: 0.01 },
      evalBatchSize: 128,
      record: { every: 20, metrics: ['loss', 'dimensionality'], seeds: 'kept' },
    }),
  );
  const out = join(dir, 'out');
  const r = cli(['sweep', '--config', config, '--out', out, '--metric', 'neuronFeatureCount', '--quiet']);
  expect(r.status, r.stderr).toBe(0);
  const results = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8'));
  expect(results.format).toBe('superposition-webgpu/results@2');
  expect(results.groups[0].layout).toBe('invocation');
  expect(results.groups[0].layoutDetail).toMatch(/^invocation: \d+ models per workgroup$/);
  expect(results.cells).toHaveLength(4);
  for (const c of results.cells) {
    expect(Object.keys(c.params)).toEqual(['W1', 'W2', 'b']);
    expect(c.params.W1.shape).toEqual([6, 3]);
    expect(c.params.W2.shape).toEqual([3, 6]);
    expect(c.extra.neuronFeatureCount).toHaveLength(6);
    expect(c.extra['W2.featureNorm']).toHaveLength(3);
    // Only the kept seeds were retrained with recording.
    if (c.kept) {
      expect(c.history.steps).toEqual([0, 20, 40]);
      expect(c.history.loss).toHaveLength(3);
      expect(c.history.dimensionality[2]).toHaveLength(3);
    } else {
      expect(c.history).toBeUndefined();
    }
  }
  const png = PNG.sync.read(readFileSync(join(out, 'phase-diagram.png')));
  expect(png.width).toBeGreaterThan(100);
  const refused = cli(['sweep', '--preset', 'tiny', '--out', join(dir, 'refused'), '--metric', 'neuronMaxShare', '--quiet']);
  expect(refused.status).not.toBe(0);
  expect(refused.stderr).toContain('metric neuronMaxShare does not apply to the relu model (it has no privileged hidden basis); metrics that apply: regime, norm');
  expect(existsSync(join(dir, 'refused'))).toBe(false);
});
