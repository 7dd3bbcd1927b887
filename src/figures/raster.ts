/**
 * Draws a {@link Scene} in the browser: matrices with regl (the page's shared heatmap context,
 * nearest sampling, the quantised colour table of colors.ts), everything else from the scene's SVG.
 * Used by `<superposition-figure>` and by the CLI's PNG output (through the headless page), so the
 * page and the files show the same pixels. Browser only.
 */
import { acquireSharedHeatmap, type SharedHeatmapHandle } from '../render/shared-regl.js';
import { matrixClasses, matrixLUT } from './colors.js';
import type { MatrixMark, Scene } from './scene.js';
import { sceneToSvg } from './svg.js';

/** The matrix's values as HeatmapRenderer wants them: row 0 at the BOTTOM. */
function flipRows(m: MatrixMark): Float32Array {
  const classes = matrixClasses(m);
  const out = new Float32Array(classes.length);
  for (let r = 0; r < m.rows; r++) out.set(classes.subarray(r * m.cols, (r + 1) * m.cols), (m.rows - 1 - r) * m.cols);
  return out;
}

/**
 * Draws the scene's matrices into `ctx` (a 2-D context whose canvas is scene.width·scale ×
 * scene.height·scale device pixels) with regl.
 * @throws Error named WebGLUnavailableError when WebGL is unavailable
 */
export function drawSceneMatrices(ctx: CanvasRenderingContext2D, scene: Scene, scale: number, handle?: SharedHeatmapHandle): void {
  const own = handle ?? acquireSharedHeatmap();
  const tmp = document.createElement('canvas');
  try {
    for (const m of scene.marks) {
      if (m.kind !== 'matrix') continue;
      const w = Math.max(1, Math.round(m.width * scale));
      const h = Math.max(1, Math.round(m.height * scale));
      own.drawTo(tmp, { values: flipRows(m), xCount: m.cols, yCount: m.rows, categorical: matrixLUT(m.colors, m.palette) }, w, h);
      ctx.drawImage(tmp, Math.round(m.x * scale), Math.round(m.y * scale), w, h);
    }
  } finally {
    if (!handle) own.release();
  }
}

/** Loads an SVG string as an image. */
async function svgImage(svg: string): Promise<HTMLImageElement> {
  const url = URL.createObjectURL(new Blob([svg], { type: 'image/svg+xml' }));
  try {
    const img = new Image();
    img.src = url;
    await img.decode();
    return img;
  } finally {
    URL.revokeObjectURL(url);
  }
}

/**
 * The scene as a PNG at `scale` device pixels per CSS pixel (2 ≈ 192 dpi for a figure meant at
 * 96 dpi): white background, regl matrices, then the SVG's marks.
 * @throws RangeError when scale is not in (0, 8]
 */
export async function renderScenePNG(scene: Scene, scale = 2): Promise<Blob> {
  if (!(scale > 0 && scale <= 8)) throw new RangeError(`scale ${scale} is not allowed; allowed: (0, 8]`);
  const canvas = document.createElement('canvas');
  canvas.width = Math.round(scene.width * scale);
  canvas.height = Math.round(scene.height * scale);
  const ctx = canvas.getContext('2d');
  if (!ctx) throw new Error('2-D canvas unavailable');
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  drawSceneMatrices(ctx, scene, scale);
  const img = await svgImage(sceneToSvg(scene, { matrices: 'none', background: false, scale }));
  ctx.drawImage(img, 0, 0, canvas.width, canvas.height);
  return new Promise<Blob>((resolve, reject) => canvas.toBlob((b) => (b ? resolve(b) : reject(new Error('canvas.toBlob returned null'))), 'image/png'));
}

/** Every frame of an animated scene as RGBA pixels at `scale` (for the CLI's GIF). */
export async function renderSceneFrames(scene: Scene, scale = 1): Promise<{ width: number; height: number; frames: Uint8ClampedArray[] }> {
  const frames: Uint8ClampedArray[] = [];
  let width = 0;
  let height = 0;
  for (const f of scene.frames ?? [scene]) {
    const blob = await renderScenePNG(f, scale);
    const bitmap = await createImageBitmap(blob);
    const c = document.createElement('canvas');
    width = c.width = bitmap.width;
    height = c.height = bitmap.height;
    const ctx = c.getContext('2d')!;
    ctx.drawImage(bitmap, 0, 0);
    bitmap.close();
    frames.push(ctx.getImageData(0, 0, width, height).data);
  }
  return { width, height, frames };
}
