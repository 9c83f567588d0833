#!/usr/bin/env node
// Thin entry point: the CLI lives in dist/ (compiled by `npm install` / `npm run build`).
import { main } from '../dist/src/cli/main.js';

main(process.argv.slice(2)).then(
  (code) => { if (typeof code === 'number') process.exitCode = code; },
  (err) => {
    process.stderr.write(`gregor: ${err && err.message ? err.message : err}\n`);
    process.exitCode = 1;
  },
);
