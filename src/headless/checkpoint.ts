/**
 * The CLI's checkpoint of a running sweep, kept in a folder beside the output folder
 * (`OUT.checkpoint/`) so an interrupted run (Ctrl-C, SIGTERM, a lost device, a crashed browser)
 * can continue with `--resume` and end bit-identical to an uninterrupted run.
 *
 * Layout:
 *   manifest.json            what was trained where (format, spec and its hash, engine version,
 *                            backend, adapter) and per model group the finished chunks and the
 *                            running chunk's file; rewritten atomically after every change
 *   g<G>-c<C>.bin            the results of finished chunk C of group G (written once)
 *   g<G>-running.bin         the running chunk's θ, Adam moments and step (replaced atomically)
 * Binary files are a little-endian u32 header length, a UTF-8 JSON header, padding to 4 bytes,
 * then float32 arrays in header order. The folder is removed when the run's files are written.
 */
import { readFile, rm, stat } from 'node:fs/promises';
import { writeOutputsAtomically } from './writers.js';
import { join } from 'node:path';
import type { ChunkState, CheckpointOptions, ResumeState } from '../engine/types.js';
import type { ModelResults } from '../science/types.js';
import type { SweepSpec } from '../science/spec.js';
import { allocateFromPayload, chunkPayload, placePayload, type ChunkPayload } from './checkpoint-payload.js';

/** The checkpoint manifest's format string. */
export const CHECKPOINT_FORMAT = 'superposition-webgpu/checkpoint@1';

/** The checkpoint folder of an output folder: `OUT.checkpoint` beside it. */
export function checkpointDir(out: string): string {
  return out.replace(/[\\/]+$/, '') + '.checkpoint';
}

/** A checkpoint that cannot be used: missing, unreadable, or written by another spec, engine, backend or adapter. */
export class CheckpointError extends Error {
  override name = 'CheckpointError';
}

/** What must match for a checkpoint to be resumed. */
export interface CheckpointIdentity {
  /** The validated spec's hash (provenance.ts specHash; flags applied). */
  specHash: string;
  /** package.json version of the engine that trained. */
  engineVersion: string;
  backend: string;
  /** The adapter's description (vendor, architecture, device). */
  adapter: string;
}

interface ChunkEntry {
  chunkIndex: number;
  start: number;
  count: number;
  file: string;
}

/** manifest.json. */
export interface CheckpointManifest extends CheckpointIdentity {
  format: typeof CHECKPOINT_FORMAT;
  spec: SweepSpec;
  updatedAt: string;
  groups: { model: string; instances: number; finished: ChunkEntry[]; running?: ChunkEntry & { step: number } }[];
}

/** Named float32 arrays as one binary blob (see the module comment). */
function encodeArrays(header: object, arrays: [string, Float32Array][]): Uint8Array {
  const json = new TextEncoder().encode(JSON.stringify({ ...header, arrays: arrays.map(([name, a]) => [name, a.length]) }));
  const headerBytes = Math.ceil((4 + json.length) / 4) * 4;
  const total = headerBytes + arrays.reduce((s, [, a]) => s + a.byteLength, 0);
  const out = new Uint8Array(total);
  new DataView(out.buffer).setUint32(0, json.length, true);
  out.set(json, 4);
  let at = headerBytes;
  for (const [, a] of arrays) {
    out.set(new Uint8Array(a.buffer, a.byteOffset, a.byteLength), at);
    at += a.byteLength;
  }
  return out;
}

function decodeArrays(bytes: Uint8Array, file: string): { header: Record<string, unknown>; arrays: Map<string, Float32Array> } {
  try {
    const length = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(0, true);
    const header = JSON.parse(new TextDecoder().decode(bytes.subarray(4, 4 + length))) as Record<string, unknown> & { arrays: [string, number][] };
    let at = Math.ceil((4 + length) / 4) * 4;
    const arrays = new Map<string, Float32Array>();
    for (const [name, count] of header.arrays) {
      // Copy: the file's bytes need not be 4-byte aligned in memory.
      arrays.set(name, new Float32Array(bytes.slice(at, at + count * 4).buffer));
      at += count * 4;
    }
    if (at !== bytes.length) throw new Error(`${bytes.length - at} bytes left over`);
    return { header, arrays };
  } catch (e) {
    throw new CheckpointError(`checkpoint file ${file} is damaged: ${(e as Error).message}`);
  }
}

/**
 * Keeps a run's checkpoint up to date: `options(group)` gives the engine's CheckpointOptions for
 * model group `group`, writing chunk files and the manifest as chunks finish and as the running
 * chunk's state arrives. Writes are serialised (one at a time, in order).
 */
export class CheckpointWriter {
  private readonly manifest: CheckpointManifest;
  private queue: Promise<void> = Promise.resolve();
  /** Whether any state or chunk has been written (a run interrupted before that leaves nothing to resume). */
  written = false;

  /**
   * @param dir the checkpoint folder (created on first write)
   * @param groups per model group: its kind and instance count, in resolveSpecGroups order
   * @param resumed the manifest of the checkpoint this run resumes, whose finished chunks it keeps
   */
  constructor(
    readonly dir: string,
    identity: CheckpointIdentity,
    spec: SweepSpec,
    groups: { model: string; instances: number }[],
    resumed?: CheckpointManifest,
  ) {
    this.manifest = {
      format: CHECKPOINT_FORMAT,
      ...identity,
      spec,
      updatedAt: new Date().toISOString(),
      groups: groups.map((g, k) => ({ ...g, finished: resumed?.groups[k]?.finished ?? [] })),
    };
  }

  /** The engine's checkpoint options for model group `group`. */
  options(group: number, everySeconds?: number): CheckpointOptions {
    return {
      ...(everySeconds !== undefined ? { everySeconds } : {}),
      onChunkState: (state) => this.enqueue(() => this.saveState(group, state)),
      // The payload copies now: the trainer keeps writing into `results` while the write waits its turn.
      onChunkDone: (chunkIndex, start, count, results, at) => this.chunkDone(group, chunkPayload(chunkIndex, start, count, results, at, this.manifest.groups[group]!.instances)),
    };
  }

  /** Saves a finished chunk of model group `group` (the headless page sends its payload this way). */
  chunkDone(group: number, payload: ChunkPayload): Promise<void> {
    const { chunkIndex, start, count } = payload.header;
    return this.enqueue(() => this.saveChunk(group, { chunkIndex, start, count }, payload.header, payload.arrays));
  }

  /** Saves the running chunk's state of model group `group`. */
  chunkState(group: number, state: ChunkState): Promise<void> {
    return this.enqueue(() => this.saveState(group, state));
  }

  /** Resolves when every write so far has landed. @throws the first write error */
  flush(): Promise<void> {
    return this.queue;
  }

  /** Deletes the checkpoint folder (after the run's files are written). */
  async remove(): Promise<void> {
    await this.queue.catch(() => {});
    await rm(this.dir, { recursive: true, force: true });
  }

  private enqueue(work: () => Promise<void>): Promise<void> {
    this.queue = this.queue.then(work);
    return this.queue;
  }

  private async writeManifest(): Promise<void> {
    this.manifest.updatedAt = new Date().toISOString();
    await writeOutputsAtomically(this.dir, [{ name: 'manifest.json', data: JSON.stringify(this.manifest) }]);
    this.written = true;
  }

  private async saveState(group: number, s: ChunkState): Promise<void> {
    const file = `g${group}-running.bin`;
    await writeOutputsAtomically(this.dir, [{ name: file, data: encodeArrays({ chunkIndex: s.chunkIndex, start: s.start, count: s.count, step: s.step }, [['theta', s.theta], ['moment1', s.moment1], ['moment2', s.moment2]]) }]);
    this.manifest.groups[group]!.running = { chunkIndex: s.chunkIndex, start: s.start, count: s.count, step: s.step, file };
    await this.writeManifest();
  }

  private async saveChunk(group: number, c: { chunkIndex: number; start: number; count: number }, header: object, arrays: [string, Float32Array][]): Promise<void> {
    const file = `g${group}-c${c.chunkIndex}.bin`;
    await writeOutputsAtomically(this.dir, [{ name: file, data: encodeArrays(header, arrays) }]);
    const g = this.manifest.groups[group]!;
    g.finished = [...g.finished.filter((f) => f.chunkIndex !== c.chunkIndex), { ...c, file }];
    if (g.running?.chunkIndex === c.chunkIndex) delete g.running;
    await this.writeManifest();
  }
}

/** Whether a checkpoint folder with a manifest exists. */
export async function checkpointExists(dir: string): Promise<boolean> {
  try {
    return (await stat(join(dir, 'manifest.json'))).isFile();
  } catch {
    return false;
  }
}

/**
 * Reads a checkpoint and checks it belongs to this run.
 * @param options.finishedResults read the finished chunks' results into the ResumeStates (default
 *   true); false leaves them empty, for a streamed run that reads them a chunk at a time
 *   ({@link readFinishedChunks})
 * @returns its manifest and, per model group, the engine's ResumeState (undefined for a group not started)
 * @throws CheckpointError when it is missing or damaged, or its spec, engine version, backend or
 *   adapter differ from `identity` (the message names the difference)
 */
export async function loadCheckpoint(dir: string, identity: CheckpointIdentity, options: { finishedResults?: boolean } = {}): Promise<{ manifest: CheckpointManifest; resume: (ResumeState | undefined)[] }> {
  let manifest: CheckpointManifest;
  try {
    manifest = JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8')) as CheckpointManifest;
  } catch (e) {
    throw new CheckpointError(`no usable checkpoint in ${dir}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  if (manifest.format !== CHECKPOINT_FORMAT) throw new CheckpointError(`${dir}: format ${JSON.stringify(manifest.format)} is not ${CHECKPOINT_FORMAT}`);
  const differences: string[] = [];
  if (manifest.specHash !== identity.specHash) differences.push('the spec differs (another preset, config or flag such as --steps, --seeds, --grid)');
  if (manifest.engineVersion !== identity.engineVersion) differences.push(`engine version ${manifest.engineVersion} ≠ ${identity.engineVersion}`);
  if (manifest.backend !== identity.backend) differences.push(`backend ${manifest.backend} ≠ ${identity.backend}`);
  if (manifest.adapter !== identity.adapter) differences.push(`adapter "${manifest.adapter}" ≠ "${identity.adapter}"`);
  if (differences.length) throw new CheckpointError(`the checkpoint in ${dir} is from another run: ${differences.join('; ')}; rerun with the same settings, or pass --force to start over`);
  const resume: (ResumeState | undefined)[] = [];
  for (const g of manifest.groups) {
    if (g.finished.length === 0 && !g.running) {
      resume.push(undefined);
      continue;
    }
    let results: ModelResults | undefined;
    for (const c of options.finishedResults === false ? [] : g.finished) {
      const { header, arrays } = decodeArrays(new Uint8Array(await readFile(join(dir, c.file))), c.file);
      results ??= allocateFromPayload(header, arrays, Number(header.instances));
      try {
        placePayload(results, arrays, c.start, c.count);
      } catch (e) {
        throw new CheckpointError(`checkpoint file ${c.file}: ${(e as Error).message}`);
      }
    }
    let running: ChunkState | undefined;
    if (g.running) {
      const { header, arrays } = decodeArrays(new Uint8Array(await readFile(join(dir, g.running.file))), g.running.file);
      const get = (name: string) => arrays.get(name) ?? new Float32Array(0);
      running = { chunkIndex: Number(header.chunkIndex), start: Number(header.start), count: Number(header.count), step: Number(header.step), theta: get('theta'), moment1: get('moment1'), moment2: get('moment2') };
    }
    resume.push({ finished: g.finished.map(({ chunkIndex, start, count }) => ({ chunkIndex, start, count })), results: results ?? emptyResults(g.instances), ...(running ? { running } : {}) });
  }
  return { manifest, resume };
}

/**
 * The finished chunks of model group `group` of a checkpoint, in instance order, one file at a
 * time: each as results of its own `count` instances.
 * @throws CheckpointError when a chunk file is missing or damaged
 */
export async function* readFinishedChunks(dir: string, manifest: CheckpointManifest, group: number): AsyncGenerator<{ start: number; count: number; results: ModelResults }> {
  for (const c of [...(manifest.groups[group]?.finished ?? [])].sort((a, b) => a.start - b.start)) {
    let bytes: Uint8Array;
    try {
      bytes = new Uint8Array(await readFile(join(dir, c.file)));
    } catch (e) {
      throw new CheckpointError(`checkpoint file ${c.file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
    const { header, arrays } = decodeArrays(bytes, c.file);
    const results = allocateFromPayload(header, arrays, c.count);
    try {
      placePayload(results, arrays, 0, c.count);
    } catch (e) {
      throw new CheckpointError(`checkpoint file ${c.file}: ${(e as Error).message}`);
    }
    yield { start: c.start, count: c.count, results };
  }
}

function emptyResults(instances: number): ModelResults {
  const e = new Float32Array(0);
  return { count: instances, nFeatures: 0, nHidden: 0, W: e, b: e, loss: e, featureNorm: e, superposition: e, dimensionality: e, dimsPerFeature: e, benefit: e };
}
