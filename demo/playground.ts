/**
 * The playground (demo/index.html): every attribute of `<superposition-phase-diagram>` as a form
 * control, Start/Stop, Download PNG, and the HTML snippet of what is on screen.
 *
 * The element is the single source of truth: controls write attributes, and the snippet and the
 * controls are redrawn from the element's attributes (a MutationObserver), so the snippet is always
 * what the page really shows.
 */
import { specFromAttributes, type SuperpositionPhaseDiagram, type SweepAttributes } from '../src/element.js';
import { axisValues, type Axis, type SweepSpec } from '../src/index.js';

/** Attributes the form controls (name = attribute), in snippet order. */
const SWEEP_FIELDS = [
  'preset',
  'model',
  'n-features',
  'n-hidden',
  'density-min',
  'density-max',
  'density-mode',
  'importance-min',
  'importance-max',
  'importance-mode',
  'cols',
  'rows',
  'seeds',
  'steps',
  'batch-size',
  'learning-rate',
  'seed',
] as const;
const DISPLAY_FIELDS = ['metric', 'feature'] as const;
const BOOLEAN_FIELDS = ['theory', 'autostart', 'no-inspector'] as const;
const SNIPPET_ORDER = [...SWEEP_FIELDS, ...DISPLAY_FIELDS, ...BOOLEAN_FIELDS, 'src'];

/** The small grid the page starts with: about 10 s on a CPU WebGPU fallback (SwiftShader). */
const QUICK_DEFAULTS: Record<string, string> = { preset: 'phase-2-1', cols: '12', rows: '12', seeds: '1', steps: '800', 'batch-size': '256' };

const $ = <T extends Element>(selector: string): T => {
  const el = document.querySelector<T>(selector);
  if (!el) throw new Error(`playground: ${selector} is missing`);
  return el;
};

const diagram = $<SuperpositionPhaseDiagram>('#diagram');
const form = $<HTMLFormElement>('#controls');
const startButton = $<HTMLButtonElement>('#start');
const downloadButton = $<HTMLButtonElement>('#download');
const defaultsButton = $<HTMLButtonElement>('#defaults');
const stateText = $<HTMLElement>('#state');
const eventsText = $<HTMLElement>('#events');
const snippet = $<HTMLTextAreaElement>('#snippet');
const copyButton = $<HTMLButtonElement>('#copy');
const copiedText = $<HTMLElement>('#copied');

type Control = HTMLInputElement | HTMLSelectElement;
const control = (name: string): Control | undefined => (form.elements.namedItem(name) as Control | null) ?? undefined;

// ---------------------------------------------------------------------------------------------
// Controls -> attributes
// ---------------------------------------------------------------------------------------------

function applyControl(c: Control): void {
  const name = c.name;
  if (c instanceof HTMLInputElement && c.type === 'checkbox') {
    diagram.toggleAttribute(name, c.checked);
    return;
  }
  const value = c.value.trim();
  if (value === '') diagram.removeAttribute(name);
  else diagram.setAttribute(name, value);
}

form.addEventListener('change', (event) => {
  const c = event.target as Control;
  if (!c.name) return;
  if (c.name === 'preset') {
    // A new preset starts from its own values: clear the sweep overrides.
    for (const name of SWEEP_FIELDS) if (name !== 'preset') diagram.removeAttribute(name);
    diagram.removeAttribute('feature');
  }
  applyControl(c);
});
form.addEventListener('submit', (event) => event.preventDefault());

defaultsButton.addEventListener('click', () => {
  for (const name of [...SWEEP_FIELDS, 'feature']) diagram.removeAttribute(name);
  for (const [name, value] of Object.entries(QUICK_DEFAULTS)) diagram.setAttribute(name, value);
});

// ---------------------------------------------------------------------------------------------
// Attributes -> controls, placeholders and snippet
// ---------------------------------------------------------------------------------------------

/** The values the preset alone gives, shown as placeholders of empty fields. */
function presetValues(preset: string): Record<string, string> {
  let spec: SweepSpec;
  try {
    spec = specFromAttributes({ preset } as SweepAttributes);
  } catch {
    return {};
  }
  const out: Record<string, string> = {
    'n-features': String(spec.nFeatures),
    'n-hidden': String(spec.nHidden),
    seeds: String(spec.seeds),
    steps: String(spec.training.steps),
    'batch-size': String(spec.training.batchSize),
    'learning-rate': String(spec.training.learningRate),
    seed: String(spec.seed ?? 0),
  };
  const axis = (a: Axis | undefined, prefix: 'density' | 'importance', countName: 'cols' | 'rows') => {
    if (!a || a.param === 'model') return;
    const values = axisValues(a);
    out[`${prefix}-min`] = String(+Math.min(...values).toPrecision(4));
    out[`${prefix}-max`] = String(+Math.max(...values).toPrecision(4));
    out[countName] = String(values.length);
  };
  for (const [a, countName] of [
    [spec.x, 'cols'],
    [spec.y, 'rows'],
  ] as const) {
    if (a?.param === 'featureProbability') axis(a, 'density', countName);
    else if (a?.param === 'importance') axis(a, 'importance', countName);
    else if (a) out[countName] = String(axisValues(a).length);
    else out[countName] = '1';
  }
  return out;
}

function syncControls(): void {
  const placeholders = presetValues(diagram.getAttribute('preset') ?? 'phase-2-1');
  for (const name of [...SWEEP_FIELDS, ...DISPLAY_FIELDS, ...BOOLEAN_FIELDS]) {
    const c = control(name);
    if (!c) continue;
    if (c instanceof HTMLInputElement && c.type === 'checkbox') {
      c.checked = diagram.hasAttribute(name);
      continue;
    }
    // A select shows its first option (the element's default, e.g. metric "regime") when unset.
    const value = diagram.getAttribute(name) ?? (c instanceof HTMLSelectElement ? (c.options[0]?.value ?? '') : '');
    if (c.value !== value && document.activeElement !== c) c.value = value;
    if (c instanceof HTMLInputElement && name !== 'feature') c.placeholder = placeholders[name] ?? '';
  }
}

const escapeAttr = (v: string): string => v.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');

/** The HTML that reproduces the diagram: the script tag and the element with its attributes. */
function snippetText(): string {
  const attrs: string[] = [];
  for (const name of SNIPPET_ORDER) {
    if (!diagram.hasAttribute(name)) continue;
    const value = diagram.getAttribute(name) ?? '';
    attrs.push((BOOLEAN_FIELDS as readonly string[]).includes(name) ? name : `${name}="${escapeAttr(value)}"`);
  }
  const open = attrs.length === 0 ? '<superposition-phase-diagram>' : `<superposition-phase-diagram\n  ${attrs.join('\n  ')}\n>`;
  return `<script type="module" src="superposition-phase-diagram.js"></script>\n\n${open}</superposition-phase-diagram>`;
}

function syncSnippet(): void {
  snippet.value = snippetText();
  snippet.rows = snippet.value.split('\n').length + 1;
}

new MutationObserver(() => {
  syncControls();
  syncSnippet();
}).observe(diagram, { attributes: true, attributeFilter: SNIPPET_ORDER });

// ---------------------------------------------------------------------------------------------
// Start / Stop, Download PNG, Copy
// ---------------------------------------------------------------------------------------------

const numberFormat = new Intl.NumberFormat('en-US', { maximumSignificantDigits: 3 });
const compact = new Intl.NumberFormat('en-US', { notation: 'compact', maximumSignificantDigits: 3 });

function syncState(): void {
  const s = diagram.state;
  const training = s === 'training' || s === 'loading';
  startButton.textContent = training ? 'Stop' : s === 'complete' || s === 'stopped' ? 'Restart' : 'Start';
  downloadButton.disabled = s === 'idle' || s === 'error';
  stateText.textContent = s;
}

startButton.addEventListener('click', () => {
  const s = diagram.state;
  if (s === 'training' || s === 'loading') void diagram.stop().then(syncState);
  else void diagram.start().then(syncState);
  // start() changes the state on the next update.
  void diagram.updateComplete.then(syncState);
});

downloadButton.addEventListener('click', async () => {
  try {
    const blob = await diagram.toBlob();
    const url = URL.createObjectURL(blob);
    const a = document.createElement('a');
    a.href = url;
    a.download = `${diagram.getAttribute('preset') ?? 'phase-diagram'}-${diagram.getAttribute('metric') ?? 'regime'}.png`;
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  } catch (e) {
    eventsText.textContent = `Download failed: ${e instanceof Error ? e.message : String(e)}`;
  }
});

copyButton.addEventListener('click', async () => {
  const text = snippetText();
  try {
    await navigator.clipboard.writeText(text);
    copiedText.textContent = 'Copied.';
  } catch {
    // No clipboard permission (or not a secure context): leave the text selected for Ctrl+C.
    snippet.focus();
    snippet.select();
    copiedText.textContent = 'Press Ctrl+C (⌘C) to copy the selected text.';
  }
  setTimeout(() => (copiedText.textContent = ''), 4000);
});

// ---------------------------------------------------------------------------------------------
// Events, as an author would listen to them
// ---------------------------------------------------------------------------------------------

diagram.addEventListener('sweep-progress', (e) => {
  const d = e.detail;
  const eta = Number.isFinite(d.etaSeconds) ? ` · about ${Math.ceil(d.etaSeconds)} s left` : '';
  eventsText.textContent = `sweep-progress: ${Math.round(d.fraction * 100)} % · ${compact.format(d.samplesPerSecond)} samples/s${eta}`;
  syncState();
});
diagram.addEventListener('sweep-complete', (e) => {
  const d = e.detail;
  eventsText.textContent =
    d.source === 'loaded'
      ? `sweep-complete: loaded ${d.instances} models`
      : `sweep-complete: ${d.instances} models in ${numberFormat.format(d.seconds)} s (${compact.format(d.samplesPerSecond)} samples/s)` +
        (d.diverged ? `, ${d.diverged} diverged` : '');
  syncState();
});
diagram.addEventListener('sweep-error', (e) => {
  eventsText.textContent = `sweep-error: ${e.detail.name}: ${e.detail.message}`;
  syncState();
});
diagram.addEventListener('cell-select', (e) => {
  const d = e.detail;
  const where = [d.xTitle && Number.isFinite(d.xValue) ? `${d.xTitle.split(' ')[0]} ${numberFormat.format(d.xValue)}` : '', d.yTitle && Number.isFinite(d.yValue) ? `${d.yTitle.split(' ')[0]} ${numberFormat.format(d.yValue)}` : '']
    .filter(Boolean)
    .join(', ');
  const value = d.label ?? numberFormat.format(d.value);
  eventsText.textContent = `cell-select: cell (${d.xIndex}, ${d.yIndex})${where ? ` at ${where}` : ''}: ${d.metric} = ${value}`;
});

syncControls();
syncSnippet();
syncState();
await customElements.whenDefined('superposition-phase-diagram');
syncState();
