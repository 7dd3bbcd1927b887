import type { DataDefinition } from './contract.js';

/**
 * Anticorrelated feature sets (paper, "Correlated and anticorrelated features"): at most one
 * member of a set is on; member i is on when the leader's gate u falls in [lower_i, lower_i + p_i),
 * so it is on with probability p_i and the set with Σ p (which must be ≤ 1). Features outside
 * every set are independent.
 */
export const anticorrelated: DataDefinition = {
  kind: 'anticorrelated',
  summary: 'at most one feature of a set is on; each with probability p',
  signed: false,
  usesSets: true,
  isOn: (u, p, lower) => u >= lower && u < Math.fround(lower + Math.fround(p)),
};
