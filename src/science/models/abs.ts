import type { ModelDefinition } from './contract.js';

/**
 * Computation in superposition (section "Computation in superposition"): untied W1 (m × n) and
 * W2 (n × m), h = ReLU(W1 x), y' = ReLU(W2 h + b), target |x| on signed inputs. m ≥ n is allowed
 * (n = 3, m = 6: two neurons per feature compute |x| exactly).
 */
export const abs: ModelDefinition = {
  kind: 'abs',
  summary: "Computing |x|: h = ReLU(W1 x), y' = ReLU(W2 h + b), target |x|",
  source: 'paper, "Computation in superposition"',
  tied: false,
  hiddenBias: false,
  outputBias: true,
  hiddenActivation: 'relu',
  outputActivation: 'relu',
  target: 'abs',
  requiresSignedData: true,
  allowsWideHidden: true,
  metrics: ['feature-geometry', 'per-neuron', 'reconstruction'],
};
