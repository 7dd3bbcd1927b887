// The cell-inspector elements in headless Chromium (no WebGPU needed): DOM structure, geometry
// against W, and colours against the pure helpers.
import { afterEach, describe, expect, it } from 'vitest';
import '../../src/components/inspector/define.js';
import {
  ARROW_VIEW,
  arrowToView,
  divergingColor,
  gramMatrix,
  superpositionColor,
} from '../../src/components/inspector/index.js';
import type { CellModel } from '../../src/components/types.js';
import { dimensionality, dimsPerFeature, featureNorms, superposition } from '../../src/science/metrics.js';

/** A CellModel from W (m × n row-major) and b, with metrics computed by the science layer. */
function makeCell(W: number[], b: number[], n: number, m: number): CellModel {
  return {
    nFeatures: n,
    nHidden: m,
    model: 'relu',
    W: Float32Array.from(W),
    b: Float32Array.from(b),
    featureNorm: featureNorms(W, n, m),
    superposition: superposition(W, n, m),
    dimensionality: dimensionality(W, n, m),
    featureProbability: new Array<number>(n).fill(0.05),
    importance: Array.from({ length: n }, (_, i) => 0.9 ** i),
    loss: 0.0123,
    dimsPerFeature: dimsPerFeature(W, n, m),
    seedIndex: 2,
  };
}

/** A slightly irregular pentagon (norms 1, 1.1, …, 1.4) so that bar widths differ. */
function pentagon(): CellModel {
  const n = 5;
  const W = new Array<number>(2 * n);
  for (let i = 0; i < n; i++) {
    const r = 1 + 0.1 * i;
    W[i] = r * Math.cos((2 * Math.PI * i) / n);
    W[n + i] = r * Math.sin((2 * Math.PI * i) / n);
  }
  return makeCell(W, [-0.2, -0.1, 0, 0.1, 0.2], n, 2);
}

async function mount<K extends keyof HTMLElementTagNameMap>(tag: K, cell?: CellModel): Promise<HTMLElementTagNameMap[K]> {
  const el = document.createElement(tag);
  (el as { cell?: CellModel }).cell = cell;
  document.body.append(el);
  await (el as unknown as { updateComplete: Promise<boolean> }).updateComplete;
  return el;
}

const root = (el: Element): ShadowRoot => el.shadowRoot!;
const num = (el: Element, attr: string): number => Number(el.getAttribute(attr));

afterEach(() => {
  document.body.replaceChildren();
});

describe('superposition-feature-arrows', () => {
  it('draws one arrow per feature whose tip is W_i after the documented transform', async () => {
    const cell = pentagon();
    const el = await mount('superposition-feature-arrows', cell);
    const svg = root(el).querySelector('svg')!;
    expect(svg.getAttribute('viewBox')).toBe(`0 0 ${ARROW_VIEW.size} ${ARROW_VIEW.size}`);
    expect(svg.getAttribute('role')).toBe('img');
    expect(svg.getAttribute('aria-label')).toMatch(/^5 feature directions; feature 0 norm 1 at 0°, feature 1 norm 1.1 at 72°/);
    const arrows = root(el).querySelectorAll('g.arrow');
    expect(arrows).toHaveLength(5);
    const extent = Math.max(...Array.from(cell.featureNorm));
    arrows.forEach((g, i) => {
      expect(g.getAttribute('data-feature')).toBe(String(i));
      const [tx, ty] = g.querySelector('polygon')!.getAttribute('points')!.split(' ')[0]!.split(',').map(Number);
      const [ex, ey] = arrowToView(cell.W[i]!, cell.W[5 + i]!, extent);
      expect(Math.abs(tx! - ex)).toBeLessThan(1e-6 * ARROW_VIEW.size);
      expect(Math.abs(ty! - ey)).toBeLessThan(1e-6 * ARROW_VIEW.size);
      // The shaft starts at the origin and points at the tip.
      const line = g.querySelector('line')!;
      expect(num(line, 'x1')).toBe(ARROW_VIEW.size / 2);
      const dx = num(line, 'x2') - ARROW_VIEW.size / 2;
      const dy = num(line, 'y2') - ARROW_VIEW.size / 2;
      expect(Math.abs(dx * (ey - ARROW_VIEW.size / 2) - dy * (ex - ARROW_VIEW.size / 2))).toBeLessThan(1e-6);
      expect(line.getAttribute('stroke')).toBe(superpositionColor(cell.superposition[i]!));
      expect(g.querySelector('text')!.textContent).toBe(String(i));
    });
  });

  it('shows a sentence when m ≠ 2', async () => {
    const W = [1, 0, 0, 0, 1, 0, 0, 0, 1, 0.5, 0.5, 0.5];
    const el = await mount('superposition-feature-arrows', makeCell(W, [0, 0, 0, 0], 4, 3));
    expect(root(el).querySelector('svg')).toBeNull();
    expect(root(el).textContent).toContain('Feature arrows need m = 2 hidden dimensions; this model has m = 3.');
  });
});

describe('superposition-gram-matrix', () => {
  it('draws 25 Gram cells and 5 bias cells with the diverging colours', async () => {
    const cell = pentagon();
    const el = await mount('superposition-gram-matrix', cell);
    const cells = root(el).querySelectorAll('rect.gram-cell');
    const bias = root(el).querySelectorAll('rect.bias-cell');
    expect(cells).toHaveLength(25);
    expect(bias).toHaveLength(5);
    expect(root(el).querySelectorAll('rect')).toHaveLength(30);
    const G = gramMatrix(cell.W, 5, 2);
    const r13 = root(el).querySelector('rect.gram-cell[data-row="1"][data-col="3"]')!;
    expect(r13.getAttribute('fill')).toBe(divergingColor(G[1 * 5 + 3]!));
    expect(r13.querySelector('title')!.textContent).toContain('WᵀW[1,3]');
    const diag = root(el).querySelector('rect.gram-cell[data-row="2"][data-col="2"]')!;
    expect(diag.getAttribute('fill')).toBe(divergingColor(1.44)); // clamped to +1
    const b4 = root(el).querySelector('rect.bias-cell[data-row="4"]')!;
    expect(b4.getAttribute('fill')).toBe(divergingColor(cell.b[4]!));
    expect(num(b4, 'x')).toBeGreaterThan(num(root(el).querySelector('rect.gram-cell[data-row="4"][data-col="4"]')!, 'x'));
    const text = root(el).textContent!;
    expect(text).toContain('Wᵀ W');
    expect(text).toContain('b');
  });

  it('thins labels for n = 64', async () => {
    const n = 64;
    const W = Array.from({ length: 4 * n }, (_, k) => Math.sin(k));
    const el = await mount('superposition-gram-matrix', makeCell(W, new Array<number>(n).fill(0), n, 4));
    expect(root(el).querySelectorAll('rect.gram-cell')).toHaveLength(n * n);
    expect(root(el).querySelectorAll('text.muted')).toHaveLength(2 * 16);
  });
});

describe('superposition-feature-norms', () => {
  it('draws 5 bars with widths proportional to ‖W_i‖, coloured by superposition', async () => {
    const cell = pentagon();
    const el = await mount('superposition-feature-norms', cell);
    const bars = Array.from(root(el).querySelectorAll('rect.bar'));
    expect(bars).toHaveLength(5);
    const ratio = num(bars[0]!, 'width') / cell.featureNorm[0]!;
    bars.forEach((bar, i) => {
      expect(bar.getAttribute('data-feature')).toBe(String(i));
      expect(num(bar, 'width') / cell.featureNorm[i]!).toBeCloseTo(ratio, 9);
      expect(bar.getAttribute('fill')).toBe(superpositionColor(cell.superposition[i]!));
      if (i > 0) expect(num(bar, 'y')).toBeGreaterThan(num(bars[i - 1]!, 'y')); // feature 0 at the top
    });
    expect(root(el).querySelector('line.threshold')).not.toBeNull();
    expect(root(el).textContent).toContain('superposition 0');
  });
});

describe('superposition-cell-inspector', () => {
  it('shows the empty state without a cell', async () => {
    const el = await mount('superposition-cell-inspector');
    const empty = root(el).querySelector('[part="empty"]')!;
    expect(empty.textContent).toContain('Select a cell of the diagram to see the model it learned.');
  });

  it('shows the facts and the three views for a cell', async () => {
    const el = await mount('superposition-cell-inspector', pentagon());
    el.heading = 'p = 0.05';
    await el.updateComplete;
    const header = root(el).querySelector('[part="header"]')!;
    expect(header.textContent).toContain('p = 0.05');
    expect(header.textContent).toContain('0.9^i');
    expect(header.textContent).toContain('0.0123');
    for (const part of ['arrows', 'gram', 'norms']) expect(root(el).querySelector(`[part="${part}"]`)).not.toBeNull();
    const arrows = root(el).querySelector('superposition-feature-arrows')!;
    await arrows.updateComplete;
    expect(root(arrows).querySelectorAll('g.arrow')).toHaveLength(5);
  });

  it('handles n = 3, m = 1', async () => {
    const cell = makeCell([1, -1, 0.05], [0, 0, -0.1], 3, 1);
    const el = await mount('superposition-cell-inspector', cell);
    const [arrows, gram, norms] = [
      root(el).querySelector('superposition-feature-arrows')!,
      root(el).querySelector('superposition-gram-matrix')!,
      root(el).querySelector('superposition-feature-norms')!,
    ];
    await Promise.all([arrows.updateComplete, gram.updateComplete, norms.updateComplete]);
    expect(root(arrows).textContent).toContain('this model has m = 1');
    expect(root(gram).querySelectorAll('rect.gram-cell')).toHaveLength(9);
    expect(root(gram).querySelector('rect.gram-cell[data-row="0"][data-col="1"]')!.getAttribute('fill')).toBe(divergingColor(-1));
    expect(root(norms).querySelectorAll('rect.bar')).toHaveLength(3);
    // The antipodal pair is in full superposition (yellow), the tiny feature is not.
    expect(root(norms).querySelector('rect.bar[data-feature="0"]')!.getAttribute('fill')).toBe(superpositionColor(1));
  });
});
