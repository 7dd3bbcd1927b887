// The registers kernels' column-block count is set in blocks.wgsl's source (registersSource): it
// sizes private arrays, which WGSL sizes by constants only.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { evaluateEntryPoint } from '../../src/engine/evaluate-kernel.js';
import { registersSparsePays } from '../../src/engine/layout.js';
import { registersSource } from '../../src/engine/shaders.js';
import { trainEntryPoint } from '../../src/engine/train-kernel.js';

const blocks = readFileSync(new URL('../../shaders/blocks.wgsl', import.meta.url), 'utf8');

describe('registersSource', () => {
  it('sets NB = ⌈n / 4⌉ once and leaves the rest of the source alone', () => {
    for (const [n, nb] of [[2, 1], [4, 1], [5, 2], [13, 4], [20, 5], [32, 8]] as const) {
      const code = registersSource(blocks, n);
      expect(code.match(/^const NB: u32 = (\d+)u;$/gm), `n = ${n}`).toEqual([`const NB: u32 = ${nb}u;`]);
      expect(code.length - blocks.length).toBe(String(nb).length - 1);
    }
  });

  it('refuses n outside 1 … 32, where the written-out blocks would drop features', () => {
    for (const n of [0, 33, 2.5]) expect(() => registersSource(blocks, n), `n = ${n}`).toThrow(new RegExp(`nFeatures = ${n} is out of range; the registers kernels hold 1 … 32 features`));
  });

  it('throws when the declaration it rewrites is missing', () => {
    expect(() => registersSource(blocks.replace('const NB: u32 = 8u;', 'const NB: u32 = 4u;'), 5)).toThrow(/no longer declares 'const NB: u32 = 8u;'/);
  });
});

// The sparse twins change speed, never bits (test/gpu/train.test.ts checks the bits); this checks
// that sparse sets get them only where the measurements in registersSparsePays say they pay.
describe('the registers layout on sparse sets', () => {
  it('trains on trainRegistersSparse from 6 row-blocks (m · ⌈n/4⌉) up, else on trainRegisters', () => {
    const entry = (nFeatures: number, nHidden: number, sparse: boolean) => trainEntryPoint({ layout: 'registers', sparse, nFeatures, nHidden });
    expect(entry(2, 1, true)).toBe('trainRegisters'); // 36.5 M sparse against 64.4 M dense
    expect(entry(5, 2, true)).toBe('trainRegisters'); // 19.4 M against 20.2 M
    expect(entry(8, 3, true)).toBe('trainRegistersSparse'); // 20.5 M against 16.1 M
    expect(entry(20, 5, true)).toBe('trainRegistersSparse'); // 7.3 M against 4.2 M at S = 0.99
    expect(entry(20, 5, false)).toBe('trainRegisters');
    expect(registersSparsePays(4, 6)).toBe(true);
    expect(registersSparsePays(4, 5)).toBe(false);
    expect(trainEntryPoint({ layout: 'per-model', sparse: true, nFeatures: 20, nHidden: 5 })).toBe('trainPerModel');
    // Evaluation follows the same rule, and loops beyond n = 32, m = 8.
    expect(evaluateEntryPoint({ nFeatures: 20, nHidden: 5, sparse: true })).toBe('evaluateRegistersSparse');
    expect(evaluateEntryPoint({ nFeatures: 2, nHidden: 1, sparse: true })).toBe('evaluateRegisters');
    expect(evaluateEntryPoint({ nFeatures: 20, nHidden: 5 })).toBe('evaluateRegisters');
    expect(evaluateEntryPoint({ nFeatures: 40, nHidden: 10, sparse: true })).toBe('evaluate');
  });
});
