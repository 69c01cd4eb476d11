#!/usr/bin/env node
// The `simspec` command: runs the bundled CLI (built by `npm run build`, run on `npm install`).
'use strict';
const path = require('node:path');
const fs = require('node:fs');
const bundle = path.join(__dirname, '..', 'dist', 'cli.js');
if (!fs.existsSync(bundle)) {
  console.error('error: simspec is not built yet; run `npm run build` in ' + path.join(__dirname, '..'));
  process.exit(2);
}
require(bundle).main(process.argv.slice(2)).then(
  (code) => { process.exitCode = code; },
  (error) => {
    // A bug in simspec, never the user's fault: one line to report; the stack with SIMSPEC_DEBUG=1.
    const detail = process.env.SIMSPEC_DEBUG ? (error && error.stack) || String(error) : (error && error.message) || String(error);
    console.error('internal error (please report it): ' + detail);
    process.exitCode = 70;
  },
);
