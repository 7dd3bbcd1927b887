/** The CLI's progress bar on stderr (cli-progress): steps and instances done, samples/s, ETA. */
import cliProgress from 'cli-progress';
import type { ModelSet } from '../science/types.js';
import type { WireProgress } from './wire.js';

/** Receives progress reports; `stop()` removes the bar. */
export interface ProgressReporter {
  update(p: WireProgress): void;
  stop(): void;
}

/** Formats seconds as "1m05s" / "12s" / "–". */
export function formatSeconds(s: number): string {
  if (!Number.isFinite(s) || s < 0) return '–';
  if (s < 60) return `${Math.round(s)}s`;
  const m = Math.floor(s / 60);
  return `${m}m${String(Math.round(s - 60 * m)).padStart(2, '0')}s`;
}

/** Formats a rate compactly: 1.2e7 → "12.0M". */
export function formatRate(v: number): string {
  if (!Number.isFinite(v)) return '–';
  if (v >= 1e9) return `${(v / 1e9).toFixed(1)}G`;
  if (v >= 1e6) return `${(v / 1e6).toFixed(1)}M`;
  if (v >= 1e3) return `${(v / 1e3).toFixed(1)}k`;
  return v.toFixed(0);
}

/**
 * A progress bar over all model groups of a sweep, on stderr; a no-op when `quiet`. When stderr is
 * not a terminal the bar is printed as a plain line every 5 s. "step" is the average step reached
 * over the current group's models.
 * @param sets the groups in training order (for totals)
 */
export function createProgressReporter(sets: readonly ModelSet[], quiet: boolean): ProgressReporter {
  if (quiet) return { update() {}, stop() {} };
  const totals = sets.map((s) => s.points.length * s.seeds * s.training.steps);
  const instancesPerGroup = sets.map((s) => s.points.length * s.seeds);
  const totalModelSteps = totals.reduce((a, b) => a + b, 0);
  const totalInstances = instancesPerGroup.reduce((a, b) => a + b, 0);
  const steps = sets[0]?.training.steps ?? 0;
  const batch = sets[0]?.training.batchSize ?? 0;
  const tty = Boolean(process.stderr.isTTY);
  const bar = new cliProgress.SingleBar(
    {
      stream: process.stderr,
      format: '{stage} {bar} {percentage}% | step {step}/{steps} | models {inst}/{instTotal} | {rate} samples/s | ETA {eta_text}',
      hideCursor: tty,
      noTTYOutput: !tty,
      notTTYSchedule: 5000,
      etaBuffer: 20,
      barsize: 24,
    },
    cliProgress.Presets.shades_classic,
  );
  let stopped = false;
  let started = false;
  return {
    update(p) {
      if (stopped) return;
      if (!started) {
        // Started on the first report, so browser start-up does not count as training time.
        started = true;
        bar.start(totalModelSteps, 0, { stage: 'training  ', step: 0, steps, inst: 0, instTotal: totalInstances, rate: '–', eta_text: '–' });
      }
      const before = totals.slice(0, p.group).reduce((a, b) => a + b, 0);
      const instBefore = instancesPerGroup.slice(0, p.group).reduce((a, b) => a + b, 0);
      const done = before + p.modelStepsDone;
      // The engine's own rate and ETA for this group, plus the later groups at the same rate.
      const rate = p.samplesPerSecond;
      const later = totals.slice(p.group + 1).reduce((a, b) => a + b, 0);
      const eta = p.etaSeconds + (rate > 0 ? (later * batch) / rate : NaN);
      bar.update(done, {
        // Training is done when every model-step ran; the evaluation batch and metrics come after.
        stage: p.modelStepsDone >= p.modelStepsTotal && p.instancesDone < p.instancesTotal ? 'evaluating' : 'training  ',
        step: p.instancesTotal > 0 ? Math.min(steps, Math.floor(p.modelStepsDone / p.instancesTotal)) : 0,
        steps,
        inst: instBefore + p.instancesDone,
        instTotal: totalInstances,
        rate: formatRate(rate),
        eta_text: formatSeconds(eta),
      });
    },
    stop() {
      if (stopped) return;
      stopped = true;
      if (started) bar.stop();
    },
  };
}
