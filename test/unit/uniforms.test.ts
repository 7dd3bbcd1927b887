// The uniform-struct reader (src/engine/uniforms.ts) against wgsl_reflect, a full WGSL parser, on
// every struct in shaders/, plus the WGSL it must refuse rather than lay out wrongly.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { WgslReflect } from 'wgsl_reflect/wgsl_reflect.module.js';
import { encodeUniform, uniformLayout } from '../../src/engine/uniforms.js';

const SHADERS = join(import.meta.dirname, '../../shaders');
const SCALARS = new Set(['u32', 'i32', 'f32']);

describe('uniformLayout', () => {
  const files = readdirSync(SHADERS).filter((f) => f.endsWith('.wgsl'));

  for (const file of files) {
    it(`${file}: every all-scalar struct has wgsl_reflect's offsets and size; every other struct is refused`, () => {
      const code = readFileSync(join(SHADERS, file), 'utf8');
      for (const struct of new WgslReflect(code).structs) {
        if (struct.members.every((m) => SCALARS.has(m.type.name))) {
          const layout = uniformLayout(code, struct.name);
          expect([...layout.fields].map(([name, f]) => [name, f.offset, f.type])).toEqual(struct.members.map((m) => [m.name, m.offset, m.type.name]));
          expect(layout.size).toBe(Math.ceil(struct.size / 16) * 16);
        } else {
          expect(() => uniformLayout(code, struct.name)).toThrow(/only plain scalar members/);
        }
      }
    });
  }

  it('the kernels’ settings structs are among the all-scalar structs compared above', () => {
    const settings = { 'optimizer.wgsl': 'Settings', 'evaluate.wgsl': 'EvalSettings', 'geometry.wgsl': 'GeometrySettings', 'snapshot.wgsl': 'SnapshotSettings', 'autoencoder.wgsl': 'EvalSettings' };
    for (const [file, name] of Object.entries(settings)) {
      const struct = new WgslReflect(readFileSync(join(SHADERS, file), 'utf8')).structs.find((s) => s.name === name);
      expect(struct?.members.every((m) => SCALARS.has(m.type.name)), `${file}: ${name}`).toBe(true);
    }
  });

  it('ignores comments (nested block comments too), a trailing comma, and structs whose names only start alike', () => {
    const code = `
      /* struct Settings { decoy: f32, } /* nested */ still comment */
      // struct Settings { decoy: u32 }
      struct SettingsExtra { a: f32 }
      struct Settings {
        count: u32,   // trailing comment, with a comma
        /* block */ rate: f32,
        shift: i32,
        rest: u32,
        last: f32,
      }`;
    const layout = uniformLayout(code, 'Settings');
    expect([...layout.fields].map(([name, f]) => [name, f.offset, f.type])).toEqual([
      ['count', 0, 'u32'],
      ['rate', 4, 'f32'],
      ['shift', 8, 'i32'],
      ['rest', 12, 'u32'],
      ['last', 16, 'f32'],
    ]);
    // 20 bytes of members, rounded up to the 16-byte multiple that uniform buffers need.
    expect(layout.size).toBe(32);
    expect(uniformLayout(code, 'Settings')).toBe(layout);
  });

  it('ends line comments at every WGSL line break, and reads a block comment as a space', () => {
    for (const br of ['\r', '\r\n', '\v', '\f', '\u0085', '\u2028', '\u2029']) {
      const layout = uniformLayout(`struct S { a: u32, // note${br} b: f32,${br} c: u32 }`, 'S');
      expect([...layout.fields].map(([name, f]) => [name, f.offset]), JSON.stringify(br)).toEqual([['a', 0], ['b', 4], ['c', 8]]);
    }
    expect(uniformLayout('struct/**/S { a: u32 }', 'S').fields.get('a')).toEqual({ offset: 0, type: 'u32' });
    expect(() => uniformLayout('struct S { a/**/b: u32 }', 'S')).toThrow(/got "a b: u32"/);
  });

  it('refuses what it cannot lay out, naming the struct and member', () => {
    expect(() => uniformLayout('struct S { a: u32, b: vec3f }', 'S')).toThrow(/S: only plain scalar members .* got "b: vec3f"/);
    expect(() => uniformLayout('struct S { a: array<f32, 4>, b: u32 }', 'S')).toThrow(/got "a: array<f32, 4>"/);
    expect(() => uniformLayout('struct S { @align(16) a: u32 }', 'S')).toThrow(/got "@align\(16\) a: u32"/);
    expect(() => uniformLayout('struct S { }', 'S')).toThrow(/S has no members/);
    expect(() => uniformLayout('struct S { a: u32, a: f32, b: u32 }', 'S')).toThrow(/S: member a is declared twice/);
    expect(() => uniformLayout('struct T { a: u32 }', 'S')).toThrow(/struct S not found/);
    expect(() => uniformLayout('struct S { a: u32 }', 'S|T')).toThrow(/not a WGSL identifier/);
  });
});

describe('encodeUniform', () => {
  it('writes each field little-endian at its offset, and names a missing field', () => {
    const layout = uniformLayout('struct S { n: u32, x: f32, k: i32 }', 'S');
    const view = new DataView(encodeUniform(layout, { n: 0xfffffffe, x: 0.5, k: -3 }));
    expect(view.byteLength).toBe(16);
    expect([view.getUint32(0, true), view.getFloat32(4, true), view.getInt32(8, true)]).toEqual([0xfffffffe, 0.5, -3]);
    expect(() => encodeUniform(layout, { n: 1, x: 2 })).toThrow(/uniform field k is missing/);
  });
});
