/**
 * Floors of the `workgroup-registers` layout: the same kernel with parts of its per-example weight
 * arithmetic taken out, trained like the layout itself on a workload's models. What is left bounds
 * what the layout's structure can reach on a device, whatever is done to the arithmetic removed:
 *   - `output only`: each example's output pre-activations (b + Σ_j D[i, j] h_j, n · m
 *     multiply-adds, which any trainer of the model must compute for every feature) kept; the
 *     forward and backward sums over the weights and the gradient accumulation taken out;
 *   - `no weight arithmetic`: that taken out too; what remains is the data draw, the output
 *     gradient, the partial sums (now of nothing), the owners' reductions and the barriers.
 * The models these variants train are wrong by construction; only their speed means something.
 * Runs in the page and in Node: the variants are cut from the engine's own template
 * (engine.shaders.workgroupRegisters), so they follow it; a template change that removes a line
 * they cut makes layoutFloorSource throw instead of timing something else.
 */
import { Engine } from '../src/engine/engine.js';
import { trainModelSet } from '../src/engine/trainer.js';
import type { ModelSet } from '../src/science/types.js';

/** The floors, named as their rows are in the bench's tables and JSON. */
export const LAYOUT_FLOORS = ['workgroup-registers: output only', 'workgroup-registers: no weight arithmetic'] as const;
export type LayoutFloor = (typeof LAYOUT_FLOORS)[number];

/** Template lines (trimmed, without their `// each …` markers) each floor removes. */
const SUMS_AND_GRADIENTS = [
  'accn[J] += dot(e[J * KB + B], x[B]);',
  '{ let w = e[J * KB + B]; acc[J] += dot(w, delta[B]); accn[J] += dot(w, xn[B]); }',
  'acc[J] += dot(d[J * KB + B], delta[B]);',
  'accn[J] += dot(e[J * KB + B], xn[B]);',
  'ge[J * KB + B] += delta[B] * hl[J] + dl[J] * x[B];',
  'gd[J * KB + B] += delta[B] * hl[J];',
  'ge[J * KB + B] += dl[J] * x[B];',
];
const OUTPUT = ['pre[B] += e[J * KB + B] * hl[J];', 'pre[B] += d[J * KB + B] * hl[J];'];
const REMOVED: Record<LayoutFloor, string[]> = {
  'workgroup-registers: output only': SUMS_AND_GRADIENTS,
  'workgroup-registers: no weight arithmetic': [...SUMS_AND_GRADIENTS, ...OUTPUT],
};

/**
 * The template shaders/workgroup-registers.wgsl with the floor's lines removed (still a valid
 * template for workgroupRegistersSource).
 * @throws Error naming a line the floor removes that the template no longer has
 */
export function layoutFloorSource(template: string, floor: LayoutFloor): string {
  const body = (line: string): string => line.replace(/\/\/ each .*$/, '').trim();
  const lines = template.split('\n');
  for (const removed of REMOVED[floor]) {
    if (!lines.some((line) => body(line) === removed)) throw new Error(`bench/layout-floor.ts: shaders/workgroup-registers.wgsl no longer has the line '${removed}' that the '${floor}' floor removes`);
  }
  return lines.filter((line) => !REMOVED[floor].includes(body(line))).join('\n');
}

/** One floor's row, shaped as bench/workloads.ts GpuMeasurement (samples = models × steps × batch). */
export interface LayoutFloorMeasurement {
  layout: LayoutFloor;
  ok: boolean;
  error?: string;
  samplesPerSecond?: number;
  timings?: { trainSeconds: number; evaluateSeconds: number; totalSeconds: number };
  /** Seconds of the untimed first step (pipeline creation, SwiftShader's first-dispatch JIT). */
  warmupSeconds?: number;
  steps?: number;
  samples?: number;
}

/**
 * Times each floor on `set(steps)` with the `workgroup-registers` layout, on an engine that shares
 * `engine`'s device and replaces its template: one untimed step (compilation), one timed step for
 * the pace, then about `targetSeconds` of steps (at least 1, at most `maxSteps`) in one timed
 * trainModelSet call, whose samplesPerSecond (training dispatches only) is reported, as for the
 * layouts. Never throws: a failure is returned in its measurement.
 */
export async function measureLayoutFloors(engine: Engine, set: (steps: number) => ModelSet, request: { targetSeconds: number; maxSteps: number }): Promise<LayoutFloorMeasurement[]> {
  const out: LayoutFloorMeasurement[] = [];
  for (const floor of LAYOUT_FLOORS) {
    try {
      const cut = new Engine(engine.device, engine.info, { ...engine.shaders, workgroupRegisters: layoutFloorSource(engine.shaders.workgroupRegisters, floor) }, false);
      const t0 = performance.now() / 1000;
      await trainModelSet(cut, set(1), { layout: 'workgroup-registers' });
      const warmupSeconds = performance.now() / 1000 - t0;
      const pace = await trainModelSet(cut, set(1), { layout: 'workgroup-registers' });
      const steps = Math.max(1, Math.min(request.maxSteps, Math.round(request.targetSeconds / Math.max(pace.timings.trainSeconds, 1e-3))));
      const timed = set(steps);
      const outcome = await trainModelSet(cut, timed, { layout: 'workgroup-registers' });
      const samples = timed.points.length * timed.seeds * steps * timed.training.batchSize;
      out.push({ layout: floor, ok: true, samplesPerSecond: outcome.samplesPerSecond, timings: outcome.timings, warmupSeconds, steps, samples });
    } catch (e) {
      out.push({ layout: floor, ok: false, error: e instanceof Error ? `${e.name}: ${e.message}` : String(e) });
      if (engine.isLost) break;
    }
  }
  return out;
}
