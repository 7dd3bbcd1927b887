import { interpolateRdBu, interpolateViridis } from 'd3-scale-chromatic';
import { describe, expect, it } from 'vitest';
import {
  ARROW_VIEW,
  MISSING_COLOR,
  arrowLayout,
  arrowToView,
  describeSeries,
  divergingColor,
  formatValue,
  gramMatrix,
  labelStride,
  superpositionColor,
} from '../../src/components/inspector/inspector-math.js';

/** n features evenly spaced on a circle of radius r (m = 2), row-major 2 × n. */
function polygon(n: number, r = 1): number[] {
  const W = new Array<number>(2 * n);
  for (let i = 0; i < n; i++) {
    W[i] = r * Math.cos((2 * Math.PI * i) / n);
    W[n + i] = r * Math.sin((2 * Math.PI * i) / n);
  }
  return W;
}

describe('gramMatrix', () => {
  it('is WᵀW of a regular pentagon: 1 on the diagonal, cos(2π(i − k)/5) off it', () => {
    const G = gramMatrix(polygon(5), 5, 2);
    expect(G).toBeInstanceOf(Float64Array);
    expect(G.length).toBe(25);
    for (let i = 0; i < 5; i++) {
      for (let k = 0; k < 5; k++) expect(G[i * 5 + k]).toBeCloseTo(Math.cos((2 * Math.PI * (i - k)) / 5), 12);
    }
  });

  it('handles a non-square hand example (m = 1, n = 3) and checks the shape', () => {
    // W = [2, −1, 0.5]: G[i][k] = W_i W_k.
    expect(Array.from(gramMatrix([2, -1, 0.5], 3, 1))).toEqual([4, -2, 1, -2, 1, -0.5, 1, -0.5, 0.25]);
    expect(() => gramMatrix([1, 2, 3], 2, 2)).toThrow(RangeError);
  });
});

describe('arrowLayout', () => {
  it('gives each feature its column of W, norm and angle (pentagon: 0°, 72°, …, 288°)', () => {
    const { arrows, extent } = arrowLayout({ W: polygon(5, 1.5), nFeatures: 5, nHidden: 2 });
    expect(extent).toBeCloseTo(1.5, 12);
    expect(arrows).toHaveLength(5);
    arrows.forEach((a, i) => {
      expect(a.feature).toBe(i);
      expect(a.x).toBeCloseTo(1.5 * Math.cos((2 * Math.PI * i) / 5), 12);
      expect(a.y).toBeCloseTo(1.5 * Math.sin((2 * Math.PI * i) / 5), 12);
      expect(a.norm).toBeCloseTo(1.5, 12);
      expect(a.angleDegrees).toBeCloseTo(72 * i, 9);
      expect(Math.cos(a.angle)).toBeCloseTo(Math.cos((2 * Math.PI * i) / 5), 12);
    });
    expect(arrows[3]!.angle).toBeLessThan(0); // atan2 range (−π, π]
  });

  it('keeps a positive extent for W = 0, skips NaN in the extent, and rejects m ≠ 2', () => {
    expect(arrowLayout({ W: [0, 0, 0, 0], nFeatures: 2, nHidden: 2 }).extent).toBe(1e-6);
    expect(arrowLayout({ W: [NaN, 0.3, 0, 0.4], nFeatures: 2, nHidden: 2 }).extent).toBeCloseTo(0.5, 12);
    expect(() => arrowLayout({ W: [1, 2, 3], nFeatures: 1, nHidden: 3 })).toThrow(RangeError);
  });

  it('maps data to viewBox units with the documented transform', () => {
    const c = ARROW_VIEW.size / 2;
    expect(arrowToView(0, 0, 2)).toEqual([c, c]);
    expect(arrowToView(2, 0, 2)).toEqual([c + ARROW_VIEW.radius, c]);
    expect(arrowToView(0, 2, 2)).toEqual([c, c - ARROW_VIEW.radius]); // up is −y in SVG
  });
});

describe('colour helpers', () => {
  it('divergingColor: RdBu with −1 → red end, 0 → middle, +1 → blue end, clamped', () => {
    expect(divergingColor(-1)).toBe(interpolateRdBu(0));
    expect(divergingColor(0)).toBe(interpolateRdBu(0.5));
    expect(divergingColor(1)).toBe(interpolateRdBu(1));
    expect(divergingColor(0.5)).toBe(interpolateRdBu(0.75));
    expect(divergingColor(7)).toBe(interpolateRdBu(1));
    expect(divergingColor(-3)).toBe(interpolateRdBu(0));
    expect(divergingColor(NaN)).toBe(MISSING_COLOR);
  });

  it('superpositionColor: viridis of √s, s clamped to [0, 1]', () => {
    expect(superpositionColor(0)).toBe(interpolateViridis(0));
    expect(superpositionColor(1)).toBe(interpolateViridis(1));
    expect(superpositionColor(0.25)).toBe(interpolateViridis(0.5));
    expect(superpositionColor(1.5)).toBe(interpolateViridis(1));
    expect(superpositionColor(-0.1)).toBe(interpolateViridis(0));
    expect(superpositionColor(NaN)).toBe(MISSING_COLOR);
  });
});

describe('formatValue', () => {
  it('shows 3 significant digits, NaN as an en dash', () => {
    expect(formatValue(NaN)).toBe('–');
    expect(formatValue(1.13456)).toBe('1.13');
    expect(formatValue(0.012345)).toBe('0.0123');
    expect(formatValue(-2)).toBe('-2');
    expect(formatValue(-0)).toBe('0');
    expect(formatValue(12345)).toBe('12300');
    expect(formatValue(1.234e-7)).toBe('1.23E-7');
  });
});

describe('labelStride and describeSeries', () => {
  it('thins labels above 20 items', () => {
    expect(labelStride(20)).toBe(1);
    expect(labelStride(21)).toBe(2);
    expect(labelStride(40)).toBe(3);
    expect(labelStride(64)).toBe(4);
  });

  it('describes uniform, geometric and other series', () => {
    expect(describeSeries([0.05, 0.05, 0.05])).toBe('0.05');
    expect(describeSeries(Float32Array.from({ length: 20 }, (_, i) => 0.7 ** i))).toBe('0.7^i');
    expect(describeSeries([1, 0.5, 0.3])).toBe('1, 0.5, 0.3');
    expect(describeSeries([1, 3.98])).toBe('1, 3.98');
    expect(describeSeries([1, 0.5, 0.3, 0.2])).toBe('varies');
    expect(describeSeries([])).toBe('–');
  });
});
