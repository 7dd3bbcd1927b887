/**
 * The page headless runs load (demo/headless.html). Installs `window.superpositionHeadless`
 * ({@link HeadlessPageApi}): `run` trains a sweep on this page's WebGPU device and returns the
 * results as base64 typed arrays; `render` draws a figure and returns a base64 PNG. Progress goes
 * to `window.__superpositionProgress`, which Node exposes with `page.exposeFunction`.
 * Errors never throw across the boundary: they come back as `{ ok: false, error: { name, message } }`.
 */
import { parseSpec, resolveSpecGroups } from '../science/spec.js';
import { acquireDevice } from '../engine/device.js';
import { trainGroups } from './train-groups.js';
import { chunkPayload } from './checkpoint-payload.js';
import type { DeviceInfo, ResumeState } from '../engine/types.js';
import type { ModelResults } from '../science/types.js';
import { renderPhaseDiagramPNG } from '../render/figure.js';
import { sceneFromJson } from '../figures/scene.js';
import { renderSceneFrames, renderScenePNG } from '../figures/raster.js';
import { decodeFloat32, encodeBytes, encodeNamedResults, encodeResultArrays, type HeadlessPageApi, type WireError, type WireFigure, type WireGroup, type WireProgress, type WireRunOptions, type WireRunResult, type WireRenderResult, type WireSceneResult, type WireCheckpoint, type WireResume } from './wire.js';

declare global {
  interface Window {
    superpositionHeadless?: HeadlessPageApi;
    __superpositionProgress?: (p: WireProgress) => Promise<void>;
    __superpositionCheckpoint?: (m: WireCheckpoint) => Promise<void>;
    __superpositionDevice?: (info: DeviceInfo) => Promise<WireResume>;
  }
}

function toWireError(e: unknown): WireError {
  if (e instanceof Error) return { name: e.name, message: e.message };
  return { name: 'Error', message: String(e) };
}

async function run(specJson: unknown, options: WireRunOptions = {}): Promise<WireRunResult> {
  const t0 = performance.now();
  try {
    const spec = parseSpec(specJson);
    const sets = resolveSpecGroups(spec);
    const engine = await acquireDevice();
    const acquireSeconds = (performance.now() - t0) / 1000;
    const controller = new AbortController();
    current = controller;
    try {
      const forward = options.progress !== false ? window.__superpositionProgress : undefined;
      const send = options.checkpoint || options.stream ? window.__superpositionCheckpoint : undefined;
      const stream = options.stream === true;
      const answer = options.checkpoint && window.__superpositionDevice ? await window.__superpositionDevice(engine.info) : null;
      const resume = sets.map((set, k): ResumeState | undefined => {
        const r = answer?.[k];
        if (!r) return undefined;
        // Node keeps the finished chunks' results and puts them back after the run.
        const e = new Float32Array(0);
        const results = { count: set.points.length * set.seeds, nFeatures: set.nFeatures, nHidden: set.nHidden, W: e, b: e, loss: e, featureNorm: e, superposition: e, dimensionality: e, dimsPerFeature: e, benefit: e };
        const running = r.running ? { ...r.running, theta: decodeFloat32(r.running.theta), moment1: decodeFloat32(r.running.moment1), moment2: decodeFloat32(r.running.moment2) } : undefined;
        return { finished: r.finished, results, ...(running ? { running } : {}) };
      });
      const trained = await trainGroups(engine, sets, {
        signal: controller.signal,
        resume,
        // Streamed: the chunk's results go to Node once, as results and as the checkpoint's finished chunk.
        ...(stream && send
          ? {
              onChunkResults: (group: number, chunk: { index: number; start: number; count: number }, r: ModelResults) => {
                const p = chunkPayload(chunk.index, chunk.start, chunk.count, r, 0, sets[group]!.points.length * sets[group]!.seeds);
                return send({ kind: 'results', group, header: p.header, arrays: p.arrays.map(([name, a]) => [name, encodeBytes(a)]) });
              },
            }
          : {}),
        ...(send && options.checkpoint
          ? {
              checkpoint: (group: number) => ({
                ...(options.checkpoint?.everySeconds !== undefined ? { everySeconds: options.checkpoint.everySeconds } : {}),
                onChunkState: (s) => send({ kind: 'state', group, chunkIndex: s.chunkIndex, start: s.start, count: s.count, step: s.step, theta: encodeBytes(s.theta), moment1: encodeBytes(s.moment1), moment2: encodeBytes(s.moment2) }),
                onChunkDone: (chunkIndex, start, count, results, at) => {
                  if (stream) return;
                  const p = chunkPayload(chunkIndex, start, count, results, at, sets[group]!.points.length * sets[group]!.seeds);
                  return send({ kind: 'done', group, header: p.header, arrays: p.arrays.map(([name, a]) => [name, encodeBytes(a)]) });
                },
              }),
            }
          : {}),
        ...(forward ? { onProgress: (p) => void forward(p).catch(() => {}) } : {}),
        ...(options.maxInstancesPerChunk !== undefined ? { maxInstancesPerChunk: options.maxInstancesPerChunk } : {}),
        ...(options.stepsPerDispatch !== undefined ? { stepsPerDispatch: options.stepsPerDispatch } : {}),
      });
      const groups: WireGroup[] = trained.map((g) => ({
        model: g.set.model,
        nFeatures: g.results.nFeatures,
        nHidden: g.results.nHidden,
        count: g.results.count,
        arrays: encodeResultArrays(g.results),
        ...encodeNamedResults(g.results),
        kept: encodeBytes(g.kept),
        layout: g.layout,
        ...(g.layoutDetail ? { layoutDetail: g.layoutDetail } : {}),
        chunks: g.chunks,
        timings: g.timings,
        samplesPerSecond: g.samplesPerSecond,
      }));
      return { ok: true, device: engine.info, groups, timings: { acquireSeconds, totalSeconds: (performance.now() - t0) / 1000 } };
    } finally {
      if (current === controller) current = undefined;
      engine.destroy();
    }
  } catch (e) {
    return { ok: false, error: toWireError(e) };
  }
}

async function render(figure: WireFigure): Promise<WireRenderResult> {
  try {
    const blob = await renderPhaseDiagramPNG({ ...figure, values: decodeFloat32(figure.values) });
    const png = encodeBytes(new Uint8Array(await blob.arrayBuffer()));
    const bitmap = await createImageBitmap(blob);
    const size = { width: bitmap.width, height: bitmap.height };
    bitmap.close();
    return { ok: true, png, ...size };
  } catch (e) {
    return { ok: false, error: toWireError(e) };
  }
}

async function renderScene(sceneJson: string, scale: number, frames = false): Promise<WireSceneResult> {
  try {
    const scene = sceneFromJson(sceneJson);
    const blob = await renderScenePNG(scene, scale);
    const png = encodeBytes(new Uint8Array(await blob.arrayBuffer()));
    const bitmap = await createImageBitmap(blob);
    const size = { width: bitmap.width, height: bitmap.height };
    bitmap.close();
    if (!frames || !scene.frames?.length) return { ok: true, png, ...size };
    const all = await renderSceneFrames(scene, Math.min(scale, 1));
    return { ok: true, png, frames: all.frames.map((f) => encodeBytes(new Uint8Array(f.buffer, f.byteOffset, f.byteLength))), width: all.width, height: all.height };
  } catch (e) {
    return { ok: false, error: toWireError(e) };
  }
}

/** The AbortController of the run in progress (cancel() aborts it). */
let current: AbortController | undefined;

window.superpositionHeadless = { run, render, renderScene, cancel: () => current?.abort() };
