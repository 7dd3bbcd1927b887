/**
 * Owner of shaders/snapshot.wgsl: gathers the loss and one metric per instance into a compact
 * buffer, so a live view reads back (1 + F) floats per model (F = 1, or n for every feature)
 * instead of the weights.
 */
import { SNAPSHOT_METRIC_NAMES } from '../science/metric-registry.js';
import type { Engine } from './engine.js';
import type { SnapshotMetric, SnapshotSelection } from './types.js';
import { encodePass, getPipeline } from './pipeline.js';
import { SettingsUniform } from './uniforms.js';

/** Metrics a snapshot can gather, in the WGSL's code order. */
export const SNAPSHOT_METRICS = SNAPSHOT_METRIC_NAMES as readonly SnapshotMetric[];
export type { SnapshotMetric, SnapshotSelection };

/** Floats per instance in a snapshot: the loss, then 1 value (or n when `feature` is `all`). */
export function snapshotStride(selection: Pick<SnapshotSelection, 'feature'>, nFeatures: number): number {
  return 1 + (selection.feature === 'all' ? nFeatures : 1);
}

/**
 * Checks a selection against a model with `nFeatures` features.
 * @throws RangeError naming the bad metric or feature index and the allowed values.
 */
export function checkSelection(selection: SnapshotSelection, nFeatures: number): void {
  if (!SNAPSHOT_METRICS.includes(selection.metric)) {
    throw new RangeError(`snapshot metric ${JSON.stringify(selection.metric)} is unknown; allowed: ${SNAPSHOT_METRICS.join(', ')}`);
  }
  const f = selection.feature;
  if (f !== 'all' && !(Number.isInteger(f) && f >= 0 && f < nFeatures)) {
    throw new RangeError(`snapshot feature ${f} is out of range; allowed: 0..${nFeatures - 1} or 'all'`);
  }
}

export class SnapshotKernel {
  private readonly settings: SettingsUniform;

  private constructor(
    private readonly engine: Engine,
    private readonly pipeline: GPUComputePipeline,
    code: string,
    private readonly nFeatures: number,
  ) {
    this.settings = new SettingsUniform(engine.device, code, 'SnapshotSettings', 'snapshot');
  }

  static async create(engine: Engine, config: { nFeatures: number; workgroupSize: number }): Promise<SnapshotKernel> {
    const code = engine.shaders.snapshot;
    const pipeline = await getPipeline(engine, { label: 'snapshot', code, entryPoint: 'snapshot', constants: { N: config.nFeatures, WG: config.workgroupSize } });
    return new SnapshotKernel(engine, pipeline, code, config.nFeatures);
  }

  /**
   * Records the gather of `instanceCount` records of `metrics` into `out` (instanceCount × stride floats).
   * @param lossValid false when no evaluation ran since training moved on: the loss slots become NaN.
   * @throws RangeError when a feature index is outside 0 … n−1 or the metric is unknown.
   */
  encode(encoder: GPUCommandEncoder, buffers: { metrics: GPUBuffer; out: GPUBuffer }, instanceCount: number, selection: SnapshotSelection, dispatch: { x: number; y: number; rowStride: number }, lossValid = true): void {
    checkSelection(selection, this.nFeatures);
    const code = SNAPSHOT_METRICS.indexOf(selection.metric);
    const all = selection.feature === 'all';
    const feature: number = selection.feature === 'all' ? 0 : selection.feature;
    this.settings.write({
      instanceCount,
      rowStride: dispatch.rowStride,
      metric: code,
      feature,
      featureCount: all ? this.nFeatures : 1,
      lossValid: lossValid ? 1 : 0,
      normThreshold: selection.thresholds.normThreshold,
      superpositionThreshold: selection.thresholds.superpositionThreshold,
    });
    encodePass(this.engine.device, encoder, 'snapshot', this.pipeline, [this.settings.buffer, buffers.metrics, buffers.out], dispatch);
  }

  destroy(): void {
    this.settings.destroy();
  }
}
