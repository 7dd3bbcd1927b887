/**
 * The paper's experiments as ready-made sweep specs (Elhage et al. 2022, "Toy Models of
 * Superposition"; docs/science.md "Results a faithful reproduction shows").
 *
 * Budget: the defaults are sized so that each preset trains in about 5 minutes or less on a
 * 2-core CPU running WebGPU on SwiftShader (~1e7 training samples/s), i.e.
 * instances × steps × batchSize ≲ 2e9 samples. Bigger budgets (more seeds, steps, finer grids) come
 * from the CLI's flags, which override these fields.
 */
import { resolveSpecGroups, SpecError, type SweepSpecInput } from './spec.js';

/** A named experiment: a description (what it shows and its budget) and its spec. */
export interface Preset {
  description: string;
  spec: SweepSpecInput;
}

/** Samples one preset may train by default (≈ 200 s at 1e7 samples/s on SwiftShader). */
export const PRESET_SAMPLE_BUDGET = 2e9;

/**
 * The presets by name:
 * - `intro`: the paper's introduction figure (n = 5, m = 2, I_i = 0.9^i, S = 0, 0.7, 0.9, 0.95)
 * - `relu-vs-linear`: section "Demonstrating superposition" (n = 20, m = 5, I_i = 0.7^i, linear and ReLU)
 * - `phase-2-1`: section "Superposition as a phase change", the n = 2, m = 1 phase diagram
 * - `pentagon`: n = 5, m = 2, uniform importance, p = 0.05: a regular pentagon
 * - `tiny`: a 4 × 4 phase grid that trains in seconds (end-to-end tests)
 */
export const presets: Readonly<Record<string, Preset>> = {
  intro: {
    description:
      "The paper's introduction figure: n = 5 features, m = 2 hidden, importance 0.9^i, at sparsity S = 0, 0.7, 0.9, 0.95 " +
      '(featureProbability p = 1, 0.3, 0.1, 0.05): two orthogonal features when dense, antipodal pairs and then a ' +
      'pentagon as features get sparser. 4 points × 4 seeds × 5000 steps × 1024 = 8.2e7 samples (seconds on SwiftShader).',
    spec: {
      name: 'intro',
      model: 'relu',
      nFeatures: 5,
      nHidden: 2,
      importance: { mode: 'decay', value: 0.9 },
      x: { param: 'featureProbability', label: 'p = 1 − S', values: [1, 0.3, 0.1, 0.05], scale: 'log' },
      seeds: 4,
      training: { steps: 5000, batchSize: 1024 },
    },
  },
  'relu-vs-linear': {
    description:
      'Section "Demonstrating superposition": n = 20, m = 5, importance 0.7^i, at sparsity ' +
      'S = 0, 0.7, 0.9, 0.97, 0.99, 0.997, 0.999 (p = 1 − S), for the linear model (rows 0) and the ReLU ' +
      'model (row 1). The linear model always keeps the 5 most important features; the ReLU model represents ' +
      'more features in superposition as S grows (measured: 5, 8, 9, 10, 12, 12, 11 features with ‖W_i‖ > 0.5). ' +
      '7 × 2 points × 4 seeds × 3000 steps × batch 256 = 4.3e7 samples, about 3 minutes on SwiftShader (n = 20 runs ' +
      'the looped kernel at ~0.25e6 samples/s); the paper trains longer: raise --steps/--batch-size.',
    spec: {
      name: 'relu-vs-linear',
      nFeatures: 20,
      nHidden: 5,
      importance: { mode: 'decay', value: 0.7 },
      // p = 1 − S for S ∈ {0, 0.7, 0.9, 0.97, 0.99, 0.997, 0.999}, written exactly.
      x: { param: 'featureProbability', label: 'p = 1 − S', values: [1, 0.3, 0.1, 0.03, 0.01, 0.003, 0.001], scale: 'log' },
      y: { param: 'model', values: ['linear', 'relu'] },
      seeds: 4,
      training: { steps: 3000, batchSize: 256 },
    },
  },
  'phase-2-1': {
    description:
      'Section "Superposition as a phase change": n = 2, m = 1; feature 1 has relative importance r (y, 0.1..10, log) ' +
      'and both features density p (x, 0.01..1, log); each cell is not represented, dedicated dimension or ' +
      'superposition (compare with the exact theory, triple point r = 1, p = 4/7). 16 × 16 points × 4 seeds × ' +
      '2500 steps × batch 512 = 1.3e9 samples (about 1 minute on SwiftShader, 2 cores); the paper uses more seeds and ' +
      'steps: raise --seeds/--steps/--batch-size for a cleaner diagram.',
    spec: {
      name: 'phase-2-1',
      model: 'relu',
      nFeatures: 2,
      nHidden: 1,
      x: { param: 'featureProbability', label: 'p = 1 − S', min: 0.01, max: 1, count: 16, scale: 'log' },
      y: { param: 'importance', mode: 'last', label: 'relative importance r', min: 0.1, max: 10, count: 16, scale: 'log' },
      seeds: 4,
      training: { steps: 2500, batchSize: 512 },
    },
  },
  pentagon: {
    description:
      'n = 5, m = 2, uniform importance, p = 0.05 (S = 0.95): the lowest-loss seed is a regular pentagon ' +
      '(adjacent angles 72°, D_i = 2/5). Only some seeds find it, hence 8 seeds. 1 point × 8 seeds × 10000 steps × ' +
      '1024 = 8.2e7 samples.',
    spec: {
      name: 'pentagon',
      model: 'relu',
      nFeatures: 5,
      nHidden: 2,
      featureProbability: 0.05,
      importance: { mode: 'uniform', value: 1 },
      seeds: 8,
      training: { steps: 10_000, batchSize: 1024 },
    },
  },
  tiny: {
    description:
      'A 4 × 4 version of the n = 2, m = 1 phase diagram with 1 seed, 200 steps and batch 64 (2e5 samples): ' +
      'trains in seconds; for end-to-end tests, not science.',
    spec: {
      name: 'tiny',
      model: 'relu',
      nFeatures: 2,
      nHidden: 1,
      x: { param: 'featureProbability', min: 0.01, max: 1, count: 4, scale: 'log' },
      y: { param: 'importance', mode: 'last', min: 0.1, max: 10, count: 4, scale: 'log' },
      seeds: 1,
      training: { steps: 200, batchSize: 64 },
      evalBatchSize: 1024,
    },
  },
};

/**
 * A copy of a preset (safe to modify, e.g. to apply CLI overrides).
 * @throws SpecError for an unknown name, listing the known names
 */
export function getPreset(name: string): Preset {
  const p = Object.hasOwn(presets, name) ? presets[name] : undefined;
  if (!p) {
    throw new SpecError(
      `unknown preset ${JSON.stringify(name)}; known presets: ${Object.keys(presets).join(', ')}`,
      'preset',
    );
  }
  return structuredClone(p);
}

/** Summary of one preset: models trained ("instances" = points × seeds) and training samples (instances × steps × batchSize). */
export interface PresetSummary {
  name: string;
  description: string;
  instances: number;
  totalSamples: number;
}

/** Every preset with its size, in definition order. */
export function listPresets(): PresetSummary[] {
  return Object.entries(presets).map(([name, { description, spec }]) => {
    const sets = resolveSpecGroups(spec);
    let instances = 0;
    let totalSamples = 0;
    for (const s of sets) {
      const k = s.points.length * s.seeds;
      instances += k;
      totalSamples += k * s.training.steps * s.training.batchSize;
    }
    return { name, description, instances, totalSamples };
  });
}
