/**
 * <superposition-phase-diagram> in headless Chromium (WebGPU on SwiftShader, WebGL on ANGLE):
 * training to completion with the right colour at every cell, hover, keyboard, selection and the
 * inspector, restarts without GPU memory growth, one shared WebGL context, no WebGPU, a lost
 * device, and a saved results file. Pixels are read from page screenshots at cell centres that the
 * element itself reports (cellRect).
 */
import { test, expect, type Page } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { PNG } from 'pngjs';
import { missingColor, regimeColors } from '../src/render/colormap.js';
import { divergingSpec } from './fixtures/specs.js';
import { cellCenter, figureLayout } from '../src/render/figure.js';
import { classifyFeature } from '../src/science/regimes.js';

const FIXTURE = '/e2e/fixtures/diagram.html';

type Detail = Record<string, unknown>;

interface RecordedEvent {
  id: string;
  type: string;
  detail: Detail;
}

/** Opens the fixture with `query` and waits for the element's first `event` (or `sweep-error`). */
async function openAndWait(page: Page, query: string, event = 'sweep-complete'): Promise<RecordedEvent> {
  await page.goto(`${FIXTURE}?${query}`);
  await page.waitForFunction(() => (window as unknown as { fixtureReady?: boolean }).fixtureReady === true);
  return eventAfter(page, 0, event);
}

/** The number of events recorded so far (pass it to {@link eventAfter}). */
function eventCount(page: Page): Promise<number> {
  return page.evaluate(() => (window as unknown as { events: RecordedEvent[] }).events.length);
}

/** Waits for the first event of `type` (or a `sweep-error`) from diagram `id` recorded at position ≥ `since`. */
async function eventAfter(page: Page, since: number, type: string, id = 'd0'): Promise<RecordedEvent> {
  const handle = await page.waitForFunction(
    ([since, type, id]) => {
      const events = (window as unknown as { events: RecordedEvent[] }).events;
      return events.slice(since).find((e) => e.id === id && (e.type === type || e.type === 'sweep-error')) ?? false;
    },
    [since, type, id] as const,
  );
  return (await handle.jsonValue()) as RecordedEvent;
}

/** Runs `action` and returns the first `type` event from diagram `id` it caused. */
async function eventFrom(page: Page, type: string, action: () => Promise<unknown>, id = 'd0'): Promise<RecordedEvent> {
  const since = await eventCount(page);
  await action();
  return eventAfter(page, since, type, id);
}

/** The kept seed's regime of the last feature at every grid point, from the element's results(). */
async function expectedRegimes(page: Page): Promise<{ xCount: number; yCount: number; regime: number[] }> {
  return page.evaluate(() => {
    const el = document.getElementById('d0') as HTMLElement & { results(): any };
    const r = el.results();
    const g = r.groups[0];
    const n = r.spec.nFeatures;
    const seeds = r.spec.seeds;
    const xCount = r.spec.x.count;
    const yCount = r.spec.y.count;
    const regime: number[] = [];
    for (let pos = 0; pos < xCount * yCount; pos++) {
      const inst = pos * seeds + g.kept[pos];
      regime.push(g.results.featureNorm[inst * n + n - 1] > 0.5 ? (g.results.superposition[inst * n + n - 1] > 0.1 ? 2 : 1) : 0);
    }
    return { xCount, yCount, regime };
  });
}

async function cellCentre(page: Page, x: number, y: number, id = 'd0'): Promise<[number, number]> {
  const r = await page.evaluate(([x, y, id]) => {
    const rect = (document.getElementById(id) as any).cellRect(x, y) as DOMRect;
    return [rect.x + rect.width / 2, rect.y + rect.height / 2];
  }, [x, y, id] as const);
  return r as [number, number];
}

/**
 * A screenshot in CSS pixels with the pointer moved off the diagrams (no crosshair or tooltip over
 * a cell), taken two animation frames after the last change: the element draws on animation
 * frames, so the canvas is current however busy the machine.
 */
async function settledScreenshot(page: Page): Promise<PNG> {
  await page.mouse.move(0, 0);
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
  return PNG.sync.read(await page.screenshot({ scale: 'css' }));
}

/** [r, g, b] of `png` at CSS pixel (x, y), rounded to the nearest pixel. */
function pixelAt(png: PNG, x: number, y: number): [number, number, number] {
  const k = (Math.round(y) * png.width + Math.round(x)) * 4;
  return [png.data[k]!, png.data[k + 1]!, png.data[k + 2]!];
}

/** Checks the screenshot colour at every cell centre against the regime colours (±3 per channel). */
async function expectCellColours(page: Page, grid: { xCount: number; yCount: number; regime: number[] }, id = 'd0'): Promise<void> {
  const png = await settledScreenshot(page);
  for (let y = 0; y < grid.yCount; y++) {
    for (let x = 0; x < grid.xCount; x++) {
      const [cx, cy] = await cellCentre(page, x, y, id);
      const got = pixelAt(png, cx, cy);
      const want = regimeColors[grid.regime[y * grid.xCount + x]!]!;
      for (let c = 0; c < 3; c++) expect(Math.abs(got[c]! - want[c]!), `cell (${x}, ${y}): got ${got}, want ${want}`).toBeLessThanOrEqual(3);
    }
  }
}

test.describe('superposition-phase-diagram', () => {
  test('trains a small grid to completion; every cell shows its regime colour; crisp at devicePixelRatio 2', async ({ browser }) => {
    for (const deviceScaleFactor of [1, 2]) {
      const page = await browser.newPage({ deviceScaleFactor, viewport: { width: 900, height: 900 } });
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      const done = await openAndWait(page, 'preset=tiny&autostart&seeds=2');
      expect(done.type).toBe('sweep-complete');
      expect(done.detail).toMatchObject({ instances: 32, source: 'trained', diverged: 0 });
      const grid = await expectedRegimes(page);
      expect(new Set(grid.regime).size, 'the tiny grid shows at least two regimes').toBeGreaterThanOrEqual(2);
      const png = PNG.sync.read(await page.screenshot({ scale: 'css' }));
      expect(png.width).toBe(900);
      await expectCellColours(page, grid);
      const backing = await page.evaluate(() => {
        const canvas = document.getElementById('d0')!.shadowRoot!.querySelector('canvas.plot') as HTMLCanvasElement;
        return { width: canvas.width, css: canvas.getBoundingClientRect().width };
      });
      expect(backing.width).toBe(Math.round(backing.css * deviceScaleFactor));
      expect(errors).toEqual([]);
      await page.close();
    }
  });

  test('model="hidden-relu" trains on the generic drivers: every cell gets its regime colour, and the per-neuron metric recolours without retraining', async ({ page }) => {
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    const done = await openAndWait(page, 'preset=tiny&model=hidden-relu&autostart');
    expect(done.detail).toMatchObject({ instances: 16, source: 'trained', diverged: 0 });
    const grid = await expectedRegimes(page);
    await expectCellColours(page, grid);
    const kinds = await page.evaluate(() => {
      const r = (document.getElementById('d0') as any).results();
      return { model: r.groups[0].model, params: Object.keys(r.groups[0].results.params), extra: Object.keys(r.groups[0].results.extra) };
    });
    expect(kinds).toEqual({ model: 'hidden-relu', params: ['W', 'b'], extra: ['neuronMaxShare', 'neuronFeatureCount'] });
    await page.evaluate(() => document.getElementById('d0')!.setAttribute('metric', 'neuron-max-share'));
    const el = page.locator('superposition-phase-diagram');
    await expect(el.locator('[part=status]')).toContainText('Trained 16 models');
    // The figure (its grid's accessible name) now shows the per-neuron metric of neuron 0 (m = 1).
    await expect(el.getByRole('grid')).toHaveAttribute('aria-label', /^neuron's largest feature share .* of neuron 0: hidden-relu model, n = 2, m = 1\./);
    // Selecting a cell adds the privileged-basis figure of that cell's kept model to the inspector:
    // one stacked bar per neuron, a segment per feature with a non-zero weight.
    const [cx, cy] = await cellCentre(page, 2, 1);
    await page.mouse.click(cx, cy);
    const cellFigure = el.locator('superposition-figure[figure="privileged-basis"]');
    await expect(cellFigure).toHaveCount(1);
    const expected = await page.evaluate(() => {
      const r = (document.getElementById('d0') as any).results();
      const g = r.groups[0];
      const pos = 1 * 4 + 2;
      const inst = pos * g.results.count / 16 + g.kept[pos];
      return Array.from(g.results.params.W.data.slice(inst * 2, inst * 2 + 2) as Float32Array).filter((w) => Math.abs(w) > 1e-6).length;
    });
    await expect(cellFigure.locator('rect.neuron-weight')).toHaveCount(expected);
    expect(errors).toEqual([]);
  });

  test('hover shows the tooltip and a crosshair with the cell’s values', async ({ page }) => {
    await openAndWait(page, 'preset=tiny&autostart');
    const grid = await expectedRegimes(page);
    const [cx, cy] = await cellCentre(page, 2, 3);
    const detail = (await eventFrom(page, 'cell-hover', () => page.mouse.move(cx, cy))).detail;
    expect(detail).toMatchObject({ xIndex: 2, yIndex: 3, metric: 'regime' });
    // Axis values of the tiny preset: p = 0.01 · 100^(x/3), r = 0.1 · 100^(y/3).
    expect(detail.xValue as number).toBeCloseTo(0.01 * Math.pow(100, 2 / 3), 6);
    expect(detail.yValue as number).toBeCloseTo(10, 6);
    const names = ['not represented', 'dedicated dimension', 'superposition'];
    expect(detail.label).toBe(names[grid.regime[3 * 4 + 2]!]);
    const tooltip = page.locator('superposition-phase-diagram').locator('[part=tooltip]');
    await expect(tooltip).toBeVisible();
    await expect(tooltip).toContainText('feature density p = 1 − S: 0.215');
    await expect(tooltip).toContainText('relative importance r of the last feature: 10');
    await expect(tooltip).toContainText(`regime (feature 1): ${detail.label}`);
    await expect(tooltip).toContainText('loss:');
    await expect(page.locator('superposition-phase-diagram').locator('.crosshair line')).toHaveCount(2);
  });

  test('keyboard: arrow keys move a visible focus ring and the aria-live summary; Enter selects', async ({ page }) => {
    await openAndWait(page, 'preset=tiny&autostart');
    const el = page.locator('superposition-phase-diagram');
    await page.keyboard.press('Tab'); // the Restart button
    await page.keyboard.press('Tab'); // the plot
    await expect(el.locator('.hit')).toBeFocused();
    await expect(el.locator('rect.focus')).toHaveCount(1);
    expect((await eventFrom(page, 'cell-hover', () => page.keyboard.press('ArrowRight'))).detail).toMatchObject({ xIndex: 1, yIndex: 0 });
    await page.keyboard.press('ArrowUp');
    await page.keyboard.press('ArrowUp');
    await expect(el.locator('#live')).toContainText('feature density p = 1 − S 0.0464, relative importance r of the last feature 2.15: ');
    const focusBox = await el.locator('rect.focus').boundingBox();
    const [cx, cy] = await cellCentre(page, 1, 2);
    expect(Math.abs(focusBox!.x + focusBox!.width / 2 - cx)).toBeLessThan(2);
    expect(Math.abs(focusBox!.y + focusBox!.height / 2 - cy)).toBeLessThan(2);
    await page.keyboard.press('End');
    await page.keyboard.press('PageDown');
    expect((await eventFrom(page, 'cell-select', () => page.keyboard.press('Enter'))).detail).toMatchObject({ xIndex: 3, yIndex: 0 });
  });

  test('cell-select (click) carries the kept model and fills the inspector with it', async ({ page }) => {
    await openAndWait(page, 'preset=tiny&autostart&seeds=2');
    const [cx, cy] = await cellCentre(page, 1, 2);
    const detail = (await eventFrom(page, 'cell-select', () => page.mouse.click(cx, cy))).detail as { model: { W: Record<string, number>; seedIndex: number; loss: number } };
    const expected = await page.evaluate(() => {
      const r = (document.getElementById('d0') as any).results();
      const g = r.groups[0];
      const pos = 2 * 4 + 1;
      const inst = pos * 2 + g.kept[pos];
      return { W: Array.from(g.results.W.slice(inst * 2, inst * 2 + 2)) as number[], seed: g.kept[pos] as number, loss: g.results.loss[inst] as number };
    });
    expect(Object.values(detail.model.W)).toEqual(expected.W);
    expect(detail.model.seedIndex).toBe(expected.seed);
    const inspector = page.locator('superposition-phase-diagram').locator('superposition-cell-inspector');
    await expect(inspector).toBeVisible();
    await expect(inspector).toContainText('p = 1 − S');
    // The trained cell is drawn by the paper's model strip (the registry's figure): WᵀW (2 × 2) and b
    // as regl matrices, one norm bar per feature of the length ‖W_i‖ the results hold.
    const strip = page.locator('superposition-phase-diagram').locator('superposition-figure[figure="model-strip"]');
    await expect(strip.locator('rect.matrix[data-rows="2"][data-cols="2"]')).toHaveCount(1);
    await expect(strip.locator('rect.matrix[data-rows="2"][data-cols="1"]')).toHaveCount(1);
    await expect(strip.locator('rect.feature-norm')).toHaveCount(2);
    const norm0 = Math.abs(expected.W[0]!);
    await expect(strip.locator('rect.feature-norm[data-feature="0"]')).toHaveAttribute('data-norm', String(+norm0.toPrecision(3)));
    await expect(inspector.locator('superposition-gram-matrix')).toHaveCount(0);
  });

  test('changing attributes restarts cleanly: no growth in GPU buffers or WebGL textures, one WebGL context', async ({ page }) => {
    await openAndWait(page, 'preset=tiny&autostart&count=2');
    const stats = () => page.evaluate(() => (customElements.get('superposition-phase-diagram') as any).resourceStats());
    await page.evaluate(() => (document.getElementById('d1') as any).start());
    const before = await stats();
    expect(before.webgl).toMatchObject({ alive: true, users: 2, contextsCreated: 1 });
    expect(before.engine.users).toBe(2);
    for (const [k, seed] of [1, 2, 3].entries()) {
      // A run too long to finish (1e6 steps)...
      const since = await eventCount(page);
      await page.evaluate((seed) => {
        const el = document.getElementById('d0')!;
        el.setAttribute('steps', '1000000');
        el.setAttribute('seed', String(seed));
      }, seed);
      await eventAfter(page, since, 'sweep-progress');
      // ...restarted while it trains: that run must be cancelled and freed, and the short one shown.
      await page.evaluate(
        ([seed, steps]) => {
          const el = document.getElementById('d0')!;
          el.setAttribute('steps', String(steps));
          el.setAttribute('seed', String(seed + 10));
        },
        [seed, 300 + 50 * k] as const,
      );
      await expect
        .poll(() => page.evaluate(() => { const el = document.getElementById('d0') as any; return el.state === 'complete' ? el.results()?.spec.seed : undefined; }), { timeout: 60_000 })
        .toBe(seed + 10);
    }
    await page.waitForTimeout(100);
    const after = await stats();
    expect(after.engine.buffers).toEqual(before.engine.buffers);
    expect(after.webgl).toEqual(before.webgl);
    // Removing both diagrams frees the engine and the shared context.
    await page.evaluate(() => document.querySelectorAll('superposition-phase-diagram').forEach((e) => e.remove()));
    await page.waitForTimeout(200);
    const gone = await stats();
    expect(gone.webgl).toMatchObject({ alive: false, users: 0, contextsCreated: 1 });
    expect(gone.engine).toEqual({ users: 0 });
  });

  test('without WebGPU the element explains it in its own box; nothing reaches the console as an error', async ({ page }) => {
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    await page.addInitScript(() => {
      Object.defineProperty(Navigator.prototype, 'gpu', { get: () => undefined, configurable: true });
    });
    const event = await openAndWait(page, 'preset=tiny&autostart', 'sweep-error');
    expect(event.detail).toMatchObject({ name: 'WebGPUUnavailableError' });
    const box = page.locator('superposition-phase-diagram').locator('[part=message]');
    await expect(box).toBeVisible();
    await expect(box).toContainText('This browser does not offer WebGPU');
    await expect(box).toContainText('works without WebGPU');
    expect(errors).toEqual([]);
  });

  test('a lost device mid-training shows the lost-device message and Restart trains again', async ({ page }) => {
    await page.addInitScript(() => {
      const devices: GPUDevice[] = [];
      (window as any).__devices = devices;
      const original = GPUAdapter.prototype.requestDevice;
      GPUAdapter.prototype.requestDevice = async function (this: GPUAdapter, d?: GPUDeviceDescriptor) {
        const device = await original.call(this, d);
        devices.push(device);
        return device;
      };
    });
    await page.goto(`${FIXTURE}?preset=tiny&steps=1000000&autostart`);
    await eventAfter(page, 0, 'sweep-progress');
    const failed = await eventFrom(page, 'sweep-error', () => page.evaluate(() => (window as any).__devices[0].destroy()));
    expect(failed.detail).toMatchObject({ name: 'DeviceLostError' });
    const box = page.locator('superposition-phase-diagram').locator('[part=message]');
    await expect(box).toContainText('The graphics card stopped responding');
    const done = await eventFrom(page, 'sweep-complete', () => page.evaluate(() => document.getElementById('d0')!.setAttribute('steps', '100')));
    expect(done.type).toBe('sweep-complete');
    await expect(box).toHaveCount(0);
    expect(await page.evaluate(() => (window as any).__devices.length)).toBe(2);
  });

  test('src shows a saved results.json without WebGPU, with each cell in its saved regime colour', async ({ page }) => {
    await page.addInitScript(() => {
      Object.defineProperty(Navigator.prototype, 'gpu', { get: () => undefined, configurable: true });
    });
    const event = await openAndWait(page, 'src=/e2e/fixtures/tiny-results.json');
    expect(event.detail).toMatchObject({ source: 'loaded', instances: 32 });
    const saved = JSON.parse(readFileSync(new URL('fixtures/tiny-results.json', import.meta.url), 'utf8'));
    const regime = new Array<number>(16).fill(-1);
    for (const c of saved.cells) if (c.kept) regime[c.gridIndex] = classifyFeature(c.featureNorm[1], c.superposition[1]);
    expect(regime).not.toContain(-1);
    await expectCellColours(page, { xCount: 4, yCount: 4, regime });
    await expect(page.locator('superposition-phase-diagram').locator('[part=status]')).toContainText('Loaded 32 models');
  });

  test('live: cells fill in from snapshots while training runs; Stop keeps them; the button restarts', async ({ page }) => {
    await page.goto(`${FIXTURE}?preset=tiny&steps=400000&batch-size=64&cols=8&rows=8&autostart`);
    const el = page.locator('superposition-phase-diagram');
    const progress = await eventAfter(page, 0, 'sweep-progress');
    expect(progress.detail.fraction as number).toBeGreaterThanOrEqual(0);
    // Wait for a frame in which some cells are coloured while training is still far from done.
    await page.waitForFunction(() => {
      const d = document.getElementById('d0') as any;
      const canvas = d.shadowRoot.querySelector('canvas.plot') as HTMLCanvasElement;
      const ctx = canvas.getContext('2d')!;
      const px = ctx.getImageData(canvas.width / 16, canvas.height - canvas.height / 16, 1, 1).data;
      return d.state === 'training' && !(px[0] === 244 && px[1] === 244 && px[2] === 244);
    });
    const live = (await page.evaluate(() => (window as any).events.filter((e: any) => e.type === 'sweep-progress').at(-1).detail)) as { fraction: number };
    expect(live.fraction).toBeLessThan(0.9);
    await expect(el.locator('[part=button]')).toHaveText('Stop');
    await expect(el.locator('[part=status]')).toContainText('Training 64 models');
    await el.locator('[part=button]').click();
    await expect(el.locator('[part=status]')).toContainText('Stopped');
    await expect(el.locator('[part=button]')).toHaveText('Restart');
    expect(await page.evaluate(() => (document.getElementById('d0') as any).results())).toBeUndefined();
    // What was trained stays on screen: the bottom-left cell keeps a regime colour.
    const png = await settledScreenshot(page);
    const [cx, cy] = await cellCentre(page, 0, 0);
    const got = pixelAt(png, cx, cy);
    expect(got, 'stopped cells keep their colour').not.toEqual([...missingColor]);
    expect(regimeColors.some((c) => c.every((v, i) => Math.abs(v - got[i]!) <= 3))).toBe(true);
    // Stopped cells can be recoloured by another metric (the stop kept every metric, not just the shown one).
    await page.evaluate(() => document.getElementById('d0')!.setAttribute('metric', 'norm'));
    await expect(el.locator('.colorbar')).toBeVisible();
    await page.mouse.move(cx, cy);
    await expect(el.locator('[part=tooltip]')).toContainText(/feature norm ‖W_i‖ \(feature 1\): \d/);
    await page.evaluate(() => document.getElementById('d0')!.removeAttribute('metric'));
    const restarted = await eventFrom(page, 'sweep-progress', () => el.locator('[part=button]').click());
    expect(restarted.type).toBe('sweep-progress');
    await page.evaluate(() => (document.getElementById('d0') as any).stop());
  });

  test('toBlob() gives the CLI’s PNG figure with every cell in its regime colour', async ({ page }) => {
    await openAndWait(page, 'preset=tiny&autostart');
    const grid = await expectedRegimes(page);
    const bytes = await page.evaluate(async () => {
      const blob = await (document.getElementById('d0') as any).toBlob();
      return Array.from(new Uint8Array(await blob.arrayBuffer()));
    });
    const png = PNG.sync.read(Buffer.from(bytes));
    const layout = figureLayout(png.width, png.height);
    expect([png.width, png.height]).toEqual([800, 600]);
    for (let y = 0; y < 4; y++) {
      for (let x = 0; x < 4; x++) {
        const [cx, cy] = cellCenter(layout, x, y, 4, 4);
        const want = regimeColors[grid.regime[y * 4 + x]!]!;
        expect(pixelAt(png, cx, cy), `cell (${x}, ${y})`).toEqual([...want]);
      }
    }
  });

  test('responsive: the plot follows the element’s width (ResizeObserver); metric and theming apply without retraining', async ({ page }) => {
    await openAndWait(page, 'preset=tiny&autostart&theory');
    const el = page.locator('superposition-phase-diagram');
    const wide = await el.locator('canvas.plot').boundingBox();
    await page.evaluate(() => ((document.getElementById('d0') as HTMLElement).style.width = '480px'));
    await expect.poll(async () => (await el.locator('canvas.plot').boundingBox())!.width).toBeLessThan(wide!.width - 200);
    // The backing store follows on the next frame (a loaded machine may lag a frame behind the layout).
    await expect
      .poll(async () => {
        const narrow = (await el.locator('canvas.plot').boundingBox())!;
        const pixels = await page.evaluate(() => (document.getElementById('d0') as any).shadowRoot.querySelector('canvas.plot').width);
        return pixels - Math.round(narrow.width);
      })
      .toBe(0);
    // The theory overlay is drawn for the n = 2, m = 1 phase diagram.
    await expect(el.locator('path.theory')).toHaveCount(1);
    expect(((await el.locator('path.theory').getAttribute('d')) ?? '').length).toBeGreaterThan(100);
    // Switching the metric recolours from the finished results: a continuous colour bar, no new training.
    const since = await eventCount(page);
    await page.evaluate(() => document.getElementById('d0')!.setAttribute('metric', 'norm'));
    await expect(el.locator('.colorbar')).toBeVisible();
    await expect(el.locator('.colorbar')).toContainText('feature norm');
    await page.waitForTimeout(300);
    expect(await page.evaluate((since) => (window as any).events.slice(since).filter((e: any) => e.type === 'sweep-progress').length, since)).toBe(0);
    // Theming: a CSS custom property reaches the shadow DOM, and parts are styleable from outside.
    await page.addStyleTag({ content: 'superposition-phase-diagram { --superposition-ink: rgb(0, 128, 0); } superposition-phase-diagram::part(status) { color: rgb(255, 0, 0); }' });
    await expect(el.locator('.tick-label').first()).toHaveCSS('fill', 'rgb(0, 128, 0)');
    await expect(el.locator('[part=status]')).toHaveCSS('color', 'rgb(255, 0, 0)');
  });

  test('a bad attribute shows a message naming it and fires sweep-error; fixing it recovers', async ({ page }) => {
    const event = await openAndWait(page, 'preset=tiny&n-features=1&autostart', 'sweep-error');
    expect(event.detail).toMatchObject({ name: 'AttributeError', message: 'n-features=1 is not allowed; allowed: integers 2..1024' });
    const box = page.locator('superposition-phase-diagram').locator('[part=message]');
    await expect(box).toContainText('n-features=1 is not allowed');
    const done = await eventFrom(page, 'sweep-complete', () => page.evaluate(() => document.getElementById('d0')!.setAttribute('n-features', '2')));
    expect(done.type).toBe('sweep-complete');
    await expect(box).toHaveCount(0);
  });

  test('overlapping changes: the last one wins and its run is the one shown; start() right after a change trains the new sweep', async ({ page }) => {
    // Long enough (16 models × 1e6 steps) that the first run cannot finish before the changes land.
    await page.goto(`${FIXTURE}?preset=tiny&steps=1000000&autostart`);
    await eventAfter(page, 0, 'sweep-progress');
    // Two changes within one GPU submit, while training.
    const since = await eventCount(page);
    await page.evaluate(async () => {
      const el = document.getElementById('d0') as any;
      el.cols = 3;
      await el.updateComplete;
      el.rows = 2;
      el.steps = 150;
    });
    const done = await eventAfter(page, since, 'sweep-complete');
    expect(done.detail).toMatchObject({ instances: 6, source: 'trained' });
    const shown = await page.evaluate(() => {
      const el = document.getElementById('d0') as any;
      return { count: el.results()?.groups[0].results.count, status: el.shadowRoot.querySelector('[part=status]').textContent };
    });
    expect(shown).toEqual({ count: 6, status: 'Trained 6 models in ' + shown.status.split(' in ')[1] });
    // A property change and start() in the same task: start() waits for the change.
    const count = await page.evaluate(async () => {
      const el = document.getElementById('d0') as any;
      el.autostart = false;
      el.cols = 2;
      el.rows = 2;
      await el.start();
      return el.results()?.groups[0].results.count;
    });
    expect(count).toBe(4);
  });

  test('moving a finished diagram in the page keeps its results (no retraining)', async ({ page }) => {
    await openAndWait(page, 'preset=tiny&autostart');
    const since = await eventCount(page);
    const kept = await page.evaluate(async () => {
      const el = document.getElementById('d0') as any;
      const before = el.results();
      const wrapper = document.createElement('section');
      document.body.append(wrapper);
      wrapper.append(el);
      await new Promise((r) => setTimeout(r, 300));
      return { same: el.results() === undefined ? false : el.results().groups[0].results === before.groups[0].results, state: el.state };
    });
    expect(kept).toEqual({ same: true, state: 'complete' });
    expect(await page.evaluate((since) => (window as any).events.slice(since).filter((e: any) => e.type === 'sweep-progress').length, since)).toBe(0);
    await expectCellColours(page, await expectedRegimes(page));
  });

  test('the spec property trains a whole sweep spec and wins over the attributes', async ({ page }) => {
    await page.goto(`${FIXTURE}?preset=tiny&cols=7`);
    await page.waitForFunction(() => (window as any).fixtureReady === true);
    const since = await eventCount(page);
    await page.evaluate(() => {
      const el = document.getElementById('d0') as any;
      el.spec = {
        nFeatures: 3,
        nHidden: 1,
        x: { param: 'featureProbability', min: 0.05, max: 1, count: 3, scale: 'log' },
        y: { param: 'importance', mode: 'last', min: 0.5, max: 2, count: 2, scale: 'log' },
        seeds: 1,
        training: { steps: 60, batchSize: 32 },
        evalBatchSize: 512,
      };
      el.autostart = true;
    });
    const done = await eventAfter(page, since, 'sweep-complete');
    expect(done.detail).toMatchObject({ instances: 6, source: 'trained' });
    expect(await page.evaluate(() => (document.getElementById('d0') as any).results().spec.nFeatures)).toBe(3);
    // A bad spec is reported with its path, like a bad attribute.
    const bad = await eventFrom(page, 'sweep-error', () => page.evaluate(() => ((document.getElementById('d0') as any).spec = { nFeatures: 0, nHidden: 1 })));
    expect(bad.detail).toMatchObject({ name: 'AttributeError' });
    expect(bad.detail.message as string).toMatch(/^spec property: spec\.nFeatures: 0 is out of range/);
  });

  test('training that diverges (NaN): sweep-complete counts it, the status says what to do, the cells are drawn as missing and hover says diverged', async ({ page }) => {
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    await page.goto(`${FIXTURE}?preset=tiny`);
    await page.waitForFunction(() => (window as any).fixtureReady === true);
    const done = await eventFrom(page, 'sweep-complete', () =>
      page.evaluate((spec) => {
        const el = document.getElementById('d0') as any;
        el.spec = spec;
        el.autostart = true;
      }, divergingSpec(1)),
    );
    expect(done.detail).toMatchObject({ instances: 4, source: 'trained', diverged: 4 });
    const el = page.locator('superposition-phase-diagram');
    await expect(el.locator('[part=status]')).toContainText('4 diverged (NaN loss): try a smaller learning rate');
    await expect(el.locator('.legend')).toContainText('diverged');
    const png = await settledScreenshot(page);
    const [cx, cy] = await cellCentre(page, 1, 1);
    expect(pixelAt(png, cx, cy).map((v, i) => Math.abs(v - missingColor[i]!) <= 3)).toEqual([true, true, true]);
    await page.mouse.move(cx, cy);
    await expect(el.locator('[part=tooltip]')).toContainText('diverged');
    // Selecting a diverged cell reports it without a model, and nothing throws.
    const selected = await eventFrom(page, 'cell-select', () => page.mouse.click(cx, cy));
    expect(selected.detail).toMatchObject({ xIndex: 1, yIndex: 1 });
    expect(errors).toEqual([]);
  });

  test('no GPU adapter, and no WebGL: each has its own plain-words message and sweep-error', async ({ page }) => {
    await page.addInitScript(() => {
      GPU.prototype.requestAdapter = async () => null;
    });
    const noAdapter = await openAndWait(page, 'preset=tiny&autostart', 'sweep-error');
    expect(noAdapter.detail).toMatchObject({ name: 'NoAdapterError' });
    await expect(page.locator('superposition-phase-diagram').locator('[part=message]')).toContainText('No graphics card is available to WebGPU');

    const page2 = await page.context().newPage();
    await page2.addInitScript(() => {
      const original = HTMLCanvasElement.prototype.getContext;
      HTMLCanvasElement.prototype.getContext = function (this: HTMLCanvasElement, type: string, ...rest: unknown[]) {
        return type === 'webgl' || type === 'experimental-webgl' || type === 'webgl2' ? null : (original as any).call(this, type, ...rest);
      } as typeof original;
    });
    const noWebGL = await openAndWait(page2, 'preset=tiny', 'sweep-error');
    expect(noWebGL.detail).toMatchObject({ name: 'WebGLUnavailableError' });
    await expect(page2.locator('superposition-phase-diagram').locator('[part=message]')).toContainText('This browser cannot draw the diagram');
    await page2.close();
  });

  test('lifecycle edge cases: start() then remove() does not hang; reset() during a restart neither throws nor restarts; a moved autostart diagram trains again', async ({ page }) => {
    await openAndWait(page, 'preset=tiny&autostart');
    const removed = await page.evaluate(async () => {
      const el = document.getElementById('d0') as any;
      (window as any).detached = el;
      el.cols = 3;
      const started = el.start();
      el.remove();
      await Promise.race([started, new Promise((r) => setTimeout(r, 3000))]);
      return 'returned';
    });
    expect(removed).toBe('returned');
    await page.evaluate(() => document.body.append((window as any).detached));
    await expect.poll(() => page.evaluate(() => (document.getElementById('d0') as any).results()?.groups[0].results.count), { timeout: 60_000 }).toBe(12);

    // reset() while an attribute change restarts a running sweep (one too long to finish first).
    const beforeLong = await eventCount(page);
    await page.evaluate(() => ((document.getElementById('d0') as any).steps = 1_000_000));
    await eventAfter(page, beforeLong, 'sweep-progress');
    const reset = await page.evaluate(async () => {
      const el = document.getElementById('d0') as any;
      el.rows = 3;
      await el.updateComplete;
      try {
        await el.reset();
      } catch (e) {
        return `threw ${(e as Error).message}`;
      }
      await new Promise((r) => setTimeout(r, 500));
      return el.state;
    });
    expect(reset).toBe('idle');

    // Moving a training autostart diagram: it trains again in its new place. The run is too long
    // to finish first (1e6 steps), and a stopped run reports no progress, so progress after the
    // move comes from a new run.
    const started = await eventCount(page);
    await page.evaluate(() => {
      const el = document.getElementById('d0') as any;
      el.steps = 1_000_000;
      void el.start();
    });
    await eventAfter(page, started, 'sweep-progress');
    const moved = await page.evaluate(() => {
      const el = document.getElementById('d0') as any;
      const wrapper = document.createElement('div');
      document.body.append(wrapper);
      wrapper.append(el);
      return (window as any).events.length as number;
    });
    expect((await eventAfter(page, moved, 'sweep-progress')).type).toBe('sweep-progress');
    expect(await page.evaluate(() => (document.getElementById('d0') as any).state)).toBe('training');
    await page.evaluate(() => (document.getElementById('d0') as any).stop());
  });
});
