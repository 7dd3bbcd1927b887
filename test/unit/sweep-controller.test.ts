// The element's run lifecycle (SweepController) with the engine and the LiveSweep replaced by fakes
// whose runs end when the test says: which events fire, and the status left behind, when a run
// completes, is stopped, is stopped just as it completes, or fails.
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { CancelledError } from '../../src/engine/errors.js';
import type { SweepSpec } from '../../src/science/spec.js';

interface FakeRun {
  signal: AbortSignal;
  onProgress: (p: Record<string, number>) => void;
  resolve: (diverged: number) => void;
  reject: (e: unknown) => void;
}
const fake = vi.hoisted(() => ({ runs: [] as FakeRun[] }));

vi.mock('../../src/components/engine-pool.js', () => ({
  acquireSharedEngine: vi.fn(async () => ({ isLost: false })),
  releaseSharedEngine: vi.fn(),
}));
vi.mock('../../src/components/live-sweep.js', () => ({
  LiveSweep: class {
    complete = false;
    groups = [];
    instances = 4;
    setMetric(): void {}
    run(_engine: unknown, options: { signal: AbortSignal; onProgress: FakeRun['onProgress'] }): Promise<number> {
      // Like the real LiveSweep, every group has its results once the run resolves.
      return new Promise((resolve, reject) =>
        fake.runs.push({ signal: options.signal, onProgress: options.onProgress, resolve: (d) => ((this.complete = true), resolve(d)), reject }),
      );
    }
  },
}));

const { SweepController } = await import('../../src/components/sweep-controller.js');

function makeController() {
  const events: string[] = [];
  const host = {
    addController: () => {},
    requestUpdate: () => {},
    dispatchEvent: (e: Event) => (events.push(e.type), true),
  };
  const controller = new SweepController(host as never, () => {});
  controller.hostConnected();
  controller.configure({ name: 'fake' } as SweepSpec, { name: 'regime' });
  return { controller, events };
}

/** Lets the controller reach its `await sweep.run(...)`. */
async function runStarted(): Promise<FakeRun> {
  await vi.waitFor(() => expect(fake.runs.length).toBe(1));
  return fake.runs[0]!;
}

describe('SweepController run lifecycle', () => {
  beforeEach(() => {
    fake.runs.length = 0;
  });

  it('a run that completes fires sweep-complete and ends complete', async () => {
    const { controller, events } = makeController();
    const done = controller.start();
    expect(controller.running).toBe(true);
    (await runStarted()).resolve(0);
    await done;
    expect(events).toEqual(['sweep-complete']);
    expect(controller.status).toBe('complete');
    expect(controller.results()?.spec).toEqual({ name: 'fake' });
    expect(controller.running).toBe(false);
  });

  it('a run stopped just as its last chunk finished fires no sweep-complete and ends stopped', async () => {
    const { controller, events } = makeController();
    const done = controller.start();
    const run = await runStarted();
    const stopped = controller.stop();
    expect(run.signal.aborted).toBe(true);
    run.resolve(0); // the engine had already finished: it resolves instead of rejecting
    await Promise.all([done, stopped]);
    expect(events).toEqual([]);
    expect(controller.status).toBe('stopped');
    // Every result exists, but results() agrees with the missing sweep-complete.
    expect(controller.sweep?.complete).toBe(true);
    expect(controller.results()).toBeUndefined();
  });

  it('progress fires sweep-progress while the run trains, and not from the submit in flight when it is stopped', async () => {
    const { controller, events } = makeController();
    const done = controller.start();
    const run = await runStarted();
    const progress = { fraction: 0.5, modelStepsDone: 1, modelStepsTotal: 2, samplesPerSecond: 1, elapsedSeconds: 1, etaSeconds: 1 };
    run.onProgress(progress);
    expect(events).toEqual(['sweep-progress']);
    void controller.stop();
    run.onProgress({ ...progress, fraction: 0.6 });
    run.reject(new CancelledError());
    await done;
    expect(events).toEqual(['sweep-progress']);
    expect(controller.progress?.fraction).toBe(0.5);
  });

  it('a cancelled run ends stopped without sweep-error', async () => {
    const { controller, events } = makeController();
    const done = controller.start();
    const run = await runStarted();
    void controller.stop();
    run.reject(new CancelledError());
    await done;
    expect(events).toEqual([]);
    expect(controller.status).toBe('stopped');
  });

  it('a failing run fires sweep-error with the error name and ends in error', async () => {
    const { controller, events } = makeController();
    const done = controller.start();
    (await runStarted()).reject(new RangeError('bad'));
    await done;
    expect(events).toEqual(['sweep-error']);
    expect(controller.status).toBe('error');
    expect(controller.failure?.name).toBe('RangeError');
  });
});
