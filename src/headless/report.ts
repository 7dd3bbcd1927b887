/**
 * Checks a finished sweep against what the science says, for the summary and results.json:
 * the exact n = 2, m = 1 theory (where the sweep is that phase diagram) and diverged models.
 */
import { findDiverged } from '../engine/trainer.js';
import { classifyFeature } from '../science/regimes.js';
import type { SweepSpec } from '../science/spec.js';
import { theoryAgreement, type TheoryAgreement, type TheoryCell } from '../science/theory.js';
import type { SweepRun } from './run-types.js';

/**
 * Agreement of the kept seeds' regimes (feature 1) with the exact theory, for ReLU n = 2, m = 1
 * sweeps where both features share p and feature 1's relative importance is r = I_1 / I_0
 * (section "Superposition as a phase change"). `null` for any other sweep.
 */
export function theoryReport(spec: SweepSpec, run: SweepRun): TheoryAgreement | null {
  const cells: TheoryCell[] = [];
  for (const g of run.groups) {
    const { set, results, kept } = g;
    if (set.model !== 'relu' || set.nFeatures !== 2 || set.nHidden !== 1) continue;
    set.points.forEach((point, pos) => {
      const seed = kept[pos]!;
      const [p0, p1] = point.featureProbability;
      const [i0, i1] = point.importance;
      if (seed < 0 || p0 !== p1 || !i0 || !i1) return;
      const instance = pos * set.seeds + seed;
      cells.push({
        featureProbability: p0!,
        relativeImportance: i1 / i0,
        regime: classifyFeature(results.featureNorm[instance * 2 + 1]!, results.superposition[instance * 2 + 1]!, spec.regime),
      });
    });
  }
  return cells.length > 0 ? theoryAgreement(cells) : null;
}

/** Number of models whose loss, W or b is NaN/Inf, over all groups. */
export function divergedCount(run: SweepRun): number {
  return run.groups.reduce((total, g) => total + findDiverged(g.results).length, 0);
}
