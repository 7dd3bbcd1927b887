/**
 * The science layer's public API: pure TypeScript, no GPU, runs in Node and the browser
 * (docs/architecture.md "Dependency rules"). Types, the spec format and presets, the PRNG shared with
 * WGSL, the float64 CPU reference trainer, metrics, regime rules and the exact n = 2, m = 1 theory.
 */
export * from './types.js';
export * from './prng.js';
export * from './spec.js';
export * from './presets.js';
export * from './metrics.js';
export * from './regimes.js';
export * from './theory.js';
export * from './seeds.js';
export * from './reference.js';
export * from './models/index.js';
export * from './data/index.js';
export { trainAutoencoderReference, evaluateAutoencoderReference, batchLossGradient, initialTheta, summariseEvaluation, type AutoencoderInstance } from './autoencoder-reference.js';
export * from './optimizer.js';
export * from './metric-registry.js';
export { parseResultsJson, loadResultsFile, ResultsFileError, RESULTS_FORMAT, READABLE_FORMATS, type LoadedResults, type LoadedGroup } from './results-file.js';
