import { describe, expect, it } from 'vitest';
import { theoryBoundaryDistance, theoryLosses, theoryRegime, theoryAgreement } from '../../src/science/theory.js';
import { Regime, classifyFeature, classifyFeatures, regimeNames } from '../../src/science/regimes.js';

describe('exact n = 2, m = 1 theory', () => {
  it('the three regions meet at r = 1, p = 4/7 (all losses 16/147)', () => {
    const l = theoryLosses(4 / 7, 1);
    expect(l.dedicatedExtra).toBeCloseTo(16 / 147, 14);
    expect(l.notRepresented).toBeCloseTo(16 / 147, 14);
    expect(l.superposition).toBeCloseTo(16 / 147, 14);
    expect(theoryBoundaryDistance(4 / 7, 1)).toBeLessThan(1e-12);
  });

  it('the candidate losses at p = 1, r = 10 (worked by hand)', () => {
    const l = theoryLosses(1, 10);
    expect(l.dedicatedExtra).toBeCloseTo(1 / 12, 14);
    expect(l.notRepresented).toBeCloseTo(10 / 12, 14);
    expect(l.superposition).toBeCloseTo(11 / 6, 14);
  });

  it('dense and important extra feature → dedicated dimension (p = 1, r = 10)', () => {
    expect(theoryRegime(1, 10)).toBe(Regime.dedicated);
    // Runner-up is notRepresented at 10 × the best loss.
    expect(theoryBoundaryDistance(1, 10)).toBeCloseTo(Math.log(10), 12);
  });

  it('dense and unimportant extra feature → not represented (p = 1, r = 0.1; p = 0.5, r = 0.1)', () => {
    expect(theoryRegime(1, 0.1)).toBe(Regime.notRepresented);
    expect(theoryRegime(0.5, 0.1)).toBe(Regime.notRepresented);
  });

  it('sparse → superposition (p = 0.01 at r = 0.1, 1, 10; p = 0.1 at r = 0.1 and 10)', () => {
    for (const r of [0.1, 1, 10]) expect(theoryRegime(0.01, r)).toBe(Regime.superposition);
    expect(theoryRegime(0.1, 0.1)).toBe(Regime.superposition);
    expect(theoryRegime(0.1, 10)).toBe(Regime.superposition);
    expect(theoryRegime(0.5, 10)).toBe(Regime.dedicated);
  });

  it('boundaries: superposition vs not represented at p = 4r/(5r+2), vs dedicated at p = 4/(5+2r)', () => {
    // r (p/3 − p²/4) = (1+r) p²/6  ⇔  p = 4r / (5r + 2);   p/3 − p²/4 = (1+r) p²/6  ⇔  p = 4 / (5 + 2r)
    expect(theoryBoundaryDistance(0.16, 0.1)).toBeLessThan(1e-12);
    expect(theoryBoundaryDistance(4 / 25, 10)).toBeLessThan(1e-12);
    expect(theoryRegime(0.15, 0.1)).toBe(Regime.superposition);
    expect(theoryRegime(0.17, 0.1)).toBe(Regime.notRepresented);
    expect(theoryRegime(0.15, 10)).toBe(Regime.superposition);
    expect(theoryRegime(0.17, 10)).toBe(Regime.dedicated);
  });

  it('rejects p outside (0, 1] and r <= 0', () => {
    expect(() => theoryLosses(0, 1)).toThrow(/\(0, 1\]/);
    expect(() => theoryLosses(1.5, 1)).toThrow(RangeError);
    expect(() => theoryRegime(0.5, 0)).toThrow(RangeError);
  });
});

describe('regime classification', () => {
  it('codes and names', () => {
    expect([Regime.notRepresented, Regime.dedicated, Regime.superposition]).toEqual([0, 1, 2]);
    expect(regimeNames[Regime.superposition]).toBe('superposition');
    expect(regimeNames[Regime.notRepresented]).toBe('not represented');
  });

  it('default thresholds: norm > 0.5, superposition > 0.1', () => {
    expect(classifyFeature(1, 0)).toBe(Regime.dedicated);
    expect(classifyFeature(1, 1)).toBe(Regime.superposition);
    expect(classifyFeature(0.1, 5)).toBe(Regime.notRepresented);
    expect(classifyFeature(0.5, 0)).toBe(Regime.notRepresented);
    expect(classifyFeature(0.51, 0.1)).toBe(Regime.dedicated);
    expect(classifyFeature(0.51, 0.11)).toBe(Regime.superposition);
    expect(classifyFeature(NaN, 0)).toBe(Regime.notRepresented);
  });

  it('custom thresholds', () => {
    const t = { normThreshold: 0.3, superpositionThreshold: 0.01 };
    expect(classifyFeature(0.4, 0.05, t)).toBe(Regime.superposition);
    expect(classifyFeature(0.4, 0.005, t)).toBe(Regime.dedicated);
    expect([...classifyFeatures([1, 1, 0.2], [0, 0.5, 0.5])]).toEqual([1, 2, 0]);
  });
});

describe('theoryAgreement', () => {
  // Deep inside each region (worked out from the three losses by hand):
  // p = 1, r = 10: dedicated 1/12 vs not represented 10/12 vs superposition 11/6 → dedicated.
  // p = 1, r = 0.1: not represented 0.1/12 → not represented.
  // p = 0.01, r = 1: superposition 2e-4/6 ≈ 3.3e-5 vs ≈ 3.3e-3 → superposition.
  const deep = [
    { featureProbability: 1, relativeImportance: 10, regime: Regime.dedicated },
    { featureProbability: 1, relativeImportance: 0.1, regime: Regime.notRepresented },
    { featureProbability: 0.01, relativeImportance: 1, regime: Regime.superposition },
  ];

  it('counts agreeing cells away from the boundaries and skips cells near them', () => {
    const onTriplePoint = { featureProbability: 4 / 7, relativeImportance: 1, regime: Regime.dedicated };
    const agreement = theoryAgreement([...deep, onTriplePoint]);
    expect(agreement).toMatchObject({ compared: 3, agreeing: 3, nearBoundary: 1, fraction: 1 });
  });

  it('a wrong regime lowers the agreement', () => {
    const wrong = [...deep.slice(0, 2), { ...deep[2]!, regime: Regime.notRepresented }];
    expect(theoryAgreement(wrong)).toMatchObject({ compared: 3, agreeing: 2 });
  });
});
