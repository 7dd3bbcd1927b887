import { resolve } from 'node:path';
import { defineConfig } from 'vite';

// Demo pages (served by `npm run dev`; demo/headless.html is the page the CLI drives) and their
// production build (`npm run build` → dist/). The standalone element bundle comes with issue 3.
export default defineConfig({
  build: {
    outDir: 'dist',
    target: 'es2022',
    rollupOptions: {
      input: { headless: resolve(import.meta.dirname, 'demo/headless.html') },
    },
  },
});
