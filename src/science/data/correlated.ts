import type { DataDefinition } from './contract.js';

/**
 * Correlated feature sets (paper, "Correlated and anticorrelated features"): the members of a set
 * share one gate draw (their leader's), so with equal p they are all on or all off together;
 * values are drawn independently. Features outside every set are independent.
 */
export const correlated: DataDefinition = {
  kind: 'correlated',
  summary: 'features of a set switch on together (one shared draw); values independent',
  signed: false,
  usesSets: true,
  isOn: (u, p) => u < Math.fround(p),
};
