/** Adapter facts of a GPU and of a CPU (SwiftShader) adapter, for planner-dependent tests without a device. */
import type { DeviceInfo } from '../../src/engine/types.js';

const limits = {
  maxStorageBufferBindingSize: 2 ** 30,
  maxBufferSize: 2 ** 30,
  maxComputeWorkgroupsPerDimension: 65535,
  maxComputeInvocationsPerWorkgroup: 256,
  maxComputeWorkgroupStorageSize: 16384,
};

/** An NVIDIA H100 as dawn.node reports it. */
export const gpu: DeviceInfo = { vendor: 'nvidia', architecture: 'hopper', device: '', description: 'NVIDIA H100', runtime: 'node', limits };
/** SwiftShader in Chromium. */
export const cpu: DeviceInfo = { vendor: 'google', architecture: 'swiftshader', device: '', description: 'SwiftShader driver', runtime: 'browser', limits };
