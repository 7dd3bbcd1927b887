import type { ModelDefinition } from './contract.js';

/**
 * The PyTorch replication's model ("000" in docs/science.md "The small replications"):
 * x' = Wᵀ ReLU(W x + b_h): the ReLU on a biased hidden layer, no output bias or ReLU. It keeps
 * only m of n features in 2-D at any sparsity: shown beside the paper's model, not instead of it.
 */
export const reluHiddenBias: ModelDefinition = {
  kind: 'relu-hidden-bias',
  summary: "Replication 000: x' = Wᵀ ReLU(W x + b_h)",
  source: 'the PyTorch replication ("000")',
  tied: true,
  hiddenBias: true,
  outputBias: false,
  hiddenActivation: 'relu',
  outputActivation: 'identity',
  target: 'x',
  requiresSignedData: false,
  allowsWideHidden: false,
  metrics: ['feature-geometry', 'per-neuron', 'reconstruction'],
};
