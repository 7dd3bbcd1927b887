/**
 * Node WebGPU stage of the benchmark, run in its own process by bench/run.ts so that a crash in
 * dawn.node (it can SIGSEGV) cannot take the whole benchmark down.
 * Usage: node --import tsx bench/node-worker.ts '<GpuBenchRequest JSON>'
 * Prints one line `BENCH_RESULT <GpuBenchResponse JSON>` on stdout.
 */
import { acquireNodeDevice } from '../src/engine/node.js';
import { measureGpu, type GpuBenchRequest } from './workloads.js';

const request = JSON.parse(process.argv[2] ?? '') as GpuBenchRequest;
const response = await measureGpu(() => acquireNodeDevice(), request);
process.stdout.write(`BENCH_RESULT ${JSON.stringify(response)}\n`);
process.exit(0);
