import { readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { defineConfig, type Plugin } from 'vite';

const root = import.meta.dirname;
const DATA_DIR = 'demo/data';

/**
 * Saved results files the demo pages load through the element's `src` attribute. Vite does not see
 * URLs inside custom-element attributes, so this copies demo/data/* to dist/demo/data/* unchanged:
 * a page's relative `src="data/…"` then works both from the dev server and from the build.
 */
function copyDemoData(): Plugin {
  return {
    name: 'superposition:copy-demo-data',
    apply: 'build',
    generateBundle() {
      for (const name of readdirSync(resolve(root, DATA_DIR))) {
        this.emitFile({ type: 'asset', fileName: `${DATA_DIR}/${name}`, source: readFileSync(resolve(root, DATA_DIR, name)) });
      }
    },
  };
}

// Demo pages, served by `npm run dev` (the repo root; open /demo/index.html) and built by the first
// step of `npm run build` into dist/demo/. demo/headless.html is the page the CLI drives (the CLI
// starts its own dev server without this file: src/headless/chromium.ts). The standalone element
// bundle and the library build are in vite.lib.config.ts.
export default defineConfig({
  // Relative asset URLs, so dist/ can be served from any sub-path.
  base: './',
  publicDir: false,
  plugins: [copyDemoData()],
  build: {
    outDir: 'dist',
    // Everything of the demo build under dist/demo/ (package.json "files" leaves it out).
    assetsDir: 'demo/assets',
    target: 'es2022',
    // The demo's shared chunk holds zod, regl and the engine (~310 kB minified).
    chunkSizeWarningLimit: 800,
    rolldownOptions: {
      input: {
        headless: resolve(root, 'demo/headless.html'),
        playground: resolve(root, 'demo/index.html'),
        article: resolve(root, 'demo/article.html'),
        paper: resolve(root, 'demo/paper.html'),
      },
    },
  },
});
