/**
 * Every figure by name: its title, one sentence of what to notice, whether it fits a set of
 * results, and the pure function that draws it. The CLI's `figure` command, `sweep`'s figure
 * files, `<superposition-figure figure="…">` and the gallery page all read this one table.
 */
import type { FigureDefinition, FigureInput } from './input.js';
import { FigureError } from './input.js';
import type { Scene } from './scene.js';
import { definition as modelStrip } from './model-strip.js';
import { definition as featureArrows } from './feature-arrows.js';
import { definition as benefit } from './benefit.js';
import { definition as featureDimensionality } from './feature-dimensionality.js';
import { definition as nonUniform } from './non-uniform.js';
import { definition as correlated } from './correlated.js';
import { definition as privilegedBasis } from './privileged-basis.js';
import { definition as computation } from './computation.js';
import { definition as phaseDiagram } from './phase-diagram.js';
import { definition as dynamics } from './dynamics.js';

export type { FigureDefinition };

const definitions: FigureDefinition[] = [
  modelStrip,
  featureArrows, benefit, featureDimensionality, nonUniform, correlated, privilegedBasis, computation, phaseDiagram, dynamics,
];

/** The figures by name, in gallery order. */
export const FIGURES: Readonly<Record<string, FigureDefinition>> = Object.fromEntries(definitions.map((d) => [d.name, d]));
/** Every figure name, in gallery order. */
export const FIGURE_NAMES: readonly string[] = definitions.map((d) => d.name);

/** The figures that fit `input`. */
export function fittingFigures(input: FigureInput): string[] {
  return FIGURE_NAMES.filter((name) => FIGURES[name]!.fits(input) === null);
}

/**
 * Draws figure `name` from `input`.
 * @throws FigureError for an unknown name (listing every figure) or a figure that does not fit the
 *   results (saying why, and which figures fit).
 */
export function drawFigure(name: string, input: FigureInput): Scene {
  const def = FIGURES[name];
  if (!def) throw new FigureError(`unknown figure "${name}"; figures: ${FIGURE_NAMES.join(', ')}`);
  const why = def.fits(input);
  if (why) {
    const fit = fittingFigures(input);
    throw new FigureError(`figure ${name} does not fit these results: ${why}; figures that fit: ${fit.length ? fit.join(', ') : 'none'}`);
  }
  return def.draw(input);
}
