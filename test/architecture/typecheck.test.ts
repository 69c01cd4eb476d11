/**
 * The TypeScript projects per folder (docs/architecture.md) are what enforces that the engine and
 * the server never use `vscode` or the DOM and that the panel (client/webview) never pulls in Node
 * code — including through a type-only import chain (the results format once reached the family
 * registry and with it `node:fs`). The compiler only enforces that when it runs, so `npm test` runs
 * it on each project here; a failure prints the compiler's errors.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';

const tsc = resolve('node_modules/typescript/bin/tsc');

// '.' covers tests, bench and scripts (a test's type error once reached main unseen).
for (const project of ['engine', 'server', 'client', 'client/webview', '.']) {
  test(`tsc -p ${project}: no errors`, { timeout: 600_000 }, () => {
    const result = spawnSync(process.execPath, [tsc, '-p', project, '--noEmit'], { encoding: 'utf8' });
    assert.equal(result.status, 0, `${project}:\n${result.stdout}${result.stderr}`);
  });
}
