// The registers kernels' column-block count is set in blocks.wgsl's source (registersSource): it
// sizes private arrays, which WGSL sizes by constants only.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { registersSource } from '../../src/engine/shaders.js';

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
