/**
 * The registry of metrics: the one list that the snapshot kernel's codes, the CLI's `--metric`
 * names, the element's `metric` attribute and the figure titles are built from. Each metric says
 * what it is indexed by (per feature, per model, per neuron) and which family of model kinds it
 * applies to (src/science/models/contract.ts `metrics`).
 */
import { modelDefinition, type MetricFamily } from './models/index.js';
import { classifyFeature, type RegimeThresholds } from './regimes.js';

export interface MetricInfo {
  /** One value per feature (NAME:i picks feature i), per model, or per hidden neuron (NAME:j). */
  per: 'feature' | 'model' | 'neuron';
  family: MetricFamily;
  /** Figure and legend title. */
  title: string;
  /** Code in shaders/snapshot.wgsl when the live snapshot kernel can gather it (the WGSL's order). */
  snapshotCode?: number;
}

export const METRICS = {
  regime: { per: 'feature', family: 'feature-geometry', title: 'regime', snapshotCode: 0 },
  norm: { per: 'feature', family: 'feature-geometry', title: 'feature norm ‖W_i‖', snapshotCode: 1 },
  superposition: { per: 'feature', family: 'feature-geometry', title: 'superposition Σ_{j≠i} (Ŵ_i·W_j)²', snapshotCode: 2 },
  dimensionality: { per: 'feature', family: 'feature-geometry', title: 'feature dimensionality D_i', snapshotCode: 3 },
  benefit: { per: 'feature', family: 'reconstruction', title: 'reconstruction benefit', snapshotCode: 4 },
  loss: { per: 'model', family: 'reconstruction', title: 'final loss', snapshotCode: 5 },
  dimsPerFeature: { per: 'model', family: 'feature-geometry', title: 'dimensions per feature m / ‖W‖_F²', snapshotCode: 6 },
  neuronMaxShare: { per: 'neuron', family: 'per-neuron', title: "neuron's largest feature share max_i w_ji² / Σ_i w_ji²" },
  neuronFeatureCount: { per: 'neuron', family: 'per-neuron', title: 'features per neuron (Σ_i w_ji²)² / Σ_i w_ji⁴' },
} as const satisfies Record<string, MetricInfo>;

export type MetricName = keyof typeof METRICS;
/** Every metric, in registry order. */
export const METRIC_NAMES = Object.keys(METRICS) as MetricName[];
/** The metrics the live snapshot kernel gathers, in code order. */
export const SNAPSHOT_METRIC_NAMES = METRIC_NAMES.filter((m) => (METRICS[m] as MetricInfo).snapshotCode !== undefined).sort(
  (a, b) => (METRICS[a] as MetricInfo).snapshotCode! - (METRICS[b] as MetricInfo).snapshotCode!,
);

/** The metrics that apply to a model kind (its definition's metric families). */
export function metricsFor(model: string): MetricName[] {
  const families = modelDefinition(model).metrics;
  return METRIC_NAMES.filter((m) => families.includes(METRICS[m].family));
}

/**
 * @throws RangeError when `metric` does not apply to one of the model kinds, naming those that do
 */
export function checkMetricApplies(metric: MetricName, models: readonly string[]): void {
  for (const model of models) {
    const fits = metricsFor(model);
    if (!fits.includes(metric)) {
      throw new RangeError(`metric ${metric} does not apply to the ${model} model (${METRICS[metric].per === 'neuron' ? 'it has no privileged hidden basis' : 'not defined for it'}); metrics that apply: ${fits.join(', ')}`);
    }
  }
}

/** The fields of one model's results: per model (`loss`, `dimsPerFeature`) or per feature (the rest). */
export type MetricField = 'loss' | 'dimsPerFeature' | 'featureNorm' | 'superposition' | 'dimensionality' | 'benefit';

/**
 * The value of `metric` for `feature` of one model, from any store of its fields: the one place
 * that maps metric names to result fields and classifies regimes (regimes.ts).
 * @param read a field's value: per-model fields are read with feature −1
 */
export function metricFromFields(read: (field: MetricField, feature: number) => number, metric: MetricName, feature: number, thresholds: RegimeThresholds): number {
  switch (metric) {
    case 'loss':
      return read('loss', -1);
    case 'dimsPerFeature':
      return read('dimsPerFeature', -1);
    case 'norm':
      return read('featureNorm', feature);
    case 'superposition':
      return read('superposition', feature);
    case 'dimensionality':
      return read('dimensionality', feature);
    case 'benefit':
      return read('benefit', feature);
    case 'regime':
      return classifyFeature(read('featureNorm', feature), read('superposition', feature), thresholds);
    default:
      // Per-neuron metrics live in ModelResults.extra, not in these fields (keptMetricOf reads them).
      return NaN;
  }
}

