import type { DataDefinition } from './contract.js';

/** Every feature on independently with probability p_i, values U[0, 1) (docs/science.md "Data"). */
export const independent: DataDefinition = {
  kind: 'independent',
  summary: 'each feature on independently with probability p, values U[0, 1)',
  signed: false,
  usesSets: false,
  isOn: (u, p) => u < Math.fround(p),
};
