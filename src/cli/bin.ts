#!/usr/bin/env node
// The CLI as a program (dist/src/cli/bin.js, run by the tests and scripts).
// The published bundle runs main.ts itself (scripts/bundle.mjs): required
// rather than run, it exports main, as the build's code-cache warm-up needs.
import { main } from './main.js';

// Not a top-level await: the published bundle is CommonJS.
void main(process.argv).then((code) => {
  process.exitCode = code;
});
