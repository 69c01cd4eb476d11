/**
 * The layering checker (test/architecture/imports.ts) on small made-up trees: each rule must fire on
 * a tree that breaks it and stay silent on one that does not, so a layering test that passes means
 * the rules held, not that the checker saw nothing.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkArchitecture, importsOf } from './imports';

function check(tree: Record<string, string>) {
  return checkArchitecture(new Map(Object.entries(tree))).violations;
}

test('reads static, re-export, dynamic, require and type-only imports with their lines', () => {
  const edges = importsOf('engine/run/a.ts', [
    "import { x } from '../core/x';",
    "import type { T } from '../spec/types';",
    "import { type U, type V } from '../spec/types';",
    "export { y } from './y';",
    "export type { Z } from './z';",
    "const lazy = () => import('../io');",
    "const old = require('../linalg');",
    "let t: import('../families').Family;",
    "// import { no } from '../comment';",
    "const text = \"import { no } from '../string'\";",
  ].join('\n'));
  assert.deepEqual(
    edges.map((e) => [e.line, e.kind, e.specifier, e.typeOnly]),
    [
      [1, 'import', '../core/x', false],
      [2, 'import', '../spec/types', true],
      [3, 'import', '../spec/types', true],
      [4, 'export', './y', false],
      [5, 'export', './z', true],
      [6, 'dynamic import', '../io', false],
      [7, 'require', '../linalg', false],
      [8, 'import type node', '../families', true],
    ],
  );
});

test('a downward tree has no violations', () => {
  assert.deepEqual(
    check({
      'engine/core/matrix.ts': 'export const m = 1;',
      'engine/linalg/index.ts': "import { m } from '../core/matrix'; export const l = m;",
      'engine/metrics/common/gram.ts': "import { l } from '../../linalg'; export const g = l;",
      'engine/metrics/cka/linear.ts': "import { g } from '../common/gram'; export const c = g;",
      'engine/run/execute.ts': "import { c } from '../metrics/cka/linear'; export const r = c;",
      'engine/cli.ts': "import { r } from './run/execute'; import { readFileSync } from 'node:fs'; export const x = [r, readFileSync];",
      'client/webview/model.ts': "import type { R } from '../../engine/run/execute'; export type M = R;",
      'client/panel.ts': "import * as vscode from 'vscode'; import type { M } from './webview/model'; export const p: M | typeof vscode = vscode;",
    }),
    [],
  );
});

test('an upward import is reported with file, line and both layers', () => {
  const violations = check({ 'engine/core/a.ts': "\nimport { x } from '../metrics/rsa/x';", 'engine/metrics/rsa/x.ts': 'export const x = 1;' });
  assert.equal(violations.length, 1);
  assert.equal(violations[0]!.rule, 'layer');
  assert.match(violations[0]!.message, /^engine\/core\/a\.ts:2 import '\.\.\/metrics\/rsa\/x' \(engine\/metrics\/rsa\/x\.ts\): engine\/core \(layer 0\) imports upward from engine\/metrics \(layer 4\)$/);
});

test('programs do not import each other', () => {
  const violations = check({ 'server/a.ts': "import { b } from '../client/b';", 'client/b.ts': 'export const b = 1;' });
  assert.deepEqual(violations.map((v) => v.rule), ['layer']);
});

test('a metric family importing another family is sideways; metrics/common is allowed', () => {
  const violations = check({
    'engine/metrics/cka/a.ts': "import { f } from '../shape/factor'; import { g } from '../common/gram';",
    'engine/metrics/shape/factor.ts': 'export const f = 1;',
    'engine/metrics/common/gram.ts': 'export const g = 1;',
  });
  assert.deepEqual(violations.map((v) => v.rule), ['sideways']);
  assert.match(violations[0]!.message, /family 'cka' imports from family 'shape'/);
});

test('engine importing vscode, the panel importing Node or engine values, are reported', () => {
  const violations = check({
    'engine/run/a.ts': "import * as vscode from 'vscode'; export const a = vscode;",
    'server/s.ts': "import { window } from 'vscode'; export const s = window;",
    'client/webview/w.ts': "import { readFileSync } from 'fs'; import { join } from 'node:path'; import { a } from '../../engine/run/a'; export const w = [readFileSync, join, a];",
  });
  assert.deepEqual(violations.map((v) => v.rule).sort(), ['module', 'module', 'module', 'module', 'module']);
});

test('a cycle is reported once with its files in order; unresolved imports and unplaced files are reported', () => {
  const violations = check({
    'engine/run/a.ts': "import { b } from './b'; export const a = 1;",
    'engine/run/b.ts': "import { c } from './c'; export const b = 1;",
    'engine/run/c.ts': "import { a } from './a'; import { gone } from './gone'; export const c = 1;",
    'engine/elsewhere/d.ts': 'export const d = 1;',
  });
  assert.deepEqual(violations.map((v) => v.rule).sort(), ['cycle', 'unplaced', 'unresolved']);
  assert.equal(violations.find((v) => v.rule === 'cycle')!.message, 'import cycle: engine/run/a.ts → engine/run/b.ts → engine/run/c.ts → engine/run/a.ts');
});
