/** Hand-built ModelSets for kernel tests (independent of the spec parser). */
import { DEFAULT_TRAINING } from '../../src/science/spec.js';
import type { GridPoint, ModelKind, ModelSet, TrainingSettings } from '../../src/science/types.js';

/** The notebook's settings, but a short run at a larger learning rate, so kernels are tested in seconds. */
export const defaultTraining: TrainingSettings = { ...DEFAULT_TRAINING, steps: 50, batchSize: 32, learningRate: 1e-2 };

/**
 * `points` grid points with p spread log-uniformly over [0.05, 1] and decaying importance 0.9^i,
 * the last feature scaled by r from 0.5 to 2 (so every point differs in p and I).
 */
export function smallSet(options: { model?: ModelKind; n?: number; m?: number; points?: number; seeds?: number; training?: Partial<TrainingSettings>; evalBatchSize?: number } = {}): ModelSet {
  const n = options.n ?? 5;
  const m = options.m ?? 2;
  const count = options.points ?? 4;
  const points: GridPoint[] = [];
  for (let k = 0; k < count; k++) {
    const t = count === 1 ? 0 : k / (count - 1);
    const p = 0.05 * Math.pow(1 / 0.05, t);
    const r = 0.5 * Math.pow(4, t);
    points.push({
      index: k,
      xIndex: k,
      yIndex: 0,
      xValue: p,
      yValue: r,
      featureProbability: Array.from({ length: n }, () => p),
      importance: Array.from({ length: n }, (_, i) => (i === n - 1 ? r : Math.pow(0.9, i))),
    });
  }
  return {
    model: options.model ?? 'relu',
    nFeatures: n,
    nHidden: m,
    baseSeed: 7,
    seeds: options.seeds ?? 2,
    training: { ...defaultTraining, ...options.training },
    evalBatchSize: options.evalBatchSize ?? 256,
    points,
  };
}
