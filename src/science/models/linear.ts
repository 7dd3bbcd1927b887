import type { ModelDefinition } from './contract.js';

/** The paper's linear baseline (section "Demonstrating superposition"): x' = Wᵀ W x + b. */
export const linear: ModelDefinition = {
  kind: 'linear',
  summary: "Linear: x' = WᵀW x + b",
  source: 'paper, "Demonstrating superposition"',
  tied: true,
  hiddenBias: false,
  outputBias: true,
  hiddenActivation: 'identity',
  outputActivation: 'identity',
  target: 'x',
  requiresSignedData: false,
  allowsWideHidden: false,
  metrics: ['feature-geometry', 'reconstruction'],
};
