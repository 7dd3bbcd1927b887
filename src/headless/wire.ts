/**
 * What crosses the Node ↔ page boundary in headless runs. Typed arrays travel as base64 strings of
 * their little-endian bytes (a 4-byte float costs 5.3 characters, against ~20 as JSON numbers).
 * Runs in both Node and the browser (uses `btoa`/`atob`, or `Buffer` where present).
 */
import type { ChunkPayload } from './checkpoint-payload.js';
import type { ModelKind, ModelResults } from '../science/types.js';
import type { DeviceInfo, KernelLayout, TrainProgress } from '../engine/types.js';
import type { PhaseDiagramFigure } from '../render/figure.js';

interface NodeBufferLike {
  toString(encoding: string): string;
  buffer: ArrayBufferLike;
  byteOffset: number;
  byteLength: number;
}
/** Node's Buffer when present (faster than btoa/atob); undefined in browsers. */
const NodeBuffer = (globalThis as { Buffer?: { from(a: ArrayBufferLike | string, b?: number | string, c?: number): NodeBufferLike } }).Buffer;

/** Encodes a typed array's bytes as base64. */
export function encodeBytes(a: Float32Array | Int32Array | Uint8Array): string {
  if (NodeBuffer) return NodeBuffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64');
  const bytes = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
  let s = '';
  const CHUNK = 0x8000;
  for (let i = 0; i < bytes.length; i += CHUNK) s += String.fromCharCode(...bytes.subarray(i, i + CHUNK));
  return btoa(s);
}

/** Decodes base64 into fresh, aligned bytes. */
export function decodeBytes(s: string): Uint8Array {
  if (NodeBuffer) {
    const b = NodeBuffer.from(s, 'base64');
    return new Uint8Array(b.buffer, b.byteOffset, b.byteLength).slice();
  }
  const bin = atob(s);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

/** base64 → Float32Array. @throws Error when the byte count is not a multiple of 4. */
export function decodeFloat32(s: string): Float32Array {
  const b = decodeBytes(s);
  if (b.byteLength % 4) throw new Error(`base64 float32 payload has ${b.byteLength} bytes (not a multiple of 4)`);
  return new Float32Array(b.buffer, b.byteOffset, b.byteLength / 4);
}

/** base64 → Int32Array. @throws Error when the byte count is not a multiple of 4. */
export function decodeInt32(s: string): Int32Array {
  const b = decodeBytes(s);
  if (b.byteLength % 4) throw new Error(`base64 int32 payload has ${b.byteLength} bytes (not a multiple of 4)`);
  return new Int32Array(b.buffer, b.byteOffset, b.byteLength / 4);
}

/** Float result arrays of {@link ModelResults}, in the order they are sent. */
export const resultArrayNames = ['W', 'b', 'loss', 'featureNorm', 'superposition', 'dimensionality', 'dimsPerFeature', 'benefit'] as const;
export type ResultArrayName = (typeof resultArrayNames)[number];

/** One trained model group (one model kind) as sent from the page. */
export interface WireGroup {
  model: ModelKind;
  nFeatures: number;
  nHidden: number;
  /** Instances = points × seeds. */
  count: number;
  /** base64 float32 arrays, shapes as in {@link ModelResults}. */
  arrays: Record<ResultArrayName, string>;
  /** ModelResults.params: each named tensor's shape and base64 float32 data. */
  params?: Record<string, { shape: number[]; data: string }>;
  /** ModelResults.extra: base64 float32 per name. */
  extra?: Record<string, string>;
  /** ModelResults.history: its steps, and each recorded array as base64 float32. */
  history?: { steps: number[]; arrays: Record<string, string> };
  /** base64 int32: the kept seed index per grid point of this group (selectSeeds). */
  kept: string;
  layout: KernelLayout;
  layoutDetail?: string;
  chunks: number;
  timings: { trainSeconds: number; evaluateSeconds: number; totalSeconds: number };
  samplesPerSecond: number;
}

/** An error as the page reports it: the error class name (e.g. `NoAdapterError`) and its message. */
export interface WireError {
  name: string;
  message: string;
}

/** The page's answer to `run`. */
export type WireRunResult =
  | { ok: true; device: DeviceInfo; groups: WireGroup[]; timings: { acquireSeconds: number; totalSeconds: number } }
  | { ok: false; error: WireError };

/** The page's answer to `render`: a base64 PNG. */
export type WireRenderResult = { ok: true; png: string; width: number; height: number } | { ok: false; error: WireError };

/** A drawn figure scene: one base64 PNG, or with `frames`, every frame's RGBA pixels (base64). */
export type WireSceneResult = { ok: true; png: string; frames?: string[]; width: number; height: number } | { ok: false; error: WireError };

/** A figure as sent to the page: {@link PhaseDiagramFigure} with `values` as base64 float32. */
export type WireFigure = Omit<PhaseDiagramFigure, 'values'> & { values: string };

/** Progress message the page forwards to Node, tagged with the model group being trained. */
export interface WireProgress extends TrainProgress {
  group: number;
  groupCount: number;
}

/** Options of `window.superpositionHeadless.run`. */
export interface WireRunOptions {
  /** Forward progress to `window.__superpositionProgress` (exposed by Node). Default true. */
  progress?: boolean;
  /** Passed to trainModelSet. */
  maxInstancesPerChunk?: number;
  stepsPerDispatch?: number;
  /**
   * Checkpoint: send finished chunks and the running chunk's state to
   * `window.__superpositionCheckpoint` (every `everySeconds`, and on cancel), and ask
   * `window.__superpositionDevice` for the state to resume from.
   */
  checkpoint?: { everySeconds?: number };
  /**
   * Stream the results: send each finished chunk to `window.__superpositionCheckpoint` as a
   * `results` message (which also serves as the checkpoint's finished chunk) and return the
   * groups without their results (TrainOptions.onChunkResults).
   */
  stream?: boolean;
}

/** A checkpoint message from the page (window.__superpositionCheckpoint); arrays base64 float32. */
export type WireCheckpoint =
  | { kind: 'state'; group: number; chunkIndex: number; start: number; count: number; step: number; theta: string; moment1: string; moment2: string }
  | { kind: 'done'; group: number; header: ChunkPayload['header']; arrays: [string, string][] }
  | { kind: 'results'; group: number; header: ChunkPayload['header']; arrays: [string, string][] };

/**
 * Node's answer to window.__superpositionDevice(info): per model group, what a resumed run skips
 * (finished chunks; Node puts their results back itself) and the running chunk's state; null
 * entries (or a null answer) start from scratch.
 */
export type WireResume = ({ finished: { chunkIndex: number; start: number; count: number }[]; running?: { chunkIndex: number; start: number; count: number; step: number; theta: string; moment1: string; moment2: string } } | null)[] | null;

/** The API the headless page installs as `window.superpositionHeadless`. */
export interface HeadlessPageApi {
  /** Parses and trains `specJson` (a SweepSpec as JSON) on the page's WebGPU device. Never throws: errors come back as `ok: false`. */
  run(specJson: unknown, options?: WireRunOptions): Promise<WireRunResult>;
  /** Draws a figure and returns it as a base64 PNG. Never throws. */
  render(figure: WireFigure): Promise<WireRenderResult>;
  /**
   * Draws a figure scene (src/figures, as `sceneToJson` wrote it) at `scale` device pixels per CSS
   * pixel; with `frames`, also every animation frame's RGBA pixels. Never throws.
   */
  renderScene(sceneJson: string, scale: number, frames?: boolean): Promise<WireSceneResult>;
  /** Cancels the running `run` (it saves its checkpoint first, then answers CancelledError). */
  cancel(): void;
}

/** Rebuilds {@link ModelResults} from a {@link WireGroup}. @throws Error when an array's length is inconsistent. */
export function decodeGroupResults(g: WireGroup): ModelResults {
  const a = {} as Record<ResultArrayName, Float32Array>;
  for (const k of resultArrayNames) a[k] = decodeFloat32(g.arrays[k]);
  const { count, nFeatures: n, nHidden: m } = g;
  const expected: Record<ResultArrayName, number> = {
    W: count * m * n, b: count * n, loss: count, featureNorm: count * n, superposition: count * n,
    dimensionality: count * n, dimsPerFeature: count, benefit: count * n,
  };
  for (const k of resultArrayNames) {
    if (a[k].length !== expected[k]) throw new Error(`result array ${k} has ${a[k].length} values, expected ${expected[k]}`);
  }
  const results: ModelResults = { count, nFeatures: n, nHidden: m, ...a };
  if (g.params) {
    results.params = Object.fromEntries(Object.entries(g.params).map(([name, t]) => [name, { shape: t.shape, data: decodeFloat32(t.data) }]));
    // W and b are views of the encoder and the output bias, as the engine returns them.
    const encoder = results.params.W ?? results.params.W1;
    if (encoder) results.W = encoder.data;
    if (results.params.b) results.b = results.params.b.data;
  }
  if (g.extra) results.extra = Object.fromEntries(Object.entries(g.extra).map(([name, data]) => [name, decodeFloat32(data)]));
  if (g.history) results.history = { steps: g.history.steps, ...Object.fromEntries(Object.entries(g.history.arrays).map(([name, data]) => [name, decodeFloat32(data)])) };
  return results;
}

/** Encodes ModelResults.params and .extra for the wire (undefined when absent). */
export function encodeNamedResults(r: ModelResults): Pick<WireGroup, 'params' | 'extra' | 'history'> {
  const out: Pick<WireGroup, 'params' | 'extra' | 'history'> = {};
  if (r.history) {
    const { steps, ...arrays } = r.history;
    out.history = { steps, arrays: Object.fromEntries(Object.entries(arrays).flatMap(([name, data]) => (data ? [[name, encodeBytes(data as Float32Array)]] : []))) };
  }
  if (r.params) out.params = Object.fromEntries(Object.entries(r.params).map(([name, t]) => [name, { shape: t.shape, data: encodeBytes(t.data) }]));
  if (r.extra) out.extra = Object.fromEntries(Object.entries(r.extra).map(([name, data]) => [name, encodeBytes(data)]));
  return out;
}

/** Encodes {@link ModelResults} arrays for the wire. */
export function encodeResultArrays(r: ModelResults): Record<ResultArrayName, string> {
  const out = {} as Record<ResultArrayName, string>;
  for (const k of resultArrayNames) out[k] = encodeBytes(r[k]);
  return out;
}
