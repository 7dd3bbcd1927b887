/**
 * Registers `<superposition-phase-diagram>`, `<superposition-figure>` and the cell-inspector elements (the only side effect
 * of the components; the class modules never register themselves). A tag already defined is left alone.
 */
import './inspector/define.js';
import { SuperpositionPhaseDiagram } from './phase-diagram.js';
import { SuperpositionFigure } from './figure-element.js';

if (!customElements.get('superposition-phase-diagram')) customElements.define('superposition-phase-diagram', SuperpositionPhaseDiagram);
if (!customElements.get('superposition-figure')) customElements.define('superposition-figure', SuperpositionFigure);

declare global {
  interface HTMLElementTagNameMap {
    'superposition-phase-diagram': SuperpositionPhaseDiagram;
    'superposition-figure': SuperpositionFigure;
  }
  interface HTMLElementEventMap {
    'sweep-progress': CustomEvent<import('./types.js').SweepProgressDetail>;
    'sweep-complete': CustomEvent<import('./types.js').SweepCompleteDetail>;
    'sweep-error': CustomEvent<import('./types.js').SweepErrorDetail>;
    'cell-hover': CustomEvent<import('./types.js').CellEventDetail>;
    'cell-select': CustomEvent<import('./types.js').CellEventDetail>;
  }
}
