/**
 * Feature arrows (paper, Introduction; the polygons of "The geometry of superposition"): for models
 * with m = 2 hidden dimensions, each feature's column W_i of W drawn as an arrow from the origin of
 * the hidden plane, coloured by feature. Among the represented features (‖W_i‖ > 0.5), the angle
 * between angular neighbours is written at a small arc between them, and a summary under each
 * panel compares these gaps with the regular polygon's 360°/k. Shows the kept seed of each point.
 * For untied models W is the encoder W1.
 *
 * Layout (CSS px): the panel of point (xIndex c, row r) is a PANEL × PANEL square with its top-left
 * at (LEFT + c·COL_W, TOP + r·ROW_H); rows are the y axis' points, one block of rows per model
 * kind (row = group · yCount + yIndex). The origin is the square's centre and one unit of W is
 * PANEL / (2·extent) px (equal aspect, y up), extent = max(1.3, 1.2 · the largest ‖W_i‖ shown), the
 * same for every panel: feature i's arrow ends at (cx + W_{0,i}·unit, cy − W_{1,i}·unit). Gap arcs
 * lie at radius ARC_R·unit, their labels at LABEL_R·unit on the arc's bisector; the summary's
 * three lines start SUMMARY_DY px under the square, SUMMARY_LINE px apart.
 *
 * {@link arrowPanel} and {@link neighbourGaps} are shared with the non-uniform and dynamics figures.
 */
import { scaleLinear } from 'd3-scale';
import { line } from 'd3-shape';
import { titleMarks } from './axes.js';
import { featureColor, formatValue, INK, MUTED } from './colors.js';
import { encoderOf, FigureError, fmtS, pointLabel, shownInstance, type FigureDefinition, type FigureInput } from './input.js';
import type { Axis } from '../science/spec.js';
import type { Mark, Scene } from './scene.js';

export const ARROWS = { LEFT: 60, TOP: 96, PANEL: 200, COL_W: 250, ROW_H: 290, SUMMARY_DY: 16, SUMMARY_LINE: 13, ARC_R: 0.3, LABEL_R: 0.52, MIN_NORM: 0.5, MAX_PANELS: 48, MIN_WIDTH: 620 } as const;

/** Feature i's angle in the hidden plane, in degrees [0, 360), counter-clockwise from hidden dimension 0. W is [2, n] row-major. */
export function featureAngle(W: ArrayLike<number>, n: number, i: number): number {
  const a = (Math.atan2(W[n + i]!, W[i]!) * 180) / Math.PI;
  return a < 0 ? a + 360 : a;
}

/** ‖W_i‖ of a [2, n] row-major W. */
export function featureNorm2(W: ArrayLike<number>, n: number, i: number): number {
  return Math.hypot(W[i]!, W[n + i]!);
}

/** The angle from one represented feature to its counter-clockwise neighbour. */
export interface Gap {
  from: number;
  to: number;
  /** Angle of `from`, degrees in [0, 360). */
  start: number;
  /** Counter-clockwise angle from `from` to `to`, degrees in [0, 360]. */
  degrees: number;
}

/**
 * The angles between angular neighbours among the represented features (‖W_i‖ > minNorm) of a
 * [2, n] row-major W, counter-clockwise from the smallest angle; they sum to 360°. Fewer than two
 * represented features have no gaps (empty array).
 */
export function neighbourGaps(W: ArrayLike<number>, n: number, minNorm: number = ARROWS.MIN_NORM): Gap[] {
  const reps = Array.from({ length: n }, (_, i) => i)
    .filter((i) => featureNorm2(W, n, i) > minNorm)
    .map((i) => ({ i, a: featureAngle(W, n, i) }))
    .sort((p, q) => p.a - q.a);
  if (reps.length < 2) return [];
  return reps.map((p, k) => {
    const q = reps[(k + 1) % reps.length]!;
    const d = k === reps.length - 1 ? q.a + 360 - p.a : q.a - p.a;
    return { from: p.i, to: q.i, start: p.a, degrees: d };
  });
}

/** What a panel's summary says: represented count k, dropped features, the gaps against 360°/k. */
export interface GapSummary {
  k: number;
  dropped: number[];
  gaps: Gap[];
  /** 360°/k (NaN for k < 2). */
  ideal: number;
  /** max |gap − 360°/k| (NaN for k < 2). */
  deviation: number;
  /** The summary as one sentence. */
  text: string;
  /** The same, as three short lines for under a panel. */
  lines: [string, string, string];
}

const deg0 = (v: number) => `${Math.round(v)}`;
const deg1 = (v: number) => `${+v.toFixed(1)}`;

/** The summary of a [2, n] row-major W (see {@link GapSummary}). */
export function gapSummary(W: ArrayLike<number>, n: number, minNorm: number = ARROWS.MIN_NORM): GapSummary {
  const dropped = Array.from({ length: n }, (_, i) => i).filter((i) => !(featureNorm2(W, n, i) > minNorm));
  const k = n - dropped.length;
  const gaps = neighbourGaps(W, n, minNorm);
  const ideal = k >= 2 ? 360 / k : NaN;
  const deviation = gaps.length ? Math.max(...gaps.map((g) => Math.abs(g.degrees - ideal))) : NaN;
  const first = `k = ${k} represented${dropped.length ? ` (dropped: ${dropped.join(', ')})` : ''}`;
  if (k < 2) {
    const text = `${first}; no angular neighbours`;
    return { k, dropped, gaps, ideal, deviation, text, lines: [first, 'no angular neighbours', ''] };
  }
  const list = `gaps ${gaps.map((g) => deg0(g.degrees)).join(' ')}°`;
  const vs = `ideal 360°/k = ${deg1(ideal)}°; largest deviation ${deg1(deviation)}°`;
  return { k, dropped, gaps, ideal, deviation, text: `${first}; ${list} vs ${vs}`, lines: [first, list, vs] };
}

/** Options of {@link arrowPanel}. */
export interface ArrowPanelOptions {
  /** Half-width of the square in units of W (default 1.25): one unit is size / (2·extent) px. */
  extent?: number;
  /** Names the model and point in hovers, e.g. "relu, S = 0.9". */
  label?: string;
  /** Added to every mark's data (e.g. point, model). */
  data?: Record<string, string | number>;
  /** Features drawn with a halo (e.g. the swept feature). */
  highlight?: readonly number[];
  /** Represented iff ‖W_i‖ > minNorm (default 0.5). */
  minNorm?: number;
  /** The summary under the square: three lines (`full`, default), one line "k = …; deviation …" (`short`) or none. */
  summary?: 'full' | 'short' | 'none';
}

/**
 * One panel of feature arrows for a [2, n] row-major W (W[i] = W_{0,i}, W[n + i] = W_{1,i}) in the
 * size × size square whose top-left is `at`. Marks (tags): `arrow-panel` (the frame), `grid` (axes
 * through the origin), `unit-circle` (‖W_i‖ = 1), `highlight` (halos), `feature-arrow` (one per
 * feature, data feature/norm/angle), `feature-label` (index at the tip of represented features),
 * `gap-arc` and `gap-label` (one per neighbour gap, data from/to/gap), `gap-summary` (data k,
 * deviation, summary). Origin at the centre, y up, unit = size / (2·extent) px.
 * @throws RangeError when W does not hold 2·n numbers
 */
export function arrowPanel(W: ArrayLike<number>, n: number, at: { x: number; y: number }, size: number, options: ArrowPanelOptions = {}): Mark[] {
  if (W.length !== 2 * n) throw new RangeError(`arrowPanel: W has ${W.length} numbers; expected 2 × n = ${2 * n}`);
  const extent = options.extent ?? 1.25;
  const label = options.label ? `${options.label} · ` : '';
  const data = options.data ?? {};
  const minNorm = options.minNorm ?? ARROWS.MIN_NORM;
  const sx = scaleLinear().domain([-extent, extent]).range([at.x, at.x + size]);
  const sy = scaleLinear().domain([-extent, extent]).range([at.y + size, at.y]);
  const unit = size / (2 * extent);
  const cx = sx(0);
  const cy = sy(0);
  const polar = (r: number, deg: number): [number, number] => [sx(r * Math.cos((deg * Math.PI) / 180)), sy(r * Math.sin((deg * Math.PI) / 180))];
  const path = line();
  const marks: Mark[] = [
    { kind: 'rect', x: at.x, y: at.y, width: size, height: size, fill: '#fcfcfc', stroke: '#e6e6e6', tag: 'arrow-panel', data },
    { kind: 'line', x1: at.x, y1: cy, x2: at.x + size, y2: cy, stroke: '#e6e6e6', tag: 'grid' },
    { kind: 'line', x1: cx, y1: at.y, x2: cx, y2: at.y + size, stroke: '#e6e6e6', tag: 'grid' },
    { kind: 'circle', cx, cy, r: unit, fill: 'none', stroke: '#dddddd', tag: 'unit-circle' },
  ];
  const summary = gapSummary(W, n, minNorm);
  for (const g of summary.gaps) {
    // A polyline every ≤ 3° is indistinguishable from the arc at these radii.
    // Trimmed at both ends so that neighbouring arcs read as separate angles, not one circle.
    const trim = Math.min(12, g.degrees / 4);
    const span = g.degrees - 2 * trim;
    const steps = Math.max(2, Math.ceil(span / 3));
    const pts = Array.from({ length: steps + 1 }, (_, s) => polar(ARROWS.ARC_R, g.start + trim + (span * s) / steps));
    const hover = `${label}features ${g.from} → ${g.to}: ${deg1(g.degrees)}° (ideal 360°/${summary.k} = ${deg1(summary.ideal)}°)`;
    const gd = { ...data, from: g.from, to: g.to, gap: deg1(g.degrees) };
    marks.push({ kind: 'path', d: path(pts) ?? '', stroke: MUTED, strokeWidth: 1, tag: 'gap-arc', hover, data: gd });
    const [lx, ly] = polar(ARROWS.LABEL_R, g.start + g.degrees / 2);
    marks.push({ kind: 'text', x: lx, y: ly, text: `${deg0(g.degrees)}°`, size: 9, anchor: 'middle', baseline: 'middle', fill: MUTED, tag: 'gap-label', hover, data: gd });
  }
  const tips = Array.from({ length: n }, (_, i) => ({ i, norm: featureNorm2(W, n, i), angle: featureAngle(W, n, i) }));
  for (const i of options.highlight ?? []) {
    if (i < n) marks.push({ kind: 'path', d: path([[cx, cy], [sx(W[i]!), sy(W[n + i]!)]]) ?? '', stroke: featureColor(i, n), strokeWidth: 10, opacity: 0.3, tag: 'highlight', data: { ...data, feature: i } });
  }
  for (const t of tips) {
    const x2 = sx(W[t.i]!);
    const y2 = sy(W[n + t.i]!);
    marks.push({
      kind: 'line', x1: cx, y1: cy, x2, y2, stroke: featureColor(t.i, n), strokeWidth: options.highlight?.includes(t.i) ? 3 : 2,
      // An arrow head on a stub shorter than itself points nowhere.
      arrow: t.norm * unit > 6,
      tag: 'feature-arrow',
      hover: `${label}feature ${t.i}: ‖W_i‖ = ${formatValue(t.norm)}, angle ${deg1(t.angle)}°${t.norm > minNorm ? '' : ' (not represented)'}`,
      data: { ...data, feature: t.i, norm: formatValue(t.norm), angle: deg1(t.angle) },
    });
    if (t.norm > minNorm) {
      const [lx, ly] = polar(t.norm + 0.1 * extent, t.angle);
      marks.push({ kind: 'text', x: lx, y: ly, text: String(t.i), size: 10, weight: 'bold', anchor: 'middle', baseline: 'middle', fill: featureColor(t.i, n), tag: 'feature-label', data: { ...data, feature: t.i } });
    }
  }
  const mode = options.summary ?? 'full';
  const sd = { ...data, k: summary.k, deviation: deg1(summary.deviation), summary: summary.text };
  const hover = `${label}${summary.text}`;
  if (mode === 'full') {
    summary.lines.forEach((text, li) => {
      if (text) marks.push({ kind: 'text', x: at.x + size / 2, y: at.y + size + ARROWS.SUMMARY_DY + li * ARROWS.SUMMARY_LINE, text, size: 10, anchor: 'middle', fill: li === 0 ? INK : MUTED, tag: 'gap-summary', hover, data: { ...sd, line: li } });
    });
  } else if (mode === 'short') {
    const text = summary.k >= 2 ? `k = ${summary.k}; deviation ${deg0(summary.deviation)}°` : `k = ${summary.k}`;
    marks.push({ kind: 'text', x: at.x + size / 2, y: at.y + size + ARROWS.SUMMARY_DY, text, size: 10, anchor: 'middle', fill: INK, tag: 'gap-summary', hover, data: { ...sd, line: 0 } });
  }
  return marks;
}

/** The extent that fits every arrow (and its label) of these [2, n] W's: max(1.3, 1.2 · the largest finite ‖W_i‖). */
export function arrowExtent(Ws: readonly ArrayLike<number>[], n: number): number {
  let big = 0;
  for (const W of Ws) for (let i = 0; i < n; i++) {
    const v = featureNorm2(W, n, i);
    if (Number.isFinite(v)) big = Math.max(big, v);
  }
  return Math.max(1.3, 1.2 * big);
}

const v3 = (v: number) => String(+v.toPrecision(3));
const subscript = (s: string) => s.replace(/\d/g, (d) => '₀₁₂₃₄₅₆₇₈₉'[Number(d)]!);

/** One axis value as the reader says it: "p = 0.1 (S = 0.9)", "p₄ = 0.02" (a features selector), "Iᵢ = 0.8ⁱ", "Iᵢ = 1 (uniform)", a model name. */
export function axisValueLabel(axis: Axis, v: number | string): string {
  if (axis.param === 'model') return String(v);
  const x = Number(v);
  const who = axis.features ? subscript(axis.features.join(',')) : 'ᵢ';
  if (axis.param === 'featureProbability') return axis.features ? `p${who} = ${v3(x)}` : `p = ${v3(x)} (S = ${fmtS(1 - x)})`;
  if (axis.mode === 'decay') return x === 1 ? 'Iᵢ = 1 (uniform)' : `Iᵢ = ${v3(x)}ⁱ`;
  if (axis.mode === 'last') return `I of the last feature = ${v3(x)}`;
  return `I${who} = ${v3(x)}`;
}

function featureArrowsFits(input: FigureInput): string | null {
  const m = input.spec.nHidden;
  if (m !== 2) return `needs m = 2 hidden dimensions; these results have m = ${m}`;
  const panels = input.groups.reduce((s, g) => s + g.set.points.length, 0);
  if (panels > ARROWS.MAX_PANELS) return `draws one panel per point for at most ${ARROWS.MAX_PANELS} points; these results have ${panels}`;
  return null;
}

function featureArrows(input: FigureInput): Scene {
  const why = featureArrowsFits(input);
  if (why) throw new FigureError(why);
  const { spec, groups } = input;
  const n = spec.nFeatures;
  const A = ARROWS;
  const xs = groups[0]!.set.points.filter((p) => p.yIndex === 0);
  const yCount = Math.max(...groups[0]!.set.points.map((p) => p.yIndex)) + 1;
  const shown = groups.map((g) => g.set.points.map((_, pos) => encoderOf(g, shownInstance(g, pos))));
  const extent = arrowExtent(shown.flat(), n);
  const rows = groups.length * yCount;
  const width = Math.max(A.MIN_WIDTH, A.LEFT + xs.length * A.COL_W);
  const height = A.TOP + rows * A.ROW_H;
  const models = groups.length > 1;
  const marks: Mark[] = [
    ...titleMarks('Features as arrows in the hidden plane', `n = ${n}, m = 2, kept seed of ${spec.seeds} per point; arrow i: feature i's column W_i of W`),
    { kind: 'text', x: 16, y: 54, text: `arcs: angles between neighbouring represented features (‖W_i‖ > ${A.MIN_NORM}); regular k-gon: 360°/k`, size: 11, fill: MUTED, tag: 'subtitle' },
  ];
  const xAxis = spec.x;
  xs.forEach((p) => {
    const text = xAxis && xAxis.param !== 'model' ? axisValueLabel(xAxis, p.xValue) : '';
    if (text) marks.push({ kind: 'text', x: A.LEFT + p.xIndex * A.COL_W + A.PANEL / 2, y: A.TOP - 12, text, size: 12, anchor: 'middle', fill: INK, tag: 'column-label' });
  });
  groups.forEach((g, gi) => {
    g.set.points.forEach((p, pos) => {
      // With a model axis on y, yIndex is the model's index: each group is one row.
      const row = gi * yCount + (spec.y?.param === 'model' ? 0 : p.yIndex);
      const at = { x: A.LEFT + p.xIndex * A.COL_W, y: A.TOP + row * A.ROW_H };
      const label = [models ? g.set.model : '', pointLabel(spec, g.set, pos)].filter(Boolean).join(', ');
      marks.push(...arrowPanel(shown[gi]![pos]!, n, at, A.PANEL, { extent, label, data: { model: g.set.model, point: pos } }));
      if (p.xIndex === 0 && (spec.y || models)) {
        const yText = spec.y && spec.y.param !== 'model' ? axisValueLabel(spec.y, p.yValue) : '';
        const text = [models ? g.set.model : '', yText].filter(Boolean).join(', ');
        marks.push({ kind: 'text', x: 24, y: at.y + A.PANEL / 2, text, size: 12, anchor: 'middle', rotate: -90, fill: INK, tag: 'row-label' });
      }
    });
  });
  return { figure: 'feature-arrows', width, height, title: 'Features as arrows in the hidden plane', marks };
}

export const definition: FigureDefinition = {
  name: 'feature-arrows',
  title: 'Features as arrows in the hidden plane',
  notice: 'Dense features: the model keeps the most important ones, orthogonal; sparser: antipodal pairs, then all features as a regular polygon whose neighbour gaps approach 360°/k; decaying importance drops the least important.',
  fits: featureArrowsFits,
  draw: featureArrows,
};
