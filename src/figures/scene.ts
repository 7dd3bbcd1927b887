/**
 * A figure as data: a fixed-size canvas (CSS pixels, top-left origin) holding marks. Every figure
 * module (src/figures/<name>.ts) is a pure function of results that returns a {@link Scene}; the
 * same scene is drawn in the page (`<superposition-figure>`: matrices with regl, the rest as
 * inline SVG), written as SVG (`sceneToSvg`, vector, matrices as one rect per cell) and as PNG
 * (`renderScenePNG` in the browser: regl matrices under the rasterised SVG). Pure: no DOM.
 */

/** Marks every kind shares. */
interface MarkBase {
  /** Class name for tests and styling, e.g. `feature-norm`, `feature-arrow`. */
  tag?: string;
  /** What the pointer names over this mark, e.g. "S = 0.9 · feature 3: ‖W_i‖ = 0.98". */
  hover?: string;
  /** Extra `data-*` attributes (tests read them: a feature index, a model's point index …). */
  data?: Record<string, string | number>;
}

/** A filled rectangle. */
export interface RectMark extends MarkBase {
  kind: 'rect';
  x: number;
  y: number;
  width: number;
  height: number;
  fill: string;
  stroke?: string;
  strokeWidth?: number;
}

/** A straight line. */
export interface LineMark extends MarkBase {
  kind: 'line';
  x1: number;
  y1: number;
  x2: number;
  y2: number;
  stroke: string;
  strokeWidth?: number;
  /** SVG dash array, e.g. "4 3". */
  dash?: string;
  /** Draw an arrow head at (x2, y2). */
  arrow?: boolean;
}

/** An SVG path (d3-shape output). */
export interface PathMark extends MarkBase {
  kind: 'path';
  d: string;
  stroke?: string;
  strokeWidth?: number;
  fill?: string;
  dash?: string;
  opacity?: number;
}

/** A circle. */
export interface CircleMark extends MarkBase {
  kind: 'circle';
  cx: number;
  cy: number;
  r: number;
  fill: string;
  stroke?: string;
  opacity?: number;
}

/** One line of text. */
export interface TextMark extends MarkBase {
  kind: 'text';
  x: number;
  y: number;
  text: string;
  /** Font size in CSS pixels; default 11. */
  size?: number;
  anchor?: 'start' | 'middle' | 'end';
  baseline?: 'auto' | 'middle' | 'hanging';
  fill?: string;
  weight?: 'normal' | 'bold';
  /** Degrees, about (x, y). */
  rotate?: number;
}

/**
 * A matrix of values drawn as coloured cells: in the page and the PNG with regl (one textured
 * quad), in SVG as one rect per cell. `values` is row-major, row 0 at the TOP: values[r·cols + c].
 */
export interface MatrixMark extends MarkBase {
  kind: 'matrix';
  x: number;
  y: number;
  width: number;
  height: number;
  rows: number;
  cols: number;
  values: Float32Array;
  /**
   * `diverging`: RdBu over [−d, d], d = max |domain| (−: red, +: blue); `sequential`: viridis over
   * [lo, hi]; `categorical`: values are class indices into `palette`.
   */
  colors: 'diverging' | 'sequential' | 'categorical';
  domain: readonly [number, number];
  /** CSS colours ("#rrggbb") of the classes of a categorical matrix. */
  palette?: readonly string[];
  /** Names of the classes of a categorical matrix (for hover); default the index. */
  classNames?: readonly string[];
  /** Hover text of a cell: `${name} · ${rowNames[r]} · ${colNames[c]} = value`. */
  name: string;
  rowNames: readonly string[];
  colNames: readonly string[];
}

export type Mark = RectMark | LineMark | PathMark | CircleMark | TextMark | MatrixMark;

/** A figure ready to draw. */
export interface Scene {
  /** Registry name of the figure, e.g. `model-strip`. */
  figure: string;
  width: number;
  height: number;
  /** The figure's title (also drawn as a text mark). */
  title: string;
  /** Drawn in order; matrices are drawn beneath everything else in the page and the PNG. */
  marks: Mark[];
  /**
   * Animation frames (e.g. the arrows at each recorded step): each a complete scene of the same
   * size. The CLI writes them as an animated GIF; the page shows a scrubber.
   */
  frames?: Scene[];
}

/** The hover text of a matrix cell. */
export function matrixCellHover(m: MatrixMark, r: number, c: number, format: (v: number) => string): string {
  const v = m.values[r * m.cols + c]!;
  const shown = m.colors === 'categorical' && Number.isFinite(v) ? (m.classNames?.[v] ?? String(v)) : format(v);
  return `${m.name} · ${m.rowNames[r] ?? r} · ${m.colNames[c] ?? c} = ${shown}`;
}

/** The scene as JSON (matrix values as plain arrays; NaN as null), for the page wire and tests. */
export function sceneToJson(scene: Scene): string {
  return JSON.stringify(scene, (_key, v: unknown) => (v instanceof Float32Array ? Array.from(v, (x) => (Number.isFinite(x) ? x : null)) : v));
}

/** Reverses {@link sceneToJson}. */
export function sceneFromJson(json: string): Scene {
  const revive = (s: Scene): Scene => ({
    ...s,
    marks: s.marks.map((m) => (m.kind === 'matrix' ? { ...m, values: Float32Array.from(m.values as unknown as (number | null)[], (x) => (x === null ? NaN : x)) } : m)),
    ...(s.frames ? { frames: s.frames.map(revive) } : {}),
  });
  return revive(JSON.parse(json) as Scene);
}
