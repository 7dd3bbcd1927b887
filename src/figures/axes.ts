/**
 * Axes as marks, from d3-scale scales (ticks and tick labels are d3's). Pure.
 */
import type { ScaleLinear, ScaleLogarithmic } from 'd3-scale';
import { INK, MUTED } from './colors.js';
import type { Mark } from './scene.js';

export type NumericScale = ScaleLinear<number, number> | ScaleLogarithmic<number, number>;

/** Options of {@link axisMarks}. */
export interface AxisOptions {
  /** Axis title under (bottom) or left of (left) the axis. */
  title?: string;
  /** Approximate tick count (d3's `ticks(count)`); default 5. */
  ticks?: number;
  /** Grid lines across the plot, this many pixels long: upwards from a bottom axis, rightwards from a left one. */
  grid?: number;
  /** Label formatter; default d3's `tickFormat(count)`, with plain numbers (0.2, 0.001) on log axes, whose crowded labels d3 leaves blank. */
  format?: (v: number) => string;
}

/**
 * A bottom or left axis for `scale` at pixel position `at` (the y of a bottom axis, the x of a
 * left one): the domain line, ticks, labels and title.
 */
export function axisMarks(scale: NumericScale, orient: 'bottom' | 'left', at: number, options: AxisOptions = {}): Mark[] {
  const count = options.ticks ?? 5;
  const isLog = 'base' in scale;
  const fmt = options.format ?? (scale.tickFormat(count, isLog ? '~g' : undefined) as (v: number) => string);
  const [r0, r1] = scale.range() as [number, number];
  const marks: Mark[] = [];
  const bottom = orient === 'bottom';
  marks.push(bottom ? { kind: 'line', x1: r0, y1: at, x2: r1, y2: at, stroke: INK, tag: 'axis' } : { kind: 'line', x1: at, y1: r0, x2: at, y2: r1, stroke: INK, tag: 'axis' });
  for (const t of scale.ticks(count) as number[]) {
    const p = scale(t);
    if (!Number.isFinite(p)) continue;
    const label = fmt(t).replace('-', '−');
    if (options.grid) {
      marks.push(bottom ? { kind: 'line', x1: p, y1: at, x2: p, y2: at - options.grid, stroke: '#e6e6e6', tag: 'grid' } : { kind: 'line', x1: at, y1: p, x2: at + options.grid, y2: p, stroke: '#e6e6e6', tag: 'grid' });
    }
    marks.push(bottom ? { kind: 'line', x1: p, y1: at, x2: p, y2: at + (label ? 5 : 3), stroke: INK, tag: 'tick' } : { kind: 'line', x1: at, y1: p, x2: at - (label ? 5 : 3), y2: p, stroke: INK, tag: 'tick' });
    if (label) marks.push(bottom ? { kind: 'text', x: p, y: at + 8, text: label, anchor: 'middle', baseline: 'hanging', fill: INK, tag: 'tick-label', size: 10 } : { kind: 'text', x: at - 8, y: p, text: label, anchor: 'end', baseline: 'middle', fill: INK, tag: 'tick-label', size: 10 });
  }
  if (options.title) {
    const mid = (r0 + r1) / 2;
    marks.push(bottom ? { kind: 'text', x: mid, y: at + 26, text: options.title, anchor: 'middle', baseline: 'hanging', fill: MUTED, tag: 'axis-title' } : { kind: 'text', x: at - 42, y: mid, text: options.title, anchor: 'middle', baseline: 'middle', fill: MUTED, rotate: -90, tag: 'axis-title' });
  }
  return marks;
}

/** The figure's title and optional subtitle, top-left. */
export function titleMarks(title: string, subtitle?: string): Mark[] {
  const marks: Mark[] = [{ kind: 'text', x: 16, y: 20, text: title, size: 15, weight: 'bold', fill: INK, tag: 'title' }];
  if (subtitle) marks.push({ kind: 'text', x: 16, y: 38, text: subtitle, size: 11, fill: MUTED, tag: 'subtitle' });
  return marks;
}
