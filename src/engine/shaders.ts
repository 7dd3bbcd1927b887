import { REGISTERS_MAX_FEATURES } from './layout.js';

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
  /** Registers-layout helpers (Blocks, drawBlocks, forwardRows, …), prepended to train and evaluate after prng; see registersSource. */
  blocks: string;
  snapshot: string;
  /** Adam/AdamW and the schedules, prepended to every training driver after prng. */
  optimizer: string;
  /** The autoencoder drivers (workgroup layout), which name no model or data kind. */
  autoencoder: string;
  /** θ's layout (offsets, indexE, indexD) shared by the generic drivers, prepended after the model module. */
  theta: string;
  /** The `workgroup-registers` training driver's template (src/engine/workgroup-registers.ts expands it). */
  workgroupRegisters: string;
  /** One module per model kind, by kind name (shaders/models/<kind>.wgsl). */
  models: Record<string, string>;
  /** One module per data kind, by kind name (shaders/data/<kind>.wgsl). */
  data: Record<string, string>;
}

/** Files matched by a glob keyed by their base name without `.wgsl`. */
export function byKind(files: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(files).map(([path, text]) => [path.replace(/^.*\//, '').replace(/\.wgsl$/, ''), text]));
}

/** The declaration of blocks.wgsl's column-block count, which `registersSource` rewrites. */
const NB_DECLARATION = 'const NB: u32 = 8u;';

/**
 * blocks.wgsl with its column-block count NB set to ⌈nFeatures / 4⌉, for the registers entry
 * points of train.wgsl and evaluate.wgsl (n ≤ 32, so NB ≤ 8). NB sizes their per-example arrays,
 * and WGSL sizes private arrays by constants only (not overrides), so it is set in the source; the
 * guards `NB > c` then fold as an override's would. Other pipelines keep the default 8.
 * @throws RangeError when nFeatures is not an integer in 1 … 32 (the blocks' written-out lines stop
 *   at eight); Error when the source lacks the declaration (the file and this function disagree).
 */
export function registersSource(blocks: string, nFeatures: number): string {
  if (!Number.isInteger(nFeatures) || nFeatures < 1 || nFeatures > REGISTERS_MAX_FEATURES) throw new RangeError(`registersSource: nFeatures = ${nFeatures} is out of range; the registers kernels hold 1 … ${REGISTERS_MAX_FEATURES} features`);
  if (!blocks.includes(NB_DECLARATION)) throw new Error(`blocks.wgsl no longer declares '${NB_DECLARATION}'`);
  return blocks.replace(NB_DECLARATION, `const NB: u32 = ${Math.ceil(nFeatures / 4)}u;`);
}
