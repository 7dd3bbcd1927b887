/**
 * Model strip (paper, "Demonstrating superposition"; the explainer's figure): for each model of a
 * 1-D sweep (columns: the sweep's points; rows: the model kinds), WᵀW as an n × n RdBu matrix with
 * b as one column beside it, and under it one bar per feature of length ‖W_i‖ coloured by its
 * superposition Σ_{j≠i}(Ŵ_i·W_j)² (dark: alone in its dimension; yellow: shares it). Shows the
 * kept seed of each point. For untied models W is the encoder W1.
 *
 * Layout (CSS px): panel (column c, row g) starts at x = LEFT + c·PANEL_W, y = TOP + g·ROW_H;
 * the matrix is MATRIX × MATRIX at the panel's top-left, b the BIAS_W-wide column after a 4 px gap;
 * bars start at y + MATRIX + 10, one row per feature (height BARS_H / n), length ‖W_i‖ · BAR_SCALE.
 */
import { scaleLinear } from 'd3-scale';
import { axisMarks, titleMarks } from './axes.js';
import { formatValue, INK, MUTED, superpositionColor } from './colors.js';
import { encoderOf, fmtS, FigureError, perFeature, shownInstance, type FigureInput } from './input.js';
import type { Mark, Scene } from './scene.js';
import type { FigureDefinition } from './input.js';

export const STRIP = { LEFT: 70, TOP: 64, PANEL_W: 170, MATRIX: 120, BIAS_W: 10, BARS_H: 120, ROW_H: 300, BAR_SCALE: 100 } as const;

/** Why the model strip cannot be drawn from `input`, or null when it can. */
export function modelStripFits(input: FigureInput): string | null {
  if (input.spec.y && input.spec.y.param !== 'model') return 'the model strip needs a 1-D sweep (one numeric x axis; y may list models)';
  if (input.spec.nFeatures > 64) return `the model strip draws n × n matrices for n ≤ 64; this sweep has n = ${input.spec.nFeatures}`;
  return null;
}

/** The model strip of a 1-D sweep. @throws FigureError when {@link modelStripFits} says no. */
export function modelStrip(input: FigureInput): Scene {
  const why = modelStripFits(input);
  if (why) throw new FigureError(why);
  const { spec, groups } = input;
  const n = spec.nFeatures;
  const cols = groups[0]!.set.points.length;
  const S = STRIP;
  const width = S.LEFT + cols * S.PANEL_W + 20;
  const height = S.TOP + groups.length * S.ROW_H + 10;
  const marks: Mark[] = [...titleMarks('Models across sparsity: WᵀW, b and feature norms', `n = ${n}, m = ${spec.nHidden}; kept seed of ${spec.seeds}; bars: ‖W_i‖ coloured by superposition (dark = own dimension, yellow = shared)`)];
  groups.forEach((g, row) => {
    const y0 = S.TOP + row * S.ROW_H;
    marks.push({ kind: 'text', x: 14, y: y0 + S.MATRIX / 2, text: g.set.model, anchor: 'middle', rotate: -90, size: 13, weight: 'bold', fill: INK, tag: 'row-label' });
    g.set.points.forEach((p, pos) => {
      const x0 = S.LEFT + p.xIndex * S.PANEL_W;
      const inst = shownInstance(g, pos);
      const W = encoderOf(g, inst);
      const m = g.results.nHidden;
      const gram = new Float32Array(n * n);
      for (let i = 0; i < n; i++) for (let k = 0; k < n; k++) {
        let s = 0;
        for (let j = 0; j < m; j++) s += W[j * n + i]! * W[j * n + k]!;
        gram[i * n + k] = s;
      }
      const names = Array.from({ length: n }, (_, i) => `feature ${i}`);
      const label = `${g.set.model}, S = ${fmtS(1 - p.xValue)}`;
      if (row === 0) marks.push({ kind: 'text', x: x0 + S.MATRIX / 2, y: S.TOP - 8, text: `S = ${fmtS(1 - p.xValue)}`, anchor: 'middle', size: 11, fill: INK, tag: 'column-label' });
      marks.push({ kind: 'matrix', x: x0, y: y0, width: S.MATRIX, height: S.MATRIX, rows: n, cols: n, values: gram, colors: 'diverging', domain: [-1, 1], name: `${label} · WᵀW`, rowNames: names, colNames: names, tag: 'gram', data: { model: g.set.model, point: pos } });
      const b = g.results.b.subarray(inst * n, (inst + 1) * n);
      marks.push({ kind: 'matrix', x: x0 + S.MATRIX + 4, y: y0, width: S.BIAS_W, height: S.MATRIX, rows: n, cols: 1, values: Float32Array.from(b), colors: 'diverging', domain: [-1, 1], name: `${label} · b`, rowNames: names, colNames: ['b'], tag: 'bias', data: { model: g.set.model, point: pos } });
      const norm = perFeature(g, 'featureNorm', inst);
      const sup = perFeature(g, 'superposition', inst);
      const barY = y0 + S.MATRIX + 10;
      const rowH = S.BARS_H / n;
      let represented = 0;
      for (let i = 0; i < n; i++) {
        const v = norm[i]!;
        if (v > 0.5) represented++;
        marks.push({
          kind: 'rect', x: x0, y: barY + i * rowH + rowH * 0.1, width: Number.isFinite(v) ? Math.min(v, 1.5) * S.BAR_SCALE : 0, height: rowH * 0.8,
          fill: superpositionColor(sup[i]!), tag: 'feature-norm',
          hover: `${label} · feature ${i}: ‖W_i‖ = ${formatValue(v)}, superposition ${formatValue(sup[i]!)}`,
          data: { model: g.set.model, point: pos, feature: i, norm: formatValue(v) },
        });
      }
      const axis = scaleLinear().domain([0, 1]).range([x0, x0 + S.BAR_SCALE]);
      marks.push(...axisMarks(axis, 'bottom', barY + S.BARS_H + 2, { ticks: 2 }));
      marks.push({ kind: 'text', x: x0 + S.PANEL_W - 24, y: barY + S.BARS_H + 30, text: `${represented}/${n} kept`, anchor: 'end', size: 10, fill: MUTED, tag: 'represented', data: { model: g.set.model, point: pos, count: represented } });
    });
  });
  return { figure: 'model-strip', width, height, title: 'Models across sparsity', marks };
}

export const definition: FigureDefinition = {
  name: 'model-strip',
  title: 'Models across sparsity',
  notice: 'The linear model keeps the m most important features orthogonal at every sparsity; the ReLU model packs more and more features into superposition (off-diagonal WᵀW, yellow bars) as S grows.',
  fits: modelStripFits,
  draw: modelStrip,
};
