/**
 * Phase diagram (paper, "Superposition as a phase change"): the chosen metric of each grid point's
 * kept seed as a heatmap over the sweep's two axes (default: the regime of the last feature), with
 * the exact theory's phase boundaries drawn over it for the n = 2, m = 1 and n = 3, m = 2 sweeps.
 * For a 1-D sweep the rows are (model, feature) pairs, as in phase-diagram.png. The grid and its
 * axes come from src/render/figure-data.ts `assembleFigure`, the same as the CLI's phase-diagram.png.
 *
 * Layout (CSS px): the heatmap fills PLOT = {x: 90, y: 64, width: width − 280, height: height − 136};
 * cell (xIndex, yIndex) spans PLOT.width/xCount horizontally, yIndex 0 at the BOTTOM; the legend or
 * colour bar starts at x = PLOT.x + PLOT.width + 32.
 */
import { scaleLinear, scaleLog } from 'd3-scale';
import { assembleFigure, defaultMetric, keptMetricOf, type MetricChoice } from '../render/figure-data.js';
import { finiteRange } from '../render/heatmap.js';
import { toHex } from '../render/colormap.js';
import { axisEdges } from '../render/ticks.js';
import { boundaryPath, theoryBoundaries, theoryVariant } from '../render/theory-overlay.js';
import type { FigureAxis, PhaseDiagramFigure } from '../render/figure.js';
import { axisMarks, titleMarks, type NumericScale } from './axes.js';
import { INK } from './colors.js';
import type { FigureDefinition, FigureInput } from './input.js';
import type { Mark, Scene } from './scene.js';

/** Figure size and plot rectangle (CSS px). */
export const PHASE = { WIDTH: 720, HEIGHT: 560, LEFT: 90, TOP: 64, RIGHT: 190, BOTTOM: 72 } as const;

/** The phase diagram's plot rectangle for a figure of the default size. */
export function phasePlot(): { x: number; y: number; width: number; height: number } {
  return { x: PHASE.LEFT, y: PHASE.TOP, width: PHASE.WIDTH - PHASE.LEFT - PHASE.RIGHT, height: PHASE.HEIGHT - PHASE.TOP - PHASE.BOTTOM };
}

function scaleFor(axis: FigureAxis, count: number, range: [number, number]): NumericScale | null {
  if (axis.scale === 'category' || !axis.values) return null;
  const domain = axisEdges(axis.values, axis.scale);
  return axis.scale === 'log' ? scaleLog().domain(domain).range(range) : scaleLinear().domain(domain).range(range);
}

function categoryMarks(axis: FigureAxis, count: number, orient: 'bottom' | 'left', plot: ReturnType<typeof phasePlot>): Mark[] {
  const labels = axis.labels ?? [];
  const stride = Math.max(1, Math.ceil(count / 12));
  const marks: Mark[] = [];
  for (let k = 0; k < count; k += stride) {
    if (orient === 'bottom') marks.push({ kind: 'text', x: plot.x + ((k + 0.5) * plot.width) / count, y: plot.y + plot.height + 8, text: labels[k] ?? '', anchor: 'middle', baseline: 'hanging', size: 10, fill: INK, tag: 'tick-label' });
    else marks.push({ kind: 'text', x: plot.x - 8, y: plot.y + plot.height - ((k + 0.5) * plot.height) / count, text: labels[k] ?? '', anchor: 'end', baseline: 'middle', size: 10, fill: INK, tag: 'tick-label' });
  }
  marks.push(orient === 'bottom' ? { kind: 'text', x: plot.x + plot.width / 2, y: plot.y + plot.height + 34, text: axis.title, anchor: 'middle', baseline: 'hanging', fill: '#777777', tag: 'axis-title' } : { kind: 'text', x: 24, y: plot.y + plot.height / 2, text: axis.title, anchor: 'middle', rotate: -90, fill: '#777777', tag: 'axis-title' });
  return marks;
}

/** A {@link PhaseDiagramFigure} (grid, axes, colouring) as a scene, with the theory's boundaries when `theory` applies. */
export function phaseScene(fig: PhaseDiagramFigure, theory: ReturnType<typeof theoryVariant>, pOnX: boolean): Scene {
  const plot = phasePlot();
  const { xCount, yCount } = fig;
  const marks: Mark[] = [...titleMarks(fig.title, fig.subtitle)];
  // The figure's grid has yIndex 0 at the bottom; a matrix mark's row 0 is its top.
  const values = new Float32Array(xCount * yCount);
  for (let y = 0; y < yCount; y++) values.set(fig.values.subarray(y * xCount, (y + 1) * xCount), (yCount - 1 - y) * xCount);
  const xNames = Array.from({ length: xCount }, (_, k) => `${fig.x.title} ${fig.x.labels?.[k] ?? +(fig.x.values?.[k] ?? k).toPrecision(3)}`);
  const yNames = Array.from({ length: yCount }, (_, k) => `${fig.y.title} ${fig.y.labels?.[yCount - 1 - k] ?? +(fig.y.values?.[yCount - 1 - k] ?? k).toPrecision(3)}`);
  const c = fig.coloring;
  const base = { kind: 'matrix' as const, ...plot, rows: yCount, cols: xCount, values, name: fig.title, rowNames: yNames, colNames: xNames, tag: 'phase-cells' };
  if (c.kind === 'categorical') marks.push({ ...base, colors: 'categorical', domain: [0, c.colors.length - 1], palette: c.colors.map(toHex), classNames: c.labels });
  else marks.push({ ...base, colors: 'sequential', domain: c.domain ?? finiteRange(fig.values) });
  marks.push({ kind: 'rect', x: plot.x - 0.5, y: plot.y - 0.5, width: plot.width + 1, height: plot.height + 1, fill: 'none', stroke: INK, tag: 'frame' });
  const xs = scaleFor(fig.x, xCount, [plot.x, plot.x + plot.width]);
  const ys = scaleFor(fig.y, yCount, [plot.y + plot.height, plot.y]);
  marks.push(...(xs ? axisMarks(xs, 'bottom', plot.y + plot.height, { title: fig.x.title, ticks: 6 }) : categoryMarks(fig.x, xCount, 'bottom', plot)));
  marks.push(...(ys ? axisMarks(ys, 'left', plot.x, { title: fig.y.title, ticks: 6 }) : categoryMarks(fig.y, yCount, 'left', plot)));
  const legendX = plot.x + plot.width + 32;
  if (c.kind === 'categorical') {
    c.labels.forEach((label, k) => {
      marks.push({ kind: 'rect', x: legendX, y: plot.y + 4 + k * 24, width: 16, height: 16, fill: toHex(c.colors[k] ?? [0, 0, 0]), stroke: INK, tag: 'legend-swatch', data: { regime: label } });
      marks.push({ kind: 'text', x: legendX + 24, y: plot.y + 12 + k * 24, text: label, baseline: 'middle', size: 12, fill: INK, tag: 'legend-label' });
    });
  } else {
    const [lo, hi] = c.domain ?? finiteRange(fig.values);
    const steps = 64;
    marks.push({ kind: 'matrix', x: legendX, y: plot.y, width: 16, height: plot.height, rows: steps, cols: 1, values: Float32Array.from({ length: steps }, (_, k) => hi - ((k + 0.5) / steps) * (hi - lo)), colors: 'sequential', domain: [lo, hi], name: c.label, rowNames: [], colNames: [], tag: 'color-bar' });
    marks.push(...axisMarks(scaleLinear().domain([lo, hi]).range([plot.y + plot.height, plot.y]), 'left', legendX + 16 + 44, { ticks: 5 }).filter((m) => m.tag !== 'axis'));
    marks.push({ kind: 'text', x: legendX + 100, y: plot.y + plot.height / 2, text: c.label, anchor: 'middle', rotate: -90, size: 11, fill: INK, tag: 'axis-title' });
  }
  if (theory && xs && ys) {
    const pScale = pOnX ? xs : ys;
    const rScale = pOnX ? ys : xs;
    const pr = (s: NumericScale) => s.domain() as [number, number];
    const curves = theoryBoundaries(pr(pScale), pr(rScale).sort((a, b) => a - b) as [number, number], 200, theory);
    const d = boundaryPath(curves, (p, r) => (pOnX ? [xs(p), ys(r)] : [xs(r), ys(p)]));
    if (d) {
      marks.push({ kind: 'path', d, stroke: '#ffffff', strokeWidth: 4, opacity: 0.8, tag: 'theory-halo' });
      marks.push({ kind: 'path', d, stroke: INK, strokeWidth: 1.6, dash: '6 4', tag: 'theory', hover: `exact theory (n = ${theory === '2-1' ? '2, m = 1' : '3, m = 2'}): phase boundaries` });
      marks.push({ kind: 'line', x1: legendX, y1: plot.y + 96, x2: legendX + 16, y2: plot.y + 96, stroke: INK, strokeWidth: 1.6, dash: '6 4', tag: 'legend-theory' });
      marks.push({ kind: 'text', x: legendX + 24, y: plot.y + 96, text: 'exact theory', baseline: 'middle', size: 12, fill: INK, tag: 'legend-label' });
    }
  }
  return { figure: 'phase-diagram', width: PHASE.WIDTH, height: PHASE.HEIGHT, title: fig.title, marks };
}

/** The phase diagram of `input` for `metric` (default: regime of the last feature, or norms for a 1-D sweep). */
export function phaseDiagram(input: FigureInput, metric: MetricChoice = defaultMetric(input.spec)): Scene {
  const { spec, groups } = input;
  const views = groups.map((g) => ({ set: g.set, value: (pos: number, feature: number) => keptMetricOf(spec, g.set, g.results, g.kept, pos, metric.name, feature) }));
  const fig = assembleFigure(spec, views, metric, { width: PHASE.WIDTH, height: PHASE.HEIGHT });
  return phaseScene(fig, metric.name === 'regime' ? theoryVariant(spec) : null, spec.x?.param === 'featureProbability');
}

export const definition: FigureDefinition = {
  name: 'phase-diagram',
  title: 'Phase diagram',
  notice: 'Each cell is the kept model at one (density, importance) point: superposition fills a wedge around equal importance that widens as features get sparser, as the exact theory (dashed) predicts.',
  fits: () => null,
  draw: (input) => phaseDiagram(input),
};
