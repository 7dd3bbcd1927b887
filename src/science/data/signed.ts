import type { DataDefinition } from './contract.js';

/** Independent features with signed values U[−1, 1) (the abs model's data). */
export const signed: DataDefinition = {
  kind: 'signed',
  summary: 'each feature on independently with probability p, values U[−1, 1)',
  signed: true,
  usesSets: false,
  isOn: (u, p) => u < Math.fround(p),
};
