// The <superposition-phase-diagram> attributes → sweep spec rules (src/components/attributes.ts).
import { describe, expect, it } from 'vitest';
import { AttributeError, DEFAULT_ELEMENT_PRESET, metricFromAttributes, numberConverter, specFromAttributes } from '../../src/components/attributes.js';
import { getPreset } from '../../src/science/presets.js';
import { axisValues, parseSpec } from '../../src/science/spec.js';

describe('specFromAttributes', () => {
  it('with nothing set trains the default preset unchanged', () => {
    expect(specFromAttributes({})).toEqual(parseSpec(getPreset(DEFAULT_ELEMENT_PRESET).spec));
  });

  it('maps the axis, size and training attributes onto the spec', () => {
    const spec = specFromAttributes({ nFeatures: 3, nHidden: 1, densityMin: 0.05, densityMax: 0.5, densityMode: 'linear', importanceMin: 0.5, importanceMax: 2, cols: 5, rows: 3, seeds: 2, steps: 300, batchSize: 64, learningRate: 0.01, seed: 9, model: 'linear' });
    expect(spec.nFeatures).toBe(3);
    expect(spec.model).toBe('linear');
    expect(spec.x).toMatchObject({ param: 'featureProbability', min: 0.05, max: 0.5, count: 5, scale: 'linear' });
    expect(axisValues(spec.x!)).toEqual([0.05, 0.1625, 0.275, 0.3875, 0.5].map((v) => expect.closeTo(v, 12)));
    expect(spec.y).toMatchObject({ param: 'importance', mode: 'last', min: 0.5, max: 2, count: 3, scale: 'log' });
    expect(spec.training).toMatchObject({ steps: 300, batchSize: 64, learningRate: 0.01 });
    expect([spec.seeds, spec.seed]).toEqual([2, 9]);
  });

  it('turns a preset axis with explicit values into min/max/count when overridden', () => {
    const spec = specFromAttributes({ preset: 'intro', cols: 3 });
    expect(spec.x).toMatchObject({ param: 'featureProbability', min: 0.05, max: 1, count: 3 });
    expect(spec.x && 'values' in spec.x ? spec.x.values : undefined).toBeUndefined();
  });

  it('lowers n-hidden below a smaller n-features when only n-features is set', () => {
    expect(specFromAttributes({ preset: 'pentagon', nFeatures: 2 }).nHidden).toBe(1);
  });

  it('a model attribute replaces a preset model axis', () => {
    const spec = specFromAttributes({ preset: 'relu-vs-linear', model: 'relu' });
    expect(spec.y).toBeUndefined();
    expect(spec.model).toBe('relu');
  });

  it.each([
    [{ nFeatures: 1 }, /n-features=1 is not allowed; allowed: integers 2\.\.1024/],
    [{ nFeatures: NaN }, /n-features=NaN is not allowed/],
    [{ densityMin: 0 }, /density-min=0 is not allowed; allowed: \(0, 1\]/],
    [{ importanceMode: 'cubic' }, /importance-mode="cubic" is not allowed; allowed: log, linear/],
    [{ model: 'tanh' }, /model="tanh" is not allowed; allowed: relu, linear, hidden-relu, abs, relu-hidden-bias, linear-nobias/],
    [{ preset: 'nope' }, /preset="nope" is not allowed; allowed: intro, relu-vs-linear, phase-2-1, pentagon, phase-3-2, .*, tiny/],
    [{ batchSize: 1.5 }, /batch-size=1\.5 is not allowed; allowed: integers 1\.\.65536/],
    [{ nHidden: 4, nFeatures: 3 }, /nHidden/],
  ])('rejects %o with an AttributeError naming it', (attrs, message) => {
    expect(() => specFromAttributes(attrs)).toThrow(AttributeError);
    expect(() => specFromAttributes(attrs)).toThrow(message);
  });

  it('names the attribute of an error only the combined spec shows', () => {
    try {
      specFromAttributes({ densityMin: 0.5, densityMax: 0.1 });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(AttributeError);
      expect((e as AttributeError).attribute).toBe('density-min');
      expect((e as Error).message).toMatch(/spec\.x\.max: 0\.1 is out of range; allowed: >= min \(0\.5\)/);
    }
  });

  it('the spec property wins over attributes and its errors name the spec path', () => {
    const spec = getPreset('tiny').spec;
    expect(specFromAttributes({ nFeatures: 7 }, spec).nFeatures).toBe(2);
    expect(() => specFromAttributes({}, { ...spec, nFeatures: 0 })).toThrow(/spec property: spec\.nFeatures: 0 is out of range/);
  });
});

describe('metricFromAttributes and numberConverter', () => {
  it('accepts kebab-case and camelCase metric names', () => {
    expect(metricFromAttributes('dims-per-feature', null, 2)).toEqual({ name: 'dimsPerFeature' });
    expect(metricFromAttributes('dimsPerFeature', 1, 2)).toEqual({ name: 'dimsPerFeature' });
    expect(metricFromAttributes(undefined, undefined, 2)).toEqual({ name: 'regime' });
    expect(metricFromAttributes('norm', 0, 2)).toEqual({ name: 'norm', feature: 0 });
  });
  it('rejects unknown metrics and out-of-range features', () => {
    expect(() => metricFromAttributes('size', null, 2)).toThrow(/metric="size" is not allowed; allowed: regime, norm, superposition, dimensionality, benefit, loss, dims-per-feature/);
    expect(() => metricFromAttributes('norm', 2, 2)).toThrow(/feature=2 is not allowed; allowed: integers 0\.\.1/);
  });
  it('keeps bad numeric text as NaN so the error can name it', () => {
    expect(numberConverter.fromAttribute('abc')).toBeNaN();
    expect(numberConverter.fromAttribute(null)).toBeUndefined();
    expect(numberConverter.fromAttribute(' 12 ')).toBe(12);
  });
});
