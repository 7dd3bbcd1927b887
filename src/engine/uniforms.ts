/**
 * Uniform structs laid out from the WGSL itself (wgsl_reflect), never from hand-counted offsets.
 */
import { WgslReflect } from 'wgsl_reflect/wgsl_reflect.module.js';

export interface UniformLayout {
  /** Bytes, rounded up to 16 as uniform buffers require. */
  size: number;
  fields: Map<string, { offset: number; type: 'u32' | 'i32' | 'f32' }>;
}

const cache = new Map<string, UniformLayout>();

/** Reads struct `structName` from WGSL `code`. Throws if it is missing or has non-scalar members. */
export function uniformLayout(code: string, structName: string): UniformLayout {
  const cacheKey = `${structName}\u0000${code}`;
  const hit = cache.get(cacheKey);
  if (hit) return hit;
  const struct = new WgslReflect(code).structs.find((s) => s.name === structName);
  if (!struct) throw new Error(`struct ${structName} not found in WGSL`);
  const fields = new Map<string, { offset: number; type: 'u32' | 'i32' | 'f32' }>();
  for (const member of struct.members) {
    const type = member.type.name;
    if (type !== 'u32' && type !== 'i32' && type !== 'f32') throw new Error(`${structName}.${member.name}: only scalar members are supported, got ${type}`);
    fields.set(member.name, { offset: member.offset, type });
  }
  const layout = { size: Math.ceil(struct.size / 16) * 16, fields };
  cache.set(cacheKey, layout);
  return layout;
}

/** Encodes `values` into a buffer laid out as `layout`. Every field must be given. */
export function encodeUniform(layout: UniformLayout, values: Record<string, number>): ArrayBuffer {
  const buffer = new ArrayBuffer(layout.size);
  const view = new DataView(buffer);
  for (const [name, { offset, type }] of layout.fields) {
    const value = values[name];
    if (value === undefined) throw new Error(`uniform field ${name} is missing`);
    if (type === 'f32') view.setFloat32(offset, value, true);
    else if (type === 'u32') view.setUint32(offset, value >>> 0, true);
    else view.setInt32(offset, value | 0, true);
  }
  return buffer;
}
