/**
 * One regl (WebGL) context for every heatmap on a page, however many diagrams it holds
 * (browsers cap live WebGL contexts at about 16). Each diagram draws into the shared offscreen
 * canvas and copies the pixels into its own 2-D canvas in the same task. The context is created by
 * the first {@link acquireSharedHeatmap} and destroyed when the last handle is released.
 */
import createREGL, { type Regl } from 'regl';
import { HeatmapRenderer, type HeatmapDrawOptions } from './heatmap.js';

interface Shared {
  canvas: HTMLCanvasElement;
  regl: Regl;
  heatmap: HeatmapRenderer;
  users: number;
}

let shared: Shared | undefined;
let contextsCreated = 0;

/** A diagram's claim on the shared context. Methods on a released handle throw. */
export interface SharedHeatmapHandle {
  /**
   * Draws `opts` (its viewport is ignored) at `width × height` device pixels into `target`,
   * resizing `target` to that size.
   * @throws Error after release()
   */
  drawTo(target: HTMLCanvasElement, opts: Omit<HeatmapDrawOptions, 'viewport'>, width: number, height: number): void;
  /** Gives the claim back; the last release destroys the context. Idempotent. */
  release(): void;
}

/**
 * Claims the page's shared heatmap context, creating it on first use.
 * @throws Error named `WebGLUnavailableError` when WebGL is unavailable (the message says so in plain words)
 */
export function acquireSharedHeatmap(): SharedHeatmapHandle {
  if (!shared) {
    const canvas = document.createElement('canvas');
    canvas.width = canvas.height = 1;
    let regl: Regl;
    try {
      regl = createREGL({
        canvas,
        attributes: { antialias: false, preserveDrawingBuffer: true, premultipliedAlpha: false, alpha: false, depth: false },
        optionalExtensions: ['OES_texture_float'],
      });
    } catch (cause) {
      const error = new Error('WebGL is not available in this browser, so the diagram cannot be drawn.', { cause });
      error.name = 'WebGLUnavailableError';
      throw error;
    }
    shared = { canvas, regl, heatmap: new HeatmapRenderer(regl), users: 0 };
    contextsCreated++;
  }
  const s = shared;
  s.users++;
  let released = false;
  return {
    drawTo(target, opts, width, height) {
      if (released) throw new Error('SharedHeatmapHandle.drawTo called after release()');
      const w = Math.max(1, Math.round(width));
      const h = Math.max(1, Math.round(height));
      // The shared canvas only grows, so diagrams of different sizes do not thrash it.
      if (s.canvas.width < w || s.canvas.height < h) {
        s.canvas.width = Math.max(s.canvas.width, w);
        s.canvas.height = Math.max(s.canvas.height, h);
        s.regl.poll();
      }
      s.heatmap.draw({ ...opts, viewport: { x: 0, y: 0, width: w, height: h } });
      if (target.width !== w) target.width = w;
      if (target.height !== h) target.height = h;
      const ctx = target.getContext('2d');
      if (!ctx) throw new Error('2-D canvas unavailable');
      ctx.imageSmoothingEnabled = false;
      ctx.clearRect(0, 0, w, h);
      ctx.drawImage(s.canvas, 0, 0, w, h, 0, 0, w, h);
    },
    release() {
      if (released) return;
      released = true;
      s.users--;
      if (s.users === 0 && shared === s) {
        s.heatmap.destroy();
        s.regl.destroy();
        s.canvas.getContext('webgl')?.getExtension('WEBGL_lose_context')?.loseContext();
        shared = undefined;
      }
    },
  };
}

/** For tests and diagnostics: whether the shared context exists, its users, live regl textures, and contexts ever created. */
export function sharedHeatmapStats(): { alive: boolean; users: number; textures: number; buffers: number; contextsCreated: number } {
  const stats = shared?.regl.stats;
  return { alive: shared !== undefined, users: shared?.users ?? 0, textures: stats?.textureCount ?? 0, buffers: stats?.bufferCount ?? 0, contextsCreated };
}
