/**
 * The CLI's command line: parsing (commander) and validation, with no side effects beyond reading
 * a config file, so it can be unit-tested without a browser. Every problem becomes one
 * {@link CliError} whose message names the flag, the value and the allowed range.
 */
import { METRIC_NAMES, METRICS } from '../science/metric-registry.js';
import { Command, CommanderError, Option } from 'commander';
import { readFileSync, statSync, accessSync, constants as fsConstants } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { getPreset } from '../science/presets.js';
import { FIGURE_NAMES } from '../figures/registry.js';
import { MAX_SHARD_COUNT, parseShard, type ShardAssignment } from './shard.js';
import { gridShape, parseSpec, parseSpecText, resolveSpecGroups, SpecError, specModelKinds, type SweepSpec, type SweepSpecInput } from '../science/spec.js';
import { checkMetric, defaultMetric, parseMetric, type MetricChoice } from '../render/figure-data.js';
import type { BackendName } from './run-types.js';
import { estimateResultsJsonBytes } from './writers.js';
import { modelDefinition, parameterCount } from '../science/models/index.js';

/** A user error: printed as one line, exit code 2 (1 is for failures during the run). */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 2,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

/** Ranges of the integer flags: [min, max, what it is]. */
export const FLAG_RANGES = {
  steps: [1, 10_000_000, 'optimiser steps per model'],
  batchSize: [1, 65_536, 'examples per step'],
  seeds: [1, 1024, 'independent models per grid point'],
  grid: [1, 4096, 'values per axis'],
  cols: [1, 4096, 'values on the x axis'],
  rows: [1, 4096, 'values on the y axis'],
  seed: [0, 0xffffffff, 'u32 base seed'],
  checkpointSeconds: [0, 86_400, 'seconds between checkpoints'],
  jsonCellsMax: [0, 1 << 22, 'models whose records results.json holds'],
  chunkModels: [1, 1 << 22, 'models trained at once'],
  nFeatures: [2, 4096, 'n, input features; the engine trains up to 1024'],
  nHidden: [1, 4096, 'm, hidden units; the engine trains up to 256'],
} as const satisfies Record<string, readonly [number, number, string]>;

/** Raw `sweep` options as commander delivers them (strings, not yet validated). */
export interface RawSweepOptions {
  preset?: string;
  config?: string;
  out?: string;
  backend?: string;
  steps?: string;
  batchSize?: string;
  seeds?: string;
  grid?: string;
  cols?: string;
  rows?: string;
  seed?: string;
  metric?: string;
  quiet?: boolean;
  scale?: string;
  figures?: boolean;
  resume?: boolean;
  force?: boolean;
  checkpointSeconds?: string;
  shard?: string;
  shardCount?: string;
  jsonCellsMax?: string;
  chunkModels?: string;
  nFeatures?: string;
  nHidden?: string;
  xMin?: string;
  xMax?: string;
}

/** Validated `sweep` options. */
export interface SweepOptions {
  /** Exactly one of preset / config is set. */
  preset?: string;
  config?: string;
  /** Output folder (as given). */
  out: string;
  /** `auto`: the Node backend on a hardware GPU adapter, else headless Chromium (resolved in cli.ts). */
  backend: BackendName | 'auto';
  /** Train only the grid points whose index mod N = K (--shard K/N). */
  shard?: ShardAssignment;
  /** N of a scheduler's shards (--shard-count N; K from JOB_COMPLETION_INDEX or SLURM_ARRAY_TASK_ID). */
  shardCount?: number;
  steps?: number;
  batchSize?: number;
  seeds?: number;
  /** Axis value counts to override. */
  cols?: number;
  rows?: number;
  /** True when `cols`/`rows` came from --grid (applies to every numeric min/max/count axis present). */
  fromGrid: boolean;
  /** n and m to train instead of the spec's (--n-features, --n-hidden). */
  nFeatures?: number;
  nHidden?: number;
  /** The x axis' smallest and largest value (--x-min, --x-max); an axis of explicit values becomes min/max/count. */
  xMin?: number;
  xMax?: number;
  seed?: number;
  metric?: MetricChoice;
  quiet: boolean;
  /** Device pixels per CSS pixel of the figure PNGs (default 2). */
  scale?: number;
  /** Write the figures (PNG and SVG) beside the results (default true; --no-figures turns it off). */
  figures?: boolean;
  /** Continue from the checkpoint in OUT.checkpoint (see src/headless/checkpoint.ts). */
  resume?: boolean;
  /** Discard an existing checkpoint and start over. */
  force?: boolean;
  /** Seconds of training between checkpoints of the running chunk (default 30). */
  checkpointSeconds?: number;
  /** Above this many models results.json leaves the per-model records to models.parquet (default DEFAULT_JSON_CELLS_MAX). */
  jsonCellsMax?: number;
  /** Most models trained, and held, at once (TrainOptions.maxInstancesPerChunk); default what the device allows. */
  chunkModels?: number;
}

/** Validated `figure` options. */
export interface FigureOptions {
  /** The results.json to draw from. */
  results: string;
  /** Registry name (src/figures/registry.ts). */
  figure: string;
  /** Output file; its extension (.png, .svg or .gif) picks the format. */
  out: string;
  /** Device pixels per CSS pixel of PNG and GIF output. */
  scale: number;
}

/** Default of --json-cells-max: above this many models, results.json leaves its per-model records to models.parquet. */
export const DEFAULT_JSON_CELLS_MAX = 100_000;

/** Range of --scale: device pixels per CSS pixel of PNG figures (1 = 96 dpi, 2 = 192 dpi …). */
export const SCALE_RANGE = [0.5, 8] as const;

/**
 * Parses --scale. @throws CliError naming the value and the range.
 */
export function parseScale(text: string | undefined, fallback = 2): number {
  if (text === undefined) return fallback;
  const v = Number(text);
  if (!/^\s*[0-9.]+\s*$/.test(text) || !(v >= SCALE_RANGE[0] && v <= SCALE_RANGE[1])) {
    throw new CliError(`--scale: ${JSON.stringify(text)} is out of range; allowed: numbers ${SCALE_RANGE[0]}..${SCALE_RANGE[1]} (device pixels per CSS pixel; 2 ≈ 192 dpi)`);
  }
  return v;
}

/** Validated `merge` options. */
export interface MergeOptions {
  /** The shard folders (each with results.json and shard.json). */
  shards: string[];
  /** Output folder; absent with `progress`. */
  out?: string;
  /** Report which shards are present and missing, write nothing. */
  progress: boolean;
  metric?: MetricChoice;
  scale: number;
  figures: boolean;
}

/** Result of parsing argv. */
export type ParsedCommand =
  | { command: 'sweep'; options: SweepOptions }
  | { command: 'merge'; options: MergeOptions }
  | { command: 'figure'; options: FigureOptions }
  | { command: 'presets' }
  /** Help, version, or a commander usage error: print `stdout`/`stderr` and exit with `exitCode`. */
  | { command: 'exit'; exitCode: number; stdout: string; stderr: string };

/** Parses a decimal integer flag and checks its range. @throws CliError naming the flag, value and range. */
export function parseIntFlag(flag: string, text: string, [lo, hi, what]: readonly [number, number, string]): number {
  const v = /^[+]?\d+$/.test(text.trim()) ? Number(text.trim()) : NaN;
  if (!Number.isSafeInteger(v) || v < lo || v > hi) {
    throw new CliError(`${flag}: ${JSON.stringify(text)} is out of range; allowed: integers ${lo}..${hi} (${what})`);
  }
  return v;
}

/** Builds the commander program; actions only record what was asked. */
function buildProgram(record: (c: ParsedCommand) => void, out: { stdout: string; stderr: string }): Command {
  const program = new Command()
    .name('superposition')
    .description('Train Toy Models of Superposition (Elhage et al. 2022) on WebGPU and draw their phase diagrams.')
    .exitOverride()
    .configureOutput({ writeOut: (s) => (out.stdout += s), writeErr: (s) => (out.stderr += s) })
    .showHelpAfterError('(run with --help for usage)');

  program
    .command('sweep')
    .description('Train a sweep and write results.json, cells.csv and phase-diagram.png into --out DIR.')
    .option('--preset <name>', 'a named paper experiment (see `superposition presets`); give this or --config')
    .option('--config <file>', 'a sweep spec as a JSON file (see src/science/spec.ts); give this or --preset')
    .requiredOption('--out <dir>', 'output folder; created if missing; only results.json, cells.csv and phase-diagram.png in it are replaced, and only after the run succeeded')
    .addOption(new Option('--backend <name>', 'where training runs: auto = node on a hardware GPU adapter, else chromium; chromium = WebGPU in headless Chromium; node = the `webgpu` package in Node (Chromium then only draws the PNGs)').choices(['auto', 'chromium', 'node']).default('auto'))
    .option('--shard <K/N>', 'train only the grid points whose index mod N is K (K from 0), with all their seeds, into --out; draws no figures (`superposition merge` does); needs --backend node or auto')
    .option('--shard-count <n>', `N of a scheduler's shards, integer 1..${MAX_SHARD_COUNT}: K is read from JOB_COMPLETION_INDEX (Kubernetes Indexed Job) or SLURM_ARRAY_TASK_ID − SLURM_ARRAY_TASK_MIN (Slurm array); see docs/cluster.md`)
    .option('--steps <n>', `optimiser steps per model, integer ${FLAG_RANGES.steps[0]}..${FLAG_RANGES.steps[1]} (default: the spec's)`)
    .option('--batch-size <n>', `examples per training step, integer ${FLAG_RANGES.batchSize[0]}..${FLAG_RANGES.batchSize[1]} (default: the spec's)`)
    .option('--seeds <n>', `independent models per grid point (the lowest final loss is kept), integer ${FLAG_RANGES.seeds[0]}..${FLAG_RANGES.seeds[1]} (default: the spec's)`)
    .option('--grid <n>', `values on every min/max/count axis (an n × n grid), integer ${FLAG_RANGES.grid[0]}..${FLAG_RANGES.grid[1]} (default: the spec's); not with --cols/--rows`)
    .option('--cols <n>', `values on the x axis (columns), integer ${FLAG_RANGES.cols[0]}..${FLAG_RANGES.cols[1]} (default: the spec's)`)
    .option('--rows <n>', `values on the y axis (rows), integer ${FLAG_RANGES.rows[0]}..${FLAG_RANGES.rows[1]} (default: the spec's)`)
    .option('--n-features <n>', `n, the number of input features, integer ${FLAG_RANGES.nFeatures[0]}..${FLAG_RANGES.nFeatures[1]} (the engine trains up to 1024; default: the spec's); per-feature arrays in the spec must match it`)
    .option('--n-hidden <m>', `m, the hidden width, integer ${FLAG_RANGES.nHidden[0]}..${FLAG_RANGES.nHidden[1]} (m < n except for abs; the engine trains up to 256; default: the spec's)`)
    .option('--x-min <v>', "smallest value of the x axis, in its units (p in (0, 1], or r > 0); an axis of explicit values becomes min/max/count on its own scale, with the count of --cols or of its values")
    .option('--x-max <v>', 'largest value of the x axis (as --x-min)')
    .option('--seed <n>', `base seed of the counter-based PRNG, integer 0..${FLAG_RANGES.seed[1]} (u32; default: the spec's, else 0)`)
    .option('--metric <name>', `metric drawn in phase-diagram.png: ${(['feature', 'model', 'neuron'] as const).map((per) => `${METRIC_NAMES.filter((m) => METRICS[m].per === per).join(', ')} (per ${per}${per === 'model' ? '' : `; NAME:${per === 'feature' ? 'i' : 'j'} picks ${per} ${per === 'feature' ? 'i' : 'j'}`}${per === 'neuron' ? '; models with a privileged hidden layer' : ''})`).join('; ')} (default: regime of the last feature for two numeric axes, else norm of every feature)`)
    .option('--quiet', 'no progress bar or summary on stderr (default: shown); warnings and the written paths still print')
    .option('--scale <n>', `device pixels per CSS pixel of the figure PNGs, ${SCALE_RANGE[0]}..${SCALE_RANGE[1]} (default 2, about 192 dpi); SVGs are vector`)
    .option('--no-figures', "don't write the preset's figures (NAME.png and NAME.svg; see `superposition figure --help`)")
    .option('--json-cells-max <n>', `above this many models, results.json leaves the per-model records (cells) to models.parquet beside it, integer ${FLAG_RANGES.jsonCellsMax[0]}..${FLAG_RANGES.jsonCellsMax[1]} (default ${DEFAULT_JSON_CELLS_MAX})`)
    .option('--chunk-models <n>', `most models trained at once (one chunk), integer ${FLAG_RANGES.chunkModels[0]}..${FLAG_RANGES.chunkModels[1]} (default: what fits 512 MiB of device memory); results do not depend on it; above --json-cells-max a run holds one chunk of models, so this bounds its memory`)
    .option('--resume', 'continue an interrupted run from its checkpoint in OUT.checkpoint/ (same spec, flags, backend and adapter); the results are bit-identical to an uninterrupted run')
    .option('--force', 'discard the checkpoint of an interrupted run in OUT.checkpoint/ and start over')
    .option('--checkpoint-seconds <n>', `seconds of training between checkpoints of the running chunk, integer ${FLAG_RANGES.checkpointSeconds[0]}..${FLAG_RANGES.checkpointSeconds[1]} (default 30); finished chunks are saved as they finish`)
    .action((opts: RawSweepOptions) => record({ command: 'sweep', options: validateSweepOptions(opts) }));

  program
    .command('figure')
    .description('Redraw a figure from a saved results.json without training: PNG, SVG (vector) or, for animated figures, GIF.')
    .argument('<results>', 'a results.json written by `superposition sweep`')
    .requiredOption('--figure <name>', `which figure: ${FIGURE_NAMES.join(', ')}`)
    .requiredOption('--out <file>', 'output file: .png, .svg or .gif (animated figures); replaced only when drawing succeeded')
    .option('--scale <n>', `device pixels per CSS pixel of PNG/GIF output, ${SCALE_RANGE[0]}..${SCALE_RANGE[1]} (default 2)`)
    .action((results: string, opts: { figure: string; out: string; scale?: string }) => record({ command: 'figure', options: validateFigureOptions(results, opts) }));

  program
    .command('merge')
    .description('Combine the shards of a sweep (superposition sweep --shard) into exactly what an unsharded run writes, and draw its figures.')
    .argument('<shards...>', 'the shard folders, each holding results.json and shard.json')
    .option('--out <dir>', 'output folder (results.json, cells.csv, phase-diagram.png, figures); required unless --progress')
    .option('--progress', 'report which shards are present and missing and how many points are done; write nothing (exit 0 when complete, 1 otherwise)')
    .option('--metric <name>', 'metric drawn in phase-diagram.png (as for sweep)')
    .option('--scale <n>', `device pixels per CSS pixel of the figure PNGs, ${SCALE_RANGE[0]}..${SCALE_RANGE[1]} (default 2)`)
    .option('--no-figures', "don't draw the figures")
    .action((shards: string[], opts: { out?: string; progress?: boolean; metric?: string; scale?: string; figures?: boolean }) => record({ command: 'merge', options: validateMergeOptions(shards, opts) }));

  program
    .command('presets')
    .description('List the named presets with their instances (models trained) and total training samples.')
    .action(() => record({ command: 'presets' }));
  return program;
}

/**
 * Parses a command line (without the `node script` prefix when `from` is 'user').
 * Pure apart from commander: prints nothing; help and usage errors come back as `command: 'exit'`.
 * @param argv e.g. ['sweep', '--preset', 'tiny', '--out', 'out']
 * @throws CliError for invalid flag values (range, conflicts)
 */
export function parseCliArgs(argv: string[]): ParsedCommand {
  const out = { stdout: '', stderr: '' };
  let result: ParsedCommand | undefined;
  const program = buildProgram((c) => (result = c), out);
  try {
    program.parse(argv, { from: 'user' });
  } catch (e) {
    if (e instanceof CliError) throw e;
    if (e instanceof CommanderError) return { command: 'exit', exitCode: e.exitCode === 0 ? 0 : 2, stdout: out.stdout, stderr: out.stderr };
    throw e;
  }
  if (!result) {
    // No subcommand: show help.
    return { command: 'exit', exitCode: 2, stdout: '', stderr: program.helpInformation() };
  }
  return result;
}

/** --metric, when given (parseMetric). @throws CliError naming the value and the allowed names */
function parseMetricFlag(text: string | undefined): MetricChoice | undefined {
  if (text === undefined) return undefined;
  try {
    return parseMetric(text);
  } catch (e) {
    throw new CliError((e as Error).message);
  }
}

/**
 * Checks `merge` flags: --out unless --progress (not both), a known metric, a scale in range.
 * @throws CliError naming the value and what is allowed
 */
export function validateMergeOptions(shards: string[], raw: { out?: string; progress?: boolean; metric?: string; scale?: string; figures?: boolean }): MergeOptions {
  if (raw.progress && raw.out) throw new CliError('give --out DIR to merge, or --progress to report; not both');
  if (!raw.progress && !raw.out) throw new CliError('--out DIR is required (or --progress to report without writing)');
  const metric = parseMetricFlag(raw.metric);
  return { shards, ...(raw.out ? { out: raw.out } : {}), progress: raw.progress ?? false, ...(metric ? { metric } : {}), scale: parseScale(raw.scale), figures: raw.figures ?? true };
}

/**
 * Checks `figure` flags: a known figure name, an output extension of .png, .svg or .gif, a scale in range.
 * @throws CliError naming the value and what is allowed
 */
export function validateFigureOptions(results: string, raw: { figure: string; out: string; scale?: string }): FigureOptions {
  if (!FIGURE_NAMES.includes(raw.figure)) throw new CliError(`--figure: ${JSON.stringify(raw.figure)} is not a figure; allowed: ${FIGURE_NAMES.join(', ')}`);
  if (!/\.(png|svg|gif)$/i.test(raw.out)) throw new CliError(`--out: ${JSON.stringify(raw.out)} must end in .png, .svg or .gif`);
  return { results, figure: raw.figure, out: raw.out, scale: parseScale(raw.scale) };
}

/**
 * Checks raw sweep flags: exactly one of --preset/--config, integer ranges, --grid not with
 * --cols/--rows, a known metric name.
 * @throws CliError naming the flag, value and allowed range
 */
export function validateSweepOptions(raw: RawSweepOptions): SweepOptions {
  if ((raw.preset === undefined) === (raw.config === undefined)) {
    throw new CliError(raw.preset === undefined ? 'give one of --preset NAME or --config FILE.json' : 'give only one of --preset NAME or --config FILE.json, not both');
  }
  if (!raw.out) throw new CliError('--out DIR is required');
  if (raw.grid !== undefined && (raw.cols !== undefined || raw.rows !== undefined)) {
    throw new CliError('--grid sets both axes; give either --grid N or --cols N / --rows N');
  }
  const backend = raw.backend ?? 'auto';
  if (backend !== 'chromium' && backend !== 'node' && backend !== 'auto') throw new CliError(`--backend: ${JSON.stringify(backend)} is not allowed; allowed: auto, chromium, node`);
  const int = (flag: string, v: string | undefined, range: readonly [number, number, string]) => (v === undefined ? undefined : parseIntFlag(flag, v, range));
  const grid = int('--grid', raw.grid, FLAG_RANGES.grid);
  const metric = parseMetricFlag(raw.metric);
  const o: SweepOptions = {
    out: raw.out,
    backend,
    fromGrid: grid !== undefined,
    quiet: raw.quiet ?? false,
    scale: parseScale(raw.scale),
    figures: raw.figures ?? true,
  };
  if (raw.resume && raw.force) throw new CliError('give only one of --resume (continue the checkpoint) or --force (discard it)');
  if (raw.resume) o.resume = true;
  if (raw.shard !== undefined && raw.shardCount !== undefined) throw new CliError('give only one of --shard K/N or --shard-count N (K then comes from the scheduler)');
  if (raw.shard !== undefined) {
    try {
      o.shard = parseShard(raw.shard);
    } catch (e) {
      throw new CliError((e as Error).message);
    }
  }
  if (raw.shardCount !== undefined) o.shardCount = parseIntFlag('--shard-count', raw.shardCount, [1, MAX_SHARD_COUNT, 'shards']);
  if ((o.shard || o.shardCount !== undefined) && backend === 'chromium') throw new CliError('--shard and --shard-count need --backend node or auto (a shard trains in Node; GPU nodes may have no browser)');
  if (raw.force) o.force = true;
  if (raw.preset !== undefined) o.preset = raw.preset;
  if (raw.config !== undefined) o.config = raw.config;
  const set = <K extends keyof SweepOptions>(k: K, v: SweepOptions[K] | undefined) => {
    if (v !== undefined) o[k] = v;
  };
  set('steps', int('--steps', raw.steps, FLAG_RANGES.steps));
  set('batchSize', int('--batch-size', raw.batchSize, FLAG_RANGES.batchSize));
  set('seeds', int('--seeds', raw.seeds, FLAG_RANGES.seeds));
  set('cols', grid ?? int('--cols', raw.cols, FLAG_RANGES.cols));
  set('rows', grid ?? int('--rows', raw.rows, FLAG_RANGES.rows));
  set('seed', int('--seed', raw.seed, FLAG_RANGES.seed));
  set('checkpointSeconds', int('--checkpoint-seconds', raw.checkpointSeconds, FLAG_RANGES.checkpointSeconds));
  set('jsonCellsMax', int('--json-cells-max', raw.jsonCellsMax, FLAG_RANGES.jsonCellsMax));
  set('chunkModels', int('--chunk-models', raw.chunkModels, FLAG_RANGES.chunkModels));
  set('nFeatures', int('--n-features', raw.nFeatures, FLAG_RANGES.nFeatures));
  set('nHidden', int('--n-hidden', raw.nHidden, FLAG_RANGES.nHidden));
  set('xMin', parseAxisValue('--x-min', raw.xMin));
  set('xMax', parseAxisValue('--x-max', raw.xMax));
  set('metric', metric);
  return o;
}

/** Parses --x-min / --x-max: a finite number > 0 (the spec checks the axis' own range). @throws CliError naming the flag and value. */
function parseAxisValue(flag: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const v = Number(text.trim());
  if (text.trim() === '' || !Number.isFinite(v) || v <= 0) throw new CliError(`${flag}: ${JSON.stringify(text)} is not allowed; allowed: a number > 0 (p in (0, 1] for a featureProbability axis)`);
  return v;
}

/**
 * Sets the x axis' smallest and/or largest value. An axis of explicit values becomes a min/max/count
 * axis on its scale (the side not given is the values' own smallest or largest, the count theirs
 * unless --cols gives one), so a preset's list can be widened: `--x-min 0.01` on
 * feature-dimensionality takes 1/(1 − S) from 1 to 100.
 * @throws CliError when there is no x axis or it sweeps the model kind
 */
function overrideRange(spec: Record<string, unknown>, min: number | undefined, max: number | undefined): void {
  const flag = min !== undefined ? '--x-min' : '--x-max';
  const axis = spec.x as Record<string, unknown> | undefined;
  if (!axis || typeof axis !== 'object') throw new CliError(`${flag}: the spec has no x axis`);
  if (axis.param === 'model') throw new CliError(`${flag}: spec.x sweeps model kinds, which have no range`);
  if (Array.isArray(axis.values)) {
    const values = axis.values as number[];
    axis.min = Math.min(...values);
    axis.max = Math.max(...values);
    axis.count = values.length;
    delete axis.values;
  }
  if (min !== undefined) axis.min = min;
  if (max !== undefined) axis.max = max;
}

/** Reads a text file for --config. @throws CliError naming the file when it cannot be read. */
function readConfig(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (e) {
    throw new CliError(`--config: cannot read ${JSON.stringify(file)}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}

/**
 * Applies count overrides to one axis of a raw spec.
 * @throws CliError when the axis is missing, a model axis, or given as explicit `values`
 */
function overrideCount(spec: Record<string, unknown>, key: 'x' | 'y', count: number, flag: string, optional: boolean): void {
  const axis = spec[key] as Record<string, unknown> | undefined;
  if (!axis || typeof axis !== 'object') {
    if (optional) return;
    throw new CliError(`${flag}: the spec has no ${key} axis to resize`);
  }
  if (axis.param === 'model' || axis.values !== undefined) {
    if (optional) return;
    throw new CliError(`${flag}: spec.${key} lists explicit values (${axis.param === 'model' ? 'model kinds' : String(axis.param)}); ${flag} only resizes min/max/count axes`);
  }
  axis.count = count;
}

/**
 * The validated spec a sweep will train: the preset or config, with the flags applied
 * (--steps → training.steps, --batch-size → training.batchSize, --seeds, --seed, --n-features,
 * --n-hidden, --x-min/--x-max → x.min/x.max, --grid/--cols/--rows
 * → x.count / y.count), then checked by parseSpec and resolveSpecGroups (engine limits), and the
 * metric checked against nFeatures.
 * @throws CliError for an unknown preset, an unreadable/invalid config file, a bad override, or any
 *   SpecError (message names the path, value and allowed range)
 */
export function buildSweepSpec(o: SweepOptions): { spec: SweepSpec; metric: MetricChoice } {
  return buildSweepSpecs(o)[0]!;
}

/**
 * Every sweep a run trains: one, or for a preset with a `series` (sweeps one spec cannot hold,
 * e.g. another nFeatures) one per spec, each with the subfolder of --out it is written to
 * (the spec's name). The CLI flags apply to each.
 * @throws CliError as {@link buildSweepSpec}
 */
export function buildSweepSpecs(o: SweepOptions): { spec: SweepSpec; metric: MetricChoice; subdir?: string }[] {
  if (o.preset !== undefined) {
    let preset;
    try {
      preset = getPreset(o.preset);
    } catch (e) {
      if (e instanceof SpecError) throw new CliError(e.message);
      throw e;
    }
    if (preset.series) {
      return [preset.spec, ...preset.series].map((raw) => ({ ...finishSpec(raw, o), subdir: String(raw.name) }));
    }
    return [finishSpec(preset.spec, o)];
  }
  return [finishSpec(undefined, o)];
}

/** Applies the CLI's overrides to `preset` (or the --config file when undefined) and validates it. */
function finishSpec(preset: SweepSpecInput | undefined, o: SweepOptions): { spec: SweepSpec; metric: MetricChoice } {
  try {
    let raw: SweepSpecInput;
    if (preset !== undefined) {
      raw = preset;
    } else {
      const text = readConfig(o.config!);
      try {
        raw = parseSpecText(text);
      } catch (e) {
        if (e instanceof SpecError) throw new CliError(`${o.config}: ${e.message}`);
        throw e;
      }
    }
    const s = structuredClone(raw) as Record<string, unknown>;
    const training = { ...((s.training as Record<string, unknown> | undefined) ?? {}) };
    if (o.steps !== undefined) training.steps = o.steps;
    if (o.batchSize !== undefined) training.batchSize = o.batchSize;
    s.training = training;
    if (o.seeds !== undefined) s.seeds = o.seeds;
    if (o.seed !== undefined) s.seed = o.seed;
    if (o.nFeatures !== undefined) s.nFeatures = o.nFeatures;
    if (o.nHidden !== undefined) s.nHidden = o.nHidden;
    // Before the counts: --cols then resizes the axis --x-min/--x-max turned into min/max/count.
    if (o.xMin !== undefined || o.xMax !== undefined) overrideRange(s, o.xMin, o.xMax);
    if (o.fromGrid) {
      const hasResizable = (['x', 'y'] as const).some((k) => {
        const a = s[k] as Record<string, unknown> | undefined;
        return a && a.param !== 'model' && a.values === undefined;
      });
      if (!hasResizable) throw new CliError('--grid: the spec has no min/max/count axis to resize');
      overrideCount(s, 'x', o.cols!, '--grid', true);
      overrideCount(s, 'y', o.rows!, '--grid', true);
    } else {
      if (o.cols !== undefined) overrideCount(s, 'x', o.cols, '--cols', false);
      if (o.rows !== undefined) overrideCount(s, 'y', o.rows, '--rows', false);
    }
    const spec = parseSpec(s);
    checkSweepSize(spec, o.jsonCellsMax);
    resolveSpecGroups(spec);
    const metric = o.metric ?? defaultMetric(spec);
    try {
      checkMetric(spec, metric);
    } catch (e) {
      throw new CliError((e as Error).message);
    }
    return { spec, metric };
  } catch (e) {
    if (e instanceof CliError) throw e;
    if (e instanceof SpecError) throw new CliError(o.config !== undefined ? `${o.config}: ${e.message}` : e.message);
    throw e;
  }
}

/** Most models (grid points × seeds) one CLI run trains; the engine may allow fewer (DeviceLimitError). */
export const MAX_CLI_INSTANCES = 1 << 22;

/** Largest results.json the CLI writes (estimated before training), bytes. */
export const MAX_RESULTS_JSON_BYTES = 512 * 2 ** 20;

/**
 * Refuses sweeps too large to hold or write, before anything is expanded or trained: results.json
 * must fit MAX_RESULTS_JSON_BYTES while it holds the per-model records (up to `jsonCellsMax`
 * models; above, they go to models.parquet and only MAX_CLI_INSTANCES applies).
 * @throws CliError naming the model count and the allowed maximum
 */
export function checkSweepSize(spec: SweepSpec, jsonCellsMax: number = DEFAULT_JSON_CELLS_MAX): void {
  const { xCount, yCount } = gridShape(spec);
  const instances = xCount * yCount * spec.seeds;
  if (instances > jsonCellsMax) {
    // The per-model records go to models.parquet, streamed; only memory bounds the sweep.
    if (instances > MAX_CLI_INSTANCES) throw new CliError(`the sweep has ${instances} models (${xCount} × ${yCount} grid points × ${spec.seeds} seeds); allowed: at most ${MAX_CLI_INSTANCES} per run; split it with --shard`);
    return;
  }
  // Beyond W and b: the untied W2, a hidden bias, per-neuron metrics, W2's geometry and a recorded
  // history (every record's metrics and W), for the largest model kind of the spec.
  const n = spec.nFeatures;
  const m = spec.nHidden;
  const kinds = specModelKinds(spec);
  const extraParams = Math.max(...kinds.map((k) => parameterCount(modelDefinition(k), n, m) - (m * n + n) + 2 * m + 3 * n));
  const r = spec.record;
  const records = r ? Math.floor(spec.training.steps / r.every) + 2 : 0;
  const perRecord = r ? r.metrics.reduce((a, k) => a + (k === 'loss' || k === 'dimsPerFeature' ? 1 : n), 0) + ((r.weights ?? m * n <= 1024) ? m * n : 0) : 0;
  const perInstance = estimateResultsJsonBytes(n, m, 1, extraParams + records * perRecord);
  const max = Math.min(MAX_CLI_INSTANCES, Math.floor(MAX_RESULTS_JSON_BYTES / perInstance));
  if (instances > max) {
    throw new CliError(
      `the sweep has ${instances} models (${xCount} × ${yCount} grid points × ${spec.seeds} seeds); allowed: at most ${max} at n = ${spec.nFeatures}, m = ${spec.nHidden} ` +
        `(results.json would be about ${Math.round((instances * perInstance) / 2 ** 20)} MB); use a smaller --grid/--cols/--rows or fewer --seeds`,
    );
  }
}

/**
 * Checks that the output folder can be used without touching it: if it exists it must be a
 * folder; otherwise its nearest existing ancestor must be a writable folder.
 * @throws CliError naming the path
 */
export function checkOutDir(dir: string): void {
  const abs = resolve(dir);
  let probe = abs;
  for (;;) {
    let st;
    try {
      st = statSync(probe);
    } catch {
      const parent = dirname(probe);
      if (parent === probe) throw new CliError(`--out: cannot create ${JSON.stringify(dir)}`);
      probe = parent;
      continue;
    }
    if (!st.isDirectory()) {
      throw new CliError(probe === abs ? `--out: ${JSON.stringify(dir)} exists and is not a folder` : `--out: cannot create ${JSON.stringify(dir)}: ${JSON.stringify(probe)} is not a folder`);
    }
    try {
      accessSync(probe, fsConstants.W_OK);
    } catch {
      throw new CliError(`--out: ${JSON.stringify(probe)} is not writable`);
    }
    return;
  }
}
