/**
 * A complete phase-diagram figure as a PNG: the regl heatmap (drawn in an offscreen WebGL canvas
 * and copied in), axes with tick labels in the axis' units, axis titles, a colour bar or a regime
 * legend, and a title, on a white 2-D canvas at devicePixelRatio 1.
 *
 * Geometry (CSS pixels = PNG pixels), fixed so tests can find cells — see {@link figureLayout}:
 *   plot.x = 90, plot.y = 64, plot.width = width − 90 − 190, plot.height = height − 64 − 72.
 * Cell (xIndex, yIndex) covers [plot.x + xIndex·w, plot.x + (xIndex+1)·w) horizontally with
 * w = plot.width / xCount, and yIndex 0 is the BOTTOM row — see {@link cellCenter}.
 * `figureLayout` and `cellCenter` are pure math and safe to import in Node.
 */
import createREGL from 'regl';
import { HeatmapRenderer, finiteRange, type PixelRect } from './heatmap.js';
import { colorMapLUT, DEFAULT_COLOR_MAP, LUT_SIZE, toHex, type ColorMapName, type RGB } from './colormap.js';
import { axisEdges, categoryTicks, continuousTicks, type AxisScale, type Tick } from './ticks.js';

/** Margins of the plot area, in CSS pixels. */
export const FIGURE_MARGINS = { left: 90, top: 64, right: 190, bottom: 72 } as const;

/** Default figure size in CSS pixels. */
export const DEFAULT_FIGURE_SIZE = { width: 800, height: 600 } as const;

/** Where everything goes in a figure of a given size (CSS pixels, top-left origin). */
export interface FigureLayout {
  width: number;
  height: number;
  /** The heatmap's rectangle. */
  plot: PixelRect;
  /** The colour bar's rectangle (the regime legend starts at its top-left). */
  colorBar: PixelRect;
}

/**
 * The fixed layout of a `width × height` figure (CSS pixels). Pure.
 * @throws Error when the figure is too small to leave a plot area of at least 16 × 16.
 */
export function figureLayout(width: number = DEFAULT_FIGURE_SIZE.width, height: number = DEFAULT_FIGURE_SIZE.height): FigureLayout {
  const m = FIGURE_MARGINS;
  const plot = { x: m.left, y: m.top, width: Math.round(width - m.left - m.right), height: Math.round(height - m.top - m.bottom) };
  if (plot.width < 16 || plot.height < 16) throw new Error(`figure ${width}×${height} is too small (minimum ${m.left + m.right + 16}×${m.top + m.bottom + 16})`);
  const colorBar = { x: plot.x + plot.width + 32, y: plot.y, width: 18, height: plot.height };
  return { width, height, plot, colorBar };
}

/**
 * The pixel centre [x, y] (CSS pixels, top-left origin) of cell (xIndex, yIndex) in a grid of
 * xCount × yCount cells, yIndex 0 at the bottom. Pure.
 */
export function cellCenter(layout: FigureLayout, xIndex: number, yIndex: number, xCount: number, yCount: number): [number, number] {
  const { plot } = layout;
  return [plot.x + ((xIndex + 0.5) * plot.width) / xCount, plot.y + ((yCount - 1 - yIndex + 0.5) * plot.height) / yCount];
}

/** One axis of a figure. */
export interface FigureAxis {
  /** Axis title, in the field's terms, e.g. "feature density p = 1 − S". */
  title: string;
  /** `log`/`linear`: `values` are cell centres evenly spaced in that scale; `category`: `labels` per cell. */
  scale: AxisScale;
  /** Cell-centre values, length = the axis' cell count (numeric scales). */
  values?: number[];
  /** One label per cell (category scale). */
  labels?: string[];
}

/** Colouring of a figure: a continuous map with a colour bar, or categories with a legend. */
export type FigureColoring =
  | { kind: 'continuous'; colorMap?: ColorMapName; /** Default: the finite values' range. */ domain?: [number, number]; label: string }
  | { kind: 'categorical'; colors: RGB[]; labels: string[] };

/** Everything {@link renderPhaseDiagramPNG} needs. */
export interface PhaseDiagramFigure {
  title: string;
  /** Smaller second line under the title (settings, seeds …). */
  subtitle?: string;
  /** Row-major grid, values[yIndex * xCount + xIndex], yIndex 0 at the bottom; NaN = missing. */
  values: Float32Array;
  xCount: number;
  yCount: number;
  x: FigureAxis;
  y: FigureAxis;
  coloring: FigureColoring;
  /** CSS pixels; default 800 × 600. */
  width?: number;
  height?: number;
}

const FONT = '13px "DejaVu Sans", Arial, Helvetica, sans-serif';
const SMALL_FONT = '11px "DejaVu Sans", Arial, Helvetica, sans-serif';
const TITLE_FONT = 'bold 16px "DejaVu Sans", Arial, Helvetica, sans-serif';
const INK = '#222222';

/**
 * Draws the figure and encodes it as a PNG (devicePixelRatio 1: the PNG is exactly width × height).
 * Browser only (needs `document`, WebGL and a 2-D canvas).
 * @throws Error when WebGL is unavailable or the grid's size does not match `values`.
 */
export async function renderPhaseDiagramPNG(fig: PhaseDiagramFigure): Promise<Blob> {
  const canvas = drawPhaseDiagram(fig);
  return new Promise<Blob>((resolve, reject) =>
    canvas.toBlob((b) => (b ? resolve(b) : reject(new Error('canvas.toBlob returned null'))), 'image/png'),
  );
}

/** Draws the figure onto a new 2-D canvas of width × height pixels and returns it. Browser only. */
export function drawPhaseDiagram(fig: PhaseDiagramFigure): HTMLCanvasElement {
  const layout = figureLayout(fig.width, fig.height);
  const canvas = document.createElement('canvas');
  canvas.width = layout.width;
  canvas.height = layout.height;
  const ctx = canvas.getContext('2d');
  if (!ctx) throw new Error('2-D canvas unavailable');
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(0, 0, layout.width, layout.height);

  drawHeatmapInto(ctx, fig, layout.plot);

  ctx.strokeStyle = INK;
  ctx.lineWidth = 1;
  ctx.strokeRect(layout.plot.x - 0.5, layout.plot.y - 0.5, layout.plot.width + 1, layout.plot.height + 1);
  drawXAxis(ctx, layout.plot, fig.x, fig.xCount);
  drawYAxis(ctx, layout.plot, fig.y, fig.yCount);
  if (fig.coloring.kind === 'continuous') drawColorBar(ctx, layout.colorBar, fig.coloring, fig.values);
  else drawLegend(ctx, layout.colorBar, fig.coloring);

  ctx.fillStyle = INK;
  ctx.textAlign = 'center';
  ctx.textBaseline = 'alphabetic';
  ctx.font = TITLE_FONT;
  ctx.fillText(fig.title, layout.plot.x + layout.plot.width / 2, 26, layout.width - 20);
  if (fig.subtitle) {
    ctx.font = SMALL_FONT;
    ctx.fillStyle = '#555555';
    ctx.fillText(fig.subtitle, layout.plot.x + layout.plot.width / 2, 46, layout.width - 20);
  }
  return canvas;
}

/** Renders the heatmap with regl in its own offscreen WebGL canvas and copies it into `rect`. */
function drawHeatmapInto(ctx: CanvasRenderingContext2D, fig: PhaseDiagramFigure, rect: PixelRect): void {
  const gl = document.createElement('canvas');
  gl.width = rect.width;
  gl.height = rect.height;
  const regl = createREGL({
    canvas: gl,
    attributes: { antialias: false, preserveDrawingBuffer: true, premultipliedAlpha: false, alpha: false, depth: false },
    optionalExtensions: ['OES_texture_float'],
  });
  const heatmap = new HeatmapRenderer(regl);
  try {
    regl.clear({ color: [1, 1, 1, 1] });
    const c = fig.coloring;
    heatmap.draw({
      values: fig.values,
      xCount: fig.xCount,
      yCount: fig.yCount,
      ...(c.kind === 'continuous' ? { colorMap: c.colorMap ?? DEFAULT_COLOR_MAP, domain: c.domain ?? finiteRange(fig.values) } : { categorical: c.colors }),
    });
    ctx.imageSmoothingEnabled = false;
    ctx.drawImage(gl, rect.x, rect.y);
  } finally {
    heatmap.destroy();
    regl.destroy();
    gl.getContext('webgl')?.getExtension('WEBGL_lose_context')?.loseContext();
  }
}

/** Tick marks of a figure axis with `count` cells: continuous (log/linear) or one per cell (category, thinned). */
export function axisTicks(axis: FigureAxis, count: number): Tick[] {
  if (axis.scale === 'category' || !axis.values || axis.values.length < 2) {
    const labels = axis.labels ?? axis.values?.map((v) => String(Number(v.toPrecision(4)))) ?? [];
    return categoryTicks(labels.length === count ? labels : Array.from({ length: count }, (_, i) => labels[i] ?? String(i)));
  }
  const [lo, hi] = axisEdges(axis.values, axis.scale);
  return continuousTicks(lo, hi, axis.scale);
}

function drawXAxis(ctx: CanvasRenderingContext2D, plot: PixelRect, axis: FigureAxis, count: number): void {
  const y0 = plot.y + plot.height;
  ctx.strokeStyle = INK;
  ctx.fillStyle = INK;
  ctx.font = FONT;
  ctx.textAlign = 'center';
  ctx.textBaseline = 'top';
  for (const t of axisTicks(axis, count)) {
    const x = Math.round(plot.x + t.fraction * plot.width) + 0.5;
    ctx.beginPath();
    ctx.moveTo(x, y0);
    ctx.lineTo(x, y0 + 5);
    ctx.stroke();
    ctx.fillText(t.label, x, y0 + 8);
  }
  ctx.fillText(axis.title, plot.x + plot.width / 2, y0 + 34);
}

function drawYAxis(ctx: CanvasRenderingContext2D, plot: PixelRect, axis: FigureAxis, count: number): void {
  ctx.strokeStyle = INK;
  ctx.fillStyle = INK;
  ctx.font = FONT;
  ctx.textAlign = 'right';
  ctx.textBaseline = 'middle';
  for (const t of axisTicks(axis, count)) {
    const y = Math.round(plot.y + plot.height - t.fraction * plot.height) + 0.5;
    ctx.beginPath();
    ctx.moveTo(plot.x - 5, y);
    ctx.lineTo(plot.x, y);
    ctx.stroke();
    ctx.fillText(t.label, plot.x - 8, y, FIGURE_MARGINS.left - 38);
  }
  ctx.save();
  ctx.translate(18, plot.y + plot.height / 2);
  ctx.rotate(-Math.PI / 2);
  ctx.textAlign = 'center';
  ctx.textBaseline = 'middle';
  ctx.fillText(axis.title, 0, 0, plot.height);
  ctx.restore();
}

function drawColorBar(ctx: CanvasRenderingContext2D, bar: PixelRect, c: Extract<FigureColoring, { kind: 'continuous' }>, values: Float32Array): void {
  const lut = colorMapLUT(c.colorMap ?? DEFAULT_COLOR_MAP);
  const [lo, hi] = c.domain ?? finiteRange(values);
  const img = ctx.createImageData(bar.width, bar.height);
  for (let row = 0; row < bar.height; row++) {
    const k = Math.round(((bar.height - 1 - row) / Math.max(1, bar.height - 1)) * (LUT_SIZE - 1));
    for (let col = 0; col < bar.width; col++) img.data.set(lut.subarray(4 * k, 4 * k + 4), 4 * (row * bar.width + col));
  }
  ctx.putImageData(img, bar.x, bar.y);
  ctx.strokeStyle = INK;
  ctx.strokeRect(bar.x - 0.5, bar.y - 0.5, bar.width + 1, bar.height + 1);
  ctx.fillStyle = INK;
  ctx.font = SMALL_FONT;
  ctx.textAlign = 'left';
  ctx.textBaseline = 'middle';
  for (const t of continuousTicks(lo, hi, 'linear', 5)) {
    const y = Math.round(bar.y + bar.height - t.fraction * bar.height) + 0.5;
    ctx.beginPath();
    ctx.moveTo(bar.x + bar.width, y);
    ctx.lineTo(bar.x + bar.width + 4, y);
    ctx.stroke();
    ctx.fillText(t.label, bar.x + bar.width + 7, y);
  }
  ctx.save();
  ctx.translate(bar.x + bar.width + 70, bar.y + bar.height / 2);
  ctx.rotate(-Math.PI / 2);
  ctx.textAlign = 'center';
  ctx.font = FONT;
  ctx.fillText(c.label, 0, 0, bar.height);
  ctx.restore();
}

function drawLegend(ctx: CanvasRenderingContext2D, at: PixelRect, c: Extract<FigureColoring, { kind: 'categorical' }>): void {
  ctx.font = FONT;
  ctx.textAlign = 'left';
  ctx.textBaseline = 'middle';
  c.labels.forEach((label, k) => {
    const y = at.y + 4 + k * 24;
    ctx.fillStyle = toHex(c.colors[k] ?? [0, 0, 0]);
    ctx.fillRect(at.x - 12, y, 16, 16);
    ctx.strokeStyle = INK;
    ctx.strokeRect(at.x - 12.5, y - 0.5, 17, 17);
    ctx.fillStyle = INK;
    ctx.fillText(label, at.x + 10, y + 8, FIGURE_MARGINS.right - 50);
  });
}
