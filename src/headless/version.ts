/** The engine's version (package.json) and an adapter's name, as results, checkpoints and shards record them. */
import { createRequire } from 'node:module';
import type { DeviceInfo } from '../engine/types.js';

/** package.json's version: a checkpoint or shard from another version is refused. */
export const ENGINE_VERSION: string = (createRequire(import.meta.url)('../../package.json') as { version: string }).version;

/** "vendor architecture description" of an adapter (empty parts left out), e.g. "nvidia hopper NVIDIA H200". */
export function adapterName(d: DeviceInfo): string {
  return [d.vendor, d.architecture, d.description].filter(Boolean).join(' ') || 'unknown adapter';
}
