/** The Lit elements (classes only; import `./define.js` to register the tags) and their data types. */
export { SuperpositionPhaseDiagram, type DiagramStatus, type DiagramResults } from './phase-diagram.js';
export { SuperpositionFigure, DEFAULT_FIGURE_PRESET } from './figure-element.js';
export { describeCell } from './diagram-chrome.js';
export * from './inspector/index.js';
export { AttributeError, specFromAttributes, metricFromAttributes, DEFAULT_ELEMENT_PRESET, type SweepAttributes } from './attributes.js';
export { LiveSweep, type LiveGroup, type LiveProgress } from './live-sweep.js';
export type * from './types.js';
