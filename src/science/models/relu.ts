import type { ModelDefinition } from './contract.js';

/** The paper's main model (section "Demonstrating superposition"): h = W x, x' = ReLU(Wᵀ h + b). */
export const relu: ModelDefinition = {
  kind: 'relu',
  summary: 'ReLU output: h = W x, x\' = ReLU(Wᵀh + b)',
  source: 'paper, "Demonstrating superposition"',
  tied: true,
  hiddenBias: false,
  outputBias: true,
  hiddenActivation: 'identity',
  outputActivation: 'relu',
  target: 'x',
  requiresSignedData: false,
  allowsWideHidden: false,
  metrics: ['feature-geometry', 'reconstruction'],
};
