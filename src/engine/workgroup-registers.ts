/**
 * Owner of shaders/workgroup-registers.wgsl, the `workgroup-registers` training driver: one
 * workgroup per model, each invocation holding a few blocks of four features of every θ tensor
 * in registers for a whole dispatch. This file expands the template for one model size and
 * kind (WGSL sizes private arrays by constants only, and on CPU adapters only constant indices
 * avoid a gather per access) and says which models it can hold.
 */
import type { ModelDefinition } from '../science/models/contract.js';
import { DeviceLimitError } from './errors.js';

/** Largest n: the generic drivers' own maximum (the workgroup layout's n ≤ 1024). */
export const WORKGROUP_REGISTERS_MAX_FEATURES = 1024;

/**
 * Most invocations per workgroup the layout aims for: each invocation takes as many blocks of four
 * features as this needs (within {@link WORKGROUP_REGISTERS_MAX_BLOCK_LINES}). Fewer invocations mean
 * fewer partial sums per hidden unit and fewer SIMD groups to switch at each barrier on CPU
 * adapters: n = 100, m = 20 trained at 72.1 k samples/s with 25 invocations, 88.2 k with 9 and
 * 88.0 k with 7 (node quick runs, 2026-11-30; docs/platform.md).
 */
export const WORKGROUP_REGISTERS_TARGET_INVOCATIONS = 12;
/**
 * Most written-out lines of one block of four features per per-example step: (hidden unit, weight
 * tensor) pairs, one tensor for tied models and two (W1, W2) for untied ones; it caps m. Compile
 * time on SwiftShader grows with the lines (2026-11-30, node): 30 × 2 × 1 (relu n = 400, m = 30)
 * 14 s, 64 × 1 × 1 14 s, 40 × 1 × 2 (abs n = 100, m = 40) 19 s, 64 × 1 × 2 48 s, 128 × 1 × 2 223 s;
 * 30 × 13 × 1 failed in SwiftShader's SPIR-V tools ("ID overflow").
 */
export const WORKGROUP_REGISTERS_MAX_LINES = 80;
/**
 * Most written-out (hidden unit, block, tensor) lines per per-example step when choosing the blocks
 * per invocation. Since an example's backward sums and the next one's forward sums share their
 * barriers, fewer and fuller invocations pay: n = 400, m = 30, S = 0.99 (64 models, dawn.node,
 * 2026-12-01, 8 steps, two runs each) trained at 17–18 k samples/s with one block per invocation
 * (100 invocations), 24–29 k with two, 32–33 k with three, 34–35 k with four and 40–42 k with five
 * (20 invocations, 150 lines), whose pipeline takes about a minute to create. Abs n = 100, m = 40
 * (two tensors): 43–45 k with one block (25 invocations), 56 k with two (13 invocations, 160 lines,
 * about 100 s to create).
 */
export const WORKGROUP_REGISTERS_MAX_BLOCK_LINES = 160;

/** Weight tensors whose blocks an invocation holds: 1 (W) for tied models, 2 (W1, W2) otherwise. */
function tensors(model: Pick<ModelDefinition, 'tied'>): number {
  return model.tied ? 1 : 2;
}

/** Largest m of the layout for a model kind: ⌊lines / tensors⌋ (80 tied, 40 untied). */
export function workgroupRegistersMaxHidden(model: Pick<ModelDefinition, 'tied'>): number {
  return Math.floor(WORKGROUP_REGISTERS_MAX_LINES / tensors(model));
}

/** Blocks of four features per invocation: ⌈⌈n/4⌉ / target⌉, at most ⌊{@link WORKGROUP_REGISTERS_MAX_BLOCK_LINES} / (m · tensors)⌋ (and at least 1). */
export function workgroupRegistersBlocks(model: Pick<ModelDefinition, 'tied'>, nFeatures: number, nHidden: number): number {
  return Math.max(1, Math.min(Math.ceil(Math.ceil(nFeatures / 4) / WORKGROUP_REGISTERS_TARGET_INVOCATIONS), Math.floor(WORKGROUP_REGISTERS_MAX_BLOCK_LINES / (nHidden * tensors(model)))));
}

/** Invocations per workgroup: ⌈n / (4 · blocks)⌉. */
export function workgroupRegistersSize(model: Pick<ModelDefinition, 'tied'>, nFeatures: number, nHidden: number): number {
  return Math.ceil(nFeatures / (4 * workgroupRegistersBlocks(model, nFeatures, nHidden)));
}

/**
 * Bytes of workgroup memory: two sets of partial sums, one per invocation and hidden unit each (an
 * example's backward sums and the next example's forward sums), and five m-vectors.
 */
export function workgroupRegistersBytes(model: Pick<ModelDefinition, 'tied'>, nFeatures: number, nHidden: number): number {
  return 4 * (2 * workgroupRegistersSize(model, nFeatures, nHidden) * nHidden + 5 * nHidden);
}

/**
 * Whether an n → m model fits the layout on a device: its invocations in one workgroup (at most
 * 256, WebGPU's default maxComputeWorkgroupSizeX), its workgroup memory, n ≤ 1024 and m ≤
 * {@link workgroupRegistersMaxHidden}.
 */
export function fitsWorkgroupRegisters(model: Pick<ModelDefinition, 'tied'>, nFeatures: number, nHidden: number, limits: { maxComputeWorkgroupStorageSize: number; maxComputeInvocationsPerWorkgroup: number }): boolean {
  const size = workgroupRegistersSize(model, nFeatures, nHidden);
  return (
    nHidden >= 1 &&
    nHidden <= workgroupRegistersMaxHidden(model) &&
    nFeatures <= WORKGROUP_REGISTERS_MAX_FEATURES &&
    size <= Math.min(256, limits.maxComputeInvocationsPerWorkgroup) &&
    workgroupRegistersBytes(model, nFeatures, nHidden) <= limits.maxComputeWorkgroupStorageSize
  );
}

/**
 * Checks that an n → m model fits the layout on a device ({@link fitsWorkgroupRegisters}); the
 * planner calls it when a sweep asks for the layout by name.
 * @throws DeviceLimitError naming the limit the model exceeds: m (80 tied, 40 untied), n (1024),
 *   the invocations per workgroup, or the bytes of workgroup memory
 */
export function requireWorkgroupRegisters(model: Pick<ModelDefinition, 'kind' | 'tied'>, nFeatures: number, nHidden: number, limits: { maxComputeWorkgroupStorageSize: number; maxComputeInvocationsPerWorkgroup: number }): void {
  if (fitsWorkgroupRegisters(model, nFeatures, nHidden, limits)) return;
  const maxHidden = workgroupRegistersMaxHidden(model);
  if (nHidden > maxHidden) throw new DeviceLimitError('workgroup-registers layout', nHidden, maxHidden, `the workgroup-registers layout holds m ≤ ${maxHidden} hidden units for the ${model.kind} model (${model.tied ? 'tied' : 'untied'} weights); got m = ${nHidden} (use the workgroup layout)`);
  const size = workgroupRegistersSize(model, nFeatures, nHidden);
  const maxSize = Math.min(256, limits.maxComputeInvocationsPerWorkgroup);
  if (nFeatures > WORKGROUP_REGISTERS_MAX_FEATURES) throw new DeviceLimitError('workgroup-registers layout', nFeatures, WORKGROUP_REGISTERS_MAX_FEATURES, `the workgroup-registers layout holds n ≤ ${WORKGROUP_REGISTERS_MAX_FEATURES} features; got n = ${nFeatures} (use the workgroup layout)`);
  if (size > maxSize) throw new DeviceLimitError('maxComputeInvocationsPerWorkgroup', size, maxSize, `the workgroup-registers layout needs ${size} invocations for n = ${nFeatures}; the device allows ${maxSize} (use the workgroup layout)`);
  const bytes = workgroupRegistersBytes(model, nFeatures, nHidden);
  throw new DeviceLimitError('maxComputeWorkgroupStorageSize', bytes, limits.maxComputeWorkgroupStorageSize, `the workgroup-registers layout needs ${bytes} bytes of workgroup memory for n = ${nFeatures}, m = ${nHidden}; the device allows ${limits.maxComputeWorkgroupStorageSize} (use the workgroup layout)`);
}

const MARKER = /\s*\/\/ each (j b|j|b)( tied| untied)?\s*$/;

/**
 * The template with its constants set (MC = m, KB = blocks per invocation, WGC = invocations) and
 * each line marked `// each j`, `// each b` or `// each j b` written once per hidden unit j = 0 … m−1
 * (the identifier J becomes `ju`), per block b = 0 … KB−1 (B becomes `bu`) or per pair (j outer,
 * b inner); marked lines that end in `tied` or `untied` only for models of that kind.
 * @throws RangeError when n or m is not a positive integer or m exceeds {@link workgroupRegistersMaxHidden};
 *   Error when the template lacks a declaration this function rewrites
 */
export function workgroupRegistersSource(template: string, model: ModelDefinition, nFeatures: number, nHidden: number): string {
  if (!Number.isInteger(nFeatures) || nFeatures < 1) throw new RangeError(`workgroupRegistersSource: nFeatures = ${nFeatures} must be a positive integer`);
  const maxHidden = workgroupRegistersMaxHidden(model);
  if (!Number.isInteger(nHidden) || nHidden < 1 || nHidden > maxHidden) throw new RangeError(`workgroupRegistersSource: nHidden = ${nHidden} is out of range; the workgroup-registers layout holds 1 … ${maxHidden} hidden units for the ${model.kind} model`);
  const blocks = workgroupRegistersBlocks(model, nFeatures, nHidden);
  const declarations: [string, string][] = [
    ['const MC: u32 = 2u;', `const MC: u32 = ${nHidden}u;`],
    ['const KB: u32 = 1u;', `const KB: u32 = ${blocks}u;`],
    ['const WGC: u32 = 2u;', `const WGC: u32 = ${workgroupRegistersSize(model, nFeatures, nHidden)}u;`],
    ['const J: u32 = 0u;', ''],
    ['const B: u32 = 0u;', ''],
  ];
  let text = template;
  for (const [from, to] of declarations) {
    if (!text.includes(from)) throw new Error(`workgroup-registers.wgsl no longer declares '${from}'`);
    text = text.replace(from, to);
  }
  const out: string[] = [];
  for (const line of text.split('\n')) {
    const marker = MARKER.exec(line);
    if (!marker) {
      out.push(line);
      continue;
    }
    const only = marker[2]?.trim();
    if ((only === 'tied' && !model.tied) || (only === 'untied' && model.tied)) continue;
    const body = line.slice(0, marker.index);
    const js = marker[1]!.includes('j') ? nHidden : 1;
    const bs = marker[1]!.includes('b') ? blocks : 1;
    for (let j = 0; j < js; j++) {
      for (let b = 0; b < bs; b++) out.push(body.replace(/\bJ\b/g, `${j}u`).replace(/\bB\b/g, `${b}u`));
    }
  }
  return out.join('\n');
}
