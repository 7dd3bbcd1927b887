// The bench's layout floors (bench/layout-floor.ts) are cut from the engine's workgroup-registers
// template by line: these tests pin what each floor removes and keeps, so that a template change
// makes the bench fail loudly rather than time a different kernel.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { LAYOUT_FLOORS, layoutFloorSource } from '../../bench/layout-floor.js';
import { workgroupRegistersSource } from '../../src/engine/workgroup-registers.js';
import { modelDefinition } from '../../src/science/models/index.js';

const template = readFileSync(new URL('../../shaders/workgroup-registers.wgsl', import.meta.url), 'utf8');
/** Written-out lines of an expanded kernel that match `pattern`. */
const count = (code: string, pattern: RegExp): number => code.split('\n').filter((l) => pattern.test(l)).length;
const OUTPUT = /^\s*pre\[\d+u\] \+= [ed]\[/;
const SUMS = /\bdot\([ed]\[/;
const GRADIENTS = /^\s*g[ed]\[\d+u \* KB \+ \d+u\] \+= /;

describe('layoutFloorSource', () => {
  for (const model of ['relu', 'abs'] as const) {
    it(`cuts the ${model} kernel's sums and gradients, and for 'no weight arithmetic' its output, leaving the rest`, () => {
      const definition = modelDefinition(model);
      const [n, m] = [100, 20];
      const full = workgroupRegistersSource(template, definition, n, m);
      const blocks = 3; // n = 100, m = 20: 25 blocks of four over 9 invocations
      expect(count(full, OUTPUT)).toBe(m * blocks);
      expect(count(full, SUMS)).toBeGreaterThan(0);
      expect(count(full, GRADIENTS)).toBe(m * blocks * (definition.tied ? 1 : 2));
      const output = workgroupRegistersSource(layoutFloorSource(template, 'workgroup-registers: output only'), definition, n, m);
      expect(count(output, OUTPUT)).toBe(m * blocks);
      expect(count(output, SUMS)).toBe(0);
      expect(count(output, GRADIENTS)).toBe(0);
      const none = workgroupRegistersSource(layoutFloorSource(template, 'workgroup-registers: no weight arithmetic'), definition, n, m);
      expect(count(none, OUTPUT) + count(none, SUMS) + count(none, GRADIENTS)).toBe(0);
      // Everything else stays: the draw, the barriers, the owners' reductions, the optimizer.
      for (const code of [output, none]) {
        for (const kept of [/dataFour\(stream, step, example \+ 1u/, /workgroupBarrier\(\);/, /storeHidden\(j\);/, /adamFour\(indexE/]) expect(count(code, kept)).toBe(count(full, kept));
      }
    });
  }

  it('names the line it cannot find when the template has changed', () => {
    const changed = template.replace('ge[J * KB + B] += dl[J] * x[B]; // each j b untied', 'ge[J * KB + B] += x[B] * dl[J]; // each j b untied');
    expect(changed).not.toBe(template);
    for (const floor of LAYOUT_FLOORS) expect(() => layoutFloorSource(changed, floor)).toThrow(`no longer has the line 'ge[J * KB + B] += dl[J] * x[B];' that the '${floor}' floor removes`);
  });
});
