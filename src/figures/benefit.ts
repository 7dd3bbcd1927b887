/**
 * Reconstruction benefit across sparsity (the PyTorch replication's pictures): for a 1-D sweep over
 * featureProbability, per model group a heatmap of each feature's benefit 1 − MSE_i/Var_i in the
 * kept seed (rows: feature i, 0 at the top; columns: the sweep's points ordered by S, densest
 * left), and under the heatmaps a line chart of how many features have benefit >
 * {@link BENEFIT_THRESHOLD} against p = 1 − S (the spec's x scale, reversed so that S grows to the
 * right as in the heatmaps), one line per model group.
 *
 * Layout (CSS px): heatmap g spans x = LEFT + g·(HEAT_W + GAP) … + HEAT_W, y = TOP … TOP + HEAT_H;
 * row i is HEAT_H/n tall, column c (c-th smallest S) HEAT_W/cols wide. The colour legend (viridis,
 * benefit 0 … 1) stands LEGEND_GAP right of the last heatmap. The chart's plot area spans
 * x = LEFT … LEFT + chartWidth(groups) and y = chartTop() … chartTop() + CHART_H; y is the count
 * from 0 (bottom) to n (top); a dashed line marks m.
 */
import { scaleLinear, scaleLog } from 'd3-scale';
import { line } from 'd3-shape';
import { axisMarks, titleMarks, type NumericScale } from './axes.js';
import { featureColor, INK, MUTED } from './colors.js';
import { fmtS, FigureError, perFeature, shownInstance, type FigureDefinition, type FigureGroup, type FigureInput } from './input.js';
import type { Mark, Scene } from './scene.js';
import type { NumericAxis } from '../science/spec.js';

export const BENEFIT = { LEFT: 70, TOP: 74, HEAT_W: 280, HEAT_H: 240, GAP: 60, LEGEND_GAP: 24, LEGEND_W: 12, CHART_GAP: 86, CHART_H: 200, MIN_CHART_W: 420, RIGHT: 110, MIN_WIDTH: 640 } as const;
/** A feature counts as reconstructed when its benefit exceeds this. */
export const BENEFIT_THRESHOLD = 0.5;

/** Width of the chart's plot area for `groups` model groups: the heatmaps' span, at least MIN_CHART_W. */
export function chartWidth(groups: number): number {
  return Math.max(BENEFIT.MIN_CHART_W, groups * BENEFIT.HEAT_W + (groups - 1) * BENEFIT.GAP);
}

/** The y of the chart's plot area's top edge. */
export function chartTop(): number {
  return BENEFIT.TOP + BENEFIT.HEAT_H + BENEFIT.CHART_GAP;
}

/** Line colour of model group g of `count` (viridis, dark to mid; never the pale end). */
export function groupColor(g: number, count: number): string {
  return featureColor(g, count + 1);
}

/** A log axis' tick label: 1, 2 and 5 times a power of ten, plainly written ("0.001", not "1m"); others blank. */
export function logTick(v: number): string {
  const lead = Math.round(v / 10 ** Math.floor(Math.log10(v) + 1e-9));
  return lead === 1 || lead === 2 || lead === 5 ? String(+v.toPrecision(3)) : '';
}

/** Why the benefit figure cannot be drawn from `input`, or null when it can. */
export function benefitFits(input: FigureInput): string | null {
  const { x, y } = input.spec;
  if (x?.param !== 'featureProbability') return `needs a sweep over featureProbability (p = 1 − S) on x; these results sweep ${x ? x.param : 'nothing'} on x`;
  if (y && y.param !== 'model') return `needs a 1-D sweep over featureProbability (y may list models); these results also sweep ${y.param} on y`;
  return null;
}

/** Point positions of a group ordered by S = 1 − p, ascending (densest first). */
function bySparsity(g: FigureGroup): number[] {
  return g.set.points.map((_, pos) => pos).sort((a, b) => g.set.points[b]!.xValue - g.set.points[a]!.xValue);
}

/** Features of the kept seed at `pos` whose benefit exceeds the threshold. */
export function reconstructedCount(g: FigureGroup, pos: number): number {
  return perFeature(g, 'benefit', shownInstance(g, pos)).reduce((k, v) => k + (v > BENEFIT_THRESHOLD ? 1 : 0), 0);
}

/** The benefit figure. @throws FigureError when {@link benefitFits} says no. */
export function drawBenefit(input: FigureInput): Scene {
  const why = benefitFits(input);
  if (why) throw new FigureError(why);
  const { spec, groups } = input;
  const B = BENEFIT;
  const n = spec.nFeatures;
  const m = spec.nHidden;
  const G = groups.length;
  const chartW = chartWidth(G);
  const heatSpan = G * B.HEAT_W + (G - 1) * B.GAP;
  const width = Math.max(B.MIN_WIDTH, B.LEFT + Math.max(chartW, heatSpan + B.LEGEND_GAP + B.LEGEND_W + 40) + B.RIGHT);
  const top = chartTop();
  const height = top + B.CHART_H + 60;
  const marks: Mark[] = [
    ...titleMarks(
      'Reconstruction benefit across sparsity',
      `n = ${n}, m = ${m}, kept seed of ${spec.seeds}: each feature's benefit 1 − MSE_i/Var_i, and how many exceed ${BENEFIT_THRESHOLD}`,
    ),
  ];
  const featureNames = Array.from({ length: n }, (_, i) => `feature ${i}`);
  const featureAxis = scaleLinear().domain([-0.5, n - 0.5]).range([B.TOP, B.TOP + B.HEAT_H]);
  const integer = (v: number) => (Number.isInteger(v) ? String(v) : '');

  groups.forEach((g, gi) => {
    const x0 = B.LEFT + gi * (B.HEAT_W + B.GAP);
    const order = bySparsity(g);
    const cols = order.length;
    const values = new Float32Array(n * cols);
    order.forEach((pos, c) => {
      const benefit = perFeature(g, 'benefit', shownInstance(g, pos));
      for (let i = 0; i < n; i++) values[i * cols + c] = benefit[i]!;
    });
    const colNames = order.map((pos) => `S = ${fmtS(1 - g.set.points[pos]!.xValue)}`);
    marks.push({ kind: 'text', x: x0 + B.HEAT_W / 2, y: B.TOP - 10, text: g.set.model, anchor: 'middle', size: 13, weight: 'bold', fill: INK, tag: 'group-label' });
    marks.push({
      kind: 'matrix', x: x0, y: B.TOP, width: B.HEAT_W, height: B.HEAT_H, rows: n, cols, values, colors: 'sequential', domain: [0, 1],
      name: `${g.set.model} benefit`, rowNames: featureNames, colNames, tag: 'benefit', data: { model: g.set.model },
    });
    marks.push(...axisMarks(featureAxis, 'left', x0 - 2, { ticks: Math.min(n, 6), format: integer, ...(gi === 0 ? { title: 'feature i' } : {}) }));
    const colW = B.HEAT_W / cols;
    // Labels turn vertical when a column is too narrow for "0.999".
    const vertical = colW < 30;
    order.forEach((pos, c) => {
      const cx = x0 + (c + 0.5) * colW;
      const text = fmtS(1 - g.set.points[pos]!.xValue);
      marks.push(
        vertical
          ? { kind: 'text', x: cx, y: B.TOP + B.HEAT_H + 4, text, anchor: 'end', baseline: 'middle', rotate: -90, size: 9, fill: INK, tag: 'column-label', data: { model: g.set.model, point: pos } }
          : { kind: 'text', x: cx, y: B.TOP + B.HEAT_H + 4, text, anchor: 'middle', baseline: 'hanging', size: 10, fill: INK, tag: 'column-label', data: { model: g.set.model, point: pos } },
      );
    });
    marks.push({ kind: 'text', x: x0 + B.HEAT_W / 2, y: B.TOP + B.HEAT_H + (vertical ? 42 : 24), text: 'S = 1 − p (sparser →)', anchor: 'middle', baseline: 'hanging', fill: MUTED, tag: 'axis-title' });
  });

  // Colour legend: benefit 1 at the top, 0 at the bottom.
  const lx = B.LEFT + heatSpan + B.LEGEND_GAP;
  const levels = 50;
  marks.push({
    kind: 'matrix', x: lx, y: B.TOP, width: B.LEGEND_W, height: B.HEAT_H, rows: levels, cols: 1,
    values: Float32Array.from({ length: levels }, (_, k) => 1 - k / (levels - 1)), colors: 'sequential', domain: [0, 1],
    name: 'benefit scale', rowNames: [], colNames: [], tag: 'legend',
  });
  for (const v of [0, 0.5, 1]) {
    marks.push({ kind: 'text', x: lx + B.LEGEND_W + 4, y: B.TOP + (1 - v) * B.HEAT_H, text: String(v), baseline: 'middle', size: 10, fill: INK, tag: 'legend-label' });
  }
  marks.push({ kind: 'text', x: lx + B.LEGEND_W + 30, y: B.TOP + B.HEAT_H / 2, text: 'benefit 1 − MSE_i/Var_i', anchor: 'middle', rotate: 90, fill: MUTED, tag: 'legend-title' });

  // Count chart.
  const xAxis = spec.x as NumericAxis;
  const ps = groups.flatMap((g) => g.set.points.map((p) => p.xValue));
  const [lo, hi] = [Math.min(...ps), Math.max(...ps)];
  const xScale: NumericScale =
    xAxis.scale === 'log'
      ? scaleLog().domain([hi * 1.25, lo / 1.25]).range([B.LEFT, B.LEFT + chartW])
      : scaleLinear().domain([hi + 0.05 * (hi - lo || 1), lo - 0.05 * (hi - lo || 1)]).range([B.LEFT, B.LEFT + chartW]);
  const yScale = scaleLinear().domain([0, n]).range([top + B.CHART_H, top]);
  marks.push(...axisMarks(yScale, 'left', B.LEFT, { ticks: 5, grid: chartW, format: integer, title: `features with benefit > ${BENEFIT_THRESHOLD}` }));
  marks.push(...axisMarks(xScale, 'bottom', top + B.CHART_H, { ticks: 6, ...(xAxis.scale === 'log' ? { format: logTick } : {}), title: `${xAxis.label ?? 'p = 1 − S'} (sparser →)` }));
  marks.push({ kind: 'line', x1: B.LEFT, y1: yScale(m), x2: B.LEFT + chartW, y2: yScale(m), stroke: MUTED, dash: '4 3', tag: 'hidden-line', data: { m } });
  marks.push({ kind: 'text', x: B.LEFT + chartW - 4, y: yScale(m) - 4, text: `m = ${m}`, anchor: 'end', size: 10, fill: MUTED, tag: 'hidden-label' });
  groups.forEach((g, gi) => {
    const color = groupColor(gi, G);
    const pts = bySparsity(g).map((pos) => ({ pos, p: g.set.points[pos]!.xValue, count: reconstructedCount(g, pos) }));
    const d = line<(typeof pts)[number]>().x((q) => xScale(q.p)).y((q) => yScale(q.count))(pts);
    if (d) marks.push({ kind: 'path', d, stroke: color, strokeWidth: 2, tag: 'count-line', data: { model: g.set.model } });
    for (const q of pts) {
      marks.push({
        kind: 'circle', cx: xScale(q.p), cy: yScale(q.count), r: 3.5, fill: color, stroke: '#ffffff', tag: 'count-point',
        hover: `${g.set.model}, S = ${fmtS(1 - q.p)}: ${q.count} of ${n} features with benefit > ${BENEFIT_THRESHOLD}`,
        data: { model: g.set.model, point: q.pos, count: q.count, S: fmtS(1 - q.p) },
      });
    }
    const ly = top + 8 + gi * 18;
    const lx2 = B.LEFT + chartW + 14;
    marks.push({ kind: 'line', x1: lx2, y1: ly, x2: lx2 + 18, y2: ly, stroke: color, strokeWidth: 2, tag: 'chart-legend' });
    marks.push({ kind: 'text', x: lx2 + 24, y: ly, text: g.set.model, baseline: 'middle', fill: INK, tag: 'chart-legend', data: { model: g.set.model } });
  });
  return { figure: 'benefit', width, height, title: 'Reconstruction benefit across sparsity', marks };
}

export const definition: FigureDefinition = {
  name: 'benefit',
  title: 'Reconstruction benefit across sparsity',
  notice: 'The linear model reconstructs only its m most important features at every sparsity; the ReLU model reconstructs more and more of the less important ones as S grows.',
  fits: benefitFits,
  draw: drawBenefit,
};
