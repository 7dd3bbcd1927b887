// The workgroup-registers driver is a template: workgroupRegistersSource writes its per-hidden-unit
// and per-block lines out (private arrays indexed by constants; on CPU adapters any other index is
// a gather) and keeps only the lines of the model's structure (tied or untied).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { modelDefinition } from '../../src/science/models/index.js';
import { fitsWorkgroupRegisters, workgroupRegistersBlocks, workgroupRegistersBytes, workgroupRegistersSize, workgroupRegistersSource } from '../../src/engine/workgroup-registers.js';

const template = readFileSync(new URL('../../shaders/workgroup-registers.wgsl', import.meta.url), 'utf8');
/** Lines of the template marked `// each <what>` with an optional kind suffix. */
const marked = (what: 'j' | 'b' | 'j b', only: '' | ' tied' | ' untied') => template.split('\n').filter((l) => new RegExp(`// each ${what}${only}\\s*$`).test(l)).length;

describe('workgroupRegistersSource', () => {
  it('writes each `// each j b` line once per (j, b), j outer, with J and B replaced by numbers', () => {
    // n = 400, m = 30: 5 blocks of four features per invocation.
    const code = workgroupRegistersSource(template, modelDefinition('relu'), 400, 30);
    const loads = code.split('\n').filter((l) => /^\s*e\[\d+u \* KB \+ \d+u\] = load4/.test(l));
    expect(loads.length).toBe(30 * 5);
    expect(loads[0]!.trim()).toBe('e[0u * KB + 0u] = load4(0u, indexE(0u, first + 4u * 0u), 1u, first + 4u * 0u);');
    expect(loads[7]!.trim()).toBe('e[1u * KB + 2u] = load4(0u, indexE(1u, first + 4u * 2u), 1u, first + 4u * 2u);');
    expect(code.replace(/\/\/.*$/gm, '')).not.toMatch(/\b[JB]\b/);
    expect(code).not.toMatch(/\/\/ each (j b|j|b)( tied| untied)?\s*$/m);
    expect(code).toMatch(/^const MC: u32 = 30u;$/m);
    expect(code).toMatch(/^const KB: u32 = 5u;$/m);
    expect(code).toMatch(/^const WGC: u32 = 20u;$/m);
  });

  it('keeps the tied lines for tied models and the untied lines for untied ones', () => {
    const [n, m] = [8, 4];
    const kb = workgroupRegistersBlocks(modelDefinition('relu'), n, m);
    const lines = (code: string) => code.split('\n').length;
    const count = (only: ' tied' | ' untied') => marked('j b', '') * m * kb + marked('j', '') * m + marked('b', '') * kb + marked('j b', only) * m * kb + marked('j', only) * m + marked('b', only) * kb;
    const allMarked = (['j', 'b', 'j b'] as const).reduce((a, w) => a + marked(w, '') + marked(w, ' tied') + marked(w, ' untied'), 0);
    const unmarked = template.split('\n').length - allMarked;
    expect(marked('j b', ' tied')).toBeGreaterThan(0);
    expect(marked('j b', ' untied')).toBeGreaterThan(0);
    expect(lines(workgroupRegistersSource(template, modelDefinition('relu'), n, m))).toBe(unmarked + count(' tied'));
    expect(lines(workgroupRegistersSource(template, modelDefinition('abs'), n, m))).toBe(unmarked + count(' untied'));
    expect(workgroupRegistersSource(template, modelDefinition('abs'), n, m)).toContain('d[3u * KB + 0u] = load4(0u, indexD(first + 4u * 0u, 3u), M, first + 4u * 0u);');
    expect(workgroupRegistersSource(template, modelDefinition('relu'), n, m)).not.toMatch(/d\[0u \* KB \+ 0u\] = load4/);
  });

  it('refuses m outside 1 … 80 (tied) or 1 … 40 (untied) and a template that lost a declaration', () => {
    for (const m of [0, 81, 2.5]) expect(() => workgroupRegistersSource(template, modelDefinition('relu'), 8, m), `m = ${m}`).toThrow(new RegExp(`nHidden = ${m} is out of range; the workgroup-registers layout holds 1 … 80 hidden units for the relu model`));
    expect(() => workgroupRegistersSource(template, modelDefinition('abs'), 8, 41)).toThrow('nHidden = 41 is out of range; the workgroup-registers layout holds 1 … 40 hidden units for the abs model');
    expect(() => workgroupRegistersSource(template.replace('const MC: u32 = 2u;', 'const MC: u32 = 3u;'), modelDefinition('relu'), 8, 2)).toThrow(/no longer declares 'const MC: u32 = 2u;'/);
  });

  it('blocks per invocation: enough for at most 12 invocations, at most 160 (hidden unit, block, tensor) lines', () => {
    const relu = modelDefinition('relu');
    const abs = modelDefinition('abs');
    const shape = (model: typeof relu, n: number, m: number) => [workgroupRegistersBlocks(model, n, m), workgroupRegistersSize(model, n, m)];
    expect(shape(relu, 70, 5)).toEqual([2, 9]);
    expect(shape(relu, 100, 20)).toEqual([3, 9]);
    expect(shape(relu, 400, 30)).toEqual([5, 20]);
    expect(shape(relu, 1024, 8)).toEqual([20, 13]);
    expect(shape(abs, 100, 40)).toEqual([2, 13]);
    expect(shape(abs, 400, 20)).toEqual([4, 25]);
    // Two sets of partial sums (an example's backward, the next one's forward) and five m-vectors.
    expect(workgroupRegistersBytes(relu, 400, 30)).toBe(4 * (2 * 20 * 30 + 5 * 30));
  });

  it('fits a device when m ≤ 80 (tied) or 40 (untied), n ≤ 1024 and the partial sums fit workgroup memory', () => {
    const limits = { maxComputeWorkgroupStorageSize: 16384, maxComputeInvocationsPerWorkgroup: 256 };
    const relu = modelDefinition('relu');
    const abs = modelDefinition('abs');
    expect(fitsWorkgroupRegisters(relu, 400, 30, limits)).toBe(true);
    expect(fitsWorkgroupRegisters(relu, 1024, 8, limits)).toBe(true);
    expect(fitsWorkgroupRegisters(relu, 100, 80, limits)).toBe(true); // 2 blocks, 13 invocations: 9 920 bytes
    expect(fitsWorkgroupRegisters(relu, 400, 80, { ...limits, maxComputeWorkgroupStorageSize: 32768 })).toBe(false); // 33 600 bytes
    expect(fitsWorkgroupRegisters(relu, 400, 80, limits)).toBe(false); // 33 600 bytes
    expect(fitsWorkgroupRegisters(relu, 1025, 8, limits)).toBe(false);
    expect(fitsWorkgroupRegisters(relu, 100, 81, limits)).toBe(false);
    expect(fitsWorkgroupRegisters(abs, 100, 40, limits)).toBe(true);
    expect(fitsWorkgroupRegisters(abs, 100, 41, limits)).toBe(false);
  });
});
