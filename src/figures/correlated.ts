/**
 * Superposition and correlated features (paper, "Superposition and correlated features"; data kinds
 * `correlated` and `anticorrelated` with feature sets `spec.data.sets`). For every point of a 1-D
 * sweep (columns) and model kind (rows): with m = 2, the columns W_i as arrows from the origin in the
 * hidden plane, coloured by the set their feature belongs to (grey: in no set), labelled with the
 * feature index, a dashed unit circle for reference; for each two-member set an arc between its
 * members labelled with their angle. With m ≠ 2, WᵀW as an n × n RdBu matrix with each feature's
 * set marked by a coloured strip left of its row and above its column. Under each panel one line
 * per set: the angles between its members (acos of Ŵ_a·Ŵ_b, any m) classified as "parallel"
 * (within ANGLE_TOL of 0°), "orthogonal" (of 90°), "antipodal" (of 180°), else the angle; and a
 * one-line summary. Correlated features end up orthogonal, anticorrelated ones antipodal.
 *
 * Layout (CSS px): panel (column c = the point's xIndex, row g = model group) spans
 * [x0, x0 + PANEL] × [y0, y0 + PANEL] with x0 = LEFT + c·PANEL_W, y0 = TOP + g·rowHeight(sets).
 * m = 2: hidden coordinates map linearly, [−R, R] → [x0, x0 + PANEL] (x) and → [y0 + PANEL, y0]
 * (y up), R = {@link arrowExtent}(largest ‖W_i‖ of the figure); feature i's arrow runs from the
 * panel centre to (x(W_0i), y(W_1i)). The summary line sits at y0 + PANEL + 24, set s's line at
 * y0 + PANEL + 24 + (s + 1)·LINE_H.
 */
import { line } from 'd3-shape';
import { scaleLinear } from 'd3-scale';
import { titleMarks } from './axes.js';
import { featureColor, formatValue, INK, MUTED } from './colors.js';
import { encoderOf, FigureError, shownInstance, type FigureDefinition, type FigureGroup, type FigureInput } from './input.js';
import { columnHeader, panelLabel } from './privileged-basis.js';
import type { Mark, Scene } from './scene.js';

export const CR = { LEFT: 50, TOP: 92, PANEL: 220, PANEL_W: 300, LINE_H: 15, GROUP_GAP: 40, LEGEND_H: 40, ANGLE_TOL: 15 } as const;

/** Height of one model group's row of panels for `sets` feature sets. */
export function rowHeight(sets: number): number {
  return CR.PANEL + 24 + (sets + 1) * CR.LINE_H + CR.GROUP_GAP;
}

/** Half-width R of the hidden plane shown: 1.25, or 1.15 × the largest norm when that is more. */
export function arrowExtent(maxNorm: number): number {
  return Math.max(1.25, 1.15 * (Number.isFinite(maxNorm) ? maxNorm : 0));
}

/** The angle in degrees (0 … 180) between columns a and b of W [m, n]; NaN when either is zero. */
export function columnAngle(W: ArrayLike<number>, n: number, m: number, a: number, b: number): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let j = 0; j < m; j++) {
    const u = W[j * n + a]!;
    const v = W[j * n + b]!;
    dot += u * v;
    na += u * u;
    nb += v * v;
  }
  if (na === 0 || nb === 0) return NaN;
  return (Math.acos(Math.min(1, Math.max(-1, dot / Math.sqrt(na * nb)))) * 180) / Math.PI;
}

/** An angle in words: "parallel", "orthogonal", "antipodal" within ANGLE_TOL degrees, else "at 120°". */
export function classifyAngle(deg: number): string {
  if (!Number.isFinite(deg)) return 'undefined';
  if (deg <= CR.ANGLE_TOL) return 'parallel';
  if (Math.abs(deg - 90) <= CR.ANGLE_TOL) return 'orthogonal';
  if (deg >= 180 - CR.ANGLE_TOL) return 'antipodal';
  return `at ${Math.round(deg)}°`;
}

/** The colour of feature set s of k (viridis, stopping short of yellow); features in no set are grey. */
export function setColor(s: number, k: number): string {
  return s < 0 ? '#9a9a9a' : featureColor(s, k + 1);
}

const setName = (set: readonly number[]) => `{${set.join(', ')}}`;

function featureSets(input: FigureInput): number[][] {
  return input.spec.data?.sets ?? input.groups[0]?.set.featureSets ?? [];
}

/** Why the correlated figure cannot be drawn from `input`, or null when it can. */
export function correlatedFits(input: FigureInput): string | null {
  const kind = input.spec.data?.kind ?? 'independent';
  if (kind !== 'correlated' && kind !== 'anticorrelated') return `the correlated figure needs correlated or anticorrelated feature sets (spec.data.kind); these results have ${kind} data`;
  if (featureSets(input).length === 0) return 'the correlated figure needs feature sets (spec.data.sets)';
  if (input.spec.y && input.spec.y.param !== 'model') return 'the correlated figure needs a 1-D sweep (one numeric x axis; y may list models)';
  if (input.spec.nHidden !== 2 && input.spec.nFeatures > 64) return `the correlated figure draws WᵀW for m ≠ 2 when n ≤ 64; these results have n = ${input.spec.nFeatures}, m = ${input.spec.nHidden}`;
  return null;
}

/** Angle lines of one model: per set, its members' pairwise angles, and the panel's summary. */
export function setAngles(W: ArrayLike<number>, n: number, m: number, norms: ArrayLike<number>, sets: readonly (readonly number[])[], normThreshold: number): { lines: string[]; classes: string[]; angles: number[][]; summary: string } {
  const angles: number[][] = [];
  const classes: string[] = [];
  const lines = sets.map((set) => {
    const dropped = set.filter((i) => !(norms[i]! > normThreshold));
    const pairs: number[] = [];
    const names: string[] = [];
    for (let a = 0; a < set.length; a++) {
      for (let b = a + 1; b < set.length; b++) {
        pairs.push(columnAngle(W, n, m, set[a]!, set[b]!));
        names.push(set.length > 2 ? `${set[a]}–${set[b]} ` : '');
      }
    }
    angles.push(pairs);
    if (dropped.length) {
      classes.push('not represented');
      return `set ${setName(set)}: feature${dropped.length > 1 ? 's' : ''} ${dropped.join(', ')} not represented (‖W_i‖ ≤ ${normThreshold})`;
    }
    const cls = [...new Set(pairs.map(classifyAngle))];
    const c = cls.length === 1 ? cls[0]! : 'mixed';
    classes.push(c);
    return `set ${setName(set)}: ${pairs.map((d, k) => `${names[k]}${formatValue(d)}°`).join(', ')}${c.startsWith('at ') || c === 'mixed' ? '' : ` (${c})`}`;
  });
  const distinct = [...new Set(classes)];
  const summary = distinct.length === 1 ? `${sets.length === 1 ? 'the set' : sets.length === 2 ? 'both sets' : `all ${sets.length} sets`}: members ${distinct[0]}` : sets.map((s, k) => `${setName(s)} ${classes[k]}`).join(' · ');
  return { lines, classes, angles, summary };
}

/** The correlated-features figure. @throws FigureError when {@link correlatedFits} says no. */
export function correlated(input: FigureInput): Scene {
  const why = correlatedFits(input);
  if (why) throw new FigureError(why);
  const { spec, groups } = input;
  const n = spec.nFeatures;
  const m = spec.nHidden;
  const sets = featureSets(input);
  const setOf = new Map(sets.flatMap((set, s) => set.map((i) => [i, s] as const)));
  const color = (i: number) => setColor(setOf.get(i) ?? -1, sets.length);
  const kind = spec.data!.kind!;
  const threshold = spec.regime?.normThreshold ?? 0.5;
  const C = CR;
  const rowH = rowHeight(sets.length);
  const cols = Math.max(...groups.map((g) => g.set.points.length));
  const maxNorm = Math.max(0, ...groups.flatMap((g) => Array.from(g.results.featureNorm).filter(Number.isFinite)));
  const R = arrowExtent(maxNorm);

  const width = C.LEFT + cols * C.PANEL_W;
  const height = C.TOP + groups.length * rowH + C.LEGEND_H;
  const view = m === 2 ? 'arrows: columns W_i in the hidden plane (circle: ‖W_i‖ = 1); arcs: angle between a set\'s members' : `WᵀW (m = ${m}), each feature's set marked beside its row and column; angles between a set's members below`;
  const marks: Mark[] = [
    ...titleMarks(`Superposition and ${kind} features`, `n = ${n}, m = ${m}; ${kind} sets ${sets.map(setName).join(' ')}; kept seed of ${spec.seeds}`),
    { kind: 'text', x: 16, y: 54, text: view, size: 11, fill: MUTED, tag: 'subtitle' },
  ];

  groups.forEach((g: FigureGroup, gi) => {
    const y0 = C.TOP + gi * rowH;
    if (groups.length > 1) marks.push({ kind: 'text', x: 14, y: y0 + C.PANEL / 2, text: g.set.model, anchor: 'middle', rotate: -90, size: 13, weight: 'bold', fill: INK, tag: 'row-label' });
    g.set.points.forEach((p, pos) => {
      const x0 = C.LEFT + p.xIndex * C.PANEL_W;
      const inst = shownInstance(g, pos);
      const W = encoderOf(g, inst);
      const norms = g.results.featureNorm.subarray(inst * n, (inst + 1) * n);
      const label = panelLabel(input, g, pos);
      const base = { model: g.set.model, point: pos };
      if (gi === 0) marks.push({ kind: 'text', x: x0 + C.PANEL / 2, y: C.TOP - 16, text: columnHeader(input, g, pos), anchor: 'middle', size: 12, weight: 'bold', fill: INK, tag: 'column-label' });
      if (m === 2) marks.push(...arrowPanel(W, n, norms, sets, color, setOf, R, x0, y0, label, base));
      else marks.push(...gramPanel(W, n, m, sets, color, x0, y0, label, base));
      const { lines, classes, angles, summary } = setAngles(W, n, m, norms, sets, threshold);
      const ty = y0 + C.PANEL + 24;
      marks.push({ kind: 'text', x: x0, y: ty, text: summary, size: 11, weight: 'bold', fill: INK, tag: 'angle-summary', hover: `${label}: ${summary}`, data: { ...base, classes: classes.join(',') } });
      lines.forEach((text, s) => marks.push({
        kind: 'text', x: x0, y: ty + (s + 1) * C.LINE_H, text, size: 10, fill: setColor(s, sets.length), tag: 'set-angle',
        hover: `${label} · ${text}`, data: { ...base, set: s, angle: angles[s]!.map(formatValue).join(','), class: classes[s]! },
      }));
    });
  });
  const ly = height - C.LEGEND_H + 14;
  const entries = [...sets.map((set, s) => ({ text: `set ${setName(set)}`, fill: setColor(s, sets.length) })), ...(setOf.size < n ? [{ text: 'in no set', fill: setColor(-1, sets.length) }] : [])];
  entries.forEach((e, k) => {
    marks.push({ kind: 'rect', x: C.LEFT + k * 110, y: ly, width: 12, height: 12, fill: e.fill, tag: 'legend', hover: e.text, data: { set: k } });
    marks.push({ kind: 'text', x: C.LEFT + k * 110 + 16, y: ly + 6, text: e.text, baseline: 'middle', size: 10, fill: INK, tag: 'legend-label' });
  });
  return { figure: 'correlated', width, height, title: `Superposition and ${kind} features`, marks };
}

/** m = 2: unit circle, axes, one arrow per feature, arcs between two-member sets' members. */
function arrowPanel(W: ArrayLike<number>, n: number, norms: ArrayLike<number>, sets: readonly (readonly number[])[], color: (i: number) => string, setOf: Map<number, number>, R: number, x0: number, y0: number, label: string, base: Record<string, string | number>): Mark[] {
  const x = scaleLinear().domain([-R, R]).range([x0, x0 + CR.PANEL]);
  const y = scaleLinear().domain([-R, R]).range([y0 + CR.PANEL, y0]);
  const marks: Mark[] = [
    { kind: 'rect', x: x0, y: y0, width: CR.PANEL, height: CR.PANEL, fill: 'none', stroke: '#e6e6e6', tag: 'panel-frame', data: { ...base, extent: R } },
    { kind: 'line', x1: x(-R), y1: y(0), x2: x(R), y2: y(0), stroke: '#e6e6e6', tag: 'grid' },
    { kind: 'line', x1: x(0), y1: y(-R), x2: x(0), y2: y(R), stroke: '#e6e6e6', tag: 'grid' },
    { kind: 'circle', cx: x(0), cy: y(0), r: x(1) - x(0), fill: 'none', stroke: '#cccccc', tag: 'unit-circle' },
  ];
  sets.forEach((set, s) => {
    if (set.length !== 2) return;
    const [a, b] = set as [number, number];
    if (!(norms[a]! > 0 && norms[b]! > 0)) return;
    const ta = Math.atan2(W[n + a]!, W[a]!);
    const tb = Math.atan2(W[n + b]!, W[b]!);
    const delta = Math.atan2(Math.sin(tb - ta), Math.cos(tb - ta));
    const r = 0.22 + 0.12 * s;
    const pts = Array.from({ length: 33 }, (_, k) => ta + (delta * k) / 32);
    const d = line<number>().x((t) => x(r * Math.cos(t))).y((t) => y(r * Math.sin(t)))(pts) ?? '';
    const deg = (Math.abs(delta) * 180) / Math.PI;
    marks.push({ kind: 'path', d, stroke: setColor(s, sets.length), strokeWidth: 1.5, tag: 'angle-arc', hover: `${label} · set ${setName(set)}: ${formatValue(deg)}°`, data: { ...base, set: s, angle: formatValue(deg) } });
    const mid = ta + delta / 2;
    marks.push({ kind: 'text', x: x((r + 0.13) * Math.cos(mid)), y: y((r + 0.13) * Math.sin(mid)), text: `${Math.round(deg)}°`, anchor: 'middle', baseline: 'middle', size: 9, fill: setColor(s, sets.length), tag: 'angle-label', data: { ...base, set: s } });
  });
  const placed: [number, number][] = [];
  for (let i = 0; i < n; i++) {
    const wx = W[i]!;
    const wy = W[n + i]!;
    const norm = norms[i]!;
    const set = setOf.get(i) ?? -1;
    const hover = `${label} · feature ${i}${set >= 0 ? ` (set ${setName(sets[set]!)})` : ''}: W_i = (${formatValue(wx)}, ${formatValue(wy)}), ‖W_i‖ = ${formatValue(norm)}`;
    marks.push({ kind: 'line', x1: x(0), y1: y(0), x2: x(wx), y2: y(wy), stroke: color(i), strokeWidth: 2, arrow: true, tag: 'feature-arrow', hover, data: { ...base, feature: i, set, x: formatValue(wx), y: formatValue(wy), norm: formatValue(norm) } });
    const len = Math.hypot(wx, wy);
    const [ux, uy] = len > 0 ? [wx / len, wy / len] : [1, 0];
    let lx = x(wx) + 11 * ux;
    let ly = y(wy) - 11 * uy;
    // Arrows that nearly coincide (a collapsed set): step the label sideways so both stay legible.
    while (placed.some(([px, py]) => Math.hypot(px - lx, py - ly) < 10)) [lx, ly] = [lx + 10 * uy, ly + 10 * ux];
    placed.push([lx, ly]);
    marks.push({ kind: 'text', x: lx, y: ly, text: String(i), anchor: 'middle', baseline: 'middle', size: 11, weight: 'bold', fill: color(i), tag: 'feature-label', hover, data: { ...base, feature: i } });
  }
  return marks;
}

/** m ≠ 2: WᵀW with a strip per set member left of its row and above its column. */
function gramPanel(W: ArrayLike<number>, n: number, m: number, sets: readonly (readonly number[])[], color: (i: number) => string, x0: number, y0: number, label: string, base: Record<string, string | number>): Mark[] {
  const gram = new Float32Array(n * n);
  for (let a = 0; a < n; a++) for (let b = 0; b < n; b++) {
    let s = 0;
    for (let j = 0; j < m; j++) s += W[j * n + a]! * W[j * n + b]!;
    gram[a * n + b] = s;
  }
  const names = Array.from({ length: n }, (_, i) => `feature ${i}`);
  const cell = CR.PANEL / n;
  const marks: Mark[] = [{ kind: 'matrix', x: x0, y: y0, width: CR.PANEL, height: CR.PANEL, rows: n, cols: n, values: gram, colors: 'diverging', domain: [-1, 1], name: `${label} · WᵀW`, rowNames: names, colNames: names, tag: 'gram', data: base }];
  sets.forEach((set, s) => {
    for (const i of set) {
      const hover = `${label} · feature ${i}: set ${setName(set)}`;
      marks.push({ kind: 'rect', x: x0 - 7, y: y0 + i * cell, width: 5, height: cell, fill: color(i), tag: 'set-marker', hover, data: { ...base, feature: i, set: s } });
      marks.push({ kind: 'rect', x: x0 + i * cell, y: y0 - 7, width: cell, height: 5, fill: color(i), tag: 'set-marker', hover, data: { ...base, feature: i, set: s } });
    }
  });
  return marks;
}

export const definition: FigureDefinition = {
  name: 'correlated',
  title: 'Superposition and correlated features',
  notice: 'Features that occur together (correlated) take orthogonal directions so they do not interfere; features that never occur together (anticorrelated) share a direction antipodally at no cost.',
  fits: correlatedFits,
  draw: correlated,
};
