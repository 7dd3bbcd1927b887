/**
 * A regl heatmap of one metric grid: the values go up as a float texture (nearest sampling, one
 * texel per cell) and a fragment shader colours them through a 256 × 1 look-up texture.
 */
import type { Regl, Texture2D, DrawCommand } from 'regl';
import { categoricalLUT, colorMapLUT, DEFAULT_COLOR_MAP, LUT_SIZE, missingColor, type ColorMapName, type RGB } from './colormap.js';

/** A rectangle in canvas pixels, origin at the TOP-left (like CSS), y growing downwards. */
export interface PixelRect {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** What {@link HeatmapRenderer.draw} draws. */
export interface HeatmapDrawOptions {
  /**
   * The grid, row-major: values[yIndex * xCount + xIndex]. yIndex 0 is drawn at the BOTTOM.
   * NaN (or ±Infinity) marks a missing cell, drawn in {@link missingColor}.
   * For categorical maps each value is a class index 0 … 255.
   */
  values: Float32Array;
  xCount: number;
  yCount: number;
  /** [min, max] mapped to the ends of a continuous map (values outside are clamped). Ignored when categorical. */
  domain?: readonly [number, number];
  /** Continuous colour map name; default viridis. */
  colorMap?: ColorMapName;
  /** Categorical colours, indexed by class; when given, values are class indices (nearest sampling). */
  categorical?: readonly RGB[];
  /** Where to draw, in canvas pixels (top-left origin); default the whole canvas. */
  viewport?: PixelRect;
}

const vert = `
precision highp float;
attribute vec2 position;
varying vec2 uv;
void main() {
  uv = 0.5 * (position + 1.0);
  gl_Position = vec4(position, 0.0, 1.0);
}`;

const frag = `
precision highp float;
uniform sampler2D values;
uniform sampler2D lut;
uniform vec2 domain;
uniform float categorical;
uniform float valueScale;
uniform vec3 missing;
varying vec2 uv;
void main() {
  vec4 s = texture2D(values, uv);
  if (s.a < 0.5) { gl_FragColor = vec4(missing, 1.0); return; }
  float v = s.r * valueScale;
  float coord;
  if (categorical > 0.5) {
    coord = (floor(v + 0.5) + 0.5) / ${LUT_SIZE}.0;
  } else {
    float span = domain.y - domain.x;
    float t = span > 0.0 ? clamp((v - domain.x) / span, 0.0, 1.0) : 0.5;
    coord = (t * ${LUT_SIZE - 1}.0 + 0.5) / ${LUT_SIZE}.0;
  }
  gl_FragColor = vec4(texture2D(lut, vec2(coord, 0.5)).rgb, 1.0);
}`;

interface Uniforms {
  values: Texture2D;
  lut: Texture2D;
  domain: [number, number];
  categorical: number;
  valueScale: number;
  missing: [number, number, number];
}

/**
 * Draws metric grids with a regl context. One instance per regl context; it owns only the textures
 * and the draw command it creates (never the context). Uses float textures when the context has
 * `OES_texture_float` (create regl with `optionalExtensions: ['OES_texture_float']`), otherwise
 * 8-bit textures of pre-normalised values (no visible difference: the LUT has 256 entries).
 * Methods on a destroyed instance throw.
 */
export class HeatmapRenderer {
  private readonly regl: Regl;
  private readonly valueTex: Texture2D;
  private readonly lutTex: Texture2D;
  private readonly command: DrawCommand;
  private readonly useFloat: boolean;
  private destroyed = false;

  /** @param regl a regl context; the caller keeps ownership of it. */
  constructor(regl: Regl) {
    this.regl = regl;
    this.useFloat = regl.hasExtension('OES_texture_float');
    this.valueTex = regl.texture({ width: 1, height: 1 });
    this.lutTex = regl.texture({ width: LUT_SIZE, height: 1, data: colorMapLUT(DEFAULT_COLOR_MAP), min: 'nearest', mag: 'nearest' });
    this.command = regl<Uniforms>({
      vert,
      frag,
      attributes: { position: [-1, -1, 1, -1, -1, 1, -1, 1, 1, -1, 1, 1] },
      uniforms: {
        values: regl.prop<Uniforms, 'values'>('values'),
        lut: regl.prop<Uniforms, 'lut'>('lut'),
        domain: regl.prop<Uniforms, 'domain'>('domain'),
        categorical: regl.prop<Uniforms, 'categorical'>('categorical'),
        valueScale: regl.prop<Uniforms, 'valueScale'>('valueScale'),
        missing: regl.prop<Uniforms, 'missing'>('missing'),
      },
      count: 6,
      // regl enables the depth test by default, which makes a second full-screen draw fail silently.
      depth: { enable: false, mask: false },
      viewport: regl.prop<any, 'viewport'>('viewport'),
      scissor: { enable: true, box: regl.prop<any, 'viewport'>('viewport') },
    });
  }

  /**
   * Draws one grid into `viewport` (does not clear the rest of the canvas).
   * @throws Error when destroyed, when values.length ≠ xCount · yCount, or when a count is < 1.
   */
  draw(opts: HeatmapDrawOptions): void {
    if (this.destroyed) throw new Error('HeatmapRenderer.draw called after destroy()');
    const { values, xCount, yCount } = opts;
    if (!(xCount >= 1 && yCount >= 1) || values.length !== xCount * yCount) {
      throw new Error(`heatmap: values.length ${values.length} ≠ xCount ${xCount} × yCount ${yCount}`);
    }
    const categorical = opts.categorical !== undefined;
    const domain: [number, number] = opts.domain ? [opts.domain[0], opts.domain[1]] : finiteRange(values);
    this.lutTex({
      width: LUT_SIZE,
      height: 1,
      data: categorical ? categoricalLUT(opts.categorical) : colorMapLUT(opts.colorMap ?? DEFAULT_COLOR_MAP),
      min: categorical ? 'nearest' : 'linear',
      mag: categorical ? 'nearest' : 'linear',
    });

    let valueScale = 1;
    let drawDomain = domain;
    if (this.useFloat) {
      const data = new Float32Array(values.length * 2);
      for (let k = 0; k < values.length; k++) {
        const v = values[k]!;
        const ok = Number.isFinite(v);
        data[2 * k] = ok ? v : 0;
        data[2 * k + 1] = ok ? 1 : 0;
      }
      this.valueTex({ width: xCount, height: yCount, data, format: 'luminance alpha', type: 'float', min: 'nearest', mag: 'nearest', wrapS: 'clamp', wrapT: 'clamp' });
    } else {
      const data = new Uint8Array(values.length * 2);
      const span = domain[1] - domain[0];
      for (let k = 0; k < values.length; k++) {
        const v = values[k]!;
        const ok = Number.isFinite(v);
        let q = 0;
        if (ok) q = categorical ? Math.min(255, Math.max(0, Math.round(v))) : Math.round(255 * Math.min(1, Math.max(0, span > 0 ? (v - domain[0]) / span : 0.5)));
        data[2 * k] = q;
        data[2 * k + 1] = ok ? 255 : 0;
      }
      this.valueTex({ width: xCount, height: yCount, data, format: 'luminance alpha', type: 'uint8', min: 'nearest', mag: 'nearest', wrapS: 'clamp', wrapT: 'clamp' });
      valueScale = categorical ? 255 : 1;
      drawDomain = [0, 1];
    }

    const bufferHeight = this.regl._gl.drawingBufferHeight;
    const bufferWidth = this.regl._gl.drawingBufferWidth;
    const vp = opts.viewport ?? { x: 0, y: 0, width: bufferWidth, height: bufferHeight };
    const viewport = { x: vp.x, y: bufferHeight - vp.y - vp.height, width: vp.width, height: vp.height };
    this.command({
      values: this.valueTex,
      lut: this.lutTex,
      domain: drawDomain,
      categorical: categorical ? 1 : 0,
      valueScale,
      missing: missingColor.map((c) => c / 255) as [number, number, number],
      viewport,
    });
  }

  /** Frees the textures and the command's resources. Idempotent; does not destroy the regl context. */
  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.valueTex.destroy();
    this.lutTex.destroy();
  }
}

/** [min, max] of the finite values; [0, 1] when there are none, [v − 0.5, v + 0.5] when all are equal. */
export function finiteRange(values: ArrayLike<number>): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (let k = 0; k < values.length; k++) {
    const v = values[k]!;
    if (!Number.isFinite(v)) continue;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (lo > hi) return [0, 1];
  if (lo === hi) return [lo - 0.5, hi + 0.5];
  return [lo, hi];
}
