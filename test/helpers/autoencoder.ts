/** Hand-built autoencoder instances for the contract tests (every model × data kind). */
import { featureInputs, type AutoencoderInstance } from '../../src/science/autoencoder-reference.js';
import { dataDefinition, type DataKindName } from '../../src/science/data/index.js';
import { modelDefinition, type ModelKindName } from '../../src/science/models/index.js';
import { modelStream } from '../../src/science/prng.js';
import { DEFAULT_TRAINING } from '../../src/science/spec.js';
import type { TrainingSettings } from '../../src/science/types.js';

/** Feature sets used for the set-based data kinds: {0, 1} and {2, 3, 4} where n allows. */
export function testSets(n: number): number[][] {
  const sets: number[][] = [[0, 1]];
  if (n >= 5) sets.push([2, 3, 4]);
  return sets;
}

/**
 * One instance of `model` on `data` at n → m: p spread over features (0.1 … 0.4, equal within a set
 * so anticorrelated sets stay ≤ 1), decaying importance 0.9^i, stream (7, point, seed).
 */
export function testInstance(model: ModelKindName, data: DataKindName, n: number, m: number, options: { point?: number; seed?: number; training?: Partial<TrainingSettings>; p?: number } = {}): AutoencoderInstance {
  const d = dataDefinition(data);
  const sets = d.usesSets ? testSets(n) : [];
  const p = Array.from({ length: n }, (_, i) => options.p ?? 0.1 + (0.3 * (i % 4)) / 3);
  for (const set of sets) for (const i of set) p[i] = options.p ?? 0.25;
  const importance = Array.from({ length: n }, (_, i) => Math.pow(0.9, i));
  return {
    model: modelDefinition(model),
    data: d,
    nFeatures: n,
    nHidden: m,
    training: { ...DEFAULT_TRAINING, steps: 20, batchSize: 16, learningRate: 1e-2, ...options.training },
    stream: modelStream(7, options.point ?? 3, options.seed ?? 1),
    features: featureInputs(p, importance, sets),
  };
}
