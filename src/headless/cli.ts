/**
 * The `superposition` command line.
 *
 *   superposition sweep (--preset NAME | --config FILE.json) --out DIR [--backend chromium|node]
 *       [--steps N] [--batch-size N] [--seeds N] [--grid N | --cols N --rows N] [--seed N]
 *       [--metric NAME[:FEATURE]] [--quiet]
 *   superposition presets
 *
 * Everything is validated before DIR is touched; files are written under temporary names and
 * renamed at the end, so a failed run overwrites nothing. Exit codes: 0 success, 1 failure during
 * the run (no adapter, device lost, diverged …), 2 bad input (one message naming the value and the
 * allowed range), 130 cancelled (Ctrl-C).
 */
import { divergedCount, theoryReport } from './report.js';
import { listPresets } from '../science/presets.js';
import { resolveSpecGroups, type SweepSpec } from '../science/spec.js';
import { buildSweepSpecs, checkOutDir, CliError, DEFAULT_JSON_CELLS_MAX, parseCliArgs, type FigureOptions, type MergeOptions, type SweepOptions } from './args.js';
import { formatMergeProgress, MergeError, mergeProgress, mergeShardResults } from './merge.js';
import { modelCount, type BackendName, type BackendRunOptions, type GroupResult, type SweepRun } from './run-types.js';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rm } from 'node:fs/promises';
import { PARQUET_FILES, writeRunParquet } from './parquet.js';
import { StreamedRun, type StreamedFiles } from './streamed-run.js';
import { mergedParquetGroups } from './merge-parquet.js';
import { markDiverged } from '../engine/diverged.js';
import { withParquetCells } from '../science/results-parquet.js';
import { checkpointDir, checkpointExists, CheckpointError, CheckpointWriter, loadCheckpoint, readFinishedChunks, type CheckpointManifest } from './checkpoint.js';
import type { DeviceInfo, ResumeState } from '../engine/types.js';
import { describeShard, SHARD_MANIFEST_FILE, ShardError, shardFromEnvironment, shardSets, type ShardAssignment, type ShardSource } from './shard.js';
import { ENGINE_VERSION, adapterName, specHash } from './provenance.js';
import { getPreset } from '../science/presets.js';
import { parseResultsJson, ResultsFileError } from '../science/results-file.js';
import { drawFigure } from '../figures/registry.js';
import { FigureError } from '../figures/input.js';
import { sceneToSvg } from '../figures/svg.js';
import { drawFigures, encodeGif, figureFiles } from './figure-files.js';
import type { HeadlessBrowser } from './chromium.js';
import { buildFigure, defaultMetric, type MetricChoice } from '../render/figure-data.js';
import { createProgressReporter } from './progress.js';
import { NoChromiumError, PageError, RunCancelledError } from './errors.js';
import { buildCellsCsv, resultsJsonChunks, OUTPUT_FILES, writeOutputsAtomically, type OutputFile } from './writers.js';

/** Where the CLI writes. */
export interface CliIO {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
}

const defaultIO: CliIO = { stdout: (s) => void process.stdout.write(s), stderr: (s) => void process.stderr.write(s) };

/** Engine/page error names that mean "this input cannot run here" (exit 2) rather than a failure. */
const INPUT_ERRORS = new Set(['DeviceLimitError', 'SpecError']);

/** Hints appended to engine errors, by error class name. */
const HINTS: Record<string, string> = {
  DeviceLimitError: 'make the sweep smaller (--grid, --cols, --rows, --seeds) or use a GPU with larger limits',
  NoAdapterError: 'WebGPU found no adapter; in headless Chromium this needs --enable-unsafe-webgpu (set by the CLI) and a Vulkan driver or SwiftShader',
  WebGPUUnavailableError: 'try the other backend (--backend chromium or --backend node)',
  TrainingDivergedError: 'lower the learning rate in the spec (training.learningRate)',
  DeviceLostError: 'run again; if it repeats, make the sweep smaller',
};

/**
 * Turns any error into one message line and an exit code.
 * @returns [message, exitCode]
 */
export function describeError(e: unknown): [string, number] {
  if (e instanceof CliError) return [e.message, e.exitCode];
  if (e instanceof RunCancelledError) return ['cancelled', 130];
  if (e instanceof NoChromiumError) return [e.message, 1];
  const name = e instanceof PageError ? e.pageErrorName : e instanceof Error ? e.name : 'Error';
  const message = e instanceof Error ? e.message : String(e);
  if (name === 'CancelledError') return ['cancelled', 130];
  const hint = HINTS[name];
  return [`${name}: ${message}${hint ? ` (${hint})` : ''}`, INPUT_ERRORS.has(name) ? 2 : 1];
}

/** Formats a count compactly: 204800 → "2.05e5", 1234 → "1234". */
function compact(v: number): string {
  return v < 1e4 ? String(v) : v.toExponential(2).replace('e+', 'e');
}

/** The `presets` table: name, instances, total training samples, description (cut at 100 characters). */
export function presetsTable(): string {
  const rows = listPresets().map((p) => [p.name, String(p.instances), compact(p.totalSamples), p.description.length > 100 ? `${p.description.slice(0, 99)}…` : p.description]);
  const header = ['NAME', 'INSTANCES', 'SAMPLES', 'DESCRIPTION'];
  const widths = [0, 1, 2].map((c) => Math.max(header[c]!.length, ...rows.map((r) => r[c]!.length)));
  const line = (r: string[]) => [r[0]!.padEnd(widths[0]!), r[1]!.padStart(widths[1]!), r[2]!.padStart(widths[2]!), r[3]].join('  ');
  return [line(header), ...rows.map(line)].join('\n') + '\n' + 'instances = grid points × seeds; samples = instances × steps × batch size\n';
}

/** What a sweep draws: the phase-diagram PNG (null without Chromium) and the figure files. */
interface Drawn {
  run: SweepRun;
  png: Uint8Array | null;
  figures: OutputFile[];
}

/**
 * Trains with the chosen backend, then draws the phase-diagram PNG and the figures `figureNames`
 * (undefined: all that fit; [] none). Without Chromium on the node backend only the SVG figures are written.
 */
async function trainAndDraw(
  spec: SweepSpec,
  o: SweepOptions & { backend: BackendName },
  metric: MetricChoice,
  figureNames: readonly string[] | undefined,
  signal: AbortSignal,
  io: CliIO,
  runOptions: Pick<BackendRunOptions, 'checkpoint' | 'checkpointSink' | 'resume' | 'onDevice' | 'shard' | 'onChunkResults' | 'maxInstancesPerChunk' | 'wholeSets'> = {},
  /** Turns the backend's run into the one drawn and written (a streamed run's kept seeds). */
  afterRun: (run: SweepRun) => Promise<SweepRun> = async (run) => run,
): Promise<Drawn> {
  const whole = runOptions.wholeSets ?? resolveSpecGroups(spec);
  const progress = createProgressReporter(runOptions.shard ? shardSets(whole, runOptions.shard) : whole, o.quiet);
  const { openHeadlessBrowser } = await import('./chromium.js');
  const warn = (message: string) => io.stderr(`superposition: warning: ${message}\n`);
  const draw = async (run: SweepRun, browser: HeadlessBrowser | null): Promise<Drawn> => {
    const scenes = drawFigures({ spec, groups: run.groups }, figureNames, warn);
    const figures = await figureFiles(scenes, browser, o.scale ?? 2, Object.values(OUTPUT_FILES));
    return { run, png: browser ? await browser.render(buildFigure(spec, run.groups, metric)) : null, figures };
  };
  try {
    if (o.backend === 'chromium') {
      // No signal here: a stop reaches the run, which lets the page save its checkpoint first.
      const browser = await openHeadlessBrowser();
      try {
        const run = await afterRun(await browser.run(spec, { ...runOptions, onProgress: (p) => progress.update(p), signal }));
        progress.stop();
        return await draw(run, browser);
      } finally {
        await browser.close();
      }
    }
    const { runNodeBackend } = await import('./node-backend.js');
    const run = await afterRun(await runNodeBackend(spec, { ...runOptions, onProgress: (p) => progress.update(p), signal }));
    progress.stop();
    // A shard draws nothing (GPU nodes may have no browser): `superposition merge` draws the whole.
    if (runOptions.shard) return { run, png: null, figures: [] };
    let browser;
    try {
      browser = await openHeadlessBrowser({ signal });
    } catch (e) {
      if (!(e instanceof NoChromiumError)) throw e;
      warn(`${OUTPUT_FILES.png} and the figure PNGs not written: drawing them needs Chromium (the SVG figures are written). ${e.message}`);
      return await draw(run, null);
    }
    try {
      return await draw(run, browser);
    } finally {
      await browser.close();
    }
  } finally {
    progress.stop();
  }
}

/**
 * Hands a resumed run's finished chunks to the streamed files, read from its checkpoint one chunk
 * at a time, group by group in instance order, with diverged models' loss NaN as the trainer
 * streams them.
 */
async function feedFinished(streamed: StreamedRun, dir: string, manifest: CheckpointManifest): Promise<void> {
  for (const group of manifest.groups.keys()) {
    for await (const { start, count, results } of readFinishedChunks(dir, manifest, group)) {
      markDiverged(results);
      await streamed.add(group, start, count, results);
    }
  }
}

/** Runs `sweep` with validated options. @returns the exit code */
async function sweep(o: SweepOptions, io: CliIO): Promise<number> {
  const sweeps = buildSweepSpecs(o);
  checkOutDir(o.out);

  const controller = new AbortController();
  let interrupts = 0;
  const onSigint = (): void => {
    interrupts += 1;
    if (interrupts > 1) process.exit(130);
    io.stderr('\nsuperposition: stopping after the current submit and saving a checkpoint (Ctrl-C again to quit at once)…\n');
    controller.abort();
  };
  process.on('SIGINT', onSigint);
  process.on('SIGTERM', onSigint);
  try {
    let shard: (ShardAssignment & { source: ShardSource }) | undefined;
    try {
      shard = o.shard ? { ...o.shard, source: 'flag' } : o.shardCount !== undefined ? (shardFromEnvironment(process.env, o.shardCount) ?? undefined) : undefined;
    } catch (e) {
      if (e instanceof ShardError) throw new CliError(e.message);
      throw e;
    }
    if (o.shardCount !== undefined && !shard) throw new CliError(`--shard-count ${o.shardCount}: no shard index in the environment (JOB_COMPLETION_INDEX or SLURM_ARRAY_TASK_ID); give --shard K/N instead`);
    if (shard && sweeps.length > 1) throw new CliError(`--shard: preset ${o.preset} is a series of ${sweeps.length} sweeps; shard one sweep (--config) at a time`);
    const backend: BackendName = o.backend === 'auto' ? ((await (await import('../engine/node.js')).hasHardwareAdapter()) ? 'node' : shard ? 'node' : 'chromium') : o.backend;
    if (o.backend === 'auto' && !o.quiet) io.stderr(`backend: ${backend}${backend === 'node' ? '' : ' (no hardware GPU adapter for the Node backend)'}\n`);
    const figureNames = o.figures === false ? [] : o.preset !== undefined ? getPreset(o.preset).figures : undefined;
    for (const { spec, metric, subdir } of sweeps) {
      const out = subdir ? join(o.out, subdir) : o.out;
      if (subdir && !o.quiet) io.stderr(`${subdir}:\n`);
      await sweepOne(spec, metric, figureNames, { ...o, backend, out }, controller.signal, io, shard);
    }
    return 0;
  } finally {
    process.off('SIGINT', onSigint);
    process.off('SIGTERM', onSigint);
  }
}

/** Trains one sweep and writes its files into o.out. */
async function sweepOne(spec: SweepSpec, metric: MetricChoice, figureNames: readonly string[] | undefined, o: SweepOptions & { backend: BackendName }, signal: AbortSignal, io: CliIO, shard?: ShardAssignment & { source: ShardSource }): Promise<void> {
  const dir = checkpointDir(o.out);
  const hasCheckpoint = await checkpointExists(dir);
  if (hasCheckpoint && !o.resume && !o.force) throw new CliError(`a checkpoint of an interrupted run is in ${dir}: add --resume to continue it, or --force to discard it and start over`);
  if (!hasCheckpoint && o.resume) {
    // A series (several sweeps) resumed: the sweeps that finished before the interruption are done.
    if (existsSync(join(o.out, OUTPUT_FILES.json))) {
      if (!o.quiet) io.stderr(`${o.out}: already finished\n`);
      return;
    }
    throw new CliError(`--resume: there is no checkpoint in ${dir} (it is removed when a run finishes)`);
  }
  if (hasCheckpoint && o.force) await rm(dir, { recursive: true, force: true });
  // Expanded once: a 512 × 512 grid's points are a few hundred megabytes of objects.
  const whole = resolveSpecGroups(spec);
  const sets = shard ? shardSets(whole, shard) : whole;
  const resume: (ResumeState | undefined)[] = [];
  // Above --json-cells-max models, results.json leaves the models to models.parquet: then they are
  // streamed there chunk by chunk and only each point's kept seed is held (memory O(chunk + points)).
  const instances = sets.reduce((a, set) => a + set.points.length * set.seeds, 0);
  const cellsInParquet = instances > (o.jsonCellsMax ?? DEFAULT_JSON_CELLS_MAX);
  const streamed = cellsInParquet && sets.every((set) => !set.record) ? await StreamedRun.open(o.out, sets, { spec }) : undefined;
  let writer: CheckpointWriter | undefined;
  const onDevice = async (device: DeviceInfo): Promise<void> => {
    const identity = { specHash: specHash(spec), engineVersion: ENGINE_VERSION, backend: o.backend, adapter: adapterName(device) };
    let manifest: CheckpointManifest | undefined;
    if (o.resume) {
      try {
        const loaded = await loadCheckpoint(dir, identity, { finishedResults: !streamed });
        manifest = loaded.manifest;
        resume.push(...loaded.resume);
        // A resumed streamed run: the checkpoint's finished chunks go to the files first, in order.
        if (streamed) await feedFinished(streamed, dir, manifest);
      } catch (e) {
        if (e instanceof CheckpointError) throw new CliError(e.message);
        throw e;
      }
    }
    writer = new CheckpointWriter(dir, identity, spec, sets.map((set) => ({ model: set.model, instances: set.points.length * set.seeds })), manifest);
  };
  let drawn: Drawn;
  let streamedFiles: StreamedFiles | undefined;
  try {
    drawn = await trainAndDraw(
      spec,
      o,
      metric,
      figureNames,
      signal,
      io,
      {
        onDevice,
        wholeSets: whole,
        resume,
        checkpoint: (group) => writer!.options(group, o.checkpointSeconds),
        checkpointSink: { ...(o.checkpointSeconds !== undefined ? { everySeconds: o.checkpointSeconds } : {}), chunkState: (g, s) => writer!.chunkState(g, s), chunkDone: (g, p) => writer!.chunkDone(g, p) },
        ...(shard ? { shard } : {}),
        ...(o.chunkModels !== undefined ? { maxInstancesPerChunk: o.chunkModels } : {}),
        ...(streamed ? { onChunkResults: (group, chunk, results) => streamed.add(group, chunk.start, chunk.count, results) } : {}),
      },
      async (run) => {
        if (!streamed) return run;
        const finished = await streamed.finish(run.groups);
        streamedFiles = finished.files;
        return { ...run, groups: finished.groups };
      },
    );
  } catch (e) {
    await streamed?.abort();
    // Whatever stopped the run, what was checkpointed stays; say how to continue.
    await writer?.flush().catch(() => {});
    if (writer?.written && !(e instanceof CliError)) {
      const again = process.argv.slice(2).filter((a) => a !== '--force');
      io.stderr(`superposition: interrupted; the checkpoint is in ${dir}. Continue with: superposition ${[...again, ...(again.includes('--resume') ? [] : ['--resume'])].join(' ')}\n`);
    }
    throw e;
  }
  const { run, png, figures } = drawn;
  // The Parquet files first (streamed chunk by chunk, each renamed into place when complete):
  // results.json, written after, names them and may leave its per-model records to them.
  await mkdir(o.out, { recursive: true });
  const parquetPaths = streamedFiles ?? (await writeRunParquet(o.out, run, { spec }));
  const cellsFile = cellsInParquet ? PARQUET_FILES.models : undefined;
  const files: OutputFile[] = [
    { name: OUTPUT_FILES.json, data: resultsJsonChunks(spec, run, { metric, png: png !== null, parquet: { ...PARQUET_FILES }, ...(cellsFile ? { cellsFile } : {}) }) },
    { name: OUTPUT_FILES.csv, data: buildCellsCsv(spec, run) },
  ];
  if (png) files.push({ name: OUTPUT_FILES.png, data: png });
  files.push(...figures);
  // shard.json last: files are renamed in order, so its presence means the shard's results are complete.
  if (shard) files.push({ name: SHARD_MANIFEST_FILE, data: JSON.stringify(describeShard(spec, shard, run, { source: shard.source, wholeSets: whole }), null, 2) + '\n' });
  const paths = [...(await writeOutputsAtomically(o.out, files)), parquetPaths.models, parquetPaths.points];
  await writer?.remove();
  // Not a progress report: --quiet keeps it.
  const diverged = divergedCount(run);
  if (diverged > 0) io.stderr(`warning: ${diverged} model(s) diverged (NaN/Inf) and were not kept; lower training.learningRate\n`);
  if (!o.quiet) {
    const samples = run.groups.reduce((a, g) => a + modelCount(g) * g.set.training.steps * g.set.training.batchSize, 0);
    const d = run.device;
    io.stderr(
      `trained ${instances} models (${compact(samples)} samples) in ${run.timings.totalSeconds.toFixed(1)} s on ` +
        `${[d.vendor, d.architecture, d.description].filter(Boolean).join(' ') || 'unknown adapter'} (${run.backend})\n`,
    );
    const theory = theoryReport(spec, run);
    if (theory) {
      io.stderr(
        `exact theory (n = ${spec.nFeatures}, m = ${spec.nHidden}): ${theory.agreeing} of ${theory.compared} cells agree (${(100 * theory.fraction).toFixed(1)} %) ` +
          `away from the phase boundaries; ${theory.nearBoundary} cells near a boundary not compared\n`,
      );
    }
  }
  io.stdout(`wrote:\n${paths.map((p) => `  ${p}\n`).join('')}`);
}

/**
 * Runs `figure`: loads RESULTS.json, draws the figure and writes it as SVG, PNG or GIF (PNG and GIF
 * through headless Chromium). @returns the exit code
 * @throws CliError (exit 2) for an unreadable or invalid results file, or a figure that does not fit
 */
async function figureCommand(o: FigureOptions, io: CliIO): Promise<number> {
  let text: string;
  try {
    text = await readFile(o.results, 'utf8');
  } catch (e) {
    throw new CliError(`cannot read ${JSON.stringify(o.results)}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  let scene;
  try {
    const loaded = parseResultsJson(await withParquetCells(JSON.parse(text), readArrayBufferIn(dirname(o.results))), o.results);
    scene = drawFigure(o.figure, loaded);
  } catch (e) {
    if (e instanceof SyntaxError) throw new CliError(`${o.results} is not JSON: ${e.message}`);
    if (e instanceof ResultsFileError || e instanceof FigureError) throw new CliError(e.message);
    throw e;
  }
  const ext = extname(o.out).toLowerCase();
  let data: string | Uint8Array;
  if (ext === '.svg') data = sceneToSvg(scene);
  else {
    if (ext === '.gif' && !(scene.frames && scene.frames.length > 1)) throw new CliError(`--out: figure ${o.figure} is not animated; write .png or .svg`);
    const { openHeadlessBrowser } = await import('./chromium.js');
    const browser = await openHeadlessBrowser();
    try {
      const drawn = await browser.renderScene(scene, o.scale, ext === '.gif');
      data = ext === '.gif' ? encodeGif(drawn.frames!, drawn.width, drawn.height) : drawn.png;
    } finally {
      await browser.close();
    }
  }
  const paths = await writeOutputsAtomically(dirname(resolve(o.out)), [{ name: basename(o.out), data }]);
  io.stdout(`wrote:\n${paths.map((p) => `  ${p}\n`).join('')}`);
  return 0;
}

/** A reader of files in `dir` as ArrayBuffers of their own (a Buffer may share a pooled one). */
function readArrayBufferIn(dir: string): (name: string) => Promise<ArrayBuffer> {
  return async (name) => {
    const b = await readFile(join(dir, name));
    return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;
  };
}

/** Reads a JSON file, or undefined when it does not exist. @throws CliError when it exists but is not JSON */
async function readJsonIfPresent(path: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new CliError(`cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    throw new CliError(`${path} is not JSON: ${(e as Error).message}`);
  }
}

/**
 * Runs `merge`: combines shard folders into exactly what an unsharded run writes, then draws the
 * phase-diagram PNG and every figure that fits (PNG and SVG; SVG only without Chromium). With
 * --progress, reports the shards present and missing and writes nothing.
 * @returns 0 (merged, or --progress with every shard present), 1 (--progress with shards missing)
 * @throws CliError (exit 2) naming the shard that is missing, duplicated or of another run
 */
async function mergeCommand(o: MergeOptions, io: CliIO): Promise<number> {
  const inputs = await Promise.all(
    o.shards.map(async (dir) => ({ dir, results: await withParquetCells(await readJsonIfPresent(join(dir, OUTPUT_FILES.json)), readArrayBufferIn(dir)), manifest: await readJsonIfPresent(join(dir, SHARD_MANIFEST_FILE)) })),
  );
  if (o.progress) {
    const p = mergeProgress(inputs);
    io.stdout(formatMergeProgress(p));
    return p.complete ? 0 : 1;
  }
  let merged;
  try {
    merged = mergeShardResults(inputs, o.metric ? { metric: o.metric } : {});
  } catch (e) {
    if (e instanceof MergeError) throw new CliError(e.message);
    throw e;
  }
  const loaded = parseResultsJson(merged.json(), 'merged results');
  const spec = loaded.spec;
  const metric = o.metric ?? (loaded.metric as MetricChoice | undefined) ?? defaultMetric(spec);
  const warn = (message: string) => io.stderr(`superposition: warning: ${message}\n`);
  const scenes = o.figures ? drawFigures({ spec, groups: loaded.groups }, undefined, warn) : [];
  let png: Uint8Array | null = null;
  let figures: OutputFile[];
  const { openHeadlessBrowser } = await import('./chromium.js');
  let browser: HeadlessBrowser | undefined;
  try {
    browser = await openHeadlessBrowser();
  } catch (e) {
    if (!(e instanceof NoChromiumError)) throw e;
    warn(`${OUTPUT_FILES.png} and the figure PNGs not written: drawing them needs Chromium (the SVG figures are written). ${e.message}`);
  }
  try {
    figures = await figureFiles(scenes, browser ?? null, o.scale, Object.values(OUTPUT_FILES));
    // buildFigure reads only set, results and kept of each group.
    if (browser) png = await browser.render(buildFigure(spec, loaded.groups as unknown as GroupResult[], metric));
  } finally {
    await browser?.close();
  }
  // The merged Parquet files come from the shards' own (float32 as trained), in the unsharded layout.
  await mkdir(o.out!, { recursive: true });
  let exact;
  try {
    exact = await mergedParquetGroups(resolveSpecGroups(spec), o.shards);
  } catch (e) {
    throw new CliError((e as Error).message);
  }
  const parquetPaths = await writeRunParquet(o.out!, { groups: exact }, { spec });
  // As a sweep does: above the default --json-cells-max the per-model records stay in models.parquet.
  const cellsFile = merged.report.cells > DEFAULT_JSON_CELLS_MAX ? PARQUET_FILES.models : undefined;
  const files: OutputFile[] = [
    { name: OUTPUT_FILES.json, data: merged.chunks({ metric, png: png !== null, parquet: { ...PARQUET_FILES }, ...(cellsFile ? { cellsFile } : {}) }) },
    { name: OUTPUT_FILES.csv, data: merged.cellsCsv() },
  ];
  if (png) files.push({ name: OUTPUT_FILES.png, data: png });
  files.push(...figures);
  const paths = [...(await writeOutputsAtomically(o.out!, files)), parquetPaths.models, parquetPaths.points];
  io.stderr(`merged ${merged.report.shards.length} shards: ${merged.report.points} points, ${merged.report.cells} models\n`);
  io.stdout(`wrote:\n${paths.map((p) => `  ${p}\n`).join('')}`);
  return 0;
}

/**
 * Runs the CLI.
 * @param argv arguments after the program name, e.g. ['sweep', '--preset', 'tiny', '--out', 'out']
 * @returns the exit code (0 ok, 1 run failure, 2 bad input, 130 cancelled)
 */
export async function main(argv: string[] = process.argv.slice(2), io: CliIO = defaultIO): Promise<number> {
  try {
    const parsed = parseCliArgs(argv);
    if (parsed.command === 'exit') {
      if (parsed.stdout) io.stdout(parsed.stdout);
      if (parsed.stderr) io.stderr(parsed.stderr);
      return parsed.exitCode;
    }
    if (parsed.command === 'figure') return await figureCommand(parsed.options, io);
    if (parsed.command === 'merge') return await mergeCommand(parsed.options, io);
    if (parsed.command === 'presets') {
      io.stdout(presetsTable());
      return 0;
    }
    return await sweep(parsed.options, io);
  } catch (e) {
    const [message, code] = describeError(e);
    io.stderr(`superposition: error: ${message}\n`);
    if (process.env.SUPERPOSITION_DEBUG && e instanceof Error && e.stack) io.stderr(e.stack + '\n');
    return code;
  }
}
