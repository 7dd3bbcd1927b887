/**
 * Colour maps as look-up textures. Continuous maps come from d3-scale-chromatic and are all
 * perceptually uniform and colour-blind-safe (viridis is the default); the regime map is
 * categorical (schemeTableau10). Pure: no WebGL, usable in Node tests.
 */
import {
  interpolateCividis,
  interpolateInferno,
  interpolateMagma,
  interpolatePlasma,
  interpolateViridis,
  schemeTableau10,
} from 'd3-scale-chromatic';
import { Regime, regimeNames } from '../science/regimes.js';

/** An sRGB colour, each channel an integer 0–255. */
export type RGB = readonly [number, number, number];

/** Names accepted by {@link colorMapLUT}. */
export const colorMapNames = ['viridis', 'cividis', 'magma', 'inferno', 'plasma'] as const;
export type ColorMapName = (typeof colorMapNames)[number];

/** The default continuous colour map. */
export const DEFAULT_COLOR_MAP: ColorMapName = 'viridis';

const interpolators: Record<ColorMapName, (t: number) => string> = {
  viridis: interpolateViridis,
  cividis: interpolateCividis,
  magma: interpolateMagma,
  inferno: interpolateInferno,
  plasma: interpolatePlasma,
};

/** Entries in every look-up texture (the texture is LUT_SIZE × 1 RGBA). */
export const LUT_SIZE = 256;

/**
 * Parses "#rrggbb" or "rgb(r, g, b)" (the two forms d3-scale-chromatic returns) into an RGB triple.
 * @throws Error on any other format.
 */
export function parseColor(css: string): RGB {
  const hex = /^#([0-9a-f]{6})$/i.exec(css.trim());
  if (hex) {
    const v = parseInt(hex[1]!, 16);
    return [(v >> 16) & 255, (v >> 8) & 255, v & 255];
  }
  const rgb = /^rgb\(\s*(\d+)\s*,\s*(\d+)\s*,\s*(\d+)\s*\)$/i.exec(css.trim());
  if (rgb) return [Number(rgb[1]), Number(rgb[2]), Number(rgb[3])];
  throw new Error(`unrecognised colour "${css}"`);
}

/** Formats an RGB triple as "#rrggbb". */
export function toHex(c: RGB): string {
  return '#' + c.map((v) => v.toString(16).padStart(2, '0')).join('');
}

/**
 * The colour of a continuous map at t ∈ [0, 1] (clamped), as an RGB triple.
 * @throws Error for an unknown map name (the message lists the names).
 */
export function sampleColorMap(name: ColorMapName, t: number): RGB {
  const f = interpolators[name];
  if (!f) throw new Error(`unknown colour map "${name}"; allowed: ${colorMapNames.join(', ')}`);
  return parseColor(f(Math.min(1, Math.max(0, t))));
}

/**
 * A continuous colour map as a 256 × 1 RGBA look-up texture: entry k (bytes 4k … 4k+3) is the
 * map's colour at t = k / 255, alpha 255.
 * @param name one of {@link colorMapNames}; default viridis.
 * @returns Uint8Array of length 4 · 256.
 * @throws Error for an unknown name.
 */
export function colorMapLUT(name: ColorMapName = DEFAULT_COLOR_MAP): Uint8Array {
  const out = new Uint8Array(LUT_SIZE * 4);
  for (let k = 0; k < LUT_SIZE; k++) {
    const [r, g, b] = sampleColorMap(name, k / (LUT_SIZE - 1));
    out.set([r, g, b, 255], k * 4);
  }
  return out;
}

/** Display names of the regimes, indexed by {@link Regime} code (science/regimes.ts). */
export const regimeLabels: readonly string[] = [regimeNames[Regime.notRepresented], regimeNames[Regime.dedicated], regimeNames[Regime.superposition]];

/**
 * Colours of the three regimes, indexed by {@link Regime} code (0 not represented, 1 dedicated
 * dimension, 2 superposition), from schemeTableau10: a warm grey, a blue and an orange. Blue against orange
 * is distinguishable under every common colour-vision deficiency, and the grey differs in lightness.
 * Exported so tests can check pixels.
 */
export const regimeColors: readonly RGB[] = [
  parseColor(schemeTableau10[9]!), // #bab0ab grey
  parseColor(schemeTableau10[0]!), // #4e79a7 blue
  parseColor(schemeTableau10[1]!), // #f28e2c orange
];

/** Colour drawn for missing cells (NaN values): a very light neutral grey, distinct from every map. */
export const missingColor: RGB = [244, 244, 244];

/**
 * A categorical map as a 256 × 1 RGBA look-up texture: entry k is `colors[k]` (k < colors.length),
 * the rest are {@link missingColor}. Sample it with nearest filtering at (k + 0.5) / 256.
 * @param colors at most 256 colours; default {@link regimeColors}.
 * @throws Error when more than 256 colours are given.
 */
export function categoricalLUT(colors: readonly RGB[] = regimeColors): Uint8Array {
  if (colors.length > LUT_SIZE) throw new Error(`at most ${LUT_SIZE} categories, got ${colors.length}`);
  const out = new Uint8Array(LUT_SIZE * 4);
  for (let k = 0; k < LUT_SIZE; k++) {
    const [r, g, b] = colors[k] ?? missingColor;
    out.set([r, g, b, 255], k * 4);
  }
  return out;
}
