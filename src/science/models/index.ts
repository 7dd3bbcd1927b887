/**
 * The registry of model kinds: the only place that lists them. Adding a kind = one definition
 * file here, one `shaders/models/<kind>.wgsl`, one test file, and one line below.
 */
import { abs } from './abs.js';
import type { ModelDefinition } from './contract.js';
import { hiddenRelu } from './hidden-relu.js';
import { linear } from './linear.js';
import { linearNobias } from './linear-nobias.js';
import { relu } from './relu.js';
import { reluHiddenBias } from './relu-hidden-bias.js';

export * from './contract.js';

/** Every model kind's name, in the order the CLI, the spec schema and the element list them. */
export const MODEL_KINDS = ['relu', 'linear', 'hidden-relu', 'abs', 'relu-hidden-bias', 'linear-nobias'] as const;
export type ModelKindName = (typeof MODEL_KINDS)[number];

const definitions: Record<ModelKindName, ModelDefinition> = {
  relu,
  linear,
  'hidden-relu': hiddenRelu,
  abs,
  'relu-hidden-bias': reluHiddenBias,
  'linear-nobias': linearNobias,
};

/**
 * The definition of a model kind.
 * @throws RangeError naming the known kinds when `kind` is unknown
 */
export function modelDefinition(kind: string): ModelDefinition {
  const def = (definitions as Record<string, ModelDefinition | undefined>)[kind];
  if (!def) throw new RangeError(`model ${JSON.stringify(kind)} is unknown; known models: ${MODEL_KINDS.join(', ')}`);
  return def;
}
