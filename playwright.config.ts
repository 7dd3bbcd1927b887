import { defineConfig } from '@playwright/test';
import { chromiumArgs, chromiumPath } from './src/headless/chromium-path.js';

/**
 * End-to-end tests (docs/architecture.md "Tests", tier 3): the CLI writing real files, and the demo
 * pages in a real browser. Playwright cannot download browsers here, so tests launch the system
 * Chromium (chromiumPath(): $SUPERPOSITION_CHROMIUM, else /usr/bin/chromium …) with the flags that
 * make WebGPU available headless. One worker: the suites share one CPU-bound SwiftShader.
 */
const executablePath = chromiumPath();

export default defineConfig({
  testDir: 'e2e',
  workers: 1,
  fullyParallel: false,
  timeout: 300_000,
  expect: { timeout: 30_000 },
  reporter: process.env.CI ? [['list'], ['html', { open: 'never' }]] : 'list',
  // The element tests load e2e/fixtures pages from a Vite dev server (the CLI tests start their own).
  webServer: {
    command: 'npx vite --port 5179 --strictPort',
    url: 'http://localhost:5179/e2e/fixtures/diagram.html',
    reuseExistingServer: !process.env.CI,
    timeout: 60_000,
  },
  use: {
    baseURL: 'http://localhost:5179',
    headless: true,
    launchOptions: { ...(executablePath ? { executablePath } : {}), args: chromiumArgs },
  },
});
