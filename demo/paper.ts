/**
 * The gallery (demo/paper.html): every figure of src/figures/registry.ts in its own
 * `<superposition-figure>`, trained in the reader's browser at a stated budget, or loaded from the
 * precomputed results in demo/data/ (written by `superposition sweep`; see demo/data/README.md).
 * The polygon explorer trains n = 3 … 12 features in m = 2 from a slider.
 */
import '../src/components/define.js';
import { FIGURES } from '../src/figures/registry.js';
import { resolveSpecGroups, type SweepSpecInput } from '../src/science/spec.js';
import { getPreset } from '../src/science/presets.js';
import { specFromAttributes } from '../src/components/attributes.js';
import type { SuperpositionFigure } from '../src/components/figure-element.js';

/** One gallery entry: the figure, the preset it trains, the in-browser budget, the precomputed file. */
interface Entry {
  figure: string;
  preset: string;
  /** One sweep of a preset's series (trained instead of the preset's main spec). */
  series?: number;
  steps?: number;
  seeds?: number;
  /** demo/data/<file> (results.json written by the CLI). */
  data: string;
}

/** Budgets stay ≤ 5·10¹⁰ samples per figure (under a minute at a laptop GPU's ~10⁹ samples/s). */
export const GALLERY: Entry[] = [
  { figure: 'model-strip', preset: 'relu-vs-linear', data: 'relu-vs-linear.json' },
  { figure: 'feature-arrows', preset: 'intro', data: 'intro.json' },
  { figure: 'benefit', preset: 'relu-vs-linear', data: 'relu-vs-linear.json' },
  { figure: 'feature-dimensionality', preset: 'feature-dimensionality', data: 'feature-dimensionality.json' },
  { figure: 'non-uniform', preset: 'non-uniform', data: 'non-uniform.json' },
  { figure: 'correlated', preset: 'correlated', data: 'correlated.json' },
  { figure: 'correlated', preset: 'anticorrelated', data: 'anticorrelated.json' },
  { figure: 'privileged-basis', preset: 'privileged-basis', data: 'privileged-basis.json' },
  { figure: 'computation', preset: 'abs-small', data: 'abs-small.json' },
  { figure: 'phase-diagram', preset: 'phase-2-1', data: 'phase-2-1.json' },
  { figure: 'phase-diagram', preset: 'phase-3-2', data: 'phase-3-2.json' },
  { figure: 'dynamics', preset: 'dynamics', data: 'dynamics.json' },
  // The replications' own models beside the paper's (x' = Wᵀ ReLU(Wx + b_h); x' = WᵀWx).
  { figure: 'benefit', preset: 'replications', data: 'replication-000.json' },
  { figure: 'feature-arrows', preset: 'replications', series: 0, data: 'replication-000-arrows.json' },
  { figure: 'feature-arrows', preset: 'replications', series: 1, data: 'replication-003.json' },
];

/** The spec an entry trains: a sweep of the preset's series, or undefined for the preset itself. */
function seriesSpec(e: Entry): SweepSpecInput | undefined {
  return e.series === undefined ? undefined : getPreset(e.preset).series?.[e.series];
}

/** Training samples of a preset at the entry's budget: points × seeds × steps × batch size. */
function samples(e: Entry | { spec: SweepSpecInput }): number {
  const own = 'spec' in e ? e.spec : seriesSpec(e);
  const spec = own ? specFromAttributes({}, own) : specFromAttributes({ preset: (e as Entry).preset, steps: (e as Entry).steps ?? null, seeds: (e as Entry).seeds ?? null });
  return resolveSpecGroups(spec).reduce((s, g) => s + g.points.length * g.seeds * g.training.steps * g.training.batchSize, 0);
}

const SUPERSCRIPT = '⁰¹²³⁴⁵⁶⁷⁸⁹';
/** 1.4e8 → "1.4 × 10⁸". */
const fmt = (v: number) => {
  const [mantissa, exponent] = v.toExponential(1).split('e');
  return `${mantissa} × 10${[...String(Number(exponent))].map((d) => SUPERSCRIPT[Number(d)] ?? '⁻').join('')}`;
};

function section(e: Entry, index: number): HTMLElement {
  const def = FIGURES[e.figure]!;
  const s = document.createElement('section');
  s.id = `figure-${index}`;
  const name = seriesSpec(e)?.name ?? (e.preset === 'replications' ? 'replication-000' : e.preset);
  s.innerHTML = `<h2>${index + 1}. ${def.title} <small>(${name})</small></h2><p class="notice"></p><p class="budget"></p>`;
  s.querySelector('.notice')!.textContent = def.notice;
  s.querySelector('.budget')!.textContent = `Budget: ${fmt(samples(e))} training samples (preset ${e.preset}${e.series !== undefined ? `, sweep ${name}` : ''}).`;
  const el = document.createElement('superposition-figure') as SuperpositionFigure;
  el.figure = e.figure;
  el.preset = e.preset;
  const own = seriesSpec(e);
  if (own) el.spec = own;
  el.dataset.data = e.data;
  if (e.steps) el.steps = e.steps;
  if (e.seeds) el.seeds = e.seeds;
  s.append(el);
  return s;
}

/** The polygon explorer: n features in m = 2 from a slider, trained (not drawn from theory). */
function polygonSpec(k: number): SweepSpecInput {
  return { name: `polygon-${k}`, model: 'relu', nFeatures: k, nHidden: 2, x: { param: 'featureProbability', values: [0.05], scale: 'log' }, seeds: 4, training: { steps: 3000, batchSize: 512 } };
}

function explorer(): HTMLElement {
  const s = document.createElement('section');
  s.id = 'polygon-explorer';
  s.innerHTML = `<h2>${GALLERY.length + 1}. Polygon explorer</h2>
    <p class="notice">Drag the slider: k features of equal importance at S = 0.95 in two dimensions settle into a regular polygon, as many as fit; this is the trained model, not an ideal drawing.</p>
    <label>features n = <output>5</output> <input type="range" min="3" max="12" value="5" aria-label="number of features"></label>
    <p class="budget"></p>`;
  const el = document.createElement('superposition-figure') as SuperpositionFigure;
  el.figure = 'feature-arrows';
  const input = s.querySelector('input')!;
  const apply = () => {
    const k = Number(input.value);
    s.querySelector('output')!.textContent = String(k);
    el.spec = polygonSpec(k);
    // demo/data/polygon-k.json: the same spec at a larger budget, for the precomputed mode.
    el.dataset.data = `polygon-${k}.json`;
    const budget = s.querySelector<HTMLElement>('.budget')!;
    budget.dataset.live = `Budget: ${fmt(samples({ spec: polygonSpec(k) }))} training samples.`;
    budget.textContent = budget.dataset.live;
    applyModeTo(el);
    if (el.isConnected && trainLive()) void el.start();
  };
  input.addEventListener('change', apply);
  apply();
  s.append(el);
  return s;
}

const main = document.querySelector('main')!;
const toggle = document.querySelector<HTMLInputElement>('#precomputed')!;
const params = new URLSearchParams(location.search);
// ?precomputed starts with the saved results; ?manual trains nothing until a Train button is pressed.
if (params.has('precomputed')) toggle.checked = true;
const trainLive = () => !toggle.checked;
main.append(...GALLERY.map(section), explorer());

/**
 * What a precomputed file's budget was, from the file itself: samples (its spec's points × seeds ×
 * steps × batch), the run's wall-clock time and the device that wrote it. Wall-clock, not CPU time:
 * several of these runs shared the machine, so demo/data/README.md gives each one's CPU time.
 */
async function precomputedBudget(file: string): Promise<string> {
  const results = (await (await fetch(`data/${file}`)).json()) as { spec: SweepSpecInput; timings?: { totalSeconds?: number }; device?: { description?: string; vendor?: string } };
  const minutes = (results.timings?.totalSeconds ?? NaN) / 60;
  const device = results.device?.description || results.device?.vendor || 'an unnamed adapter';
  return `Precomputed: ${fmt(samples({ spec: results.spec }))} training samples${Number.isFinite(minutes) ? `, ${minutes < 1 ? '<1' : Math.round(minutes)} min wall-clock` : ''} on ${device} (see demo/data/README.md).`;
}

/** Precomputed: the figure shows its demo/data file and that file's budget; live: it trains (when it scrolls into view). */
function applyModeTo(el: SuperpositionFigure): void {
  const budget = el.closest('section')?.querySelector<HTMLElement>('.budget') ?? el.parentElement?.querySelector<HTMLElement>('.budget');
  if (budget) budget.dataset.live ??= budget.textContent ?? '';
  const file = el.dataset.data;
  if (toggle.checked && file) {
    el.src = `data/${file}`;
    // Only if the figure still shows this file when the answer comes (the slider may have moved).
    if (budget) void precomputedBudget(file).then((text) => toggle.checked && el.dataset.data === file && (budget.textContent = text)).catch(() => {});
  } else {
    el.src = null;
    if (budget) budget.textContent = budget.dataset.live ?? '';
  }
}

/** Every figure of the page in the mode of the switch. */
function applyMode(): void {
  for (const el of main.querySelectorAll<SuperpositionFigure>('superposition-figure')) applyModeTo(el);
}
toggle.addEventListener('change', applyMode);
applyMode();

// Live mode trains a figure when it first comes into view, one at a time (they share the GPU).
let queue = Promise.resolve();
const seen = new IntersectionObserver((entries) => {
  for (const entry of entries) {
    if (!entry.isIntersecting || !trainLive()) continue;
    const el = entry.target as SuperpositionFigure;
    seen.unobserve(el);
    queue = queue.then(() => el.start());
  }
});
if (!params.has('manual')) for (const el of main.querySelectorAll('superposition-figure')) seen.observe(el);
