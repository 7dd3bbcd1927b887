/**
 * Packaging: `npm run build` writes the standalone element bundle, the library entry points with
 * types and the custom-elements manifest; a plain HTML page that loads ONLY the bundle (served from
 * a folder with nothing else in it) gets a working element.
 */
import { test, expect } from '@playwright/test';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

test('npm run build: standalone bundle, library + types, manifest; a plain page with only the bundle trains', async ({ page }) => {
  test.setTimeout(240_000);
  const build = spawnSync('npm', ['run', 'build'], { cwd: ROOT, encoding: 'utf8', timeout: 180_000 });
  expect(build.status, build.stderr).toBe(0);
  for (const file of ['dist/superposition-phase-diagram.js', 'dist/lib/index.js', 'dist/lib/components.js', 'dist/types/index.d.ts', 'dist/types/element.d.ts', 'custom-elements.json']) {
    expect(existsSync(join(ROOT, file)), file).toBe(true);
  }
  const bundle = readFileSync(join(ROOT, 'dist/superposition-phase-diagram.js'), 'utf8');
  expect(bundle, 'dependencies are bundled, not imported').not.toMatch(/^import .* from\s*["'](lit|regl|zod|d3-scale-chromatic)/m);

  const manifest = JSON.parse(readFileSync(join(ROOT, 'custom-elements.json'), 'utf8'));
  const declarations = manifest.modules.flatMap((m: { declarations?: unknown[] }) => m.declarations ?? []) as { tagName?: string; attributes?: { name: string }[]; events?: { name: string }[] }[];
  const diagram = declarations.find((d) => d.tagName === 'superposition-phase-diagram');
  expect(diagram).toBeDefined();
  const attributes = diagram!.attributes!.map((a) => a.name);
  for (const a of ['preset', 'model', 'n-features', 'n-hidden', 'density-min', 'density-max', 'importance-min', 'importance-max', 'importance-mode', 'cols', 'rows', 'seeds', 'steps', 'batch-size', 'learning-rate', 'seed', 'metric', 'feature', 'theory', 'autostart', 'src']) {
    expect(attributes, a).toContain(a);
  }
  expect(diagram!.events!.map((e) => e.name).sort()).toEqual(['cell-hover', 'cell-select', 'sweep-complete', 'sweep-error', 'sweep-progress']);
  expect(declarations.map((d) => d.tagName)).toEqual(expect.arrayContaining(['superposition-cell-inspector', 'superposition-feature-arrows', 'superposition-gram-matrix', 'superposition-feature-norms']));

  // A folder with the bundle and one page: the two-line embedding of the README.
  const dir = mkdtempSync(join(tmpdir(), 'superposition-standalone-'));
  copyFileSync(join(ROOT, 'dist/superposition-phase-diagram.js'), join(dir, 'superposition-phase-diagram.js'));
  writeFileSync(
    join(dir, 'index.html'),
    '<!doctype html><meta charset="utf-8"><link rel="icon" href="data:,">\n' +
      '<script type="module" src="superposition-phase-diagram.js"></script>\n' +
      '<superposition-phase-diagram preset="tiny" autostart></superposition-phase-diagram>\n',
  );
  const server: Server = createServer((req, res) => {
    const path = join(dir, (req.url ?? '/').split('?')[0] === '/' ? 'index.html' : (req.url ?? '').slice(1).split('?')[0]!);
    if (!existsSync(path)) return res.writeHead(404).end();
    res.writeHead(200, { 'content-type': extname(path) === '.js' ? 'text/javascript' : 'text/html' }).end(readFileSync(path));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
    const detail = await page.evaluate(
      () =>
        new Promise((resolve) => {
          const el = document.querySelector('superposition-phase-diagram')!;
          if ((el as unknown as { state: string }).state === 'complete') resolve({ source: 'trained' });
          el.addEventListener('sweep-complete', (e) => resolve((e as CustomEvent).detail), { once: true });
          el.addEventListener('sweep-error', (e) => resolve((e as CustomEvent).detail), { once: true });
        }),
    );
    expect(detail).toMatchObject({ source: 'trained' });
    expect(await page.evaluate(() => ['superposition-phase-diagram', 'superposition-cell-inspector'].map((t) => customElements.get(t) !== undefined))).toEqual([true, true]);
    expect(errors).toEqual([]);

    // Minified, the bundle still names its errors: without WebGPU the reader gets the right advice.
    const noGpu = await page.context().newPage();
    await noGpu.addInitScript(() => Object.defineProperty(Navigator.prototype, 'gpu', { get: () => undefined, configurable: true }));
    await noGpu.goto(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
    await expect(noGpu.locator('superposition-phase-diagram').locator('[part=message]')).toContainText('This browser does not offer WebGPU');
    await noGpu.close();
  } finally {
    server.close();
  }
});
