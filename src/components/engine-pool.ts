/**
 * One WebGPU engine per page, shared by every diagram (one device, one queue). Claims are counted
 * per engine: the engine is created by the first claim, destroyed when its last claim is given
 * back, and retired (a new one is made for the next claim) once its device is lost.
 */
import { acquireDevice } from '../engine/device.js';
import type { Engine } from '../engine/engine.js';

interface Entry {
  promise: Promise<Engine>;
  engine?: Engine;
  users: number;
}

/** The entry new claims go to (undefined: the next claim creates one). */
let current: Entry | undefined;
const entries = new Map<Engine, Entry>();

/**
 * Claims the page's engine, creating it on first use or after its device was lost. The claim is
 * taken before any await, so a release in between cannot destroy the engine being handed out.
 * @throws WebGPUUnavailableError, NoAdapterError or DeviceLimitError from acquireDevice (no claim is kept)
 */
export async function acquireSharedEngine(): Promise<Engine> {
  for (;;) {
    const entry = (current ??= { promise: acquireDevice(), users: 0 });
    entry.users++;
    let engine: Engine;
    try {
      engine = await entry.promise;
    } catch (e) {
      entry.users--;
      if (current === entry) current = undefined;
      throw e;
    }
    entry.engine = engine;
    entries.set(engine, entry);
    if (!engine.isLost) return engine;
    // Lost while we waited: retire this engine and try a fresh one.
    releaseSharedEngine(engine);
  }
}

/** Gives back one claim on `engine`; its last claim destroys it. Unknown engines are ignored. */
export function releaseSharedEngine(engine: Engine): void {
  const entry = entries.get(engine);
  if (!entry) return;
  entry.users = Math.max(0, entry.users - 1);
  if (engine.isLost && current === entry) current = undefined;
  if (entry.users === 0) {
    if (current === entry) current = undefined;
    entries.delete(engine);
    engine.destroy();
  }
}

/** For tests: claims on the current engine and its buffer accounting (both absent when there is none). */
export async function sharedEngineStats(): Promise<{ users: number; buffers?: { count: number; bytes: number } }> {
  const entry = current;
  const engine = entry ? await entry.promise.catch(() => undefined) : undefined;
  const buffers = engine?.liveBuffers;
  return { users: entry?.users ?? 0, ...(buffers ? { buffers } : {}) };
}
