/**
 * What identifies a run's provenance, shared by results, checkpoints and shards: the engine's
 * version (package.json), a spec's hash, and an adapter's name.
 */
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import type { DeviceInfo } from '../engine/types.js';
import { parseSpec, type SweepSpec, type SweepSpecInput } from '../science/spec.js';

/** package.json's version: a checkpoint or shard from another version is refused. */
export const ENGINE_VERSION: string = (createRequire(import.meta.url)('../../package.json') as { version: string }).version;

/** "vendor architecture description" of an adapter (empty parts left out), e.g. "nvidia hopper NVIDIA H200". */
export function adapterName(d: Pick<DeviceInfo, 'vendor' | 'architecture' | 'description'>): string {
  return [d.vendor, d.architecture, d.description].filter(Boolean).join(' ') || 'unknown adapter';
}

/**
 * JSON with object keys sorted (recursively), no whitespace; `undefined` properties are left out
 * as JSON.stringify leaves them out. Numbers are written by JSON.stringify (shortest round trip),
 * so the text only depends on the values.
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (v === null || typeof v !== 'object' || Array.isArray(v)) return v;
    const o = v as Record<string, unknown>;
    return Object.fromEntries(Object.keys(o).sort().map((k) => [k, o[k]]));
  });
}

/**
 * The spec's identity for shards: `sha256:` and the hex SHA-256 of {@link canonicalJson} of the
 * *validated* spec (`parseSpec`: defaults filled in), so a spec with and without its defaults
 * written out, or with keys in another order, hashes the same, and any value that changes training
 * changes the hash. `name`, `description` and `$schema` are part of it too (they come from the
 * same file on every machine).
 * @throws SpecError for an invalid spec
 */
export function specHash(spec: SweepSpecInput | SweepSpec): string {
  return `sha256:${createHash('sha256').update(canonicalJson(parseSpec(spec))).digest('hex')}`;
}

