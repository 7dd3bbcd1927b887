import type { ModelDefinition } from './contract.js';

/** Privileged basis (section "Superposition in a privileged basis"): h = ReLU(W x), x' = ReLU(Wᵀ h + b). */
export const hiddenRelu: ModelDefinition = {
  kind: 'hidden-relu',
  summary: "Privileged basis: h = ReLU(W x), x' = ReLU(Wᵀh + b)",
  source: 'paper, "Superposition in a privileged basis"',
  tied: true,
  hiddenBias: false,
  outputBias: true,
  hiddenActivation: 'relu',
  outputActivation: 'relu',
  target: 'x',
  requiresSignedData: false,
  allowsWideHidden: false,
  metrics: ['feature-geometry', 'per-neuron', 'reconstruction'],
};
