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

/**
 * A named experiment: a description (what it shows and its budget) and its spec; `series` holds
 * further sweeps of the same experiment that one grid cannot hold (another nFeatures). The CLI
 * writes the spec and each of the series into DIR/<spec.name>/; the element trains `spec`.
 */
export interface Preset {
  description: string;
  spec: SweepSpecInput;
  series?: SweepSpecInput[];
  /**
   * The figures (src/figures/registry.ts names) `superposition sweep --preset` writes beside the
   * results, as NAME.png and NAME.svg; the phase-diagram.png is always written. Default: every
   * figure that fits the results.
   */
  figures?: string[];
}

/** One polygons sweep: k features in 2-D, uniform (value 1) and decaying (0.8^i) importance, two densities. */
function polygon(k: number): SweepSpecInput {
  return {
    name: `polygons-${k}`,
    model: 'relu',
    nFeatures: k,
    nHidden: 2,
    x: { param: 'featureProbability', label: 'p = 1 − S', values: [0.1, 0.03], scale: 'log' },
    y: { param: 'importance', mode: 'decay', label: 'importance decay (1 = uniform)', values: [0.8, 1], scale: 'log' },
    seeds: 8,
    training: { steps: 5000, batchSize: 512 },
  };
}

/** Samples one preset may train by default (≈ 200 s at 1e7 samples/s on SwiftShader). */
export const PRESET_SAMPLE_BUDGET = 2e9;

/**
 * The presets by name:
 * - `intro`: the paper's introduction figure (n = 5, m = 2, I_i = 0.9^i, S = 0, 0.7, 0.9, 0.95)
 * - `relu-vs-linear`: section "Demonstrating superposition" (n = 20, m = 5, I_i = 0.7^i, linear and ReLU)
 * - `phase-2-1`: section "Superposition as a phase change", the n = 2, m = 1 phase diagram
 * - `pentagon`: n = 5, m = 2, uniform importance, p = 0.05: a regular pentagon
 * - `phase-3-2`: the n = 3, m = 2 phase diagram
 * - `privileged-basis`: section "Superposition in a privileged basis" (hidden-relu, n = 10, m = 5)
 * - `abs`, `abs-small`: section "Computation in superposition" (n = 100, m = 40; n = 3, m = 6)
 * - `correlated`, `anticorrelated`: section "Correlated and anticorrelated features" (n = 4, m = 2, two pairs)
 * - `non-uniform`: the pentagon with one feature's density swept
 * - `feature-dimensionality`: n = 200, m = 20, 1/(1 − S) from 1 to 20
 * - `dynamics`: the pentagon's training recorded every 100 steps
 * - `replications`: the small replications' own models beside the paper's (series of three sweeps)
 * - `tiny`: a 4 × 4 phase grid that trains in seconds (end-to-end tests)
 */
export const presets: Readonly<Record<string, Preset>> = {
  intro: {
    figures: ['feature-arrows', 'model-strip', 'benefit', 'feature-dimensionality'],
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
    figures: ['model-strip', 'benefit'],
    description:
      'Section "Demonstrating superposition": n = 20, m = 5, importance 0.7^i, at sparsity ' +
      'S = 0, 0.7, 0.9, 0.97, 0.99, 0.997, 0.999 (p = 1 − S), for the linear model (rows 0) and the ReLU ' +
      'model (row 1). The linear model always keeps the 5 most important features; the ReLU model represents ' +
      'more features in superposition as S grows, the least important last (measured at S = 0.99, 0.997, 0.999: ' +
      '10, 12, 15 features with ‖W_i‖ > 0.5 in the kept seed, 12–15 over seeds at 0.999; 3000 steps × batch 256 at ' +
      'lr 1e-3 lost features there: 12, 12, 11). 7 × 2 points × 4 seeds × 5000 steps × batch 512 at lr 3e-3 = 1.4e8 ' +
      'samples, about 40 s on SwiftShader (the registers layout trains n = 20, m = 5 at ~4e6 samples/s); the paper: --steps ' +
      '10000 --batch-size 1024 at lr 1e-3.',
    spec: {
      name: 'relu-vs-linear',
      nFeatures: 20,
      nHidden: 5,
      importance: { mode: 'decay', value: 0.7 },
      // p = 1 − S for S ∈ {0, 0.7, 0.9, 0.97, 0.99, 0.997, 0.999}, written exactly.
      x: { param: 'featureProbability', label: 'p = 1 − S', values: [1, 0.3, 0.1, 0.03, 0.01, 0.003, 0.001], scale: 'log' },
      y: { param: 'model', values: ['linear', 'relu'] },
      seeds: 4,
      training: { steps: 5000, batchSize: 512, learningRate: 3e-3 },
    },
  },
  'phase-2-1': {
    figures: ['phase-diagram'],
    description:
      'Section "Superposition as a phase change": n = 2, m = 1; feature 1 has relative importance r (y, 0.1..10, log) ' +
      'and both features density p (x, 0.01..1, log); each cell is not represented, dedicated dimension or ' +
      'superposition (compare with the exact theory: superposition fills a wedge around r = 1 that narrows towards p = 1; there is no triple point). 16 × 16 points × 4 seeds × ' +
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
    figures: ['feature-arrows'],
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
  'phase-3-2': {
    figures: ['phase-diagram'],
    description:
      'Section "Superposition as a phase change", the n = 3, m = 2 diagram: features 0 and 1 have importance 1, ' +
      'feature 2 (the extra feature) relative importance r (y, 0.1..10, log); all density p (x, 0.01..1, log). ' +
      'Each cell is the extra feature\'s regime; compare with the exact 3 → 2 theory (--metric regime, the theory ' +
      'overlay in the element). 12 × 12 points × 4 seeds × 2500 steps × batch 512 = 7.4e8 samples. The seeds are ' +
      'judged on 131 072 evaluation examples: at sparse p the pairings differ by O(p²) in loss, which 8192 examples ' +
      'cannot resolve (79 % of cells agreed with the theory then, 87 % now).',
    spec: {
      name: 'phase-3-2',
      model: 'relu',
      nFeatures: 3,
      nHidden: 2,
      x: { param: 'featureProbability', label: 'p = 1 − S', min: 0.01, max: 1, count: 12, scale: 'log' },
      y: { param: 'importance', mode: 'last', label: 'relative importance r', min: 0.1, max: 10, count: 12, scale: 'log' },
      seeds: 4,
      evalBatchSize: 131_072,
      training: { steps: 2500, batchSize: 512 },
    },
  },
  'privileged-basis': {
    figures: ['privileged-basis', 'model-strip'],
    description:
      'Section "Superposition in a privileged basis": the hidden-relu model h = ReLU(W x), x\' = ReLU(Wᵀh + b), ' +
      'n = 10, m = 5, importance 0.75^i, at 1 − S = 0.75, 0.35, 0.15, 0.1, 0.06, 0.02, 0.01. Dense: each neuron ' +
      'carries one feature (neuronMaxShare ≈ 1, neuronFeatureCount ≈ 1); sparse: neurons carry several. ' +
      '7 points × 8 seeds × 4000 steps × batch 256 = 5.7e7 samples (the paper keeps the best of up to 1000 seeds: --seeds).',
    spec: {
      name: 'privileged-basis',
      model: 'hidden-relu',
      nFeatures: 10,
      nHidden: 5,
      importance: { mode: 'decay', value: 0.75 },
      x: { param: 'featureProbability', label: 'p = 1 − S', values: [0.75, 0.35, 0.15, 0.1, 0.06, 0.02, 0.01], scale: 'log' },
      seeds: 8,
      training: { steps: 4000, batchSize: 256 },
    },
  },
  abs: {
    figures: ['computation'],
    description:
      'Section "Computation in superposition": untied W1, W2 learn y = |x| on signed inputs U[−1, 1), n = 100, ' +
      'm = 40, importance 0.8^i, at 1 − S = 1, 0.3, 0.1, 0.03, 0.01, 0.003, 0.001. Dense: neurons compute one ' +
      'feature\'s |x| each; sparse: more features than neurons are computed (benefit > 0 for more than 40 / 2 ' +
      'features). 7 points × 1 seed × 1500 steps × batch 128 = 1.3e6 samples at lr 3e-3 (the workgroup-registers layout on a ' +
      'CPU adapter: about a minute on 2 cores with SwiftShader, measured 2026-11-30); the paper\'s budget: --steps 10000 --batch-size 1024 on a GPU.',
    spec: {
      name: 'abs',
      model: 'abs',
      data: { kind: 'signed' },
      nFeatures: 100,
      nHidden: 40,
      importance: { mode: 'decay', value: 0.8 },
      x: { param: 'featureProbability', label: 'p = 1 − S', values: [1, 0.3, 0.1, 0.03, 0.01, 0.003, 0.001], scale: 'log' },
      seeds: 1,
      training: { steps: 1500, batchSize: 128, learningRate: 3e-3 },
      evalBatchSize: 4096,
    },
  },
  'abs-small': {
    figures: ['computation'],
    description:
      'Computing |x| with more neurons than features: n = 3, m = 6, signed inputs, importance 0.8^i. With two ' +
      'neurons per feature, ReLU(x) + ReLU(−x) = |x| is exact: every point settles into three ±x_i neuron pairs with ' +
      'benefit ≈ 1 for every feature. 4 points × 4 seeds × 16000 steps × batch 512 = 1.3e8 samples (about 4 minutes on ' +
      'one SwiftShader core; 4000 × 256 left the sparse points mid-way, with polysemantic neurons).',
    spec: {
      name: 'abs-small',
      model: 'abs',
      data: { kind: 'signed' },
      nFeatures: 3,
      nHidden: 6,
      importance: { mode: 'decay', value: 0.8 },
      x: { param: 'featureProbability', label: 'p = 1 − S', values: [1, 0.3, 0.1, 0.03], scale: 'log' },
      seeds: 4,
      training: { steps: 16_000, batchSize: 512 },
    },
  },
  correlated: {
    figures: ['correlated'],
    description:
      'Section "Correlated and anticorrelated features": n = 4, m = 2, two correlated pairs {0, 1} and {2, 3} ' +
      '(each pair switches on together), uniform importance, at 1 − S = 0.3, 0.1, 0.03. Correlated features ' +
      'prefer to be orthogonal (a pair splits across the two dimensions, its features at ±90°; the other pair ' +
      'takes the opposite directions). 3 points × 8 seeds × 3000 steps × batch 256 = 1.8e7 samples.',
    spec: {
      name: 'correlated',
      model: 'relu',
      data: { kind: 'correlated', sets: [[0, 1], [2, 3]] },
      nFeatures: 4,
      nHidden: 2,
      importance: { mode: 'uniform', value: 1 },
      x: { param: 'featureProbability', label: 'p = 1 − S', values: [0.3, 0.1, 0.03], scale: 'log' },
      seeds: 8,
      training: { steps: 3000, batchSize: 256 },
    },
  },
  anticorrelated: {
    figures: ['correlated'],
    description:
      'Section "Correlated and anticorrelated features": n = 4, m = 2, two anticorrelated pairs {0, 1} and {2, 3} ' +
      '(never both on), uniform importance, at 1 − S = 0.3, 0.1, 0.03. Anticorrelated features prefer to be ' +
      'antipodal (W_0 ≈ −W_1, W_2 ≈ −W_3: superposition costs them no interference). 3 points × 8 seeds × 3000 ' +
      'steps × batch 256 = 1.8e7 samples.',
    spec: {
      name: 'anticorrelated',
      model: 'relu',
      data: { kind: 'anticorrelated', sets: [[0, 1], [2, 3]] },
      nFeatures: 4,
      nHidden: 2,
      importance: { mode: 'uniform', value: 1 },
      x: { param: 'featureProbability', label: 'p = 1 − S', values: [0.3, 0.1, 0.03], scale: 'log' },
      seeds: 8,
      training: { steps: 3000, batchSize: 256 },
    },
  },
  'non-uniform': {
    figures: ['non-uniform'],
    description:
      'Section "Geometry: non-uniform superposition": the pentagon (n = 5, m = 2, uniform importance, p = 0.05) ' +
      'with feature 4\'s density swept from 0.005 to 0.5 (x, log) while the others stay at 0.05: the pentagon ' +
      'deforms, then snaps to other arrangements (digons, the dense feature on its own) with a kink in the loss. ' +
      '12 points × 8 seeds × 5000 steps × batch 512 = 2.5e8 samples.',
    spec: {
      name: 'non-uniform',
      model: 'relu',
      nFeatures: 5,
      nHidden: 2,
      featureProbability: 0.05,
      importance: { mode: 'uniform', value: 1 },
      x: { param: 'featureProbability', features: [4], label: 'p of feature 4', min: 0.005, max: 0.5, count: 12, scale: 'log' },
      seeds: 8,
      training: { steps: 5000, batchSize: 512 },
    },
  },
  'feature-dimensionality': {
    figures: ['feature-dimensionality', 'benefit'],
    description:
      'Section "Geometry: feature dimensionality" (the notebook\'s setting): n = 200, m = 20, uniform importance, ' +
      '20 points of 1/(1 − S) from 1 to 20. m/‖W‖_F² sticks near 1 and 1/2; each feature\'s D_i clusters at 1, ' +
      '1/2 (digons), 2/5 (pentagons), 3/8 (square antiprisms) … and 0 (dropped). 20 points × 1 seed × 1200 steps × ' +
      'batch 256 at lr 1e-2 with a cosine decay = 6.1e6 samples (measured on the workgroup-registers layout: 2.5 minutes, ' +
      '4.6 CPU-minutes with --backend node on a 2-core machine; m/‖W‖_F² = 1.01 dense and 0.49 at 1/(1 − S) = 3, D_i ' +
      'clusters at 1/2, 2/5 and 3/8; at the sparse points 2000 cosine steps lower the loss by under 0.2 %); the ' +
      'paper\'s n = 400, m = 30 and a wider range: --n-features 400 --n-hidden 30 --x-min 0.01 --cols 30 (1/(1 − S) from ' +
      '1 to 100), best with --steps 10000 --batch-size 1024 on a GPU.',
    spec: {
      name: 'feature-dimensionality',
      model: 'relu',
      nFeatures: 200,
      nHidden: 20,
      importance: { mode: 'uniform', value: 1 },
      // p = 1/k for k = 1 … 20: 1/(1 − S) from 1 to 20.
      x: { param: 'featureProbability', label: 'p = 1 − S', values: Array.from({ length: 20 }, (_, k) => 1 / (k + 1)), scale: 'log' },
      seeds: 1,
      // Measured on its sparse points: 1200 cosine steps at lr 1e-2 end at a lower loss than 2000
      // constant steps at 3e-3, and as low as 2000 cosine steps (docs/science.md).
      training: { steps: 1200, batchSize: 256, learningRate: 1e-2, schedule: 'cosine' },
      evalBatchSize: 2048,
    },
  },
  dynamics: {
    figures: ['dynamics', 'feature-arrows'],
    description:
      'Section "Learning dynamics": the pentagon setting (n = 5, m = 2, uniform importance, p = 0.05) with the ' +
      'training recorded every 100 steps for the kept seed of 4: D_i moves in discrete jumps that line up with ' +
      'drops in the loss, and W (recorded) shows the features rotating into the pentagon. 4 seeds × 10000 steps × ' +
      'batch 256 = 1e7 samples, plus the kept seed retrained with recording.',
    spec: {
      name: 'dynamics',
      model: 'relu',
      nFeatures: 5,
      nHidden: 2,
      featureProbability: 0.05,
      importance: { mode: 'uniform', value: 1 },
      seeds: 4,
      training: { steps: 10_000, batchSize: 256 },
      record: { every: 100, metrics: ['loss', 'featureNorm', 'dimensionality', 'dimsPerFeature'], seeds: 'kept' },
    },
  },
  polygons: {
    figures: ['feature-arrows'],
    description:
      'Polygons (the replications\' figures; section "Geometry"): n = 3 … 8 features in m = 2, uniform and ' +
      'decaying (0.8^i) importance, at p = 0.1 and 0.03. Sparse uniform features form regular polygons (angle gaps ' +
      '360°/k between represented features); decaying importance drops the least important ones. Six sweeps (one ' +
      'per n, written to DIR/polygons-k/) of 4 points × 8 seeds × 5000 steps × batch 512 = 4.9e8 samples in all.',
    spec: polygon(5),
    series: [3, 4, 6, 7, 8].map(polygon),
  },
  replications: {
    figures: ['benefit', 'model-strip', 'feature-arrows'],
    description:
      "The small replications' own models beside the paper's, on the same data with the replication's own optimiser " +
      'and budget: the PyTorch replication (x\' = Wᵀ ReLU(W x + b_h), Adam, batch 256, 20 000 steps) at n = 10, m = 5, ' +
      'importance 0.7^i (benefit heatmap, WᵀW) and at n = 5, m = 2 (arrows), and the NumPy replication\'s bias-free ' +
      "linear model x' = WᵀW x on 5 features in 2-D (arrows; it used plain SGD, which this engine does not offer: Adam " +
      'here). Three sweeps (DIR/replication-000/, DIR/replication-000-arrows/, DIR/replication-003/); 1.3e8 samples in all.',
    spec: {
      name: 'replication-000',
      nFeatures: 10,
      nHidden: 5,
      importance: { mode: 'decay', value: 0.7 },
      x: { param: 'featureProbability', label: 'p = 1 − S', values: [1, 0.3, 0.1, 0.03, 0.01], scale: 'log' },
      y: { param: 'model', values: ['relu-hidden-bias', 'relu'] },
      seeds: 1,
      training: { steps: 20_000, batchSize: 256, optimizer: 'adam', weightDecay: 0 },
    },
    series: [
      {
        name: 'replication-000-arrows',
        nFeatures: 5,
        nHidden: 2,
        importance: { mode: 'decay', value: 0.9 },
        x: { param: 'featureProbability', label: 'p = 1 − S', values: [1, 0.3, 0.1, 0.05], scale: 'log' },
        y: { param: 'model', values: ['relu-hidden-bias', 'relu'] },
        seeds: 1,
        training: { steps: 20_000, batchSize: 256, optimizer: 'adam', weightDecay: 0 },
      },
      {
        name: 'replication-003',
        nFeatures: 5,
        nHidden: 2,
        x: { param: 'featureProbability', label: 'p = 1 − S', values: [0.1, 0.03], scale: 'log' },
        y: { param: 'model', values: ['linear-nobias', 'relu'] },
        seeds: 4,
        training: { steps: 5000, batchSize: 512, optimizer: 'adam', weightDecay: 0 },
      },
    ],
  },
  tiny: {
    figures: ['phase-diagram'],
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
  return Object.entries(presets).map(([name, { description, spec, series }]) => {
    const sets = [spec, ...(series ?? [])].flatMap((s) => resolveSpecGroups(s));
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
