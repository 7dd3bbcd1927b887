#!/usr/bin/env node
// `npm run bench` (bench/run.ts, bench/README.md). Registers tsx so the TypeScript sources run
// directly, without a build step.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../bench/run.ts');
const code = await main(process.argv.slice(2));
// Exit explicitly: a closed browser's pipe or a dawn.node handle must not keep the process alive.
process.exit(code);
