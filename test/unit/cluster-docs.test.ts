/**
 * docs/cluster.md's manifests agree with the code: the Kubernetes Indexed Job (parsed as YAML) and
 * the Slurm array script give every shard K = 0 … N − 1 exactly once through
 * shardFromEnvironment, with the environment each scheduler sets, and each shard its own folder.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { parseShard, ShardError, shardFromEnvironment } from '../../src/headless/shard.js';

const DOC = readFileSync(join(import.meta.dirname, '../../docs/cluster.md'), 'utf8');

/** Fenced code blocks of the page: info string and body. */
const blocks = [...DOC.matchAll(/^```([\w-]*)\n([\s\S]*?)^```$/gm)].map((m) => ({ info: m[1]!, body: m[2]! }));

/** The value after `flag` in an argument list, or undefined. */
function flagValue(args: readonly string[], flag: string): string | undefined {
  const k = args.indexOf(flag);
  return k >= 0 ? args[k + 1] : undefined;
}

/** Splits one shell command line into words (no quotes in the documented lines). */
const words = (line: string): string[] => line.trim().split(/\s+/);

/** A shell glob (only `*`) as a RegExp over whole paths. */
const globRegExp = (glob: string): RegExp => new RegExp(`^${glob.split('*').map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('[^/]*')}$`);

describe('docs/cluster.md: Kubernetes Indexed Job', () => {
  const yamlBlocks = blocks.filter((b) => b.info === 'yaml');

  it('has exactly one yaml block, a valid Indexed Job with one NVIDIA GPU per pod', () => {
    expect(yamlBlocks).toHaveLength(1);
    const job = parse(yamlBlocks[0]!.body) as Record<string, any>;
    expect(job).toMatchObject({ apiVersion: 'batch/v1', kind: 'Job', spec: { completionMode: 'Indexed' } });
    expect(Number.isInteger(job.spec.completions)).toBe(true);
    expect(job.spec.parallelism).toBeGreaterThanOrEqual(1);
    expect(job.spec.parallelism).toBeLessThanOrEqual(job.spec.completions);
    expect(job.spec.template.spec.restartPolicy).toBe('Never');
    const [container, ...others] = job.spec.template.spec.containers as Record<string, any>[];
    expect(others).toEqual([]);
    expect(container!.resources.limits['nvidia.com/gpu']).toBe(1);
    expect(container!.env).toContainEqual({ name: 'NVIDIA_DRIVER_CAPABILITIES', value: 'compute,graphics,utility' });
  });

  it('runs `npx superposition sweep` with --shard-count = completions, the node backend and an out folder per index', () => {
    const job = parse(yamlBlocks[0]!.body) as Record<string, any>;
    const container = job.spec.template.spec.containers[0] as { command: string[]; volumeMounts: { mountPath: string }[] };
    const args = container.command;
    expect(args.every((a) => typeof a === 'string')).toBe(true);
    expect(args.slice(0, 3)).toEqual(['npx', 'superposition', 'sweep']);
    expect(flagValue(args, '--config')).toBe('/spec.json');
    expect(flagValue(args, '--backend')).toBe('node');
    expect(flagValue(args, '--shard')).toBeUndefined(); // K comes from JOB_COMPLETION_INDEX
    const count = Number(flagValue(args, '--shard-count'));
    expect(count).toBe(job.spec.completions);
    const out = flagValue(args, '--out')!;
    expect(out).toContain('$(JOB_COMPLETION_INDEX)');
    const mounts = container.volumeMounts.map((m) => m.mountPath);
    expect(mounts).toContain('/spec.json');
    expect(mounts.some((m) => out.startsWith(`${m}/`))).toBe(true);

    // The control plane gives pod k JOB_COMPLETION_INDEX = k, for k = 0 … completions − 1, and
    // substitutes $(JOB_COMPLETION_INDEX) in the command.
    const dirs = new Set<string>();
    for (let k = 0; k < job.spec.completions; k++) {
      expect(shardFromEnvironment({ JOB_COMPLETION_INDEX: String(k) }, count)).toEqual({ index: k, count, source: 'kubernetes' });
      dirs.add(out.replaceAll('$(JOB_COMPLETION_INDEX)', String(k)));
    }
    expect(dirs.size).toBe(job.spec.completions);
    expect(() => shardFromEnvironment({ JOB_COMPLETION_INDEX: String(count) }, count)).toThrow(ShardError);
  });
});

/** The task IDs of `sbatch --array=SPEC` (ranges a-b, steps a-b:s, lists; a %limit ignored). */
function slurmArrayIds(spec: string): { ids: number[]; step: number } {
  const parts = spec.replace(/%\d+$/, '').split(',');
  const ids = new Set<number>();
  let step = 1;
  for (const part of parts) {
    const m = /^(\d+)(?:-(\d+)(?::(\d+))?)?$/.exec(part);
    if (!m) throw new Error(`cannot read --array=${spec}`);
    const a = Number(m[1]);
    const b = m[2] === undefined ? a : Number(m[2]);
    const s = m[3] === undefined ? 1 : Number(m[3]);
    if (parts.length === 1) step = s;
    for (let id = a; id <= b; id += s) ids.add(id);
  }
  return { ids: [...ids].sort((x, y) => x - y), step };
}

/** The job array variables Slurm sets in task `id` of the array `ids`. */
function slurmEnv(id: number, ids: number[], step: number): NodeJS.ProcessEnv {
  return {
    SLURM_ARRAY_JOB_ID: '4242',
    SLURM_ARRAY_TASK_ID: String(id),
    SLURM_ARRAY_TASK_MIN: String(ids[0]),
    SLURM_ARRAY_TASK_MAX: String(ids[ids.length - 1]),
    SLURM_ARRAY_TASK_STEP: String(step),
    SLURM_ARRAY_TASK_COUNT: String(ids.length),
  };
}

describe('docs/cluster.md: Slurm job array', () => {
  const scripts = blocks.filter((b) => b.info === 'bash' && b.body.includes('#SBATCH'));

  it('has one array script with one GPU per task', () => {
    expect(scripts).toHaveLength(1);
    const script = scripts[0]!.body;
    expect(script.startsWith('#!/bin/bash\n')).toBe(true);
    expect(script).toMatch(/^#SBATCH --gres=gpu:1$/m);
    expect(script).toMatch(/^#SBATCH --array=\S+$/m);
  });

  it('gives tasks K = 0 … N − 1 once each (N = SLURM_ARRAY_TASK_COUNT = --shard-count) and one out folder per task', () => {
    const script = scripts[0]!.body;
    const { ids, step } = slurmArrayIds(/^#SBATCH --array=(\S+)$/m.exec(script)![1]!);
    const line = script.split('\n').find((l) => l.startsWith('npx superposition sweep'))!;
    const args = words(line);
    expect(flagValue(args, '--backend')).toBe('node');
    expect(flagValue(args, '--shard')).toBeUndefined();
    // --shard-count turns sharding on (a job array of different specs must not be split) and
    // must equal SLURM_ARRAY_TASK_COUNT.
    const shardCount = Number(flagValue(args, '--shard-count'));
    expect(shardCount).toBe(ids.length);
    const out = flagValue(args, '--out')!;
    expect(out).toContain('$SLURM_ARRAY_TASK_ID');
    const ks: number[] = [];
    const dirs = new Set<string>();
    for (const id of ids) {
      const shard = shardFromEnvironment(slurmEnv(id, ids, step), shardCount);
      expect(shard).toMatchObject({ count: ids.length, source: 'slurm' });
      ks.push(shard!.index);
      dirs.add(out.replaceAll('$SLURM_ARRAY_TASK_ID', String(id)));
    }
    expect(ks).toEqual(ids.map((_, k) => k));
    expect(dirs.size).toBe(ids.length);

    // `npx superposition merge results/shard-*` picks up exactly these folders.
    const merge = blocks.flatMap((b) => b.body.split('\n')).find((l) => l.trim().startsWith('npx superposition merge') && l.includes('--out'))!;
    const glob = words(merge)[3]!;
    expect(glob).toBe('results/shard-*');
    for (const dir of dirs) expect(dir).toMatch(globRegExp(glob));
    expect(flagValue(words(merge), '--out')).not.toMatch(globRegExp(glob));
  });

  it('slurmArrayIds reads the forms the page names (stepped arrays map onto 0 … N − 1 too)', () => {
    expect(slurmArrayIds('0-7')).toEqual({ ids: [0, 1, 2, 3, 4, 5, 6, 7], step: 1 });
    const stepped = slurmArrayIds('0-15:2');
    expect(stepped.ids).toEqual([0, 2, 4, 6, 8, 10, 12, 14]);
    expect(stepped.ids.map((id) => shardFromEnvironment(slurmEnv(id, stepped.ids, stepped.step))!.index)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    const list = slurmArrayIds('1,3,9');
    expect(() => shardFromEnvironment(slurmEnv(3, list.ids, list.step))).toThrow(/not one evenly stepped range/);
  });
});

describe('docs/cluster.md: the rest', () => {
  it('the container recipe: Node 20, the Vulkan loader, the graphics capability, npm ci', () => {
    const docker = blocks.filter((b) => b.info === 'dockerfile');
    expect(docker).toHaveLength(1);
    const text = docker[0]!.body;
    expect(text).toMatch(/^FROM node:20\b/m);
    expect(text).toContain('libvulkan1');
    expect(text).toContain('NVIDIA_DRIVER_CAPABILITIES=compute,graphics,utility');
    expect(text).toMatch(/^RUN npm ci\b/m);
  });

  it('the single-server loop runs every --shard K/N once', () => {
    const loop = blocks.find((b) => b.info === 'bash' && b.body.startsWith('for k in'))!.body;
    const ks = /^for k in ([\d ]+); do$/m.exec(loop)![1]!.trim().split(' ');
    const line = loop.split('\n').find((l) => l.includes('--shard '))!;
    const shard = flagValue(words(line), '--shard')!;
    const parsed = ks.map((k) => parseShard(shard.replace('$k', k)));
    expect(parsed.map((s) => s.index)).toEqual(parsed.map((_, k) => k));
    expect(new Set(parsed.map((s) => s.count))).toEqual(new Set([ks.length]));
    expect(flagValue(words(line), '--out')).toBe('results/shard-$k');
  });
});
