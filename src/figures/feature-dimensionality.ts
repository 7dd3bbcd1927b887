/**
 * Feature dimensionality (paper, "The geometry of superposition"; its n = 200, m = 20 figure): for a
 * 1-D sweep over featureProbability, against 1/(1 − S) = 1/p on a log axis, the kept seed's
 * dimensions per feature m/‖W‖_F² (top panel, a line with points, dashed at 1 and 1/2) and every
 * feature's D_i (bottom panel, semi-transparent dots with a small horizontal jitter) over dashed
 * reference lines at the D of each named polytope (1, 3/4, 2/3, 1/2, 2/5, 3/8). Dots are coloured
 * by the structure {@link detectPolytopes} puts their feature in (grey: a structure without a
 * name, or not represented); under the x axis each point names
 * its two most common structures (by features they hold).
 *
 * Layout (CSS px): both panels span x = LEFT … LEFT + PLOT_W (x(1/p) on a log scale over
 * [min 1/p / X_PAD, max 1/p · X_PAD]); the top panel y = TOP … TOP + TOP_H (m/‖W‖_F² from 0 at
 * the bottom to dimsTop(), see {@link dimsScaleMax}); the bottom panel y = bottomTop() … bottomTop()
 * + BOTTOM_H (D from 0 at the bottom to D_MAX at the top). A dot of feature i sits at
 * x(1/p) + jitter(i), |jitter| ≤ JITTER/2. Per-point labels are rotated −90° and end at labelTop().
 */
import { scaleLinear, scaleLog } from 'd3-scale';
import { line } from 'd3-shape';
import { axisMarks, titleMarks } from './axes.js';
import { logTick } from './benefit.js';
import { featureColor, formatValue, INK, MISSING, MUTED } from './colors.js';
import { detectPolytopes, POLYTOPES, type Polytope } from './geometry.js';
import { encoderOf, fmtS, FigureError, perFeature, shownInstance, type FigureDefinition, type FigureInput } from './input.js';
import type { Mark, Scene } from './scene.js';

/** Font size of the per-point structure labels (px). */
const LABEL_SIZE = 9;

export const FD = { LEFT: 70, TOP: 64, PLOT_W: 600, TOP_H: 130, GAP: 56, BOTTOM_H: 340, LABEL_GAP: 50, LABEL_H: 150, RIGHT: 150, X_PAD: 1.12, D_MAX: 1.05, JITTER: 8, DOT_R: 2.5 } as const;

/** The y of the bottom panel's top edge. */
export function bottomTop(): number {
  return FD.TOP + FD.TOP_H + FD.GAP;
}

/** The y of the per-point structure labels' end: each is rotated −90° and runs down from here (read bottom to top). */
export function labelTop(): number {
  return bottomTop() + FD.BOTTOM_H + FD.LABEL_GAP;
}

/** Horizontal jitter of feature i's dot in px, in [−JITTER/2, JITTER/2) (golden-ratio sequence: deterministic, evenly spread). */
export function jitter(i: number): number {
  return (((i * 0.6180339887) % 1) - 0.5) * FD.JITTER;
}

/** The top of the m/‖W‖_F² axis: 1.1, or the largest finite value · 1.05 when larger, at most 2 (higher values sit at the top). */
export function dimsScaleMax(values: readonly number[]): number {
  const finite = values.filter(Number.isFinite);
  return Math.min(2, Math.max(1.1, ...finite.map((v) => v * 1.05)));
}

/** Colour of a structure named `name` (viridis by its place in POLYTOPES; grey for unnamed ones). */
export function polytopeColor(name: string | undefined): string {
  const k = POLYTOPES.findIndex((p) => p.name === name);
  return k < 0 ? MUTED : featureColor(k, POLYTOPES.length);
}

const PLURAL: Record<string, string> = { dedicated: 'dedicated', tetrahedron: 'tetrahedra', 'square antiprism': 'square antiprisms' };

/**
 * The structures of one model grouped by name, most features first: [name, how many, features
 * covered] (unnamed ones by their "k features in r dimensions" name), and the number of features
 * in no structure (not represented).
 */
export function structureCounts(found: readonly Polytope[], n: number): { byName: [string, number, number][]; dropped: number } {
  const counts = new Map<string, [number, number]>();
  for (const p of found) {
    const [k, f] = counts.get(p.name) ?? [0, 0];
    counts.set(p.name, [k + 1, f + p.size]);
  }
  const byName = [...counts].map(([name, [k, f]]): [string, number, number] => [name, k, f]).sort((a, b) => b[2] - a[2] || a[0].localeCompare(b[0]));
  return { byName, dropped: n - found.reduce((s, p) => s + p.size, 0) };
}

/** "4 digons", "1 tetrahedron", "2 × 6 features in 3 dimensions". */
function countLabel(name: string, k: number): string {
  if (!POLYTOPES.some((p) => p.name === name)) return k === 1 ? name : `${k} × ${name}`;
  return `${k} ${k === 1 ? name : (PLURAL[name] ?? `${name}s`)}`;
}

/** Why the figure cannot be drawn from `input`, or null when it can. */
export function featureDimensionalityFits(input: FigureInput): string | null {
  const { x, y } = input.spec;
  if (x?.param !== 'featureProbability') return `needs a sweep over featureProbability (p = 1 − S) on x; these results sweep ${x ? x.param : 'nothing'} on x`;
  if (y) return `needs a 1-D sweep over featureProbability with one model; these results also sweep ${y.param} on y`;
  return null;
}

/** The feature-dimensionality figure. @throws FigureError when {@link featureDimensionalityFits} says no. */
export function drawFeatureDimensionality(input: FigureInput): Scene {
  const why = featureDimensionalityFits(input);
  if (why) throw new FigureError(why);
  const { spec } = input;
  const g = input.groups[0]!;
  const n = g.results.nFeatures;
  const m = g.results.nHidden;
  const points = g.set.points.map((p, pos) => ({ pos, inv: 1 / p.xValue, S: fmtS(1 - p.xValue), inst: shownInstance(g, pos) })).sort((a, b) => a.inv - b.inv);
  const where = (q: (typeof points)[number]) => `S = ${q.S} (1/(1 − S) = ${+q.inv.toPrecision(3)})`;
  const invs = points.map((q) => q.inv);
  const x = scaleLog()
    .domain([Math.min(...invs) / FD.X_PAD, Math.max(...invs) * FD.X_PAD])
    .range([FD.LEFT, FD.LEFT + FD.PLOT_W]);
  const right = FD.LEFT + FD.PLOT_W;
  const dims = points.map((q) => g.results.dimsPerFeature[q.inst]!);
  const yTop = scaleLinear().domain([0, dimsScaleMax(dims)]).range([FD.TOP + FD.TOP_H, FD.TOP]).clamp(true);
  const b0 = bottomTop();
  const yD = scaleLinear().domain([0, FD.D_MAX]).range([b0 + FD.BOTTOM_H, b0]);
  let longestLabel = 0;
  const marks: Mark[] = [
    ...titleMarks(
      'Feature dimensionality across sparsity',
      `n = ${n}, m = ${m}, ${g.set.model}, kept seed of ${spec.seeds}: dimensions per feature (top) and each feature's D_i (bottom), coloured by its structure`,
    ),
  ];
  const refLabel = (y: number, text: string, fill: string, baseline: 'auto' | 'middle' | 'hanging', tag: string): Mark => ({ kind: 'text', x: right + 6, y, text, baseline, size: 10, fill, tag });

  // Top panel: m/‖W‖_F².
  marks.push(...axisMarks(yTop, 'left', FD.LEFT, { ticks: 4, title: 'm/‖W‖_F²' }));
  marks.push(...axisMarks(x, 'bottom', FD.TOP + FD.TOP_H, { ticks: 10, format: logTick }));
  for (const [v, text] of [[1, '1'], [0.5, '1/2']] as const) {
    marks.push({ kind: 'line', x1: FD.LEFT, y1: yTop(v), x2: right, y2: yTop(v), stroke: MUTED, dash: '4 3', tag: 'dims-reference', data: { value: v } });
    marks.push(refLabel(yTop(v), text, MUTED, 'middle', 'dims-reference-label'));
  }
  const finite = points.map((q, k) => ({ q, v: dims[k]! })).filter((d) => Number.isFinite(d.v));
  const d = line<(typeof finite)[number]>().x((e) => x(e.q.inv)).y((e) => yTop(e.v))(finite);
  if (d) marks.push({ kind: 'path', d, stroke: INK, strokeWidth: 1.5, tag: 'dims-line' });
  for (const { q, v } of finite) {
    marks.push({
      kind: 'circle', cx: x(q.inv), cy: yTop(v), r: 3.5, fill: INK, stroke: '#ffffff', tag: 'dims-per-feature',
      hover: `${where(q)}: m/‖W‖_F² = ${formatValue(v)}`, data: { point: q.pos, model: g.set.model, value: formatValue(v) },
    });
  }

  // Bottom panel: D_i with the polytopes' reference lines.
  marks.push(...axisMarks(yD, 'left', FD.LEFT, { ticks: 5, title: 'feature dimensionality D_i' }));
  marks.push(...axisMarks(x, 'bottom', b0 + FD.BOTTOM_H, { ticks: 10, format: logTick, title: '1/(1 − S) = 1/p' }));
  const refs = [...POLYTOPES].sort((a, b) => b.D - a.D);
  refs.forEach((p, k) => {
    const y = yD(p.D);
    // Two lines closer than a label's height (2/5 and 3/8): the upper label sits above its line, the lower one below.
    const closeBelow = k + 1 < refs.length && yD(refs[k + 1]!.D) - y < 12;
    const closeAbove = k > 0 && y - yD(refs[k - 1]!.D) < 12;
    marks.push({ kind: 'line', x1: FD.LEFT, y1: y, x2: right, y2: y, stroke: MUTED, dash: '4 3', tag: 'd-reference', data: { value: p.fraction, polytope: p.name } });
    marks.push(refLabel(closeBelow ? y - 1 : closeAbove ? y + 1 : y, `${p.fraction} ${p.name}`, polytopeColor(p.name), closeBelow ? 'auto' : closeAbove ? 'hanging' : 'middle', 'd-reference-label'));
  });
  for (const q of points) {
    const W = encoderOf(g, q.inst);
    const found = detectPolytopes(W, n, m);
    const owner = new Map<number, Polytope>();
    for (const p of found) for (const i of p.features) owner.set(i, p);
    const D = perFeature(g, 'dimensionality', q.inst);
    const cx = x(q.inv);
    for (let i = 0; i < n; i++) {
      const v = D[i]!;
      if (!Number.isFinite(v)) continue;
      const p = owner.get(i);
      marks.push({
        kind: 'circle', cx: cx + jitter(i), cy: yD(Math.min(v, FD.D_MAX)), r: FD.DOT_R, fill: p ? polytopeColor(p.name) : MISSING, stroke: p ? undefined : MUTED, opacity: 0.5, tag: 'feature-dimensionality',
        hover: `${where(q)} · feature ${i}: D_i = ${formatValue(v)}, ${p ? (p.size === 1 ? 'dedicated' : `${p.name} with features ${p.features.filter((k) => k !== i).join(', ')}`) : 'not represented'}`,
        data: { point: q.pos, model: g.set.model, feature: i, value: formatValue(v), polytope: p?.name ?? 'none' },
      });
    }
    const c = structureCounts(found, n);
    const label = c.byName.slice(0, 2).map(([name, k]) => countLabel(name, k)).join(', ') || 'none represented';
    longestLabel = Math.max(longestLabel, label.length);
    const all = [...c.byName.map(([name, k]) => countLabel(name, k)), `${c.dropped} not represented`];
    marks.push({
      kind: 'text', x: cx, y: labelTop(), text: label, anchor: 'end', baseline: 'middle', rotate: -90, size: LABEL_SIZE, fill: INK, tag: 'structure-label',
      hover: `${where(q)}: ${all.join(', ')}`,
      data: { point: q.pos, model: g.set.model, ...Object.fromEntries(c.byName.filter(([name]) => POLYTOPES.some((p) => p.name === name)).map(([name, k]) => [name.replace(' ', '-'), k])), dropped: c.dropped },
    });
  }
  for (const [k, text] of ['most common', 'structures'].entries()) {
    marks.push({ kind: 'text', x: 12, y: labelTop() + 4 + 12 * k, text, baseline: 'hanging', size: 9, fill: MUTED, tag: 'structure-title' });
  }
  // Room below the labels for the longest one (0.6 em a character is generous for sans-serif), so
  // "10 digons, 4 × 2 features in 2 dimensions" is not cut off at the bottom edge.
  const labelH = Math.max(FD.LABEL_H, Math.ceil(longestLabel * LABEL_SIZE * 0.6));
  return { figure: 'feature-dimensionality', width: right + FD.RIGHT, height: labelTop() + labelH + 10, title: 'Feature dimensionality across sparsity', marks };
}

export const definition: FigureDefinition = {
  name: 'feature-dimensionality',
  title: 'Feature dimensionality across sparsity',
  notice: 'As features get sparser, dimensions per feature stick at 1 and then 1/2, and each feature\'s D_i clusters at the fractions of a few polytopes: dedicated (1), digons (1/2), pentagons (2/5) and more.',
  fits: featureDimensionalityFits,
  draw: drawFeatureDimensionality,
};
