/**
 * The figure framework: scenes to SVG, matrix colours, the registry's errors, the phase-diagram
 * scene's cell placement, GIF encoding and the CLI's figure flags. No browser.
 */
import { describe, expect, it } from 'vitest';
import { interpolateRdBu, interpolateViridis } from 'd3-scale-chromatic';
import { sceneToSvg } from '../../src/figures/svg.js';
import { matrixClasses, matrixColor, matrixLUT, MATRIX_LEVELS, MISSING } from '../../src/figures/colors.js';
import { sceneFromJson, sceneToJson, type MatrixMark, type Scene } from '../../src/figures/scene.js';
import { drawFigure, FIGURE_NAMES, fittingFigures } from '../../src/figures/registry.js';
import { FigureError } from '../../src/figures/input.js';
import { phasePlot } from '../../src/figures/phase-diagram.js';
import { STRIP } from '../../src/figures/model-strip.js';
import { encodeGif } from '../../src/headless/figure-files.js';
import { CliError, parseCliArgs, parseScale } from '../../src/headless/args.js';
import { parseColor } from '../../src/render/colormap.js';
import { arrowsW, handInput } from '../helpers/figure-input.js';

const matrix = (values: number[], rows: number, cols: number, colors: MatrixMark['colors'] = 'diverging'): MatrixMark => ({
  kind: 'matrix', x: 10, y: 20, width: 40, height: 20, rows, cols, values: Float32Array.from(values), colors, domain: [-1, 1], name: 'M', rowNames: ['r0', 'r1'], colNames: ['c0', 'c1'],
});

describe('sceneToSvg', () => {
  const scene: Scene = {
    figure: 'test',
    width: 100,
    height: 50,
    title: 'A & B <test>',
    marks: [
      { kind: 'text', x: 1, y: 2, text: 'x < y & "z"', tag: 'label' },
      { kind: 'rect', x: 0, y: 0, width: 5, height: 6, fill: '#123456', tag: 'bar', hover: 'feature 3: ‖W_i‖ = 0.5', data: { feature: 3 } },
      matrix([-1, 0, 1, NaN], 2, 2),
    ],
  };

  it('escapes text and carries tags, hover and data attributes', () => {
    const svg = sceneToSvg(scene);
    expect(svg).toContain('<title>A &amp; B &lt;test&gt;</title>');
    expect(svg).toContain('x &lt; y &amp; &quot;z&quot;');
    expect(svg).toMatch(/<rect class="bar" data-hover="feature 3: ‖W_i‖ = 0.5" data-feature="3"/);
    expect(svg).toContain('viewBox="0 0 100 50"');
  });

  it('draws one rect per matrix cell at its place, coloured by RdBu (−1 red, +1 blue), NaN grey', () => {
    const svg = sceneToSvg(scene);
    const cells = [...svg.matchAll(/<rect class="matrix-cell" data-row="(\d)" data-col="(\d)" x="([\d.]+)" y="([\d.]+)"[^>]*fill="([^"]+)"/g)];
    expect(cells).toHaveLength(4);
    const at = (r: number, c: number) => cells.find((m) => m[1] === String(r) && m[2] === String(c))!;
    expect(Number(at(1, 1)[3])).toBe(10 + 20); // x + col · width/cols
    expect(Number(at(1, 1)[4])).toBe(20 + 10); // y + row · height/rows
    expect(parseColor(at(0, 0)[5]!)).toEqual(parseColor(interpolateRdBu(0)));
    expect(parseColor(at(1, 0)[5]!)).toEqual(parseColor(interpolateRdBu(1)));
    expect(at(1, 1)[5]).toBe(MISSING);
  });

  it("matrices: 'hit' leaves one transparent rect; scale multiplies the size but not the viewBox", () => {
    const svg = sceneToSvg(scene, { matrices: 'hit', scale: 2 });
    expect(svg).not.toContain('matrix-cell');
    expect(svg).toMatch(/<rect class="matrix" data-rows="2" data-cols="2" data-name="M" x="10" y="20" width="40" height="20" fill="transparent"/);
    expect(svg).toContain('width="200" height="100" viewBox="0 0 100 50"');
  });

  it('round-trips through JSON with NaN kept', () => {
    const back = sceneFromJson(sceneToJson(scene));
    const m = back.marks[2] as MatrixMark;
    expect(m.values).toBeInstanceOf(Float32Array);
    expect(Array.from(m.values.subarray(0, 3))).toEqual([-1, 0, 1]);
    expect(Number.isNaN(m.values[3])).toBe(true);
  });
});

describe('matrix colours for regl', () => {
  it('quantises to the LUT so the regl colour matches the SVG colour within one level', () => {
    const m = matrix([-1, -0.3, 0.25, 1], 2, 2);
    const classes = matrixClasses(m);
    const lut = matrixLUT('diverging');
    expect(lut).toHaveLength(MATRIX_LEVELS + 1);
    for (let k = 0; k < 4; k++) {
      const svg = parseColor(matrixColor(m, m.values[k]!));
      const regl = lut[classes[k]!]!;
      for (let c = 0; c < 3; c++) expect(Math.abs(svg[c]! - regl[c]!)).toBeLessThanOrEqual(3);
    }
  });

  it('sequential uses viridis over the domain; categorical uses the palette; NaN is class 0', () => {
    const seq: MatrixMark = { ...matrix([0, 0.5, 1, NaN], 2, 2, 'sequential'), domain: [0, 1] };
    expect(parseColor(matrixColor(seq, 0.5))).toEqual(parseColor(interpolateViridis(0.5)));
    expect(matrixClasses(seq)[3]).toBe(0);
    const cat: MatrixMark = { ...matrix([0, 1, 2, 5], 2, 2, 'categorical'), palette: ['#ff0000', '#00ff00', '#0000ff'] };
    expect(Array.from(matrixClasses(cat))).toEqual([1, 2, 3, 0]);
    expect(matrixLUT('categorical', cat.palette)[2]).toEqual([0, 255, 0]);
  });
});

describe('registry', () => {
  const pentagon = handInput(
    { nFeatures: 5, nHidden: 2, x: { param: 'featureProbability', values: [0.3, 0.05], scale: 'log' }, seeds: 1 },
    () => ({ params: { W: arrowsW([0, 1, 2, 3, 4].map((k) => (2 * Math.PI * k) / 5)) } }),
  );

  it('refuses an unknown figure, naming every figure', () => {
    expect(() => drawFigure('nope', pentagon)).toThrow(FigureError);
    expect(() => drawFigure('nope', pentagon)).toThrow(`figures: ${FIGURE_NAMES.join(', ')}`);
  });

  it('refuses a figure that does not fit, saying why and which fit', () => {
    const twoAxes = handInput(
      { nFeatures: 2, nHidden: 1, x: { param: 'featureProbability', values: [0.1, 1], scale: 'log' }, y: { param: 'importance', mode: 'last', values: [0.5, 2], scale: 'log' }, seeds: 1 },
      () => ({ params: { W: [1, 0] } }),
    );
    expect(() => drawFigure('model-strip', twoAxes)).toThrow(/model-strip does not fit these results: the model strip needs a 1-D sweep.*figures that fit: .*phase-diagram/);
    expect(fittingFigures(twoAxes)).toContain('phase-diagram');
    expect(fittingFigures(pentagon)).toContain('model-strip');
  });

  it('the model strip draws one norm bar per feature and model, of length ‖W_i‖ · BAR_SCALE', () => {
    const scene = drawFigure('model-strip', handInput(
      { nFeatures: 3, nHidden: 2, x: { param: 'featureProbability', values: [1, 0.1], scale: 'log' }, seeds: 1 },
      (_g, pos) => ({ params: { W: pos === 0 ? [1, 0, 0, 0, 1, 0] : [0.5, 0, 0, 0, 0.8, 0] } }),
    ));
    const bars = scene.marks.filter((m) => m.tag === 'feature-norm');
    expect(bars).toHaveLength(6);
    const bar = bars.find((m) => m.data?.point === 1 && m.data?.feature === 1)!;
    expect(bar.kind === 'rect' && bar.width).toBeCloseTo(0.8 * STRIP.BAR_SCALE, 4);
    expect(bar.kind === 'rect' && bar.x).toBe(STRIP.LEFT + 1 * STRIP.PANEL_W);
  });

  it('the phase diagram puts grid point (x, y) at its cell, y = 0 at the bottom', () => {
    const input = handInput(
      { nFeatures: 2, nHidden: 1, x: { param: 'featureProbability', values: [0.1, 1], scale: 'log' }, y: { param: 'importance', mode: 'last', values: [0.5, 2], scale: 'log' }, seeds: 1 },
      // Only point (x = 1, y = 0) represents the last feature alone: a dedicated dimension.
      (_g, pos) => ({ params: { W: pos === 1 ? [0, 1] : [0, 0] } }),
    );
    const scene = drawFigure('phase-diagram', input);
    const cells = scene.marks.find((m): m is MatrixMark => m.kind === 'matrix' && m.tag === 'phase-cells')!;
    const plot = phasePlot();
    expect([cells.x, cells.y, cells.width, cells.height]).toEqual([plot.x, plot.y, plot.width, plot.height]);
    // Matrix row 0 is the top = grid y index 1; the dedicated cell is bottom-right: row 1, col 1.
    const dedicated = cells.classNames!.indexOf('dedicated dimension');
    expect(dedicated).toBeGreaterThanOrEqual(0);
    expect(cells.values[1 * 2 + 1]).toBe(dedicated);
    expect(cells.values[0 * 2 + 1]).not.toBe(dedicated);
    expect(scene.marks.some((m) => m.tag === 'theory')).toBe(true);
  });
});

describe('encodeGif', () => {
  it('writes a looping GIF with one image per frame', () => {
    const w = 4;
    const h = 3;
    const frames = [0, 128, 255].map((v) => new Uint8Array(w * h * 4).fill(v));
    const gif = encodeGif(frames, w, h);
    expect(new TextDecoder().decode(gif.subarray(0, 6))).toBe('GIF89a');
    // Graphic control extensions (0x21 0xF9 0x04), one per frame.
    let count = 0;
    for (let k = 0; k + 2 < gif.length; k++) if (gif[k] === 0x21 && gif[k + 1] === 0xf9 && gif[k + 2] === 0x04) count++;
    expect(count).toBe(3);
    expect(() => encodeGif([new Uint8Array(5)], w, h)).toThrow(RangeError);
  });
});

describe('figure command line', () => {
  it('parses figure with --scale; refuses unknown figures, extensions and scales', () => {
    const parsed = parseCliArgs(['figure', 'r.json', '--figure', 'model-strip', '--out', 'a.svg', '--scale', '3']);
    expect(parsed).toEqual({ command: 'figure', options: { results: 'r.json', figure: 'model-strip', out: 'a.svg', scale: 3 } });
    const fail = (argv: string[]) => {
      try {
        parseCliArgs(argv);
      } catch (e) {
        expect(e).toBeInstanceOf(CliError);
        return (e as Error).message;
      }
      throw new Error('expected a CliError');
    };
    expect(fail(['figure', 'r.json', '--figure', 'nope', '--out', 'a.png'])).toMatch(/--figure: "nope" is not a figure; allowed: model-strip/);
    expect(fail(['figure', 'r.json', '--figure', 'model-strip', '--out', 'a.jpg'])).toMatch(/must end in .png, .svg or .gif/);
    expect(() => parseScale('9')).toThrow(/--scale: "9" is out of range; allowed: numbers 0.5..8/);
    expect(parseScale(undefined)).toBe(2);
  });
});
