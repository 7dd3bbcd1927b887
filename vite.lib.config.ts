import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { defineConfig, type UserConfig } from 'vite';

const root = import.meta.dirname;

/**
 * The two package builds (`npm run build` runs both after the demo pages of vite.config.ts):
 *
 * - `vite build -c vite.lib.config.ts --mode element` → dist/superposition-phase-diagram.js: ONE
 *   minified ES module with every dependency (lit, regl, d3-scale-chromatic, zod) and
 *   the WGSL shaders inlined; loading it registers the tags. For plain HTML pages:
 *   `<script type="module" src="superposition-phase-diagram.js"></script>`.
 * - `vite build -c vite.lib.config.ts --mode lib` → dist/lib/{index,components,element}.js: the
 *   library for bundlers, dependencies left external (package.json "exports"; declarations come
 *   from `tsc -p tsconfig.build.json` in dist/types).
 *
 * Only browser code is reachable from these entries: src/headless, src/engine/node.ts and
 * src/engine/shaders-node.ts (node: modules) are never imported by them.
 */
const ENTRIES = {
  index: resolve(root, 'src/index.ts'),
  components: resolve(root, 'src/components/index.ts'),
  element: resolve(root, 'src/element.ts'),
};

/**
 * The package's runtime dependencies (and their subpaths, e.g. `lit/decorators.js`) stay imports in
 * the library build; everything else is bundled, including compiler helpers such as
 * `@oxc-project/runtime` that are not dependencies of this package.
 */
const dependencies = Object.keys((JSON.parse(readFileSync(resolve(root, 'package.json'), 'utf8')) as { dependencies?: Record<string, string> }).dependencies ?? {});
const isDependency = (id: string): boolean => dependencies.some((d) => id === d || id.startsWith(`${d}/`));

// Built as an application chunk rather than in library mode: Vite's library mode keeps the
// whitespace of ES output (for downstream tree-shaking), and this file is meant for <script> tags.
const standalone: UserConfig = {
  publicDir: false,
  build: {
    outDir: 'dist',
    emptyOutDir: false,
    target: 'es2022',
    minify: true,
    sourcemap: false,
    modulePreload: false,
    // Everything in one file is the point; ~390 kB minified (~127 kB gzip).
    chunkSizeWarningLimit: 800,
    rolldownOptions: {
      input: { 'superposition-phase-diagram': ENTRIES.element },
      // Keep the element classes exported (a page may `import { SuperpositionPhaseDiagram } from …`).
      preserveEntrySignatures: 'strict',
      output: {
        format: 'es',
        entryFileNames: '[name].js',
        // One file: no shared chunks, dynamic imports inlined.
        codeSplitting: false,
      },
    },
  },
};

const library: UserConfig = {
  publicDir: false,
  build: {
    outDir: 'dist/lib',
    emptyOutDir: true,
    target: 'es2022',
    minify: false,
    sourcemap: true,
    lib: {
      entry: ENTRIES,
      formats: ['es'],
      fileName: (_format, name) => `${name}.js`,
    },
    rolldownOptions: {
      external: isDependency,
      output: { chunkFileNames: 'chunks/[name]-[hash].js' },
    },
  },
};

export default defineConfig(({ mode }) => {
  if (mode === 'element') return standalone;
  if (mode === 'lib') return library;
  throw new Error(`vite.lib.config.ts: build with --mode element or --mode lib (got "${mode}")`);
});
