/**
 * The diagram's chrome as Lit templates and plain functions: axes, theory overlay, legend, tooltip
 * text, the one-line cell description, and the inspector's view of a model. No state: everything
 * comes in as arguments.
 */
import { html, nothing, svg } from 'lit';
import { metricTitles, type MetricChoice } from '../render/figure-data.js';
import { axisTicks, type PhaseDiagramFigure } from '../render/figure.js';
import { colorMapLUT, DEFAULT_COLOR_MAP, LUT_SIZE, toHex } from '../render/colormap.js';
import { finiteRange, type PixelRect } from '../render/heatmap.js';
import { continuousTicks, formatTick } from '../render/ticks.js';
import { boundaryPath, theoryBoundaries } from '../render/theory-overlay.js';
import type { SweepSpec } from '../science/spec.js';
import type { TheoryVariant } from '../science/theory.js';
import type { ModelResults } from '../science/types.js';
import { axisFraction, axisRange, cellBox } from './diagram-layout.js';
import type { CellEventDetail, CellModel } from './types.js';

/** A cell's grid indices (yIndex 0 is the bottom row). */
export interface CellIndex {
  xIndex: number;
  yIndex: number;
}

/** The theory overlay to draw: the spec (for the orientation) and which exact theory describes it. */
export interface TheoryMark {
  spec: SweepSpec;
  /** `theoryVariant(spec)`: '2-1' (n = 2, m = 1) or '3-2' (n = 3, m = 2). */
  variant: TheoryVariant;
}

const numberFormat = new Intl.NumberFormat('en-US', { maximumSignificantDigits: 3 });
/** A number with 3 significant digits; "–" for NaN and infinities. */
export const fmt = (v: number): string => (Number.isFinite(v) ? numberFormat.format(v) : '–');

/**
 * Axes, ticks and titles, the plot frame, the theory overlay (when `theory` is given), the
 * crosshair through the hovered cell, the selected cell's outline and the keyboard focus ring, as
 * SVG in figure-box pixels.
 */
export function renderAxes(plot: PixelRect, fig: PhaseDiagramFigure, marks: { hover?: CellIndex; focus?: CellIndex; selected?: CellIndex; theory?: TheoryMark }): unknown {
  const xTicks = axisTicks(fig.x, fig.xCount);
  const yTicks = axisTicks(fig.y, fig.yCount);
  const bottom = plot.y + plot.height;
  const ticks = [];
  for (const t of xTicks) {
    const x = Math.round(plot.x + t.fraction * plot.width) + 0.5;
    ticks.push(svg`<line class="tick" x1=${x} x2=${x} y1=${bottom} y2=${bottom + 5}></line><text class="tick-label" x=${x} y=${bottom + 18} text-anchor="middle">${t.label}</text>`);
  }
  for (const t of yTicks) {
    const y = Math.round(bottom - t.fraction * plot.height) + 0.5;
    ticks.push(svg`<line class="tick" x1=${plot.x - 5} x2=${plot.x} y1=${y} y2=${y}></line><text class="tick-label" x=${plot.x - 8} y=${y + 4} text-anchor="end">${t.label}</text>`);
  }
  const cell = (c: { xIndex: number; yIndex: number }) => cellBox(plot, fig.xCount, fig.yCount, c.xIndex, c.yIndex);
  const h = marks.hover;
  const crosshair = h
    ? svg`<g class="crosshair"><line x1=${plot.x} x2=${plot.x + plot.width} y1=${cell(h).y + cell(h).height / 2} y2=${cell(h).y + cell(h).height / 2}></line><line y1=${plot.y} y2=${plot.y + plot.height} x1=${cell(h).x + cell(h).width / 2} x2=${cell(h).x + cell(h).width / 2}></line></g>`
    : nothing;
  const f = marks.focus ? cell(marks.focus) : undefined;
  const focus = f ? svg`<rect class="focus" x=${f.x + 1} y=${f.y + 1} width=${Math.max(2, f.width - 2)} height=${Math.max(2, f.height - 2)}></rect>` : nothing;
  const s = marks.selected ? cell(marks.selected) : undefined;
  const selected = s ? svg`<rect class="selected" x=${s.x + 0.5} y=${s.y + 0.5} width=${s.width - 1} height=${s.height - 1}></rect>` : nothing;
  return svg`
    <rect class="frame-line" x=${plot.x - 0.5} y=${plot.y - 0.5} width=${plot.width + 1} height=${plot.height + 1}></rect>
    ${ticks}
    <text class="axis-title" x=${plot.x + plot.width / 2} y=${bottom + 42} text-anchor="middle">${fig.x.title}</text>
    <text class="axis-title" transform="translate(16 ${plot.y + plot.height / 2}) rotate(-90)" text-anchor="middle">${fig.y.title}</text>
    ${marks.theory ? renderTheory(plot, fig, marks.theory.spec, marks.theory.variant) : nothing}
    ${crosshair}${selected}${focus}
  `;
}

/**
 * The exact phase boundaries of `variant` (n = 2, m = 1 or n = 3, m = 2; `theoryVariant(spec)` from
 * src/render/theory-overlay.ts) over the plot; `spec` gives the orientation (which axis is p).
 */
export function renderTheory(plot: PixelRect, fig: PhaseDiagramFigure, spec: SweepSpec, variant: TheoryVariant): unknown {
  const pIsX = spec.x?.param === 'featureProbability';
  const pAxis = pIsX ? fig.x : fig.y;
  const rAxis = pIsX ? fig.y : fig.x;
  const pRange = axisRange(pAxis);
  const rRange = axisRange(rAxis);
  const pf = axisFraction(pAxis);
  const rf = axisFraction(rAxis);
  if (!pRange || !rRange || !pf || !rf) return nothing;
  const toPixel = (p: number, r: number): [number, number] => {
    const fx = pIsX ? pf(p) : rf(r);
    const fy = pIsX ? rf(r) : pf(p);
    return [plot.x + fx * plot.width, plot.y + plot.height - fy * plot.height];
  };
  const d = boundaryPath(theoryBoundaries(pRange, rRange, 200, variant), toPixel);
  return svg`<path class="theory" d=${d}></path>`;
}

/** The regime legend (categorical) or the colour bar with ticks (continuous), right of the plot. */
export function renderLegend(plot: PixelRect, fig: PhaseDiagramFigure, showTheory: boolean, missingLabel = 'not trained yet'): unknown {
  const left = plot.x + plot.width + 18;
  const c = fig.coloring;
  if (c.kind === 'categorical') {
    return html`<ul class="legend" part="legend" style="left:${left}px;top:${plot.y}px" aria-label="legend">
      ${c.labels.map((label, k) => html`<li><span class="swatch" style="background:${toHex(c.colors[k] ?? [0, 0, 0])}"></span>${label}</li>`)}
      ${fig.values.some((v) => !Number.isFinite(v)) ? html`<li class="missing"><span class="swatch"></span>${missingLabel}</li>` : nothing}
      ${showTheory ? html`<li><span class="swatch theory-swatch"></span>exact theory</li>` : nothing}
    </ul>`;
  }
  const [lo, hi] = c.domain ?? finiteRange(fig.values);
  const ticks = continuousTicks(lo, hi, 'linear', 5);
  const lut = colorMapLUT(c.colorMap ?? DEFAULT_COLOR_MAP);
  const stops = [0, 0.25, 0.5, 0.75, 1].map((t) => {
    const k = Math.round(t * (LUT_SIZE - 1)) * 4;
    return `rgb(${lut[k]}, ${lut[k + 1]}, ${lut[k + 2]}) ${t * 100}%`;
  });
  return html`<div class="colorbar" part="legend" style="left:${left}px;top:${plot.y}px;height:${plot.height}px" aria-label=${`colour scale ${c.label}, ${formatTick(lo)} to ${formatTick(hi)}`}>
    <div class="bar" style="background:linear-gradient(to top, ${stops.join(', ')})"></div>
    ${ticks.map((t) => html`<span class="bar-tick" style="bottom:${t.fraction * 100}%">${t.label}</span>`)}
    <span class="bar-title">${c.label}</span>
  </div>`;
}


/** "title value" for each axis of a cell: the axis value, else its label, else the row/column number. */
function axisTexts(d: CellEventDetail, sep: string): [string, string] {
  const text = (title: string, value: number, label: string | undefined, fallback: string) =>
    Number.isFinite(value) ? `${title}${sep}${fmt(value)}` : label !== undefined && label !== '' ? `${title ? title + sep : ''}${label}` : fallback;
  return [text(d.xTitle, d.xValue, d.xLabel, `column ${d.xIndex + 1}`), text(d.yTitle, d.yValue, d.yLabel, `row ${d.yIndex + 1}`)];
}

/** A cell's axis values and shown value in one line (aria-live text and inspector heading). */
export function describeCell(d: CellEventDetail): string {
  const [x, y] = axisTexts(d, ' ');
  const v = d.label ?? (Number.isFinite(d.value) ? fmt(d.value) : 'not trained yet');
  return `${x}, ${y}: ${v}`;
}

/** Tooltip lines: the axis values, the shown metric, and the model's loss and norms when known. */
export function tooltipLines(d: CellEventDetail, metric: MetricChoice): string[] {
  const lines: string[] = [];
  lines.push(...axisTexts(d, ': '));
  const name = metric.name === 'regime' ? 'regime' : metricTitles[metric.name];
  const feature = d.feature >= 0 ? ` (feature ${d.feature})` : '';
  lines.push(`${name}${feature}: ${d.label ?? (Number.isFinite(d.value) ? fmt(d.value) : 'not trained yet')}`);
  if (d.model) {
    lines.push(`loss: ${fmt(d.model.loss)} · seed ${d.model.seedIndex}`);
    lines.push(`‖W_i‖: ${Array.from(d.model.featureNorm, fmt).join(', ')}`);
  }
  return lines;
}

/** The inspector's view of instance `inst` of a group's results (arrays copied). */
export function cellModel(r: ModelResults, model: CellModel['model'], inst: number, featureProbability: number[], importance: number[], seedIndex: number): CellModel {
  const n = r.nFeatures;
  const m = r.nHidden;
  return {
    nFeatures: n,
    nHidden: m,
    model,
    W: r.W.slice(inst * m * n, (inst + 1) * m * n),
    b: r.b.slice(inst * n, (inst + 1) * n),
    featureNorm: r.featureNorm.slice(inst * n, (inst + 1) * n),
    superposition: r.superposition.slice(inst * n, (inst + 1) * n),
    dimensionality: r.dimensionality.slice(inst * n, (inst + 1) * n),
    featureProbability,
    importance,
    loss: r.loss[inst]!,
    dimsPerFeature: r.dimsPerFeature[inst]!,
    seedIndex,
  };
}
