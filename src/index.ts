/**
 * superposition-webgpu: the public API.
 *
 * - science (pure TypeScript, no GPU): the sweep spec and presets, the counter-based PRNG, the float64
 *   reference trainer, metrics, regimes, the exact n = 2, m = 1 theory.
 * - engine (WebGPU): device acquisition in the browser (`acquireDevice`), the trainer
 *   (`trainModelSet`), the planner and the typed errors. Node users import `acquireNodeDevice`
 *   from `src/engine/node.ts` (it needs the `webgpu` package and node:fs).
 */
export * from './science/index.js';
export { acquireDevice } from './engine/device.js';
export { Engine, createEngine, type EngineOptions } from './engine/engine.js';
export * from './engine/errors.js';
export { trainModelSet, allocateResults, findDiverged } from './engine/trainer.js';
export { planSweep, chooseLayout, isCpuAdapter, type SweepPlan } from './engine/planner.js';
export type { DeviceInfo, KernelLayout, TrainOptions, TrainOutcome, TrainProgress } from './engine/types.js';
