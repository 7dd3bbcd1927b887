/**
 * The optimiser of every float64 reference trainer, mirroring shaders/optimizer.wgsl: the
 * notebook's learning-rate schedules and Adam/AdamW in PyTorch's order (decoupled decay first,
 * then the bias-corrected moment step), with the weight decay on every parameter.
 */
import type { TrainingSettings } from './types.js';

/** Learning-rate factor at 0-based step t of T (the notebook's schedules). */
export function scheduleFactor(schedule: TrainingSettings['schedule'], t: number, T: number): number {
  if (schedule === 'linear') return 1 - t / T;
  if (schedule === 'cosine') return T <= 1 ? 1 : Math.cos((0.5 * Math.PI * t) / (T - 1));
  return 1;
}

/** One Adam/AdamW update of θ in place (PyTorch's order: decoupled decay, then the bias-corrected step). */
export function adamStep(t: TrainingSettings, step: number, theta: Float64Array, g: Float64Array, m1: Float64Array, m2: Float64Array): void {
  const lr = t.learningRate * scheduleFactor(t.schedule, step, t.steps);
  const bc1 = 1 - Math.pow(t.beta1, step + 1);
  const bc2 = 1 - Math.pow(t.beta2, step + 1);
  for (let k = 0; k < theta.length; k++) {
    let value = theta[k]!;
    let grad = g[k]!;
    if (t.optimizer === 'adamw') value *= 1 - lr * t.weightDecay;
    else grad += t.weightDecay * value;
    m1[k] = t.beta1 * m1[k]! + (1 - t.beta1) * grad;
    m2[k] = t.beta2 * m2[k]! + (1 - t.beta2) * grad * grad;
    theta[k] = value - (lr * (m1[k]! / bc1)) / (Math.sqrt(m2[k]! / bc2) + t.epsilon);
  }
}

