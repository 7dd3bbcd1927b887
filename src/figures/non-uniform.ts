/**
 * Non-uniform superposition (paper, "Geometry: non-uniform superposition"): m = 2 models whose x
 * axis sweeps the density p of some features only (the axis' `features` selector; the others keep
 * the spec's p). A strip of feature-arrow panels, one per x value, with the swept features' arrows
 * highlighted, above the kept seed's loss against that density (the axis' own scale), so the
 * reader sees the polygon deform, snap to another arrangement, and the kink in the loss there.
 * Where the number of represented features k changes between neighbouring points, a dashed line
 * on the chart marks the snap. Shows the kept seed of each point; untied models show W1.
 *
 * Layout (CSS px): the panel of point xIndex c in group (row) g is a PANEL × PANEL square at
 * (LEFT + c·COL_W, TOP + g·ROW_H) (see feature-arrows for the inside of a panel; one extent for
 * all panels), its one-line summary under it. The loss chart spans x from the first panel's centre
 * to the last one's (so evenly spaced axis values sit under their panels), y from CHART_TOP to
 * CHART_TOP + CHART_H with CHART_TOP = TOP + groups·ROW_H + CHART_GAP; loss on a linear scale from 0.
 */
import { scaleLinear, scaleLog } from 'd3-scale';
import { line } from 'd3-shape';
import { axisMarks, titleMarks } from './axes.js';
import { formatValue, INK, MUTED } from './colors.js';
import { arrowExtent, arrowPanel, axisValueLabel, gapSummary } from './feature-arrows.js';
import { encoderOf, FigureError, shownInstance, type FigureDefinition, type FigureInput } from './input.js';
import type { Mark, Scene } from './scene.js';

export const NONUNIFORM = { LEFT: 80, TOP: 84, PANEL: 116, COL_W: 126, ROW_H: 150, CHART_GAP: 40, CHART_H: 210, MAX_POINTS: 24 } as const;

function nonUniformFits(input: FigureInput): string | null {
  const { spec } = input;
  if (spec.nHidden !== 2) return `needs m = 2 hidden dimensions; these results have m = ${spec.nHidden}`;
  const x = spec.x;
  if (!x || x.param === 'model' || !x.features) return 'needs an x axis that sweeps some features only (a `features` selector, as in the non-uniform preset)';
  if (spec.y && spec.y.param !== 'model') return 'needs a 1-D sweep (no numeric y axis)';
  const count = input.groups[0]!.set.points.length;
  if (count > NONUNIFORM.MAX_POINTS) return `draws one panel per point for at most ${NONUNIFORM.MAX_POINTS} points; these results have ${count}`;
  return null;
}

function nonUniform(input: FigureInput): Scene {
  const why = nonUniformFits(input);
  if (why) throw new FigureError(why);
  const { spec, groups } = input;
  const axis = spec.x as Exclude<NonNullable<typeof spec.x>, { param: 'model' }>;
  const swept = axis.features!;
  const n = spec.nFeatures;
  const N = NONUNIFORM;
  const points = groups[0]!.set.points;
  const cols = points.length;
  const shown = groups.map((g) => g.set.points.map((_, pos) => encoderOf(g, shownInstance(g, pos))));
  const extent = arrowExtent(shown.flat(), n);
  const models = groups.length > 1;
  const centre = (c: number) => N.LEFT + c * N.COL_W + N.PANEL / 2;
  const chartTop = N.TOP + groups.length * N.ROW_H + N.CHART_GAP;
  const chartBottom = chartTop + N.CHART_H;
  const width = Math.max(640, N.LEFT + cols * N.COL_W + 20);
  const height = chartBottom + 60;
  const what = axis.param === 'featureProbability' ? 'p' : 'I';
  const others = axis.param === 'featureProbability' ? (typeof spec.featureProbability === 'number' ? `p = ${spec.featureProbability}` : 'their fixed p') : 'their fixed importance';
  const marks: Mark[] = [
    ...titleMarks('Non-uniform superposition', `n = ${n}, m = 2, kept seed of ${spec.seeds}; ${what} of feature${swept.length > 1 ? 's' : ''} ${swept.join(', ')} swept (highlighted), the others at ${others}`),
  ];
  const label = (v: number) => axisValueLabel(axis, v);
  points.forEach((p) => marks.push({ kind: 'text', x: centre(p.xIndex), y: N.TOP - 10, text: label(p.xValue), size: 10, anchor: 'middle', fill: INK, tag: 'column-label' }));
  groups.forEach((g, gi) => {
    if (models) marks.push({ kind: 'text', x: 30, y: N.TOP + gi * N.ROW_H + N.PANEL / 2, text: g.set.model, size: 12, anchor: 'middle', rotate: -90, fill: INK, tag: 'row-label' });
    g.set.points.forEach((p, pos) => {
      const at = { x: N.LEFT + p.xIndex * N.COL_W, y: N.TOP + gi * N.ROW_H };
      const name = [models ? g.set.model : '', label(p.xValue)].filter(Boolean).join(', ');
      marks.push(...arrowPanel(shown[gi]![pos]!, n, at, N.PANEL, { extent, label: name, highlight: swept, summary: 'short', data: { model: g.set.model, point: pos } }));
    });
  });

  const domain = [points[0]!.xValue, points[cols - 1]!.xValue] as [number, number];
  const range = [centre(0), centre(Math.max(cols - 1, 1))] as [number, number];
  const sx = axis.scale === 'log' ? scaleLog().domain(domain).range(range) : scaleLinear().domain(domain).range(range);
  const losses = groups.flatMap((g) => Array.from(g.results.loss).filter(Number.isFinite));
  const sy = scaleLinear().domain([0, Math.max(...losses, 1e-9) * 1.05]).nice().range([chartBottom, chartTop]);
  marks.push(
    ...axisMarks(sx, 'bottom', chartBottom, { title: `${what} of feature ${swept.join(', ')} (${axis.scale} scale)`, ticks: 6, format: sx.tickFormat(6, '~g') }),
    ...axisMarks(sy, 'left', range[0] - 20, { title: 'loss (kept seed; dots: other seeds)', grid: range[1] - range[0] + 20 }),
  );
  if (axis.param === 'featureProbability' && typeof spec.featureProbability === 'number') {
    const base = spec.featureProbability;
    if (base >= Math.min(...domain) && base <= Math.max(...domain)) {
      marks.push(
        { kind: 'line', x1: sx(base), y1: chartTop, x2: sx(base), y2: chartBottom, stroke: MUTED, dash: '2 3', tag: 'base-density', data: { value: base } },
        { kind: 'text', x: sx(base) + 4, y: chartBottom - 6, text: `uniform: all p = ${base}`, size: 9, fill: MUTED, tag: 'base-density' },
      );
    }
  }
  const path = line();
  groups.forEach((g, gi) => {
    const seeds = g.set.seeds;
    const kept: [number, number][] = [];
    const ks = g.set.points.map((_, pos) => gapSummary(shown[gi]![pos]!, n).k);
    g.set.points.forEach((p, pos) => {
      const x = sx(p.xValue);
      const inst = shownInstance(g, pos);
      const where = `${models ? `${g.set.model}, ` : ''}${label(p.xValue)}`;
      for (let s = 0; s < seeds; s++) {
        const v = g.results.loss[pos * seeds + s]!;
        if (pos * seeds + s === inst || !Number.isFinite(v)) continue;
        marks.push({ kind: 'circle', cx: x, cy: sy(v), r: 2, fill: MUTED, opacity: 0.45, tag: 'seed-loss', hover: `${where} · seed ${s}: loss ${formatValue(v)}`, data: { model: g.set.model, point: pos, seed: s, loss: formatValue(v) } });
      }
      const v = g.results.loss[inst]!;
      if (!Number.isFinite(v)) return;
      kept.push([x, sy(v)]);
      marks.push({ kind: 'circle', cx: x, cy: sy(v), r: 3.5, fill: INK, tag: 'loss-point', hover: `${where} · kept seed ${inst - pos * seeds} of ${seeds}: loss ${formatValue(v)}, k = ${ks[pos]} represented`, data: { model: g.set.model, point: pos, loss: formatValue(v), k: ks[pos]! } });
    });
    marks.push({ kind: 'path', d: path(kept) ?? '', stroke: INK, strokeWidth: 1.5, ...(gi > 0 ? { dash: '5 3' } : {}), tag: 'loss-line', hover: `${g.set.model}: loss of the kept seed`, data: { model: g.set.model } });
    for (let pos = 1; pos < ks.length; pos++) {
      if (ks[pos] === ks[pos - 1]) continue;
      const x = (sx(g.set.points[pos - 1]!.xValue) + sx(g.set.points[pos]!.xValue)) / 2;
      const text = `k ${ks[pos - 1]} → ${ks[pos]}`;
      const hover = `${models ? `${g.set.model}: ` : ''}represented features change from ${ks[pos - 1]} (${label(g.set.points[pos - 1]!.xValue)}) to ${ks[pos]} (${label(g.set.points[pos]!.xValue)})`;
      marks.push(
        { kind: 'line', x1: x, y1: chartTop, x2: x, y2: chartBottom, stroke: INK, dash: '5 4', tag: 'transition', hover, data: { model: g.set.model, from: pos - 1, to: pos, before: ks[pos - 1]!, after: ks[pos]! } },
        { kind: 'text', x: x + 4, y: chartTop + 10 + gi * 12, text, size: 10, fill: INK, tag: 'transition-label', hover },
      );
    }
  });
  return { figure: 'non-uniform', width, height, title: 'Non-uniform superposition', marks };
}

export const definition: FigureDefinition = {
  name: 'non-uniform',
  title: 'Non-uniform superposition',
  notice: 'As one feature gets denser or sparser than the rest, the regular polygon deforms and then snaps to another arrangement (a dropped feature, antipodal pairs), with a kink in the loss at the snap.',
  fits: nonUniformFits,
  draw: nonUniform,
};
