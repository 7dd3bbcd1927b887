/**
 * A sweep whose per-model results are streamed to disk as chunks finish, so the CLI's memory is
 * O(chunk + grid points), not O(models): each finished chunk's models go straight into
 * models.parquet, each completed grid point into points.parquet, and only the kept seed of every
 * point stays in memory (for results.json's points, cells.csv, the theory check and the figures).
 *
 * The rows, row groups and metadata are exactly those {@link writeRunParquet} writes for the same
 * run held whole (same order: groups in order, instances in order), so the files are byte-identical;
 * test/unit/streamed-run.test.ts checks it. Chunks must arrive in instance order per group and
 * groups in order (the trainers hand them out so); a point whose seeds straddle two chunks waits in
 * a buffer of one point's seeds until its last seed arrives.
 */
import { join } from 'node:path';
import { findDiverged } from '../engine/diverged.js';
import { allocateLike, allocateModelResults, copyInstance, sliceInstances } from '../science/model-results.js';
import { selectSeeds } from '../science/seeds.js';
import type { SweepSpec } from '../science/spec.js';
import type { ModelResults, ModelSet } from '../science/types.js';
import { ModelsParquetWriter, PARQUET_FILES, parquetLayout, PointsParquetWriter, type ParquetWriterOptions } from './parquet.js';
import type { GroupResult, StreamedGroup } from './run-types.js';

/** Per model group: where the stream stands and what it keeps. */
interface GroupState {
  set: ModelSet;
  /** Next instance expected (chunks arrive in order). */
  next: number;
  /** The kept seed's results of every point (points.length instances); allocated on the first chunk. */
  kept?: ModelResults;
  /** Kept seed index per point (−1: every seed diverged, or not yet trained). */
  keptSeed: Int32Array;
  /** Seeds of a point that straddles two chunks, by seed index; allocated when first needed. */
  pending?: ModelResults;
  diverged: number;
}

/** The Parquet files a streamed run wrote (final paths). */
export interface StreamedFiles {
  models: string;
  points: string;
}

/**
 * Receives a sweep's chunks ({@link add}) and writes models.parquet and points.parquet into a
 * folder as they come; {@link finish} closes the files and returns the kept-seed groups.
 */
export class StreamedRun {
  private constructor(
    private readonly states: GroupState[],
    private readonly models: ModelsParquetWriter,
    private readonly points: PointsParquetWriter,
  ) {}

  /**
   * Opens both Parquet files (under temporary names) in `dir` for the model groups `sets`
   * (resolveSpecGroups order, or a shard's).
   * @throws Error when the groups do not share n and m (parquetLayout); the underlying fs error
   */
  static async open(dir: string, sets: readonly ModelSet[], options: ParquetWriterOptions & { spec?: SweepSpec } = {}): Promise<StreamedRun> {
    // The schema comes from the model kinds alone: every trainer's results have these tensors and metrics.
    const layout = parquetLayout(sets.map((set) => ({ set, results: allocateModelResults(set, 0) })));
    const models = await ModelsParquetWriter.open(join(dir, PARQUET_FILES.models), layout, options);
    let points: PointsParquetWriter;
    try {
      points = await PointsParquetWriter.open(join(dir, PARQUET_FILES.points), layout.nFeatures, layout.nHidden, options);
    } catch (e) {
      await models.abort();
      throw e;
    }
    const states = sets.map((set): GroupState => ({ set, next: 0, keptSeed: new Int32Array(set.points.length).fill(-1), diverged: 0 }));
    return new StreamedRun(states, models, points);
  }

  /**
   * Takes a finished chunk of group `group`: instances [start, start + count) of its set, as
   * `results` of `count` instances (TrainOptions.onChunkResults; diverged models' loss NaN).
   * Writes the models and every point it completes; keeps each completed point's kept seed.
   * @throws Error when the chunk is not the next one of its group or does not fit the files' layout
   */
  async add(group: number, start: number, count: number, results: ModelResults): Promise<void> {
    const st = this.states[group];
    if (!st) throw new RangeError(`StreamedRun.add: group ${group} is not one of the ${this.states.length} groups`);
    if (start !== st.next) throw new Error(`StreamedRun.add: group ${group} got instances from ${start}; the next expected is ${st.next} (chunks must come in order)`);
    if (results.count !== count || start + count > st.set.points.length * st.set.seeds) throw new RangeError(`StreamedRun.add: group ${group} got ${results.count} results for instances [${start}, ${start + count}) of ${st.set.points.length * st.set.seeds}`);
    const seeds = st.set.seeds;
    st.kept ??= allocateLike(results, st.set.points.length);
    let c = 0;
    while (c < count) {
      const inst = start + c;
      const pos = Math.floor(inst / seeds);
      const seed = inst - pos * seeds;
      const whole = seed === 0 ? Math.floor((count - c) / seeds) : 0;
      if (whole > 0) {
        await this.emit(st, pos, whole, sliceInstances(results, c, whole * seeds));
        c += whole * seeds;
        continue;
      }
      st.pending ??= allocateLike(results, seeds);
      copyInstance(results, c, st.pending, seed);
      if (seed === seeds - 1) await this.emit(st, pos, 1, st.pending);
      c++;
    }
    st.next += count;
  }

  /** Points [pos, pos + k) complete in `r` (k × seeds instances): select, keep, write. */
  private async emit(st: GroupState, pos: number, k: number, r: ModelResults): Promise<void> {
    const set = { ...st.set, points: st.set.points.slice(pos, pos + k) };
    const kept = selectSeeds(set, r.loss);
    st.diverged += findDiverged(r).length;
    for (let pt = 0; pt < k; pt++) {
      const seed = kept[pt]!;
      st.keptSeed[pos + pt] = seed;
      if (seed >= 0) copyInstance(r, pt * st.set.seeds + seed, st.kept!, pos + pt);
    }
    await this.models.addInstances({ set, results: r, kept });
    await this.points.addPoints({ set, results: r, kept });
  }

  /**
   * Closes both files (renamed into place) and returns every group as its kept seeds: `set` with
   * one seed per point, `results` of points.length instances (the kept seed's; zeros where every
   * seed diverged), `kept` 0 or −1, and `streamed` with the real seed count, kept seed indices,
   * model count and diverged count. `trained` gives each group's layout, chunks and timings.
   * @throws Error when a group did not receive all its instances (the files are then removed)
   */
  async finish(trained: readonly Omit<GroupResult, 'results' | 'kept' | 'set' | 'streamed'>[]): Promise<{ groups: GroupResult[]; files: StreamedFiles }> {
    const missing = this.states.findIndex((st) => st.next !== st.set.points.length * st.set.seeds);
    if (missing >= 0) {
      await this.abort();
      const st = this.states[missing]!;
      throw new Error(`StreamedRun.finish: group ${missing} (${st.set.model}) received ${st.next} of ${st.set.points.length * st.set.seeds} models`);
    }
    const files = { models: await this.models.close(), points: await this.points.close() };
    const groups = this.states.map((st, k): GroupResult => {
      const streamed: StreamedGroup = { seeds: st.set.seeds, keptSeed: st.keptSeed, instances: st.set.points.length * st.set.seeds, diverged: st.diverged };
      return {
        ...trained[k]!,
        set: { ...st.set, seeds: 1 },
        results: st.kept ?? allocateModelResults(st.set, st.set.points.length),
        kept: st.keptSeed.map((s) => (s >= 0 ? 0 : -1)),
        streamed,
      };
    });
    return { groups, files };
  }

  /** Removes both temporary files (a failed or cancelled run). Safe to call twice. */
  async abort(): Promise<void> {
    await this.models.abort();
    await this.points.abort();
  }
}
