// The metric registry: the snapshot codes follow shaders/snapshot.wgsl, the CLI and element lists
// come from it, and a metric that does not apply to a model kind is refused naming those that do.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SNAPSHOT_METRICS } from '../../src/engine/snapshot-kernel.js';
import { METRIC_ATTRIBUTE_VALUES } from '../../src/components/attributes.js';
import { checkMetricApplies, METRIC_NAMES, metricsFor } from '../../src/science/metric-registry.js';
import { checkMetric, metricNames, parseMetric } from '../../src/render/figure-data.js';
import { parseSpec } from '../../src/science/spec.js';

describe('metric registry', () => {
  it('feeds the snapshot codes, the figure names and the element attribute values', () => {
    expect(SNAPSHOT_METRICS).toEqual(['regime', 'norm', 'superposition', 'dimensionality', 'benefit', 'loss', 'dimsPerFeature']);
    expect(metricNames).toEqual(METRIC_NAMES);
    expect(METRIC_ATTRIBUTE_VALUES).toContain('neuron-max-share');
    // The snapshot shader documents the codes it switches on: they must be the registry's.
    const wgsl = readFileSync('shaders/snapshot.wgsl', 'utf8');
    const line = /0 regime, 1 norm, 2 superposition, 3 dimensionality, 4 benefit, 5 loss, 6 dims per feature/.exec(wgsl)?.[0];
    const codes = line!.split(', ').map((entry) => entry.split(' ').slice(1).join(' ').replace('dims per feature', 'dimsPerFeature'));
    expect(codes).toEqual([...SNAPSHOT_METRICS]);
  });

  it('per-neuron metrics apply only to models with a privileged hidden layer', () => {
    expect(metricsFor('relu')).not.toContain('neuronMaxShare');
    expect(metricsFor('hidden-relu')).toContain('neuronFeatureCount');
    expect(() => checkMetricApplies('neuronMaxShare', ['relu'])).toThrow('metric neuronMaxShare does not apply to the relu model (it has no privileged hidden basis); metrics that apply: regime, norm, superposition, dimensionality, benefit, loss, dimsPerFeature');
    const relu = parseSpec({ nFeatures: 5, nHidden: 2, featureProbability: 0.1 });
    expect(() => checkMetric(relu, parseMetric('neuronMaxShare'))).toThrow(/^--metric: metric neuronMaxShare does not apply to the relu model/);
    const hidden = parseSpec({ model: 'hidden-relu', nFeatures: 5, nHidden: 2, featureProbability: 0.1 });
    expect(() => checkMetric(hidden, parseMetric('neuronMaxShare:1'))).not.toThrow();
    expect(() => checkMetric(hidden, parseMetric('neuronMaxShare:2'))).toThrow('--metric: neuron index 2 is out of range; allowed: 0..1 (nHidden = 2)');
  });
});
