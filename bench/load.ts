/**
 * The machine's load around a benchmark measurement, as CPU time that processes outside the
 * benchmark's own process tree used (Linux /proc).
 *
 * Why not os.loadavg(): the load average counts the bench's own work. A measurement that keeps both
 * cores of a 2-core machine busy raises the 1-minute load to about 2 by itself, so back-to-back
 * measurements never read "quiet" even with nothing else running. What a reader of a throughput
 * figure needs to know is whether something *else* took CPU from the measurement: other processes,
 * and the hypervisor (steal time). This module measures exactly that:
 *
 *   foreign jiffies = Δ(busy jiffies of every CPU, /proc/stat, steal included)
 *                   − Δ(CPU jiffies of the bench's process tree, /proc/<pid>/stat)
 *
 * The tree is the root process (the bench itself) and all its live descendants, each counted with
 * utime + stime + cutime + cstime, so a child that exits during the measurement still counts once its
 * parent has reaped it (Chromium, the PyTorch child, the Node stage's child). Jiffies are USER_HZ
 * ticks in both files. Where /proc is missing (macOS, Windows) `sampleCpu` returns null and callers
 * fall back to the load average.
 *
 * Limits: a descendant that is orphaned (re-parented outside the tree) during a measurement takes
 * its earlier time out of the tree, so the drop shows as foreign time (errs towards "not quiet");
 * a child reaped between the reads of its parent and of itself is counted twice or not at all (rare,
 * either way, by at most that child's CPU time).
 */
import { readdirSync, readFileSync } from 'node:fs';

/** One reading of the machine's and the process tree's CPU counters. */
export interface CpuSample {
  /** Jiffies of every CPU since boot: all /proc/stat "cpu" fields except guest and guest_nice (already in user and nice). */
  total: number;
  /** Of `total`, not idle and not waiting for I/O (user, nice, system, irq, softirq, steal). */
  busy: number;
  /** Of `busy`, stolen by the hypervisor for other guests. */
  steal: number;
  /** utime + stime + cutime + cstime summed over the root process and its live descendants. */
  own: number;
}

/** CPU time used between two samples, as shares of the machine's capacity over that interval (0–1). */
export interface ForeignLoad {
  /** Share of all cores' time that processes outside the tree, the kernel and steal used. */
  foreignShare: number;
  /** The same in cores: foreignShare × cores (0.5 = half of one core on average). */
  foreignCores: number;
  /** Share of all cores' time stolen by the hypervisor (part of foreignShare). */
  stealShare: number;
  /** Share of all cores' time the bench's own tree used. */
  ownShare: number;
}

/** quiet: others used < 5 % of the machine during the measurement; busy: ≥ 25 %; loaded otherwise. */
export type LoadLabel = 'quiet' | 'loaded' | 'busy';
export const QUIET_FOREIGN_SHARE = 0.05;
export const BUSY_FOREIGN_SHARE = 0.25;

/**
 * Parses the aggregate "cpu" line of /proc/stat.
 * @throws Error when the text has no "cpu " line or it has fewer than 8 numeric fields.
 */
export function parseProcStat(text: string): Pick<CpuSample, 'total' | 'busy' | 'steal'> {
  const line = text.split('\n').find((l) => l.startsWith('cpu '));
  const f = line?.trim().split(/\s+/).slice(1).map(Number) ?? [];
  if (f.length < 8 || f.some((v) => !Number.isFinite(v))) throw new Error(`unreadable /proc/stat cpu line: ${JSON.stringify(line ?? null)}`);
  const [user, nice, system, idle, iowait, irq, softirq, steal] = f as [number, number, number, number, number, number, number, number];
  const busy = user + nice + system + irq + softirq + steal;
  return { total: busy + idle + iowait, busy, steal };
}

/**
 * Parses /proc/<pid>/stat: the parent pid, the process' CPU jiffies (utime + stime + cutime +
 * cstime) and its state letter (R, S, Z …). The command name (field 2) may hold spaces and
 * parentheses, so fields are counted from the last ')'. Returns null for text it cannot read (a
 * process that vanished mid-read).
 */
export function parsePidStat(text: string): { ppid: number; jiffies: number; state: string } | null {
  const close = text.lastIndexOf(')');
  if (close < 0) return null;
  // After ')': state ppid pgrp session tty_nr tpgid flags minflt cminflt majflt cmajflt utime stime cutime cstime …
  const f = text.slice(close + 1).trim().split(/\s+/);
  if (f.length < 15) return null;
  const n = f.slice(11, 15).map(Number);
  const ppid = Number(f[1]);
  if (!Number.isInteger(ppid) || n.some((v) => !Number.isFinite(v))) return null;
  return { ppid, jiffies: n[0]! + n[1]! + n[2]! + n[3]!, state: f[0]! };
}

/** Sum of `jiffies` over `root` and every process whose parent chain reaches it. */
export function treeJiffies(processes: ReadonlyMap<number, { ppid: number; jiffies: number }>, root: number): number {
  const children = new Map<number, number[]>();
  for (const [pid, p] of processes) {
    const list = children.get(p.ppid);
    if (list) list.push(pid);
    else children.set(p.ppid, [pid]);
  }
  let sum = 0;
  const stack = [root];
  const seen = new Set<number>();
  while (stack.length) {
    const pid = stack.pop()!;
    if (seen.has(pid)) continue;
    seen.add(pid);
    sum += processes.get(pid)?.jiffies ?? 0;
    stack.push(...(children.get(pid) ?? []));
  }
  return sum;
}

/**
 * Reads the machine's CPU counters and the CPU time of `root`'s process tree (default: this process).
 * Returns null where /proc is not available.
 */
export function sampleCpu(root: number = process.pid): CpuSample | null {
  let machine: ReturnType<typeof parseProcStat>;
  let pids: string[];
  try {
    machine = parseProcStat(readFileSync('/proc/stat', 'utf8'));
    pids = readdirSync('/proc').filter((d) => /^\d+$/.test(d));
  } catch {
    return null;
  }
  const processes = new Map<number, { ppid: number; jiffies: number }>();
  for (const d of pids) {
    try {
      const p = parsePidStat(readFileSync(`/proc/${d}/stat`, 'utf8'));
      if (p) processes.set(Number(d), p);
    } catch {
      // The process ended between readdir and read.
    }
  }
  return { ...machine, own: treeJiffies(processes, root) };
}

/**
 * CPU time used between `before` and `after` as shares of the machine (see the module comment).
 * Null when no CPU time passed (two samples in the same jiffy). Negative foreign time, which can
 * appear when a descendant's time is counted in a tick the machine's counter has not yet reached, is
 * clamped to 0.
 */
export function foreignLoad(before: CpuSample, after: CpuSample, cores: number): ForeignLoad | null {
  const total = after.total - before.total;
  if (total <= 0) return null;
  const own = Math.max(0, after.own - before.own);
  const foreign = Math.max(0, after.busy - before.busy - own);
  const foreignShare = Math.min(1, foreign / total);
  return { foreignShare, foreignCores: foreignShare * cores, stealShare: Math.max(0, after.steal - before.steal) / total, ownShare: Math.min(1, own / total) };
}

/** The label of a measurement from the share of the machine others used during it. */
export function foreignLabel(load: ForeignLoad): LoadLabel {
  return load.foreignShare < QUIET_FOREIGN_SHARE ? 'quiet' : load.foreignShare < BUSY_FOREIGN_SHARE ? 'loaded' : 'busy';
}
