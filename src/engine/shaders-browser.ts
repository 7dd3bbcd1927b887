/** Shader sources bundled by Vite as strings (browser and Vitest). */
import prng from '../../shaders/prng.wgsl?raw';
import train from '../../shaders/train.wgsl?raw';
import evaluate from '../../shaders/evaluate.wgsl?raw';
import geometry from '../../shaders/geometry.wgsl?raw';
import snapshot from '../../shaders/snapshot.wgsl?raw';
import blocks from '../../shaders/blocks.wgsl?raw';
import autoencoder from '../../shaders/autoencoder.wgsl?raw';
import optimizer from '../../shaders/optimizer.wgsl?raw';
import theta from '../../shaders/theta.wgsl?raw';
import workgroupRegisters from '../../shaders/workgroup-registers.wgsl?raw';
import { byKind, type ShaderSources } from './shaders.js';

const models = byKind(import.meta.glob<string>('../../shaders/models/*.wgsl', { query: '?raw', import: 'default', eager: true }));
const data = byKind(import.meta.glob<string>('../../shaders/data/*.wgsl', { query: '?raw', import: 'default', eager: true }));

export const browserShaders: ShaderSources = { prng, blocks, train, evaluate, geometry, snapshot, optimizer, autoencoder, theta, workgroupRegisters, models, data };
