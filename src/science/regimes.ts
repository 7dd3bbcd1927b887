/**
 * Regime of a feature (docs/science.md "Regimes and the phase diagram"; the paper's section
 * "Superposition as a phase change"). The paper states no thresholds; the documented default rule
 * is: represented iff ‖W_i‖ > 0.5; superposed iff also Σ_{j≠i}(Ŵ_i·W_j)² > 0.1.
 */

/** Regime codes, stored as small integers in result buffers and textures. */
export const Regime = {
  /** ‖W_i‖ ≤ normThreshold: the model ignores the feature. */
  notRepresented: 0,
  /** Represented with no (or little) interference: its own dimension. */
  dedicated: 1,
  /** Represented and sharing its direction with other features (e.g. antipodal to W_0). */
  superposition: 2,
} as const;
/** One of the {@link Regime} codes: 0, 1 or 2. */
export type Regime = (typeof Regime)[keyof typeof Regime];

/** Human-readable names, indexed by {@link Regime} code. */
export const regimeNames: Readonly<Record<Regime, string>> = {
  0: 'not represented',
  1: 'dedicated dimension',
  2: 'superposition',
};

/** Thresholds of the regime rule. */
export interface RegimeThresholds {
  /** A feature is represented iff ‖W_i‖ > normThreshold. Default 0.5. */
  normThreshold: number;
  /** A represented feature is in superposition iff Σ_{j≠i}(Ŵ_i·W_j)² > superpositionThreshold. Default 0.1. */
  superpositionThreshold: number;
}

/** The documented default thresholds: norm 0.5, superposition 0.1. */
export const DEFAULT_REGIME_THRESHOLDS: Readonly<RegimeThresholds> = Object.freeze({
  normThreshold: 0.5,
  superpositionThreshold: 0.1,
});

/**
 * Classifies one feature from its norm ‖W_i‖ and superposition Σ_{j≠i}(Ŵ_i·W_j)².
 * A NaN norm (a diverged model) counts as not represented.
 */
export function classifyFeature(
  norm: number,
  superposition: number,
  thresholds: RegimeThresholds = DEFAULT_REGIME_THRESHOLDS,
): Regime {
  if (!(norm > thresholds.normThreshold)) return Regime.notRepresented;
  return superposition > thresholds.superpositionThreshold ? Regime.superposition : Regime.dedicated;
}

/** {@link classifyFeature} over parallel arrays (e.g. a ModelResults' featureNorm and superposition). */
export function classifyFeatures(
  norms: ArrayLike<number>,
  superpositions: ArrayLike<number>,
  thresholds: RegimeThresholds = DEFAULT_REGIME_THRESHOLDS,
): Uint8Array {
  if (norms.length !== superpositions.length) {
    throw new RangeError(`classifyFeatures: ${norms.length} norms but ${superpositions.length} superposition values`);
  }
  const out = new Uint8Array(norms.length);
  for (let k = 0; k < norms.length; k++) out[k] = classifyFeature(norms[k]!, superpositions[k]!, thresholds);
  return out;
}
