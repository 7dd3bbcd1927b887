/**
 * Learning dynamics (paper, "Learning dynamics"): from a recorded training history, for the kept
 * seed of each point, the loss against step (log y) above every feature's dimensionality D_i
 * against step (one line per feature, sharing the step axis), so the reader sees D_i move in jumps
 * where the loss drops. When the history holds W and m = 2, the feature arrows at the last record
 * stand left of the charts, and the scene carries `frames`: one complete scene per recorded step
 * (at most MAX_FRAMES, evenly subsampled, first and last kept) with the arrows at that step and a
 * vertical marker at that step on both charts (the CLI writes an animated GIF; the page a scrubber).
 *
 * Layout (CSS px): row r (one per shown point, at most MAX_ROWS: the first points, the subtitle
 * says when some are left out) starts at y0 = TOP + r·ROW_H. With arrows, the PANEL × PANEL
 * square is at (LEFT, y0) (see feature-arrows; one extent per row over every record) and the
 * charts start at x0 = LEFT + PANEL + PANEL_GAP, else at x0 = LEFT + 40. Loss chart: x0 … x0 +
 * CHART_W, y0 … y0 + LOSS_H (log scale over the recorded losses); D_i chart: y0 + LOSS_H +
 * CHART_GAP … + DIM_H, D from 0 to 1.05, dotted references at 1, 2/3, 1/2 and 2/5; step axis
 * (linear, first to last recorded step) under the D_i chart; legend right of the charts.
 */
import { scaleLinear, scaleLog } from 'd3-scale';
import { line } from 'd3-shape';
import { axisMarks, titleMarks } from './axes.js';
import { featureColor, formatValue, INK, MUTED } from './colors.js';
import { arrowExtent, arrowPanel } from './feature-arrows.js';
import { FigureError, pointLabel, shownInstance, type FigureDefinition, type FigureGroup, type FigureInput } from './input.js';
import type { Mark, Scene } from './scene.js';

export const DYNAMICS = { LEFT: 50, TOP: 84, PANEL: 220, PANEL_GAP: 90, CHART_W: 480, LOSS_H: 140, CHART_GAP: 16, DIM_H: 170, ROW_H: 400, LEGEND_W: 110, MAX_ROWS: 4, MAX_FRAMES: 60 } as const;

/** D_i of the regular structures a 2-D model forms: dedicated 1, triangle 2/3, digon 1/2, pentagon 2/5. */
const REFERENCES: readonly [number, string][] = [[1, '1'], [2 / 3, '2/3'], [1 / 2, '1/2'], [2 / 5, '2/5']];

/**
 * The record indices a {@link Scene}'s frames show for R records: all when R ≤ max, else max
 * indices evenly spread from 0 to R − 1 (both kept).
 */
export function frameRecords(R: number, max: number = DYNAMICS.MAX_FRAMES): number[] {
  if (R <= max) return Array.from({ length: R }, (_, r) => r);
  return Array.from({ length: max }, (_, k) => Math.round((k * (R - 1)) / (max - 1)));
}

/** One instance's recorded series; per-feature arrays are [R · n], W is [R · m · n]; absent when not recorded. */
interface Series {
  steps: number[];
  loss?: Float64Array;
  dims?: Float64Array;
  W?: Float32Array;
}

function hasHistory(g: FigureGroup): boolean {
  const h = g.results.history;
  return !!h && h.steps.length >= 2 && !!(h.loss || h.dimensionality);
}

/** The instance of point `pos` whose history is recorded: the shown one, else the first seed with one; −1 when none. */
function historyInstance(g: FigureGroup, pos: number): number {
  const h = g.results.history!;
  const R = h.steps.length;
  const recorded = (inst: number) => {
    const a = h.loss ?? h.dimensionality!;
    const per = h.loss ? 1 : g.results.nFeatures;
    return a.subarray(inst * R * per, (inst + 1) * R * per).some(Number.isFinite);
  };
  const shown = shownInstance(g, pos);
  if (recorded(shown)) return shown;
  for (let s = 0; s < g.set.seeds; s++) if (recorded(pos * g.set.seeds + s)) return pos * g.set.seeds + s;
  return -1;
}

function seriesOf(g: FigureGroup, inst: number): Series {
  const h = g.results.history!;
  const R = h.steps.length;
  const n = g.results.nFeatures;
  const m = g.results.nHidden;
  return {
    steps: h.steps,
    ...(h.loss ? { loss: Float64Array.from(h.loss.subarray(inst * R, (inst + 1) * R)) } : {}),
    ...(h.dimensionality ? { dims: Float64Array.from(h.dimensionality.subarray(inst * R * n, (inst + 1) * R * n)) } : {}),
    ...(h.W && m === 2 ? { W: h.W.subarray(inst * R * m * n, (inst + 1) * R * m * n) } : {}),
  };
}

function dynamicsFits(input: FigureInput): string | null {
  if (!input.groups.some(hasHistory)) return 'needs a recorded training history (spec `record` with loss or dimensionality, as in the dynamics preset); these results have none';
  return null;
}

function dynamics(input: FigureInput): Scene {
  const why = dynamicsFits(input);
  if (why) throw new FigureError(why);
  const { spec, groups } = input;
  const n = spec.nFeatures;
  const D = DYNAMICS;
  const all = groups.filter(hasHistory).flatMap((g) => g.set.points.map((_, pos) => ({ g, pos })));
  const rows = all.slice(0, D.MAX_ROWS);
  const arrows = spec.nHidden === 2 && groups.some((g) => g.results.history?.W);
  const x0 = D.LEFT + (arrows ? D.PANEL + D.PANEL_GAP : 40);
  const width = x0 + D.CHART_W + D.LEGEND_W;
  const height = D.TOP + rows.length * D.ROW_H;
  const R = rows[0]!.g.results.history!.steps.length;
  const left = all.length > rows.length ? `; showing the first ${rows.length} of ${all.length} points` : '';
  const base: Mark[] = [...titleMarks('Learning dynamics', `n = ${n}, m = ${spec.nHidden}; recorded every ${spec.record?.every ?? '?'} steps (${R} records), kept seed of each point${left}`)];
  // Unrecorded records (NaN) leave gaps in the lines.
  const path = line().defined((p) => Number.isFinite(p[1]));
  const framed: { row: number; y0: number; label: string; series: Series; extent: number; sx: (v: number) => number; data: Record<string, string | number> }[] = [];
  rows.forEach(({ g, pos }, row) => {
    const y0 = D.TOP + row * D.ROW_H;
    const inst = historyInstance(g, pos);
    const label = `${groups.length > 1 ? `${g.set.model}, ` : ''}${pointLabel(spec, g.set, pos)}, seed ${inst - pos * g.set.seeds}${inst === pos * g.set.seeds + g.kept[pos]! ? ' (kept)' : ''}`;
    const data = { model: g.set.model, point: pos, instance: inst };
    base.push({ kind: 'text', x: x0, y: y0 - 10, text: label, size: 12, weight: 'bold', fill: INK, tag: 'row-label', data });
    if (inst < 0) {
      base.push({ kind: 'text', x: x0, y: y0 + 20, text: 'no history recorded for this point', fill: MUTED, tag: 'missing' });
      return;
    }
    const s = seriesOf(g, inst);
    const steps = s.steps;
    const sx = scaleLinear().domain([steps[0]!, steps[steps.length - 1]!]).range([x0, x0 + D.CHART_W]);
    const rec = Array.from({ length: steps.length }, (_, r) => r);
    // Loss (log y).
    const lossTop = y0;
    const lossBottom = y0 + D.LOSS_H;
    if (s.loss) {
      const loss = s.loss;
      const finite = Array.from(loss).filter((v) => v > 0 && Number.isFinite(v));
      const sy = scaleLog().domain([Math.min(...finite) / 1.1, Math.max(...finite) * 1.1]).range([lossBottom, lossTop]);
      const last = rec.filter((r) => loss[r]! > 0).at(-1) ?? 0;
      base.push(
        ...axisMarks(sy, 'left', x0, { title: 'loss (log)', ticks: 4, grid: D.CHART_W, format: sy.tickFormat(4, '~g') }),
        ...axisMarks(sx, 'bottom', lossBottom, { format: () => '' }),
        {
          kind: 'path', d: path(rec.map((r) => [sx(steps[r]!), loss[r]! > 0 ? sy(loss[r]!) : NaN])) ?? '', stroke: INK, strokeWidth: 1.5, tag: 'loss-line',
          hover: `${label} · loss ${formatValue(loss[0]!)} at step ${steps[0]} → ${formatValue(loss[last]!)} at step ${steps[last]}`,
          data: { ...data, final: formatValue(loss[last]!) },
        },
      );
    } else base.push({ kind: 'text', x: x0 + 10, y: lossTop + 20, text: 'loss not recorded', fill: MUTED, tag: 'missing' });
    // D_i (linear y).
    const dimTop = lossBottom + D.CHART_GAP;
    const dimBottom = dimTop + D.DIM_H;
    const sd = scaleLinear().domain([0, 1.05]).range([dimBottom, dimTop]);
    base.push(...axisMarks(sd, 'left', x0, { title: 'D_i', ticks: 5 }), ...axisMarks(sx, 'bottom', dimBottom, { title: 'training step' }));
    for (const [v, text] of REFERENCES) {
      base.push(
        { kind: 'line', x1: x0, y1: sd(v), x2: x0 + D.CHART_W, y2: sd(v), stroke: '#d0d0d0', dash: '2 3', tag: 'reference', data: { value: text } },
        { kind: 'text', x: x0 + D.CHART_W + 4, y: sd(v), text, size: 9, baseline: 'middle', fill: MUTED, tag: 'reference-label' },
      );
    }
    if (s.dims) {
      const dims = s.dims;
      for (let i = 0; i < n; i++) {
        const at = (r: number) => dims[r * n + i]!;
        const last = rec.filter((r) => Number.isFinite(at(r))).at(-1) ?? 0;
        base.push({
          kind: 'path', d: path(rec.map((r) => [sx(steps[r]!), Number.isFinite(at(r)) ? sd(at(r)) : NaN])) ?? '', stroke: featureColor(i, n), strokeWidth: 1.5, tag: 'dimensionality-line',
          hover: `${label} · feature ${i}: D_i ${formatValue(at(0))} at step ${steps[0]} → ${formatValue(at(last))} at step ${steps[last]}`,
          data: { ...data, feature: i, final: formatValue(at(last)) },
        });
      }
    } else base.push({ kind: 'text', x: x0 + 10, y: dimTop + 20, text: 'D_i not recorded', fill: MUTED, tag: 'missing' });
    for (let i = 0; i < n && i < 24; i++) {
      base.push({ kind: 'text', x: x0 + D.CHART_W + 34, y: dimTop + 6 + i * 13, text: `feature ${i}`, size: 10, fill: featureColor(i, n), weight: 'bold', tag: 'legend', data: { feature: i } });
    }
    if (s.W) {
      const Wr = (r: number) => s.W!.subarray(r * 2 * n, (r + 1) * 2 * n);
      const extent = arrowExtent(rec.map(Wr), n);
      framed.push({ row, y0, label, series: s, extent, sx, data });
    }
  });

  /** The arrows of every row at record r (the last when r is undefined), and with a marker at r's step when marked. */
  const atRecord = (r: number | undefined, marked: boolean): Mark[] => {
    const marks: Mark[] = [];
    for (const f of framed) {
      const rr = Math.min(r ?? Infinity, f.series.steps.length - 1);
      const step = f.series.steps[rr]!;
      const W = f.series.W!.subarray(rr * 2 * n, (rr + 1) * 2 * n);
      marks.push({ kind: 'text', x: D.LEFT + D.PANEL / 2, y: f.y0 - 10, text: `W at step ${step}`, size: 11, anchor: 'middle', fill: INK, tag: 'arrow-step', data: { ...f.data, step } });
      if (W.every(Number.isFinite)) marks.push(...arrowPanel(W, n, { x: D.LEFT, y: f.y0 }, D.PANEL, { extent: f.extent, label: `${f.label}, step ${step}`, data: { ...f.data, step } }));
      if (marked) {
        const x = f.sx(step);
        marks.push(
          { kind: 'line', x1: x, y1: f.y0, x2: x, y2: f.y0 + D.LOSS_H + D.CHART_GAP + D.DIM_H, stroke: INK, dash: '3 3', tag: 'step-marker', data: { ...f.data, step } },
          { kind: 'text', x: x > x0 + D.CHART_W - 60 ? x - 4 : x + 4, y: f.y0 + 10, text: `step ${step}`, size: 10, anchor: x > x0 + D.CHART_W - 60 ? 'end' : 'start', fill: INK, tag: 'step-label' },
        );
      }
    }
    return marks;
  };
  const scene: Scene = { figure: 'dynamics', width, height, title: 'Learning dynamics', marks: [...base, ...atRecord(undefined, false)] };
  if (framed.length && R >= 2) {
    scene.frames = frameRecords(R).map((r) => ({ figure: 'dynamics', width, height, title: 'Learning dynamics', marks: [...base, ...atRecord(r, true)] }));
  }
  return scene;
}

export const definition: FigureDefinition = {
  name: 'dynamics',
  title: 'Learning dynamics',
  notice: 'Each feature’s dimensionality D_i moves in discrete jumps (towards 1/2, 2/5 …) at the same steps where the loss drops, as the features rotate into their final polygon.',
  fits: dynamicsFits,
  draw: dynamics,
};
