/** Shader sources bundled by Vite as strings (browser and Vitest). */
import prng from '../../shaders/prng.wgsl?raw';
import train from '../../shaders/train.wgsl?raw';
import evaluate from '../../shaders/evaluate.wgsl?raw';
import geometry from '../../shaders/geometry.wgsl?raw';
import snapshot from '../../shaders/snapshot.wgsl?raw';
import blocks from '../../shaders/blocks.wgsl?raw';
import type { ShaderSources } from './shaders.js';

export const browserShaders: ShaderSources = { prng, blocks, train, evaluate, geometry, snapshot };
