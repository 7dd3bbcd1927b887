// The WGSL PRNG must produce exactly the TypeScript PRNG's bits (src/science/prng.ts).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import prngSource from '../../shaders/prng.wgsl?raw';
import { acquireDevice } from '../../src/engine/device.js';
import type { Engine } from '../../src/engine/engine.js';
import { EVAL_STEP, pcg, pcg4d, unit, wordValue } from '../../src/science/prng.js';

let engine: Engine;
beforeAll(async () => {
  engine = await acquireDevice();
});
afterAll(() => engine?.destroy());

async function runShader(body: string, inputs: Uint32Array<ArrayBuffer>, outputsPerInput: number): Promise<Uint32Array> {
  const { device } = engine;
  const code = `${prngSource}
@group(0) @binding(0) var<storage, read> input: array<vec4u>;
@group(0) @binding(1) var<storage, read_write> output: array<u32>;
@compute @workgroup_size(64) fn main(@builtin(global_invocation_id) gid: vec3u) {
  let k = gid.x;
  if (k >= arrayLength(&input)) { return; }
  let a = input[k];
  ${body}
}`;
  device.pushErrorScope('validation');
  const pipeline = device.createComputePipeline({ layout: 'auto', compute: { module: device.createShaderModule({ code }), entryPoint: 'main' } });
  const inBuf = device.createBuffer({ size: inputs.byteLength, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST });
  device.queue.writeBuffer(inBuf, 0, inputs);
  const count = inputs.length / 4;
  const outBuf = device.createBuffer({ size: count * outputsPerInput * 4, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC });
  const read = device.createBuffer({ size: count * outputsPerInput * 4, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
  const encoder = device.createCommandEncoder();
  const pass = encoder.beginComputePass();
  pass.setPipeline(pipeline);
  pass.setBindGroup(0, device.createBindGroup({ layout: pipeline.getBindGroupLayout(0), entries: [{ binding: 0, resource: { buffer: inBuf } }, { binding: 1, resource: { buffer: outBuf } }] }));
  pass.dispatchWorkgroups(Math.ceil(count / 64));
  pass.end();
  encoder.copyBufferToBuffer(outBuf, 0, read, 0, count * outputsPerInput * 4);
  device.queue.submit([encoder.finish()]);
  expect(await device.popErrorScope()).toBeNull();
  await read.mapAsync(GPUMapMode.READ);
  const out = new Uint32Array(read.getMappedRange().slice(0));
  read.unmap();
  for (const b of [inBuf, outBuf, read]) b.destroy();
  return out;
}

function sampleInputs(count: number): Uint32Array<ArrayBuffer> {
  const inputs = new Uint32Array(count * 4);
  for (let k = 0; k < inputs.length; k++) inputs[k] = pcg(k * 2654435761) ^ (k % 7 === 0 ? 0xffffffff : 0);
  inputs.set([0, 0, 0, 0, 0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff, 1, EVAL_STEP, 3, 2], 0);
  return inputs;
}

describe('PRNG: TypeScript and WGSL agree bit for bit', () => {
  it('pcg and pcg4d', async () => {
    const inputs = sampleInputs(4096);
    const out = await runShader(
      `let r = pcg4d(a); output[k * 5u] = r.x; output[k * 5u + 1u] = r.y; output[k * 5u + 2u] = r.z; output[k * 5u + 3u] = r.w; output[k * 5u + 4u] = pcg(a.x);`,
      inputs,
      5,
    );
    let mismatches = 0;
    for (let k = 0; k < 4096; k++) {
      const r = pcg4d(inputs[4 * k]!, inputs[4 * k + 1]!, inputs[4 * k + 2]!, inputs[4 * k + 3]!);
      for (let c = 0; c < 4; c++) if (out[5 * k + c] !== r[c]) mismatches++;
      if (out[5 * k + 4] !== pcg(inputs[4 * k]!)) mismatches++;
    }
    expect(mismatches).toBe(0);
  });

  it('unit() gives the same float32 in both', async () => {
    const inputs = sampleInputs(1024);
    const out = await runShader(`output[k] = bitcast<u32>(unit(a.y));`, inputs, 1);
    const asFloat = new Float32Array(out.buffer);
    for (let k = 0; k < 1024; k++) expect(asFloat[k]).toBe(unit(inputs[4 * k + 1]!));
  });

  it('wordValue() and unit4() give the same float32 as the TypeScript wordValue and unit', async () => {
    const inputs = sampleInputs(1024);
    const out = await runShader(`output[k * 5u] = bitcast<u32>(wordValue(a.y)); let u = unit4(a);
  output[k * 5u + 1u] = bitcast<u32>(u.x); output[k * 5u + 2u] = bitcast<u32>(u.y); output[k * 5u + 3u] = bitcast<u32>(u.z); output[k * 5u + 4u] = bitcast<u32>(u.w);`, inputs, 5);
    const asFloat = new Float32Array(out.buffer);
    for (let k = 0; k < 1024; k++) {
      expect(asFloat[5 * k]).toBe(wordValue(inputs[4 * k + 1]!));
      for (let c = 0; c < 4; c++) expect(asFloat[5 * k + 1 + c]).toBe(unit(inputs[4 * k + c]!));
    }
  });
});
