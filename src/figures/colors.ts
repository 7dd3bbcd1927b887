/**
 * The colours every figure uses: RdBu for signed matrices (WᵀW, W), viridis for sequential values
 * and for feature identity, the inspector's superposition colour for norm bars. All from
 * d3-scale-chromatic (perceptually uniform; RdBu and viridis are colour-blind safe). Pure.
 */
import { interpolateRdBu, interpolateViridis } from 'd3-scale-chromatic';
import { format } from 'd3-format';
import { parseColor, type RGB } from '../render/colormap.js';
import type { MatrixMark } from './scene.js';

/** Colour of NaN (missing or diverged) values. */
export const MISSING = '#f4f4f4';
/** Text and axis colour. */
export const INK = '#222222';
/** Secondary text and grid colour. */
export const MUTED = '#777777';

const clamp01 = (t: number) => Math.min(1, Math.max(0, t));

/** A matrix cell's colour as CSS: diverging maps v/domain[1] ∈ [−1, 1] to RdBu (−1 red, +1 blue). */
export function matrixColor(m: Pick<MatrixMark, 'colors' | 'domain' | 'palette'>, v: number): string {
  if (!Number.isFinite(v)) return MISSING;
  if (m.colors === 'categorical') return m.palette?.[v] ?? MISSING;
  if (m.colors === 'diverging') {
    const span = Math.max(Math.abs(m.domain[0]), Math.abs(m.domain[1])) || 1;
    return interpolateRdBu(clamp01((v / span + 1) / 2));
  }
  const [lo, hi] = m.domain;
  return interpolateViridis(clamp01(hi > lo ? (v - lo) / (hi - lo) : 0.5));
}

/** Levels in the quantised look-up table regl draws matrices with (index 0 is MISSING). */
export const MATRIX_LEVELS = 254;

/**
 * A matrix as class indices into {@link matrixLUT}: 0 for NaN, else 1 + round(t · (LEVELS − 1)).
 * Row-major, row 0 at the top (as in the mark).
 */
export function matrixClasses(m: Pick<MatrixMark, 'colors' | 'domain' | 'values' | 'palette'>): Float32Array {
  const out = new Float32Array(m.values.length);
  const span = Math.max(Math.abs(m.domain[0]), Math.abs(m.domain[1])) || 1;
  const [lo, hi] = m.domain;
  for (let k = 0; k < out.length; k++) {
    const v = m.values[k]!;
    if (!Number.isFinite(v)) continue;
    if (m.colors === 'categorical') {
      out[k] = v >= 0 && v < (m.palette?.length ?? 0) ? 1 + v : 0;
      continue;
    }
    const t = m.colors === 'diverging' ? clamp01((v / span + 1) / 2) : clamp01(hi > lo ? (v - lo) / (hi - lo) : 0.5);
    out[k] = 1 + Math.round(t * (MATRIX_LEVELS - 1));
  }
  return out;
}

/** The categorical colours of {@link matrixClasses}: MISSING, then LEVELS steps of the map (or the palette). */
export function matrixLUT(colors: MatrixMark['colors'], palette: readonly string[] = []): RGB[] {
  if (colors === 'categorical') return [parseColor(MISSING), ...palette.map(parseColor)];
  const f = colors === 'diverging' ? interpolateRdBu : interpolateViridis;
  return [parseColor(MISSING), ...Array.from({ length: MATRIX_LEVELS }, (_, k) => parseColor(f(k / (MATRIX_LEVELS - 1))))];
}

/** Feature i of n as a colour (viridis from dark to light: feature 0, the most important, darkest). */
export function featureColor(i: number, n: number): string {
  return interpolateViridis(n <= 1 ? 0 : (0.9 * i) / (n - 1));
}

/** A bar's colour by its feature's superposition s = Σ_{j≠i}(Ŵ_i·W_j)²: viridis(√s) (black-ish = alone, yellow = shared). */
export function superpositionColor(s: number): string {
  if (!Number.isFinite(s)) return MISSING;
  return interpolateViridis(Math.sqrt(clamp01(s)));
}

const three = format('.3~g');
/** A value with 3 significant digits ("–" for NaN). */
export function formatValue(v: number): string {
  return Number.isFinite(v) ? three(v).replace('-', '−') : '–';
}
