import { describe, expect, it } from 'vitest';
import { PRESET_SAMPLE_BUDGET, getPreset, listPresets, presets } from '../../src/science/presets.js';
import { SpecError, parseSpec, resolveSpec, resolveSpecGroups } from '../../src/science/spec.js';

describe('presets', () => {
  it('every preset parses and resolves within the default sample budget', () => {
    expect(Object.keys(presets)).toEqual(['intro', 'relu-vs-linear', 'phase-2-1', 'pentagon', 'phase-3-2', 'privileged-basis', 'abs', 'abs-small', 'correlated', 'anticorrelated', 'non-uniform', 'feature-dimensionality', 'dynamics', 'polygons', 'replications', 'tiny']);
    for (const [name, { spec, description }] of Object.entries(presets)) {
      expect(() => parseSpec(spec), name).not.toThrow();
      expect(resolveSpecGroups(spec).length).toBeGreaterThan(0);
      expect(description.length).toBeGreaterThan(20);
    }
  });

  it('sizes, worked by hand', () => {
    const sizes = Object.fromEntries(listPresets().map((p) => [p.name, [p.instances, p.totalSamples]]));
    expect(sizes).toEqual({
      intro: [16, 16 * 5000 * 1024],
      'relu-vs-linear': [56, 56 * 5000 * 512],
      'phase-2-1': [1024, 1024 * 2500 * 512],
      pentagon: [8, 8 * 10000 * 1024],
      'phase-3-2': [576, 576 * 2500 * 512],
      'privileged-basis': [56, 56 * 4000 * 256],
      abs: [7, 7 * 1500 * 128],
      'abs-small': [16, 16 * 16000 * 512],
      correlated: [24, 24 * 3000 * 256],
      anticorrelated: [24, 24 * 3000 * 256],
      'non-uniform': [96, 96 * 5000 * 512],
      'feature-dimensionality': [20, 20 * 1200 * 256],
      dynamics: [4, 4 * 10000 * 256],
      polygons: [6 * 32, 6 * 32 * 5000 * 512],
      // 5 points × 2 models, 4 × 2 (1 seed, 20 000 × 256), then 2 × 2 × 4 seeds at 5000 × 512.
      replications: [10 + 8 + 16, (10 + 8) * 20_000 * 256 + 16 * 5000 * 512],
      tiny: [16, 16 * 200 * 64],
    });
    for (const p of listPresets()) expect(p.totalSamples, p.name).toBeLessThanOrEqual(PRESET_SAMPLE_BUDGET);
  });

  it('the new experiments resolve to the kinds and settings the paper uses', () => {
    const abs = resolveSpec(getPreset('abs').spec);
    expect([abs.model, abs.data, abs.nFeatures, abs.nHidden]).toEqual(['abs', 'signed', 100, 40]);
    expect(resolveSpec(getPreset('abs-small').spec).nHidden).toBe(6);
    expect(resolveSpec(getPreset('privileged-basis').spec).model).toBe('hidden-relu');
    expect(resolveSpec(getPreset('anticorrelated').spec).featureSets).toEqual([[0, 1], [2, 3]]);
    const nu = resolveSpec(getPreset('non-uniform').spec);
    expect(nu.points.every((p) => p.featureProbability.slice(0, 4).every((v) => v === 0.05))).toBe(true);
    expect(nu.points[0]!.featureProbability[4]).toBeCloseTo(0.005, 12);
    const fd = resolveSpec(getPreset('feature-dimensionality').spec);
    expect(fd.points.map((p) => Math.round(1 / p.featureProbability[0]!))).toEqual(Array.from({ length: 20 }, (_, k) => k + 1));
    expect(resolveSpec(getPreset('dynamics').spec).record).toMatchObject({ every: 100, seeds: 'kept', weights: true });
  });

  it('polygons: one sweep per n = 3 … 8 in m = 2, uniform and decaying importance', () => {
    const p = getPreset('polygons');
    const specs = [p.spec, ...p.series!];
    expect(specs.map((s) => [s.name, s.nFeatures, s.nHidden])).toEqual([5, 3, 4, 6, 7, 8].map((k) => [`polygons-${k}`, k, 2]));
    const set = resolveSpec(specs[0]!);
    expect(set.points.map((q) => q.importance[4])).toEqual([0.8 ** 4, 0.8 ** 4, 1, 1]);
  });

  it('intro: n = 5, m = 2, I = 0.9^i, p = 1, 0.3, 0.1, 0.05', () => {
    const set = resolveSpec(getPreset('intro').spec);
    expect([set.nFeatures, set.nHidden, set.seeds]).toEqual([5, 2, 4]);
    expect(set.points.map((p) => p.featureProbability[0])).toEqual([1, 0.3, 0.1, 0.05]);
    const I = set.points[0]!.importance;
    [1, 0.9, 0.81, 0.729, 0.6561].forEach((v, k) => expect(I[k]).toBeCloseTo(v, 12));
  });

  it('relu-vs-linear: one linear and one ReLU set of 7 sparsities, n = 20, m = 5', () => {
    const groups = resolveSpecGroups(getPreset('relu-vs-linear').spec);
    expect(groups.map((g) => g.model)).toEqual(['linear', 'relu']);
    for (const g of groups) {
      expect([g.nFeatures, g.nHidden]).toEqual([20, 5]);
      expect(g.points.map((p) => p.xValue)).toEqual([1, 0.3, 0.1, 0.03, 0.01, 0.003, 0.001]);
      expect(g.points[0]!.importance[19]).toBeCloseTo(0.7 ** 19, 14);
    }
  });

  it('phase-2-1: 16 × 16, p from 0.01 to 1, r from 0.1 to 10 on the last feature', () => {
    const set = resolveSpec(getPreset('phase-2-1').spec);
    expect(set.points).toHaveLength(256);
    expect(set.points[0]!.featureProbability).toEqual([0.01, 0.01]);
    expect(set.points[255]!.featureProbability).toEqual([1, 1]);
    expect(set.points[0]!.importance).toEqual([1, 0.1]);
    expect(set.points[255]!.importance).toEqual([1, 10]);
  });

  it('pentagon: a single point, uniform importance, p = 0.05', () => {
    const set = resolveSpec(getPreset('pentagon').spec);
    expect(set.points).toHaveLength(1);
    expect(set.points[0]!.featureProbability).toEqual([0.05, 0.05, 0.05, 0.05, 0.05]);
    expect(set.points[0]!.importance).toEqual([1, 1, 1, 1, 1]);
    expect(set.seeds).toBe(8);
  });

  it('getPreset returns a copy and rejects unknown names, listing the known ones', () => {
    const p = getPreset('tiny');
    p.spec.seeds = 99;
    expect(getPreset('tiny').spec.seeds).toBe(1);
    try {
      getPreset('pentagram');
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(SpecError);
      expect((e as Error).message).toContain('"pentagram"');
      expect((e as Error).message).toContain('intro, relu-vs-linear, phase-2-1, pentagon, phase-3-2, privileged-basis');
    }
    expect(() => getPreset('toString')).toThrow(SpecError);
  });
});

describe('preset figures', () => {
  it('every figure a preset lists is in the figure registry', async () => {
    const { FIGURE_NAMES } = await import('../../src/figures/registry.js');
    const { presets } = await import('../../src/science/presets.js');
    for (const [name, preset] of Object.entries(presets)) {
      for (const figure of preset.figures ?? []) expect(FIGURE_NAMES, `preset ${name}`).toContain(figure);
    }
  });
});
