/** Geometry of the live diagram (src/components/diagram-layout.ts): pure math. */
import { describe, expect, it } from 'vitest';
import { DIAGRAM_MARGINS, axisFraction, axisRange, cellAt, cellBox, diagramHeight, plotRect } from '../../src/components/diagram-layout.js';
import type { FigureAxis } from '../../src/render/figure.js';

/** n values evenly spaced in log10 from 10^a to 10^b. */
const logSpaced = (a: number, b: number, n: number): number[] => Array.from({ length: n }, (_, i) => Math.pow(10, a + ((b - a) * i) / (n - 1)));
const linSpaced = (a: number, b: number, n: number): number[] => Array.from({ length: n }, (_, i) => a + ((b - a) * i) / (n - 1));

describe('diagramHeight', () => {
  it('is 0.72 × width, rounded', () => {
    expect(diagramHeight(500)).toBe(360);
    expect(diagramHeight(1000)).toBe(720);
    expect(diagramHeight(333)).toBe(240); // 239.76
    expect(diagramHeight(700)).toBe(504);
  });

  it('is clamped to [220, 760]', () => {
    expect(diagramHeight(0)).toBe(220);
    expect(diagramHeight(100)).toBe(220);
    expect(diagramHeight(305)).toBe(220); // 219.6
    expect(diagramHeight(2000)).toBe(760);
    expect(diagramHeight(1e6)).toBe(760);
  });

  it('never decreases as the width grows', () => {
    let prev = -Infinity;
    for (let w = 0; w <= 1500; w += 7) {
      const h = diagramHeight(w);
      expect(h).toBeGreaterThanOrEqual(prev);
      prev = h;
    }
  });
});

describe('plotRect', () => {
  it('leaves the margins around the plot', () => {
    const m = DIAGRAM_MARGINS;
    expect(plotRect(800, 600)).toEqual({ x: m.left, y: m.top, width: 800 - m.left - m.right, height: 600 - m.top - m.bottom });
    expect(plotRect(800, 600)).toEqual({ x: 72, y: 10, width: 578, height: 536 });
  });

  it('keeps at least 16 × 16', () => {
    expect(plotRect(100, 40)).toEqual({ x: 72, y: 10, width: 16, height: 16 });
    expect(plotRect(0, 0)).toEqual({ x: 72, y: 10, width: 16, height: 16 });
    expect(plotRect(238, 80)).toEqual({ x: 72, y: 10, width: 16, height: 16 });
  });

  it('rounds fractional sizes to whole pixels', () => {
    const p = plotRect(800.4, 600.6);
    expect(p.width).toBe(578);
    expect(p.height).toBe(537);
  });
});

describe('cellAt / cellBox', () => {
  const plots = [plotRect(800, 600), plotRect(513, 377), { x: 3.5, y: 7.25, width: 101.3, height: 59.9 }];
  const grids: [number, number][] = [
    [1, 1],
    [7, 3],
    [16, 16],
    [13, 11],
    [40, 25],
  ];

  it('cellBox tiles the plot: yIndex 0 is the bottom row, xIndex 0 the left column', () => {
    for (const p of plots) {
      for (const [nx, ny] of grids) {
        const w = p.width / nx;
        const h = p.height / ny;
        const bottomLeft = cellBox(p, nx, ny, 0, 0);
        expect(bottomLeft.x).toBeCloseTo(p.x, 9);
        expect(bottomLeft.y + bottomLeft.height).toBeCloseTo(p.y + p.height, 9);
        const topRight = cellBox(p, nx, ny, nx - 1, ny - 1);
        expect(topRight.x + topRight.width).toBeCloseTo(p.x + p.width, 9);
        expect(topRight.y).toBeCloseTo(p.y, 9);
        for (let i = 0; i < nx; i++) {
          for (let j = 0; j < ny; j++) {
            const b = cellBox(p, nx, ny, i, j);
            expect(b.width).toBeCloseTo(w, 9);
            expect(b.height).toBeCloseTo(h, 9);
            expect(b.x).toBeCloseTo(p.x + i * w, 9);
            expect(b.y).toBeCloseTo(p.y + p.height - (j + 1) * h, 9);
          }
        }
      }
    }
  });

  it('cellAt inverts cellBox for every cell (centre and points just inside each corner)', () => {
    for (const p of plots) {
      for (const [nx, ny] of grids) {
        for (let i = 0; i < nx; i++) {
          for (let j = 0; j < ny; j++) {
            const b = cellBox(p, nx, ny, i, j);
            const ex = b.width * 1e-6;
            const ey = b.height * 1e-6;
            const points: [number, number][] = [
              [b.x + b.width / 2, b.y + b.height / 2],
              [b.x + ex, b.y + ey],
              [b.x + b.width - ex, b.y + ey],
              [b.x + ex, b.y + b.height - ey],
              [b.x + b.width - ex, b.y + b.height - ey],
            ];
            for (const [x, y] of points) expect(cellAt(p, nx, ny, x, y), `cell (${i}, ${j}) of ${nx}×${ny} at (${x}, ${y})`).toEqual({ xIndex: i, yIndex: j });
          }
        }
      }
    }
  });

  it('a point in the top-left corner of the plot is in the top row, left column', () => {
    const p = plotRect(800, 600);
    expect(cellAt(p, 10, 4, p.x, p.y)).toEqual({ xIndex: 0, yIndex: 3 });
    expect(cellAt(p, 10, 4, p.x + p.width - 0.01, p.y + p.height - 0.01)).toEqual({ xIndex: 9, yIndex: 0 });
  });

  it('is undefined outside the plot (right and bottom edges excluded)', () => {
    const p = plotRect(800, 600);
    const mid = { x: p.x + p.width / 2, y: p.y + p.height / 2 };
    expect(cellAt(p, 10, 4, p.x - 0.01, mid.y)).toBeUndefined();
    expect(cellAt(p, 10, 4, p.x + p.width, mid.y)).toBeUndefined();
    expect(cellAt(p, 10, 4, mid.x, p.y - 0.01)).toBeUndefined();
    expect(cellAt(p, 10, 4, mid.x, p.y + p.height)).toBeUndefined();
    expect(cellAt(p, 10, 4, 0, 0)).toBeUndefined();
    expect(cellAt(p, 10, 4, 10_000, 10_000)).toBeUndefined();
    expect(cellAt(p, 10, 4, NaN, mid.y)).toBeUndefined();
    expect(cellAt(p, 10, 4, mid.x, NaN)).toBeUndefined();
  });
});

describe('axisFraction / axisRange', () => {
  it('log axis: cell centre i lands at (i + 0.5) / n', () => {
    for (const n of [1, 2, 5, 16, 33]) {
      const values = n === 1 ? [0.1] : logSpaced(-3, 0, n);
      const axis: FigureAxis = { title: 'feature density p = 1 − S', scale: 'log', values };
      const f = axisFraction(axis)!;
      expect(f).toBeTypeOf('function');
      values.forEach((v, i) => expect(f(v), `n=${n}, i=${i}`).toBeCloseTo((i + 0.5) / n, 10));
    }
  });

  it('linear axis: cell centre i lands at (i + 0.5) / n', () => {
    for (const n of [1, 2, 3, 10, 21]) {
      const values = n === 1 ? [4] : linSpaced(-2, 3, n);
      const axis: FigureAxis = { title: 'importance', scale: 'linear', values };
      const f = axisFraction(axis)!;
      values.forEach((v, i) => expect(f(v), `n=${n}, i=${i}`).toBeCloseTo((i + 0.5) / n, 10));
    }
  });

  it('log axis 0.01 … 1 (16 centres): the range is a 1/15 decade wider each side, powers of ten land as by hand', () => {
    const axis: FigureAxis = { title: 'p', scale: 'log', values: logSpaced(-2, 0, 16) };
    const [lo, hi] = axisRange(axis)!;
    expect(Math.log10(lo)).toBeCloseTo(-2 - 1 / 15, 12);
    expect(Math.log10(hi)).toBeCloseTo(1 / 15, 12);
    const f = axisFraction(axis)!;
    expect(f(lo)).toBeCloseTo(0, 12);
    expect(f(hi)).toBeCloseTo(1, 12);
    const l0 = -2 - 1 / 15;
    const span = 2 + 2 / 15;
    for (const v of [0.01, 0.03, 0.1, 0.5, 1]) expect(f(v)).toBeCloseTo((Math.log10(v) - l0) / span, 12);
    // Outside the range the map keeps extrapolating (no clamping).
    expect(f(1e-3)).toBeLessThan(0);
    expect(f(10)).toBeGreaterThan(1);
  });

  it('linear axis: range is half a step beyond the ends, fraction is affine', () => {
    const axis: FigureAxis = { title: 'r', scale: 'linear', values: [0, 0.5, 1, 1.5, 2] };
    expect(axisRange(axis)).toEqual([-0.25, 2.25]);
    const f = axisFraction(axis)!;
    expect(f(-0.25)).toBeCloseTo(0, 12);
    expect(f(2.25)).toBeCloseTo(1, 12);
    expect(f(1)).toBeCloseTo(0.5, 12);
    expect(f(0.6)).toBeCloseTo(0.85 / 2.5, 12);
  });

  it('one centre: a decade (log) or one unit (linear) around it', () => {
    const [lo, hi] = axisRange({ title: 'p', scale: 'log', values: [0.1] })!;
    expect(lo).toBeCloseTo(0.1 / Math.sqrt(10), 14);
    expect(hi).toBeCloseTo(0.1 * Math.sqrt(10), 14);
    expect(axisRange({ title: 'r', scale: 'linear', values: [4] })).toEqual([3.5, 4.5]);
  });

  it('is undefined for category axes and axes without values', () => {
    const category: FigureAxis = { title: 'model', scale: 'category', labels: ['a', 'b', 'c'] };
    expect(axisFraction(category)).toBeUndefined();
    expect(axisRange(category)).toBeUndefined();
    const categoryWithValues: FigureAxis = { title: 'I', scale: 'category', values: [1, 2, 5], labels: ['1', '2', '5'] };
    expect(axisFraction(categoryWithValues)).toBeUndefined();
    expect(axisRange(categoryWithValues)).toBeUndefined();
    expect(axisFraction({ title: 'p', scale: 'log' })).toBeUndefined();
    expect(axisFraction({ title: 'p', scale: 'log', values: [] })).toBeUndefined();
    expect(axisRange({ title: 'r', scale: 'linear', values: [] })).toBeUndefined();
  });

  it('a value placed with axisFraction on the plot is found by cellAt in the cell of that centre', () => {
    const p = plotRect(900, diagramHeight(900));
    const xAxis: FigureAxis = { title: 'p', scale: 'log', values: logSpaced(-2, 0, 16) };
    const yAxis: FigureAxis = { title: 'r', scale: 'linear', values: linSpaced(0.1, 10, 12) };
    const fx = axisFraction(xAxis)!;
    const fy = axisFraction(yAxis)!;
    xAxis.values!.forEach((xv, i) => {
      yAxis.values!.forEach((yv, j) => {
        const x = p.x + fx(xv) * p.width;
        const y = p.y + (1 - fy(yv)) * p.height; // y grows downward, yIndex 0 at the bottom
        expect(cellAt(p, 16, 12, x, y)).toEqual({ xIndex: i, yIndex: j });
        const b = cellBox(p, 16, 12, i, j);
        expect(x).toBeCloseTo(b.x + b.width / 2, 9);
        expect(y).toBeCloseTo(b.y + b.height / 2, 9);
      });
    });
  });
});
