/**
 * Axis scales and tick marks for figures whose cells are evenly spaced on a linear or log axis.
 * Pure math, no DOM.
 */

/** How an axis maps cells to values. `category`: one label per cell, no continuous scale. */
export type AxisScale = 'linear' | 'log' | 'category';

/** A tick: its position as a fraction of the axis length (0 at the first cell's outer edge) and its label. */
export interface Tick {
  fraction: number;
  label: string;
}

/**
 * The outer edges [lo, hi] of an axis whose `centres` (cell-centre values, ≥ 2, evenly spaced in
 * the scale) are its cells: half a cell beyond the first and last centre, in the axis' units.
 * One centre: [v/√10, v·√10] (log) or [v − 0.5, v + 0.5] (linear).
 */
export function axisEdges(centres: readonly number[], scale: 'linear' | 'log'): [number, number] {
  const first = centres[0]!;
  const last = centres[centres.length - 1]!;
  if (scale === 'log') {
    if (centres.length < 2) return [first / Math.sqrt(10), first * Math.sqrt(10)];
    const half = Math.sqrt(Math.pow(last / first, 1 / (centres.length - 1)));
    return [first / half, last * half];
  }
  if (centres.length < 2) return [first - 0.5, first + 0.5];
  const half = (last - first) / (centres.length - 1) / 2;
  return [first - half, last + half];
}

/** True when `values` (≥ 2) are evenly spaced in `scale` to within 1e-6 relative (log needs all > 0). */
export function isEvenlySpaced(values: readonly number[], scale: 'linear' | 'log'): boolean {
  if (values.length < 2) return false;
  const f = scale === 'log' ? Math.log : (v: number) => v;
  if (scale === 'log' && values.some((v) => !(v > 0))) return false;
  const a = f(values[0]!);
  const step = (f(values[values.length - 1]!) - a) / (values.length - 1);
  if (step === 0) return false;
  // Within 1e-6 of a step, plus float rounding at the values' magnitude.
  const tolerance = 1e-6 * Math.abs(step) + 1e-12 * Math.max(Math.abs(a), Math.abs(f(values[values.length - 1]!)));
  return values.every((v, i) => Math.abs(f(v) - (a + i * step)) <= tolerance);
}

/**
 * Formats a tick value compactly: up to 4 significant digits, no trailing zeros, exponent form
 * below 1e-4 or at/above 1e5 (0.01, 0.1, 1, 2.5, 1e-5).
 */
export function formatTick(v: number): string {
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a < 1e-4 || a >= 1e5) return Number(v.toPrecision(4)).toExponential().replace('e+', 'e');
  return String(Number(v.toPrecision(4)));
}

/** A "nice" step (1, 2 or 5 × 10^k) giving roughly `target` intervals over `span`. */
function niceStep(span: number, target: number): number {
  const raw = span / target;
  const mag = Math.pow(10, Math.floor(Math.log10(raw)));
  const norm = raw / mag;
  return (norm >= 5 ? 5 : norm >= 2 ? 2 : 1) * mag;
}

/**
 * Ticks for a continuous axis spanning [lo, hi] in its units (lo < hi; both > 0 for log).
 * Log: every power of ten inside (0.01, 0.1, 1, 10), with 2× and 5× added when fewer than 3
 * powers fit, and 2…9× when fewer than 2 fit. Linear: 1/2/5 × 10^k steps, about `target` of them.
 */
export function continuousTicks(lo: number, hi: number, scale: 'linear' | 'log', target = 5): Tick[] {
  const eps = 1e-9;
  if (scale === 'log') {
    const l0 = Math.log10(lo);
    const l1 = Math.log10(hi);
    const frac = (v: number) => (Math.log10(v) - l0) / (l1 - l0);
    const decades: number[] = [];
    for (let k = Math.ceil(l0 - eps); k <= Math.floor(l1 + eps); k++) decades.push(k);
    const mults = decades.length >= 3 ? [1] : decades.length === 2 ? [1, 2, 5] : [1, 2, 3, 4, 5, 6, 7, 8, 9];
    const ticks: Tick[] = [];
    for (let k = Math.floor(l0) - 1; k <= Math.ceil(l1); k++) {
      for (const m of mults) {
        const v = m * Math.pow(10, k);
        const f = frac(v);
        if (f >= -eps && f <= 1 + eps) ticks.push({ fraction: Math.min(1, Math.max(0, f)), label: formatTick(Number(v.toPrecision(6))) });
      }
    }
    return ticks;
  }
  const step = niceStep(hi - lo, target);
  const ticks: Tick[] = [];
  for (let v = Math.ceil(lo / step - eps) * step; v <= hi + eps * step; v += step) {
    const value = Math.abs(v) < step * 1e-9 ? 0 : Number(v.toPrecision(12));
    ticks.push({ fraction: (value - lo) / (hi - lo), label: formatTick(value) });
  }
  return ticks;
}

/**
 * Ticks at cell centres for a category axis: one per cell, thinned to at most `maxLabels` (every
 * k-th cell) so labels do not overlap.
 */
export function categoryTicks(labels: readonly string[], maxLabels = 12): Tick[] {
  const every = Math.max(1, Math.ceil(labels.length / maxLabels));
  const ticks: Tick[] = [];
  for (let i = 0; i < labels.length; i += every) ticks.push({ fraction: (i + 0.5) / labels.length, label: labels[i]! });
  return ticks;
}
