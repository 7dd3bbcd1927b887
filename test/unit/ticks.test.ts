/** Axis scales and tick marks (src/render/ticks.ts): pure math. */
import { describe, expect, it } from 'vitest';
import { axisEdges, categoryTicks, continuousTicks, formatTick, isEvenlySpaced, type Tick } from '../../src/render/ticks.js';

/** n values evenly spaced in log10 from 10^a to 10^b. */
const logSpaced = (a: number, b: number, n: number): number[] => Array.from({ length: n }, (_, i) => Math.pow(10, a + ((b - a) * i) / (n - 1)));

/** Checks ticks against [label, fraction] pairs. */
function expectTicks(ticks: Tick[], expected: [string, number][]): void {
  expect(ticks.map((t) => t.label)).toEqual(expected.map(([l]) => l));
  ticks.forEach((t, i) => expect(t.fraction, `fraction of ${t.label}`).toBeCloseTo(expected[i]![1], 10));
}

describe('axisEdges', () => {
  it('log: half a (geometric) step beyond the first and last centre', () => {
    const [lo, hi] = axisEdges([1, 10, 100], 'log');
    expect(lo).toBeCloseTo(1 / Math.sqrt(10), 12);
    expect(hi).toBeCloseTo(100 * Math.sqrt(10), 9);
  });

  it('log: 16 centres from 0.01 to 1 extend by 1/15 decade each side', () => {
    const [lo, hi] = axisEdges(logSpaced(-2, 0, 16), 'log');
    expect(Math.log10(lo)).toBeCloseTo(-2 - 1 / 15, 12);
    expect(Math.log10(hi)).toBeCloseTo(1 / 15, 12);
  });

  it('linear: half a step beyond the ends, also for descending centres', () => {
    expect(axisEdges([1, 2, 3], 'linear')).toEqual([0.5, 3.5]);
    const [lo, hi] = axisEdges([0, 0.25, 0.5, 0.75, 1], 'linear');
    expect(lo).toBeCloseTo(-0.125, 12);
    expect(hi).toBeCloseTo(1.125, 12);
    expect(axisEdges([3, 2, 1], 'linear')).toEqual([3.5, 0.5]);
  });

  it('one centre: a decade wide (log) or one unit wide (linear)', () => {
    const [lo, hi] = axisEdges([0.1], 'log');
    expect(lo).toBeCloseTo(0.1 / Math.sqrt(10), 14);
    expect(hi).toBeCloseTo(0.1 * Math.sqrt(10), 14);
    expect(axisEdges([5], 'linear')).toEqual([4.5, 5.5]);
  });
});

describe('isEvenlySpaced', () => {
  it('accepts log-spaced values in log but not in linear', () => {
    const v = logSpaced(-3, 0, 13);
    expect(isEvenlySpaced(v, 'log')).toBe(true);
    expect(isEvenlySpaced(v, 'linear')).toBe(false);
  });

  it('accepts linearly spaced values in linear but not in log', () => {
    const v = Array.from({ length: 11 }, (_, i) => 0.1 + i * 0.09);
    expect(isEvenlySpaced(v, 'linear')).toBe(true);
    expect(isEvenlySpaced(v, 'log')).toBe(false);
  });

  it('accepts two values and descending runs', () => {
    expect(isEvenlySpaced([1, 7], 'linear')).toBe(true);
    expect(isEvenlySpaced([1, 7], 'log')).toBe(true);
    expect(isEvenlySpaced([1, 0.5, 0], 'linear')).toBe(true);
    expect(isEvenlySpaced([100, 10, 1, 0.1], 'log')).toBe(true);
  });

  it('tolerates float rounding but not a 0.1 % deviation', () => {
    const v = logSpaced(-2, 0, 9);
    const rounded = v.map((x) => Number(x.toPrecision(12)));
    expect(isEvenlySpaced(rounded, 'log')).toBe(true);
    const bent = [...v];
    bent[4] = bent[4]! * 1.001;
    expect(isEvenlySpaced(bent, 'log')).toBe(false);
    const lin = [0, 1, 2, 3, 4, 5];
    lin[2] = 2.01;
    expect(isEvenlySpaced(lin, 'linear')).toBe(false);
  });

  it('rejects fewer than two values, constant runs, and non-positive values in log', () => {
    expect(isEvenlySpaced([], 'linear')).toBe(false);
    expect(isEvenlySpaced([3], 'linear')).toBe(false);
    expect(isEvenlySpaced([3], 'log')).toBe(false);
    expect(isEvenlySpaced([2, 2, 2], 'linear')).toBe(false);
    expect(isEvenlySpaced([2, 2, 2], 'log')).toBe(false);
    expect(isEvenlySpaced([0, 1, 2], 'log')).toBe(false);
    expect(isEvenlySpaced([-1, -10, -100], 'log')).toBe(false);
    expect(isEvenlySpaced([1, NaN, 3], 'linear')).toBe(false);
  });

  // Regression: the tolerance used to be 1e-6 absolute, which accepted this for values far below 1.
  it('rejects clearly uneven tiny linear values (tolerance should be relative to the step)', () => {
    expect(isEvenlySpaced([0, 5e-7, 2e-6], 'linear')).toBe(false);
  });
});

describe('formatTick', () => {
  it('writes zero and powers of ten plainly', () => {
    expect(formatTick(0)).toBe('0');
    expect(formatTick(-0)).toBe('0');
    expect(formatTick(1)).toBe('1');
    expect(formatTick(0.1)).toBe('0.1');
    expect(formatTick(0.01)).toBe('0.01');
    expect(formatTick(0.001)).toBe('0.001');
    expect(formatTick(0.0001)).toBe('0.0001');
    expect(formatTick(10)).toBe('10');
    expect(formatTick(10000)).toBe('10000');
  });

  it('keeps up to 4 significant digits without trailing zeros', () => {
    expect(formatTick(2.5)).toBe('2.5');
    expect(formatTick(-2.5)).toBe('-2.5');
    expect(formatTick(0.2)).toBe('0.2');
    expect(formatTick(1 / 3)).toBe('0.3333');
    expect(formatTick(1234.5678)).toBe('1235');
    expect(formatTick(0.30000000000000004)).toBe('0.3');
    expect(formatTick(0.6000000000000001)).toBe('0.6');
    expect(formatTick(2.5e-4)).toBe('0.00025');
  });

  it('uses exponent form below 1e-4 and at or above 1e5', () => {
    expect(formatTick(1e-5)).toBe('1e-5');
    expect(formatTick(-1e-5)).toBe('-1e-5');
    expect(formatTick(5e-6)).toBe('5e-6');
    expect(formatTick(1e5)).toBe('1e5');
    expect(formatTick(123456)).toBe('1.235e5');
    expect(formatTick(1e6)).toBe('1e6');
    expect(formatTick(2e7)).toBe('2e7');
  });
});

describe('continuousTicks, log', () => {
  it('feature density 0.01 … 1 (16 log-spaced centres): ticks at 0.01, 0.1, 1 at their log positions', () => {
    const centres = logSpaced(-2, 0, 16);
    const [lo, hi] = axisEdges(centres, 'log');
    const l0 = -2 - 1 / 15;
    const l1 = 1 / 15;
    const at = (v: number) => (Math.log10(v) - l0) / (l1 - l0);
    const ticks = continuousTicks(lo, hi, 'log');
    expectTicks(ticks, [
      ['0.01', at(0.01)],
      ['0.1', at(0.1)],
      ['1', at(1)],
    ]);
    // The same positions worked out by hand: 0.01 and 1 are the first and last cell centres, 0.1 the middle.
    expect(ticks[0]!.fraction).toBeCloseTo(0.5 / 16, 10);
    expect(ticks[1]!.fraction).toBeCloseTo(0.5, 10);
    expect(ticks[2]!.fraction).toBeCloseTo(15.5 / 16, 10);
  });

  it('only powers of ten when three or more fit', () => {
    const lo = 0.003;
    const hi = 20;
    const at = (v: number) => (Math.log10(v) - Math.log10(lo)) / (Math.log10(hi) - Math.log10(lo));
    expectTicks(continuousTicks(lo, hi, 'log'), [
      ['0.01', at(0.01)],
      ['0.1', at(0.1)],
      ['1', at(1)],
      ['10', at(10)],
    ]);
  });

  it('adds 2× and 5× when exactly two powers of ten fit', () => {
    const lo = 0.05;
    const hi = 2;
    const at = (v: number) => (Math.log10(v) - Math.log10(lo)) / (Math.log10(hi) - Math.log10(lo));
    expectTicks(continuousTicks(lo, hi, 'log'), [
      ['0.05', 0],
      ['0.1', at(0.1)],
      ['0.2', at(0.2)],
      ['0.5', at(0.5)],
      ['1', at(1)],
      ['2', 1],
    ]);
  });

  it('1…9× when one power of ten fits', () => {
    const ticks = continuousTicks(0.3, 3, 'log');
    const values = [0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1, 2, 3];
    expectTicks(
      ticks,
      values.map((v) => [String(v), Math.log10(v / 0.3)]),
    );
  });

  it('1…9× when a span within one decade holds no power of ten', () => {
    const lo = 2;
    const hi = 9.5;
    const at = (v: number) => (Math.log10(v) - Math.log10(lo)) / (Math.log10(hi) - Math.log10(lo));
    expectTicks(
      continuousTicks(lo, hi, 'log'),
      [2, 3, 4, 5, 6, 7, 8, 9].map((v) => [String(v), at(v)]),
    );
    expectTicks(
      continuousTicks(2e-6, 9.5e-6, 'log'),
      [2, 3, 4, 5, 6, 7, 8, 9].map((v) => [`${v}e-6`, at(v)]),
    );
  });

  it('includes ticks exactly at the ends, with fractions clamped to [0, 1]', () => {
    expectTicks(continuousTicks(0.01, 1, 'log'), [
      ['0.01', 0],
      ['0.1', 0.5],
      ['1', 1],
    ]);
    for (const t of continuousTicks(0.01, 1, 'log')) {
      expect(t.fraction).toBeGreaterThanOrEqual(0);
      expect(t.fraction).toBeLessThanOrEqual(1);
    }
  });

  it('ticks are ascending, inside [0, 1], and their labels name their positions', () => {
    for (const [lo, hi] of [
      [1e-4, 1],
      [0.02, 0.7],
      [3, 3000],
      [0.5, 4],
      [1.2, 9],
    ] as const) {
      const ticks = continuousTicks(lo, hi, 'log');
      expect(ticks.length, `[${lo}, ${hi}]`).toBeGreaterThan(0);
      ticks.forEach((t, i) => {
        expect(t.fraction).toBeGreaterThanOrEqual(0);
        expect(t.fraction).toBeLessThanOrEqual(1);
        if (i > 0) expect(t.fraction).toBeGreaterThan(ticks[i - 1]!.fraction);
        const v = Number(t.label);
        expect((Math.log10(v) - Math.log10(lo)) / (Math.log10(hi) - Math.log10(lo)), `${t.label} in [${lo}, ${hi}]`).toBeCloseTo(t.fraction, 9);
      });
    }
  });
});

describe('continuousTicks, linear', () => {
  it('0 … 1 gets 0, 0.2, …, 1 at fractions equal to their values', () => {
    expectTicks(continuousTicks(0, 1, 'linear'), [
      ['0', 0],
      ['0.2', 0.2],
      ['0.4', 0.4],
      ['0.6', 0.6],
      ['0.8', 0.8],
      ['1', 1],
    ]);
  });

  it('steps are 1, 2 or 5 × 10^k', () => {
    expect(continuousTicks(0, 100, 'linear').map((t) => t.label)).toEqual(['0', '20', '40', '60', '80', '100']);
    expect(continuousTicks(0, 1, 'linear', 10).map((t) => t.label)).toEqual(['0', '0.1', '0.2', '0.3', '0.4', '0.5', '0.6', '0.7', '0.8', '0.9', '1']);
    expect(continuousTicks(0, 50, 'linear').map((t) => t.label)).toEqual(['0', '10', '20', '30', '40', '50']);
    expectTicks(continuousTicks(0.05, 0.95, 'linear'), [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9].map((v) => [String(v), (v - 0.05) / 0.9]));
  });

  it('a range crossing zero has an exact "0" tick and no round-off labels', () => {
    const ticks = continuousTicks(-1, 1, 'linear');
    expectTicks(
      ticks,
      [-1, -0.8, -0.6, -0.4, -0.2, 0, 0.2, 0.4, 0.6, 0.8, 1].map((v) => [String(v), (v + 1) / 2]),
    );
  });

  it('ticks lie inside [lo, hi], on multiples of the step', () => {
    const lo = 0.137;
    const hi = 0.871;
    const ticks = continuousTicks(lo, hi, 'linear');
    expect(ticks.map((t) => t.label)).toEqual(['0.2', '0.3', '0.4', '0.5', '0.6', '0.7', '0.8']);
    for (const t of ticks) expect(t.fraction).toBeCloseTo((Number(t.label) - lo) / (hi - lo), 12);
  });

  // Regression: exponent-form labels used to keep one significant digit (1.5e-5 read "2e-5").
  it('labels of small linear ticks name their own values', () => {
    const lo = 0;
    const hi = 3e-5;
    const ticks = continuousTicks(lo, hi, 'linear');
    expect(new Set(ticks.map((t) => t.label)).size).toBe(ticks.length);
    for (const t of ticks) {
      const value = lo + t.fraction * (hi - lo);
      expect(Number(t.label), `tick at ${value}`).toBeCloseTo(value, 12);
    }
  });
});

describe('categoryTicks', () => {
  const labels = (n: number) => Array.from({ length: n }, (_, i) => `m${i}`);

  it('30 labels, at most 12: every 3rd label at its cell centre', () => {
    const ticks = categoryTicks(labels(30), 12);
    expect(ticks.length).toBe(10);
    ticks.forEach((t, j) => {
      const i = 3 * j;
      expect(t.label).toBe(`m${i}`);
      expect(t.fraction).toBeCloseTo((i + 0.5) / 30, 12);
    });
  });

  it('keeps every label when they fit, at (i + 0.5) / n', () => {
    const ticks = categoryTicks(labels(12));
    expect(ticks.map((t) => t.label)).toEqual(labels(12));
    ticks.forEach((t, i) => expect(t.fraction).toBeCloseTo((i + 0.5) / 12, 12));
    expect(categoryTicks(['only'])).toEqual([{ fraction: 0.5, label: 'only' }]);
    expect(categoryTicks([])).toEqual([]);
  });

  it('never exceeds maxLabels, always starts at the first cell, and thins evenly', () => {
    for (let n = 1; n <= 80; n++) {
      for (let max = 1; max <= 20; max++) {
        const ticks = categoryTicks(labels(n), max);
        expect(ticks.length, `n=${n}, max=${max}`).toBeLessThanOrEqual(max);
        expect(ticks.length).toBeGreaterThan(0);
        expect(ticks[0]!.label).toBe('m0');
        const idx = ticks.map((t) => Number(t.label.slice(1)));
        const gaps = new Set(idx.slice(1).map((v, i) => v - idx[i]!));
        expect(gaps.size).toBeLessThanOrEqual(1);
        // Thinning no more than needed: one more label per gap would not fit.
        const every = idx.length > 1 ? idx[1]! - idx[0]! : n;
        if (every > 1) expect(Math.ceil(n / (every - 1))).toBeGreaterThan(max);
      }
    }
  });
});
