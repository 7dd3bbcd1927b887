/**
 * Checks a finished sweep against what the science says, for the summary and results.json:
 * the exact n = 2, m = 1 or n = 3, m = 2 theory (where the sweep is that phase diagram) and diverged
 * models.
 */
import { findDiverged } from '../engine/trainer.js';
import { classifyFeature } from '../science/regimes.js';
import type { SweepSpec } from '../science/spec.js';
import { theoryAgreement, type TheoryAgreement, type TheoryCell, type TheoryVariant } from '../science/theory.js';
import type { ModelSet } from '../science/types.js';
import type { SweepRun } from './run-types.js';

/** Which exact theory describes a model group's cells ('2-1', '3-2'), as far as the group decides it. */
function groupVariant(set: ModelSet): TheoryVariant | null {
  if (set.model !== 'relu' || (set.data ?? 'independent') !== 'independent') return null;
  if (set.nFeatures === 2 && set.nHidden === 1) return '2-1';
  if (set.nFeatures === 3 && set.nHidden === 2) return '3-2';
  return null;
}

/**
 * Agreement of the kept seeds' regimes of the last ("extra") feature with the exact theory
 * (section "Superposition as a phase change"), for ReLU sweeps on independent data with n = 2,
 * m = 1 (I = (I_0, r I_0)) or n = 3, m = 2 (I = (I_0, I_0, r I_0)), at the grid points where every
 * feature has the same p. `null` when no point qualifies. The variant is the same one the element's
 * `theory` overlay draws (`theoryVariant` in src/render/theory-overlay.ts), but any sweep whose
 * points have that form is compared, not only p × r diagrams.
 */
export function theoryReport(spec: SweepSpec, run: SweepRun): TheoryAgreement | null {
  const cells: Record<TheoryVariant, TheoryCell[]> = { '2-1': [], '3-2': [] };
  for (const g of run.groups) {
    const { set, results, kept } = g;
    const variant = groupVariant(set);
    if (!variant) continue;
    const n = set.nFeatures;
    set.points.forEach((point, pos) => {
      const seed = kept[pos]!;
      const ps = point.featureProbability;
      const is = point.importance;
      const i0 = is[0]!;
      const r = is[n - 1]! / i0;
      if (seed < 0 || !ps.every((p) => p === ps[0]) || !is.slice(0, n - 1).every((i) => i === i0) || !(i0 > 0 && r > 0)) return;
      const idx = (pos * set.seeds + seed) * n + n - 1;
      cells[variant].push({
        featureProbability: ps[0]!,
        relativeImportance: r,
        regime: classifyFeature(results.featureNorm[idx]!, results.superposition[idx]!, spec.regime),
      });
    });
  }
  // Every group of a spec has the same n and m, so at most one variant has cells.
  const variant: TheoryVariant = cells['3-2'].length > 0 ? '3-2' : '2-1';
  return cells[variant].length > 0 ? theoryAgreement(cells[variant], undefined, variant) : null;
}

/** Number of models whose loss, W or b is NaN/Inf, over all groups. */
export function divergedCount(run: SweepRun): number {
  return run.groups.reduce((total, g) => total + (g.streamed ? g.streamed.diverged : findDiverged(g.results).length), 0);
}
