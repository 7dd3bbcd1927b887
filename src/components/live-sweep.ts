/**
 * A sweep as a live view sees it: per model group, the latest snapshot (loss and the shown metric
 * per instance, from the engine's compact read-back) while training runs, then the full results.
 * Turns either into {@link FigureGroupView}s for assembleFigure. No DOM; owns no GPU memory (the
 * trainer frees its buffers when a run ends, fails or is cancelled).
 */
import type { Engine } from '../engine/engine.js';
import { findDiverged, trainModelSet } from '../engine/trainer.js';
import { SNAPSHOT_METRICS, type SnapshotMetric, type SnapshotSelection } from '../engine/snapshot-kernel.js';
import type { TrainProgress, TrainSnapshot } from '../engine/types.js';
import { metricOffsets, metricStride } from '../engine/layout.js';
import { keptMetricOf, metricFromFields, shownFeatures, type FigureGroupView, type MetricChoice, type MetricName } from '../render/figure-data.js';
import type { RegimeThresholds } from '../science/regimes.js';
import { resolveSpecGroups, type SweepSpec } from '../science/spec.js';
import { selectSeeds } from '../science/seeds.js';
import type { ModelResults, ModelSet } from '../science/types.js';
import { modelDefinition, parameterCount } from '../science/models/index.js';
import { storeModelFromTheta } from '../engine/autoencoder-trainer.js';
import { allocateModelResults } from '../science/model-results.js';

/** One model group of a live sweep. */
export interface LiveGroup {
  set: ModelSet;
  /** Latest snapshot loss per instance (NaN before the first snapshot of its chunk). */
  loss: Float32Array;
  /** Latest snapshot values, instance-major, `stride − 1` per instance; NaN where none yet. */
  values: Float32Array;
  /** Values per instance in `values`: 1, or n when the selection's feature is `all`. */
  valuesPerInstance: number;
  /**
   * Full metric records (2 + 4n floats per instance, src/engine/layout.ts) of instances whose chunk
   * finished or was stopped; any metric can be shown from them. Allocated on first use.
   */
  metrics?: Float32Array;
  /** 1 where `metrics` holds the instance's record. */
  hasMetrics?: Uint8Array;
  /** Full results once the group finished training (or was loaded from a file). */
  results?: ModelResults;
  /** Kept seed per point once finished (lowest final loss). */
  kept?: Int32Array;
  /** Latest θ per instance from snapshots taken with weights (count × P, tensorLayout order); NaN until one arrives. */
  theta?: Float32Array;
}

/** Progress over every group. */
export interface LiveProgress extends TrainProgress {
  group: number;
  groupCount: number;
  /** 0 … 1 over all groups, by model-steps. */
  fraction: number;
}

/** The snapshot selection a figure of `metric` needs. */
export function selectionFor(spec: SweepSpec, metric: MetricChoice): SnapshotSelection {
  // Per-neuron metrics have no snapshot code: live cells show them once a group finishes.
  if (!(SNAPSHOT_METRICS as readonly string[]).includes(metric.name)) return { metric: 'loss', feature: 0, thresholds: spec.regime };
  const features = shownFeatures(spec, metric);
  return { metric: metric.name as SnapshotMetric, feature: features.length === 1 ? Math.max(0, features[0]!) : 'all', thresholds: spec.regime };
}

/**
 * One sweep's live state for a view: construct with a validated spec and the metric on screen,
 * `run()` it on an engine (at most one run at a time; throws Error when called during a run),
 * read `views(metric)` for assembleFigure. Groups follow resolveSpecGroups order; instance =
 * pointIndex × seeds + seedIndex in every array.
 */
export class LiveSweep {
  readonly groups: LiveGroup[];
  private selection: SnapshotSelection;
  private running = false;

  /**
   * @param weights also read every instance's parameters at each snapshot, so {@link liveResults}
   *   can rebuild the models while training (figures draw weights; the phase diagram does not)
   */
  constructor(
    readonly spec: SweepSpec,
    metric: MetricChoice,
    readonly weights = false,
  ) {
    this.selection = selectionFor(spec, metric);
    this.groups = resolveSpecGroups(spec).map((set) => this.emptyGroup(set));
  }

  private emptyGroup(set: ModelSet): LiveGroup {
    const count = set.points.length * set.seeds;
    const per = this.selection.feature === 'all' ? set.nFeatures : 1;
    return { set, loss: new Float32Array(count).fill(NaN), values: new Float32Array(count * per).fill(NaN), valuesPerInstance: per };
  }

  /** Whether every group has its full results. */
  get complete(): boolean {
    return this.groups.every((g) => g.results !== undefined);
  }

  /** Instances over all groups. */
  get instances(): number {
    return this.groups.reduce((s, g) => s + g.set.points.length * g.set.seeds, 0);
  }

  /**
   * Switches the shown metric. Finished groups, and the chunks of unfinished ones that finished or
   * were stopped, are recoloured from their full metric records; the other cells drop their
   * gathered values and show as missing until the next snapshot of the running chunk.
   */
  setMetric(metric: MetricChoice): void {
    const next = selectionFor(this.spec, metric);
    if (next.metric === this.selection.metric && next.feature === this.selection.feature) return;
    this.selection = next;
    this.groups.forEach((g, k) => {
      if (g.results) return;
      const fresh: LiveGroup = { ...this.emptyGroup(g.set), loss: g.loss };
      if (g.metrics && g.hasMetrics) Object.assign(fresh, { metrics: g.metrics, hasMetrics: g.hasMetrics });
      this.groups[k] = fresh;
    });
  }

  /** Stores one snapshot (its gathered values are ignored when they are of another selection than the current one). */
  private store(group: LiveGroup, s: TrainSnapshot): void {
    if (s.theta) {
      const P = s.theta.length / s.count;
      group.theta ??= new Float32Array(group.loss.length * P).fill(NaN);
      group.theta.set(s.theta, s.start * P);
    }
    if (s.metrics) {
      const stride = metricStride(group.set.nFeatures);
      const count = group.loss.length;
      group.metrics ??= new Float32Array(count * stride).fill(NaN);
      group.hasMetrics ??= new Uint8Array(count);
      group.metrics.set(s.metrics.subarray(0, s.count * stride), s.start * stride);
      group.hasMetrics.fill(1, s.start, s.start + s.count);
      for (let k = 0; k < s.count; k++) group.loss[s.start + k] = s.metrics[k * stride]!;
    }
    if (s.selection.metric !== this.selection.metric || s.selection.feature !== this.selection.feature) return;
    const per = s.stride - 1;
    for (let k = 0; k < s.count; k++) {
      group.loss[s.start + k] = s.data[k * s.stride]!;
      for (let f = 0; f < per; f++) group.values[(s.start + k) * per + f] = s.data[k * s.stride + 1 + f]!;
    }
  }

  /**
   * Trains every unfinished group in order on `engine`.
   * @param onFrame called after each stored snapshot (redraw now)
   * @returns the number of diverged instances over all groups
   * @throws whatever trainModelSet throws (CancelledError when `signal` aborts, DeviceLostError …);
   *   groups finished before the error keep their results.
   */
  async run(engine: Engine, options: { signal?: AbortSignal; onFrame?: () => void; onProgress?: (p: LiveProgress) => void; intervalSeconds?: number }): Promise<number> {
    if (this.running) throw new Error('LiveSweep.run: already running');
    this.running = true;
    const totalSteps = this.groups.reduce((s, g) => s + g.set.points.length * g.set.seeds * g.set.training.steps, 0);
    let doneBefore = 0;
    try {
      for (const [index, group] of this.groups.entries()) {
        const instances = group.set.points.length * group.set.seeds;
        if (group.results) {
          doneBefore += instances * group.set.training.steps;
          continue;
        }
        const outcome = await trainModelSet(engine, group.set, {
          ...(options.signal ? { signal: options.signal } : {}),
          onProgress: (p) => options.onProgress?.({ ...p, group: index, groupCount: this.groups.length, fraction: totalSteps > 0 ? (doneBefore + p.modelStepsDone) / totalSteps : 1 }),
          snapshot: {
            select: () => this.selection,
            intervalSeconds: options.intervalSeconds ?? 0.4,
            weights: this.weights,
            onSnapshot: (s) => {
              this.store(this.groups[index]!, s);
              options.onFrame?.();
            },
          },
        });
        const live = this.groups[index]!;
        live.results = outcome.results;
        live.kept = selectSeeds(group.set, outcome.results.loss);
        doneBefore += instances * group.set.training.steps;
        options.onFrame?.();
      }
      return this.groups.reduce((s, g) => s + (g.results ? findDiverged(g.results).length : 0), 0);
    } finally {
      this.running = false;
    }
  }

  /** Puts finished results in place (a loaded `src` file): every group becomes complete. */
  setResults(groups: readonly { results: ModelResults; kept: Int32Array }[]): void {
    groups.forEach((g, k) => {
      const live = this.groups[k];
      if (live) Object.assign(live, { results: g.results, kept: g.kept });
    });
  }

  /**
   * The figure views of `metric`: from the full results where a group finished, else from its
   * latest snapshot, keeping per point the seed with the lowest finite snapshot loss.
   */
  views(metric: MetricChoice): FigureGroupView[] {
    return this.groups.map((g) => {
      const { set } = g;
      if (g.results && g.kept) {
        const results = g.results;
        const kept = g.kept;
        return { set, value: (pos, feature) => keptMetricOf(this.spec, set, results, kept, pos, metric.name, feature) };
      }
      const live = liveSeeds(set, g.loss);
      const sel = this.selection;
      const matches = sel.metric === metric.name;
      const n = set.nFeatures;
      const stride = metricStride(n);
      return {
        set,
        value: (pos, feature) => {
          const seed = live[pos]!;
          if (seed < 0) return NaN;
          const inst = pos * set.seeds + seed;
          if (g.hasMetrics?.[inst]) return metricOfRecord(g.metrics!, inst * stride, n, metric.name, Math.max(0, feature), this.spec.regime);
          if (!matches) return NaN;
          // One value per instance: the selection's feature, which is the one the figure shows.
          if (g.valuesPerInstance === 1) return g.values[inst]!;
          return g.values[inst * g.valuesPerInstance + feature]!;
        },
      };
    });
  }

  /**
   * A group's models as they are now: its final results when finished; while training, results
   * rebuilt from the latest snapshot θ (parameters by tensorLayout; feature geometry and per-neuron
   * metrics computed here; loss from the snapshot, benefit NaN) with the live kept seeds; undefined
   * before any θ arrived (construct with `weights` to get them).
   */
  liveResults(group: number): { results: ModelResults; kept: Int32Array } | undefined {
    const g = this.groups[group];
    if (!g) return undefined;
    if (g.results && g.kept) return { results: g.results, kept: g.kept };
    if (!g.theta) return undefined;
    return { results: resultsFromTheta(g.set, g.theta, g.loss), kept: liveSeeds(g.set, g.loss) };
  }

  /** The kept instance of point `pos` of group `group`: final when finished, live otherwise; −1 when none. */
  keptInstance(group: number, pos: number): number {
    const g = this.groups[group];
    if (!g) return -1;
    const seeds = g.kept ?? liveSeeds(g.set, g.loss);
    const seed = seeds[pos] ?? -1;
    return seed < 0 ? -1 : pos * g.set.seeds + seed;
  }
}

/**
 * The seed shown per point while training: the lowest finite snapshot loss; with one seed always
 * seed 0 (its snapshots skip the evaluation, so their loss is NaN).
 */
function liveSeeds(set: ModelSet, loss: Float32Array): Int32Array {
  return set.seeds === 1 ? new Int32Array(set.points.length) : selectSeeds(set, loss);
}

/** One metric from a full metrics record starting at `at` (layout: src/engine/layout.ts metricOffsets). */
export function metricOfRecord(records: Float32Array, at: number, n: number, metric: MetricName, feature: number, thresholds: RegimeThresholds): number {
  const o = metricOffsets(n);
  return metricFromFields((field, i) => records[at + o[field] + Math.max(0, i)]!, metric, feature, thresholds);
}

/**
 * ModelResults of every instance from θ (count × P, tensorLayout order), laid out and filled as the
 * generic trainer fills its results; loss is the snapshot's, benefit NaN (no evaluation here).
 * NaN θ (no snapshot yet) gives NaN metrics.
 */
function resultsFromTheta(set: ModelSet, theta: Float32Array, loss: Float32Array): ModelResults {
  const count = loss.length;
  const P = parameterCount(modelDefinition(set.model), set.nFeatures, set.nHidden);
  const r = allocateModelResults(set, count);
  for (let inst = 0; inst < count; inst++) storeModelFromTheta(set, r, inst, theta.subarray(inst * P, (inst + 1) * P));
  r.loss.set(loss);
  r.benefit.fill(NaN);
  return r;
}
