/** Shader sources read from the repository's shaders/ folder (Node). */
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { ShaderSources } from './shaders.js';

const read = (name: string): string => readFileSync(fileURLToPath(new URL(`../../shaders/${name}.wgsl`, import.meta.url)), 'utf8');

const folder = (name: string): Record<string, string> => {
  const dir = fileURLToPath(new URL(`../../shaders/${name}/`, import.meta.url));
  return Object.fromEntries(readdirSync(dir).filter((f) => f.endsWith('.wgsl')).map((f) => [f.slice(0, -5), readFileSync(dir + f, 'utf8')]));
};

export function nodeShaders(): ShaderSources {
  return { prng: read('prng'), train: read('train'), evaluate: read('evaluate'), geometry: read('geometry'), snapshot: read('snapshot'), blocks: read('blocks'), optimizer: read('optimizer'), autoencoder: read('autoencoder'), theta: read('theta'), workgroupRegisters: read('workgroup-registers'), models: folder('models'), data: folder('data') };
}
