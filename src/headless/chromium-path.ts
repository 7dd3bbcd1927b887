/**
 * Locating a Chromium for Playwright. Playwright cannot download its own browsers on these machines
 * (docs/platform.md), so we look for a system one.
 */
import { existsSync } from 'node:fs';

/** Environment variable that overrides the Chromium executable path. */
export const CHROMIUM_ENV = 'SUPERPOSITION_CHROMIUM';

const CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome', '/usr/bin/google-chrome-stable'];

/**
 * Flags that make WebGPU available headless on Linux (without `--enable-unsafe-webgpu`,
 * `requestAdapter()` returns null) and keep Chromium off the closed network.
 */
export const chromiumArgs = [
  '--no-sandbox',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--enable-unsafe-webgpu',
];

/**
 * The Chromium executable to launch: $SUPERPOSITION_CHROMIUM if set, else the first system Chromium
 * found, else `undefined` (Playwright then uses its own browser, if one is installed).
 */
export function chromiumPath(): string | undefined {
  const fromEnv = process.env[CHROMIUM_ENV];
  if (fromEnv) return fromEnv;
  return CANDIDATES.find((p) => existsSync(p));
}
