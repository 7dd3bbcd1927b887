/** The registry of data kinds: the only place that lists them. */
import { anticorrelated } from './anticorrelated.js';
import type { DataDefinition } from './contract.js';
import { correlated } from './correlated.js';
import { independent } from './independent.js';
import { signed } from './signed.js';

export * from './contract.js';

/** Every data kind's name, in the order the spec schema lists them. */
export const DATA_KINDS = ['independent', 'signed', 'correlated', 'anticorrelated'] as const;
export type DataKindName = (typeof DATA_KINDS)[number];

const definitions: Record<DataKindName, DataDefinition> = { independent, signed, correlated, anticorrelated };

/**
 * The definition of a data kind.
 * @throws RangeError naming the known kinds when `kind` is unknown
 */
export function dataDefinition(kind: string): DataDefinition {
  const def = (definitions as Record<string, DataDefinition | undefined>)[kind];
  if (!def) throw new RangeError(`data kind ${JSON.stringify(kind)} is unknown; known kinds: ${DATA_KINDS.join(', ')}`);
  return def;
}
