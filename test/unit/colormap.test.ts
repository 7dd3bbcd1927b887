/** Colour maps as look-up textures (src/render/colormap.ts): pure, no WebGL. */
import {
  interpolateCividis,
  interpolateInferno,
  interpolateMagma,
  interpolatePlasma,
  interpolateViridis,
  schemeTableau10,
} from 'd3-scale-chromatic';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_COLOR_MAP,
  LUT_SIZE,
  categoricalLUT,
  colorMapLUT,
  colorMapNames,
  missingColor,
  parseColor,
  regimeColors,
  sampleColorMap,
  toHex,
  type ColorMapName,
  type RGB,
} from '../../src/render/colormap.js';

/** The test's own CSS parser (independent of parseColor): "#rrggbb" or "rgb(r, g, b)". */
function cssToRGB(css: string): [number, number, number] {
  if (css.startsWith('#') && css.length === 7) {
    return [parseInt(css.slice(1, 3), 16), parseInt(css.slice(3, 5), 16), parseInt(css.slice(5, 7), 16)];
  }
  const parts = css
    .replace(/^rgb\(/, '')
    .replace(/\)$/, '')
    .split(',')
    .map((s) => Number(s.trim()));
  if (parts.length !== 3 || parts.some((v) => !Number.isInteger(v))) throw new Error(`test parser: cannot read ${css}`);
  return [parts[0]!, parts[1]!, parts[2]!];
}

const d3Maps: Record<ColorMapName, (t: number) => string> = {
  viridis: interpolateViridis,
  cividis: interpolateCividis,
  magma: interpolateMagma,
  inferno: interpolateInferno,
  plasma: interpolatePlasma,
};

/** Entry k of an RGBA look-up texture. */
const entry = (lut: Uint8Array, k: number): number[] => Array.from(lut.subarray(4 * k, 4 * k + 4));

/** Largest per-channel difference between two colours. */
const maxChannelDiff = (a: RGB, b: RGB): number => Math.max(...a.map((v, i) => Math.abs(v - b[i]!)));

/** WCAG relative luminance of an sRGB colour (0 black … 1 white). */
function relativeLuminance([r, g, b]: readonly number[]): number {
  const lin = (c: number) => {
    const s = c / 255;
    return s <= 0.04045 ? s / 12.92 : Math.pow((s + 0.055) / 1.055, 2.4);
  };
  return 0.2126 * lin(r!) + 0.7152 * lin(g!) + 0.0722 * lin(b!);
}

describe('parseColor', () => {
  it('reads #rrggbb in either case and with surrounding whitespace', () => {
    expect(parseColor('#440154')).toEqual([0x44, 0x01, 0x54]);
    expect(parseColor('#FDE725')).toEqual([253, 231, 37]);
    expect(parseColor('  #00ff80 ')).toEqual([0, 255, 128]);
    expect(parseColor('#000000')).toEqual([0, 0, 0]);
    expect(parseColor('#ffffff')).toEqual([255, 255, 255]);
  });

  it('reads rgb(r, g, b) with or without spaces', () => {
    expect(parseColor('rgb(0, 32, 81)')).toEqual([0, 32, 81]);
    expect(parseColor('rgb(255,1,2)')).toEqual([255, 1, 2]);
    expect(parseColor('RGB( 7 , 8 , 9 )')).toEqual([7, 8, 9]);
  });

  it.each(['red', '#fff', '#12345', '#1234567', '#gg0000', 'rgba(1, 2, 3, 0.5)', 'rgb(1, 2)', 'hsl(0, 100%, 50%)', ''])(
    'throws on unsupported "%s"',
    (css) => {
      expect(() => parseColor(css)).toThrow(/unrecognised colour/);
    },
  );
});

describe('toHex', () => {
  it('formats with two lowercase hex digits per channel', () => {
    expect(toHex([0, 0, 0])).toBe('#000000');
    expect(toHex([255, 255, 255])).toBe('#ffffff');
    expect(toHex([1, 15, 16])).toBe('#010f10');
    expect(toHex([0x4e, 0x79, 0xa7])).toBe('#4e79a7');
  });

  it('round-trips with parseColor', () => {
    for (const c of [[0, 0, 0], [255, 0, 128], [17, 34, 51], [250, 5, 99]] as RGB[]) {
      expect(parseColor(toHex(c))).toEqual(c);
    }
  });
});

describe('sampleColorMap', () => {
  it('matches the published viridis end points and midpoint', () => {
    expect(toHex(sampleColorMap('viridis', 0))).toBe('#440154');
    expect(toHex(sampleColorMap('viridis', 1))).toBe('#fde725');
    expect(toHex(sampleColorMap('viridis', 0.5))).toBe('#21918c');
  });

  it('matches the published end points of the other maps', () => {
    expect(toHex(sampleColorMap('magma', 0))).toBe('#000004');
    expect(toHex(sampleColorMap('magma', 1))).toBe('#fcfdbf');
    expect(toHex(sampleColorMap('inferno', 0))).toBe('#000004');
    expect(toHex(sampleColorMap('inferno', 1))).toBe('#fcffa4');
    expect(toHex(sampleColorMap('plasma', 0))).toBe('#0d0887');
    expect(toHex(sampleColorMap('plasma', 1))).toBe('#f0f921');
  });

  it('agrees with d3-scale-chromatic for every map (cividis returns rgb(...), the rest #rrggbb)', () => {
    for (const name of colorMapNames) {
      for (const t of [0, 0.1, 0.25, 0.333, 0.5, 0.77, 0.999, 1]) {
        expect(sampleColorMap(name, t), `${name}(${t})`).toEqual(cssToRGB(d3Maps[name](t)));
      }
    }
  });

  it('clamps t to [0, 1]', () => {
    for (const name of colorMapNames) {
      expect(sampleColorMap(name, -0.5)).toEqual(cssToRGB(d3Maps[name](0)));
      expect(sampleColorMap(name, -1e9)).toEqual(cssToRGB(d3Maps[name](0)));
      expect(sampleColorMap(name, 1.5)).toEqual(cssToRGB(d3Maps[name](1)));
      expect(sampleColorMap(name, Infinity)).toEqual(cssToRGB(d3Maps[name](1)));
    }
  });

  it('throws for an unknown name, listing the allowed names', () => {
    let message = '';
    try {
      sampleColorMap('jet' as ColorMapName, 0.5);
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toMatch(/unknown colour map "jet"/);
    for (const name of ['viridis', 'cividis', 'magma', 'inferno', 'plasma']) expect(message).toContain(name);
  });

  it('returns integer channels in 0..255', () => {
    for (const name of colorMapNames) {
      for (let k = 0; k <= 20; k++) {
        for (const v of sampleColorMap(name, k / 20)) {
          expect(Number.isInteger(v)).toBe(true);
          expect(v).toBeGreaterThanOrEqual(0);
          expect(v).toBeLessThanOrEqual(255);
        }
      }
    }
  });
});

describe('colorMapLUT', () => {
  it('lists exactly the five perceptually uniform maps, viridis by default', () => {
    expect([...colorMapNames].sort()).toEqual(['cividis', 'inferno', 'magma', 'plasma', 'viridis']);
    expect(DEFAULT_COLOR_MAP).toBe('viridis');
    expect(LUT_SIZE).toBe(256);
  });

  it('is a 256 × 1 RGBA texture whose entry k is the d3 map at t = k / 255, alpha 255', () => {
    for (const name of colorMapNames) {
      const lut = colorMapLUT(name);
      expect(lut).toBeInstanceOf(Uint8Array);
      expect(lut.length).toBe(256 * 4);
      for (let k = 0; k < 256; k++) {
        expect(entry(lut, k), `${name}[${k}]`).toEqual([...cssToRGB(d3Maps[name](k / 255)), 255]);
      }
    }
  });

  it('defaults to viridis', () => {
    expect(colorMapLUT()).toEqual(colorMapLUT('viridis'));
    expect(entry(colorMapLUT(), 0)).toEqual([0x44, 0x01, 0x54, 255]);
    expect(entry(colorMapLUT(), 255)).toEqual([0xfd, 0xe7, 0x25, 255]);
  });

  it('throws for an unknown name, listing the allowed names', () => {
    expect(() => colorMapLUT('rainbow' as ColorMapName)).toThrow(/rainbow.*viridis.*cividis.*magma.*inferno.*plasma/);
  });

  it('viridis lightness (relative luminance) increases monotonically over the 256 entries', () => {
    const lut = colorMapLUT('viridis');
    const lum = Array.from({ length: 256 }, (_, k) => relativeLuminance(entry(lut, k)));
    // Adjacent entries may tie or dip by 8-bit rounding of the published table (d3's own viridis
    // data has two repeated colours and dips below 0.2 % at entries 95 and 146): allow 0.5 %.
    for (let k = 1; k < 256; k++) expect(lum[k]!, `entry ${k}`).toBeGreaterThan(lum[k - 1]! * 0.995);
    // Over any 4 entries it strictly increases.
    for (let k = 4; k < 256; k++) expect(lum[k]!, `entries ${k - 4}..${k}`).toBeGreaterThan(lum[k - 4]!);
    expect(lum[0]!).toBeLessThan(0.05);
    expect(lum[255]!).toBeGreaterThan(0.7);
  });
});

describe('regimeColors', () => {
  it('are schemeTableau10 grey, blue and orange, in regime-code order', () => {
    expect(regimeColors.map((c) => toHex(c))).toEqual(['#bab0ab', '#4e79a7', '#f28e2c']);
    expect(regimeColors[0]).toEqual(cssToRGB(schemeTableau10[9]!));
    expect(regimeColors[1]).toEqual(cssToRGB(schemeTableau10[0]!));
    expect(regimeColors[2]).toEqual(cssToRGB(schemeTableau10[1]!));
  });

  it('blue is bluer than red, orange redder than blue, grey roughly neutral', () => {
    const [grey, blue, orange] = regimeColors as [RGB, RGB, RGB];
    expect(blue[2]).toBeGreaterThan(blue[0] + 60);
    expect(orange[0]).toBeGreaterThan(orange[2] + 60);
    expect(Math.max(...grey) - Math.min(...grey)).toBeLessThan(20);
  });

  it('are pairwise distinguishable (some channel differs by more than 60)', () => {
    for (let i = 0; i < 3; i++) {
      for (let j = i + 1; j < 3; j++) {
        expect(maxChannelDiff(regimeColors[i]!, regimeColors[j]!), `regimes ${i} and ${j}`).toBeGreaterThan(60);
      }
    }
  });
});

describe('missingColor', () => {
  it('is a light neutral grey', () => {
    const [r, g, b] = missingColor;
    expect(r).toBe(g);
    expect(g).toBe(b);
    expect(r).toBeGreaterThan(200);
  });

  it('differs from every regime colour', () => {
    for (const c of regimeColors) expect(maxChannelDiff(missingColor, c)).toBeGreaterThan(40);
  });

  it('differs from both ends of every continuous map', () => {
    for (const name of colorMapNames) {
      for (const t of [0, 1]) {
        expect(maxChannelDiff(missingColor, cssToRGB(d3Maps[name](t))), `${name}(${t})`).toBeGreaterThan(40);
      }
    }
  });
});

describe('categoricalLUT', () => {
  it('defaults to the regime colours, then missingColor for the remaining entries', () => {
    const lut = categoricalLUT();
    expect(lut.length).toBe(256 * 4);
    expect(entry(lut, 0)).toEqual([0xba, 0xb0, 0xab, 255]);
    expect(entry(lut, 1)).toEqual([0x4e, 0x79, 0xa7, 255]);
    expect(entry(lut, 2)).toEqual([0xf2, 0x8e, 0x2c, 255]);
    for (let k = 3; k < 256; k++) expect(entry(lut, k)).toEqual([244, 244, 244, 255]);
  });

  it('places colour k at entry k for exactly 256 categories', () => {
    const colors: RGB[] = Array.from({ length: 256 }, (_, k) => [k, 255 - k, (k * 7) % 256]);
    const lut = categoricalLUT(colors);
    for (let k = 0; k < 256; k++) expect(entry(lut, k)).toEqual([k, 255 - k, (k * 7) % 256, 255]);
  });

  it('fills everything with missingColor when given no colours', () => {
    const lut = categoricalLUT([]);
    for (let k = 0; k < 256; k++) expect(entry(lut, k)).toEqual([...missingColor, 255]);
  });

  it('throws for more than 256 categories', () => {
    const colors: RGB[] = Array.from({ length: 257 }, () => [1, 2, 3]);
    expect(() => categoricalLUT(colors)).toThrow(/256.*257/);
  });
});
