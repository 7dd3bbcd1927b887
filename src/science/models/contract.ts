/**
 * The model-kind contract. Every model kind of this project is a one-hidden-layer autoencoder
 *
 *   h_pre = E x (+ b_h),   h = φ_h(h_pre),   out_pre = D h (+ b),   x' = φ_o(out_pre)
 *   loss  = (1/B) Σ_e Σ_i I_i (t(x)_i − x'_i)²
 *
 * with E the encoder (m × n), D the decoder (n × m; tied models use D = Eᵀ), optional hidden and
 * output biases, element-wise activations φ_h, φ_o and a target t (x, or |x| for the abs model).
 * A kind is one TypeScript definition (this interface: its structure, activations, target, the
 * metrics that apply) plus one WGSL module, `shaders/models/<kind>.wgsl`, that provides the same
 * structure and activations to the drivers through the interface declared at the top of
 * `shaders/autoencoder.wgsl`. The drivers and the float64 reference ({@link ./reference.ts})
 * never name a kind. docs/science.md "Models" lists the kinds; docs/architecture.md "Adding a
 * model or data kind" says how to add one.
 *
 * Parameter layout θ of one model (float32 in the kernels, float64 in the reference), tensors in
 * this order, each row-major: E [m, n] ("W", or "W1" when untied), D [n, m] ("W2", untied only),
 * b_h [m] ("bHidden", with a hidden bias only), b [n] ("b", with an output bias only).
 * For the tied kinds with an output bias and no hidden bias this is today's θ = [W | b].
 */

/** Element-wise activation of a layer. */
export type Activation = 'identity' | 'relu';

/** One named parameter tensor of a model: its shape and where it sits in θ. */
export interface TensorLayout {
  name: string;
  /** [rows, cols], row-major. */
  shape: [number, number] | [number];
  /** Float offset in θ. */
  offset: number;
  /** Floats. */
  size: number;
  /** Initialisation: Xavier-normal (std √(2/(fan_in + fan_out)), per model) or zeros. */
  init: 'xavier' | 'zeros';
}

/** Names of the metric families a model kind supports (the registry in ../metric-registry.ts). */
export type MetricFamily = 'feature-geometry' | 'per-neuron' | 'reconstruction';

/** A model kind: structure, activations and the metrics that apply. */
export interface ModelDefinition {
  /** The kind's name in specs, the CLI and the element's `model` attribute. */
  kind: string;
  /** One line for the CLI and docs. */
  summary: string;
  /** Where the model comes from (paper section or replication). */
  source: string;
  /** D = Eᵀ (one matrix W) instead of separate W1, W2. */
  tied: boolean;
  hiddenBias: boolean;
  outputBias: boolean;
  hiddenActivation: Activation;
  outputActivation: Activation;
  /** Target of the reconstruction: the input itself, or its absolute value. */
  target: 'x' | 'abs';
  /** Whether the model needs signed inputs (abs of unsigned data is the identity). */
  requiresSignedData: boolean;
  /** Whether m ≥ n is allowed (the abs model: n = 3, m = 6 computes |x| exactly with two neurons per feature). */
  allowsWideHidden: boolean;
  /** Metric families that apply (feature geometry reads E's columns; per-neuron needs a privileged hidden basis). */
  metrics: readonly MetricFamily[];
}

/** The tensors of a kind at size n → m, in θ order. */
export function tensorLayout(def: ModelDefinition, nFeatures: number, nHidden: number): TensorLayout[] {
  const n = nFeatures;
  const m = nHidden;
  const out: TensorLayout[] = [];
  let offset = 0;
  const add = (name: string, shape: [number, number] | [number], init: 'xavier' | 'zeros'): void => {
    const size = shape.reduce((a, b) => a * b, 1);
    out.push({ name, shape, offset, size, init });
    offset += size;
  };
  add(def.tied ? 'W' : 'W1', [m, n], 'xavier');
  if (!def.tied) add('W2', [n, m], 'xavier');
  if (def.hiddenBias) add('bHidden', [m], 'zeros');
  if (def.outputBias) add('b', [n], 'zeros');
  return out;
}

/** Floats in θ. */
export function parameterCount(def: ModelDefinition, nFeatures: number, nHidden: number): number {
  const layout = tensorLayout(def, nFeatures, nHidden);
  const last = layout[layout.length - 1]!;
  return last.offset + last.size;
}

/**
 * Floating-point operations of one training sample (forward, backward, counted as multiply-adds
 * × 2), independent of sparsity: 3 passes over each weight matrix (forward, backward to h, weight
 * gradient) per matrix use.
 */
export function flopsPerSample(def: ModelDefinition, nFeatures: number, nHidden: number): number {
  const mn = nFeatures * nHidden;
  // Encoder and decoder each: forward, input-gradient and weight-gradient products.
  return 2 * 3 * 2 * mn + 10 * nFeatures + 4 * nHidden;
}

/** φ(v) of an activation: max(v, 0) for `relu`, v for `identity` (the WGSL modules' modelHidden/modelOutput). */
export function activate(a: Activation, v: number): number {
  return a === 'relu' ? Math.max(v, 0) : v;
}

/** dφ/dv, with the ReLU's derivative 0 at v = 0 (as the kernels). */
export function slope(a: Activation, v: number): number {
  return a === 'relu' ? (v > 0 ? 1 : 0) : 1;
}

/** The reconstruction target t(x) of one feature value: x, or |x| for the abs model (modelTarget in WGSL). */
export function targetOf(def: ModelDefinition, x: number): number {
  return def.target === 'abs' ? Math.abs(x) : x;
}
