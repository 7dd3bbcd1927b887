/**
 * `<superposition-phase-diagram>`: a live, explorable phase diagram that trains its Toy Models of
 * Superposition (Elhage et al. 2022) on the reader's GPU and fills in as they learn.
 * This module defines the class only; `define.ts` registers the tags.
 */
import { FIGURES } from '../figures/registry.js';
import { pointInput, type FigureInput } from '../figures/input.js';
import { LitElement, html, nothing, type PropertyValues } from 'lit';
import { property, state } from 'lit/decorators.js';
import { assembleFigure, figureCellMap, shownFeatures, type MetricChoice } from '../render/figure-data.js';
import { renderPhaseDiagramPNG, type PhaseDiagramFigure } from '../render/figure.js';
import { DEFAULT_COLOR_MAP, regimeLabels } from '../render/colormap.js';
import { finiteRange } from '../render/heatmap.js';
import { acquireSharedHeatmap, sharedHeatmapStats, type SharedHeatmapHandle } from '../render/shared-regl.js';
import { theoryVariant } from '../render/theory-overlay.js';
import type { SweepSpec, SweepSpecInput } from '../science/spec.js';
import { metricFromAttributes, numberConverter, specFromAttributes, SWEEP_ATTRIBUTE_NAMES, type SweepAttributes } from './attributes.js';
import { cellModel, describeCell, fmt, renderAxes, renderLegend, tooltipLines, type CellIndex } from './diagram-chrome.js';
import { cellAt, cellBox, diagramHeight, plotRect } from './diagram-layout.js';
import { sharedEngineStats } from './engine-pool.js';
import type { LiveSweep } from './live-sweep.js';
import { diagramStyles } from './phase-diagram-styles.js';
import { SweepController, type DiagramResults, type DiagramStatus } from './sweep-controller.js';
import type { CellEventDetail } from './types.js';

export type { DiagramStatus, DiagramResults } from './sweep-controller.js';

/** Which (group, point, feature) a figure cell shows. */
interface CellOwner {
  group: number;
  pos: number;
  feature: number;
}

const compactFormat = new Intl.NumberFormat('en-US', { notation: 'compact', maximumSignificantDigits: 3 });

const SWEEP_PROPERTIES = Object.keys(SWEEP_ATTRIBUTE_NAMES) as (keyof SweepAttributes)[];

/**
 * The paper's figures the inspector draws for a selected, trained cell when they fit its model
 * (src/figures/registry.ts): its feature arrows (m = 2), its WᵀW, b and norms (the model strip of
 * one point), its neurons, its feature sets and its recorded dynamics.
 */
const INSPECTOR_FIGURES = ['feature-arrows', 'model-strip', 'privileged-basis', 'computation', 'correlated', 'dynamics'];

/**
 * A phase diagram of Toy Models of Superposition that trains in the reader's browser: one model
 * (or several seeds, keeping the lowest loss) per cell of a (feature density p = 1 − S, relative
 * importance r) grid, trained in WGSL compute shaders on WebGPU and drawn with regl (a float texture
 * of the shown metric coloured through a colour-map texture). While training runs the diagram fills
 * in from compact snapshots (the loss and the shown metric per model, never the weights); when it
 * finishes, hovering shows each cell's values and selecting a cell shows the model it learned.
 *
 * Without attributes it trains the paper's n = 2, m = 1 phase diagram (preset `phase-2-1`; section
 * "Superposition as a phase change"). Changing a sweep attribute stops the current run (freeing its
 * GPU buffers) and trains the new sweep when one was running or `autostart` is set.
 *
 * Keyboard: focus the plot (Tab), move with the arrow keys (Home/End: first/last column,
 * PageUp/PageDown: top/bottom row), Enter or Space selects the cell; a polite live region reads the
 * focused cell.
 *
 * @element superposition-phase-diagram
 *
 * @attr {string} preset - start from a named experiment: intro, relu-vs-linear, phase-2-1 (default), pentagon, tiny.
 * @attr {"relu"|"linear"} model - the model kind x' = ReLU(WᵀWx + b) or WᵀWx + b.
 * @attr {number} n-features - n, features (2..64).
 * @attr {number} n-hidden - m, hidden dimensions (1..16, < n).
 * @attr {number} density-min - smallest feature density p = 1 − S on the x axis, in (0, 1].
 * @attr {number} density-max - largest feature density p on the x axis, in (0, 1].
 * @attr {"log"|"linear"} density-mode - spacing of the density axis (default log).
 * @attr {number} importance-min - smallest relative importance r of the last feature (y axis), > 0.
 * @attr {number} importance-max - largest relative importance r (y axis), > 0.
 * @attr {"log"|"linear"} importance-mode - spacing of the importance axis (default log).
 * @attr {number} cols - cells along x (1..4096).
 * @attr {number} rows - cells along y (1..4096).
 * @attr {number} seeds - models per cell; the lowest-loss one is shown (1..1024).
 * @attr {number} steps - optimiser steps per model.
 * @attr {number} batch-size - examples per step.
 * @attr {number} learning-rate - peak learning rate (AdamW).
 * @attr {number} seed - u32 base seed; the same seed gives the same diagram.
 * @attr {string} metric - what colours the cells: regime (default), norm, superposition, dimensionality, benefit, loss, dims-per-feature.
 * @attr {number} feature - feature index i for per-feature metrics (default: the last feature).
 * @attr {boolean} theory - overlay the exact phase boundaries (ReLU p × r diagrams with n = 2, m = 1 or n = 3, m = 2 only).
 * @attr {boolean} autostart - start training as soon as the element is connected.
 * @attr {string} src - URL of a saved results.json to show instead of training (needs no WebGPU).
 * @attr {boolean} no-inspector - hide the built-in cell inspector (listen to `cell-select` to use your own).
 *
 * @fires {CustomEvent<SweepProgressDetail>} sweep-progress - while training, after each GPU submit.
 * @fires {CustomEvent<SweepCompleteDetail>} sweep-complete - training finished or a `src` file loaded.
 * @fires {CustomEvent<CellEventDetail>} cell-hover - the pointer or keyboard focus moved to a cell.
 * @fires {CustomEvent<CellEventDetail>} cell-select - a cell was clicked or chosen with Enter/Space.
 * @fires {CustomEvent<SweepErrorDetail>} sweep-error - no WebGPU, a lost device, a bad attribute or file, …
 *
 * @csspart frame - the whole figure.
 * @csspart toolbar - the row with the button, the progress bar and the status text.
 * @csspart button - the Start/Stop/Restart button.
 * @csspart progress - the progress bar.
 * @csspart status - the status text.
 * @csspart plot - the heatmap canvas.
 * @csspart axes - the SVG with axes, ticks, titles, crosshair, focus ring and theory overlay.
 * @csspart legend - the colour bar or regime legend.
 * @csspart tooltip - the hover tooltip.
 * @csspart message - the box that explains an error.
 * @csspart cell-figure - each figure of the paper the inspector draws for the selected, trained cell (arrows, WᵀW and norms, neurons, feature sets, dynamics; `<superposition-figure>`).
 * @csspart inspector - the built-in cell inspector.
 *
 * @cssprop --superposition-ink - text and axis colour (default #222).
 * @cssprop --superposition-muted - secondary text (default #666).
 * @cssprop --superposition-background - background (default white).
 * @cssprop --superposition-accent - focus ring, crosshair and progress colour (default #d62728).
 * @cssprop --superposition-font - font family (default system-ui, sans-serif).
 * @cssprop --superposition-theory - colour of the theory boundaries (default #111).
 */
export class SuperpositionPhaseDiagram extends LitElement {
  static override styles = diagramStyles;

  @property({ reflect: true }) preset?: string | null;
  @property({ reflect: true }) model?: string | null;
  @property({ attribute: 'n-features', converter: numberConverter, reflect: true }) nFeatures?: number | null;
  @property({ attribute: 'n-hidden', converter: numberConverter, reflect: true }) nHidden?: number | null;
  @property({ attribute: 'density-min', converter: numberConverter, reflect: true }) densityMin?: number | null;
  @property({ attribute: 'density-max', converter: numberConverter, reflect: true }) densityMax?: number | null;
  @property({ attribute: 'density-mode', reflect: true }) densityMode?: string | null;
  @property({ attribute: 'importance-min', converter: numberConverter, reflect: true }) importanceMin?: number | null;
  @property({ attribute: 'importance-max', converter: numberConverter, reflect: true }) importanceMax?: number | null;
  @property({ attribute: 'importance-mode', reflect: true }) importanceMode?: string | null;
  @property({ converter: numberConverter, reflect: true }) cols?: number | null;
  @property({ converter: numberConverter, reflect: true }) rows?: number | null;
  @property({ converter: numberConverter, reflect: true }) seeds?: number | null;
  @property({ converter: numberConverter, reflect: true }) steps?: number | null;
  @property({ attribute: 'batch-size', converter: numberConverter, reflect: true }) batchSize?: number | null;
  @property({ attribute: 'learning-rate', converter: numberConverter, reflect: true }) learningRate?: number | null;
  @property({ converter: numberConverter, reflect: true }) seed?: number | null;
  /** What colours the cells (see the `metric` attribute). */
  @property({ reflect: true }) metric?: string | null;
  /** Feature index for per-feature metrics. */
  @property({ converter: numberConverter, reflect: true }) feature?: number | null;
  /** Overlay the exact phase boundaries where they exist. */
  @property({ type: Boolean, reflect: true }) theory = false;
  /** Start training when connected (and restart after attribute changes). */
  @property({ type: Boolean, reflect: true }) autostart = false;
  /** URL of a saved results.json to show instead of training. */
  @property({ reflect: true }) src?: string | null;
  /** Hide the built-in inspector. */
  @property({ type: Boolean, attribute: 'no-inspector', reflect: true }) noInspector = false;
  /** A whole sweep spec (the README's "Spec format"); when set it wins over the sweep attributes. */
  @property({ attribute: false }) spec?: SweepSpecInput | null;

  @state() private hover: (CellIndex & { px: number; py: number }) | undefined;
  @state() private focusCell: CellIndex = { xIndex: 0, yIndex: 0 };
  @state() private focusVisible = false;
  @state() private selected: CellIndex | undefined;
  @state() private size = { width: 640, height: diagramHeight(640) };

  /** Training, loading and the engine claim. */
  private readonly sweep = new SweepController(this, () => this.scheduleFrame());
  private figure: PhaseDiagramFigure | undefined;
  private owners: (CellOwner | undefined)[] = [];
  /** What `owners` was built for: it depends on the sweep's grid and the metric, not on the values. */
  private ownersFor: { sweep: object; metric: string; feature: number | undefined } | undefined;
  /** The inspector's cell detail, kept until the selection or the figure changes (hover re-renders must not rebuild it). */
  private inspected: { figure: PhaseDiagramFigure; x: number; y: number; detail: CellEventDetail | undefined; figures?: { figure: string; input: FigureInput }[] } | undefined;
  private heatmap: SharedHeatmapHandle | undefined;
  private frameRequest = 0;
  private resizeObserver: ResizeObserver | undefined;
  private configDirty = true;
  /** The latest reconfiguration (start() waits for it). */
  private configuring: Promise<void> = Promise.resolve();
  /** Bumped by every reconfiguration; an older one that wakes up late does nothing. */
  private generation = 0;
  /** A run was active when a reconfiguration began that a newer one superseded: the newest restarts it. */
  private restartPending = false;
  private configuredOnce = false;
  /** The disconnect cut a run short (reconnecting with `autostart` starts again). */
  private interrupted = false;
  /** What the aria-live region says: only set on keyboard moves, not on every redraw. */
  @state() private liveText = '';
  private connected = false;
  /** Set between pointerdown and focus, so a click does not show the keyboard focus ring. */
  private pointerFocus = false;

  // ---------------------------------------------------------------------------------------------
  // Lifecycle
  // ---------------------------------------------------------------------------------------------

  /** First connection: configure from the attributes. Reconnection (the element moved): keep what is shown. */
  override connectedCallback(): void {
    super.connectedCallback();
    this.connected = true;
    if (!this.configuredOnce) this.configDirty = true;
    else if (this.interrupted && this.autostart) void this.start();
    this.interrupted = false;
    this.requestUpdate();
    this.scheduleFrame();
  }

  /** Stops training (the controller gives back the engine) and releases the shared WebGL context. */
  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.connected = false;
    this.interrupted = this.sweep.running;
    this.resizeObserver?.disconnect();
    this.resizeObserver = undefined;
    cancelAnimationFrame(this.frameRequest);
    this.frameRequest = 0;
    this.heatmap?.release();
    this.heatmap = undefined;
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (SWEEP_PROPERTIES.some((k) => changed.has(k)) || changed.has('spec') || changed.has('src')) this.configDirty = true;
    if ((changed.has('metric') || changed.has('feature')) && this.sweep.spec && !this.configDirty) this.applyMetric();
  }

  protected override updated(changed: PropertyValues<this>): void {
    if (!this.connected) return;
    if (!this.resizeObserver) this.observeSize();
    if (this.configDirty) {
      this.configDirty = false;
      this.configuring = this.reconfigure();
      return;
    }
    if ((changed as Map<PropertyKey, unknown>).has('size')) this.scheduleFrame();
  }

  private observeSize(): void {
    const box = this.renderRoot.querySelector('.figure') as HTMLElement;
    this.resizeObserver = new ResizeObserver((entries) => {
      const width = Math.max(280, Math.round(entries[0]!.contentRect.width));
      if (width !== this.size.width) this.size = { width, height: diagramHeight(width) };
    });
    this.resizeObserver.observe(box);
  }

  // ---------------------------------------------------------------------------------------------
  // Public API
  // ---------------------------------------------------------------------------------------------

  /**
   * Trains the sweep the attributes (or `spec`) describe, from scratch. Resolves when training
   * completes, is stopped or fails; never rejects: failures show in the element's message box and
   * fire `sweep-error`. Calling it while training returns the running promise.
   */
  async start(): Promise<void> {
    if (!this.isConnected) return;
    // Let pending attribute changes apply first (they may start further reconfigurations).
    for (;;) {
      if (!this.connected) return;
      if (this.isUpdatePending || this.configDirty) await this.updateComplete;
      if (!this.connected) return;
      const configuring = this.configuring;
      await configuring;
      if (configuring === this.configuring && !this.isUpdatePending && !this.configDirty) break;
    }
    return this.sweep.start();
  }

  /** Stops training; what was computed stays on screen. Resolves once the GPU work has stopped and its buffers are freed. */
  stop(): Promise<void> {
    return this.sweep.stop();
  }

  /** Stops training and clears the diagram (no restart, even with `autostart`). */
  async reset(): Promise<void> {
    // Supersede any pending reconfiguration (it must not restart), then stop whatever runs.
    this.generation++;
    await this.configuring;
    while (this.sweep.running) await this.sweep.stop();
    this.restartPending = false;
    this.selected = undefined;
    this.sweep.configure(this.sweep.spec, this.sweep.metric);
  }

  /**
   * The current diagram as a PNG: the same figure the CLI writes (default 800 × 600 CSS pixels,
   * axes, legend, title), drawn from what is on screen (finished or live values) in a short-lived
   * WebGL context of its own (not the page's shared one).
   * @throws Error when there is nothing to draw yet (no valid spec), or WebGL is unavailable
   */
  async toBlob(size?: { width: number; height: number }): Promise<Blob> {
    const { spec, sweep, metric } = this.sweep;
    if (!spec || !sweep) throw new Error('superposition-phase-diagram: nothing to draw yet');
    return renderPhaseDiagramPNG(assembleFigure(spec, sweep.views(metric), metric, size));
  }

  /**
   * The finished results: the validated spec and, per model group (one per model kind), its
   * ModelResults (instance-major, instance = pointIndex × seeds + seedIndex; layouts in
   * src/science/types.ts) and the kept seed per point. Undefined until training completes or a
   * `src` file has loaded.
   */
  results(): DiagramResults | undefined {
    return this.sweep.results();
  }

  /** What the diagram is doing now. */
  get state(): DiagramStatus {
    return this.sweep.status;
  }

  /**
   * The rectangle of cell (xIndex, yIndex) in viewport CSS pixels (yIndex 0 is the bottom row), or
   * undefined before the first frame. For tests and for pages that annotate cells.
   */
  cellRect(xIndex: number, yIndex: number): DOMRect | undefined {
    const box = this.renderRoot.querySelector('.figure')?.getBoundingClientRect();
    if (!box || !this.figure) return undefined;
    const r = cellBox(plotRect(this.size.width, this.size.height), this.figure.xCount, this.figure.yCount, xIndex, yIndex);
    return new DOMRect(box.x + r.x, box.y + r.y, r.width, r.height);
  }

  /** For tests and diagnostics: the page's shared GPU resources (engine buffers, WebGL textures and contexts). */
  static async resourceStats(): Promise<{ engine: Awaited<ReturnType<typeof sharedEngineStats>>; webgl: ReturnType<typeof sharedHeatmapStats> }> {
    return { engine: await sharedEngineStats(), webgl: sharedHeatmapStats() };
  }

  // ---------------------------------------------------------------------------------------------
  // Configuration
  // ---------------------------------------------------------------------------------------------

  private sweepAttributes(): SweepAttributes {
    const out: SweepAttributes = {};
    for (const k of SWEEP_PROPERTIES) (out as Record<string, unknown>)[k] = this[k];
    return out;
  }

  /**
   * Applies changed attributes: stops the old run, validates, and starts the new sweep when one was
   * running or `autostart` is set (or loads `src`). Only the newest of overlapping calls acts.
   */
  private async reconfigure(): Promise<void> {
    const generation = ++this.generation;
    const wasRunning = this.sweep.running || this.restartPending;
    while (this.sweep.running) await this.sweep.stop();
    if (generation !== this.generation || !this.connected) {
      this.restartPending = wasRunning;
      // Removed meanwhile: apply these attributes when the element comes back.
      if (!this.connected && generation === this.generation) this.configDirty = true;
      return;
    }
    this.restartPending = false;
    this.configuredOnce = true;
    this.selected = undefined;
    this.hover = undefined;
    this.figure = undefined;
    const src = this.src;
    if (src) {
      // A saved file needs none of the sweep attributes (nor WebGPU).
      this.sweep.configure(undefined, { name: 'regime' });
      await this.sweep.load(src, this.metric, this.feature, () => src === this.src && generation === this.generation);
      // `metric` or `feature` may have changed while the file loaded.
      if (this.sweep.spec && generation === this.generation) this.applyMetric();
      return;
    }
    let spec;
    try {
      spec = specFromAttributes(this.sweepAttributes(), this.spec);
    } catch (e) {
      this.sweep.configure(undefined, { name: 'regime' });
      this.sweep.fail(e);
      return;
    }
    try {
      this.sweep.configure(spec, metricFromAttributes(this.metric, this.feature, spec.nFeatures));
    } catch (e) {
      // A bad `metric` or `feature` does not stop the sweep: show the regime and say what is wrong.
      this.sweep.configure(spec, { name: 'regime' });
      this.sweep.fail(e, true);
    }
    if (this.autostart || wasRunning) void this.sweep.start();
  }

  /** A new `metric` or `feature`: recolour (no retraining). A bad value is reported; the sweep goes on. */
  private applyMetric(): void {
    try {
      this.sweep.setMetric(metricFromAttributes(this.metric, this.feature, this.sweep.spec!.nFeatures));
      if (this.sweep.failure?.name === 'AttributeError') this.sweep.failure = undefined;
    } catch (e) {
      this.sweep.fail(e, true);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Drawing
  // ---------------------------------------------------------------------------------------------

  private scheduleFrame(): void {
    if (this.frameRequest || !this.connected) return;
    this.frameRequest = requestAnimationFrame(() => {
      this.frameRequest = 0;
      this.drawFrame();
    });
  }

  /** Assembles the figure from the sweep (live or final), draws the heatmap and re-renders the chrome. */
  private drawFrame(): void {
    const { spec, sweep, metric } = this.sweep;
    if (!spec || !sweep) {
      this.figure = undefined;
      this.requestUpdate();
      return;
    }
    const previous = this.figure;
    this.figure = assembleFigure(spec, sweep.views(metric), metric);
    if (!previous || previous.xCount !== this.figure.xCount || previous.yCount !== this.figure.yCount) this.clampCells(this.figure);
    const o = this.ownersFor;
    if (!o || o.sweep !== sweep || o.metric !== metric.name || o.feature !== metric.feature) {
      this.owners = cellOwners(spec, sweep, metric);
      this.ownersFor = { sweep, metric: metric.name, feature: metric.feature };
    }
    const canvas = this.renderRoot.querySelector('canvas.plot') as HTMLCanvasElement | null;
    if (canvas) {
      const plot = plotRect(this.size.width, this.size.height);
      const dpr = window.devicePixelRatio || 1;
      try {
        this.heatmap ??= acquireSharedHeatmap();
        const c = this.figure.coloring;
        this.heatmap.drawTo(
          canvas,
          {
            values: this.figure.values,
            xCount: this.figure.xCount,
            yCount: this.figure.yCount,
            ...(c.kind === 'continuous' ? { colorMap: c.colorMap ?? DEFAULT_COLOR_MAP, domain: c.domain ?? finiteRange(this.figure.values) } : { categorical: c.colors }),
          },
          plot.width * dpr,
          plot.height * dpr,
        );
      } catch (e) {
        if (this.sweep.failure?.name !== 'WebGLUnavailableError') this.sweep.fail(e);
      }
    }
    this.requestUpdate();
  }

  /** After the grid changed shape: keep the focus inside it and drop a selection or hover outside it. */
  private clampCells(fig: PhaseDiagramFigure): void {
    const inside = (c: CellIndex | undefined) => c !== undefined && c.xIndex < fig.xCount && c.yIndex < fig.yCount;
    this.focusCell = { xIndex: Math.min(this.focusCell.xIndex, fig.xCount - 1), yIndex: Math.min(this.focusCell.yIndex, fig.yCount - 1) };
    if (!inside(this.selected)) this.selected = undefined;
    if (!inside(this.hover)) this.hover = undefined;
  }

  /** The event detail (and inspector model) of a cell; undefined outside the grid. */
  private cellDetail(xIndex: number, yIndex: number): CellEventDetail | undefined {
    const fig = this.figure;
    const { spec, sweep, metric } = this.sweep;
    if (!fig || !spec || !sweep) return undefined;
    if (!(xIndex >= 0 && xIndex < fig.xCount && yIndex >= 0 && yIndex < fig.yCount)) return undefined;
    const k = yIndex * fig.xCount + xIndex;
    const owner = this.owners[k];
    const g = owner ? sweep.groups[owner.group] : undefined;
    const point = owner && g ? g.set.points[owner.pos] : undefined;
    const value = fig.values[k] ?? NaN;
    const detail: CellEventDetail = {
      xIndex,
      yIndex,
      xValue: fig.x.values?.[xIndex] ?? NaN,
      yValue: fig.y.values?.[yIndex] ?? NaN,
      xTitle: fig.x.title,
      yTitle: fig.y.title,
      value,
      metric: metric.name,
      feature: owner?.feature ?? -1,
    };
    const xLabel = fig.x.labels?.[xIndex];
    const yLabel = fig.y.labels?.[yIndex];
    if (!Number.isFinite(detail.xValue) && xLabel) detail.xLabel = xLabel;
    if (!Number.isFinite(detail.yValue) && yLabel) detail.yLabel = yLabel;
    if (g) detail.modelKind = g.set.model;
    if (metric.name === 'regime' && Number.isFinite(value)) detail.label = regimeLabels[value] ?? String(value);
    if (!Number.isFinite(value) && g?.results) detail.label = 'diverged';
    if (owner && g?.results && point) {
      const inst = sweep.keptInstance(owner.group, owner.pos);
      if (inst >= 0) detail.model = cellModel(g.results, g.set.model, inst, point.featureProbability, point.importance, inst % g.set.seeds);
    }
    return detail;
  }

  // ---------------------------------------------------------------------------------------------
  // Interaction
  // ---------------------------------------------------------------------------------------------

  private pointerCell(e: PointerEvent | MouseEvent): (CellIndex & { px: number; py: number }) | undefined {
    if (!this.figure) return undefined;
    const box = (this.renderRoot.querySelector('.figure') as HTMLElement).getBoundingClientRect();
    const px = e.clientX - box.x;
    const py = e.clientY - box.y;
    const cell = cellAt(plotRect(this.size.width, this.size.height), this.figure.xCount, this.figure.yCount, px, py);
    return cell ? { ...cell, px, py } : undefined;
  }

  private onPointerMove(e: PointerEvent): void {
    const cell = this.pointerCell(e);
    const changed = cell?.xIndex !== this.hover?.xIndex || cell?.yIndex !== this.hover?.yIndex;
    this.hover = cell;
    if (cell && changed) this.emitCell('cell-hover', cell);
  }

  private onClick(e: MouseEvent): void {
    this.pointerFocus = false;
    const cell = this.pointerCell(e);
    if (!cell) return;
    this.focusCell = { xIndex: cell.xIndex, yIndex: cell.yIndex };
    this.select(this.focusCell);
  }

  private select(cell: CellIndex): void {
    this.selected = { ...cell };
    this.emitCell('cell-select', cell);
  }

  private emitCell(type: 'cell-hover' | 'cell-select', cell: CellIndex): void {
    const detail = this.cellDetail(cell.xIndex, cell.yIndex);
    if (detail) this.dispatchEvent(new CustomEvent<CellEventDetail>(type, { detail, bubbles: true, composed: true }));
  }

  private onKeyDown(e: KeyboardEvent): void {
    const fig = this.figure;
    if (!fig) return;
    let { xIndex, yIndex } = this.focusCell;
    switch (e.key) {
      case 'ArrowLeft': xIndex--; break;
      case 'ArrowRight': xIndex++; break;
      case 'ArrowUp': yIndex++; break;
      case 'ArrowDown': yIndex--; break;
      case 'Home': xIndex = 0; break;
      case 'End': xIndex = fig.xCount - 1; break;
      case 'PageUp': yIndex = fig.yCount - 1; break;
      case 'PageDown': yIndex = 0; break;
      case 'Enter':
      case ' ':
        e.preventDefault();
        this.select(this.focusCell);
        return;
      case 'Escape':
        this.selected = undefined;
        return;
      default:
        return;
    }
    e.preventDefault();
    this.focusVisible = true;
    this.focusCell = { xIndex: clamp(xIndex, 0, fig.xCount - 1), yIndex: clamp(yIndex, 0, fig.yCount - 1) };
    this.announceFocus();
    this.emitCell('cell-hover', this.focusCell);
  }

  /** Puts the focused cell's description in the aria-live region (on keyboard moves and focus only). */
  private announceFocus(): void {
    const d = this.cellDetail(this.focusCell.xIndex, this.focusCell.yIndex);
    this.liveText = d ? describeCell(d) : '';
  }

  private onButton(): void {
    if (this.sweep.running) void this.stop();
    else void this.start();
  }

  // ---------------------------------------------------------------------------------------------
  // Rendering
  // ---------------------------------------------------------------------------------------------

  protected override render(): unknown {
    const { width, height } = this.size;
    const plot = plotRect(width, height);
    const fig = this.figure;
    const spec = this.sweep.spec;
    const variant = this.theory && spec ? theoryVariant(spec) : null;
    const theory = spec && variant ? { spec, variant } : undefined;
    const focusedDetail = fig && this.focusVisible ? this.cellDetail(this.focusCell.xIndex, this.focusCell.yIndex) : undefined;
    const missingLabel = this.sweep.status === 'complete' ? 'diverged' : 'not trained yet';
    const marks = { ...(this.hover ? { hover: this.hover } : {}), ...(this.focusVisible ? { focus: this.focusCell } : {}), ...(this.selected ? { selected: this.selected } : {}), ...(theory ? { theory } : {}) };
    return html`
      <div class="frame" part="frame">
        ${this.renderToolbar()}
        <div class="figure" style="height:${height}px">
          <canvas class="plot" part="plot" style="left:${plot.x}px;top:${plot.y}px;width:${plot.width}px;height:${plot.height}px" aria-hidden="true"></canvas>
          <svg class="axes" part="axes" width=${width} height=${height} viewBox="0 0 ${width} ${height}" aria-hidden="true">
            ${fig ? renderAxes(plot, fig, marks) : nothing}
          </svg>
          <div
            class="hit"
            role="grid"
            aria-label=${fig ? `${fig.title}. Use the arrow keys to move between cells and Enter to inspect one.` : 'phase diagram'}
            aria-rowcount=${fig?.yCount ?? 0}
            aria-colcount=${fig?.xCount ?? 0}
            tabindex="0"
            style="left:${plot.x}px;top:${plot.y}px;width:${plot.width}px;height:${plot.height}px"
            @pointermove=${this.onPointerMove}
            @pointerleave=${() => (this.hover = undefined)}
            @pointerdown=${() => (this.pointerFocus = true)}
            @click=${this.onClick}
            @keydown=${this.onKeyDown}
            @focus=${() => {
              this.focusVisible = !this.pointerFocus;
              this.pointerFocus = false;
              if (this.focusVisible) this.announceFocus();
            }}
            @blur=${() => (this.focusVisible = false)}
          >
            ${focusedDetail
              ? html`<div role="row" aria-rowindex=${fig!.yCount - this.focusCell.yIndex} class="visually-hidden">
                  <div role="gridcell" id="active-cell" aria-colindex=${this.focusCell.xIndex + 1} aria-selected=${this.selected?.xIndex === this.focusCell.xIndex && this.selected?.yIndex === this.focusCell.yIndex ? 'true' : 'false'}>${describeCell(focusedDetail)}</div>
                </div>`
              : nothing}
          </div>
          ${fig ? renderLegend(plot, fig, theory !== undefined, missingLabel) : nothing}
          ${this.renderTooltip()}
          ${this.renderMessage()}
        </div>
        <div id="live" class="visually-hidden" aria-live="polite">${this.focusVisible ? this.liveText : ''}</div>
        <div class="visually-hidden" aria-live="polite">${this.statusAnnouncement()}</div>
        ${this.noInspector ? nothing : this.renderInspector()}
      </div>
    `;
  }

  private renderToolbar(): unknown {
    const { status, progress: p, sweep, failure, running } = this.sweep;
    const models = compactFormat.format(sweep?.instances ?? 0);
    const label = running ? 'Stop' : status === 'complete' || status === 'stopped' || status === 'error' ? 'Restart' : 'Train';
    let text: string;
    switch (status) {
      case 'training':
        text = p
          ? `Training ${models} models · ${Math.floor(p.fraction * 100)}% · ${compactFormat.format(p.samplesPerSecond)} samples/s${Number.isFinite(p.etaSeconds) ? ` · ${Math.ceil(p.etaSeconds)} s left` : ''}`
          : 'Starting the GPU…';
        break;
      case 'complete':
        text = this.src ? `Loaded ${models} models from ${this.src}` : `Trained ${models} models in ${fmt(this.sweep.seconds)} s`;
        // Diverged cells are drawn as missing; say why, and what helps.
        if (!this.src && this.sweep.diverged > 0) text += ` · ${fmt(this.sweep.diverged)} diverged (NaN loss): try a smaller learning rate`;
        break;
      case 'stopped':
        text = 'Stopped; what was trained so far stays on screen.';
        break;
      case 'loading':
        text = `Loading ${this.src}…`;
        break;
      case 'error':
        text = failure?.title ?? 'Error';
        break;
      default:
        text = sweep ? `${models} models to train` : '';
    }
    const fraction = status === 'complete' ? 1 : (p?.fraction ?? 0);
    return html`<div class="toolbar" part="toolbar">
      ${this.src ? nothing : html`<button part="button" type="button" @click=${this.onButton} ?disabled=${!this.sweep.spec}>${label}</button>`}
      <progress part="progress" max="1" .value=${fraction} aria-label="training progress"></progress>
      <span class="status" part="status">${text}</span>
    </div>`;
  }

  /** A sentence per state (not per progress report), for the polite live region. */
  private statusAnnouncement(): string {
    switch (this.sweep.status) {
      case 'training':
        return 'Training started.';
      case 'complete':
        return 'Training complete.';
      case 'stopped':
        return 'Training stopped.';
      case 'error':
        return this.sweep.failure?.title ?? 'Error.';
      default:
        return '';
    }
  }

  private renderTooltip(): unknown {
    const h = this.hover;
    const d = h ? this.cellDetail(h.xIndex, h.yIndex) : undefined;
    if (!h || !d) return nothing;
    const flip = h.px > this.size.width * 0.6;
    const style = `top:${h.py + 14}px;${flip ? `right:${this.size.width - h.px + 14}px` : `left:${h.px + 14}px`}`;
    return html`<div class="tooltip" part="tooltip" role="tooltip" style=${style}>${tooltipLines(d, this.sweep.metric).map((l) => html`<div>${l}</div>`)}</div>`;
  }

  private renderMessage(): unknown {
    const f = this.sweep.failure;
    if (!f) return nothing;
    const canRetry = !['AttributeError', 'ResultsFileError', 'WebGPUUnavailableError', 'WebGLUnavailableError'].includes(f.name);
    return html`<div class="message" part="message" role="alert">
      <strong>${f.title}</strong>
      <p>${f.message}</p>
      <p>${f.advice}</p>
      ${canRetry ? html`<button type="button" @click=${() => void this.start()}>Restart</button>` : nothing}
    </div>`;
  }

  private renderInspector(): unknown {
    const sel = this.selected;
    if (!sel || !this.figure) return nothing;
    const i = this.inspected;
    if (!i || i.figure !== this.figure || i.x !== sel.xIndex || i.y !== sel.yIndex) {
      this.inspected = { figure: this.figure, x: sel.xIndex, y: sel.yIndex, detail: this.cellDetail(sel.xIndex, sel.yIndex) };
    }
    const d = this.inspected!.detail;
    const heading = d ? `Cell ${describeCell(d)}` : '';
    const figures = this.inspected!.figures ?? (this.inspected!.figures = this.cellFigures(sel));
    // Once the cell's group is trained, the registry's figures replace the inspector's own views.
    const drawn = figures.some((f) => f.figure === 'model-strip');
    return html`<superposition-cell-inspector part="inspector" .cell=${d?.model} heading=${heading} ?no-views=${drawn}></superposition-cell-inspector>
      ${figures.map((f) => html`<superposition-figure part="cell-figure" figure=${f.figure} .input=${f.input}></superposition-figure>`)}`;
  }

  /**
   * The registry figures the inspector shows for the selected cell's model (INSPECTOR_FIGURES that
   * fit), each drawn from that grid point alone; none while its model group is still training
   * (the inspector's own views show the live model then).
   */
  private cellFigures(sel: CellIndex): { figure: string; input: FigureInput }[] {
    const fig = this.figure;
    const { spec, sweep } = this.sweep;
    const owner = fig ? this.owners[sel.yIndex * fig.xCount + sel.xIndex] : undefined;
    const g = owner && sweep ? sweep.groups[owner.group] : undefined;
    if (!spec || !owner || !g?.results || !g.kept) return [];
    const input = pointInput({ spec, groups: [{ set: g.set, results: g.results, kept: g.kept }] }, 0, owner.pos);
    return INSPECTOR_FIGURES.filter((name) => FIGURES[name]!.fits(input) === null).map((figure) => ({ figure, input }));
  }
}

/** Which (group, point, feature) each figure cell shows (index = yIndex · xCount + xIndex). */
function cellOwners(spec: SweepSpec, sweep: LiveSweep, metric: MetricChoice): (CellOwner | undefined)[] {
  const map = figureCellMap(spec, sweep.groups, metric);
  const owners = new Array<CellOwner | undefined>(map.xCount * map.yCount);
  const features = shownFeatures(spec, metric);
  sweep.groups.forEach((g, group) =>
    g.set.points.forEach((_, pos) => {
      for (const feature of features) {
        const cell = map.cellOf(group, pos, feature);
        if (cell >= 0) owners[cell] = { group, pos, feature };
      }
    }),
  );
  return owners;
}

function clamp(v: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, v));
}
