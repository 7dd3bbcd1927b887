/**
 * Pure helpers of the cell-inspector elements: the Gram matrix, the 2-D feature-arrow layout, the
 * colour scales and number formatting. No DOM; unit-tested in Node.
 *
 * Layout of W everywhere: m × n, row-major, `W[j * n + i]` = W_{j,i} (see CellModel).
 */
import { interpolateRdBu, interpolateViridis } from 'd3-scale-chromatic';
import { gram } from '../../science/metrics.js';
import type { CellModel } from '../types.js';

/** Clamps v to [lo, hi]; NaN stays NaN. */
function clamp(v: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, v));
}

/**
 * The Gram matrix WᵀW, n × n row-major: G[i * n + k] = W_i · W_k (diagonal ‖W_i‖²).
 * @throws RangeError when W does not hold m × n entries.
 */
export function gramMatrix(W: ArrayLike<number>, n: number, m: number): Float64Array {
  return gram(W, n, m);
}

/** One feature's arrow in the m = 2 picture. */
export interface FeatureArrow {
  /** Feature index i. */
  feature: number;
  /** W_{0,i}: the arrow's tip along hidden dimension 0 (data units). */
  x: number;
  /** W_{1,i}: the arrow's tip along hidden dimension 1 (data units). */
  y: number;
  /** ‖W_i‖ = √(x² + y²). */
  norm: number;
  /** atan2(y, x) in radians, in (−π, π]. */
  angle: number;
  /** The same angle in degrees, in [0, 360). */
  angleDegrees: number;
}

/** The m = 2 picture: one arrow per feature and the symmetric half-width of the plot. */
export interface ArrowLayout {
  arrows: FeatureArrow[];
  /** max_i ‖W_i‖ over finite arrows, at least 1e-6: the plot spans [−extent, extent]². */
  extent: number;
}

/** Smallest {@link ArrowLayout.extent}, so a model with W = 0 still has a valid scale. */
export const MIN_EXTENT = 1e-6;

/**
 * Per feature i its 2-D vector (W_{0,i}, W_{1,i}), norm and angle, plus the plot's extent.
 * @throws RangeError when the cell has m ≠ 2 or W has the wrong length.
 */
export function arrowLayout(cell: Pick<CellModel, 'W' | 'nFeatures' | 'nHidden'>): ArrowLayout {
  const { W, nFeatures: n, nHidden: m } = cell;
  if (m !== 2) throw new RangeError(`arrowLayout: needs m = 2 hidden dimensions; got m = ${m}`);
  if (W.length !== n * m) throw new RangeError(`arrowLayout: W has ${W.length} entries; expected 2 × ${n}`);
  let extent = MIN_EXTENT;
  const arrows: FeatureArrow[] = [];
  for (let i = 0; i < n; i++) {
    const x = W[i]!;
    const y = W[n + i]!;
    const norm = Math.hypot(x, y);
    const angle = Math.atan2(y, x);
    const degrees = (angle * 180) / Math.PI;
    arrows.push({ feature: i, x, y, norm, angle, angleDegrees: degrees < 0 ? degrees + 360 : degrees });
    if (Number.isFinite(norm)) extent = Math.max(extent, norm);
  }
  return { arrows, extent };
}

/**
 * Geometry of the arrow plot's SVG: a square viewBox `0 0 ARROW_VIEW.size ARROW_VIEW.size` whose
 * centre is the origin; data extent maps to `ARROW_VIEW.radius` viewBox units.
 */
export const ARROW_VIEW = Object.freeze({ size: 200, radius: 78 });

/**
 * Maps a data point (x, y) of an arrow plot with the given extent to viewBox coordinates:
 * (size/2 + x·radius/extent, size/2 − y·radius/extent) — SVG's y axis points down.
 */
export function arrowToView(x: number, y: number, extent: number): [number, number] {
  const c = ARROW_VIEW.size / 2;
  const s = ARROW_VIEW.radius / extent;
  return [c + x * s, c - y * s];
}

/** Colour of a NaN (missing or diverged) value in every view. */
export const MISSING_COLOR = '#bbbbbb';

/**
 * Diverging colour of a Gram-matrix or bias entry: `interpolateRdBu((v + 1) / 2)` with v clamped
 * to [−1, 1]. d3's (and matplotlib's) RdBu orientation: −1 → the red end, 0 → near-white,
 * +1 → the blue end. So the diagonal (‖W_i‖² ≈ 1) is blue and antipodal pairs (≈ −1) are red.
 * NaN → {@link MISSING_COLOR}.
 */
export function divergingColor(v: number): string {
  if (Number.isNaN(v)) return MISSING_COLOR;
  return interpolateRdBu((clamp(v, -1, 1) + 1) / 2);
}

/**
 * Colour of a feature by its superposition s = Σ_{j≠i}(Ŵ_i·W_j)²: `interpolateViridis(√s)` with s
 * clamped to [0, 1]: dark purple (no superposition) → yellow (s ≥ 1, e.g. an antipodal pair). The
 * square root follows the paper's notebook, which colours bars by √s clipped at 1.
 * NaN → {@link MISSING_COLOR}.
 */
export function superpositionColor(s: number): string {
  if (Number.isNaN(s)) return MISSING_COLOR;
  return interpolateViridis(Math.sqrt(clamp(s, 0, 1)));
}

const formatters = new Map<string, [Intl.NumberFormat, Intl.NumberFormat]>();

/**
 * Formats a number with 3 significant digits (Intl.NumberFormat, no grouping): "1.13", "0.0123",
 * "−0" shown as "0"; magnitudes below 1e-3 or from 1e6 on in scientific notation ("1.23E-7");
 * NaN → "–" (en dash).
 */
export function formatValue(v: number, locale = 'en-US'): string {
  if (Number.isNaN(v)) return '–';
  let pair = formatters.get(locale);
  if (!pair) {
    const options = { maximumSignificantDigits: 3, useGrouping: false } as const;
    pair = [new Intl.NumberFormat(locale, options), new Intl.NumberFormat(locale, { ...options, notation: 'scientific' })];
    formatters.set(locale, pair);
  }
  const a = Math.abs(v);
  const useScientific = Number.isFinite(v) && a !== 0 && (a < 1e-3 || a >= 1e6);
  return pair[useScientific ? 1 : 0].format(v + 0); // v + 0 turns −0 into +0
}

/**
 * Row/column label stride for n items: every label up to 20 items; above that, the smallest step
 * that keeps at most 16 labels (21–32 → every 2nd, 40 → every 3rd, 64 → every 4th).
 */
export function labelStride(n: number): number {
  return n <= 20 ? 1 : Math.ceil(n / 16);
}

/**
 * A per-feature quantity in words: its value when all features share it, "r^i" (e.g. "0.9^i")
 * when it is geometric from 1, else "varies" (comparisons within 1e-4 relative, so float32 data
 * qualifies). Used for p_i and I_i in the inspector's header.
 */
export function describeSeries(values: ArrayLike<number>): string {
  const n = values.length;
  if (n === 0) return '–';
  const first = Number(values[0]);
  const same = (a: number, b: number) => Math.abs(a - b) <= 1e-4 * Math.max(1e-3, Math.abs(b));
  let uniform = true;
  for (let i = 1; i < n; i++) uniform &&= same(Number(values[i]), first);
  if (uniform) return formatValue(first);
  // Few features: list them (with n = 2, "r^i" would hide that only the last feature differs).
  if (n <= 3) return Array.from(values, (v) => formatValue(Number(v))).join(', ');
  const r = Number(values[1]);
  if (first === 1 && r > 0) {
    let geometric = true;
    for (let i = 2; i < n; i++) geometric &&= same(Number(values[i]), r ** i);
    if (geometric) return `${formatValue(r)}^i`;
  }
  return 'varies';
}
