#!/usr/bin/env node
// The `devflow` command: runs the TypeScript CLI through tsx, as `npm run cli -- …` does.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/main.ts');
