import type { ModelDefinition } from './contract.js';

/** The NumPy replication's model ("003"): the bias-free linear x' = Wᵀ W x. */
export const linearNobias: ModelDefinition = {
  kind: 'linear-nobias',
  summary: "Replication 003: x' = WᵀW x (no bias)",
  source: 'the NumPy replication ("003")',
  tied: true,
  hiddenBias: false,
  outputBias: false,
  hiddenActivation: 'identity',
  outputActivation: 'identity',
  target: 'x',
  requiresSignedData: false,
  allowsWideHidden: false,
  metrics: ['feature-geometry', 'reconstruction'],
};
