/**
 * The exact phase boundaries of the n = 2, m = 1 phase diagram, as curves to draw over the
 * heatmap (docs/science.md "Regimes and the phase diagram"; the paper's section "Superposition as a
 * phase change"; M. Wattenberg's notebook). Pure math: no DOM, no regl.
 *
 * With v(p) = p/3 − p²/4 (> 0 for every p in (0, 1]) the three candidates' expected losses are
 * (src/science/theory.ts):
 *   D (dedicatedExtra, feature 1 gets the dimension) = v
 *   N (notRepresented, feature 1 dropped)            = r v
 *   S (superposition, antipodal W = (1, −1))         = (1 + r) p² / 6
 * A boundary is where the two lowest candidates tie. Solving each tie for r:
 *
 * - N = S: r v = (1 + r) p²/6  ⇒  r (v − p²/6) = p²/6  ⇒  r = (p²/6) / (p/3 − p²/4 − p²/6)
 *   = (p²/6) / (p/3 − 5p²/12) = 2p / (4 − 5p)   (increasing in p; inverse p = 4r / (2 + 5r)).
 *   Both are the lowest iff N ≤ D, i.e. r ≤ 1, i.e. 2p ≤ 4 − 5p, i.e. p ≤ 4/7.
 * - D = S: v = (1 + r) p²/6  ⇒  r = 6v/p² − 1 = 6(p/3 − p²/4)/p² − 1 = 2/p − 5/2
 *   (decreasing in p; inverse p = 4 / (2r + 5)). Both are the lowest iff D ≤ N, i.e. r ≥ 1,
 *   i.e. 2/p ≥ 7/2, i.e. p ≤ 4/7.
 * - N = D: r v = v  ⇒  r = 1 (any p). Both are the lowest iff v ≤ S = 2p²/6, i.e.
 *   1/3 − p/4 ≤ p/3, i.e. p ≥ 4/7.
 *
 * All three meet at the triple point p = 4/7, r = 1 (there v = 16/147 = 2p²/6). Because each
 * curve is monotonic in p, its part inside an axis-aligned (p, r) box is one p interval, found
 * exactly with the inverses above, so clipped ends lie exactly on the box's edges.
 */
import { DEFAULT_MODEL, type Axis, type SweepSpec } from '../science/spec.js';
import { Regime } from '../science/regimes.js';

/** p of the triple point (where all three candidates' losses are equal; r = 1 there). */
export const TRIPLE_POINT_P = 4 / 7;
/** r of the triple point. */
export const TRIPLE_POINT_R = 1;

/**
 * Whether the exact n = 2, m = 1 theory describes every cell of a spec's diagram: model `relu`,
 * nFeatures 2, nHidden 1, one axis sweeping `featureProbability` (p of both features) and the
 * other `importance` with mode `last` (I = (1, r)), in either orientation (x = p, y = r or
 * x = r, y = p).
 * @param spec a parsed spec (`parseSpec`)
 */
export function theoryApplies(spec: SweepSpec): boolean {
  if ((spec.model ?? DEFAULT_MODEL) !== 'relu' || spec.nFeatures !== 2 || spec.nHidden !== 1) return false;
  const isP = (a: Axis | undefined) => a?.param === 'featureProbability';
  const isR = (a: Axis | undefined) => a?.param === 'importance' && a.mode === 'last';
  return (isP(spec.x) && isR(spec.y)) || (isR(spec.x) && isP(spec.y));
}

/**
 * One phase boundary inside the box: the two regimes it separates (lower {@link Regime} code
 * first) and its points as (p, r) pairs in axis units (p = feature probability in (0, 1],
 * r = relative importance of feature 1), ordered by increasing p; at least 2 points.
 */
export interface BoundaryCurve {
  between: [Regime, Regime];
  points: Array<[number, number]>;
}

/** One analytic boundary: r(p) on its p domain, and the p interval where r(p) lies in [rLo, rHi]. */
interface Boundary {
  between: [Regime, Regime];
  /** Valid p (the two regimes are the lowest of the three), before clipping to the box. */
  pDomain: [number, number];
  r: (p: number) => number;
  /** p range where rLo ≤ r(p) ≤ rHi (within pDomain or beyond). */
  pForR: (rLo: number, rHi: number) => [number, number];
}

const BOUNDARIES: readonly Boundary[] = [
  {
    // N = S: r = 2p / (4 − 5p), increasing; p = 4r / (2 + 5r).
    between: [Regime.notRepresented, Regime.superposition],
    pDomain: [0, TRIPLE_POINT_P],
    r: (p) => (2 * p) / (4 - 5 * p),
    pForR: (rLo, rHi) => [(4 * rLo) / (2 + 5 * rLo), (4 * rHi) / (2 + 5 * rHi)],
  },
  {
    // D = S: r = 2/p − 5/2, decreasing; p = 4 / (2r + 5).
    between: [Regime.dedicated, Regime.superposition],
    pDomain: [0, TRIPLE_POINT_P],
    r: (p) => 2 / p - 5 / 2,
    pForR: (rLo, rHi) => [4 / (2 * rHi + 5), 4 / (2 * rLo + 5)],
  },
  {
    // N = D: r = 1 for p ≥ 4/7.
    between: [Regime.notRepresented, Regime.dedicated],
    pDomain: [TRIPLE_POINT_P, 1],
    r: () => 1,
    pForR: (rLo, rHi) => (rLo <= 1 && 1 <= rHi ? [0, Infinity] : [Infinity, -Infinity]),
  },
];

function checkRange(name: string, range: readonly [number, number]): [number, number] {
  const [a, b] = range;
  if (!(Number.isFinite(a) && Number.isFinite(b) && a > 0 && b > 0)) {
    throw new RangeError(`theoryBoundaries: ${name} [${a}, ${b}] is out of range; allowed: finite numbers > 0`);
  }
  return a <= b ? [a, b] : [b, a];
}

/**
 * The exact phase boundaries of the n = 2, m = 1 diagram inside the box pRange × rRange, solved
 * analytically (see the module comment), each kept only where its two regimes have the lowest
 * expected loss of the three. Every point lies on its boundary: the two regimes' losses
 * (`theoryLosses`) are equal there up to rounding and no larger than the third's.
 *
 * Sampling: p on `samples` log-uniform values over pRange (after clamping it to p ≤ 1), keeping
 * those strictly inside each curve's clipped p interval, plus that interval's two exact ends (on
 * the box's edges or at the triple point p = 4/7, r = 1). Curves that only touch the box in one
 * point are left out.
 * @param pRange the p extent of the box, in (0, ∞) (either order; values above 1 are clamped to 1)
 * @param rRange the r extent of the box, in (0, ∞) (either order)
 * @param samples log-uniform p values over pRange (integer ≥ 2; default 200)
 * @returns up to three curves: notRepresented|superposition, dedicated|superposition,
 *   notRepresented|dedicated (in that order, those that cross the box)
 * @throws RangeError for non-finite or non-positive range ends, or samples not an integer ≥ 2
 */
export function theoryBoundaries(pRange: [number, number], rRange: [number, number], samples = 200): BoundaryCurve[] {
  const [pMin, pMaxRaw] = checkRange('pRange', pRange);
  const [rLo, rHi] = checkRange('rRange', rRange);
  if (!(Number.isInteger(samples) && samples >= 2)) {
    throw new RangeError(`theoryBoundaries: samples = ${samples} is out of range; allowed: integers >= 2`);
  }
  if (pMin > 1) return [];
  const pMax = Math.min(pMaxRaw, 1);
  const grid: number[] = [];
  for (let k = 0; k < samples; k++) grid.push(pMin * Math.pow(pMax / pMin, k / (samples - 1)));

  const curves: BoundaryCurve[] = [];
  for (const b of BOUNDARIES) {
    const [pa, pb] = b.pForR(rLo, rHi);
    const lo = Math.max(pMin, b.pDomain[0], pa);
    const hi = Math.min(pMax, b.pDomain[1], pb);
    if (!(lo < hi)) continue;
    const at = (p: number): [number, number] => [p, Math.min(rHi, Math.max(rLo, b.r(p)))];
    const points: Array<[number, number]> = [at(lo)];
    for (const p of grid) if (p > lo && p < hi) points.push(at(p));
    points.push(at(hi));
    curves.push({ between: [b.between[0], b.between[1]], points });
  }
  return curves;
}

function fixed2(v: number): string {
  const s = v.toFixed(2);
  return s === '-0.00' ? '0.00' : s;
}

/**
 * An SVG path `d` attribute drawing the curves: one subpath per curve (`M x y` then `L x y` per
 * further point), coordinates with 2 decimals, subpaths separated by a space, e.g.
 * `M10.00 20.00 L30.50 40.25 M…`. Curves with fewer than 2 points are skipped; no curves give ''.
 * @param curves from {@link theoryBoundaries}
 * @param toPixel maps (p, r) in axis units to [x, y] in the SVG's user units (pixels); it decides
 *   the orientation (p horizontal or vertical) and the scales (log or linear)
 * @throws RangeError when toPixel returns a non-finite coordinate
 */
export function boundaryPath(curves: readonly BoundaryCurve[], toPixel: (p: number, r: number) => [number, number]): string {
  const subpaths: string[] = [];
  for (const curve of curves) {
    if (curve.points.length < 2) continue;
    const parts = curve.points.map(([p, r], k) => {
      const [x, y] = toPixel(p, r);
      if (!(Number.isFinite(x) && Number.isFinite(y))) {
        throw new RangeError(`boundaryPath: toPixel(${p}, ${r}) = [${x}, ${y}]; expected finite pixel coordinates`);
      }
      return `${k === 0 ? 'M' : 'L'}${fixed2(x)} ${fixed2(y)}`;
    });
    subpaths.push(parts.join(' '));
  }
  return subpaths.join(' ');
}
