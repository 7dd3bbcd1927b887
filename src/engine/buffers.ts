/** GPU buffer helpers shared by the trainers. */
import type { Engine } from './engine.js';

/** A GPU buffer of at least `size` bytes (rounded up to 4, at least 16), filled with `data` when given. */
export function createBuffer(device: GPUDevice, label: string, size: number, usage: number, data?: ArrayBufferView): GPUBuffer {
  const buffer = device.createBuffer({ label, size: Math.max(16, Math.ceil(size / 4) * 4), usage });
  if (data) device.queue.writeBuffer(buffer, 0, data.buffer, data.byteOffset, data.byteLength);
  return buffer;
}

/**
 * Copies `bytes` of each (source, readback) pair at the end of `encoder`, submits it, and returns
 * copies of the mapped float32 data, in pair order.
 * @throws DeviceLostError, GPUValidationError as {@link Engine.guard}
 */
export async function readBack(engine: Engine, encoder: GPUCommandEncoder, pairs: [GPUBuffer, GPUBuffer, number][]): Promise<Float32Array[]> {
  for (const [from, to, bytes] of pairs) encoder.copyBufferToBuffer(from, 0, to, 0, bytes);
  engine.device.queue.submit([encoder.finish()]);
  await engine.guard(Promise.all(pairs.map(([, to]) => to.mapAsync(GPUMapMode.READ))));
  return pairs.map(([, to, bytes]) => {
    const out = new Float32Array(to.getMappedRange(0, bytes).slice(0));
    to.unmap();
    return out;
  });
}

/**
 * {@link readBack} through short-lived readback buffers of its own (for occasional reads such as
 * checkpoints, where keeping readbacks allocated would cost memory for nothing).
 */
export async function readBuffers(engine: Engine, label: string, sources: [GPUBuffer, number][]): Promise<Float32Array[]> {
  const readbacks = sources.map(([, bytes], k) => createBuffer(engine.device, `${label}.readback.${k}`, bytes, GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST));
  try {
    return await readBack(engine, engine.device.createCommandEncoder({ label }), sources.map(([from, bytes], k) => [from, readbacks[k]!, bytes]));
  } finally {
    for (const b of readbacks) b.destroy();
  }
}
