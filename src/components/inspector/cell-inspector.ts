import { LitElement, css, html, nothing } from 'lit';
import { property } from 'lit/decorators.js';
import type { CellModel } from '../types.js';
import { describeSeries, formatValue } from './inspector-math.js';
import { inspectorBaseStyles } from './shared-styles.js';

/**
 * One trained model of a diagram's cell: a header with its key facts (model kind, n, m, feature
 * probability p, importance I, loss, m/‖W‖_F², seed) above three views side by side (wrapping on
 * narrow widths): `superposition-feature-arrows` (m = 2 only), `superposition-gram-matrix` and
 * `superposition-feature-norms`. With no cell it shows a muted sentence.
 *
 * Requires the three view tags to be registered: import `./define.js`, which registers this
 * element as `superposition-cell-inspector` too.
 *
 * @csspart header - the facts line (a `<header>` holding the heading and a `<dl>`).
 * @csspart views - the grid holding the three views.
 * @csspart arrows - the feature-arrows figure.
 * @csspart gram - the Gram-matrix figure.
 * @csspart norms - the feature-norms figure.
 * @csspart empty - the sentence shown without a cell.
 * @cssprop --superposition-ink - text colour (default: currentColor); inherited by the views.
 * @cssprop --superposition-muted - secondary text colour (default: #666).
 * @cssprop --superposition-faint - guide-line colour in the views (default: #ccc).
 * @cssprop --superposition-font - font family (default: system-ui, sans-serif).
 * @cssprop --superposition-view-min - the narrowest a view gets before the grid wraps (default: 14rem).
 */
export class SuperpositionCellInspector extends LitElement {
  static override styles = [
    inspectorBaseStyles,
    css`
      header {
        margin-bottom: 0.5rem;
      }
      h3 {
        margin: 0 0 0.25rem;
        font-size: 1rem;
      }
      dl {
        display: flex;
        flex-wrap: wrap;
        gap: 0.25rem 1rem;
        margin: 0;
      }
      dl div {
        display: flex;
        gap: 0.3em;
      }
      dt {
        color: var(--superposition-muted, #666);
      }
      dd {
        margin: 0;
        font-variant-numeric: tabular-nums;
      }
      .views {
        display: grid;
        grid-template-columns: repeat(auto-fit, minmax(var(--superposition-view-min, 14rem), 1fr));
        gap: 1rem;
        align-items: start;
      }
      figure {
        margin: 0;
      }
      figcaption {
        color: var(--superposition-muted, #666);
        font-size: 0.8rem;
        margin-bottom: 0.25rem;
      }
    `,
  ];

  /** The model to show; undefined shows the empty state. */
  @property({ attribute: false }) cell: CellModel | undefined;

  /** Optional heading above the facts, e.g. "p = 0.05, r = 1.2" (attribute `heading`). */
  @property({ type: String }) heading: string | undefined;

  /**
   * Show only the facts, not the three views (attribute `no-views`): the phase diagram sets it
   * once the cell's model is trained and it draws the paper's figures for the cell instead.
   */
  @property({ type: Boolean, attribute: 'no-views' }) noViews = false;

  override render() {
    const cell = this.cell;
    if (!cell) {
      return html`<p class="note" part="empty">Select a cell of the diagram to see the model it learned.</p>`;
    }
    const facts: [string, string][] = [
      ['model', cell.model],
      ['n', String(cell.nFeatures)],
      ['m', String(cell.nHidden)],
      ['p', describeSeries(cell.featureProbability)],
      ['importance', describeSeries(cell.importance)],
      ['loss', formatValue(cell.loss)],
      ['m/‖W‖_F²', formatValue(cell.dimsPerFeature)],
      ['seed', String(cell.seedIndex)],
    ];
    return html`
      <header part="header">
        ${this.heading ? html`<h3>${this.heading}</h3>` : nothing}
        <dl>
          ${facts.map(([k, v]) => html`<div><dt>${k}</dt><dd>${v}</dd></div>`)}
        </dl>
      </header>
      ${this.noViews
        ? nothing
        : html`<div class="views" part="views">
        <figure part="arrows">
          <figcaption>Feature directions</figcaption>
          <superposition-feature-arrows .cell=${cell}></superposition-feature-arrows>
        </figure>
        <figure part="gram">
          <figcaption>Gram matrix and bias</figcaption>
          <superposition-gram-matrix .cell=${cell}></superposition-gram-matrix>
        </figure>
        <figure part="norms">
          <figcaption>Feature norms</figcaption>
          <superposition-feature-norms .cell=${cell}></superposition-feature-norms>
        </figure>
      </div>`}
    `;
  }
}
