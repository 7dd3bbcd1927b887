import { LitElement, css, html, svg, type SVGTemplateResult } from 'lit';
import { property } from 'lit/decorators.js';
import { DEFAULT_REGIME_THRESHOLDS } from '../../science/regimes.js';
import type { CellModel } from '../types.js';
import { formatValue, labelStride, superpositionColor } from './inspector-math.js';
import { inspectorBaseStyles } from './shared-styles.js';

/** Layout in viewBox units (width 200; height grows with n up to 240 units of rows). */
const LEFT = 18; // feature labels
const PLOT = 142; // bar area width
const TOP = 4;
const LEGEND = 22; // legend band below the rows
const LEGEND_STOPS = [0, 0.25, 0.5, 0.75, 1];

/** Row height: 16 units for few features, shrinking so that the rows span at most 240 units. */
function rowHeight(n: number): number {
  return Math.max(3, Math.min(16, 240 / n));
}

/**
 * Feature norms ‖W_i‖ as horizontal bars, one row per feature with feature 0 at the top, each
 * bar coloured by the feature's superposition Σ_{j≠i}(Ŵ_i·W_j)² (`superpositionColor`: dark → yellow),
 * with value labels (when rows are tall enough, else in each bar's `<title>`), a faint line at the
 * "represented" threshold ‖W_i‖ = 0.5 (DEFAULT_REGIME_THRESHOLDS.normThreshold) and a tiny legend.
 *
 * SVG layout (viewBox units, width 200): bars start at x = 18; a bar's width is
 * 142·‖W_i‖ / max(1, max_i ‖W_i‖), so widths are proportional to the norms. Bar i is
 * `<rect class="bar" data-feature="i">`; non-finite norms draw no bar but keep their row.
 *
 * Not self-registering: import `./define.js` for the tag `superposition-feature-norms`.
 *
 * @csspart plot - the `<svg>`.
 * @cssprop --superposition-ink - text colour (default: currentColor).
 * @cssprop --superposition-muted - label colour.
 * @cssprop --superposition-faint - threshold line colour.
 * @cssprop --superposition-font - font family.
 */
export class SuperpositionFeatureNorms extends LitElement {
  static override styles = [
    inspectorBaseStyles,
    css`
      text {
        font-size: 7px;
        dominant-baseline: central;
      }
      .threshold {
        stroke-dasharray: 2 2;
      }
    `,
  ];

  /** The model to draw: its featureNorm and superposition (length n each). */
  @property({ attribute: false }) cell: CellModel | undefined;

  override render() {
    const cell = this.cell;
    if (!cell) return html``;
    const n = cell.nFeatures;
    const h = rowHeight(n);
    let max = 1;
    for (let i = 0; i < n; i++) {
      const v = Number(cell.featureNorm[i]);
      if (Number.isFinite(v)) max = Math.max(max, v);
    }
    const scale = PLOT / max;
    const stride = labelStride(n);
    const showValues = h >= 8;
    const rows: SVGTemplateResult[] = [];
    for (let i = 0; i < n; i++) rows.push(this.row(cell, i, h, scale, i % stride === 0, showValues));
    const bottom = TOP + n * h;
    const threshold = LEFT + DEFAULT_REGIME_THRESHOLDS.normThreshold * scale;
    return html`<svg part="plot" viewBox="0 0 200 ${bottom + LEGEND}" role="img" aria-label=${this.describe(cell)}>
      <defs>
        <linearGradient id="sup-ramp">
          ${LEGEND_STOPS.map((t) => svg`<stop offset=${t} stop-color=${superpositionColor(t)}></stop>`)}
        </linearGradient>
      </defs>
      ${rows}
      <line class="guide threshold" x1=${threshold} y1=${TOP} x2=${threshold} y2=${bottom}></line>
      <text class="muted" x=${threshold} y=${bottom + 5} text-anchor="middle">${DEFAULT_REGIME_THRESHOLDS.normThreshold}</text>
      <text class="muted" x=${LEFT} y=${bottom + 15}>colour: superposition 0</text>
      <rect x=${LEFT + 80} y=${bottom + 12} width="40" height="6" fill="url(#sup-ramp)"></rect>
      <text class="muted" x=${LEFT + 123} y=${bottom + 15}>1</text>
    </svg>`;
  }

  private row(cell: CellModel, i: number, h: number, scale: number, label: boolean, value: boolean) {
    const norm = Number(cell.featureNorm[i]);
    const sup = Number(cell.superposition[i]);
    const y = TOP + i * h;
    const finite = Number.isFinite(norm);
    const w = finite ? Math.max(0, norm) * scale : 0;
    return svg`
      ${label ? svg`<text class="muted" x=${LEFT - 3} y=${y + h / 2} text-anchor="end">${i}</text>` : null}
      ${finite
        ? svg`<rect class="bar" data-feature=${i} x=${LEFT} y=${y + h * 0.1} width=${w} height=${h * 0.8}
            fill=${superpositionColor(sup)}>
            <title>feature ${i}: ‖W‖ = ${formatValue(norm)}, superposition ${formatValue(sup)}</title>
          </rect>`
        : null}
      ${value ? svg`<text x=${LEFT + w + 2} y=${y + h / 2}>${formatValue(norm)}</text>` : null}`;
  }

  private describe(cell: CellModel): string {
    const parts: string[] = [];
    for (let i = 0; i < cell.nFeatures; i++) parts.push(`${i}: ${formatValue(Number(cell.featureNorm[i]))}`);
    return `Feature norms of ${cell.nFeatures} features; ${parts.join(', ')}`;
  }
}
