/**
 * The import-layering test: every import of every .ts file under engine/, server/ and client/
 * follows the layer order, no metric family imports another, no program imports what its runtime
 * lacks, and no import cycle exists anywhere. The order, lowest first (docs/architecture.md):
 *
 *   core ← linalg ← io ← stats | inference ← metrics ← families | cases ← spec ← run ← cli | server | client
 *
 * (io sits above core and linalg only; spec above io and the families, whose definitions it checks
 * specs against; cases are the families' reference-case handlers.) The rules themselves and the
 * import reader are in test/architecture/imports.ts. Each rule is its own test and prints every
 * violation, one per line, as `file:line kind 'specifier' (resolved file): reason`.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { checkArchitecture, readRepository, type Violation } from './imports';

const root = resolve(__dirname, '..', '..');
const repository = readRepository(root);
const { edges, violations } = checkArchitecture(repository.files, repository.exists);

function expectNone(rule: Violation['rule'][], what: string): void {
  const found = violations.filter((v) => rule.includes(v.rule));
  if (found.length) console.log(`${found.length} ${what}:\n${found.map((v) => `  ${v.message}`).join('\n')}`);
  assert.equal(found.length, 0, `${found.length} ${what}:\n${found.map((v) => v.message).join('\n')}`);
}

test('the reader found the imports of the whole product', () => {
  // A reader that silently found nothing would pass every rule below.
  assert.ok(repository.files.size > 100, `only ${repository.files.size} files`);
  assert.ok(edges.some((e) => e.from === 'engine/cli.ts' && e.to === 'engine/run/execute.ts'), 'engine/cli.ts → engine/run/execute.ts not seen');
  assert.ok(edges.some((e) => e.kind === 'dynamic import' || e.kind === 'require'), 'no dynamic import or require() seen anywhere');
});

test('every file sits in a layer and every relative import resolves', () => expectNone(['unplaced', 'unresolved'], 'unplaced files or unresolved imports'));

test('imports go only downward in the layer order', () => expectNone(['layer'], 'upward or cross-program imports'));

test('no metric family imports another family (shared math lives in linalg or metrics/common)', () => expectNone(['sideways'], 'sideways imports between metric families'));

test('engine and server never import vscode; the panel imports neither Node nor vscode, and only types from the engine', () => expectNone(['module'], 'imports of a module the importer may not use'));

test('no import cycle anywhere', () => expectNone(['cycle'], 'import cycles'));
