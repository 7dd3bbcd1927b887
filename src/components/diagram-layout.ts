/**
 * Geometry of the live diagram, in CSS pixels relative to the figure box (top-left origin): where
 * the plot goes, which cell a point is in, and where an axis value lands. Pure math.
 */
import type { FigureAxis } from '../render/figure.js';
import type { PixelRect } from '../render/heatmap.js';
import { axisEdges } from '../render/ticks.js';

/** Margins around the plot, CSS pixels: room for tick labels and titles (left, bottom) and the colour bar or legend (right). */
export const DIAGRAM_MARGINS = { left: 72, top: 10, right: 150, bottom: 54 } as const;

/** The figure box's height for a given width: 0.72 × width, between 220 and 760 CSS pixels. */
export function diagramHeight(width: number): number {
  return Math.round(Math.min(760, Math.max(220, width * 0.72)));
}

/** The plot rectangle inside a `width × height` figure box (at least 16 × 16). */
export function plotRect(width: number, height: number): PixelRect {
  const m = DIAGRAM_MARGINS;
  return { x: m.left, y: m.top, width: Math.max(16, Math.round(width - m.left - m.right)), height: Math.max(16, Math.round(height - m.top - m.bottom)) };
}

/** The cell under (x, y) (figure-box pixels), yIndex 0 at the bottom; undefined outside the plot. */
export function cellAt(plot: PixelRect, xCount: number, yCount: number, x: number, y: number): { xIndex: number; yIndex: number } | undefined {
  const fx = (x - plot.x) / plot.width;
  const fy = (y - plot.y) / plot.height;
  if (!(fx >= 0 && fx < 1 && fy >= 0 && fy < 1)) return undefined;
  return { xIndex: Math.floor(fx * xCount), yIndex: yCount - 1 - Math.floor(fy * yCount) };
}

/** The rectangle of cell (xIndex, yIndex), yIndex 0 at the bottom, in figure-box pixels. */
export function cellBox(plot: PixelRect, xCount: number, yCount: number, xIndex: number, yIndex: number): PixelRect {
  const w = plot.width / xCount;
  const h = plot.height / yCount;
  return { x: plot.x + xIndex * w, y: plot.y + (yCount - 1 - yIndex) * h, width: w, height: h };
}

/**
 * Maps a value of a continuous figure axis (log or linear, cells evenly spaced) to a fraction of
 * the axis length, 0 at the first cell's outer edge; undefined for category axes.
 */
export function axisFraction(axis: FigureAxis): ((v: number) => number) | undefined {
  if (axis.scale === 'category' || !axis.values || axis.values.length < 1) return undefined;
  const [lo, hi] = axisEdges(axis.values, axis.scale);
  if (axis.scale === 'log') {
    const l0 = Math.log(lo);
    const span = Math.log(hi) - l0;
    return (v) => (Math.log(v) - l0) / span;
  }
  return (v) => (v - lo) / (hi - lo);
}

/** The [lo, hi] range of a continuous axis' outer edges, in its units. */
export function axisRange(axis: FigureAxis): [number, number] | undefined {
  if (axis.scale === 'category' || !axis.values || axis.values.length < 1) return undefined;
  return axisEdges(axis.values, axis.scale);
}
