/**
 * Uniform structs laid out from the WGSL itself, never from hand-counted offsets.
 *
 * The kernels' settings structs hold only 4-byte scalars (u32, i32, f32), for which WGSL's layout
 * rules (WGSL spec, "Memory Layout": AlignOf = SizeOf = 4) put member k at byte 4k. Reading those
 * structs takes a few lines, so the page does not carry a WGSL parser for it: wgsl_reflect (212 KiB
 * of the 606 KiB standalone bundle) was used here before, and test/unit/uniforms.test.ts checks
 * this reader against it on every struct in shaders/. Anything else in a struct (vectors,
 * arrays, `@align`/`@size`) is refused, with the struct and member named, rather than laid out.
 */

/** The member types a settings struct may hold: 4 bytes each. */
export type UniformScalar = 'u32' | 'i32' | 'f32';

export interface UniformLayout {
  /** Bytes, rounded up to 16 as uniform buffers require. */
  size: number;
  /** Byte offset and type of each member, in declaration order. */
  fields: Map<string, { offset: number; type: UniformScalar }>;
}

const SCALAR_BYTES = 4;
const SCALARS: ReadonlySet<string> = new Set<UniformScalar>(['u32', 'i32', 'f32']);
const isScalar = (type: string | undefined): type is UniformScalar => type !== undefined && SCALARS.has(type);
const IDENT = '[A-Za-z_][A-Za-z0-9_]*';
const IDENTIFIER = new RegExp(`^${IDENT}$`);
const MEMBER = new RegExp(`^(${IDENT})\\s*:\\s*(.+)$`, 's');
const cache = new Map<string, UniformLayout>();

/** WGSL's line breaks (WGSL spec, "Line Endings"): any of them ends a line comment. */
const LINE_BREAK = /[\n\v\f\r\u0085\u2028\u2029]/;

/**
 * `code` with each comment (line comments, and block comments, which nest in WGSL) replaced by a
 * space, as the WGSL tokenizer treats them: `struct/**\/S` still declares S, `a/**\/b` is two tokens.
 */
function withoutComments(code: string): string {
  let out = '';
  let depth = 0;
  for (let i = 0; i < code.length; i++) {
    const two = code.slice(i, i + 2);
    if (two === '/*') {
      if (depth === 0) out += ' ';
      depth++;
      i++;
    } else if (depth > 0 && two === '*/') {
      depth--;
      i++;
    } else if (depth === 0 && two === '//') {
      while (i < code.length && !LINE_BREAK.test(code[i]!)) i++;
      out += '\n';
    } else if (depth === 0) out += code[i];
  }
  // WGSL blankspace that JavaScript's \s and trim() do not know.
  return out.replace(/[\u0085\u200e\u200f]/g, ' ');
}

/** Splits a struct body on its top-level commas, so that `array<f32, 4>` stays one member. */
function membersOf(body: string): string[] {
  const members: string[] = [''];
  let angle = 0;
  for (const c of body) {
    if (c === '<') angle++;
    if (c === '>') angle--;
    if (c === ',' && angle === 0) members.push('');
    else members[members.length - 1] += c;
  }
  return members.map((m) => m.trim()).filter((m) => m !== '');
}

/**
 * Reads struct `structName` from WGSL `code`: member k of n scalar members sits at byte 4k, and the
 * size is 4n rounded up to 16.
 * @throws Error when the struct is missing or empty, a member is not a plain `name: u32 | i32 | f32`,
 *   or a member name repeats
 */
export function uniformLayout(code: string, structName: string): UniformLayout {
  const cacheKey = `${structName}\u0000${code}`;
  const hit = cache.get(cacheKey);
  if (hit) return hit;
  if (!IDENTIFIER.test(structName)) throw new Error(`uniformLayout: "${structName}" is not a WGSL identifier`);
  const body = new RegExp(`\\bstruct\\s+${structName}\\s*\\{([^}]*)\\}`).exec(withoutComments(code))?.[1];
  if (body === undefined) throw new Error(`struct ${structName} not found in WGSL`);
  const fields: UniformLayout['fields'] = new Map();
  for (const text of membersOf(body)) {
    const member = MEMBER.exec(text);
    const type = member?.[2]!.trim();
    if (!member || !isScalar(type)) {
      throw new Error(`${structName}: only plain scalar members (name: u32 | i32 | f32) are supported, got "${text.replace(/\s+/g, ' ')}"`);
    }
    if (fields.has(member[1]!)) throw new Error(`${structName}: member ${member[1]} is declared twice`);
    fields.set(member[1]!, { offset: fields.size * SCALAR_BYTES, type });
  }
  if (fields.size === 0) throw new Error(`struct ${structName} has no members`);
  const layout = { size: Math.ceil((fields.size * SCALAR_BYTES) / 16) * 16, fields };
  cache.set(cacheKey, layout);
  return layout;
}

/**
 * Encodes `values` into a buffer laid out as `layout` (little-endian, as WebGPU buffers are).
 * @throws Error when a field of the layout is missing from `values`
 */
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

/**
 * A kernel's settings uniform: the layout of struct `structName`, read once from the kernel's WGSL
 * `code`, and one uniform buffer of that size (label `<label>.settings`) that {@link write} fills.
 * The kernel that creates it destroys it.
 * @throws Error from {@link uniformLayout} when the struct cannot be read
 */
export class SettingsUniform {
  readonly buffer: GPUBuffer;
  private readonly layout: UniformLayout;

  constructor(
    private readonly device: GPUDevice,
    code: string,
    structName: string,
    label: string,
  ) {
    this.layout = uniformLayout(code, structName);
    this.buffer = device.createBuffer({ label: `${label}.settings`, size: this.layout.size, usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST });
  }

  /**
   * Queues `values` (one per struct member) for the buffer: ordered before the next submit.
   * @throws Error naming a member missing from `values`
   */
  write(values: Record<string, number>): void {
    this.device.queue.writeBuffer(this.buffer, 0, encodeUniform(this.layout, values));
  }

  /** Idempotent (GPUBuffer.destroy is). */
  destroy(): void {
    this.buffer.destroy();
  }
}
