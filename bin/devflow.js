#!/usr/bin/env node
// The `devflow` command: runs the TypeScript CLI through tsx, as `npm run cli -- …` does.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
