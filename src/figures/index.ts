/** Figures: pure functions from trained results to {@link Scene}s, drawn as SVG, PNG or live in the page. */
export * from './scene.js';
export * from './input.js';
export * from './registry.js';
export { sceneToSvg, type SvgOptions } from './svg.js';
