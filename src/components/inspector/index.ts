/**
 * The cell-inspector elements (classes only; import `./define.js` to register their tags) and
 * their pure helpers.
 */
export { SuperpositionCellInspector } from './cell-inspector.js';
export { SuperpositionFeatureArrows } from './feature-arrows.js';
export { SuperpositionGramMatrix } from './gram-matrix.js';
export { SuperpositionFeatureNorms } from './feature-norms.js';
export * from './inspector-math.js';
