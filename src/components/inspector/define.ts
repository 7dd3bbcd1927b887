/**
 * Registers the cell-inspector elements. Importing this module is the only side effect of the
 * inspector: the class modules never register themselves. A tag that is already defined (e.g. by
 * a second copy of this bundle) is left alone.
 *
 * Tags: `superposition-feature-arrows`, `superposition-gram-matrix`,
 * `superposition-feature-norms`, `superposition-cell-inspector`.
 */
import { SuperpositionCellInspector } from './cell-inspector.js';
import { SuperpositionFeatureArrows } from './feature-arrows.js';
import { SuperpositionFeatureNorms } from './feature-norms.js';
import { SuperpositionGramMatrix } from './gram-matrix.js';

const tags: ReadonlyArray<[string, CustomElementConstructor]> = [
  ['superposition-feature-arrows', SuperpositionFeatureArrows],
  ['superposition-gram-matrix', SuperpositionGramMatrix],
  ['superposition-feature-norms', SuperpositionFeatureNorms],
  ['superposition-cell-inspector', SuperpositionCellInspector],
];

for (const [tag, ctor] of tags) {
  if (!customElements.get(tag)) customElements.define(tag, ctor);
}

declare global {
  interface HTMLElementTagNameMap {
    'superposition-feature-arrows': SuperpositionFeatureArrows;
    'superposition-gram-matrix': SuperpositionGramMatrix;
    'superposition-feature-norms': SuperpositionFeatureNorms;
    'superposition-cell-inspector': SuperpositionCellInspector;
  }
}
