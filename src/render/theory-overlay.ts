/**
 * The exact phase boundaries of the n = 2, m = 1 (and n = 3, m = 2) phase diagrams, as curves to
 * draw over the heatmap (docs/science.md "Regimes and the phase diagram"; the paper's section
 * "Superposition as a phase change"). Pure math: no DOM, no regl.
 *
 * The boundaries come from src/science/theory.ts: at each p three values of r, r₁ (notRepresented |
 * superposition), r₂ (dedicated | superposition) and r₃ (notRepresented | dedicated), each minimised
 * exactly over the candidates' norms and biases and tabulated ({@link theoryBoundaryRatios}).
 * Superposition wins for r₁ < r < r₂, otherwise notRepresented for r ≤ r₃ and dedicated above; so
 * r₁ is a real boundary where r₁ < r₂ and r₁ ≤ r₃, r₂ where r₁ < r₂ and r₂ ≥ r₃, r₃ where it lies
 * outside (r₁, r₂) ({@link BOUNDARY_KINDS}). For 2→1, r₂ = 1/r₁ and r₃ = 1.
 *
 * Unlike the closed forms (which met at p = 4/7, r = 1), the exact boundaries have no triple point
 * for p ≤ 1: r₁ < r₃ < r₂ everywhere, so only notRepresented | superposition and dedicated |
 * superposition are drawn, as a wedge around r = 1 that narrows to (0.989, 1.011) at p = 1 (2→1).
 */
import { DEFAULT_MODEL, type Axis, type SweepSpec } from '../science/spec.js';
import type { Regime } from '../science/regimes.js';
import { BOUNDARY_KINDS, theoryBoundaryRatios, type TheoryVariant } from '../science/theory.js';

function axesArePR(spec: SweepSpec): boolean {
  // A `features` selector sets only some features, so p or I would not be (p, …, p) and (1, …, 1, r).
  const isP = (a: Axis | undefined) => a?.param === 'featureProbability' && !a.features;
  const isR = (a: Axis | undefined) => a?.param === 'importance' && a.mode === 'last' && !a.features;
  return (isP(spec.x) && isR(spec.y)) || (isR(spec.x) && isP(spec.y));
}

/**
 * Which exact theory describes every cell of a spec's diagram: '2-1' for model `relu`, nFeatures 2,
 * nHidden 1; '3-2' for `relu`, nFeatures 3, nHidden 2; in both cases one axis sweeping
 * `featureProbability` (p of every feature) and the other `importance` with mode `last`
 * (I = (1, r) or (1, 1, r)), in either orientation, neither axis with a `features` selector, and
 * independent data (the default). `null` otherwise.
 * @param spec a parsed spec (`parseSpec`)
 */
export function theoryVariant(spec: SweepSpec): TheoryVariant | null {
  if ((spec.model ?? DEFAULT_MODEL) !== 'relu' || (spec.data?.kind ?? 'independent') !== 'independent' || !axesArePR(spec)) return null;
  if (spec.nFeatures === 2 && spec.nHidden === 1) return '2-1';
  if (spec.nFeatures === 3 && spec.nHidden === 2) return '3-2';
  return null;
}

/**
 * Whether the exact n = 2, m = 1 theory describes every cell of a spec's diagram:
 * {@link theoryVariant} is '2-1'. (The element's overlay uses {@link theoryVariant}, so it also
 * draws the n = 3, m = 2 boundaries.)
 * @param spec a parsed spec (`parseSpec`)
 */
export function theoryApplies(spec: SweepSpec): boolean {
  return theoryVariant(spec) === '2-1';
}

/**
 * One phase boundary inside the box: the two regimes it separates (lower {@link Regime} code
 * first) and its points as (p, r) pairs in axis units (p = feature probability in (0, 1],
 * r = relative importance of the extra feature), ordered by increasing p; at least 2 points.
 */
export interface BoundaryCurve {
  between: [Regime, Regime];
  points: Array<[number, number]>;
}

function checkRange(name: string, range: readonly [number, number]): [number, number] {
  const [a, b] = range;
  if (!(Number.isFinite(a) && Number.isFinite(b) && a > 0 && b > 0)) {
    throw new RangeError(`theoryBoundaries: ${name} [${a}, ${b}] is out of range; allowed: finite numbers > 0`);
  }
  return a <= b ? [a, b] : [b, a];
}

/**
 * The exact phase boundaries inside the box pRange × rRange (see the module comment), each kept
 * only where it separates the two regimes it names. Every point lies on its boundary (r equals the
 * tabulated r₁, r₂ or r₃ at its p), except that a curve leaving the box ends exactly on the box's
 * edge.
 *
 * Sampling: p on `samples` log-uniform values over pRange (after clamping it to p ≤ 1), keeping
 * those where the curve is a boundary and inside the box, plus each such stretch's two ends (on the
 * box's edges, or where the curve stops being a boundary; found by bisection in ln p to 1e-12).
 * Stretches that only touch the box in one point are left out.
 * @param pRange the p extent of the box, in (0, ∞) (either order; values above 1 are clamped to 1)
 * @param rRange the r extent of the box, in (0, ∞) (either order)
 * @param samples log-uniform p values over pRange (integer ≥ 2; default 200)
 * @param variant '2-1' (default) or '3-2'
 * @returns notRepresented|superposition, dedicated|superposition, notRepresented|dedicated stretches
 *   (in that order, those that cross the box; for the exact theory in p ≤ 1 never the last)
 * @throws RangeError for non-finite or non-positive range ends, or samples not an integer ≥ 2
 */
export function theoryBoundaries(pRange: [number, number], rRange: [number, number], samples = 200, variant: TheoryVariant = '2-1'): BoundaryCurve[] {
  const [pMin, pMaxRaw] = checkRange('pRange', pRange);
  const [rLo, rHi] = checkRange('rRange', rRange);
  if (!(Number.isInteger(samples) && samples >= 2)) {
    throw new RangeError(`theoryBoundaries: samples = ${samples} is out of range; allowed: integers >= 2`);
  }
  if (pMin > 1) return [];
  const pMax = Math.min(pMaxRaw, 1);
  const grid: number[] = [];
  for (let k = 0; k < samples; k++) grid.push(k === samples - 1 ? pMax : pMin * Math.pow(pMax / pMin, k / (samples - 1)));

  const curves: BoundaryCurve[] = [];
  for (const kind of BOUNDARY_KINDS) {
    const rOf = (p: number): number => theoryBoundaryRatios(p, variant)[kind.key];
    // ≥ 0 where the curve is a boundary and inside the box (in ln r units).
    const inside = (p: number): number => {
      const q = theoryBoundaryRatios(p, variant);
      const r = q[kind.key];
      return Math.min(kind.margin(q), Math.log(r / rLo), Math.log(rHi / r));
    };
    const at = (p: number): [number, number] => [p, Math.min(rHi, Math.max(rLo, rOf(p)))];
    /** A stretch's end: snapped onto the box's r edge when it leaves through one. */
    const atEnd = (p: number): [number, number] => {
      const r = rOf(p);
      return [p, Math.abs(Math.log(r / rLo)) < 1e-9 ? rLo : Math.abs(Math.log(rHi / r)) < 1e-9 ? rHi : Math.min(rHi, Math.max(rLo, r))];
    };
    const edge = (pIn: number, pOut: number): number => {
      let a = Math.log(pIn);
      let b = Math.log(pOut);
      while (Math.abs(b - a) > 1e-12) {
        const m = (a + b) / 2;
        if (inside(Math.exp(m)) >= 0) a = m;
        else b = m;
      }
      return Math.exp(a);
    };
    let run: Array<[number, number]> = [];
    const flush = (): void => {
      if (run.length >= 2 && run[run.length - 1]![0] > run[0]![0]) curves.push({ between: [kind.between[0], kind.between[1]], points: run });
      run = [];
    };
    let wasIn = false;
    for (let k = 0; k < grid.length; k++) {
      const p = grid[k]!;
      const isIn = inside(p) >= 0;
      if (k > 0 && isIn !== wasIn) {
        const e = isIn ? edge(p, grid[k - 1]!) : edge(grid[k - 1]!, p);
        if (isIn) run.push(atEnd(e));
        else {
          if (e > run[run.length - 1]![0]) run.push(atEnd(e));
          flush();
        }
      }
      if (isIn && (run.length === 0 || p > run[run.length - 1]![0])) run.push(at(p));
      wasIn = isIn;
    }
    flush();
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
