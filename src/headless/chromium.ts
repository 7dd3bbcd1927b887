/**
 * The default backend: a Vite dev server (programmatic, 127.0.0.1, free port, silent) serves
 * demo/headless.html; Playwright launches headless Chromium with WebGPU enabled; the page trains
 * the sweep (src/headless/page.ts) and draws the PNG. Everything is closed again on success, on
 * error, and when the caller's AbortSignal fires (Ctrl-C).
 */
import { fileURLToPath } from 'node:url';
import type { AddressInfo } from 'node:net';
import { chromium, type Browser } from 'playwright';
import { createServer, type ViteDevServer } from 'vite';
import { resolveSpecGroups, type SweepSpec } from '../science/spec.js';
import type { PhaseDiagramFigure } from '../render/figure.js';
import { sceneToJson, type Scene } from '../figures/scene.js';
import { chromiumArgs, chromiumPath } from './chromium-path.js';
import { NoChromiumError, PageError, RunCancelledError } from './errors.js';
import { decodeBytes, decodeFloat32, decodeGroupResults, decodeInt32, encodeBytes, type WireCheckpoint, type WireResume, type WireFigure, type WireProgress, type WireRenderResult, type WireRunResult, type WireSceneResult } from './wire.js';
import type { BackendRunOptions, GroupResult, SweepRun } from './run-types.js';
import type { DeviceInfo } from '../engine/types.js';
import type { ModelSet } from '../science/types.js';
import { restoreFinished } from './train-groups.js';
import { payloadResults, type ChunkPayload } from './checkpoint-payload.js';

/** The repository root (what Vite serves). */
export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Path of the headless page, relative to the server root. */
export const HEADLESS_PAGE = 'demo/headless.html';

/** A started server + browser + page. */
export interface HeadlessBrowser {
  /**
   * Trains `spec` in the page (one trainModelSet per model group) and returns the results.
   * @throws PageError for errors in the page (no adapter, device limits, divergence …);
   *   RunCancelledError when the signal fired
   */
  run(spec: SweepSpec, options?: BackendRunOptions): Promise<SweepRun>;
  /** Draws a figure in the page; returns the PNG bytes. @throws PageError */
  render(figure: PhaseDiagramFigure): Promise<Uint8Array>;
  /**
   * Draws a figure scene in the page (regl matrices under the SVG marks) at `scale` device pixels
   * per CSS pixel; returns the PNG, and with `frames` every animation frame's RGBA pixels.
   * @throws PageError
   */
  renderScene(scene: Scene, scale: number, frames?: boolean): Promise<{ png: Uint8Array; width: number; height: number; frames?: Uint8Array[] }>;
  /** Closes the page, the browser and the server. Idempotent. */
  close(): Promise<void>;
}

/** Options of {@link openHeadlessBrowser}. */
export interface OpenOptions {
  /** Closing everything when it fires. */
  signal?: AbortSignal;
  /** Forward the page's console to stderr (also enabled by SUPERPOSITION_DEBUG=1). */
  debug?: boolean;
}

async function startServer(): Promise<{ server: ViteDevServer; url: string }> {
  const server = await createServer({
    configFile: false,
    root: REPO_ROOT,
    logLevel: 'silent',
    clearScreen: false,
    server: { host: '127.0.0.1', port: 0, strictPort: false, hmr: false, watch: null },
    optimizeDeps: { entries: [HEADLESS_PAGE], include: ['regl', 'd3-scale-chromatic', 'zod'] },
  });
  await server.listen();
  const address = server.httpServer?.address() as AddressInfo | null;
  if (!address || typeof address !== 'object') {
    await server.close();
    throw new Error('the Vite dev server did not report a port');
  }
  return { server, url: `http://127.0.0.1:${address.port}/` };
}

async function launchBrowser(): Promise<Browser> {
  const executablePath = chromiumPath();
  try {
    // The CLI handles Ctrl-C and SIGTERM itself (the page saves a checkpoint, then the CLI closes
    // the browser): Playwright must not close it first.
    return await chromium.launch({ ...(executablePath ? { executablePath } : {}), args: chromiumArgs, headless: true, handleSIGINT: false, handleSIGTERM: false, handleSIGHUP: false });
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    if (!executablePath) throw new NoChromiumError('no system Chromium and no Playwright browser installed');
    if (/ENOENT|doesn't exist|no such file|spawn/i.test(msg)) throw new NoChromiumError(`cannot start ${executablePath}`);
    throw new Error(`Chromium (${executablePath}) failed to start: ${msg.split('\n')[0]}`);
  }
}

/**
 * Starts the Vite server, launches Chromium and opens the headless page.
 * @throws NoChromiumError when no Chromium is found; Error when the page does not load (its
 *   errors are included in the message)
 */
export async function openHeadlessBrowser(options: OpenOptions = {}): Promise<HeadlessBrowser> {
  const debug = options.debug ?? Boolean(process.env.SUPERPOSITION_DEBUG);
  let server: ViteDevServer | undefined;
  let browser: Browser | undefined;
  let closed = false;
  const close = async (): Promise<void> => {
    if (closed) return;
    closed = true;
    options.signal?.removeEventListener('abort', onAbort);
    await browser?.close().catch(() => {});
    await server?.close().catch(() => {});
  };
  const onAbort = (): void => void close();
  options.signal?.addEventListener('abort', onAbort, { once: true });

  try {
    const started = await startServer();
    server = started.server;
    if (options.signal?.aborted) throw new RunCancelledError();
    browser = await launchBrowser();
    if (options.signal?.aborted) throw new RunCancelledError();
    const page = await browser.newPage();
    const pageErrors: string[] = [];
    page.on('pageerror', (e) => pageErrors.push(e.message));
    page.on('console', (m) => {
      if (m.type() === 'error') pageErrors.push(m.text());
      if (debug) process.stderr.write(`[page ${m.type()}] ${m.text()}\n`);
    });
    let progress: ((p: WireProgress) => void) | undefined;
    await page.exposeFunction('__superpositionProgress', (p: WireProgress) => progress?.(p));
    let checkpointHandler: ((m: WireCheckpoint) => Promise<void>) | undefined;
    let deviceHandler: ((info: DeviceInfo) => Promise<WireResume>) | undefined;
    await page.exposeFunction('__superpositionCheckpoint', (m: WireCheckpoint) => checkpointHandler?.(m));
    await page.exposeFunction('__superpositionDevice', (info: DeviceInfo) => deviceHandler?.(info) ?? null);
    await page.goto(started.url + HEADLESS_PAGE);
    try {
      await page.waitForFunction(() => window.superpositionHeadless !== undefined, undefined, { timeout: 120_000 });
    } catch {
      throw new Error(`the headless page did not load${pageErrors.length ? `: ${pageErrors.join('; ')}` : ''}`);
    }

    const guard = async <T>(work: () => Promise<T>): Promise<T> => {
      if (closed) throw options.signal?.aborted ? new RunCancelledError() : new Error('the headless browser is closed');
      try {
        return await work();
      } catch (e) {
        if (options.signal?.aborted) throw new RunCancelledError();
        throw e;
      }
    };

    return {
      run: (spec, runOptions = {}) =>
        guard(async () => {
          if (runOptions.signal?.aborted) throw new RunCancelledError();
          progress = runOptions.onProgress;
          const sink = runOptions.checkpointSink;
          const resume = runOptions.resume ?? [];
          // An error of onDevice (a checkpoint that does not fit) is the caller's, not the page's.
          let deviceError: unknown;
          deviceHandler = async (info) => {
            try {
              await runOptions.onDevice?.(info);
            } catch (e) {
              deviceError = e;
              throw e;
            }
            // onDevice may have loaded the checkpoint into `resume` just now.
            if (!resume.some(Boolean)) return null;
            return resume.map((r) =>
              r ? { finished: r.finished, ...(r.running ? { running: { ...r.running, theta: encodeBytes(r.running.theta), moment1: encodeBytes(r.running.moment1), moment2: encodeBytes(r.running.moment2) } } : {}) } : null,
            );
          };
          const stream = runOptions.onChunkResults;
          checkpointHandler =
            sink || stream
              ? async (m) => {
                  if (m.kind === 'state') return void (await sink?.chunkState(m.group, { ...m, theta: decodeFloat32(m.theta), moment1: decodeFloat32(m.moment1), moment2: decodeFloat32(m.moment2) }));
                  const payload: ChunkPayload = { header: m.header, arrays: m.arrays.map(([name, a]) => [name, decodeFloat32(a)]) };
                  // A streamed chunk is taken first, then checkpointed, as the engine orders them.
                  if (m.kind === 'results') await stream?.(m.group, { index: m.header.chunkIndex, start: m.header.start, count: m.header.count }, payloadResults(payload));
                  await sink?.chunkDone(m.group, payload);
                }
              : undefined;
          // A stop asks the page to cancel: it saves its checkpoint, then answers CancelledError.
          const cancel = (): void => void page.evaluate(() => window.superpositionHeadless!.cancel()).catch(() => {});
          runOptions.signal?.addEventListener('abort', cancel, { once: true });
          const t0 = Date.now();
          try {
            const wireOptions = {
              ...(sink || runOptions.onDevice ? { checkpoint: sink?.everySeconds !== undefined ? { everySeconds: sink.everySeconds } : {} } : {}),
              ...(stream ? { stream: true } : {}),
              ...(runOptions.maxInstancesPerChunk !== undefined ? { maxInstancesPerChunk: runOptions.maxInstancesPerChunk } : {}),
            };
            const wire = (await page.evaluate(([s, o]) => window.superpositionHeadless!.run(s, o), [spec, wireOptions] as const)) as WireRunResult;
            if (!wire.ok) {
              if (deviceError !== undefined) throw deviceError;
              throw wire.error.name === 'CancelledError' ? new RunCancelledError() : new PageError(wire.error.name, wire.error.message);
            }
            const run = decodeRun(runOptions.wholeSets ?? resolveSpecGroups(spec), wire, 'chromium', (Date.now() - t0) / 1000, stream !== undefined);
            if (!stream) restoreFinished(run.groups, resume);
            return run;
          } finally {
            runOptions.signal?.removeEventListener('abort', cancel);
            progress = undefined;
            checkpointHandler = undefined;
            deviceHandler = undefined;
          }
        }),
      render: (figure) =>
        guard(async () => {
          const wireFigure: WireFigure = { ...figure, values: encodeBytes(figure.values) };
          const result = (await page.evaluate(([f]) => window.superpositionHeadless!.render(f), [wireFigure] as const)) as WireRenderResult;
          if (!result.ok) throw new PageError(result.error.name, result.error.message);
          return decodeBytes(result.png);
        }),
      renderScene: (scene, scale, frames = false) =>
        guard(async () => {
          const json = sceneToJson(scene);
          const result = (await page.evaluate(([j, s, f]) => window.superpositionHeadless!.renderScene(j, s, f), [json, scale, frames] as const)) as WireSceneResult;
          if (!result.ok) throw new PageError(result.error.name, result.error.message);
          return { png: decodeBytes(result.png), width: result.width, height: result.height, ...(result.frames ? { frames: result.frames.map(decodeBytes) } : {}) };
        }),
      close,
    };
  } catch (e) {
    await close();
    if (options.signal?.aborted) throw new RunCancelledError();
    throw e;
  }
}

/** Turns the page's answer into a {@link SweepRun}, pairing each group with its ModelSet. */
function decodeRun(sets: readonly ModelSet[], wire: Extract<WireRunResult, { ok: true }>, backend: 'chromium', totalSeconds: number, streamed = false): SweepRun {
  if (sets.length !== wire.groups.length) throw new Error(`the page returned ${wire.groups.length} model groups, expected ${sets.length}`);
  const groups: GroupResult[] = wire.groups.map((g, k) => {
    const set = sets[k]!;
    const results = decodeGroupResults(g);
    // A streamed run's results went to onChunkResults; the page returns none.
    if (results.count !== (streamed ? 0 : set.points.length * set.seeds)) throw new Error(`group ${k}: ${results.count} instances returned, expected ${set.points.length * set.seeds}`);
    return { set, results, kept: decodeInt32(g.kept), layout: g.layout, ...(g.layoutDetail ? { layoutDetail: g.layoutDetail } : {}), chunks: g.chunks, timings: g.timings, samplesPerSecond: g.samplesPerSecond };
  });
  return { backend, device: wire.device, groups, timings: { acquireSeconds: wire.timings.acquireSeconds, totalSeconds } };
}
