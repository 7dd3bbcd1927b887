/** The CLI's argument parsing and validation (src/headless/args.ts): no browser, no GPU. */
import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildSweepSpec, buildSweepSpecs, checkOutDir, CliError, parseCliArgs, validateSweepOptions, type SweepOptions } from '../../src/headless/args.js';
import { parseMetric } from '../../src/render/figure-data.js';
import { describeError, presetsTable } from '../../src/headless/cli.js';

function sweepOptions(argv: string[]): SweepOptions {
  const parsed = parseCliArgs(['sweep', ...argv]);
  if (parsed.command !== 'sweep') throw new Error(`expected sweep, got ${parsed.command}: ${'stderr' in parsed ? parsed.stderr : ''}`);
  return parsed.options;
}

function cliMessage(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(CliError);
    return (e as Error).message;
  }
  throw new Error('expected a CliError');
}

describe('parseCliArgs', () => {
  it('parses a sweep with every flag', () => {
    const o = sweepOptions(['--preset', 'tiny', '--out', 'o', '--backend', 'node', '--steps', '50', '--batch-size', '32', '--seeds', '3', '--cols', '5', '--rows', '6', '--seed', '7', '--metric', 'norm:0', '--quiet']);
    expect(o).toMatchObject({ preset: 'tiny', out: 'o', backend: 'node', steps: 50, batchSize: 32, seeds: 3, cols: 5, rows: 6, seed: 7, quiet: true, fromGrid: false, metric: { name: 'norm', feature: 0 } });
  });

  it('defaults to the auto backend, not quiet', () => {
    const o = sweepOptions(['--preset', 'tiny', '--out', 'o']);
    expect(o.backend).toBe('auto');
    expect(o.quiet).toBe(false);
    expect(o.steps).toBeUndefined();
  });

  it('--grid sets both axes', () => {
    expect(sweepOptions(['--preset', 'tiny', '--out', 'o', '--grid', '8'])).toMatchObject({ cols: 8, rows: 8, fromGrid: true });
  });

  it('parses the presets command', () => {
    expect(parseCliArgs(['presets'])).toEqual({ command: 'presets' });
  });

  it('returns help text and usage errors without printing or exiting', () => {
    const help = parseCliArgs(['sweep', '--help']);
    expect(help).toMatchObject({ command: 'exit', exitCode: 0 });
    expect(help.command === 'exit' && help.stdout).toMatch(/--batch-size <n>.*examples per training step/s);
    const missingOut = parseCliArgs(['sweep', '--preset', 'tiny']);
    expect(missingOut).toMatchObject({ command: 'exit', exitCode: 2 });
    expect(missingOut.command === 'exit' && missingOut.stderr).toMatch(/--out/);
    const badBackend = parseCliArgs(['sweep', '--preset', 'tiny', '--out', 'o', '--backend', 'cuda']);
    expect(badBackend).toMatchObject({ command: 'exit', exitCode: 2 });
    expect(parseCliArgs([])).toMatchObject({ command: 'exit', exitCode: 2 });
  });
});

describe('validateSweepOptions', () => {
  it.each([
    [{ out: 'o' }, /one of --preset NAME or --config/],
    [{ out: 'o', preset: 'tiny', config: 'c.json' }, /only one of --preset/],
    [{ out: 'o', preset: 'tiny', steps: '0' }, /--steps: "0" is out of range; allowed: integers 1\.\.10000000/],
    [{ out: 'o', preset: 'tiny', steps: '1.5' }, /--steps: "1.5" is out of range/],
    [{ out: 'o', preset: 'tiny', steps: 'ten' }, /--steps: "ten"/],
    [{ out: 'o', preset: 'tiny', batchSize: '100000' }, /--batch-size: "100000" is out of range; allowed: integers 1\.\.65536/],
    [{ out: 'o', preset: 'tiny', seeds: '0' }, /--seeds: "0" .*1\.\.1024/],
    [{ out: 'o', preset: 'tiny', grid: '5000' }, /--grid: "5000" .*1\.\.4096/],
    [{ out: 'o', preset: 'tiny', grid: '4', cols: '3' }, /either --grid N or --cols N/],
    [{ out: 'o', preset: 'tiny', seed: '-1' }, /--seed: "-1" .*0\.\.4294967295/],
    [{ out: 'o', preset: 'tiny', seed: '4294967296' }, /--seed: "4294967296"/],
    [{ out: 'o', preset: 'tiny', metric: 'colour' }, /--metric: "colour" is not allowed; allowed: regime, norm/],
    [{ out: 'o', preset: 'tiny', metric: 'loss:1' }, /one value per model/],
  ])('rejects %j', (raw, message) => {
    expect(cliMessage(() => validateSweepOptions(raw))).toMatch(message);
  });

  it('parses metric names with and without a feature', () => {
    expect(parseMetric('regime')).toEqual({ name: 'regime' });
    expect(parseMetric('benefit:3')).toEqual({ name: 'benefit', feature: 3 });
  });
});

describe('buildSweepSpec', () => {
  const base = (extra: Partial<SweepOptions>): SweepOptions => ({ out: 'o', backend: 'chromium', fromGrid: false, quiet: true, ...extra });

  it('applies overrides to a preset', () => {
    const { spec, metric } = buildSweepSpec(base({ preset: 'tiny', steps: 10, batchSize: 8, seeds: 2, seed: 5, cols: 3, rows: 2 }));
    expect(spec.training.steps).toBe(10);
    expect(spec.training.batchSize).toBe(8);
    expect(spec.seeds).toBe(2);
    expect(spec.seed).toBe(5);
    expect(spec.x && 'count' in spec.x && spec.x.count).toBe(3);
    expect(spec.y && 'count' in spec.y && spec.y.count).toBe(2);
    expect(metric).toEqual({ name: 'regime' });
  });

  it('a preset with a series gives one spec per sweep, each with its subfolder, every override applied', () => {
    const sweeps = buildSweepSpecs(base({ preset: 'polygons', steps: 7 }));
    expect(sweeps.map((w) => [w.subdir, w.spec.nFeatures, w.spec.training.steps])).toEqual([5, 3, 4, 6, 7, 8].map((k) => [`polygons-${k}`, k, 7]));
    expect(buildSweepSpecs(base({ preset: 'tiny' })).map((w) => w.subdir)).toEqual([undefined]);
  });

  it('applies --grid to both axes', () => {
    const { spec } = buildSweepSpec(base({ preset: 'tiny', cols: 7, rows: 7, fromGrid: true }));
    expect(spec.x && 'count' in spec.x && spec.x.count).toBe(7);
    expect(spec.y && 'count' in spec.y && spec.y.count).toBe(7);
  });

  it('names an unknown preset and the known ones', () => {
    expect(cliMessage(() => buildSweepSpec(base({ preset: 'nope' })))).toMatch(/unknown preset "nope"; known presets: .*tiny/);
  });

  it('rejects resizing an axis of explicit values', () => {
    expect(cliMessage(() => buildSweepSpec(base({ preset: 'intro', cols: 3 })))).toMatch(/--cols: spec.x lists explicit values/);
    expect(cliMessage(() => buildSweepSpec(base({ preset: 'intro', rows: 3 })))).toMatch(/--rows: the spec has no y axis/);
  });

  it('--n-features, --n-hidden and --x-min widen feature-dimensionality to the paper\'s 400 → 30 over 1/(1 − S) from 1 to 100', () => {
    const o = sweepOptions(['--preset', 'feature-dimensionality', '--out', 'o', '--n-features', '400', '--n-hidden', '30', '--x-min', '0.01', '--cols', '30']);
    expect(o).toMatchObject({ nFeatures: 400, nHidden: 30, xMin: 0.01, cols: 30 });
    const { spec } = buildSweepSpec(o);
    expect([spec.nFeatures, spec.nHidden]).toEqual([400, 30]);
    // The preset's explicit list (p = 1 … 1/20) became a log axis from 0.01 to its largest value, 1.
    expect(spec.x).toMatchObject({ param: 'featureProbability', min: 0.01, max: 1, count: 30, scale: 'log' });
    expect(spec.x && 'values' in spec.x ? spec.x.values : undefined).toBeUndefined();
    // Without --cols the count is the list's own.
    const same = buildSweepSpec(base({ preset: 'feature-dimensionality', xMax: 0.5 })).spec.x;
    expect(same).toMatchObject({ min: 0.05, max: 0.5, count: 20 });
  });

  it('refuses bad --n-features, --n-hidden and --x-min values, naming the flag or field and the range', () => {
    expect(cliMessage(() => sweepOptions(['--preset', 'tiny', '--out', 'o', '--n-features', '1']))).toMatch(/--n-features: "1" is out of range; allowed: integers 2\.\.4096/);
    expect(cliMessage(() => sweepOptions(['--preset', 'tiny', '--out', 'o', '--x-min', '-1']))).toMatch(/--x-min: "-1" is not allowed; allowed: a number > 0/);
    // m ≥ n for a relu model, and p > 1, are the spec's to refuse.
    expect(cliMessage(() => buildSweepSpec(base({ preset: 'feature-dimensionality', nHidden: 200 })))).toMatch(/nHidden/);
    expect(cliMessage(() => buildSweepSpec(base({ preset: 'feature-dimensionality', xMax: 2 })))).toMatch(/x\.max.*2/);
    expect(cliMessage(() => buildSweepSpec(base({ preset: 'pentagon', xMin: 0.1 })))).toMatch(/--x-min: the spec has no x axis/);
    const dir = mkdtempSync(join(tmpdir(), 'xrange-'));
    const config = join(dir, 'models.json');
    writeFileSync(config, JSON.stringify({ nFeatures: 5, nHidden: 2, featureProbability: 0.1, x: { param: 'model', values: ['relu', 'linear'] } }));
    expect(cliMessage(() => buildSweepSpec(base({ config, xMax: 0.5 })))).toMatch(/--x-max: spec\.x sweeps model kinds, which have no range/);
  });

  it('rejects a feature index ≥ n', () => {
    expect(cliMessage(() => buildSweepSpec(base({ preset: 'tiny', metric: { name: 'norm', feature: 2 } })))).toMatch(/feature index 2 is out of range; allowed: 0\.\.1/);
  });

  describe('config files', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cli-args-'));
    const write = (name: string, text: string): string => {
      const f = join(dir, name);
      writeFileSync(f, text);
      return f;
    };
    const tinyLike = {
      nFeatures: 2,
      nHidden: 1,
      x: { param: 'featureProbability', min: 0.01, max: 1, count: 2 },
      y: { param: 'importance', mode: 'last', min: 0.1, max: 10, count: 2 },
    };

    it('accepts a valid config', () => {
      const { spec } = buildSweepSpec(base({ config: write('ok.json', JSON.stringify(tinyLike)) }));
      expect(spec.nFeatures).toBe(2);
    });

    it('rejects invalid JSON, naming the file', () => {
      const f = write('bad.json', '{ "nFeatures": 2,');
      expect(cliMessage(() => buildSweepSpec(base({ config: f })))).toMatch(/bad\.json: invalid JSON/);
    });

    it('rejects p outside (0, 1], naming the value and the range', () => {
      const f = write('p.json', JSON.stringify({ ...tinyLike, x: { ...tinyLike.x, max: 1.5 } }));
      expect(cliMessage(() => buildSweepSpec(base({ config: f })))).toMatch(/spec\.x\.max: 1\.5 is out of range; allowed: \(0, 1\]/);
    });

    it('rejects n ≤ m', () => {
      const f = write('nm.json', JSON.stringify({ ...tinyLike, nHidden: 2 }));
      expect(cliMessage(() => buildSweepSpec(base({ config: f })))).toMatch(/spec\.nHidden: 2 is out of range; allowed: 1\.\.1/);
    });

    it('rejects a missing file', () => {
      expect(cliMessage(() => buildSweepSpec(base({ config: join(dir, 'missing.json') })))).toMatch(/--config: cannot read .*missing\.json.*ENOENT/);
    });

    it('checks the output folder without creating it', () => {
      const file = write('plain.txt', 'x');
      expect(cliMessage(() => checkOutDir(file))).toMatch(/exists and is not a folder/);
      expect(cliMessage(() => checkOutDir(join(file, 'sub')))).toMatch(/is not a folder/);
      expect(() => checkOutDir(join(dir, 'new', 'deeper'))).not.toThrow();
    });
  });
});

describe('cli helpers', () => {
  it('lists presets with instances and samples', () => {
    const table = presetsTable();
    expect(table).toMatch(/^NAME\s+INSTANCES\s+SAMPLES\s+DESCRIPTION/);
    expect(table).toMatch(/\btiny\s+16\s+2\.05e5\b/);
  });

  it('maps errors to one message and an exit code', () => {
    expect(describeError(new CliError('bad'))).toEqual(['bad', 2]);
    const limit = Object.assign(new Error('needs 2 GiB'), { name: 'DeviceLimitError' });
    expect(describeError(limit)[1]).toBe(2);
    expect(describeError(limit)[0]).toMatch(/^DeviceLimitError: needs 2 GiB \(make the sweep smaller/);
    expect(describeError(Object.assign(new Error('x'), { name: 'NoAdapterError' }))[1]).toBe(1);
  });
});

describe('checkSweepSize', () => {
  it('counts what a cell holds beyond W and b: the same grid with a recorded history is refused, naming the model count and the maximum', async () => {
    const { checkSweepSize } = await import('../../src/headless/args.js');
    const { parseSpec } = await import('../../src/science/spec.js');
    const grid = { x: { param: 'featureProbability', min: 0.01, max: 1, count: 100, scale: 'log' }, y: { param: 'importance', mode: 'uniform', min: 0.5, max: 2, count: 50, scale: 'log' }, seeds: 4 } as const;
    const plain = parseSpec({ nFeatures: 20, nHidden: 5, ...grid });
    expect(() => checkSweepSize(plain)).not.toThrow();
    const recorded = parseSpec({ nFeatures: 20, nHidden: 5, ...grid, training: { steps: 10000 }, record: { every: 100, metrics: ['loss', 'dimensionality'] } });
    expect(() => checkSweepSize(recorded)).toThrow(/the sweep has 20000 models .*allowed: at most \d+ at n = 20, m = 5/);
  });
});

describe('resume, shard and merge flags', () => {
  it('parses --resume, --checkpoint-seconds, --shard and --shard-count; refuses bad combinations', () => {
    expect(sweepOptions(['--preset', 'tiny', '--out', 'o', '--resume', '--checkpoint-seconds', '5'])).toMatchObject({ resume: true, checkpointSeconds: 5 });
    expect(sweepOptions(['--preset', 'tiny', '--out', 'o', '--shard', '2/5'])).toMatchObject({ shard: { index: 2, count: 5 } });
    expect(sweepOptions(['--preset', 'tiny', '--out', 'o', '--shard-count', '4'])).toMatchObject({ shardCount: 4 });
    expect(cliMessage(() => sweepOptions(['--preset', 'tiny', '--out', 'o', '--resume', '--force']))).toMatch(/only one of --resume .* or --force/);
    expect(cliMessage(() => sweepOptions(['--preset', 'tiny', '--out', 'o', '--shard', '5/5']))).toMatch(/--shard: "5\/5" is out of range; allowed: K\/N/);
    expect(cliMessage(() => sweepOptions(['--preset', 'tiny', '--out', 'o', '--shard', '0/2', '--shard-count', '2']))).toMatch(/only one of --shard K\/N or --shard-count N/);
    expect(cliMessage(() => sweepOptions(['--preset', 'tiny', '--out', 'o', '--shard', '0/2', '--backend', 'chromium']))).toMatch(/need --backend node or auto/);
  });

  it('parses merge with --out or --progress, not both and not neither', () => {
    expect(parseCliArgs(['merge', 'a', 'b', '--out', 'm'])).toMatchObject({ command: 'merge', options: { shards: ['a', 'b'], out: 'm', progress: false, figures: true } });
    expect(parseCliArgs(['merge', 'a', '--progress'])).toMatchObject({ command: 'merge', options: { progress: true } });
    expect(cliMessage(() => parseCliArgs(['merge', 'a', '--progress', '--out', 'm']))).toMatch(/not both/);
    expect(cliMessage(() => parseCliArgs(['merge', 'a']))).toMatch(/--out DIR is required/);
  });
});
