import { describe, expect, it } from 'vitest';
import {
  ENGINE_MAX_FEATURES,
  ENGINE_MAX_HIDDEN,
  SpecError,
  axisValues,
  gridShape,
  parseSpec,
  parseSpecText,
  resolveSpec,
  resolveSpecGroups,
  sweepSpecJsonSchema,
  type SweepSpecInput,
} from '../../src/science/spec.js';

/** The example of the format's documentation: the paper's phase diagram at 32 × 32. */
const phaseSpec = {
  model: 'relu',
  nFeatures: 2,
  nHidden: 1,
  x: { param: 'featureProbability', min: 0.01, max: 1, count: 32, scale: 'log' },
  y: { param: 'importance', mode: 'last', min: 0.1, max: 10, count: 32, scale: 'log' },
  seeds: 4,
  seed: 0,
  training: { steps: 10000, batchSize: 1024, learningRate: 0.001, optimizer: 'adamw', weightDecay: 0.01, schedule: 'constant' },
  evalBatchSize: 8192,
} as const satisfies SweepSpecInput;

const base = { nFeatures: 2, nHidden: 1, featureProbability: 0.1 };

/** Calls f, expects a SpecError, returns it. */
function specError(f: () => unknown): SpecError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(SpecError);
    return e as SpecError;
  }
  throw new Error('expected a SpecError, but nothing was thrown');
}

describe('parseSpec: a good spec', () => {
  it('resolves the documented phase-diagram example', () => {
    const set = resolveSpec(phaseSpec);
    expect(set.model).toBe('relu');
    expect(set.nFeatures).toBe(2);
    expect(set.nHidden).toBe(1);
    expect(set.seeds).toBe(4);
    expect(set.baseSeed).toBe(0);
    expect(set.evalBatchSize).toBe(8192);
    expect(set.points).toHaveLength(32 * 32);
    expect(set.training).toEqual({
      steps: 10000,
      batchSize: 1024,
      learningRate: 0.001,
      optimizer: 'adamw',
      weightDecay: 0.01,
      schedule: 'constant',
      beta1: 0.9,
      beta2: 0.999,
      epsilon: 1e-8,
    });
  });

  it('fills in the documented defaults', () => {
    const s = parseSpec(base);
    expect(s.seeds).toBe(1);
    expect(s.seed).toBe(0);
    expect(s.evalBatchSize).toBe(8192);
    expect(s.training.steps).toBe(10000);
    expect(s.training.batchSize).toBe(1024);
    expect(s.training.learningRate).toBe(1e-3);
    expect(s.training.optimizer).toBe('adamw');
    expect(s.training.schedule).toBe('constant');
    expect(s.training.weightDecay).toBe(0.01);
    expect(s.regime).toEqual({ normThreshold: 0.5, superpositionThreshold: 0.1 });
    expect(s.combine).toBe('lowest-loss');
    const set = resolveSpec(base);
    expect(set.model).toBe('relu');
    expect(set.points).toHaveLength(1);
    expect(set.points[0]!.importance).toEqual([1, 1]);
    expect(set.points[0]!.featureProbability).toEqual([0.1, 0.1]);
  });

  it('a parsed spec is valid input again (idempotent)', () => {
    const once = parseSpec(phaseSpec);
    expect(parseSpec(once)).toEqual(once);
  });

  it('fixed importance modes and per-feature arrays become vectors of length n', () => {
    const n4 = { nFeatures: 4, nHidden: 2, featureProbability: 0.5 };
    expect(resolveSpec({ ...n4, importance: { mode: 'decay', value: 0.5 } }).points[0]!.importance).toEqual([1, 0.5, 0.25, 0.125]);
    expect(resolveSpec({ ...n4, importance: { mode: 'last', value: 3 } }).points[0]!.importance).toEqual([1, 1, 1, 3]);
    expect(resolveSpec({ ...n4, importance: { mode: 'uniform' } }).points[0]!.importance).toEqual([1, 1, 1, 1]);
    expect(resolveSpec({ ...n4, importance: [4, 3, 2, 1] }).points[0]!.importance).toEqual([4, 3, 2, 1]);
    expect(
      resolveSpec({ ...n4, featureProbability: [1, 0.5, 0.25, 0.125] }).points[0]!.featureProbability,
    ).toEqual([1, 0.5, 0.25, 0.125]);
  });
});

describe('grid expansion', () => {
  it('indexes points row-major: index = yIndex * xCount + xIndex', () => {
    const set = resolveSpec(phaseSpec);
    set.points.forEach((pt, k) => {
      expect(pt.index).toBe(k);
      expect(pt.index).toBe(pt.yIndex * 32 + pt.xIndex);
    });
    const pt = set.points[3 * 32 + 5]!;
    expect(pt.xIndex).toBe(5);
    expect(pt.yIndex).toBe(3);
    expect(pt.featureProbability).toEqual([pt.xValue, pt.xValue]);
    // mode "last": feature 0 keeps importance 1, the last feature gets r.
    expect(pt.importance).toEqual([1, pt.yValue]);
  });

  it('log axes are geometric from min to max inclusive', () => {
    const set = resolveSpec(phaseSpec);
    const xs = set.points.filter((p) => p.yIndex === 0).map((p) => p.xValue);
    expect(xs[0]).toBe(0.01);
    expect(xs[31]).toBe(1);
    for (let k = 1; k < 32; k++) expect(xs[k]! / xs[k - 1]!).toBeCloseTo(Math.pow(100, 1 / 31), 12);
    const ys = set.points.filter((p) => p.xIndex === 0).map((p) => p.yValue);
    expect(ys[0]).toBe(0.1);
    expect(ys[31]).toBe(10);
  });

  it('axisValues: log, linear, explicit values, count 1', () => {
    const s = parseSpec({
      ...base,
      featureProbability: undefined,
      x: { param: 'featureProbability', min: 0.01, max: 1, count: 3, scale: 'log' },
      y: { param: 'importance', mode: 'uniform', min: 0.2, max: 1, count: 5, scale: 'linear' },
    });
    const xs = axisValues(s.x!);
    expect(xs).toHaveLength(3);
    expect(xs[0]).toBe(0.01);
    expect(xs[1]).toBeCloseTo(0.1, 14);
    expect(xs[2]).toBe(1);
    const ys = axisValues(s.y!);
    [0.2, 0.4, 0.6, 0.8, 1].forEach((v, k) => expect(ys[k]).toBeCloseTo(v, 14));
    const one = parseSpec({ ...base, featureProbability: undefined, x: { param: 'featureProbability', min: 0.3, max: 0.9, count: 1 } });
    expect(axisValues(one.x!)).toEqual([0.3]);
    const vals = parseSpec({ ...base, featureProbability: undefined, x: { param: 'featureProbability', values: [1, 0.3, 0.1] } });
    expect(axisValues(vals.x!)).toEqual([1, 0.3, 0.1]);
  });

  it('gridShape counts columns and rows; absent axes count 1', () => {
    expect(gridShape(phaseSpec)).toEqual({ xCount: 32, yCount: 32 });
    expect(gridShape(base)).toEqual({ xCount: 1, yCount: 1 });
    expect(gridShape({ ...base, y: { param: 'importance', mode: 'decay', values: [0.5, 0.7, 0.9] } })).toEqual({ xCount: 1, yCount: 3 });
  });

  it('an importance decay axis gives I_i = r^i', () => {
    const set = resolveSpec({ nFeatures: 3, nHidden: 1, featureProbability: 0.2, x: { param: 'importance', mode: 'decay', values: [0.5, 2] } });
    expect(set.points[0]!.importance).toEqual([1, 0.5, 0.25]);
    expect(set.points[1]!.importance).toEqual([1, 2, 4]);
    expect(Number.isNaN(set.points[0]!.yValue)).toBe(true);
  });

  it('a model axis: resolveSpec refuses, resolveSpecGroups splits by kind keeping global indices', () => {
    const spec = {
      nFeatures: 3,
      nHidden: 1,
      x: { param: 'featureProbability', values: [1, 0.1] },
      y: { param: 'model', values: ['linear', 'relu'] },
    } as const satisfies SweepSpecInput;
    const e = specError(() => resolveSpec(spec));
    expect(e.message).toContain('resolveSpecGroups');
    const groups = resolveSpecGroups(spec);
    expect(groups.map((g) => g.model)).toEqual(['linear', 'relu']);
    expect(groups[0]!.points.map((p) => p.index)).toEqual([0, 1]);
    expect(groups[1]!.points.map((p) => p.index)).toEqual([2, 3]);
    expect(groups[1]!.points.map((p) => p.yIndex)).toEqual([1, 1]);
    expect(groups[1]!.points[1]!.featureProbability).toEqual([0.1, 0.1, 0.1]);
    expect(resolveSpecGroups(base)).toHaveLength(1);
  });
});

describe('parseSpec: bad specs throw one SpecError naming the value', () => {
  it('unknown model', () => {
    const e = specError(() => parseSpec({ ...base, model: 'sigmoid' }));
    expect(e.path).toBe('spec.model');
    expect(e.message).toContain('"sigmoid"');
    expect(e.message).toContain('"relu"');
  });

  it('every model kind resolves; abs needs signed data; only abs may have m ≥ n', () => {
    for (const model of ['relu', 'linear', 'hidden-relu', 'relu-hidden-bias', 'linear-nobias'] as const) expect(resolveSpec({ ...base, model }).model).toBe(model);
    const e = specError(() => resolveSpec({ ...base, model: 'abs' }));
    expect(e.path).toBe('spec.data.kind');
    expect(e.message).toContain('the abs model needs signed data; allowed: "signed"');
    const wide = resolveSpec({ model: 'abs', data: { kind: 'signed' }, nFeatures: 3, nHidden: 6, featureProbability: 0.1 });
    expect([wide.nHidden, wide.data]).toEqual([6, 'signed']);
    expect(specError(() => parseSpec({ model: 'hidden-relu', nFeatures: 3, nHidden: 6, featureProbability: 0.1 })).path).toBe('spec.nHidden');
    const groups = resolveSpecGroups({ ...base, y: { param: 'model', values: ['relu', 'hidden-relu'] } });
    expect(groups.map((g) => g.model)).toEqual(['relu', 'hidden-relu']);
  });

  it('data sets: required by the set kinds, refused by the others, in range, disjoint; anticorrelated sums ≤ 1', () => {
    const n5 = { nFeatures: 5, nHidden: 2, featureProbability: 0.1 };
    expect(specError(() => parseSpec({ ...n5, data: { kind: 'correlated' } })).message).toContain('spec.data.sets: missing; the correlated kind needs feature sets');
    expect(specError(() => parseSpec({ ...n5, data: { kind: 'independent', sets: [[0, 1]] } })).message).toContain('reads no sets');
    const range = specError(() => parseSpec({ ...n5, data: { kind: 'correlated', sets: [[0, 5]] } }));
    expect(range.path).toBe('spec.data.sets[0][1]');
    expect(range.message).toContain('allowed: feature indices 0..4');
    const overlap = specError(() => parseSpec({ ...n5, data: { kind: 'anticorrelated', sets: [[0, 1], [1, 2]] } }));
    expect(overlap.message).toContain('feature 1 is already in set 0; sets must not overlap');
    const sum = specError(() => resolveSpec({ ...n5, featureProbability: 0.6, data: { kind: 'anticorrelated', sets: [[0, 1]] } }));
    expect(sum.message).toContain('spec.data.sets[0]: the members\' feature probabilities sum to 1.200');
    const ok = resolveSpec({ ...n5, data: { kind: 'anticorrelated', sets: [[0, 1], [2, 3]] } });
    expect(ok.featureSets).toEqual([[0, 1], [2, 3]]);
  });

  it('an axis with a features selector sweeps only those features (the non-uniform experiment)', () => {
    const set = resolveSpec({ nFeatures: 5, nHidden: 2, featureProbability: 0.05, x: { param: 'featureProbability', features: [4], values: [0.01, 0.5] } });
    expect(set.points.map((p) => p.featureProbability)).toEqual([
      [0.05, 0.05, 0.05, 0.05, 0.01],
      [0.05, 0.05, 0.05, 0.05, 0.5],
    ]);
    expect(specError(() => parseSpec({ nFeatures: 5, nHidden: 2, x: { param: 'featureProbability', features: [4], values: [0.1] } })).path).toBe('spec.featureProbability');
    expect(specError(() => parseSpec({ nFeatures: 5, nHidden: 2, featureProbability: 0.1, x: { param: 'importance', mode: 'uniform', features: [7], values: [2] } })).path).toBe('spec.x.features[0]');
  });

  it('nHidden must be < nFeatures (naming both)', () => {
    const e = specError(() => parseSpec({ nFeatures: 5, nHidden: 5, featureProbability: 0.1 }));
    expect(e.path).toBe('spec.nHidden');
    expect(e.message).toMatch(/spec\.nHidden: 5 is out of range/);
    expect(e.message).toContain('nFeatures = n = 5');
    expect(specError(() => parseSpec({ nFeatures: 3, nHidden: 7, featureProbability: 0.1 })).message).toContain('7');
    expect(specError(() => parseSpec({ ...base, nHidden: 0 })).message).toContain('spec.nHidden: 0');
    expect(specError(() => parseSpec({ ...base, nFeatures: 1 })).message).toContain('spec.nFeatures: 1 is out of range');
    expect(specError(() => parseSpec({ ...base, nFeatures: 2.5 })).message).toContain('2.5 is not an integer');
  });

  it('featureProbability p = 0 and p = 1.5 are outside (0, 1]', () => {
    for (const p of [0, 1.5, -0.2]) {
      const e = specError(() => parseSpec({ ...base, featureProbability: p }));
      expect(e.message).toContain(`spec.featureProbability: ${p} is out of range`);
      expect(e.message).toContain('(0, 1]');
    }
    const e = specError(() => parseSpec({ ...base, featureProbability: [0.5, 1.5] }));
    expect(e.path).toBe('spec.featureProbability[1]');
    expect(e.message).toContain('1.5');
    const ax = specError(() =>
      parseSpec({ nFeatures: 2, nHidden: 1, x: { param: 'featureProbability', values: [0.5, 0] } }),
    );
    expect(ax.message).toContain('spec.x.values[1]: 0 is out of range');
    expect(ax.message).toContain('(0, 1]');
  });

  it('a log axis needs min > 0', () => {
    const e = specError(() =>
      parseSpec({ ...base, x: { param: 'importance', mode: 'last', min: -1, max: 10, count: 4, scale: 'log' } }),
    );
    expect(e.path).toBe('spec.x.min');
    expect(e.message).toContain('spec.x.min: -1 is out of range');
    expect(e.problems.some((p) => p.includes('for a log axis'))).toBe(true);
    const z = specError(() =>
      parseSpec({ nFeatures: 2, nHidden: 1, x: { param: 'featureProbability', min: 0, max: 1, count: 4, scale: 'log' } }),
    );
    expect(z.message).toContain('spec.x.min: 0 is out of range');
  });

  it('both axes sweeping the same parameter', () => {
    const e = specError(() =>
      parseSpec({
        nFeatures: 2,
        nHidden: 1,
        featureProbability: 0.1,
        x: { param: 'importance', mode: 'last', values: [1, 2] },
        y: { param: 'importance', mode: 'decay', values: [1, 2] },
      }),
    );
    expect(e.path).toBe('spec.y.param');
    expect(e.message).toContain('"importance"');
  });

  it('invalid JSON', () => {
    const e = specError(() => parseSpecText('{"nFeatures": 2,'));
    expect(e.message).toMatch(/^invalid JSON: /);
    expect(parseSpecText(JSON.stringify(base)).nFeatures).toBe(2);
  });

  it('sparsity is not a parameter (axis or key)', () => {
    const e = specError(() => parseSpec({ nFeatures: 2, nHidden: 1, x: { param: 'sparsity', values: [0.9] } }));
    expect(e.path).toBe('spec.x.param');
    expect(e.message).toContain('"sparsity"');
    expect(e.message).toContain('featureProbability');
    expect(specError(() => parseSpec({ ...base, sparsity: 0.9 })).message).toContain('"sparsity"');
  });

  it('unknown keys, missing or conflicting parameters, range-axis shape', () => {
    expect(specError(() => parseSpec({ ...base, training: { stpes: 5 } })).message).toContain('"stpes"');
    const missing = specError(() => parseSpec({ nFeatures: 2, nHidden: 1 }));
    expect(missing.path).toBe('spec.featureProbability');
    expect(missing.message).toContain('missing');
    const both = specError(() => parseSpec({ ...base, x: { param: 'featureProbability', values: [0.5] } }));
    expect(both.message).toContain('spec.featureProbability: is also swept by spec.x');
    expect(specError(() => parseSpec({ ...base, featureProbability: [0.1, 0.2, 0.3] })).message).toContain('has 3 values');
    expect(specError(() => parseSpec({ ...base, x: { param: 'importance', mode: 'last', min: 1, max: 2 } })).path).toBe('spec.x.count');
    expect(specError(() => parseSpec({ ...base, x: { param: 'importance', mode: 'last', min: 3, max: 2, count: 2 } })).message).toContain(
      'spec.x.max: 2 is out of range',
    );
    expect(specError(() => parseSpec({ ...base, x: { param: 'importance', mode: 'last', min: 1, max: 2, count: 5000 } })).message).toContain(
      'spec.x.count: 5000',
    );
    expect(specError(() => parseSpec({ ...base, x: { param: 'importance', min: 1, max: 2, count: 2 } })).path).toBe('spec.x.mode');
    expect(specError(() => parseSpec({ ...base, model: 'linear', y: { param: 'model', values: ['relu'] } })).path).toBe('spec.model');
    expect(specError(() => parseSpec(null)).message).toContain('spec: null is not an object');
  });

  it('training, seeds and evaluation limits', () => {
    expect(specError(() => parseSpec({ ...base, training: { steps: 0 } })).message).toContain('spec.training.steps: 0 is out of range');
    expect(specError(() => parseSpec({ ...base, training: { batchSize: 65537 } })).message).toContain('65537');
    expect(specError(() => parseSpec({ ...base, training: { learningRate: 0 } })).message).toContain('spec.training.learningRate: 0');
    expect(specError(() => parseSpec({ ...base, training: { weightDecay: -1 } })).message).toContain('-1');
    expect(specError(() => parseSpec({ ...base, seeds: 1025 })).message).toContain('spec.seeds: 1025');
    expect(specError(() => parseSpec({ ...base, seed: 2 ** 32 })).message).toContain('4294967296');
    expect(specError(() => parseSpec({ ...base, evalBatchSize: 0 })).path).toBe('spec.evalBatchSize');
  });

  it('the engine limits are enforced by resolveSpec, not the format', () => {
    const big = { nFeatures: 2000, nHidden: 10, featureProbability: 0.1 };
    expect(parseSpec(big).nFeatures).toBe(2000);
    const e = specError(() => resolveSpec(big));
    expect(e.message).toContain('2000');
    expect(e.message).toContain(`2..${ENGINE_MAX_FEATURES}`);
    const h = specError(() => resolveSpec({ nFeatures: 400, nHidden: 300, featureProbability: 0.1 }));
    expect(h.message).toContain('300');
    expect(h.message).toContain(`1..${ENGINE_MAX_HIDDEN}`);
    expect(resolveSpec({ nFeatures: 1024, nHidden: 128, featureProbability: 0.1 }).nFeatures).toBe(1024);
  });
});

describe('sweepSpecJsonSchema', () => {
  it('describes the format', () => {
    const s = sweepSpecJsonSchema() as { type: string; properties: Record<string, unknown>; required: string[] };
    expect(s.type).toBe('object');
    expect(Object.keys(s.properties)).toEqual(expect.arrayContaining(['nFeatures', 'nHidden', 'x', 'y', 'training', 'seeds']));
    expect(s.required).toEqual(expect.arrayContaining(['nFeatures', 'nHidden']));
    expect(s.required).not.toContain('seeds');
  });
});
