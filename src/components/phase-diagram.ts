/**
 * `<superposition-phase-diagram>`: a live, explorable phase diagram that trains its Toy Models of
 * Superposition (Elhage et al. 2022) on the reader's GPU and fills in as they learn.
 * This module defines the class only; `define.ts` registers the tags.
 */
import { LitElement, html, nothing, svg, type PropertyValues } from 'lit';
import { property, state } from 'lit/decorators.js';
import { CancelledError } from '../engine/errors.js';
import type { Engine } from '../engine/engine.js';
import { assembleFigure, figureCellMap, metricTitles, shownFeatures, type MetricChoice } from '../render/figure-data.js';
import { axisTicks, renderPhaseDiagramPNG, type PhaseDiagramFigure } from '../render/figure.js';
import { colorMapLUT, DEFAULT_COLOR_MAP, LUT_SIZE, regimeLabels, toHex } from '../render/colormap.js';
import { finiteRange } from '../render/heatmap.js';
import { acquireSharedHeatmap, sharedHeatmapStats, type SharedHeatmapHandle } from '../render/shared-regl.js';
import { continuousTicks, formatTick } from '../render/ticks.js';
import { boundaryPath, theoryApplies, theoryBoundaries } from '../render/theory-overlay.js';
import { loadResultsFile } from '../science/results-file.js';
import type { SweepSpec, SweepSpecInput } from '../science/spec.js';
import type { ModelResults } from '../science/types.js';
import { metricFromAttributes, numberConverter, specFromAttributes, SWEEP_ATTRIBUTE_NAMES, type SweepAttributes } from './attributes.js';
import { axisFraction, axisRange, cellAt, cellBox, diagramHeight, plotRect } from './diagram-layout.js';
import { acquireSharedEngine, releaseSharedEngine, sharedEngineStats } from './engine-pool.js';
import { errorDetail } from './error-advice.js';
import { LiveSweep, type LiveProgress } from './live-sweep.js';
import { diagramStyles } from './phase-diagram-styles.js';
import type { CellEventDetail, CellModel, SweepCompleteDetail, SweepErrorDetail, SweepProgressDetail } from './types.js';

/** What the diagram is doing. */
export type DiagramStatus = 'idle' | 'loading' | 'training' | 'stopped' | 'complete' | 'error';

/** Which (group, point, feature) a figure cell shows. */
interface CellOwner {
  group: number;
  pos: number;
  feature: number;
}

const numberFormat = new Intl.NumberFormat('en-US', { maximumSignificantDigits: 3 });
const compactFormat = new Intl.NumberFormat('en-US', { notation: 'compact', maximumSignificantDigits: 3 });
const fmt = (v: number): string => (Number.isFinite(v) ? numberFormat.format(v) : '–');

const SWEEP_PROPERTIES = Object.keys(SWEEP_ATTRIBUTE_NAMES) as (keyof SweepAttributes)[];

/**
 * A phase diagram of Toy Models of Superposition that trains in the reader's browser: one model
 * (or several seeds, keeping the lowest loss) per cell of a (feature density p = 1 − S, relative
 * importance r) grid, trained in WGSL compute shaders on WebGPU and drawn with regl (a float texture
 * of the shown metric coloured through a colour-map texture). While training runs the diagram fills
 * in from compact snapshots (the loss and the shown metric per model, never the weights); when it
 * finishes, hovering shows each cell's values and selecting a cell shows the model it learned.
 *
 * Without attributes it trains the paper's n = 2, m = 1 phase diagram (preset `phase-2-1`; section
 * "Superposition as a phase change"). Changing any sweep attribute restarts training cleanly.
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
 * @attr {boolean} theory - overlay the exact phase boundaries (n = 2, m = 1 ReLU diagrams only).
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

  @state() private status: DiagramStatus = 'idle';
  @state() private progress: LiveProgress | undefined;
  @state() private failure: (SweepErrorDetail & { title: string }) | undefined;
  @state() private hover: { xIndex: number; yIndex: number; px: number; py: number } | undefined;
  @state() private focusCell = { xIndex: 0, yIndex: 0 };
  @state() private focusVisible = false;
  @state() private selected: { xIndex: number; yIndex: number } | undefined;
  @state() private size = { width: 640, height: diagramHeight(640) };

  private sweep: LiveSweep | undefined;
  private sweepSpec: SweepSpec | undefined;
  private metricChoice: MetricChoice = { name: 'regime' };
  private figure: PhaseDiagramFigure | undefined;
  private owners: (CellOwner | undefined)[] = [];
  private engine: Engine | undefined;
  private heatmap: SharedHeatmapHandle | undefined;
  private run: { controller: AbortController; done: Promise<void> } | undefined;
  private frameRequest = 0;
  private resizeObserver: ResizeObserver | undefined;
  private configDirty = true;
  private seconds = 0;
  private connected = false;
  /** Set between pointerdown and focus, so a click does not show the keyboard focus ring. */
  private pointerFocus = false;

  // ---------------------------------------------------------------------------------------------
  // Lifecycle
  // ---------------------------------------------------------------------------------------------

  override connectedCallback(): void {
    super.connectedCallback();
    this.connected = true;
    this.configDirty = true;
    this.requestUpdate();
  }

  /** Stops training and frees this diagram's GPU claims (engine and shared WebGL context). */
  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.connected = false;
    this.run?.controller.abort();
    this.resizeObserver?.disconnect();
    this.resizeObserver = undefined;
    cancelAnimationFrame(this.frameRequest);
    this.frameRequest = 0;
    const finish = () => {
      if (this.connected) return;
      this.heatmap?.release();
      this.heatmap = undefined;
      if (this.engine) releaseSharedEngine(this.engine);
      this.engine = undefined;
    };
    if (this.run) void this.run.done.then(finish);
    else finish();
  }

  protected override firstUpdated(): void {
    const box = this.renderRoot.querySelector('.figure') as HTMLElement;
    this.resizeObserver = new ResizeObserver((entries) => {
      const width = Math.max(280, Math.round(entries[0]!.contentRect.width));
      if (width !== this.size.width) this.size = { width, height: diagramHeight(width) };
    });
    this.resizeObserver.observe(box);
  }


  protected override willUpdate(changed: PropertyValues<this>): void {
    if (SWEEP_PROPERTIES.some((k) => changed.has(k)) || changed.has('spec') || changed.has('src')) this.configDirty = true;
    if ((changed.has('metric') || changed.has('feature')) && this.sweepSpec) this.applyMetric();
  }

  protected override updated(changed: PropertyValues<this>): void {
    if (!this.isConnectedAndReady()) return;
    if (!this.resizeObserver) this.firstUpdated();
    if (this.configDirty) {
      this.configDirty = false;
      void this.reconfigure();
      return;
    }
    if ((changed as Map<PropertyKey, unknown>).has('size') || changed.has('metric') || changed.has('feature')) this.scheduleFrame();
  }

  private isConnectedAndReady(): boolean {
    return this.connected && this.hasUpdated;
  }

  // ---------------------------------------------------------------------------------------------
  // Public API
  // ---------------------------------------------------------------------------------------------

  /**
   * Trains the sweep the attributes (or `spec`) describe, from scratch. Resolves when training
   * completes, is stopped or fails; never rejects: failures show in the element's message box and
   * fire `sweep-error`. Calling it while training returns the running promise.
   */
  start(): Promise<void> {
    if (this.run) return this.run.done;
    if (!this.sweepSpec) {
      this.configDirty = true;
      this.requestUpdate();
      return this.updateComplete.then(() => (this.run ? this.run.done : undefined));
    }
    if (!this.sweep || this.sweep.complete || this.status === 'stopped' || this.status === 'error') this.newSweep();
    const controller = new AbortController();
    const done = this.train(controller.signal).finally(() => {
      if (this.run?.controller === controller) this.run = undefined;
    });
    this.run = { controller, done };
    return done;
  }

  /** Stops training; what was computed stays on screen. Resolves once the GPU work has stopped and its buffers are freed. */
  stop(): Promise<void> {
    const run = this.run;
    if (!run) return Promise.resolve();
    run.controller.abort();
    return run.done;
  }

  /** Stops training and clears the diagram (no restart, even with `autostart`). */
  async reset(): Promise<void> {
    await this.stop();
    this.failure = undefined;
    this.selected = undefined;
    this.progress = undefined;
    this.status = 'idle';
    if (this.sweepSpec) this.newSweep();
  }

  /**
   * The current diagram as a PNG: the same figure the CLI writes (800 × 600, axes, legend, title).
   * @throws Error when there is nothing to draw yet (no valid spec), or WebGL is unavailable
   */
  async toBlob(size?: { width: number; height: number }): Promise<Blob> {
    if (!this.sweep || !this.sweepSpec) throw new Error('superposition-phase-diagram: nothing to draw yet');
    const figure = assembleFigure(this.sweepSpec, this.sweep.views(this.metricChoice), this.metricChoice, size);
    return renderPhaseDiagramPNG(figure);
  }

  /**
   * The finished results: the validated spec and, per model group (one per model kind), its
   * ModelResults (instance-major, instance = pointIndex × seeds + seedIndex; layouts in
   * src/science/types.ts) and the kept seed per point. Undefined until training completes or a
   * `src` file has loaded.
   */
  results(): { spec: SweepSpec; groups: { model: string; results: ModelResults; kept: Int32Array }[] } | undefined {
    if (!this.sweep?.complete || !this.sweepSpec) return undefined;
    return { spec: this.sweepSpec, groups: this.sweep.groups.map((g) => ({ model: g.set.model, results: g.results!, kept: g.kept! })) };
  }

  /** What the diagram is doing now. */
  get state(): DiagramStatus {
    return this.status;
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
  // Configuration and training
  // ---------------------------------------------------------------------------------------------

  private sweepAttributes(): SweepAttributes {
    const out: SweepAttributes = {};
    for (const k of SWEEP_PROPERTIES) (out as Record<string, unknown>)[k] = this[k];
    return out;
  }

  /** Applies changed attributes: stops the old run, validates, and restarts or loads as asked. */
  private async reconfigure(): Promise<void> {
    const wasRunning = this.run !== undefined;
    await this.stop();
    if (!this.connected) return;
    this.failure = undefined;
    this.selected = undefined;
    this.progress = undefined;
    this.status = 'idle';
    try {
      this.sweepSpec = specFromAttributes(this.sweepAttributes(), this.spec);
      this.metricChoice = metricFromAttributes(this.metric, this.feature, this.sweepSpec.nFeatures);
    } catch (e) {
      this.sweepSpec = undefined;
      this.sweep = undefined;
      this.figure = undefined;
      this.fail(e);
      return;
    }
    this.newSweep();
    if (this.src) await this.load(this.src);
    else if (this.autostart || wasRunning) void this.start();
  }

  private applyMetric(): void {
    try {
      this.metricChoice = metricFromAttributes(this.metric, this.feature, this.sweepSpec!.nFeatures);
      if (this.failure?.name === 'AttributeError') this.failure = undefined;
    } catch (e) {
      this.fail(e);
      return;
    }
    this.sweep?.setMetric(this.metricChoice);
    this.scheduleFrame();
  }

  private newSweep(): void {
    this.sweep = new LiveSweep(this.sweepSpec!, this.metricChoice);
    this.scheduleFrame();
  }

  private async train(signal: AbortSignal): Promise<void> {
    const sweep = this.sweep!;
    this.failure = undefined;
    this.status = 'training';
    const started = performance.now();
    try {
      this.engine ??= await acquireSharedEngine();
      if (this.engine.isLost) {
        releaseSharedEngine(this.engine);
        this.engine = undefined;
        this.engine = await acquireSharedEngine();
      }
      const diverged = await sweep.run(this.engine, {
        signal,
        onFrame: () => this.scheduleFrame(),
        onProgress: (p) => {
          this.progress = p;
          this.emit<SweepProgressDetail>('sweep-progress', {
            fraction: p.fraction,
            modelStepsDone: p.modelStepsDone,
            modelStepsTotal: p.modelStepsTotal,
            samplesPerSecond: p.samplesPerSecond,
            elapsedSeconds: p.elapsedSeconds,
            etaSeconds: p.etaSeconds,
          });
        },
      });
      this.seconds = (performance.now() - started) / 1000;
      this.status = 'complete';
      this.scheduleFrame();
      const samples = sweep.groups.reduce((s, g) => s + g.set.points.length * g.set.seeds * g.set.training.steps * g.set.training.batchSize, 0);
      this.emit<SweepCompleteDetail>('sweep-complete', { instances: sweep.instances, seconds: this.seconds, samplesPerSecond: samples / Math.max(1e-9, this.seconds), diverged, source: 'trained' });
    } catch (e) {
      if (e instanceof CancelledError || signal.aborted) {
        this.status = 'stopped';
        return;
      }
      if (this.engine?.isLost) {
        releaseSharedEngine(this.engine);
        this.engine = undefined;
      }
      this.fail(e);
    }
  }

  private async load(src: string): Promise<void> {
    this.status = 'loading';
    try {
      const loaded = await loadResultsFile(new URL(src, document.baseURI).href);
      if (src !== this.src) return;
      this.sweepSpec = loaded.spec;
      try {
        this.metricChoice = metricFromAttributes(this.metric ?? (loaded.metric?.name === 'regime' || !loaded.metric ? undefined : loaded.metric.name), this.feature, loaded.spec.nFeatures);
      } catch {
        this.metricChoice = { name: 'regime' };
      }
      this.sweep = new LiveSweep(loaded.spec, this.metricChoice);
      this.sweep.setResults(loaded.groups);
      this.status = 'complete';
      this.scheduleFrame();
      this.emit<SweepCompleteDetail>('sweep-complete', { instances: this.sweep.instances, seconds: 0, samplesPerSecond: 0, diverged: 0, source: 'loaded' });
    } catch (e) {
      this.fail(e);
    }
  }

  private fail(e: unknown): void {
    this.status = 'error';
    this.failure = errorDetail(e);
    const { title: _title, ...detail } = this.failure;
    this.emit<SweepErrorDetail>('sweep-error', detail);
  }

  private emit<T>(type: string, detail: T): void {
    this.dispatchEvent(new CustomEvent<T>(type, { detail, bubbles: true, composed: true }));
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
    const spec = this.sweepSpec;
    const sweep = this.sweep;
    if (!spec || !sweep) return;
    this.figure = assembleFigure(spec, sweep.views(this.metricChoice), this.metricChoice);
    const map = figureCellMap(spec, sweep.groups, this.metricChoice);
    this.owners = new Array<CellOwner | undefined>(map.xCount * map.yCount);
    const features = shownFeatures(spec, this.metricChoice);
    sweep.groups.forEach((g, group) =>
      g.set.points.forEach((_, pos) => {
        for (const feature of features) {
          const cell = map.cellOf(group, pos, feature);
          if (cell >= 0) this.owners[cell] = { group, pos, feature };
        }
      }),
    );
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
        if (this.failure?.name !== 'WebGLUnavailableError') this.fail(e);
      }
    }
    this.requestUpdate();
  }

  /** The event detail (and inspector model) of a cell. */
  private cellDetail(xIndex: number, yIndex: number): CellEventDetail | undefined {
    const fig = this.figure;
    const spec = this.sweepSpec;
    if (!fig || !spec || !this.sweep) return undefined;
    const k = yIndex * fig.xCount + xIndex;
    const owner = this.owners[k];
    const g = owner ? this.sweep.groups[owner.group] : undefined;
    const point = owner && g ? g.set.points[owner.pos] : undefined;
    const value = fig.values[k] ?? NaN;
    const detail: CellEventDetail = {
      xIndex,
      yIndex,
      xValue: fig.x.values?.[xIndex] ?? (point && spec.x?.param !== 'model' ? point.xValue : NaN),
      yValue: fig.y.values?.[yIndex] ?? NaN,
      xTitle: fig.x.title,
      yTitle: fig.y.title,
      value,
      metric: this.metricChoice.name,
      feature: owner?.feature ?? -1,
    };
    if (this.metricChoice.name === 'regime' && Number.isFinite(value)) detail.label = regimeLabels[value] ?? String(value);
    if (owner && g?.results && point) {
      const inst = this.sweep.keptInstance(owner.group, owner.pos);
      if (inst >= 0) detail.model = cellModel(g.results, g.set.model, inst, point.featureProbability, point.importance, inst % g.set.seeds);
    }
    return detail;
  }

  // ---------------------------------------------------------------------------------------------
  // Interaction
  // ---------------------------------------------------------------------------------------------

  private pointerCell(e: PointerEvent | MouseEvent): { xIndex: number; yIndex: number; px: number; py: number } | undefined {
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
    if (cell && changed) {
      const detail = this.cellDetail(cell.xIndex, cell.yIndex);
      if (detail) this.emit<CellEventDetail>('cell-hover', detail);
    }
  }

  private onClick(e: MouseEvent): void {
    const cell = this.pointerCell(e);
    if (!cell) return;
    this.focusCell = { xIndex: cell.xIndex, yIndex: cell.yIndex };
    this.select(cell.xIndex, cell.yIndex);
  }

  private select(xIndex: number, yIndex: number): void {
    this.selected = { xIndex, yIndex };
    const detail = this.cellDetail(xIndex, yIndex);
    if (detail) this.emit<CellEventDetail>('cell-select', detail);
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
        this.select(xIndex, yIndex);
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
    const detail = this.cellDetail(this.focusCell.xIndex, this.focusCell.yIndex);
    if (detail) this.emit<CellEventDetail>('cell-hover', detail);
  }

  private onButton(): void {
    if (this.run) void this.stop();
    else void this.start();
  }

  // ---------------------------------------------------------------------------------------------
  // Rendering
  // ---------------------------------------------------------------------------------------------

  protected override render(): unknown {
    const { width, height } = this.size;
    const plot = plotRect(width, height);
    const fig = this.figure;
    const focusedDetail = fig ? this.cellDetail(this.focusCell.xIndex, this.focusCell.yIndex) : undefined;
    return html`
      <div class="frame" part="frame">
        ${this.renderToolbar()}
        <div class="figure" style="height:${height}px">
          <canvas class="plot" part="plot" style="left:${plot.x}px;top:${plot.y}px;width:${plot.width}px;height:${plot.height}px" aria-hidden="true"></canvas>
          <svg class="axes" part="axes" width=${width} height=${height} viewBox="0 0 ${width} ${height}" aria-hidden="true">
            ${fig ? this.renderAxes(plot, fig) : nothing}
          </svg>
          <div
            class="hit"
            role="grid"
            aria-label=${fig ? `${fig.title}. Use the arrow keys to move between cells and Enter to inspect one.` : 'phase diagram'}
            aria-describedby="live"
            tabindex="0"
            style="left:${plot.x}px;top:${plot.y}px;width:${plot.width}px;height:${plot.height}px"
            @pointermove=${this.onPointerMove}
            @pointerleave=${() => (this.hover = undefined)}
            @click=${this.onClick}
            @keydown=${this.onKeyDown}
            @pointerdown=${() => (this.pointerFocus = true)}
            @focus=${() => {
              this.focusVisible = !this.pointerFocus;
              this.pointerFocus = false;
            }}
            @blur=${() => (this.focusVisible = false)}
          ></div>
          ${fig ? this.renderLegend(plot, fig) : nothing}
          ${this.renderTooltip()}
          ${this.failure ? this.renderMessage() : nothing}
        </div>
        <div id="live" class="visually-hidden" aria-live="polite">${this.focusVisible && focusedDetail ? describeCell(focusedDetail) : ''}</div>
        ${this.noInspector ? nothing : this.renderInspector()}
      </div>
    `;
  }

  private renderToolbar(): unknown {
    const p = this.progress;
    const running = this.run !== undefined;
    const label = running ? 'Stop' : this.status === 'complete' || this.status === 'stopped' || this.status === 'error' ? 'Restart' : 'Train';
    let text: string;
    switch (this.status) {
      case 'training':
        text = p
          ? `Training ${compactFormat.format(this.sweep?.instances ?? 0)} models · ${Math.floor(p.fraction * 100)}% · ${compactFormat.format(p.samplesPerSecond)} samples/s${Number.isFinite(p.etaSeconds) ? ` · ${Math.ceil(p.etaSeconds)} s left` : ''}`
          : 'Starting the GPU…';
        break;
      case 'complete':
        text = this.src ? `Loaded ${compactFormat.format(this.sweep?.instances ?? 0)} models from ${this.src}` : `Trained ${compactFormat.format(this.sweep?.instances ?? 0)} models in ${fmt(this.seconds)} s`;
        break;
      case 'stopped':
        text = 'Stopped; what was trained so far stays on screen.';
        break;
      case 'loading':
        text = `Loading ${this.src}…`;
        break;
      case 'error':
        text = this.failure?.title ?? 'Error';
        break;
      default:
        text = this.sweep ? `${compactFormat.format(this.sweep.instances)} models to train` : '';
    }
    const fraction = this.status === 'complete' ? 1 : (p?.fraction ?? 0);
    return html`<div class="toolbar" part="toolbar">
      ${this.src ? nothing : html`<button part="button" type="button" @click=${this.onButton} ?disabled=${!this.sweepSpec}>${label}</button>`}
      <progress part="progress" max="1" .value=${fraction} aria-label="training progress"></progress>
      <span class="status" part="status" role="status">${text}</span>
    </div>`;
  }

  private renderAxes(plot: ReturnType<typeof plotRect>, fig: PhaseDiagramFigure): unknown {
    const xTicks = axisTicks(fig.x, fig.xCount);
    const yTicks = axisTicks(fig.y, fig.yCount);
    const bottom = plot.y + plot.height;
    const marks = [];
    for (const t of xTicks) {
      const x = Math.round(plot.x + t.fraction * plot.width) + 0.5;
      marks.push(svg`<line class="tick" x1=${x} x2=${x} y1=${bottom} y2=${bottom + 5}></line><text class="tick-label" x=${x} y=${bottom + 18} text-anchor="middle">${t.label}</text>`);
    }
    for (const t of yTicks) {
      const y = Math.round(bottom - t.fraction * plot.height) + 0.5;
      marks.push(svg`<line class="tick" x1=${plot.x - 5} x2=${plot.x} y1=${y} y2=${y}></line><text class="tick-label" x=${plot.x - 8} y=${y + 4} text-anchor="end">${t.label}</text>`);
    }
    const cell = (c: { xIndex: number; yIndex: number }) => cellBox(plot, fig.xCount, fig.yCount, c.xIndex, c.yIndex);
    const h = this.hover;
    const crosshair = h
      ? svg`<g class="crosshair"><line x1=${plot.x} x2=${plot.x + plot.width} y1=${cell(h).y + cell(h).height / 2} y2=${cell(h).y + cell(h).height / 2}></line><line y1=${plot.y} y2=${plot.y + plot.height} x1=${cell(h).x + cell(h).width / 2} x2=${cell(h).x + cell(h).width / 2}></line></g>`
      : nothing;
    const f = cell(this.focusCell);
    const focus = this.focusVisible ? svg`<rect class="focus" x=${f.x + 1} y=${f.y + 1} width=${Math.max(2, f.width - 2)} height=${Math.max(2, f.height - 2)}></rect>` : nothing;
    const s = this.selected ? cell(this.selected) : undefined;
    const selected = s ? svg`<rect class="selected" x=${s.x + 0.5} y=${s.y + 0.5} width=${s.width - 1} height=${s.height - 1}></rect>` : nothing;
    return svg`
      <rect class="frame-line" x=${plot.x - 0.5} y=${plot.y - 0.5} width=${plot.width + 1} height=${plot.height + 1}></rect>
      ${marks}
      <text class="axis-title" x=${plot.x + plot.width / 2} y=${bottom + 42} text-anchor="middle">${fig.x.title}</text>
      <text class="axis-title" transform="translate(16 ${plot.y + plot.height / 2}) rotate(-90)" text-anchor="middle">${fig.y.title}</text>
      ${this.theory ? this.renderTheory(plot, fig) : nothing}
      ${crosshair}${selected}${focus}
    `;
  }

  private renderTheory(plot: ReturnType<typeof plotRect>, fig: PhaseDiagramFigure): unknown {
    const spec = this.sweepSpec;
    if (!spec || !theoryApplies(spec)) return nothing;
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
    const d = boundaryPath(theoryBoundaries(pRange, rRange), toPixel);
    return svg`<path class="theory" d=${d}></path>`;
  }

  private renderLegend(plot: ReturnType<typeof plotRect>, fig: PhaseDiagramFigure): unknown {
    const left = plot.x + plot.width + 18;
    const c = fig.coloring;
    if (c.kind === 'categorical') {
      return html`<ul class="legend" part="legend" style="left:${left}px;top:${plot.y}px" aria-label="legend">
        ${c.labels.map((label, k) => html`<li><span class="swatch" style="background:${toHex(c.colors[k] ?? [0, 0, 0])}"></span>${label}</li>`)}
        ${fig.values.some((v) => !Number.isFinite(v)) ? html`<li class="missing"><span class="swatch"></span>not trained yet</li>` : nothing}
        ${this.theory && this.sweepSpec && theoryApplies(this.sweepSpec) ? html`<li><span class="swatch theory-swatch"></span>exact theory</li>` : nothing}
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

  private renderTooltip(): unknown {
    const h = this.hover;
    if (!h) return nothing;
    const d = this.cellDetail(h.xIndex, h.yIndex);
    if (!d) return nothing;
    const flip = h.px > this.size.width * 0.6;
    const style = `top:${h.py + 14}px;${flip ? `right:${this.size.width - h.px + 14}px` : `left:${h.px + 14}px`}`;
    return html`<div class="tooltip" part="tooltip" role="tooltip" style=${style}>${tooltipLines(d, this.metricChoice).map((l) => html`<div>${l}</div>`)}</div>`;
  }

  private renderMessage(): unknown {
    const f = this.failure!;
    return html`<div class="message" part="message" role="alert">
      <strong>${f.title}</strong>
      <p>${f.message}</p>
      <p>${f.advice}</p>
      ${f.name === 'AttributeError' || f.name === 'ResultsFileError' || f.name === 'WebGPUUnavailableError' ? nothing : html`<button type="button" @click=${() => void this.start()}>Restart</button>`}
    </div>`;
  }

  private renderInspector(): unknown {
    if (!this.selected) return nothing;
    const d = this.cellDetail(this.selected.xIndex, this.selected.yIndex);
    const heading = d ? `Cell ${describeCell(d)}` : '';
    return html`<superposition-cell-inspector part="inspector" .cell=${d?.model} heading=${heading}></superposition-cell-inspector>`;
  }
}

function clamp(v: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, v));
}

/** A cell's axis values and shown value in one line (aria-live text and inspector heading). */
export function describeCell(d: CellEventDetail): string {
  const x = Number.isFinite(d.xValue) ? `${d.xTitle} ${fmt(d.xValue)}` : `column ${d.xIndex + 1}`;
  const y = Number.isFinite(d.yValue) ? `${d.yTitle} ${fmt(d.yValue)}` : `row ${d.yIndex + 1}`;
  const v = d.label ?? (Number.isFinite(d.value) ? fmt(d.value) : 'not trained yet');
  return `${x}, ${y}: ${v}`;
}

/** Tooltip lines: the axis values, the shown metric, and the model's loss and norms when known. */
function tooltipLines(d: CellEventDetail, metric: MetricChoice): string[] {
  const lines: string[] = [];
  lines.push(Number.isFinite(d.xValue) ? `${d.xTitle}: ${fmt(d.xValue)}` : `column ${d.xIndex + 1}`);
  lines.push(Number.isFinite(d.yValue) ? `${d.yTitle}: ${fmt(d.yValue)}` : `row ${d.yIndex + 1}`);
  const name = metric.name === 'regime' ? 'regime' : metricTitles[metric.name];
  const feature = d.feature >= 0 ? ` (feature ${d.feature})` : '';
  lines.push(`${name}${feature}: ${d.label ?? (Number.isFinite(d.value) ? fmt(d.value) : 'not trained yet')}`);
  if (d.model) {
    lines.push(`loss: ${fmt(d.model.loss)} · seed ${d.model.seedIndex}`);
    lines.push(`‖W_i‖: ${Array.from(d.model.featureNorm, fmt).join(', ')}`);
  }
  return lines;
}

/** The inspector's view of instance `inst` of a group's results. */
function cellModel(r: ModelResults, model: CellModel['model'], inst: number, featureProbability: number[], importance: number[], seedIndex: number): CellModel {
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
