/** Shader sources read from the repository's shaders/ folder (Node). */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { ShaderSources } from './shaders.js';

const read = (name: string): string => readFileSync(fileURLToPath(new URL(`../../shaders/${name}.wgsl`, import.meta.url)), 'utf8');

export function nodeShaders(): ShaderSources {
  return { prng: read('prng'), train: read('train'), evaluate: read('evaluate'), geometry: read('geometry'), snapshot: read('snapshot'), blocks: read('blocks') };
}
