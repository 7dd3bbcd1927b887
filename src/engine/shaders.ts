/**
 * The WGSL sources the engine compiles. Each runtime supplies them its own way (Vite `?raw`
 * imports in the browser, the file system in Node), so the kernel owners never care where
 * the text came from.
 */
export interface ShaderSources {
  prng: string;
  train: string;
  evaluate: string;
  geometry: string;
  /** Registers-layout helpers (featureBlock, drawFour), prepended to train and evaluate after prng. */
  blocks: string;
  snapshot: string;
}
