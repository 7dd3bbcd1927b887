#!/usr/bin/env node
// The `superposition` CLI (src/headless/cli.ts). Registers tsx so the TypeScript sources run
// directly, without a build step.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/headless/cli.ts');
const code = await main(process.argv.slice(2));
// Exit explicitly: a stray handle (a closed browser's pipe, a timer) must not keep the process alive.
process.exit(code);
