#!/usr/bin/env node
// Element scale check: <superposition-phase-diagram> with a GRID × GRID grid in headless Chromium
// (the e2e fixture page served by Vite). While it trains: every animation frame's interval (longest,
// 95th percentile, frames over 50 ms); then hover latency: pointer move → the element's cell-hover
// event and the tooltip on screen (two animation frames later). Records bench/results/element-scale-<date>.json.
//   node bench/element-scale.mjs [GRID=512]
import { chromium } from 'playwright';
import { createServer } from 'vite';
import { cpus, loadavg } from 'node:os';
import { mkdirSync, writeFileSync } from 'node:fs';

const grid = Number(process.argv[2] ?? 512);
const server = await createServer({ server: { port: 5191, strictPort: true }, logLevel: 'error' });
await server.listen();
const browser = await chromium.launch({ executablePath: process.env.SUPERPOSITION_CHROMIUM ?? '/usr/bin/chromium', args: ['--no-sandbox', '--enable-unsafe-webgpu', '--disable-background-networking'] });
try {
  const page = await browser.newPage({ viewport: { width: 900, height: 900 } });
  const load = loadavg()[0];
  await page.goto(`http://localhost:5191/e2e/fixtures/diagram.html?cols=${grid}&rows=${grid}&seeds=1&steps=200&batch-size=16&autostart`);
  await page.waitForFunction(() => window.fixtureReady === true);
  // Frame intervals while training (up to 20 s).
  const frames = await page.evaluate(async () => {
    const el = document.getElementById('d0');
    const intervals = [];
    let last = performance.now();
    const t0 = last;
    await new Promise((resolve) => {
      const tick = (t) => {
        intervals.push(t - last);
        last = t;
        if (el.state !== 'training' && t - t0 > 2000) return resolve();
        if (t - t0 > 20000) return resolve();
        requestAnimationFrame(tick);
      };
      requestAnimationFrame(tick);
    });
    return { intervals, state: el.state };
  });
  await page.waitForFunction(() => document.getElementById('d0').state === 'complete', undefined, { timeout: 600_000 });
  // Hover latency over 40 cells.
  const box = await page.evaluate(() => document.getElementById('d0').cellRect(0, 0).toJSON());
  const latencies = [];
  for (let k = 0; k < 40; k++) {
    const x = (k * 37) % grid;
    const y = (k * 53) % grid;
    const r = await page.evaluate(([x, y]) => document.getElementById('d0').cellRect(x, y).toJSON(), [x, y]);
    const ms = await page.evaluate(async ([cx, cy]) => {
      const el = document.getElementById('d0');
      const t0 = performance.now();
      const hovered = new Promise((resolve) => el.addEventListener('cell-hover', () => resolve(performance.now()), { once: true }));
      el.shadowRoot.querySelector('.hit')?.dispatchEvent(new PointerEvent('pointermove', { clientX: cx, clientY: cy, bubbles: true, composed: true }));
      const event = await Promise.race([hovered, new Promise((r) => setTimeout(() => r(NaN), 1000))]);
      await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
      return { event: event - t0, painted: performance.now() - t0 };
    }, [r.x + r.width / 2, r.y + r.height / 2]);
    latencies.push(ms);
  }
  const sorted = [...frames.intervals].sort((a, b) => a - b);
  const q = (a, p) => a[Math.min(a.length - 1, Math.floor(p * a.length))];
  const ev = latencies.map((l) => l.event).filter(Number.isFinite).sort((a, b) => a - b);
  const painted = latencies.map((l) => l.painted).sort((a, b) => a - b);
  const record = {
    date: new Date().toISOString(),
    command: `node bench/element-scale.mjs ${grid}`,
    machine: `${cpus().length} × ${cpus()[0]?.model}, WebGPU on SwiftShader`,
    load1Before: load,
    grid: `${grid} × ${grid} × 1 seed, 200 steps × 16`,
    framesWhileTraining: { count: sorted.length, medianMs: q(sorted, 0.5), p95Ms: q(sorted, 0.95), maxMs: sorted[sorted.length - 1], over50ms: sorted.filter((v) => v > 50).length },
    hover: { samples: latencies.length, eventMedianMs: q(ev, 0.5), eventMaxMs: ev[ev.length - 1], paintedMedianMs: q(painted, 0.5), paintedMaxMs: painted[painted.length - 1], missed: latencies.length - ev.length },
  };
  mkdirSync('bench/results', { recursive: true });
  const file = `bench/results/element-scale-${grid}-${record.date.replace(/[:.]/g, '-').slice(0, 19)}Z.json`;
  writeFileSync(file, JSON.stringify(record, null, 2) + '\n');
  console.log(JSON.stringify(record, null, 2));
  console.log(`wrote ${file}`);
} finally {
  await browser.close();
  await server.close();
}
