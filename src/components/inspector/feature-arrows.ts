import { LitElement, css, html, svg, type SVGTemplateResult } from 'lit';
import { property } from 'lit/decorators.js';
import type { CellModel } from '../types.js';
import { ARROW_VIEW, arrowLayout, arrowToView, formatValue, superpositionColor, type FeatureArrow } from './inspector-math.js';
import { inspectorBaseStyles } from './shared-styles.js';

/** Arrowhead length and half-width in viewBox units (shrunk for arrows shorter than 2 heads). */
const HEAD_LENGTH = 9;
const HEAD_HALF_WIDTH = 3.5;
/** An arrow's angle rounded to whole degrees, in [0, 360). */
const degrees = (a: FeatureArrow): number => Math.round(a.angleDegrees) % 360;
/** Distance of a feature's index label beyond its tip, in viewBox units. */
const LABEL_OFFSET = 9;

/**
 * The paper's m = 2 picture of a model: one arrow from the origin per feature i to
 * (W_{0,i}, W_{1,i}) — a pentagon for n = 5 sparse features — coloured by the feature's
 * superposition Σ_{j≠i}(Ŵ_i·W_j)² (`superpositionColor`), with feature indices at the tips, the
 * unit circle (when it fits) and the axes.
 *
 * The SVG is square and scales to the host's width. Its viewBox is `0 0 200 200` with the origin
 * at its centre; a data point (x, y) sits at `arrowToView(x, y, extent)` =
 * (100 + 78·x/extent, 100 − 78·y/extent), extent = max_i ‖W_i‖ (see `ARROW_VIEW`). Each feature is
 * a `<g class="arrow" data-feature="i">` holding a `<line>` (shaft) and a `<polygon>` (head) whose
 * first point is the tip. Features with non-finite weights are left out.
 *
 * When m ≠ 2 it shows a short sentence instead; with no cell, nothing.
 *
 * Not self-registering: import `./define.js` for the tag `superposition-feature-arrows`.
 *
 * @csspart plot - the `<svg>`.
 * @csspart note - the sentence shown when m ≠ 2.
 * @cssprop --superposition-ink - text colour (default: currentColor).
 * @cssprop --superposition-muted - axis label and note colour.
 * @cssprop --superposition-faint - unit circle and axes colour.
 * @cssprop --superposition-font - font family.
 */
export class SuperpositionFeatureArrows extends LitElement {
  static override styles = [
    inspectorBaseStyles,
    css`
      .arrow line {
        stroke-width: 1.75;
        stroke-linecap: round;
      }
      .arrow text {
        font-size: 9px;
        text-anchor: middle;
        dominant-baseline: central;
      }
    `,
  ];

  /** The model to draw (W is m × n row-major); only m = 2 models are drawn. */
  @property({ attribute: false }) cell: CellModel | undefined;

  override render() {
    const cell = this.cell;
    if (!cell) return html``;
    if (cell.nHidden !== 2) {
      return html`<p class="note" part="note">
        Feature arrows need m = 2 hidden dimensions; this model has m = ${cell.nHidden}.
      </p>`;
    }
    const { arrows, extent } = arrowLayout(cell);
    const drawn = arrows.filter((a) => Number.isFinite(a.x) && Number.isFinite(a.y));
    const { size } = ARROW_VIEW;
    const c = size / 2;
    const unitRadius = ARROW_VIEW.radius / extent;
    return html`<svg part="plot" viewBox="0 0 ${size} ${size}" role="img" aria-label=${this.describe(arrows)}>
      ${unitRadius <= c ? svg`<circle class="guide" cx=${c} cy=${c} r=${unitRadius}></circle>` : null}
      <line class="guide" x1="0" y1=${c} x2=${size} y2=${c}></line>
      <line class="guide" x1=${c} y1="0" x2=${c} y2=${size}></line>
      <text class="muted" x=${size - 2} y=${c - 4} font-size="8" text-anchor="end">h₀</text>
      <text class="muted" x=${c + 4} y="8" font-size="8">h₁</text>
      ${drawn.map((a) => this.arrow(a, extent, cell.superposition[a.feature] ?? NaN))}
    </svg>`;
  }

  private arrow(a: FeatureArrow, extent: number, sup: number): SVGTemplateResult {
    const c = ARROW_VIEW.size / 2;
    const [tx, ty] = arrowToView(a.x, a.y, extent);
    const length = Math.hypot(tx - c, ty - c);
    const color = superpositionColor(sup);
    // Unit vector along the arrow (viewBox units) and its normal; zero-length arrows point right.
    const ux = length > 0 ? (tx - c) / length : 1;
    const uy = length > 0 ? (ty - c) / length : 0;
    const head = Math.min(HEAD_LENGTH, length / 2);
    const half = (HEAD_HALF_WIDTH * head) / HEAD_LENGTH;
    const bx = tx - ux * head;
    const by = ty - uy * head;
    const points = `${tx},${ty} ${bx - uy * half},${by + ux * half} ${bx + uy * half},${by - ux * half}`;
    return svg`<g class="arrow" data-feature=${a.feature}>
      <title>feature ${a.feature}: ‖W‖ = ${formatValue(a.norm)} at ${degrees(a)}°, superposition ${formatValue(sup)}</title>
      <line x1=${c} y1=${c} x2=${bx} y2=${by} stroke=${color}></line>
      <polygon points=${points} fill=${color}></polygon>
      <text x=${tx + ux * LABEL_OFFSET} y=${ty + uy * LABEL_OFFSET}>${a.feature}</text>
    </g>`;
  }

  private describe(arrows: FeatureArrow[]): string {
    const parts = arrows.map((a) =>
      Number.isFinite(a.norm)
        ? `feature ${a.feature} norm ${formatValue(a.norm)} at ${degrees(a)}°`
        : `feature ${a.feature} not finite`,
    );
    return `${arrows.length} feature directions; ${parts.join(', ')}`;
  }
}
