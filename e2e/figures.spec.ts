/**
 * The figures in a real browser and from the CLI: `<superposition-figure>` draws saved results with
 * regl matrices under SVG marks (pixels checked at cells whose values the test computes from the
 * results file itself), names what is under the pointer and the keyboard focus, trains live, and
 * explains a figure that does not fit; the gallery page draws every figure; `superposition figure`
 * writes an SVG that parses with one mark per feature and model, and a PNG at the chosen scale.
 */
import { test, expect, type Page } from '@playwright/test';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PNG } from 'pngjs';
import { interpolateRdBu } from 'd3-scale-chromatic';
import { STRIP } from '../src/figures/model-strip.js';
import { parseColor } from '../src/render/colormap.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BIN = join(ROOT, 'bin', 'superposition.mjs');
const DATA = 'demo/data/relu-vs-linear.json';

interface Cell {
  xIndex: number;
  model: string;
  kept: boolean;
  params: { W: { shape: number[]; data: number[] } };
}

/** The kept relu model at x index `x` of the saved relu-vs-linear run: its W (m × n, row-major). */
function keptW(x: number, model = 'relu'): { W: number[]; n: number; m: number } {
  const results = JSON.parse(readFileSync(join(ROOT, DATA), 'utf8'));
  const cell = (results.cells as Cell[]).find((c) => c.model === model && c.xIndex === x && c.kept)!;
  const [m, n] = cell.params.W.shape as [number, number];
  return { W: cell.params.W.data, n, m };
}

const gramEntry = ({ W, n, m }: ReturnType<typeof keptW>, i: number, k: number) => {
  let s = 0;
  for (let j = 0; j < m; j++) s += W[j * n + i]! * W[j * n + k]!;
  return s;
};

async function openFigure(page: Page, query: string): Promise<void> {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`/e2e/fixtures/figure.html?${query}`);
  await expect.poll(() => page.evaluate(() => (document.getElementById('f') as any).state), { timeout: 60_000 }).toMatch(/complete|error/);
  expect(errors).toEqual([]);
}

/** The figure box's size on screen over the scene's width: CSS px per scene px. */
async function displayScale(page: Page): Promise<{ scale: number; box: { x: number; y: number; width: number; height: number } }> {
  return page.evaluate(() => {
    const el = document.getElementById('f') as any;
    const r = el.shadowRoot.querySelector('.figure').getBoundingClientRect();
    return { scale: r.width / el.currentScene.width, box: { x: r.x, y: r.y, width: r.width, height: r.height } };
  });
}

test('model strip from a saved file: WᵀW cells have their RdBu colour; a norm bar is ‖W_i‖ long; hover and keys name the feature', async ({ page }) => {
  await openFigure(page, `figure=model-strip&src=/${DATA}`);
  const relu = 1; // the second row of the strip: the y axis lists linear, relu
  const x = 2; // S = 0.9
  const model = keptW(x);
  const n = model.n;
  // The diagonal entry of feature 0 and the most negative off-diagonal entry (an antipodal pair is −1).
  let k = 1;
  for (let c = 1; c < n; c++) if (gramEntry(model, 0, c) < gramEntry(model, 0, k)) k = c;
  for (const [i, c] of [[0, 0], [0, k]] as const) {
    const v = gramEntry(model, i, c);
    const sx = STRIP.LEFT + x * STRIP.PANEL_W + ((c + 0.5) * STRIP.MATRIX) / n;
    const sy = STRIP.TOP + relu * STRIP.ROW_H + ((i + 0.5) * STRIP.MATRIX) / n;
    const pixel = await page.evaluate(([sx, sy]) => {
      const el = document.getElementById('f') as any;
      const canvas = el.shadowRoot.querySelector('canvas') as HTMLCanvasElement;
      const s = canvas.width / el.currentScene.width;
      return Array.from(canvas.getContext('2d')!.getImageData(Math.round(sx! * s), Math.round(sy! * s), 1, 1).data.slice(0, 3));
    }, [sx, sy]);
    const expected = parseColor(interpolateRdBu((Math.max(-1, Math.min(1, v)) + 1) / 2));
    for (let ch = 0; ch < 3; ch++) expect(Math.abs(pixel[ch]! - expected[ch]!), `WᵀW[${i}, ${c}] = ${v}: pixel ${pixel} vs ${expected}`).toBeLessThanOrEqual(6);
  }

  // The bar of feature 0 at S = 0.999, read off a screenshot: white-to-bar-to-white along its row.
  const last = 6;
  const wLast = keptW(last);
  let norm2 = 0;
  for (let j = 0; j < wLast.m; j++) norm2 += wLast.W[j * wLast.n]! ** 2;
  const expectedLength = Math.min(Math.sqrt(norm2), 1.5) * STRIP.BAR_SCALE;
  const { scale, box } = await displayScale(page);
  const barX = STRIP.LEFT + last * STRIP.PANEL_W;
  const barY = STRIP.TOP + relu * STRIP.ROW_H + STRIP.MATRIX + 10 + (0.5 * STRIP.BARS_H) / n;
  const shot = PNG.sync.read(await page.screenshot({ clip: { x: box.x + (barX - 4) * scale, y: box.y + barY * scale, width: (STRIP.PANEL_W + 8) * scale, height: 1 }, scale: 'css' }));
  let first = -1;
  let lastDark = -1;
  for (let px = 0; px < shot.width; px++) {
    const o = px * 4;
    const white = shot.data[o]! > 235 && shot.data[o + 1]! > 235 && shot.data[o + 2]! > 235;
    if (!white) {
      if (first < 0) first = px;
      lastDark = px;
    } else if (first >= 0) break;
  }
  expect(first).toBeGreaterThanOrEqual(0);
  expect(Math.abs((lastDark - first + 1) / scale - expectedLength)).toBeLessThanOrEqual(2.5 / scale + 1);

  // Hover over that bar names the model, the sparsity and the feature.
  await page.mouse.move(box.x + (barX + expectedLength / 2) * scale, box.y + barY * scale, { steps: 3 });
  const tooltip = page.locator('#f').locator('.tooltip');
  await expect(tooltip).toContainText('relu, S = 0.999 · feature 0: ‖W_i‖ =');
  // Hover over a WᵀW cell names both features.
  await page.mouse.move(box.x + (STRIP.LEFT + x * STRIP.PANEL_W + ((k + 0.5) * STRIP.MATRIX) / n) * scale, box.y + (STRIP.TOP + relu * STRIP.ROW_H + (0.5 * STRIP.MATRIX) / n) * scale, { steps: 3 });
  await expect(tooltip).toContainText(`relu, S = 0.9 · WᵀW · feature 0 · feature ${k} =`);
  // Keyboard: Tab to the figure, arrows step through its marks.
  await page.mouse.move(0, 0);
  await page.locator('#f').locator('.figure').focus();
  await page.keyboard.press('ArrowRight');
  await expect(tooltip).toContainText('feature');
});

test('feature arrows from a saved file: each arrow points along its column of W, is drawn in its colour, and hover names it', async ({ page }) => {
  await openFigure(page, 'figure=feature-arrows&src=/demo/data/intro.json');
  const results = JSON.parse(readFileSync(join(ROOT, 'demo/data/intro.json'), 'utf8'));
  const point = 3; // p = 0.05: the pentagon
  const cell = (results.cells as (Cell & { featureNorm: number[] })[]).find((c) => c.xIndex === point && c.kept)!;
  const n = cell.params.W.shape[1]!;
  const { scale, box } = await displayScale(page);
  for (let i = 0; i < n; i++) {
    if (cell.featureNorm[i]! < 0.5) continue;
    const line = await page.evaluate(([p, f]) => {
      const el = (document.getElementById('f') as any).shadowRoot.querySelector(`line.feature-arrow[data-point="${p}"][data-feature="${f}"]`);
      return ['x1', 'y1', 'x2', 'y2'].map((a) => Number(el.getAttribute(a))).concat([el.getAttribute('stroke')]);
    }, [point, i] as const);
    const [x1, y1, x2, y2, stroke] = line as [number, number, number, number, string];
    const expected = Math.atan2(cell.params.W.data[n + i]!, cell.params.W.data[i]!);
    const drawn = Math.atan2(-(y2 - y1), x2 - x1); // SVG y points down
    const diff = Math.abs(Math.atan2(Math.sin(drawn - expected), Math.cos(drawn - expected)));
    expect(diff * (180 / Math.PI), `feature ${i}`).toBeLessThan(0.5);
    // Halfway along the shaft the screen shows the arrow's colour.
    const mx = box.x + ((x1 + x2) / 2) * scale;
    const my = box.y + ((y1 + y2) / 2) * scale;
    const shot = PNG.sync.read(await page.screenshot({ clip: { x: mx - 1, y: my - 1, width: 3, height: 3 }, scale: 'css' }));
    const want = parseColor(stroke);
    const best = Math.min(...[0, 1, 2, 3, 4, 5, 6, 7, 8].map((k) => Math.max(...[0, 1, 2].map((c) => Math.abs(shot.data[k * 4 + c]! - want[c]!)))));
    expect(best, `feature ${i}: pixels near the shaft vs ${stroke}`).toBeLessThanOrEqual(40);
    if (i === 0) {
      await page.mouse.move(mx, my, { steps: 3 });
      await expect(page.locator('#f').locator('.tooltip')).toContainText(/S = 0.95.*feature 0: ‖W_i‖ = /);
    }
  }
});

test('a figure that does not fit its results says why and which figures fit', async ({ page }) => {
  await openFigure(page, `figure=phase-diagram&src=/${DATA}`);
  await page.evaluate(() => ((document.getElementById('f') as any).figure = 'correlated'));
  await expect(page.locator('#f').locator('[part=message]')).toContainText(/figure correlated does not fit these results: .*figures that fit: .*model-strip/);
});

test('no WebGPU: the figure explains it in its message box', async ({ page }) => {
  await page.addInitScript(() => Object.defineProperty(Navigator.prototype, 'gpu', { get: () => undefined, configurable: true }));
  await page.goto('/e2e/fixtures/figure.html?figure=feature-arrows&preset=pentagon&autostart');
  await expect(page.locator('#f').locator('[part=message]')).toContainText('WebGPU');
  const names = await page.evaluate(() => (window as any).events.map((e: { type: string; detail: { name?: string } }) => `${e.type}:${e.detail.name ?? ''}`));
  expect(names).toContain('sweep-error:WebGPUUnavailableError');
});

test('a figure trains live in the page and draws the trained model', async ({ page }) => {
  const spec = { nFeatures: 5, nHidden: 2, x: { param: 'featureProbability', values: [1, 0.05], scale: 'log' }, seeds: 2, training: { steps: 3000, batchSize: 256, learningRate: 0.01 } };
  await openFigure(page, `figure=model-strip&autostart&spec=${encodeURIComponent(JSON.stringify(spec))}`);
  expect(await page.evaluate(() => (document.getElementById('f') as any).state)).toBe('complete');
  const bars = await page.evaluate(() => (document.getElementById('f') as any).shadowRoot.querySelectorAll('rect.feature-norm').length);
  expect(bars).toBe(2 * 5);
  const kinds: string[] = await page.evaluate(() => (window as any).events.map((e: { type: string }) => e.type));
  expect(kinds).toContain('sweep-progress');
  // Drawn from the models' live weights before training finished, then again from the results.
  expect(kinds.indexOf('figure-drawn')).toBeGreaterThanOrEqual(0);
  expect(kinds.indexOf('figure-drawn')).toBeLessThan(kinds.indexOf('sweep-complete'));
});

test('gallery (precomputed): every figure draws without an error', async ({ page }) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto('/demo/paper.html?manual&precomputed');
  const figures = page.locator('main section[id^=figure-] superposition-figure');
  const count = await figures.count();
  expect(count).toBeGreaterThanOrEqual(11);
  await expect
    .poll(() => page.evaluate(() => [...document.querySelectorAll('main section[id^=figure-] superposition-figure')].filter((e: any) => e.state === 'complete' && e.currentScene).length), { timeout: 120_000 })
    .toBe(count);
  await expect(page.locator('superposition-figure [part=message]')).toHaveCount(0);
  // Each section states the precomputed file's own budget, read from its spec.
  const budgets = page.locator('main section[id^=figure-] .budget');
  await expect.poll(async () => (await budgets.allTextContents()).filter((t) => /^Precomputed: \d\.\d × 10[⁰¹²³⁴⁵⁶⁷⁸⁹]+ training samples/.test(t)).length).toBe(count);
  // The polygon explorer shows demo/data/polygon-k.json for the slider's k: k arrows at its point.
  const explorer = page.locator('#polygon-explorer');
  for (const k of [5, 7]) {
    await explorer.locator('input[type=range]').fill(String(k));
    await expect.poll(() => explorer.locator('superposition-figure').evaluate((e: any) => [e.src, e.state, e.currentScene ? 1 : 0].join(' '))).toBe(`data/polygon-${k}.json complete 1`);
    const arrows = await explorer.locator('superposition-figure').evaluate((e: any) => e.shadowRoot.querySelectorAll('line.feature-arrow[data-point="0"]').length);
    expect(arrows).toBe(k);
    await expect(explorer.locator('.budget')).toContainText('Precomputed:');
  }
  expect(errors).toEqual([]);
});

function cli(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: ROOT, encoding: 'utf8', timeout: 240_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('superposition figure: an SVG that parses with one norm bar per feature and model, and a PNG at --scale', async ({ page }) => {
  const out = mkdtempSync(join(tmpdir(), 'superposition-figure-'));
  const svgPath = join(out, 'strip.svg');
  const r = cli(['figure', DATA, '--figure', 'model-strip', '--out', svgPath]);
  expect(r.status, r.stderr).toBe(0);
  const svg = readFileSync(svgPath, 'utf8');
  const parsed = await page.evaluate((text) => {
    const doc = new DOMParser().parseFromString(text, 'image/svg+xml');
    return { error: doc.querySelector('parsererror')?.textContent ?? null, bars: doc.querySelectorAll('rect.feature-norm').length, models: [...new Set([...doc.querySelectorAll('rect.feature-norm')].map((e) => e.getAttribute('data-model')))], width: doc.documentElement.getAttribute('width') };
  }, svg);
  expect(parsed.error).toBeNull();
  expect(parsed.bars).toBe(2 * 7 * 20);
  expect(parsed.models.sort()).toEqual(['linear', 'relu']);

  const pngPath = join(out, 'strip.png');
  const p = cli(['figure', DATA, '--figure', 'model-strip', '--out', pngPath, '--scale', '1.5']);
  expect(p.status, p.stderr).toBe(0);
  const png = PNG.sync.read(readFileSync(pngPath));
  expect(png.width).toBe(Math.round(Number(parsed.width) * 1.5));

  const bad = cli(['figure', DATA, '--figure', 'correlated', '--out', join(out, 'c.svg')]);
  expect(bad.status).toBe(2);
  expect(bad.stderr).toMatch(/figure correlated does not fit these results: .*figures that fit: /);
});
