/**
 * Computation in superposition (paper, "Computation in superposition"; model `abs`:
 * h = ReLU(W₁ x), y' = ReLU(W₂ h + b), target |x|, untied W₁ [m, n] and W₂ [n, m]). For every point
 * of a 1-D sweep (columns, S growing to the right) and every neuron j (rows), two stacked bars
 * coloured by feature: its input weights W₁[j, :] and its output weights W₂[:, j], one segment of
 * length |w| per feature, positive rightwards and negative leftwards from each bar's zero line
 * (features in index order). A neuron reading +x_i and one reading −x_i that both write to y_i
 * together compute |x_i| = ReLU(x_i) + ReLU(−x_i): such pairs are joined by a bracket. Sparse
 * points show neurons shared by several features (feature count, the number beside each row).
 *
 * Neurons are sorted per panel by their dominant input feature argmax_i |W₁[j, i]|, positive
 * weight first, then index (all-zero neurons last), so a pair's two neurons are adjacent. For
 * n > SMALL_N, segments under MIN_SHARE of a bar's Σ|w| are not drawn (the subtitle says so).
 *
 * Layout (CSS px): model group g at y0 = TOP + g·(m·rowHeight(m) + GROUP_GAP); column c (the
 * point's xIndex) at x0 = LEFT + c·PANEL_W. The neuron in sorted row r spans y0 + r·ROW_H +
 * (ROW_H − BAR_H)/2, BAR_H high (ROW_H, BAR_H from {@link rowHeight}). Input zero line at
 * x0 + LABEL_W + HALF, output zero line at x0 + LABEL_W + 3·HALF + GAP; segments are placed as in
 * privileged-basis.ts with scale HALF / stackExtent(largest one-sided stack of that layer in the
 * figure). Feature count at x0 + LABEL_W + 4·HALF + GAP + 6; pair brackets at x0 + LABEL_W − 3; the
 * neuron's name ends at x0 + NAME_W and its dominant input ("+x3", "−x3") at x0 + LABEL_W − 8.
 */
import { scaleLinear } from 'd3-scale';
import { axisMarks, titleMarks } from './axes.js';
import { formatValue, INK, MUTED } from './colors.js';
import { FigureError, perFeature, shownInstance, tensorOf, type FigureDefinition, type FigureGroup, type FigureInput } from './input.js';
import { columnHeader, featureLegend, MONOSEMANTIC_BELOW, neuronCounts, omittedNote, panelLabel, PB, stackedBarMarks, stackExtent, stackWeights } from './privileged-basis.js';
import type { Mark, Scene } from './scene.js';

export const CP = { LEFT: 20, TOP: 100, LABEL_W: 64, NAME_W: 28, HALF: 55, GAP: 18, PANEL_W: 354, GROUP_GAP: 62, LEGEND_H: 50, SMALL_N: PB.SMALL_N, MIN_SHARE: PB.MIN_SHARE } as const;

/** Row pitch and bar height for m neurons: roomy for a few, compact for many. */
export function rowHeight(m: number): { ROW_H: number; BAR_H: number } {
  return m <= 12 ? { ROW_H: 24, BAR_H: 18 } : { ROW_H: 13, BAR_H: 10 };
}

/** A feature counts as computed when its benefit exceeds this. */
export const COMPUTED_BENEFIT = 0.5;

/** One instance's W₁ [m, n] and W₂ [n, m], row-major. */
function weightsOf(g: FigureGroup, inst: number): { W1: Float32Array; W2: Float32Array } {
  return { W1: tensorOf(g, 'W1', inst).data, W2: tensorOf(g, 'W2', inst).data };
}

/**
 * Neuron order of one model: by dominant input feature argmax_i |W₁[j, i]|, positive weight first,
 * then index; neurons with all-zero input weights last. Returns neuron indices and their dominant
 * feature (−1 for all-zero neurons).
 */
export function sortNeurons(W1: ArrayLike<number>, n: number, m: number): { order: number[]; dominant: number[]; sign: number[] } {
  const dominant: number[] = [];
  const sign: number[] = [];
  for (let j = 0; j < m; j++) {
    let best = -1;
    let max = 0;
    for (let i = 0; i < n; i++) {
      const a = Math.abs(W1[j * n + i]!);
      if (a > max) [best, max] = [i, a];
    }
    dominant.push(best);
    sign.push(best < 0 ? 0 : Math.sign(W1[j * n + best]!));
  }
  const key = (j: number) => (dominant[j]! < 0 ? Infinity : dominant[j]! * 2 + (sign[j]! > 0 ? 0 : 1));
  const order = Array.from({ length: m }, (_, j) => j).sort((a, b) => key(a) - key(b) || a - b);
  return { order, dominant, sign };
}

/**
 * Pairs of neurons computing |x_i|: per feature i, the last neuron in `order` reading +x_i and the
 * first reading −x_i, both monosemantic (count < MONOSEMANTIC_BELOW) with dominant feature i and
 * writing positively to y_i (W₂[i, j] > 0). Adjacent in `order` by construction.
 */
export function absPairs(W2: ArrayLike<number>, m: number, sorted: ReturnType<typeof sortNeurons>, counts: ArrayLike<number>): { feature: number; plus: number; minus: number }[] {
  const pairs: { feature: number; plus: number; minus: number }[] = [];
  const ok = (j: number, i: number) => counts[j]! < MONOSEMANTIC_BELOW && W2[i * m + j]! > 0;
  const byFeature = new Map<number, number[]>();
  for (const j of sorted.order) if (sorted.dominant[j]! >= 0) byFeature.set(sorted.dominant[j]!, [...(byFeature.get(sorted.dominant[j]!) ?? []), j]);
  for (const [i, js] of byFeature) {
    const plus = js.filter((j) => sorted.sign[j]! > 0);
    const minus = js.filter((j) => sorted.sign[j]! < 0);
    const a = plus[plus.length - 1];
    const b = minus[0];
    if (a !== undefined && b !== undefined && ok(a, i) && ok(b, i)) pairs.push({ feature: i, plus: a, minus: b });
  }
  return pairs;
}

const absGroups = (input: FigureInput) => input.groups.filter((g) => g.results.params?.W1 && g.results.params?.W2);

/** Why the computation figure cannot be drawn from `input`, or null when it can. */
export function computationFits(input: FigureInput): string | null {
  if (input.spec.y && input.spec.y.param !== 'model') return 'the computation figure needs a 1-D sweep (one numeric x axis; y may list models)';
  if (absGroups(input).length === 0) return `the computation figure needs the abs model (untied W1 and W2); these results have ${input.groups.map((g) => g.set.model).join(', ')}`;
  if (input.spec.nHidden > 64) return `the computation figure draws one row per neuron for m ≤ 64; these results have m = ${input.spec.nHidden}`;
  return null;
}

/** The computation-in-superposition figure. @throws FigureError when {@link computationFits} says no. */
export function computation(input: FigureInput): Scene {
  const why = computationFits(input);
  if (why) throw new FigureError(why);
  const groups = absGroups(input);
  const n = input.spec.nFeatures;
  const m = input.spec.nHidden;
  const C = CP;
  const { ROW_H, BAR_H } = rowHeight(m);
  const minShare = n > C.SMALL_N ? C.MIN_SHARE : 0;
  const cols = Math.max(...groups.map((g) => g.set.points.length));
  const blockH = m * ROW_H + C.GROUP_GAP;

  const models = groups.map((g) => g.set.points.map((_, pos) => {
    const inst = shownInstance(g, pos);
    const { W1, W2 } = weightsOf(g, inst);
    const col = (j: number) => Float32Array.from({ length: n }, (_, i) => W2[i * m + j]!);
    return {
      inst, W1, W2,
      input: Array.from({ length: m }, (_, j) => stackWeights(W1.subarray(j * n, (j + 1) * n), minShare)),
      output: Array.from({ length: m }, (_, j) => stackWeights(col(j), minShare)),
    };
  }));
  const extentOf = (k: 'input' | 'output') => stackExtent(Math.max(0, ...models.flat().flatMap((p) => p[k].map((s) => Math.max(s.pos, s.neg)))));
  const inExtent = extentOf('input');
  const outExtent = extentOf('output');
  const inScale = C.HALF / inExtent;
  const outScale = C.HALF / outExtent;

  const width = C.LEFT + cols * C.PANEL_W;
  const height = C.TOP + groups.length * blockH + C.LEGEND_H;
  const omitted = minShare > 0 ? `; segments under ${minShare * 100}% of a bar's Σ|w| not drawn` : '';
  const marks: Mark[] = [...titleMarks('Computation in superposition: each neuron\'s input and output weights by feature', `n = ${n}, m = ${m}; kept seed of ${input.spec.seeds}; neurons sorted by their largest input feature; brackets: a +x_i and a −x_i neuron computing |x_i|; number: features per neuron${omitted}`)];

  groups.forEach((g, gi) => {
    const y0 = C.TOP + gi * blockH;
    if (groups.length > 1) marks.push({ kind: 'text', x: 10, y: y0 + (m * ROW_H) / 2, text: g.set.model, anchor: 'middle', rotate: -90, size: 13, weight: 'bold', fill: INK, tag: 'row-label' });
    g.set.points.forEach((p, pos) => {
      const { inst, W1, W2, input: ins, output: outs } = models[gi]![pos]!;
      const x0 = C.LEFT + p.xIndex * C.PANEL_W;
      const inZero = x0 + C.LABEL_W + C.HALF;
      const outZero = x0 + C.LABEL_W + 3 * C.HALF + C.GAP;
      const countX = x0 + C.LABEL_W + 4 * C.HALF + C.GAP + 6;
      const label = panelLabel(input, g, pos);
      const counts = neuronCounts(g, inst);
      const sorted = sortNeurons(W1, n, m);
      const rowOf = new Map(sorted.order.map((j, r) => [j, r]));
      if (gi === 0) {
        marks.push({ kind: 'text', x: x0 + C.LABEL_W + 2 * C.HALF + C.GAP / 2, y: C.TOP - 38, text: columnHeader(input, g, pos), anchor: 'middle', size: 12, weight: 'bold', fill: INK, tag: 'column-label' });
        marks.push({ kind: 'text', x: inZero, y: C.TOP - 12, text: 'input W₁[j, :]', anchor: 'middle', size: 10, fill: MUTED, tag: 'bar-header' });
        marks.push({ kind: 'text', x: outZero, y: C.TOP - 12, text: 'output W₂[:, j]', anchor: 'middle', size: 10, fill: MUTED, tag: 'bar-header' });
        marks.push({ kind: 'text', x: countX, y: C.TOP - 12, text: 'features', size: 9, fill: MUTED, tag: 'count-header' });
      }
      for (const zero of [inZero, outZero]) marks.push({ kind: 'line', x1: zero, y1: y0 - 2, x2: zero, y2: y0 + m * ROW_H + 2, stroke: MUTED, tag: 'zero-line', data: { model: g.set.model, point: pos, scale: zero === inZero ? inScale : outScale } });
      sorted.order.forEach((j, r) => {
        const yBar = y0 + r * ROW_H + (ROW_H - BAR_H) / 2;
        const base = { model: g.set.model, point: pos, neuron: j, row: r };
        const size = ROW_H < 20 ? 8 : 10;
        marks.push({ kind: 'text', x: x0 + C.NAME_W, y: yBar + BAR_H / 2, text: `n${j}`, anchor: 'end', baseline: 'middle', size, fill: MUTED, tag: 'neuron-label', data: base });
        const dom = sorted.dominant[j]!;
        if (dom >= 0) {
          const reads = `${sorted.sign[j]! > 0 ? '+' : '−'}x${dom}`;
          marks.push({ kind: 'text', x: x0 + C.LABEL_W - 8, y: yBar + BAR_H / 2, text: reads, anchor: 'end', baseline: 'middle', size, fill: INK, tag: 'dominant-feature', hover: `${label} · neuron ${j}: largest input weight from feature ${dom} (${formatValue(W1[j * n + dom]!)})`, data: { ...base, feature: dom, sign: sorted.sign[j]! } });
        }
        marks.push(...stackedBarMarks(ins[j]!, n, inZero, inScale, yBar, BAR_H, 'input-weight',
          (s) => `${label} · neuron ${j} · input from feature ${s.feature}: W₁ = ${formatValue(s.weight)}`, (s) => ({ ...base, feature: s.feature, layer: 'W1' })));
        marks.push(...stackedBarMarks(outs[j]!, n, outZero, outScale, yBar, BAR_H, 'output-weight',
          (s) => `${label} · neuron ${j} · output to feature ${s.feature}: W₂ = ${formatValue(s.weight)}`, (s) => ({ ...base, feature: s.feature, layer: 'W2' })));
        const c = counts[j]!;
        marks.push({
          kind: 'text', x: countX, y: yBar + BAR_H / 2, text: formatValue(c), baseline: 'middle', size: ROW_H < 20 ? 8 : 10,
          fill: c >= MONOSEMANTIC_BELOW ? INK : MUTED, weight: c >= MONOSEMANTIC_BELOW ? 'bold' : 'normal', tag: 'neuron-count',
          hover: Number.isFinite(c) ? `${label} · neuron ${j}: reads ${formatValue(c)} features ((Σw²)²/Σw⁴ of W₁[j, :])${omittedNote(ins[j]!)}` : `${label} · neuron ${j}: all input weights zero`,
          data: { ...base, count: formatValue(c) },
        });
      });
      const pairs = absPairs(W2, m, sorted, counts);
      for (const pr of pairs) {
        const ya = y0 + (rowOf.get(pr.plus)! + 0.5) * ROW_H;
        const yb = y0 + (rowOf.get(pr.minus)! + 0.5) * ROW_H;
        const bx = x0 + C.LABEL_W - 3;
        marks.push({
          kind: 'path', d: `M${bx + 3},${ya}H${bx}V${yb}H${bx + 3}`, stroke: INK, strokeWidth: 1.2, tag: 'abs-pair',
          hover: `${label} · neurons ${pr.plus} (+x_${pr.feature}) and ${pr.minus} (−x_${pr.feature}) compute |x_${pr.feature}| = ReLU(x_${pr.feature}) + ReLU(−x_${pr.feature})`,
          data: { model: g.set.model, point: pos, feature: pr.feature, neurons: `${pr.plus},${pr.minus}` },
        });
      }
      const axisY = y0 + m * ROW_H + 4;
      marks.push(...axisMarks(scaleLinear().domain([-inExtent, inExtent]).range([inZero - C.HALF, inZero + C.HALF]), 'bottom', axisY, { ticks: 3 }));
      marks.push(...axisMarks(scaleLinear().domain([-outExtent, outExtent]).range([outZero - C.HALF, outZero + C.HALF]), 'bottom', axisY, { ticks: 3 }));
      const poly = Array.from(counts).filter((c) => c >= MONOSEMANTIC_BELOW).length;
      const benefit = perFeature(g, 'benefit', inst);
      const computed = Array.from(benefit).filter((b) => b > COMPUTED_BENEFIT).length;
      const summary = `${pairs.length} |x_i| pairs · ${poly}/${m} polysemantic · benefit > ${COMPUTED_BENEFIT}: ${computed}/${n}`;
      marks.push({ kind: 'text', x: x0 + C.LABEL_W + 2 * C.HALF + C.GAP / 2, y: axisY + 36, text: summary, anchor: 'middle', size: 10, fill: INK, tag: 'computation-summary', hover: `${label}: ${pairs.length} features computed by a +/− neuron pair, ${poly} of ${m} neurons read ≥ ${MONOSEMANTIC_BELOW} features, ${computed} of ${n} features reconstructed with benefit > ${COMPUTED_BENEFIT}`, data: { model: g.set.model, point: pos, pairs: pairs.length, polysemantic: poly, computed } });
    });
  });
  marks.push(...featureLegend(n, C.LEFT + C.LABEL_W, height - C.LEGEND_H + 14, 'segment length |w|; axes: weight'));
  return { figure: 'computation', width, height, title: 'Computation in superposition', marks };
}

export const definition: FigureDefinition = {
  name: 'computation',
  title: 'Computation in superposition',
  notice: 'Dense: neurons come in pairs reading +x_i and −x_i of one feature and together compute |x_i|; sparse: single neurons read and write several features, computing more absolute values than m/2 pairs would allow.',
  fits: computationFits,
  draw: computation,
};
