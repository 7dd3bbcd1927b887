/**
 * The standalone entry: registers `<superposition-phase-diagram>` and the inspector elements, and
 * exports their classes. `npm run build` bundles it with every dependency into
 * dist/superposition-phase-diagram.js, so a plain HTML page needs only
 * `<script type="module" src="superposition-phase-diagram.js"></script>`.
 */
import './components/define.js';
export * from './components/index.js';
