// The benchmark's load label (bench/load.ts): CPU time taken by processes outside the bench's own
// process tree. The parsers and the arithmetic on fixed text; on Linux, that CPU burnt by a child
// counts as the bench's own and CPU burnt by a process outside the tree counts as foreign.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { foreignLabel, foreignLoad, parsePidStat, parseProcStat, sampleCpu, treeJiffies, type CpuSample } from '../../bench/load.js';

describe('bench load: parsers', () => {
  it('reads the aggregate cpu line of /proc/stat, steal counted as busy, guest not counted twice', () => {
    const text = 'cpu  100 5 20 800 10 1 2 30 7 0\ncpu0 50 2 10 400 5 0 1 15 0 0\nintr 1\n';
    // busy = user + nice + system + irq + softirq + steal; total adds idle and iowait.
    expect(parseProcStat(text)).toEqual({ busy: 100 + 5 + 20 + 1 + 2 + 30, total: 158 + 800 + 10, steal: 30 });
  });

  it('refuses a /proc/stat without a cpu line', () => {
    expect(() => parseProcStat('intr 1\n')).toThrow(/cpu line/);
  });

  it('reads ppid and utime + stime + cutime + cstime after the last parenthesis of the command name', () => {
    // A command name with spaces and a ')' inside it, as Chromium's renderer threads have.
    const text = '4242 (Web Content) x) S 17 4242 4242 0 -1 4194560 100 0 0 0 11 22 33 44 20 0 1 0 5 6 7';
    expect(parsePidStat(text)).toEqual({ ppid: 17, jiffies: 11 + 22 + 33 + 44, state: 'S' });
    expect(parsePidStat('garbage')).toBeNull();
  });

  it('sums a process tree from its root and ignores processes outside it', () => {
    const processes = new Map([
      [1, { ppid: 0, jiffies: 1000 }],
      [10, { ppid: 1, jiffies: 5 }], // the root
      [11, { ppid: 10, jiffies: 7 }],
      [12, { ppid: 11, jiffies: 11 }], // grandchild
      [20, { ppid: 1, jiffies: 500 }], // a sibling of the root: not in the tree
    ]);
    expect(treeJiffies(processes, 10)).toBe(5 + 7 + 11);
    expect(treeJiffies(processes, 99)).toBe(0);
  });
});

describe('bench load: shares and labels', () => {
  const sample = (total: number, busy: number, own: number, steal = 0): CpuSample => ({ total, busy, own, steal });

  it('subtracts the own tree from the machine busy time', () => {
    // 2 cores × 100 jiffies: the bench used 150, others 20 (10 of them steal).
    const load = foreignLoad(sample(0, 0, 0), sample(200, 170, 150, 10), 2)!;
    expect(load.foreignShare).toBeCloseTo(0.1, 12);
    expect(load.foreignCores).toBeCloseTo(0.2, 12);
    expect(load.stealShare).toBeCloseTo(0.05, 12);
    expect(load.ownShare).toBeCloseTo(0.75, 12);
    expect(foreignLabel(load)).toBe('loaded');
  });

  it('labels quiet below 5 % and busy from 25 %', () => {
    expect(foreignLabel(foreignLoad(sample(0, 0, 0), sample(1000, 949, 900), 2)!)).toBe('quiet');
    expect(foreignLabel(foreignLoad(sample(0, 0, 0), sample(1000, 950, 900), 2)!)).toBe('loaded');
    expect(foreignLabel(foreignLoad(sample(0, 0, 0), sample(1000, 250, 0), 2)!)).toBe('busy');
  });

  it('clamps an own tree that outran the machine counter to zero foreign time, and gives null for an empty interval', () => {
    expect(foreignLoad(sample(0, 0, 0), sample(100, 50, 60), 2)!.foreignShare).toBe(0);
    expect(foreignLoad(sample(100, 50, 0), sample(100, 50, 0), 2)).toBeNull();
  });
});

/** Spawns `node -e` that burns `ms` of CPU time (not wall time, so a loaded machine only makes it slower). */
const burn = (ms: number): string => `const t=process.cpuUsage();while((process.cpuUsage(t).user+process.cpuUsage(t).system)/1000<${ms}){}`;

describe.runIf(existsSync('/proc/stat'))('bench load on Linux', () => {
  it('counts CPU burnt by a child as the tree\'s own, not as foreign', async () => {
    const before = sampleCpu()!;
    const child = spawn(process.execPath, ['-e', burn(600)], { stdio: 'ignore' });
    await new Promise<void>((resolve, reject) => child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`exit ${String(code)}`)))));
    const after = sampleCpu()!;
    // 600 ms is 60 jiffies at USER_HZ = 100; the reaped child's time is in this process' cutime.
    expect(after.own - before.own).toBeGreaterThanOrEqual(50);
  });

  it('counts CPU burnt by a process outside the tree as foreign', async () => {
    // setsid + a backgrounded grandchild: once the shell exits, the burner is re-parented outside this tree.
    const shell = spawn('setsid', ['sh', '-c', `"${process.execPath}" -e '${burn(600)}' & echo $!`], { stdio: ['ignore', 'pipe', 'ignore'] });
    const before = sampleCpu()!;
    let out = '';
    shell.stdout.on('data', (d: Buffer) => (out += d.toString()));
    await new Promise<void>((resolve) => shell.on('exit', () => resolve()));
    const pid = Number(out.trim());
    expect(Number.isInteger(pid) && pid > 0).toBe(true);
    // Wait for the burner to finish (polling: it is not our child, so there is no exit event; a
    // zombie that nobody reaps counts as finished).
    const running = (): boolean => {
      try {
        return parsePidStat(readFileSync(`/proc/${pid}/stat`, 'utf8'))?.state !== 'Z';
      } catch {
        return false;
      }
    };
    while (running()) await new Promise((resolve) => setTimeout(resolve, 50));
    const after = sampleCpu()!;
    const load = foreignLoad(before, after, 1)!;
    // At least 50 of the burner's 60 jiffies are foreign (other processes on the machine only add).
    expect(load.foreignShare * (after.total - before.total)).toBeGreaterThanOrEqual(50);
    // …and not the tree's own (this test process only polls meanwhile).
    expect(after.own - before.own).toBeLessThan(30);
  }, 20_000);
});
