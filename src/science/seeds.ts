/**
 * Combining the seeds of one grid point (docs/science.md "Training defaults"): optimisation often lands
 * in local minima, so the paper trains several seeds per point and keeps the one with the lowest
 * loss (10 per point for the phase diagram).
 */
import type { ModelSet } from './types.js';

/**
 * The paper's "keep the lowest loss of several seeds": for each point of `set` (in the order of
 * `set.points`), the seed index whose final loss is lowest among the finite ones; −1 when no seed
 * has a finite loss (all NaN or ±Infinity, e.g. diverged). Ties go to the lower seed index.
 * @param loss per-instance loss, length points.length × seeds, instance = pointPosition * seeds + seedIndex
 * @returns Int32Array of length points.length
 */
export function selectSeeds(set: ModelSet, loss: ArrayLike<number>): Int32Array {
  const points = set.points.length;
  const seeds = set.seeds;
  if (loss.length !== points * seeds) {
    throw new RangeError(`selectSeeds: loss has ${loss.length} entries; expected points × seeds = ${points} × ${seeds}`);
  }
  const out = new Int32Array(points).fill(-1);
  for (let pt = 0; pt < points; pt++) {
    let best = Infinity;
    for (let s = 0; s < seeds; s++) {
      const l = loss[pt * seeds + s]!;
      if (Number.isFinite(l) && (out[pt] === -1 || l < best)) {
        best = l;
        out[pt] = s;
      }
    }
  }
  return out;
}
