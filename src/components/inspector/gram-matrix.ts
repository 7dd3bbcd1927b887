import { LitElement, css, html, svg, type SVGTemplateResult } from 'lit';
import { property } from 'lit/decorators.js';
import type { CellModel } from '../types.js';
import { divergingColor, formatValue, gramMatrix, labelStride } from './inspector-math.js';
import { inspectorBaseStyles } from './shared-styles.js';

/** Layout in viewBox units: the matrix is always MATRIX × MATRIX, whatever n. */
const MATRIX = 200;
const LEFT = 16; // row labels
const TOP = 26; // titles and column labels
const GAP = 8; // between WᵀW and b
const MAX_BIAS_WIDTH = 20;

/**
 * The paper's main picture of a model: the n × n Gram matrix WᵀW as a heatmap (entry (i, k) =
 * W_i·W_k; diagonal ≈ ‖W_i‖²) with the bias b as one extra column to its right, after a gap.
 * Both use `divergingColor` (RdBu, domain [−1, 1] clamped: −1 red, 0 white, +1 blue).
 *
 * SVG layout (viewBox units): the matrix occupies [16, 216] × [26, 226] whatever n, so cells
 * are 200/n wide; row i, column k is the `<rect class="gram-cell" data-row="i" data-col="k">`,
 * and b_i is `<rect class="bias-cell" data-row="i">`. Every rect has a `<title>` with its value.
 * Row and column labels are feature indices, thinned to at most 16 (`labelStride`) when n > 20.
 * n may be up to 64 (4 096 rects).
 *
 * Not self-registering: import `./define.js` for the tag `superposition-gram-matrix`.
 *
 * @csspart plot - the `<svg>`.
 * @cssprop --superposition-ink - text colour (default: currentColor).
 * @cssprop --superposition-muted - label colour.
 * @cssprop --superposition-font - font family.
 */
export class SuperpositionGramMatrix extends LitElement {
  static override styles = [
    inspectorBaseStyles,
    css`
      text {
        font-size: 7px;
      }
      .title {
        font-size: 9px;
        text-anchor: middle;
      }
    `,
  ];

  /** The model to draw: its W (m × n row-major) and b (length n). */
  @property({ attribute: false }) cell: CellModel | undefined;

  override render() {
    const cell = this.cell;
    if (!cell) return html``;
    const n = cell.nFeatures;
    const G = gramMatrix(cell.W, n, cell.nHidden);
    const size = MATRIX / n;
    const biasWidth = Math.min(size, MAX_BIAS_WIDTH);
    const biasX = LEFT + MATRIX + GAP;
    const width = biasX + biasWidth + 2;
    const height = TOP + MATRIX + 2;
    const stride = labelStride(n);
    const rects: SVGTemplateResult[] = [];
    for (let i = 0; i < n; i++) {
      for (let k = 0; k < n; k++) {
        const v = G[i * n + k]!;
        rects.push(svg`<rect class="gram-cell" data-row=${i} data-col=${k} x=${LEFT + k * size} y=${TOP + i * size}
          width=${size} height=${size} fill=${divergingColor(v)}><title>WᵀW[${i},${k}] = ${formatValue(v)}</title></rect>`);
      }
      const b = Number(cell.b[i]);
      rects.push(svg`<rect class="bias-cell" data-row=${i} x=${biasX} y=${TOP + i * size}
        width=${biasWidth} height=${size} fill=${divergingColor(b)}><title>b[${i}] = ${formatValue(b)}</title></rect>`);
    }
    const labels: SVGTemplateResult[] = [];
    for (let i = 0; i < n; i += stride) {
      const mid = (i + 0.5) * size;
      labels.push(svg`<text class="muted" x=${LEFT - 2} y=${TOP + mid} text-anchor="end" dominant-baseline="central">${i}</text>`);
      labels.push(svg`<text class="muted" x=${LEFT + mid} y=${TOP - 2} text-anchor="middle">${i}</text>`);
    }
    return html`<svg
      part="plot"
      viewBox="0 0 ${width} ${height}"
      role="img"
      aria-label="Gram matrix WᵀW of ${n} features (red negative, blue positive, clamped to ±1) and bias b"
    >
      <text class="title" x=${LEFT + MATRIX / 2} y="10">Wᵀ W</text>
      <text class="title" x=${biasX + biasWidth / 2} y="10">b</text>
      ${labels} ${rects}
    </svg>`;
  }
}
