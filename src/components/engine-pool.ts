/**
 * One WebGPU engine per page, shared by every diagram (one device, one queue). Created by the first
 * {@link acquireSharedEngine}, destroyed when the last user releases it, and replaced after a
 * device loss.
 */
import { acquireDevice } from '../engine/device.js';
import type { Engine } from '../engine/engine.js';

let pending: Promise<Engine> | undefined;
let users = 0;

/**
 * Claims the page's engine, creating it on first use or after its device was lost.
 * @throws WebGPUUnavailableError, NoAdapterError or DeviceLimitError from acquireDevice (the claim is not kept)
 */
export async function acquireSharedEngine(): Promise<Engine> {
  if (pending) {
    const current = await pending.catch(() => undefined);
    if (!current || current.isLost) {
      if (current) current.destroy();
      pending = undefined;
    }
  }
  pending ??= acquireDevice();
  const p = pending;
  try {
    const engine = await p;
    users++;
    return engine;
  } catch (e) {
    if (pending === p) pending = undefined;
    throw e;
  }
}

/** Gives back one claim; the last one destroys the engine (and its device). */
export function releaseSharedEngine(engine: Engine): void {
  users = Math.max(0, users - 1);
  if (users === 0 && pending) {
    const p = pending;
    pending = undefined;
    void p.then((e) => e.destroy(), () => {});
  }
  if (engine.isLost) engine.destroy();
}

/** For tests: the live engine's buffer accounting (undefined when none exists) and the claim count. */
export async function sharedEngineStats(): Promise<{ users: number; buffers?: { count: number; bytes: number } }> {
  const engine = pending ? await pending.catch(() => undefined) : undefined;
  const buffers = engine?.liveBuffers;
  return { users, ...(buffers ? { buffers } : {}) };
}
