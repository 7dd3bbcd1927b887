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
  /** Adam/AdamW and the schedules, prepended to every training driver after prng. */
  optimizer: string;
  /** The autoencoder drivers (workgroup layout), which name no model or data kind. */
  autoencoder: string;
  /** One module per model kind, by kind name (shaders/models/<kind>.wgsl). */
  models: Record<string, string>;
  /** One module per data kind, by kind name (shaders/data/<kind>.wgsl). */
  data: Record<string, string>;
}

/** Files matched by a glob keyed by their base name without `.wgsl`. */
export function byKind(files: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(files).map(([path, text]) => [path.replace(/^.*\//, '').replace(/\.wgsl$/, ''), text]));
}
