/**
 * Superposition in a privileged basis (paper, "Superposition in a privileged basis"; model
 * `hidden-relu`, h = ReLU(W x)): a hidden ReLU makes each neuron meaningful, so the picture is per
 * neuron. For every point of a 1-D sweep (columns, sparsity S growing to the right) and every neuron
 * j (rows), neuron j's weights from every feature, row w_j of W, as one stacked bar: a segment per
 * feature of length |w_ji|, coloured by feature, positive weights stacked rightwards from the zero
 * line and negative ones leftwards (features in index order, feature 0 nearest the line). Beside
 * each bar the neuron's feature count (Σ_i w_ji²)² / Σ_i w_ji⁴ (1: monosemantic; k: k equally
 * strong features). Dense columns show monosemantic neurons; sparse ones polysemantic neurons.
 * Shows the kept seed of each point; for untied models W is the encoder W1.
 *
 * Layout (CSS px): model group g (the sweep's models that have a privileged hidden layer) starts at
 * y0 = TOP + g·(m·ROW_H + GROUP_GAP); the panel of column c (the point's xIndex) at
 * x0 = LEFT + c·PANEL_W. The zero line is at x0 + HALF; a segment starting `start` from the line
 * (the |w| of the features stacked before it on its side) spans [x0 + HALF + start·scale, … + |w|·scale]
 * when w > 0 and [x0 + HALF − (start + |w|)·scale, x0 + HALF − start·scale] when w < 0, with
 * scale = HALF / {@link stackExtent}(largest one-sided stack of the figure). Neuron j's bar spans
 * y0 + j·ROW_H + (ROW_H − BAR_H)/2 and BAR_H high; its count label sits at x = x0 + 2·HALF + COUNT_DX,
 * y = the bar's centre. A weight axis runs under each panel; the feature legend is at the bottom.
 * For n > SMALL_N, weights under MIN_SHARE of a bar's Σ|w| are not drawn (the subtitle says so).
 */
import { scaleLinear } from 'd3-scale';
import { axisMarks, titleMarks } from './axes.js';
import { featureColor, formatValue, INK, MUTED } from './colors.js';
import { encoderOf, FigureError, fmtS, metricApplies, pointLabel, shownInstance, type FigureDefinition, type FigureGroup, type FigureInput } from './input.js';
import type { Mark, Scene } from './scene.js';
import { neuronMetrics } from '../science/metrics.js';

export const PB = { LEFT: 70, TOP: 82, PANEL_W: 250, HALF: 90, ROW_H: 26, BAR_H: 18, COUNT_DX: 8, GROUP_GAP: 70, LEGEND_H: 50, SMALL_N: 10, MIN_SHARE: 0.05 } as const;

/** A neuron counts as monosemantic below this feature count. */
export const MONOSEMANTIC_BELOW = 1.5;

/** One segment of a stacked weight bar: `start` is the |w| already stacked on its side of zero. */
export interface Segment {
  feature: number;
  weight: number;
  start: number;
}

/**
 * Stacks signed weights `w` (one per feature) on either side of zero, features in index order.
 * Weights with |w| < minShare · Σ|w| (and exact zeros) are left out; `omitted` is their Σ|w|.
 * `pos`/`neg`: the drawn stacks' lengths.
 */
export function stackWeights(w: ArrayLike<number>, minShare = 0): { segments: Segment[]; pos: number; neg: number; omitted: number } {
  let total = 0;
  for (let i = 0; i < w.length; i++) total += Math.abs(w[i]!) || 0;
  const segments: Segment[] = [];
  let pos = 0;
  let neg = 0;
  let omitted = 0;
  for (let i = 0; i < w.length; i++) {
    const v = w[i]!;
    if (!Number.isFinite(v) || v === 0) continue;
    if (Math.abs(v) < minShare * total) {
      omitted += Math.abs(v);
      continue;
    }
    if (v > 0) {
      segments.push({ feature: i, weight: v, start: pos });
      pos += v;
    } else {
      segments.push({ feature: i, weight: v, start: neg });
      neg -= v;
    }
  }
  return { segments, pos, neg, omitted };
}

/** The half-width of a bar axis that holds a one-sided stack of `maxStack`: the next multiple of 0.5 (at least 0.5). */
export function stackExtent(maxStack: number): number {
  return Math.max(0.5, Math.ceil((Number.isFinite(maxStack) ? maxStack : 0) * 2 - 1e-9) / 2);
}

/**
 * The marks of one stacked bar: rects tagged `tag`, zero at `zeroX`, `scale` px per unit weight,
 * vertical extent [y, y + height]. `hover(seg)` and `data(seg)` describe each segment.
 */
export function stackedBarMarks(
  stack: ReturnType<typeof stackWeights>,
  n: number,
  zeroX: number,
  scale: number,
  y: number,
  height: number,
  tag: string,
  hover: (s: Segment) => string,
  data: (s: Segment) => Record<string, string | number>,
): Mark[] {
  return stack.segments.map((s) => {
    const len = Math.abs(s.weight) * scale;
    const x = s.weight > 0 ? zeroX + s.start * scale : zeroX - s.start * scale - len;
    return { kind: 'rect', x, y, width: len, height, fill: featureColor(s.feature, n), stroke: '#ffffff', strokeWidth: 0.5, tag, hover: hover(s), data: { ...data(s), weight: formatValue(s.weight) } } satisfies Mark;
  });
}

/**
 * A feature colour legend of n features from (x, y): one swatch each for n ≤ 20, else a strip of
 * swatches labelled with the first and last feature. Marks tagged `legend` (data: feature).
 */
export function featureLegend(n: number, x: number, y: number, note = ''): Mark[] {
  const marks: Mark[] = [{ kind: 'text', x, y: y + 6, text: 'feature', baseline: 'middle', size: 11, fill: MUTED, tag: 'legend-title' }];
  const x0 = x + 52;
  if (n <= 20) {
    for (let i = 0; i < n; i++) {
      marks.push({ kind: 'rect', x: x0 + i * 40, y, width: 12, height: 12, fill: featureColor(i, n), tag: 'legend', hover: `feature ${i}`, data: { feature: i } });
      marks.push({ kind: 'text', x: x0 + i * 40 + 16, y: y + 6, text: String(i), baseline: 'middle', size: 10, fill: INK, tag: 'legend-label' });
    }
  } else {
    const w = Math.max(1, Math.min(4, 300 / n));
    for (let i = 0; i < n; i++) marks.push({ kind: 'rect', x: x0 + i * w, y, width: w + 0.2, height: 12, fill: featureColor(i, n), tag: 'legend', hover: `feature ${i}`, data: { feature: i } });
    marks.push({ kind: 'text', x: x0, y: y + 16, text: '0', baseline: 'hanging', size: 10, fill: INK, tag: 'legend-label' });
    marks.push({ kind: 'text', x: x0 + n * w, y: y + 16, text: String(n - 1), anchor: 'end', baseline: 'hanging', size: 10, fill: INK, tag: 'legend-label' });
  }
  if (note) marks.push({ kind: 'text', x: x0 + (n <= 20 ? n * 40 : n * Math.max(1, Math.min(4, 300 / n)) + 12), y: y + 6, text: note, baseline: 'middle', size: 10, fill: MUTED, tag: 'legend-note' });
  return marks;
}

/**
 * Feature count per neuron of one instance ([m]): `results.extra.neuronFeatureCount` when present,
 * else computed from the encoder's rows. NaN for a neuron that carries nothing (all weights zero).
 */
export function neuronCounts(g: FigureGroup, instance: number): Float64Array {
  const m = g.results.nHidden;
  const extra = g.results.extra?.neuronFeatureCount;
  const counts = extra ? Float64Array.from(extra.subarray(instance * m, (instance + 1) * m)) : neuronMetrics(encoderOf(g, instance), g.results.nFeatures, m).featureCount;
  return counts.map((c) => (c > 0 ? c : NaN));
}

/** The label of a model's point: "S = 0.9", prefixed with the model when the figure shows several. */
export function panelLabel(input: FigureInput, g: FigureGroup, pos: number): string {
  const label = pointLabel(input.spec, g.set, pos);
  return input.groups.length > 1 && label !== g.set.model ? `${g.set.model}, ${label}` : label;
}

/** The column header of a point: its sparsity (or its point label). */
export function columnHeader(input: FigureInput, g: FigureGroup, pos: number): string {
  const p = g.set.points[pos]!;
  return input.spec.x?.param === 'featureProbability' ? `S = ${fmtS(1 - p.xValue)}` : pointLabel(input.spec, g.set, pos);
}

/** Hover suffix naming the weight a bar leaves out ('' when none). */
export function omittedNote(stack: { omitted: number }): string {
  return stack.omitted > 0 ? `; small weights not drawn: Σ|w| = ${formatValue(stack.omitted)}` : '';
}

const privileged = (input: FigureInput) => input.groups.filter((g) => metricApplies('neuronFeatureCount', g.set.model));

/** Why the privileged-basis figure cannot be drawn from `input`, or null when it can. */
export function privilegedBasisFits(input: FigureInput): string | null {
  if (input.spec.y && input.spec.y.param !== 'model') return 'the privileged-basis figure needs a 1-D sweep (one numeric x axis; y may list models)';
  if (privileged(input).length === 0) return `the privileged-basis figure needs a model with a privileged hidden layer (e.g. hidden-relu); these results have ${input.groups.map((g) => g.set.model).join(', ')}`;
  if (input.spec.nHidden > 64) return `the privileged-basis figure draws one bar per neuron for m ≤ 64; these results have m = ${input.spec.nHidden}`;
  return null;
}

/** The privileged-basis figure. @throws FigureError when {@link privilegedBasisFits} says no. */
export function privilegedBasis(input: FigureInput): Scene {
  const why = privilegedBasisFits(input);
  if (why) throw new FigureError(why);
  const groups = privileged(input);
  const n = input.spec.nFeatures;
  const m = input.spec.nHidden;
  const P = PB;
  const cols = Math.max(...groups.map((g) => g.set.points.length));
  const blockH = m * P.ROW_H + P.GROUP_GAP;
  const minShare = n > P.SMALL_N ? P.MIN_SHARE : 0;

  // One bar scale for the whole figure, so bars compare across columns.
  const stacks = groups.map((g) => g.set.points.map((_, pos) => {
    const W = encoderOf(g, shownInstance(g, pos));
    return Array.from({ length: m }, (_, j) => stackWeights(W.subarray(j * n, (j + 1) * n), minShare));
  }));
  const extent = stackExtent(Math.max(0, ...stacks.flat(2).map((s) => Math.max(s.pos, s.neg))));
  const scale = P.HALF / extent;

  const width = P.LEFT + cols * P.PANEL_W + 10;
  const height = P.TOP + groups.length * blockH + P.LEGEND_H;
  const marks: Mark[] = [...titleMarks('Superposition in a privileged basis: each neuron\'s weights by feature', `n = ${n}, m = ${m}; kept seed of ${input.spec.seeds}; each bar is neuron j's row w_j, one segment of length |w_ji| per feature (right: w > 0, left: w < 0); number: features per neuron (Σw²)²/Σw⁴${minShare > 0 ? `; segments under ${minShare * 100}% of a bar's Σ|w| not drawn` : ''}`)];

  groups.forEach((g, gi) => {
    const y0 = P.TOP + gi * blockH;
    if (groups.length > 1) marks.push({ kind: 'text', x: 14, y: y0 + (m * P.ROW_H) / 2, text: g.set.model, anchor: 'middle', rotate: -90, size: 13, weight: 'bold', fill: INK, tag: 'row-label' });
    for (let j = 0; j < m; j++) marks.push({ kind: 'text', x: P.LEFT - 8, y: y0 + (j + 0.5) * P.ROW_H, text: `neuron ${j}`, anchor: 'end', baseline: 'middle', size: 10, fill: MUTED, tag: 'neuron-label' });
    g.set.points.forEach((p, pos) => {
      const x0 = P.LEFT + p.xIndex * P.PANEL_W;
      const zero = x0 + P.HALF;
      const label = panelLabel(input, g, pos);
      const counts = neuronCounts(g, shownInstance(g, pos));
      if (gi === 0) {
        marks.push({ kind: 'text', x: zero, y: P.TOP - 22, text: columnHeader(input, g, pos), anchor: 'middle', size: 11, fill: INK, tag: 'column-label' });
        marks.push({ kind: 'text', x: x0 + 2 * P.HALF + P.COUNT_DX, y: P.TOP - 8, text: 'features', size: 9, fill: MUTED, tag: 'count-header' });
      }
      marks.push({ kind: 'line', x1: zero, y1: y0 - 2, x2: zero, y2: y0 + m * P.ROW_H + 2, stroke: MUTED, tag: 'zero-line', data: { model: g.set.model, point: pos, scale } });
      let mono = 0;
      for (let j = 0; j < m; j++) {
        const yBar = y0 + j * P.ROW_H + (P.ROW_H - P.BAR_H) / 2;
        const base = { model: g.set.model, point: pos, neuron: j };
        marks.push(...stackedBarMarks(stacks[gi]![pos]![j]!, n, zero, scale, yBar, P.BAR_H, 'neuron-weight',
          (s) => `${label} · neuron ${j} · feature ${s.feature}: w = ${formatValue(s.weight)}`,
          (s) => ({ ...base, feature: s.feature })));
        const c = counts[j]!;
        if (c < MONOSEMANTIC_BELOW) mono++;
        marks.push({
          kind: 'text', x: x0 + 2 * P.HALF + P.COUNT_DX, y: yBar + P.BAR_H / 2, text: formatValue(c), baseline: 'middle', size: 10,
          fill: c >= MONOSEMANTIC_BELOW ? INK : MUTED, weight: c >= MONOSEMANTIC_BELOW ? 'bold' : 'normal', tag: 'neuron-count',
          hover: Number.isFinite(c) ? `${label} · neuron ${j}: carries ${formatValue(c)} features ((Σw²)²/Σw⁴)${omittedNote(stacks[gi]![pos]![j]!)}` : `${label} · neuron ${j}: all weights zero, carries nothing`,
          data: { ...base, count: formatValue(c) },
        });
      }
      const axisY = y0 + m * P.ROW_H + 4;
      marks.push(...axisMarks(scaleLinear().domain([-extent, extent]).range([x0, x0 + 2 * P.HALF]), 'bottom', axisY, { ticks: 3 }));
      marks.push({ kind: 'text', x: zero, y: axisY + 34, text: `${mono}/${m} monosemantic`, anchor: 'middle', size: 10, fill: MUTED, tag: 'monosemantic', hover: `${label}: ${mono} of ${m} neurons carry fewer than ${MONOSEMANTIC_BELOW} features`, data: { model: g.set.model, point: pos, count: mono } });
    });
  });
  marks.push(...featureLegend(n, P.LEFT, height - P.LEGEND_H + 14, 'segment length |w_ji|; axis: weight w_ji'));
  return { figure: 'privileged-basis', width, height, title: 'Superposition in a privileged basis', marks };
}

export const definition: FigureDefinition = {
  name: 'privileged-basis',
  title: 'Superposition in a privileged basis',
  notice: 'With a ReLU on the hidden layer each neuron reads one feature when features are dense (feature count ≈ 1) and several when they are sparse: neurons turn polysemantic as S grows.',
  fits: privilegedBasisFits,
  draw: privilegedBasis,
};
