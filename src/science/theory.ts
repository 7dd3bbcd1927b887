/**
 * The exact theory of the n = 2, m = 1 phase diagram (docs/science.md "Regimes and the phase diagram";
 * the paper's section "Superposition as a phase change"; M. Wattenberg's notebook).
 *
 * Feature 0 has importance 1, feature 1 ("the extra feature") importance r; both have density
 * p = 1 − S. Expected loss of each candidate solution with its optimal bias:
 * - dedicatedExtra: drop feature 0 and give feature 1 the dimension: p/3 − p²/4
 * - notRepresented: drop feature 1:                                   r (p/3 − p²/4)
 * - superposition:  antipodal W = (1, −1):                             (1 + r) p² / 6
 * The theoretical regime of the extra feature is the argmin. The three regions meet at
 * r = 1, p = 4/7 (there p/3 − p²/4 = 4/21 − 4/49 = 16/147 = 2p²/6).
 */
import { Regime } from './regimes.js';

/** Expected losses of the three candidate solutions (see the module comment). */
export interface TheoryLosses {
  /** Feature 1 gets the dimension, feature 0 is dropped: p/3 − p²/4. */
  dedicatedExtra: number;
  /** Feature 1 is dropped: r (p/3 − p²/4). */
  notRepresented: number;
  /** Antipodal pair W = (1, −1): (1 + r) p² / 6. */
  superposition: number;
}

function check(p: number, r: number): void {
  if (!(p > 0 && p <= 1)) throw new RangeError(`theory: p = ${p} is out of range; allowed: (0, 1]`);
  if (!(r > 0 && Number.isFinite(r))) throw new RangeError(`theory: r = ${r} is out of range; allowed: > 0`);
}

/**
 * The three candidates' expected losses.
 * @param p feature probability p = 1 − S, in (0, 1]
 * @param r relative importance of feature 1 (feature 0 has 1), > 0
 */
export function theoryLosses(p: number, r: number): TheoryLosses {
  check(p, r);
  const v = p / 3 - (p * p) / 4;
  return { dedicatedExtra: v, notRepresented: r * v, superposition: ((1 + r) * p * p) / 6 };
}

function ranked(p: number, r: number): { regime: Regime; loss: number }[] {
  const l = theoryLosses(p, r);
  // Ties (e.g. r = 1, where dedicatedExtra = notRepresented) go to the earlier entry.
  return [
    { regime: Regime.notRepresented, loss: l.notRepresented },
    { regime: Regime.dedicated, loss: l.dedicatedExtra },
    { regime: Regime.superposition, loss: l.superposition },
  ];
}

/**
 * The theoretical regime of feature 1 (the extra feature): the candidate with the lowest loss,
 * mapped notRepresented → Regime.notRepresented, dedicatedExtra → Regime.dedicated,
 * superposition → Regime.superposition. Exact ties go to the first in that order; use
 * {@link theoryBoundaryDistance} to avoid cells near boundaries.
 */
export function theoryRegime(p: number, r: number): Regime {
  const c = ranked(p, r);
  let best = c[0]!;
  for (const x of c) if (x.loss < best.loss) best = x;
  return best.regime;
}

/**
 * How far (p, r) is from a phase boundary: min over the other two candidates of
 * |ln(loss_other / loss_best)|. 0 on a boundary; e.g. 0.1 means the runner-up's loss is ~10% higher.
 */
export function theoryBoundaryDistance(p: number, r: number): number {
  const c = ranked(p, r);
  let best = c[0]!;
  for (const x of c) if (x.loss < best.loss) best = x;
  let d = Infinity;
  for (const x of c) if (x !== best) d = Math.min(d, Math.abs(Math.log(x.loss / best.loss)));
  return d;
}

/** One cell to compare with the exact theory. */
export interface TheoryCell {
  /** Density p of both features. */
  featureProbability: number;
  /** Relative importance r of feature 1. */
  relativeImportance: number;
  /** The empirical regime of feature 1 (kept seed). */
  regime: Regime;
}

/** How well an empirical n = 2, m = 1 phase diagram agrees with the exact theory. */
export interface TheoryAgreement {
  /** Cells compared (those at least `margin` away from a boundary). */
  compared: number;
  /** Compared cells whose regime equals the theory's. */
  agreeing: number;
  /** agreeing / compared (NaN when nothing was compared). */
  fraction: number;
  /** Cells skipped because they lie within `margin` of a boundary. */
  nearBoundary: number;
  /** The margin used: minimum |ln(loss_other / loss_best)| for a cell to be compared. */
  margin: number;
}

/**
 * Compares empirical regimes with {@link theoryRegime} away from the boundaries (docs/science.md:
 * "should agree with this away from the boundaries"). A cell counts only if the best candidate's
 * expected loss beats every other by a factor of at least e^margin (default margin 0.2, i.e. 22 %).
 */
export function theoryAgreement(cells: readonly TheoryCell[], margin = 0.2): TheoryAgreement {
  let compared = 0;
  let agreeing = 0;
  let nearBoundary = 0;
  for (const cell of cells) {
    if (theoryBoundaryDistance(cell.featureProbability, cell.relativeImportance) < margin) {
      nearBoundary++;
      continue;
    }
    compared++;
    if (theoryRegime(cell.featureProbability, cell.relativeImportance) === cell.regime) agreeing++;
  }
  return { compared, agreeing, fraction: compared > 0 ? agreeing / compared : NaN, nearBoundary, margin };
}
