/**
 * The exact theory of the n = 2, m = 1 and n = 3, m = 2 phase diagrams (docs/science.md "Regimes and
 * the phase diagram"; the paper's section "Superposition as a phase change").
 *
 * Model (ReLU output): h = W x, x' = ReLU(Wᵀ h + b); loss L = E[Σ_i I_i (x_i − x'_i)²]; every x_i is
 * independently 0 with probability 1 − p and U[0,1] with probability p. The loss depends on W only
 * through the Gram matrix G = WᵀW: x'_i = ReLU(Σ_j G_ij x_j + b_i), and each feature's term has its
 * own bias, so every candidate's loss is a sum of one-feature expectations, each minimised over that
 * feature's bias.
 *
 * ## Exact expectations ({@link expectedFeatureLoss})
 * E[(x_i − ReLU(s))²] with s = Σ_j G_ij x_j + b_i equals E[x_i²] + E[s (s − 2x_i) 1{s > 0}]. Condition
 * on which features are non-zero (probability p^k (1 − p)^(n−k)); the non-zero ones are uniform on a
 * unit cube of dimension k ≤ 4, and the integrand is a quadratic times the indicator of a half-space.
 * That integral is computed exactly: the last coordinate t is split where the hyperplane s = 0 passes
 * through a vertex of the remaining cube; on each piece the integral over the other coordinates is a
 * polynomial in t of degree ≤ k + 1 ≤ 5 (a quadratic over a polytope whose vertices move affinely
 * with t), which 3-point Gauss–Legendre integrates exactly; the 1-D innermost integral is closed form.
 * The result is exact up to rounding (absolute error ~1e-16; checked against Monte Carlo in the tests).
 *
 * ## Minimisers and tolerances
 * - Bias ({@link optimalFeatureBias}): scan 12 equal steps of [−Σ_j max(G_ij, 0), 1 + Σ_j max(−G_ij, 0)]
 *   (below the interval the output is always 0, above it only grows), then Brent's method on the two
 *   steps around the best point, to |Δb| ≤ 1e-10 + 1.5e-8 |b| (loss error ≪ 1e-14).
 * - Norms and angles: a scan of a documented grid, then Nelder–Mead (reflection 1, expansion 2,
 *   contraction ½, shrink ½) from the 6 lowest local minima of the grid, each restarted once from its
 *   end point, until the simplex is smaller than 1e-8 and its values agree to 1e-13 (relative), at
 *   most 3000 evaluations per run.
 *
 * ## Candidates and regimes (n = 2, m = 1; feature 0 importance 1, feature 1 importance r)
 * With v(p) = Var(x_i) = p/3 − p²/4:
 * - notRepresented: W_1 = 0, W_0 = 1, b_0 = 0, b_1 = p/2: loss r v exactly (nothing does better with W_1 = 0).
 * - dedicated: W_0 = 0, W_1 = 1: loss v exactly.
 * - superposition: the antipodal pair W = (a, −c), a, c > 0, minimised over a, c, b_0, b_1. Every W
 *   with both columns non-zero and opposite signs is of this form (same signs never help).
 * The regime is that of the global minimiser of the loss: notRepresented if W_1 = 0 there, dedicated
 * if W_0 = 0, superposition if both are non-zero. The antipodal family contains both drops as limits
 * (c → 0, a → 0), so its infimum (`superposition` in {@link theoryLosses}) equals the best drop's loss
 * wherever a drop is optimal; ties go to the drops.
 *
 * Boundaries without root-finding: write the family's loss as A(θ) + r B(θ) (θ = (a, c); A, B the
 * two features' losses). Superposition beats notRepresented iff A + r B < r v for some θ, i.e. iff
 * r > r*(p) = inf_θ A(θ) / (v − B(θ)) (over θ with B < v). Swapping the features (a ↔ c) shows that
 * superposition beats dedicated iff r < 1 / r*(p). The infimum is taken over Nelder–Mead runs and the
 * limit c → 0, where A ≈ c² κ(p), v − B ≈ c² v and κ(p) = min over β ∈ [0, 1] of
 * β²(p/4 + (1 − p)²) − β p²/4 + p²/3 − 3p³/16 + p(1 − p) β³/3 (b_0 = β c, a² = 1 + γ c, γ eliminated).
 *
 * ## Findings (checked by test/unit/theory.test.ts)
 * - The closed forms ({@link closedFormLosses}) give the drops exactly but the antipodal pair only at
 *   a = c = 1, b = 0. Freeing its norms and biases lowers it: at r = 1, p = 0.65 the best pair has
 *   a = c = 0.8029, b_0 = b_1 = 0.2808 and loss 0.105333 against v = 0.111042 for either drop.
 * - There is no triple point inside the diagram. At r = 1 the symmetric pair (a = c, free norm and
 *   biases) beats the drops for every p < 1 and ties them exactly at p = 1 (a = c = 1/√2,
 *   b = 1/2: each feature's error is (x_0 + x_1 − 1)/2, loss 2 · 1/24 = 1/12 = v(1)). Letting the
 *   norms differ does better still: for p ≳ 0.71 the best pair at r = 1 is asymmetric (p = 0.9:
 *   a = 0.398, c = 0.935, loss 0.097094 < v = 0.0975; p = 1: a = 0.367, c = 0.936, loss 0.083254 <
 *   1/12). So r*(p) < 1 for all p ≤ 1: the superposition region separates notRepresented from
 *   dedicated everywhere, as a wedge r*(p) < r < 1/r*(p) that narrows towards p = 1 but stays open
 *   there (r*(1) = {@link R_STAR_AT_P1}, e.g. 0.9888). In the closed forms the three met at p = 4/7.
 * - For 0.51 ≲ p ≲ 0.83 the transition notRepresented → superposition is continuous: r*(p) =
 *   κ(p)/v(p) and the extra feature's norm grows from 0 (p = 0.6: c = 0.18, 0.28, 0.35 at r = 0.7,
 *   0.75, 0.8, gaining 0.07 %, 0.4 %, 0.9 % over the drop), so trained models classified with a norm
 *   threshold (0.5 by default) look "not represented" for a while past the exact boundary. Below
 *   p ≈ 0.5 it is first order (a jump to c ≈ 0.6–1); towards p = 1 first order to a weak partner
 *   (c ≈ 0.05–0.3).
 *
 * ## n = 3, m = 2 (features 0 and 1 importance 1, feature 2 — "the extra feature" — importance r)
 * This is what a spec with nFeatures 3, nHidden 2 and importance mode `last` (I = (1, 1, r)) trains.
 * The extra feature's regime in the global minimiser, with the candidates
 * - notRepresented: W_2 = 0, features 0 and 1 orthogonal: loss r v exactly.
 * - dedicated: W_2 orthogonal to the others; features 0 and 1 share the remaining dimension, which is
 *   the n = 2, m = 1 problem at r = 1: loss D(p) = the 2→1 minimum at r = 1 (< v for every p ≤ 1).
 * - superposition: the lower of (i) the extra feature antipodal to feature 0, feature 1 in its own
 *   dimension (the 2→1 antipodal family with importances 1, r) and (ii) the mirror-symmetric
 *   triangle W_2 = n₂ (0, 1), W_{0,1} = n (±sin θ, cos θ), θ ∈ [π/2, π] (angle between W_2 and
 *   W_0; 2π/3 is the regular triangle, π/2 the dedicated arrangement), free n, n₂, θ and biases.
 *   A general (asymmetric) planar arrangement was checked not to do better at sample points.
 * The boundaries are r₁(p) = inf A/(v − B) (notRepresented | superposition),
 * r₂(p) = sup (D − A)/B (dedicated | superposition) over both arrangements, and r₃(p) = D(p)/v(p)
 * (notRepresented | dedicated): superposition for r₁ < r < r₂, otherwise notRepresented for r ≤ r₃
 * and dedicated above. The same rule with r₁ = r*, r₂ = 1/r*, r₃ = 1 gives the 2→1 regimes.
 * Findings: r₁ = r* of 2→1 except near p = 1 (where the triangle is slightly lower: 0.98827 against
 * 0.98885 at p = 1). r₂ = 1 exactly for p ≲ 0.51 (at r = 1 "extra feature antipodal to feature 0,
 * feature 1 dedicated" is "extra feature dedicated, 0 and 1 antipodal" relabelled); above, a tilted
 * triangle (θ ≈ 100°–118°, the extra feature nearly orthogonal to the others) keeps the extra
 * feature in superposition up to r₂ ≈ 1.45 at p ≈ 0.66, falling to 1.0087 at p = 1. r₁ < r₃ < r₂
 * for every p ≤ 1, so there is no notRepresented | dedicated boundary and no triple point either.
 *
 * ## Tables
 * The per-cell functions ({@link theoryRegime}, {@link theoryRegime32}, the boundary distances,
 * {@link theoryAgreement}) use r₁, r₂, r₃ precomputed by {@link computeBoundaryRatios} on
 * {@link BOUNDARY_TABLE_P} (25 points per decade for 10⁻³ ≤ p < 0.1, 100 per decade for
 * 0.1 ≤ p ≤ 1) and interpolated linearly in (ln p, ln r); below p = 10⁻³ the first segment is
 * extrapolated (r₁ ∝ p there). Interpolation error against fresh minimisations at the mid-points:
 * < 3e-4 relative, except within one grid step of the boundaries' corners (where the minimiser
 * switches branch: p ≈ 0.51 for 2→1, 1.3e-3; p ≈ 0.52 and 0.70 for the 3→2 r₂, up to 1e-2).
 */
import { Regime } from './regimes.js';

/** Which phase diagram: n = 2, m = 1 (I = (1, r)) or n = 3, m = 2 (I = (1, 1, r)). */
export type TheoryVariant = '2-1' | '3-2';

/** Expected losses of the three candidate solutions (see the module comment). */
export interface TheoryLosses {
  /** The extra feature gets its own dimension (2→1: feature 0 is dropped). */
  dedicatedExtra: number;
  /** The extra feature is dropped. */
  notRepresented: number;
  /** The extra feature shares a direction (an antipodal pair, or a triangle for 3→2). */
  superposition: number;
}

/** Var(x_i) = E[x_i²] − E[x_i]² = p/3 − p²/4 for density p and U[0,1] values. */
function variance(p: number): number {
  return p / 3 - (p * p) / 4;
}

function check(p: number, r: number): void {
  if (!(p > 0 && p <= 1)) throw new RangeError(`theory: p = ${p} is out of range; allowed: (0, 1]`);
  if (!(r > 0 && Number.isFinite(r))) throw new RangeError(`theory: r = ${r} is out of range; allowed: > 0`);
}

function checkP(p: number): void {
  if (!(p > 0 && p <= 1)) throw new RangeError(`theory: p = ${p} is out of range; allowed: (0, 1]`);
}

// ---------------------------------------------------------------------------------------------
// The closed forms (the first check)
// ---------------------------------------------------------------------------------------------

/**
 * The approximate closed forms of M. Wattenberg's notebook for n = 2, m = 1 (the first check):
 * dedicatedExtra = p/3 − p²/4 and notRepresented = r (p/3 − p²/4) (both exact), superposition =
 * (1 + r) p²/6 (the antipodal pair W = (1, −1) with b = 0; not its optimum). Under these the three
 * regions meet at r = 1, p = 4/7 (there p/3 − p²/4 = 16/147 = 2p²/6).
 * @param p feature probability p = 1 − S, in (0, 1]
 * @param r relative importance of feature 1 (feature 0 has 1), > 0
 */
export function closedFormLosses(p: number, r: number): TheoryLosses {
  check(p, r);
  const v = variance(p);
  return { dedicatedExtra: v, notRepresented: r * v, superposition: ((1 + r) * p * p) / 6 };
}

/** Where the closed forms' three regions meet: p = 4/7, r = 1 (not the exact theory's; see the module comment). */
export const CLOSED_FORM_TRIPLE_POINT: Readonly<{ p: number; r: number }> = Object.freeze({ p: 4 / 7, r: 1 });

// ---------------------------------------------------------------------------------------------
// Exact expectations
// ---------------------------------------------------------------------------------------------

const GL_X = [-Math.sqrt(0.6), 0, Math.sqrt(0.6)];
const GL_W = [5 / 9, 8 / 9, 5 / 9];
/** Most non-zero features one expectation handles (the cube dimension). */
const MAX_DIM = 4;
const POOL_S = Array.from({ length: MAX_DIM }, () => new Float64Array(MAX_DIM + 1));
const POOL_Y = Array.from({ length: MAX_DIM }, () => new Float64Array(MAX_DIM + 1));
const POOL_B = Array.from({ length: MAX_DIM + 1 }, () => new Float64Array(2 + (1 << (MAX_DIM - 1))));
const TOP_S = new Float64Array(MAX_DIM + 1);
const TOP_Y = new Float64Array(MAX_DIM + 1);
const JS = new Int32Array(MAX_DIM);

/** ∫_0^1 s(s − 2y) 1{s > 0} dx for s = s0 + s1 x, y = y0 + y1 x, in closed form. */
function segmentIntegral(s0: number, s1: number, y0: number, y1: number): number {
  let lo = 0;
  let hi = 1;
  if (s1 === 0) {
    if (!(s0 > 0)) return 0;
  } else {
    const z = -s0 / s1;
    if (s1 > 0) lo = Math.min(1, Math.max(0, z));
    else hi = Math.min(1, Math.max(0, z));
  }
  if (!(hi > lo)) return 0;
  const c0 = s0 - 2 * y0;
  const c1 = s1 - 2 * y1;
  const a = s0 * c0;
  const b = s0 * c1 + s1 * c0;
  const c = s1 * c1;
  return hi * (a + hi * (b / 2 + (hi * c) / 3)) - lo * (a + lo * (b / 2 + (lo * c) / 3));
}

/**
 * ∫ over [0,1]^d of s(s − 2y) 1{s > 0}, s and y affine with coefficients [constant, x_1 … x_d]
 * (exact; see the module comment).
 */
function cubeIntegral(s: Float64Array, y: Float64Array, d: number): number {
  if (d === 0) return s[0]! > 0 ? s[0]! * (s[0]! - 2 * y[0]!) : 0;
  if (d === 1) return segmentIntegral(s[0]!, s[1]!, y[0]!, y[1]!);
  const cs = s[d]!;
  const cy = y[d]!;
  const bp = POOL_B[d]!;
  let nb = 0;
  bp[nb++] = 0;
  bp[nb++] = 1;
  if (cs !== 0) {
    for (let v = 0; v < 1 << (d - 1); v++) {
      let val = s[0]!;
      for (let k = 0; k < d - 1; k++) if (v & (1 << k)) val += s[k + 1]!;
      const z = -val / cs;
      if (z > 0 && z < 1) bp[nb++] = z;
    }
  }
  for (let k = 1; k < nb; k++) {
    const x = bp[k]!;
    let j = k - 1;
    while (j >= 0 && bp[j]! > x) {
      bp[j + 1] = bp[j]!;
      j--;
    }
    bp[j + 1] = x;
  }
  const ss = POOL_S[d - 1]!;
  const yy = POOL_Y[d - 1]!;
  let positive = 0;
  for (let k = 1; k < d; k++) {
    ss[k] = s[k]!;
    yy[k] = y[k]!;
    if (s[k]! > 0) positive += s[k]!;
  }
  let total = 0;
  for (let k = 0; k + 1 < nb; k++) {
    const lo = bp[k]!;
    const hi = bp[k + 1]!;
    if (!(hi > lo)) continue;
    const h = (hi - lo) / 2;
    const m = (hi + lo) / 2;
    // s ≤ 0 on the whole piece (the sign pattern at the vertices is constant within it): nothing to add.
    if (!(s[0]! + cs * m + positive > 0)) continue;
    for (let g = 0; g < 3; g++) {
      const t = m + h * GL_X[g]!;
      ss[0] = s[0]! + cs * t;
      yy[0] = y[0]! + cy * t;
      total += h * GL_W[g]! * cubeIntegral(ss, yy, d - 1);
    }
  }
  return total;
}

/**
 * The exact expected loss of one feature, E[(x_i − ReLU(Σ_j row_j x_j + bias))²], every x_j
 * independently 0 with probability 1 − p and U[0,1] with probability p (row = the i-th row of WᵀW;
 * features with row_j = 0, j ≠ i, do not matter). Exact up to rounding (see the module comment).
 * @param row G_i· (length n); at most 4 of its entries (counting i) may be non-zero
 * @param i the feature, 0 ≤ i < row.length
 * @param bias b_i
 * @param p density in [0, 1]
 * @throws RangeError for more than 4 interacting features or a bad index or p
 */
export function expectedFeatureLoss(row: readonly number[], i: number, bias: number, p: number): number {
  if (!(Number.isInteger(i) && i >= 0 && i < row.length)) throw new RangeError(`expectedFeatureLoss: i = ${i} is out of range; allowed: 0..${row.length - 1}`);
  if (!(p >= 0 && p <= 1)) throw new RangeError(`expectedFeatureLoss: p = ${p} is out of range; allowed: [0, 1]`);
  let count = 0;
  for (let j = 0; j < row.length; j++) {
    if (j !== i && row[j] === 0) continue;
    if (count === MAX_DIM) throw new RangeError(`expectedFeatureLoss: more than ${MAX_DIM} interacting features`);
    JS[count++] = j;
  }
  let total = 0;
  for (let mask = 0; mask < 1 << count; mask++) {
    let prob = 1;
    let d = 0;
    let on = false;
    TOP_S[0] = bias;
    TOP_Y[0] = 0;
    for (let q = 0; q < count; q++) {
      const j = JS[q]!;
      if (mask & (1 << q)) {
        prob *= p;
        d++;
        TOP_S[d] = row[j]!;
        TOP_Y[d] = j === i ? 1 : 0;
        if (j === i) on = true;
      } else {
        prob *= 1 - p;
      }
    }
    if (prob === 0) continue;
    total += prob * ((on ? 1 / 3 : 0) + cubeIntegral(TOP_S, TOP_Y, d));
  }
  // E[x_i²] and the integral cancel for a perfect reconstruction: keep rounding from going below 0.
  return Math.max(0, total);
}

/**
 * The exact expected loss Σ_i I_i E[(x_i − x'_i)²] of the ReLU-output model x' = ReLU(WᵀW x + b).
 * @param W m rows of n numbers (W[k][i]: hidden dimension k, feature i)
 * @param b n biases
 * @param importance n importances
 * @param p density of every feature, in [0, 1]
 */
export function expectedModelLoss(W: readonly (readonly number[])[], b: readonly number[], importance: readonly number[], p: number): number {
  const n = b.length;
  let total = 0;
  for (let i = 0; i < n; i++) {
    const row = Array.from({ length: n }, (_, j) => W.reduce((s, w) => s + w[i]! * w[j]!, 0));
    total += importance[i]! * expectedFeatureLoss(row, i, b[i]!, p);
  }
  return total;
}

// ---------------------------------------------------------------------------------------------
// Minimisers
// ---------------------------------------------------------------------------------------------

/** Brent's method (netlib fmin) for a minimum of f on [a, b]; |Δx| ≤ tol + 1.5e-8 |x|. */
function brent(f: (x: number) => number, a: number, b: number, tol: number): { x: number; f: number } {
  const golden = (3 - Math.sqrt(5)) / 2;
  const eps = 1.5e-8;
  let v = a + golden * (b - a);
  let w = v;
  let x = v;
  let e = 0;
  let d = 0;
  let fx = f(x);
  let fv = fx;
  let fw = fx;
  for (let iter = 0; iter < 200; iter++) {
    const m = 0.5 * (a + b);
    const tol1 = eps * Math.abs(x) + tol / 3;
    const tol2 = 2 * tol1;
    if (Math.abs(x - m) <= tol2 - 0.5 * (b - a)) break;
    let useGolden = true;
    if (Math.abs(e) > tol1) {
      let r = (x - w) * (fx - fv);
      let q = (x - v) * (fx - fw);
      let pp = (x - v) * q - (x - w) * r;
      q = 2 * (q - r);
      if (q > 0) pp = -pp;
      else q = -q;
      r = e;
      e = d;
      if (Math.abs(pp) < Math.abs(0.5 * q * r) && pp > q * (a - x) && pp < q * (b - x)) {
        d = pp / q;
        const u = x + d;
        if (u - a < tol2 || b - u < tol2) d = x < m ? tol1 : -tol1;
        useGolden = false;
      }
    }
    if (useGolden) {
      e = (x < m ? b : a) - x;
      d = golden * e;
    }
    const u = x + (Math.abs(d) >= tol1 ? d : d > 0 ? tol1 : -tol1);
    const fu = f(u);
    if (fu <= fx) {
      if (u < x) b = x;
      else a = x;
      v = w;
      fv = fw;
      w = x;
      fw = fx;
      x = u;
      fx = fu;
    } else {
      if (u < x) a = u;
      else b = u;
      if (fu <= fw || w === x) {
        v = w;
        fv = fw;
        w = u;
        fw = fu;
      } else if (fu <= fv || v === x || v === w) {
        v = u;
        fv = fu;
      }
    }
  }
  return { x, f: fx };
}

/** Scan `steps` equal steps of [lo, hi], then Brent on the two steps around the best point. */
function scanMinimise(f: (x: number) => number, lo: number, hi: number, steps: number, tol: number): { x: number; f: number } {
  let best = 0;
  let fBest = Infinity;
  for (let k = 0; k <= steps; k++) {
    const fk = f(lo + ((hi - lo) * k) / steps);
    if (fk < fBest) {
      fBest = fk;
      best = k;
    }
  }
  const a = lo + ((hi - lo) * Math.max(0, best - 1)) / steps;
  const b = lo + ((hi - lo) * Math.min(steps, best + 1)) / steps;
  const res = brent(f, a, b, tol);
  return res.f <= fBest ? res : { x: lo + ((hi - lo) * best) / steps, f: fBest };
}

interface Minimum {
  x: number[];
  f: number;
}

/** Nelder–Mead (see the module comment for the coefficients and tolerances). */
function nelderMeadRun(f: (x: number[]) => number, x0: readonly number[], step: number, maxEval: number): Minimum {
  const n = x0.length;
  let pts: number[][] = [x0.slice()];
  for (let i = 0; i < n; i++) {
    const x = x0.slice();
    x[i] = x[i]! + step;
    pts.push(x);
  }
  let fs = pts.map(f);
  let evals = n + 1;
  while (evals < maxEval) {
    const order = fs.map((_, i) => i).sort((a, b) => fs[a]! - fs[b]!);
    pts = order.map((i) => pts[i]!);
    fs = order.map((i) => fs[i]!);
    let size = 0;
    for (let i = 1; i <= n; i++) for (let j = 0; j < n; j++) size = Math.max(size, Math.abs(pts[i]![j]! - pts[0]![j]!));
    if (size < 1e-8 && fs[n]! - fs[0]! <= 1e-13 * Math.abs(fs[0]!) + 1e-300) break;
    const centroid = new Array<number>(n).fill(0);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) centroid[j] = centroid[j]! + pts[i]![j]! / n;
    const worst = pts[n]!;
    const along = (t: number): number[] => centroid.map((c, j) => c + t * (worst[j]! - c));
    const xr = along(-1);
    const fr = f(xr);
    evals++;
    if (fr < fs[0]!) {
      const xe = along(-2);
      const fe = f(xe);
      evals++;
      if (fe < fr) {
        pts[n] = xe;
        fs[n] = fe;
      } else {
        pts[n] = xr;
        fs[n] = fr;
      }
    } else if (fr < fs[n - 1]!) {
      pts[n] = xr;
      fs[n] = fr;
    } else {
      const xc = fr < fs[n]! ? along(-0.5) : along(0.5);
      const fc = f(xc);
      evals++;
      if (fc < Math.min(fr, fs[n]!)) {
        pts[n] = xc;
        fs[n] = fc;
      } else {
        for (let i = 1; i <= n; i++) {
          pts[i] = pts[i]!.map((value, j) => pts[0]![j]! + 0.5 * (value - pts[0]![j]!));
          fs[i] = f(pts[i]!);
        }
        evals += n;
      }
    }
  }
  let bi = 0;
  for (let i = 1; i <= n; i++) if (fs[i]! < fs[bi]!) bi = i;
  return { x: pts[bi]!, f: fs[bi]! };
}

/**
 * Global search: f on every point of the grid (the Cartesian product of `grid`'s value lists), then
 * Nelder–Mead from the `keep` lowest of the grid's local minima (points no higher than any
 * neighbour along an axis; one start per basin, so a shallow basin next to a deep one is not
 * missed), each restarted once from its end point; the lowest result.
 */
function minimise(f: (x: number[]) => number, grid: readonly (readonly number[])[], keep = 6, step = 0.05, maxEval = 3000): Minimum {
  const dims = grid.map((g) => g.length);
  const strides = dims.map((_, d) => dims.slice(0, d).reduce((a, b) => a * b, 1));
  const total = dims.reduce((a, b) => a * b, 1);
  const values = new Float64Array(total);
  const points: number[][] = [];
  for (let flat = 0; flat < total; flat++) {
    const x = dims.map((n, d) => grid[d]![Math.floor(flat / strides[d]!) % n]!);
    points.push(x);
    values[flat] = f(x);
  }
  const minima: number[] = [];
  for (let flat = 0; flat < total; flat++) {
    let isMin = true;
    for (let d = 0; d < dims.length && isMin; d++) {
      const k = Math.floor(flat / strides[d]!) % dims[d]!;
      if (k > 0 && values[flat - strides[d]!]! < values[flat]!) isMin = false;
      if (k + 1 < dims[d]! && values[flat + strides[d]!]! < values[flat]!) isMin = false;
    }
    if (isMin) minima.push(flat);
  }
  minima.sort((a, b) => values[a]! - values[b]!);
  const starts = minima.slice(0, keep).map((flat) => points[flat]!);
  let best: Minimum = { x: starts[0]!, f: values[minima[0]!]! };
  for (const start of starts) {
    const first = nelderMeadRun(f, start, step, maxEval);
    const second = nelderMeadRun(f, first.x, step / 4, maxEval);
    const res = second.f <= first.f ? second : first;
    if (res.f < best.f) best = res;
  }
  return best;
}

// ---------------------------------------------------------------------------------------------
// Optimal biases and the candidate families
// ---------------------------------------------------------------------------------------------

/**
 * The bias minimising one feature's expected loss ({@link expectedFeatureLoss}), and that loss.
 * Scan and Brent as described in the module comment.
 */
export function optimalFeatureBias(row: readonly number[], i: number, p: number): { bias: number; loss: number } {
  let lo = 0;
  let hi = 1;
  for (let j = 0; j < row.length; j++) {
    lo -= Math.max(row[j]!, 0);
    hi += Math.max(-row[j]!, 0);
  }
  const res = scanMinimise((b) => expectedFeatureLoss(row, i, b, p), lo, hi, 12, 1e-10);
  return { bias: res.x, loss: res.f };
}

/** Feature 0's loss in the antipodal pair W = (a, −c) (row (a², −ac)), minimised over its bias. */
function antipodalFeature(self: number, other: number, p: number): { bias: number; loss: number } {
  return optimalFeatureBias([self * self, -self * other], 0, p);
}

/** An antipodal pair W = (a, −c) with its optimal biases and loss (2→1, or family (i) of 3→2). */
export interface AntipodalPair {
  /** ‖W_0‖ (feature 0, importance 1). */
  a: number;
  /** ‖W_1‖ (the extra feature, importance r). */
  c: number;
  /** Optimal [b_0, b_extra]. */
  bias: [number, number];
  /** Feature 0's loss and the extra feature's loss (unweighted). */
  featureLoss: [number, number];
  /** featureLoss[0] + r featureLoss[1]. */
  loss: number;
}

function antipodalPair(p: number, r: number, a: number, c: number): AntipodalPair {
  const f0 = antipodalFeature(a, c, p);
  const f1 = antipodalFeature(c, a, p);
  return { a, c, bias: [f0.bias, f1.bias], featureLoss: [f0.loss, f1.loss], loss: f0.loss + r * f1.loss };
}

/** Norms scanned before Nelder–Mead for antipodal pairs (a and c). */
const NORM_GRID: readonly number[] = [0.003, 0.01, 0.03, 0.06, 0.1, 0.2, 0.35, 0.5, 0.7, 0.85, 0.95, 1.0, 1.05, 1.15, 1.3];
const ANTIPODAL_GRID: readonly (readonly number[])[] = [NORM_GRID, NORM_GRID];

/**
 * The best antipodal pair W = (a, −c), a, c > 0, for 2→1 with importances (1, r): (a, c) scanned on
 * {@link NORM_GRID}², then Nelder–Mead from the 6 lowest grid minima, biases optimal. Where a drop
 * is optimal the pair drifts towards it (c → 0 or a → 0) and its loss approaches the drop's from
 * above. Tens of milliseconds.
 */
export function bestAntipodalPair(p: number, r: number): AntipodalPair {
  check(p, r);
  const m = minimise((t) => antipodalPair(p, r, Math.abs(t[0]!), Math.abs(t[1]!)).loss, ANTIPODAL_GRID);
  return antipodalPair(p, r, Math.abs(m.x[0]!), Math.abs(m.x[1]!));
}

/** The 2→1 superposition loss: the infimum over antipodal pairs, drops included as limits. */
function superposition21(p: number, r: number): number {
  const v = variance(p);
  return Math.min(bestAntipodalPair(p, r).loss, r * v, v);
}

/**
 * The exact expected losses of the three n = 2, m = 1 candidates, each minimised over its norms and
 * biases (see the module comment): notRepresented = r (p/3 − p²/4), dedicatedExtra = p/3 − p²/4,
 * superposition = the infimum over antipodal pairs (= the global minimum of the loss; equal to the
 * better drop where a drop is optimal). Numerical minimisation: tens of milliseconds per call
 * (memoised); per-cell code should use {@link theoryRegime}.
 * @param p feature probability p = 1 − S, in (0, 1]
 * @param r relative importance of feature 1 (feature 0 has 1), > 0
 */
export function theoryLosses(p: number, r: number): TheoryLosses {
  check(p, r);
  return memo(`2-1 ${p} ${r}`, () => {
    const v = variance(p);
    return { dedicatedExtra: v, notRepresented: r * v, superposition: superposition21(p, r) };
  });
}

const MEMO = new Map<string, TheoryLosses>();
function memo(key: string, compute: () => TheoryLosses): TheoryLosses {
  const hit = MEMO.get(key);
  if (hit) return { ...hit };
  const value = compute();
  if (MEMO.size >= 4096) MEMO.delete(MEMO.keys().next().value!);
  MEMO.set(key, value);
  return { ...value };
}

/**
 * κ(p)/v(p): the limit of A/(v − B) as the extra feature's norm c → 0 (the drop's stability
 * threshold; see the module comment).
 */
export function smallNormLimit21(p: number): number {
  checkP(p);
  const k = p / 4 + (1 - p) * (1 - p);
  const beta = Math.min(1, (p * p) / 2 / (2 * k + Math.sqrt(4 * k * k + p * p * p * (1 - p))));
  const kappa = beta * beta * k - (beta * p * p) / 4 + (p * p) / 3 - (3 * p * p * p) / 16 + (p * (1 - p) * beta * beta * beta) / 3;
  return kappa / variance(p);
}

/** r*(p) = inf over antipodal pairs of A/(v − B) (2→1, notRepresented | superposition). */
function criticalRatio21(p: number): number {
  const v = variance(p);
  const ratio = (t: number[]): number => {
    const a = Math.abs(t[0]!);
    const c = Math.abs(t[1]!) + 1e-6;
    const A = antipodalFeature(a, c, p).loss;
    const B = antipodalFeature(c, a, p).loss;
    return v - B > 1e-8 * v ? A / (v - B) : 1e9 + B;
  };
  return Math.min(smallNormLimit21(p), minimise(ratio, ANTIPODAL_GRID).f);
}

// ---------------------------------------------------------------------------------------------
// n = 3, m = 2
// ---------------------------------------------------------------------------------------------

/** The mirror-symmetric triangle of 3→2 (see the module comment) with its optimal biases. */
export interface Triangle {
  /** ‖W_0‖ = ‖W_1‖. */
  n: number;
  /** ‖W_2‖ (the extra feature). */
  n2: number;
  /** Angle between W_2 and W_0 (= between W_2 and W_1), in [π/2, π]. */
  theta: number;
  /** W as 2 rows × 3 columns. */
  W: [number[], number[]];
  /** Optimal biases [b_0, b_1, b_2] (b_0 = b_1). */
  bias: [number, number, number];
  /** Loss of feature 0 (= feature 1) and of the extra feature (unweighted). */
  featureLoss: [number, number];
  /** 2 featureLoss[0] + r featureLoss[1]. */
  loss: number;
}

function triangle(p: number, r: number, n: number, n2: number, theta: number): Triangle {
  const cos = Math.cos(theta);
  const g02 = n * n2 * cos;
  const f0 = optimalFeatureBias([n * n, n * n * Math.cos(2 * theta), g02], 0, p);
  const f2 = optimalFeatureBias([g02, g02, n2 * n2], 2, p);
  const s = Math.sin(theta);
  return {
    n,
    n2,
    theta,
    W: [
      [n * s, -n * s, 0],
      [n * cos, n * cos, n2],
    ],
    bias: [f0.bias, f0.bias, f2.bias],
    featureLoss: [f0.loss, f2.loss],
    loss: 2 * f0.loss + r * f2.loss,
  };
}

/** θ(t) = 3π/4 + (π/4) sin t covers [π/2, π] smoothly. */
const thetaOf = (t: number): number => (3 * Math.PI) / 4 + (Math.PI / 4) * Math.sin(t);
/** Triangles scanned before Nelder–Mead: n, n₂ and θ (as t with θ(t) = θ). */
const TRIANGLE_GRID: readonly (readonly number[])[] = [
  [0.4, 0.6, 0.8, 0.9, 1.0, 1.1, 1.25],
  [0.01, 0.05, 0.15, 0.3, 0.5, 0.7, 0.9, 1.0, 1.1],
  [0.5, 0.53, 0.56, 0.6, 0.64, 2 / 3, 0.7, 0.75, 0.85].map((f) => Math.asin((f * Math.PI - (3 * Math.PI) / 4) / (Math.PI / 4))),
];

function triangleAt(p: number, r: number, t: readonly number[]): Triangle {
  return triangle(p, r, Math.abs(t[0]!), Math.abs(t[1]!), thetaOf(t[2]!));
}

/**
 * The best mirror-symmetric triangle for 3→2 with importances (1, 1, r): (n, n₂, θ) scanned on
 * {@link TRIANGLE_GRID} (567 points, θ from π/2 to 0.85π), then Nelder–Mead from the 6 lowest grid
 * minima, biases optimal. About half a second.
 */
export function bestTriangle(p: number, r: number): Triangle {
  check(p, r);
  const m = minimise((t) => triangleAt(p, r, t).loss, TRIANGLE_GRID);
  return triangleAt(p, r, m.x);
}

/** D(p): the 3→2 dedicated candidate = the 2→1 minimum at r = 1. */
function dedicated32(p: number): number {
  return superposition21(p, 1);
}

/**
 * The exact expected losses of the three n = 3, m = 2 candidates (see the module comment):
 * notRepresented = r v, dedicatedExtra = the 2→1 minimum at r = 1, superposition = the lower of the
 * best antipodal pair (extra feature with feature 0, feature 1 dedicated) and the best symmetric
 * triangle. Numerical minimisation: about a second per call (memoised); per-cell code should use
 * {@link theoryRegime32}.
 * @param p feature probability of all three features, in (0, 1]
 * @param r importance of the extra feature (features 0 and 1 have 1), > 0
 */
export function theoryLosses32(p: number, r: number): TheoryLosses {
  check(p, r);
  return memo(`3-2 ${p} ${r}`, () => {
    const v = variance(p);
    const dedicated = dedicated32(p);
    const superposition = Math.min(bestAntipodalPair(p, r).loss, bestTriangle(p, r).loss, r * v, dedicated);
    return { dedicatedExtra: dedicated, notRepresented: r * v, superposition };
  });
}

// ---------------------------------------------------------------------------------------------
// Boundary ratios and tables
// ---------------------------------------------------------------------------------------------

/**
 * The three boundaries at one p, as values of r: superposition wins for
 * notRepresentedSuperposition < r < dedicatedSuperposition; otherwise notRepresented for
 * r ≤ notRepresentedDedicated and dedicated above.
 */
export interface BoundaryRatios {
  /** r₁(p): superposition beats notRepresented iff r > r₁. */
  notRepresentedSuperposition: number;
  /** r₂(p): superposition beats dedicated iff r < r₂. */
  dedicatedSuperposition: number;
  /** r₃(p): notRepresented beats dedicated iff r < r₃. */
  notRepresentedDedicated: number;
}

/**
 * Computes r₁, r₂, r₃ at p by minimisation (see the module comment): 2→1 about 0.1 s, 3→2 a few
 * seconds. The tables behind {@link theoryBoundaryRatios} were made with this function.
 */
export function computeBoundaryRatios(p: number, variant: TheoryVariant = '2-1'): BoundaryRatios {
  checkP(p);
  const rStar = criticalRatio21(p);
  if (variant === '2-1') return { notRepresentedSuperposition: rStar, dedicatedSuperposition: 1 / rStar, notRepresentedDedicated: 1 };
  const v = variance(p);
  const D = dedicated32(p);
  // r₁: inf over the pair (= r*) and the triangle of A/(v − B).
  const triangleRatio = minimise((t) => {
    const tr = triangleAt(p, 1, t);
    const B = tr.featureLoss[1];
    return v - B > 1e-8 * v ? (2 * tr.featureLoss[0]) / (v - B) : 1e9 + B;
  }, TRIANGLE_GRID).f;
  // r₂: sup over the pair and the triangle of (D − A)/B.
  const pairSup = -minimise((t) => {
    const a = Math.abs(t[0]!);
    const c = Math.abs(t[1]!) + 1e-6;
    const A = antipodalFeature(a, c, p).loss;
    const B = antipodalFeature(c, a, p).loss;
    return -(D - A) / Math.max(B, 1e-300);
  }, ANTIPODAL_GRID).f;
  const triangleSup = -minimise((t) => {
    const tr = triangleAt(p, 1, t);
    return -(D - 2 * tr.featureLoss[0]) / Math.max(tr.featureLoss[1], 1e-300);
  }, TRIANGLE_GRID).f;
  return {
    notRepresentedSuperposition: Math.min(rStar, triangleRatio),
    dedicatedSuperposition: Math.max(pairSup, triangleSup, D / v),
    notRepresentedDedicated: D / v,
  };
}

/**
 * The p grid of the tables: 10^(−3 + k/25) for k = 0 … 49 (p < 0.1), then 10^(−1 + k/100) for
 * k = 0 … 100 (0.1 ≤ p ≤ 1, where the boundaries bend most).
 */
export const BOUNDARY_TABLE_P: readonly number[] = Object.freeze([
  ...Array.from({ length: 50 }, (_, k) => Math.pow(10, -3 + k / 25)),
  ...Array.from({ length: 101 }, (_, k) => (k === 100 ? 1 : Math.pow(10, -1 + k / 100))),
]);
const TABLE_LOG_P: readonly number[] = BOUNDARY_TABLE_P.map((p) => Math.log(p));

/* TABLES-BEGIN: computeBoundaryRatios(p, variant) at BOUNDARY_TABLE_P, 7 significant digits. */
/** 2→1 r*(p) (r₂ = 1/r*, r₃ = 1). */
const TABLE_21_R1: readonly number[] = [
  0.000427298, 0.0004685781, 0.0005138521, 0.0005635075, 0.0006179698, 0.0006777059, 0.0007432287,
  0.0008151013, 0.0008939418, 0.0009804296, 0.001075311, 0.001179405, 0.001293613, 0.001418925,
  0.00155643, 0.001707325, 0.001872928, 0.002054688, 0.0022542, 0.002473222, 0.002713688,
  0.002977734, 0.003267711, 0.003586215, 0.003936112, 0.004320567, 0.004743082, 0.005207526,
  0.00571819, 0.006279825, 0.006897705, 0.007577688, 0.008326289, 0.009150764, 0.01005921,
  0.01106066, 0.01216525, 0.01338432, 0.01473063, 0.01621854, 0.0178643, 0.01968628, 0.02170537,
  0.02394538, 0.02643354, 0.02920114, 0.03228429, 0.03572483, 0.03957149, 0.04388141, 0.0487219,
  0.05002397, 0.0513655, 0.05274795, 0.05417283, 0.05564174, 0.05715634, 0.05871837, 0.06032966,
  0.06199213, 0.0637078, 0.06547878, 0.0673073, 0.06919568, 0.0711464, 0.07316203, 0.0752453,
  0.07739908, 0.07962641, 0.08193048, 0.08431466, 0.08678252, 0.08933784, 0.0919846, 0.09472702,
  0.0975696, 0.1005171, 0.1035745, 0.1067472, 0.1100409, 0.1134616, 0.1170158, 0.1207104,
  0.1245527, 0.1285505, 0.1327122, 0.1370468, 0.1415638, 0.1462735, 0.151187, 0.1563161, 0.1616735,
  0.167273, 0.1731293, 0.1792584, 0.1856775, 0.1924052, 0.1994616, 0.2068687, 0.21465, 0.2228315,
  0.2314409, 0.2405088, 0.2500684, 0.2601557, 0.2708103, 0.2820752, 0.2939973, 0.3066278,
  0.3200227, 0.3342427, 0.349354, 0.3654279, 0.3825414, 0.4007765, 0.4202197, 0.4409604, 0.4630878,
  0.4866871, 0.5118308, 0.5385666, 0.5654412, 0.5793417, 0.5935174, 0.607965, 0.6226757, 0.6376388,
  0.6528411, 0.6682667, 0.6838972, 0.6997111, 0.7156842, 0.731789, 0.7479949, 0.7642686, 0.7805738,
  0.7968713, 0.8131199, 0.829276, 0.8452948, 0.8611303, 0.8767361, 0.8920662, 0.9070441, 0.9215051,
  0.9353211, 0.9483481, 0.9604193, 0.9713425, 0.9808993, 0.9888465,
];
/** 3→2 r₁(p). */
const TABLE_32_R1: readonly number[] = [
  0.000427298, 0.0004685781, 0.0005138521, 0.0005635075, 0.0006179698, 0.0006777059, 0.0007432287,
  0.0008151013, 0.0008939418, 0.0009804296, 0.001075311, 0.001179405, 0.001293613, 0.001418925,
  0.00155643, 0.001707325, 0.001872928, 0.002054688, 0.0022542, 0.002473222, 0.002713688,
  0.002977734, 0.003267711, 0.003586215, 0.003936112, 0.004320567, 0.004743082, 0.005207526,
  0.00571819, 0.006279825, 0.006897705, 0.007577688, 0.008326289, 0.009150764, 0.01005921,
  0.01106066, 0.01216525, 0.01338432, 0.01473063, 0.01621854, 0.0178643, 0.01968628, 0.02170537,
  0.02394538, 0.02643354, 0.02920114, 0.03228429, 0.03572483, 0.03957149, 0.04388141, 0.0487219,
  0.05002397, 0.0513655, 0.05274795, 0.05417283, 0.05564174, 0.05715634, 0.05871837, 0.06032966,
  0.06199213, 0.0637078, 0.06547878, 0.0673073, 0.06919568, 0.0711464, 0.07316203, 0.0752453,
  0.07739908, 0.07962641, 0.08193048, 0.08431466, 0.08678252, 0.08933784, 0.0919846, 0.09472702,
  0.0975696, 0.1005171, 0.1035745, 0.1067472, 0.1100409, 0.1134616, 0.1170158, 0.1207104,
  0.1245527, 0.1285505, 0.1327122, 0.1370468, 0.1415638, 0.1462735, 0.151187, 0.1563161, 0.1616735,
  0.167273, 0.1731293, 0.1792584, 0.1856775, 0.1924052, 0.1994616, 0.2068687, 0.21465, 0.2228315,
  0.2314409, 0.2405088, 0.2500684, 0.2601557, 0.2708103, 0.2820752, 0.2939973, 0.3066278,
  0.3200227, 0.3342427, 0.349354, 0.3654279, 0.3825414, 0.4007765, 0.4202197, 0.4409604, 0.4630878,
  0.4866871, 0.5118308, 0.5385666, 0.5654412, 0.5793417, 0.5935174, 0.607965, 0.6226757, 0.6376388,
  0.6528411, 0.6682667, 0.6838972, 0.6997111, 0.7156842, 0.731789, 0.7479949, 0.7642686, 0.7805738,
  0.7968713, 0.8131199, 0.829276, 0.8452948, 0.8611303, 0.8767361, 0.8920662, 0.9070441, 0.9215051,
  0.9353211, 0.9483433, 0.9603836, 0.9712307, 0.9806281, 0.9882734,
];
/** 3→2 r₂(p). */
const TABLE_32_R2: readonly number[] = [
  1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
  1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
  1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
  1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1.007006, 1.038,
  1.074727, 1.122549, 1.188558, 1.256027, 1.320053, 1.375088, 1.415349, 1.438663, 1.44611,
  1.440397, 1.42463, 1.375498, 1.283117, 1.230262, 1.190284, 1.15781, 1.130564, 1.107329, 1.087371,
  1.070237, 1.055631, 1.043312, 1.033069, 1.024692, 1.017975, 1.012716, 1.008717,
];
/** 3→2 r₃(p). */
const TABLE_32_R3: readonly number[] = [
  0.001000719, 0.001097343, 0.001203304, 0.001319507, 0.001446943, 0.0015867, 0.001739974,
  0.001908073, 0.002092438, 0.002294645, 0.002516429, 0.00275969, 0.003026519, 0.003319209,
  0.003640277, 0.003992492, 0.004378891, 0.004802816, 0.005267936, 0.005778286, 0.006338301,
  0.006952861, 0.007627333, 0.008367623, 0.009180235, 0.01007233, 0.01105179, 0.01212732,
  0.01330851, 0.01460594, 0.01603128, 0.01759745, 0.01931871, 0.02121086, 0.02329136, 0.02557959,
  0.02809705, 0.03086761, 0.03391782, 0.03727723, 0.04097882, 0.04505938, 0.04956008, 0.05452707,
  0.06001216, 0.06607364, 0.07277727, 0.08019737, 0.08841823, 0.09753566, 0.1076589, 0.1103612,
  0.1131362, 0.1159861, 0.1189131, 0.1219198, 0.1250084, 0.1281815, 0.1314418, 0.134792, 0.1382349,
  0.1417734, 0.1454105, 0.1491495, 0.1529936, 0.1569462, 0.1610108, 0.1651912, 0.169491, 0.1739144,
  0.1784653, 0.1831482, 0.1879674, 0.1929277, 0.1980337, 0.2032907, 0.2087038, 0.2142786,
  0.2200206, 0.2259358, 0.2320304, 0.2383109, 0.244784, 0.2514567, 0.2583364, 0.2654306, 0.2727474,
  0.280295, 0.2880822, 0.296118, 0.3044118, 0.3129736, 0.3218136, 0.3309426, 0.3403717, 0.3501126,
  0.3601774, 0.3705787, 0.3813297, 0.3924439, 0.4039354, 0.4158188, 0.428109, 0.4408214, 0.4539717,
  0.467576, 0.4816504, 0.496211, 0.5112738, 0.5268543, 0.5429671, 0.5596258, 0.5768419, 0.5946245,
  0.6129789, 0.6319057, 0.6513989, 0.6714436, 0.6920134, 0.7130663, 0.7345404, 0.7563477,
  0.7783664, 0.8004331, 0.822334, 0.8437989, 0.8645031, 0.8840849, 0.902187, 0.9185172, 0.9329062,
  0.9453309, 0.9558908, 0.9647597, 0.9721404, 0.9779711, 0.9805096, 0.9828066, 0.9849333,
  0.9868939, 0.9886916, 0.990331, 0.9918174, 0.9931569, 0.9943564, 0.9954233, 0.9963656, 0.9971912,
  0.9979085, 0.9985258, 0.9990509,
];
/* TABLES-END */

/** r*(1): where the 2→1 superposition wedge starts at p = 1 (it ends at 1/r*(1)). */
export const R_STAR_AT_P1: number = TABLE_21_R1[TABLE_21_R1.length - 1] ?? NaN;

function interpolate(table: readonly number[], p: number): number {
  const x = Math.log(p);
  let lo = 0;
  let hi = TABLE_LOG_P.length - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (TABLE_LOG_P[mid]! <= x) lo = mid;
    else hi = mid;
  }
  const t = (x - TABLE_LOG_P[lo]!) / (TABLE_LOG_P[hi]! - TABLE_LOG_P[lo]!);
  return Math.exp(Math.log(table[lo]!) * (1 - t) + Math.log(table[hi]!) * t);
}

/**
 * r₁, r₂, r₃ at p from the precomputed tables (linear in (ln p, ln r); see the module comment).
 * Microseconds; safe per cell per frame.
 * @param p in (0, 1]
 */
export function theoryBoundaryRatios(p: number, variant: TheoryVariant = '2-1'): BoundaryRatios {
  checkP(p);
  if (variant === '2-1') {
    const r1 = interpolate(TABLE_21_R1, p);
    return { notRepresentedSuperposition: r1, dedicatedSuperposition: 1 / r1, notRepresentedDedicated: 1 };
  }
  return {
    notRepresentedSuperposition: interpolate(TABLE_32_R1, p),
    dedicatedSuperposition: interpolate(TABLE_32_R2, p),
    notRepresentedDedicated: interpolate(TABLE_32_R3, p),
  };
}

/** The regime at r given the boundary ratios at its p (ties go to the drops, notRepresented first). */
export function regimeFromRatios(r: number, ratios: BoundaryRatios): Regime {
  if (ratios.notRepresentedSuperposition < r && r < ratios.dedicatedSuperposition) return Regime.superposition;
  return r <= ratios.notRepresentedDedicated ? Regime.notRepresented : Regime.dedicated;
}

/**
 * The theoretical regime of feature 1 (the extra feature) of n = 2, m = 1: that of the global
 * minimiser of the expected loss (see the module comment), from the tables. Ties go to
 * notRepresented, then dedicated; use {@link theoryBoundaryDistance} to avoid cells near boundaries.
 * @param p feature probability p = 1 − S, in (0, 1]
 * @param r relative importance of feature 1 (feature 0 has 1), > 0
 */
export function theoryRegime(p: number, r: number): Regime {
  check(p, r);
  return regimeFromRatios(r, theoryBoundaryRatios(p, '2-1'));
}

/** {@link theoryRegime} for n = 3, m = 2 (the extra feature is feature 2; I = (1, 1, r)). */
export function theoryRegime32(p: number, r: number): Regime {
  check(p, r);
  return regimeFromRatios(r, theoryBoundaryRatios(p, '3-2'));
}

/** One boundary as a polyline in (ln p, ln r): the two regimes it separates, lower code first. */
export interface BoundaryPolyline {
  between: [Regime, Regime];
  /** (p, r) points ordered by increasing p. */
  points: Array<[number, number]>;
}

type RatioKey = keyof BoundaryRatios;
/** The three boundaries: which ratio, which regimes, and where it is a real boundary (margin ≥ 0). */
export const BOUNDARY_KINDS: ReadonlyArray<{ key: RatioKey; between: [Regime, Regime]; margin: (q: BoundaryRatios) => number }> = [
  {
    key: 'notRepresentedSuperposition',
    between: [Regime.notRepresented, Regime.superposition],
    margin: (q) => Math.min(Math.log(q.dedicatedSuperposition / q.notRepresentedSuperposition), Math.log(q.notRepresentedDedicated / q.notRepresentedSuperposition)),
  },
  {
    key: 'dedicatedSuperposition',
    between: [Regime.dedicated, Regime.superposition],
    margin: (q) => Math.min(Math.log(q.dedicatedSuperposition / q.notRepresentedSuperposition), Math.log(q.dedicatedSuperposition / q.notRepresentedDedicated)),
  },
  {
    key: 'notRepresentedDedicated',
    between: [Regime.notRepresented, Regime.dedicated],
    margin: (q) => Math.max(Math.log(q.notRepresentedSuperposition / q.notRepresentedDedicated), Math.log(q.notRepresentedDedicated / q.dedicatedSuperposition)),
  },
];

/** Lowest p the distance polylines reach (the tables are extrapolated below 10⁻³). */
const POLYLINE_P_MIN = 1e-6;
const POLYLINES = new Map<TheoryVariant, BoundaryPolyline[]>();
/** Per variant: every polyline's points as (ln p, ln r) pairs, for the distance. */
const POLYLINE_LOGS = new Map<TheoryVariant, Float64Array[]>();

/**
 * The exact boundaries over p ∈ [10⁻⁶, 1] as polylines through the table's points (plus the
 * extrapolated end at 10⁻⁶ and the points where a boundary starts or stops being one, found by
 * linear interpolation of its margin). Cached.
 */
export function theoryBoundaryPolylines(variant: TheoryVariant = '2-1'): BoundaryPolyline[] {
  const cached = POLYLINES.get(variant);
  if (cached) return cached;
  const ps = [POLYLINE_P_MIN, ...BOUNDARY_TABLE_P];
  const ratios = ps.map((p) => theoryBoundaryRatios(p, variant));
  const out: BoundaryPolyline[] = [];
  for (const kind of BOUNDARY_KINDS) {
    let run: Array<[number, number]> = [];
    const margins = ratios.map((q) => kind.margin(q));
    for (let k = 0; k < ps.length; k++) {
      if (k > 0 && margins[k - 1]! >= 0 !== margins[k]! >= 0) {
        const t = margins[k - 1]! / (margins[k - 1]! - margins[k]!);
        const p = Math.exp(Math.log(ps[k - 1]!) * (1 - t) + Math.log(ps[k]!) * t);
        run.push([p, theoryBoundaryRatios(p, variant)[kind.key]]);
        if (margins[k]! < 0) {
          if (run.length >= 2) out.push({ between: [kind.between[0], kind.between[1]], points: run });
          run = [];
        }
      }
      if (margins[k]! >= 0) run.push([ps[k]!, ratios[k]![kind.key]]);
    }
    if (run.length >= 2) out.push({ between: [kind.between[0], kind.between[1]], points: run });
  }
  POLYLINES.set(variant, out);
  POLYLINE_LOGS.set(variant, out.map((line) => Float64Array.from(line.points.flatMap(([p, r]) => [Math.log(p), Math.log(r)]))));
  return out;
}

function distanceToPolylines(p: number, r: number, variant: TheoryVariant): number {
  if (!POLYLINE_LOGS.has(variant)) theoryBoundaryPolylines(variant);
  const x = Math.log(p);
  const y = Math.log(r);
  let best = Infinity;
  for (const line of POLYLINE_LOGS.get(variant)!) {
    for (let k = 0; k + 3 < line.length; k += 2) {
      const ax = line[k]!;
      const ay = line[k + 1]!;
      const dx = line[k + 2]! - ax;
      const dy = line[k + 3]! - ay;
      const len2 = dx * dx + dy * dy;
      const t = len2 > 0 ? Math.min(1, Math.max(0, ((x - ax) * dx + (y - ay) * dy) / len2)) : 0;
      const ex = x - ax - t * dx;
      const ey = y - ay - t * dy;
      best = Math.min(best, Math.sqrt(ex * ex + ey * ey));
    }
  }
  return best;
}

/**
 * How far (p, r) is from the nearest exact n = 2, m = 1 phase boundary: the Euclidean distance in
 * (ln p, ln r) to the boundary curves. 0 on a boundary; e.g. 0.2 means p or r would have to change
 * by a factor of about e^0.2 ≈ 1.22 to reach one. (On the closed forms' r = 1 line this equals the
 * old |ln(loss_N / loss_D)| = |ln r|; a geometric distance is used because the exact
 * notRepresented | superposition transition is continuous for p ≳ 0.5, where loss ratios vanish on
 * one side.) Microseconds (table lookups).
 */
export function theoryBoundaryDistance(p: number, r: number): number {
  check(p, r);
  return distanceToPolylines(p, r, '2-1');
}

/** {@link theoryBoundaryDistance} for n = 3, m = 2. */
export function theoryBoundaryDistance32(p: number, r: number): number {
  check(p, r);
  return distanceToPolylines(p, r, '3-2');
}

/** One cell to compare with the exact theory. */
export interface TheoryCell {
  /** Density p of all features. */
  featureProbability: number;
  /** Relative importance r of the extra feature (the last one). */
  relativeImportance: number;
  /** The empirical regime of the extra feature (kept seed). */
  regime: Regime;
}

/** How well an empirical phase diagram agrees with the exact theory. */
export interface TheoryAgreement {
  /** Cells compared (those at least `margin` away from a boundary). */
  compared: number;
  /** Compared cells whose regime equals the theory's. */
  agreeing: number;
  /** agreeing / compared (NaN when nothing was compared). */
  fraction: number;
  /** Cells skipped because they lie within `margin` of a boundary. */
  nearBoundary: number;
  /** The margin used: minimum distance (in ln p, ln r; {@link theoryBoundaryDistance}) for a cell to be compared. */
  margin: number;
}

/**
 * Compares empirical regimes with the exact theory ({@link theoryRegime} or {@link theoryRegime32})
 * away from the boundaries (docs/science.md: "should agree with this away from the boundaries"). A
 * cell counts only if it lies at least `margin` from every boundary in (ln p, ln r) (default 0.2,
 * i.e. p or r would have to change by ~22 % to cross one; {@link theoryBoundaryDistance}).
 * @param variant '2-1' (default) or '3-2'
 */
export function theoryAgreement(cells: readonly TheoryCell[], margin = 0.2, variant: TheoryVariant = '2-1'): TheoryAgreement {
  const distance = variant === '2-1' ? theoryBoundaryDistance : theoryBoundaryDistance32;
  const regime = variant === '2-1' ? theoryRegime : theoryRegime32;
  let compared = 0;
  let agreeing = 0;
  let nearBoundary = 0;
  for (const cell of cells) {
    if (distance(cell.featureProbability, cell.relativeImportance) < margin) {
      nearBoundary++;
      continue;
    }
    compared++;
    if (regime(cell.featureProbability, cell.relativeImportance) === cell.regime) agreeing++;
  }
  return { compared, agreeing, fraction: compared > 0 ? agreeing / compared : NaN, nearBoundary, margin };
}
