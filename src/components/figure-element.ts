/**
 * `<superposition-figure>`: one figure of the paper (src/figures/registry.ts), trained live in the
 * reader's browser or shown from a saved results file.
 *
 *   <superposition-figure figure="model-strip" preset="relu-vs-linear" autostart></superposition-figure>
 *   <superposition-figure figure="feature-dimensionality" src="data/feature-dimensionality.json"></superposition-figure>
 *
 * The sweep comes from `preset` (default `intro`) with the `steps`, `seeds` and `batch-size`
 * overrides, or from the `spec` property (which wins), or `src` (a results.json; no WebGPU needed).
 * While training, the figure is redrawn at every live snapshot (about every 0.4 s) from the models'
 * current weights (snapshots read θ back for this element) and from every model group that has
 * finished; a progress line shows the fraction and samples/s.
 * The figure is a fixed-size scene (CSS pixels) scaled to the element's width: matrices drawn with
 * regl in a canvas, every other mark as inline SVG on top. Pointer and keyboard (Tab to the figure,
 * arrow keys step through the marks) name the model, feature or neuron under them; animated figures
 * get a scrubber. Errors (no WebGPU, a figure that does not fit the results, a lost device) show in
 * the same message box as the phase diagram's, and fire `sweep-error`.
 *
 * Events: `sweep-progress`, `sweep-complete`, `sweep-error` (as the phase diagram), and
 * `figure-drawn` (detail `{figure, frames}`) after each redraw.
 */
import { LitElement, css, html, nothing, type PropertyValues } from 'lit';
import { property, state } from 'lit/decorators.js';
import { unsafeSVG } from 'lit/directives/unsafe-svg.js';
import { specFromAttributes, numberConverter } from './attributes.js';
import { SweepController } from './sweep-controller.js';
import { errorDetail } from './error-advice.js';
import { acquireSharedHeatmap, type SharedHeatmapHandle } from '../render/shared-regl.js';
import { drawFigure, FIGURES } from '../figures/registry.js';
import type { FigureInput } from '../figures/input.js';
import { matrixCellHover, type MatrixMark, type Scene } from '../figures/scene.js';
import { sceneToSvg } from '../figures/svg.js';
import { drawSceneMatrices, renderScenePNG } from '../figures/raster.js';
import { formatValue } from '../figures/colors.js';
import type { SweepSpecInput } from '../science/spec.js';

/** The preset a figure element trains when neither `preset`, `spec` nor `src` is given. */
export const DEFAULT_FIGURE_PRESET = 'intro';

/**
 * One figure of the paper, trained live or drawn from saved results (see the module comment).
 *
 * @fires sweep-progress - training progress (as the phase diagram's)
 * @fires sweep-complete - training finished or a `src` file loaded
 * @fires sweep-error - no WebGPU, a bad attribute, a figure that does not fit, a lost device
 * @fires figure-drawn - after each redraw; detail `{figure, frames}`
 * @csspart figure - the box holding the canvas and the SVG
 * @csspart message - the box that explains an error
 * @csspart status - the progress line
 * @cssprop --superposition-ink - text colour
 * @cssprop --superposition-font - font family
 */
export class SuperpositionFigure extends LitElement {
  static override styles = css`
    :host { display: block; font-family: var(--superposition-font, system-ui, sans-serif); color: var(--superposition-ink, #222); }
    .figure { position: relative; width: 100%; outline: none; }
    .figure:focus-visible { box-shadow: 0 0 0 3px #4c8bf5; }
    canvas, .svg { position: absolute; left: 0; top: 0; width: 100%; height: 100%; }
    .svg svg { width: 100%; height: 100%; display: block; }
    .tooltip { position: absolute; pointer-events: none; background: rgba(255, 255, 255, 0.95); border: 1px solid #999; padding: 3px 6px; font-size: 12px; white-space: nowrap; z-index: 2; }
    .status { font-size: 13px; color: #555; display: flex; gap: 0.75em; align-items: center; min-height: 1.8em; }
    .message { border: 1px solid #c33; background: #fff5f5; padding: 0.5em 1em; margin: 0.5em 0; }
    .focused { outline: 2px solid #4c8bf5; }
    input[type='range'] { width: 100%; }
  `;

  /** Registry name of the figure (see FIGURE_NAMES), e.g. `model-strip`. */
  @property({ reflect: true }) figure: string = 'phase-diagram';
  /** A named preset (`superposition presets`); default `intro`. */
  @property({ reflect: true }) preset?: string | null;
  /** Optimiser steps per model (overrides the preset's). */
  @property({ converter: numberConverter, reflect: true }) steps?: number | null;
  /** Seeds per grid point (overrides the preset's). */
  @property({ converter: numberConverter, reflect: true }) seeds?: number | null;
  /** Examples per step (overrides the preset's). */
  @property({ attribute: 'batch-size', converter: numberConverter, reflect: true }) batchSize?: number | null;
  /** A saved results.json to show instead of training (URL, relative to the page). */
  @property({ reflect: true }) src?: string | null;
  /** Start training when connected (and after every change). */
  @property({ type: Boolean, reflect: true }) autostart = false;
  /** A whole sweep spec; wins over `preset` and the overrides. */
  @property({ attribute: false }) spec?: SweepSpecInput | null;
  /**
   * Trained results to draw directly (src/figures/input.ts `FigureInput`): no training, no file.
   * Wins over `src`, `spec` and `preset`. The phase diagram's inspector uses it for one cell.
   */
  @property({ attribute: false }) input?: FigureInput | null;

  @state() private scene: Scene | undefined;
  @state() private frame = 0;
  @state() private tip: { text: string; x: number; y: number } | undefined;
  @state() private figureError: ReturnType<typeof errorDetail> | undefined;
  private focusIndex = -1;
  private readonly sweep = new SweepController(this, () => this.redraw(), true);
  private heatmap: SharedHeatmapHandle | undefined;
  private configDirty = true;

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.heatmap?.release();
    this.heatmap = undefined;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.configDirty = true;
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if ((['preset', 'steps', 'seeds', 'batchSize', 'src', 'spec', 'input'] as const).some((k) => changed.has(k))) this.configDirty = true;
    if (changed.has('figure') && !this.configDirty) this.redraw();
  }

  protected override updated(): void {
    if (this.configDirty) {
      this.configDirty = false;
      void this.reconfigure();
    }
    this.paintMatrices();
  }

  /** Trains the sweep from scratch; resolves when it completes, stops or fails (never rejects). */
  async start(): Promise<void> {
    await this.updateComplete;
    return this.sweep.start();
  }

  /** Stops training; what was drawn stays. */
  stop(): Promise<void> {
    return this.sweep.stop();
  }

  /** The scene on screen (the current frame's, for animated figures), or undefined before the first draw. */
  get currentScene(): Scene | undefined {
    return this.scene?.frames?.[this.frame] ?? this.scene;
  }

  /** What the element is doing: idle, loading, training, stopped, complete or error. */
  get state(): string {
    return this.sweep.status;
  }

  /**
   * The figure as a PNG at `scale` device pixels per CSS pixel (the CLI's figure PNG, same code).
   * @throws Error when nothing is drawn yet
   */
  async toBlob(scale = 2): Promise<Blob> {
    const scene = this.currentScene;
    if (!scene) throw new Error('superposition-figure: nothing drawn yet');
    return renderScenePNG(scene, scale);
  }

  /** The figure as an SVG document (vector). @throws Error when nothing is drawn yet */
  toSvg(): string {
    const scene = this.currentScene;
    if (!scene) throw new Error('superposition-figure: nothing drawn yet');
    return sceneToSvg(scene);
  }

  private async reconfigure(): Promise<void> {
    while (this.sweep.running) await this.sweep.stop();
    this.scene = undefined;
    this.figureError = undefined;
    if (!FIGURES[this.figure]) {
      this.figureError = errorDetail(Object.assign(new Error(`unknown figure "${this.figure}"; figures: ${Object.keys(FIGURES).join(', ')}`), { name: 'AttributeError' }));
      return;
    }
    if (this.input) {
      this.sweep.configure(undefined, { name: 'norm' });
      this.redraw();
      return;
    }
    if (this.src) {
      const src = this.src;
      await this.sweep.load(src, null, null, () => this.src === src);
      return;
    }
    try {
      const spec = specFromAttributes({ preset: this.preset ?? (this.spec ? undefined : DEFAULT_FIGURE_PRESET), steps: this.steps, seeds: this.seeds, batchSize: this.batchSize }, this.spec);
      this.sweep.configure(spec, { name: 'norm' });
    } catch (e) {
      this.sweep.configure(undefined, { name: 'norm' });
      this.sweep.fail(e);
      return;
    }
    if (this.autostart) void this.sweep.start();
  }

  /** The finished groups as a figure input (none finished: undefined). */
  private figureInput(): FigureInput | undefined {
    if (this.input) return this.input;
    const { spec, sweep } = this.sweep;
    if (!spec || !sweep) return undefined;
    // Finished groups as they are; the running one from its latest snapshot's weights.
    const groups = sweep.groups.flatMap((g, k) => {
      const live = sweep.liveResults(k);
      return live ? [{ set: g.set, ...live }] : [];
    });
    return groups.length ? { spec, groups } : undefined;
  }

  private redraw(): void {
    const input = this.figureInput();
    if (!input) return;
    try {
      const scene = drawFigure(this.figure, input);
      this.figureError = undefined;
      this.scene = scene;
      this.frame = Math.min(this.frame, (scene.frames?.length ?? 1) - 1);
      this.dispatchEvent(new CustomEvent('figure-drawn', { detail: { figure: scene.figure, frames: scene.frames?.length ?? 0 }, bubbles: true, composed: true }));
    } catch (e) {
      // A figure over several model kinds may not fit until every group has finished.
      if (this.sweep.status === 'training') return;
      this.figureError = errorDetail(e);
      this.dispatchEvent(new CustomEvent('sweep-error', { detail: { name: this.figureError.name, message: this.figureError.message, advice: this.figureError.advice }, bubbles: true, composed: true }));
    }
  }

  private paintMatrices(): void {
    const scene = this.currentScene;
    const canvas = this.renderRoot.querySelector('canvas');
    if (!scene || !canvas) return;
    const scale = Math.min(3, Math.max(1, window.devicePixelRatio || 1));
    canvas.width = Math.round(scene.width * scale);
    canvas.height = Math.round(scene.height * scale);
    const ctx = canvas.getContext('2d');
    if (!ctx) return;
    ctx.fillStyle = '#ffffff';
    ctx.fillRect(0, 0, canvas.width, canvas.height);
    try {
      this.heatmap ??= acquireSharedHeatmap();
      drawSceneMatrices(ctx, scene, scale, this.heatmap);
    } catch (e) {
      this.figureError = errorDetail(e);
    }
  }

  /** Hover text under a pointer event: a mark's own, or a matrix cell's. */
  private hoverAt(e: PointerEvent): string | undefined {
    const target = e.composedPath()[0] as Element | undefined;
    const el = target?.closest?.('[data-hover], rect.matrix');
    if (!el) return undefined;
    if (el.classList.contains('matrix')) {
      const scene = this.currentScene;
      const m = scene?.marks.find((k): k is MatrixMark => k.kind === 'matrix' && k.name === el.getAttribute('data-name') && k.x === Number(el.getAttribute('x')) && k.y === Number(el.getAttribute('y')));
      if (!m) return undefined;
      const box = el.getBoundingClientRect();
      const c = Math.min(m.cols - 1, Math.floor(((e.clientX - box.left) / box.width) * m.cols));
      const r = Math.min(m.rows - 1, Math.floor(((e.clientY - box.top) / box.height) * m.rows));
      return matrixCellHover(m, r, c, formatValue);
    }
    return el.getAttribute('data-hover') ?? undefined;
  }

  private onPointerMove(e: PointerEvent): void {
    const text = this.hoverAt(e);
    const box = (this.renderRoot.querySelector('.figure') as HTMLElement).getBoundingClientRect();
    this.tip = text ? { text, x: e.clientX - box.left, y: e.clientY - box.top } : undefined;
  }

  /** Arrow keys step through the marks that have hover text; Escape clears. */
  private onKeyDown(e: KeyboardEvent): void {
    const marks = [...this.renderRoot.querySelectorAll('.svg [data-hover]')];
    if (!marks.length) return;
    if (e.key === 'Escape') {
      this.focusIndex = -1;
      this.tip = undefined;
    } else if (['ArrowRight', 'ArrowDown', 'ArrowLeft', 'ArrowUp'].includes(e.key)) {
      e.preventDefault();
      const step = e.key === 'ArrowRight' || e.key === 'ArrowDown' ? 1 : -1;
      this.focusIndex = (this.focusIndex + step + marks.length) % marks.length;
    } else return;
    marks.forEach((m, k) => m.classList.toggle('focused', k === this.focusIndex));
    const el = marks[this.focusIndex];
    if (!el) return;
    const box = (this.renderRoot.querySelector('.figure') as HTMLElement).getBoundingClientRect();
    const r = el.getBoundingClientRect();
    this.tip = { text: el.getAttribute('data-hover') ?? '', x: r.right - box.left, y: r.bottom - box.top };
  }

  private renderStatus(): unknown {
    const s = this.sweep.status;
    const p = this.sweep.progress;
    const label = s === 'training' && p ? `training ${(100 * p.fraction).toFixed(0)} % · ${formatValue(p.samplesPerSecond)} samples/s` : s === 'complete' ? (this.src ? `loaded from ${this.src}` : `trained in ${this.sweep.seconds.toFixed(1)} s`) : s;
    if (this.input) return nothing;
    const canTrain = !this.src && s !== 'training' && s !== 'loading';
    return html`<div class="status" part="status" aria-live="polite">
      ${canTrain ? html`<button type="button" @click=${() => void this.start()}>${s === 'idle' ? 'Train' : 'Train again'}</button>` : nothing}
      ${s === 'training' ? html`<button type="button" @click=${() => void this.stop()}>Stop</button>` : nothing}
      <span class="state">${label}</span>
    </div>`;
  }

  private renderMessage(): unknown {
    const f = this.sweep.failure ?? this.figureError;
    if (!f) return nothing;
    return html`<div class="message" part="message" role="alert"><strong>${f.title}</strong><p>${f.message}</p><p>${f.advice}</p></div>`;
  }

  protected override render(): unknown {
    const scene = this.currentScene;
    const frames = this.scene?.frames?.length ?? 0;
    const aspect = scene ? `${(100 * scene.height) / scene.width}%` : '0';
    return html`${this.renderMessage()}${this.renderStatus()}
      <div class="figure" part="figure" tabindex="0" role="img" aria-label=${scene?.title ?? 'figure (not drawn yet)'} style="padding-top:${aspect}"
        @pointermove=${(e: PointerEvent) => this.onPointerMove(e)} @pointerleave=${() => (this.tip = undefined)} @keydown=${(e: KeyboardEvent) => this.onKeyDown(e)}>
        ${scene ? html`<canvas></canvas><div class="svg">${unsafeSVG(sceneToSvg(scene, { matrices: 'hit', background: false }))}</div>` : nothing}
        ${this.tip ? html`<div class="tooltip" role="tooltip" style="left:${this.tip.x + 12}px;top:${this.tip.y + 12}px">${this.tip.text}</div>` : nothing}
      </div>
      ${frames > 1
        ? html`<label>step <input type="range" min="0" max=${frames - 1} .value=${String(this.frame)} @input=${(e: Event) => (this.frame = Number((e.target as HTMLInputElement).value))} aria-label="animation frame" /></label>`
        : nothing}`;
  }
}
