/**
 * The diagram's training lifecycle as a Lit reactive controller: the page's shared engine claim,
 * the {@link LiveSweep}, one run at a time (start, stop, restart), loading a saved file, and the
 * events that report them. The host re-renders whenever the controller's state changes; GPU claims
 * are given back in hostDisconnected, after the run (if any) has stopped and freed its buffers.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { Engine } from '../engine/engine.js';
import { CancelledError } from '../engine/errors.js';
import type { MetricChoice } from '../render/figure-data.js';
import { loadResultsFile } from '../science/results-file.js';
import type { SweepSpec } from '../science/spec.js';
import type { ModelResults } from '../science/types.js';
import { metricFromAttributes } from './attributes.js';
import { acquireSharedEngine, releaseSharedEngine } from './engine-pool.js';
import { errorDetail } from './error-advice.js';
import { LiveSweep, type LiveProgress } from './live-sweep.js';
import type { SweepCompleteDetail, SweepErrorDetail, SweepProgressDetail } from './types.js';

/** What the diagram is doing. */
export type DiagramStatus = 'idle' | 'loading' | 'training' | 'stopped' | 'complete' | 'error';

/** The finished results of a diagram (see SuperpositionPhaseDiagram.results). */
export interface DiagramResults {
  spec: SweepSpec;
  groups: { model: string; results: ModelResults; kept: Int32Array }[];
}

export class SweepController implements ReactiveController {
  status: DiagramStatus = 'idle';
  progress: LiveProgress | undefined;
  failure: (SweepErrorDetail & { title: string }) | undefined;
  spec: SweepSpec | undefined;
  metric: MetricChoice = { name: 'regime' };
  sweep: LiveSweep | undefined;
  /** Seconds the last completed run took. */
  seconds = 0;
  /** Models of the last completed run whose training diverged (NaN loss). */
  diverged = 0;
  private engine: Engine | undefined;
  private run: { controller: AbortController; done: Promise<void> } | undefined;
  private connected = false;

  constructor(
    private readonly host: ReactiveControllerHost & HTMLElement,
    /** Called when the sweep has new values to draw (a snapshot, a finished group, a loaded file). */
    private readonly onFrame: () => void,
    /** Snapshots carry every model's parameters (LiveSweep `weights`), for hosts that draw weights live. */
    private readonly weights = false,
  ) {
    host.addController(this);
  }

  hostConnected(): void {
    this.connected = true;
  }

  /** Stops the run and gives back the engine claim once its buffers are freed. */
  hostDisconnected(): void {
    this.connected = false;
    this.run?.controller.abort();
    const release = () => {
      if (this.connected || !this.engine) return;
      releaseSharedEngine(this.engine);
      this.engine = undefined;
    };
    if (this.run) void this.run.done.then(release);
    else release();
  }

  get running(): boolean {
    return this.run !== undefined;
  }

  /**
   * Uses a new spec and metric (or none, after `error`), clearing everything shown.
   * @throws Error while a run is active (stop() first: a run must never train a sweep that is not shown)
   */
  configure(spec: SweepSpec | undefined, metric: MetricChoice): void {
    if (this.run) throw new Error('SweepController.configure: stop the run first');
    this.failure = undefined;
    this.progress = undefined;
    this.status = 'idle';
    this.spec = spec;
    this.metric = metric;
    this.sweep = spec ? new LiveSweep(spec, metric, this.weights) : undefined;
    this.changed();
  }

  /** Shows another metric: instant from finished results, from the next snapshot while training. */
  setMetric(metric: MetricChoice): void {
    this.metric = metric;
    this.sweep?.setMetric(metric);
    this.changed();
  }

  /** Starts a run (see SuperpositionPhaseDiagram.start); resolves when it ends, never rejects. Does nothing while the host is disconnected. */
  start(): Promise<void> {
    // A run that is only winding down (stopped, or cut by a disconnect) is followed by a fresh one.
    if (this.run?.controller.signal.aborted) return this.run.done.then(() => this.start());
    if (this.run) return this.run.done;
    if (!this.spec || !this.connected) return Promise.resolve();
    if (!this.sweep || this.sweep.complete || this.status === 'stopped' || this.status === 'error') this.sweep = new LiveSweep(this.spec, this.metric, this.weights);
    const controller = new AbortController();
    const done = this.train(this.sweep, controller.signal).finally(() => {
      if (this.run?.controller === controller) this.run = undefined;
      this.host.requestUpdate();
    });
    this.run = { controller, done };
    this.host.requestUpdate();
    return done;
  }

  /** Stops the run; resolves once its GPU work has stopped and its buffers are freed. */
  stop(): Promise<void> {
    const run = this.run;
    if (!run) return Promise.resolve();
    run.controller.abort();
    return run.done;
  }

  /** The finished results, or undefined until training completes or a file has loaded. */
  results(): DiagramResults | undefined {
    // 'complete', not sweep.complete: a run stopped as its last chunk finished has every result but
    // ended as stopped, without sweep-complete, and results() agrees with the event.
    if (this.status !== 'complete' || !this.sweep?.complete || !this.spec) return undefined;
    return { spec: this.spec, groups: this.sweep.groups.map((g) => ({ model: g.set.model, results: g.results!, kept: g.kept! })) };
  }

  private async train(sweep: LiveSweep, signal: AbortSignal): Promise<void> {
    this.failure = undefined;
    this.status = 'training';
    const started = performance.now();
    try {
      if (this.engine?.isLost) this.dropEngine();
      this.engine ??= await acquireSharedEngine();
      // Disconnected while the device was being created: hostDisconnected gives the claim back.
      if (signal.aborted) throw new CancelledError();
      const diverged = await sweep.run(this.engine, {
        signal,
        onFrame: () => this.onFrame(),
        onProgress: (p) => {
          // The submit in flight when a run is stopped still reports; the host has moved on.
          if (signal.aborted) return;
          this.progress = p;
          this.host.requestUpdate();
          const { fraction, modelStepsDone, modelStepsTotal, samplesPerSecond, elapsedSeconds, etaSeconds } = p;
          this.emit<SweepProgressDetail>('sweep-progress', { fraction, modelStepsDone, modelStepsTotal, samplesPerSecond, elapsedSeconds, etaSeconds });
        },
      });
      // Stopped (or superseded by a change) just as the last chunk finished: no sweep-complete for a run the host has left.
      if (signal.aborted) throw new CancelledError();
      this.seconds = (performance.now() - started) / 1000;
      this.diverged = diverged;
      this.status = 'complete';
      this.changed();
      const samples = sweep.groups.reduce((s, g) => s + g.set.points.length * g.set.seeds * g.set.training.steps * g.set.training.batchSize, 0);
      this.emit<SweepCompleteDetail>('sweep-complete', { instances: sweep.instances, seconds: this.seconds, samplesPerSecond: samples / Math.max(1e-9, this.seconds), diverged, source: 'trained' });
    } catch (e) {
      if (e instanceof CancelledError || signal.aborted) {
        if (this.engine?.isLost) this.dropEngine();
        this.status = 'stopped';
        this.changed();
        return;
      }
      if (this.engine?.isLost) this.dropEngine();
      this.fail(e);
    }
  }

  private dropEngine(): void {
    if (this.engine) releaseSharedEngine(this.engine);
    this.engine = undefined;
  }

  /**
   * Shows a saved results.json instead of training (no WebGPU needed).
   * @param metricAttribute the host's `metric` attribute (the file's own metric is used when unset)
   * @param isCurrent false once the host's `src` has changed again (the result is then dropped)
   */
  async load(src: string, metricAttribute: string | null | undefined, feature: number | null | undefined, isCurrent: () => boolean): Promise<void> {
    this.status = 'loading';
    this.host.requestUpdate();
    try {
      const loaded = await loadResultsFile(new URL(src, document.baseURI).href);
      if (!isCurrent()) return;
      const saved = loaded.metric?.name === 'regime' ? undefined : loaded.metric?.name;
      let metric: MetricChoice;
      try {
        metric = metricFromAttributes(metricAttribute ?? saved, feature, loaded.spec.nFeatures);
      } catch {
        metric = { name: 'regime' };
      }
      this.configure(loaded.spec, metric);
      this.sweep!.setResults(loaded.groups);
      this.status = 'complete';
      this.changed();
      this.emit<SweepCompleteDetail>('sweep-complete', { instances: this.sweep!.instances, seconds: 0, samplesPerSecond: 0, diverged: 0, source: 'loaded' });
    } catch (e) {
      if (isCurrent()) this.fail(e);
    }
  }

  /**
   * Shows `e` in the host's message box and fires `sweep-error`.
   * @param keepStatus true for problems that leave the sweep as it is (a bad `metric` or `feature`)
   */
  fail(e: unknown, keepStatus = false): void {
    if (!keepStatus) this.status = 'error';
    this.failure = errorDetail(e);
    this.host.requestUpdate();
    const { title: _title, ...detail } = this.failure;
    this.emit<SweepErrorDetail>('sweep-error', detail);
  }

  private changed(): void {
    this.onFrame();
    this.host.requestUpdate();
  }

  private emit<T>(type: string, detail: T): void {
    this.host.dispatchEvent(new CustomEvent<T>(type, { detail, bubbles: true, composed: true }));
  }
}
