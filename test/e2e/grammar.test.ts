/**
 * The TextMate grammar tokenised by VS Code's own engine (vscode-textmate + vscode-oniguruma, taken
 * from the code-server install, so it is the exact regex dialect VS Code uses — a pattern JavaScript
 * accepts but Oniguruma rejects, such as a variable-length lookbehind, fails here).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { codeServerDir, repoRoot, requireTools } from './environment';

test('grammar: simspec keys, flow keys, metric names, numbers and comments get their scopes', async (t) => {
  if (!requireTools(t, { codeServer: true })) return;
  const modules = join(codeServerDir, 'node_modules', 'code-server', 'lib', 'vscode', 'node_modules');
  const textmate = require(join(modules, 'vscode-textmate'));
  const oniguruma = require(join(modules, 'vscode-oniguruma'));
  await oniguruma.loadWASM(readFileSync(join(modules, 'vscode-oniguruma', 'release', 'onig.wasm')).buffer);
  const registry = new textmate.Registry({
    onigLib: Promise.resolve({ createOnigScanner: (s: string[]) => new oniguruma.OnigScanner(s), createOnigString: (s: string) => new oniguruma.OnigString(s) }),
    loadGrammar: async () => textmate.parseRawGrammar(readFileSync(join(repoRoot, 'syntaxes', 'simspec.tmLanguage.json'), 'utf8'), 'simspec.tmLanguage.json'),
  });
  const grammar = await registry.loadGrammar('source.simspec');
  const lines = [
    'comparisons:  # all of them',
    '  - name: mIT_vs_hIT',
    '    metric: rsa',
    '    compare: tau-a',
    '    layers: { file: data/x.npz, key: conv1, kind: rdm }',
    '      permutation: { samples: 1000, seed: 1 }',
    'description: >',
    '  free text, with a word: inside',
    'output: results.json',
  ];
  let state = textmate.INITIAL;
  const scopes = new Map<string, string[]>();
  for (const line of lines) {
    const result = grammar.tokenizeLine(line, state);
    state = result.ruleStack;
    for (const token of result.tokens as { startIndex: number; endIndex: number; scopes: string[] }[]) {
      const text = line.slice(token.startIndex, token.endIndex).trim();
      if (text) scopes.set(`${lines.indexOf(line)}:${text}`, token.scopes);
    }
  }
  const has = (key: string, scope: string) => assert.ok(scopes.get(key)?.some((s) => s.startsWith(scope)), `${key}: ${scopes.get(key)?.join(' ')}`);
  has('0:comparisons', 'keyword.other.key.simspec');
  has('0:# all of them', 'comment.line');
  has('1:-', 'punctuation.definition.block.sequence.item');
  has('1:name', 'keyword.other.key.simspec');
  has('1:mIT_vs_hIT', 'string.unquoted');
  has('2:rsa', 'support.constant.metric');
  has('3:tau-a', 'support.constant.metric');
  has('4:file', 'keyword.other.key.simspec');
  has('4:kind', 'keyword.other.key.simspec');
  has('4:rdm', 'support.constant.metric');
  has('5:1000', 'constant.numeric');
  // A folded block scalar: its lines are text even with `word:` in them; the next key is a key again.
  has('6:>', 'keyword.control.flow.block-scalar');
  assert.ok([...scopes.entries()].filter(([k]) => k.startsWith('7:')).every(([, s]) => s.some((x) => x.startsWith('string.unquoted.block'))), `line 7: ${JSON.stringify([...scopes.entries()].filter(([k]) => k.startsWith('7:')))}`);
  has('8:output', 'keyword.other.key.simspec');
});
