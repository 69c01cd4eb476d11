/**
 * Level 2 of the language-server tests (docs/testing.md §2): full LSP round trips between `startServer` and a protocol
 * client over two in-process streams.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { CodeAction, CodeLens, CompletionItem, DocumentSymbol, FoldingRange, Hover, InitializeResult } from 'vscode-languageserver-protocol';
import { FIXTURES, SAMPLE_URI, sampleText, sampleWith } from './helpers';
import { inProcess, type TestClient } from './lspClient';

const range = (l1: number, c1: number, l2: number, c2: number) => ({ start: { line: l1, character: c1 }, end: { line: l2, character: c2 } });
let client: TestClient;
let init: InitializeResult;

before(async () => {
  client = inProcess({ debounceMs: 20 });
  init = await client.initialize({ workspace: { didChangeWatchedFiles: { dynamicRegistration: true } } });
});
after(() => client.dispose());

test('initialize announces the features and registers a watcher for data files', async () => {
  const caps = init.capabilities;
  assert.equal(caps.hoverProvider, true);
  assert.equal(caps.documentSymbolProvider, true);
  assert.equal(caps.foldingRangeProvider, true);
  assert.deepEqual(caps.codeLensProvider, { resolveProvider: false });
  assert.deepEqual(caps.codeActionProvider, { codeActionKinds: ['quickfix'] });
  assert.deepEqual(caps.completionProvider!.triggerCharacters, [':', ' ', '/', '.', '-', '{', ',']);
  // The registration request arrives right after `initialized`; a round trip makes sure it was handled.
  await client.request('textDocument/documentSymbol', { textDocument: { uri: 'file:///nothing.simspec.yaml' } });
  assert.deepEqual(client.registrations, [
    { registrations: [{ id: (client.registrations[0] as { registrations: { id: string }[] }).registrations[0]!.id, method: 'workspace/didChangeWatchedFiles', registerOptions: { watchers: [{ globPattern: '**/*.{npy,npz,mat,h5,hdf5,csv,tsv,json}' }] } }] },
  ]);
});

test('done-when over LSP: a misspelt metric gives one diagnostic and a did-you-mean quick fix', async () => {
  const uri = SAMPLE_URI.replace('sample', 'misspelt');
  // Same folder as the sample, so that its relative paths resolve.
  const diagnostics = await client.open(uri, sampleWith('metric: rsa', 'metric: rsaa'));
  assert.deepEqual(diagnostics.map((d) => [d.code, d.range, d.source]), [['schema.enum', range(15, 12, 15, 16), 'simspec']]);
  const actions = await client.request<CodeAction[]>('textDocument/codeAction', { textDocument: { uri }, range: diagnostics[0]!.range, context: { diagnostics } });
  assert.deepEqual(actions.map((a) => [a.title, a.edit!.changes![uri]]), [["Change to 'rsa'", [{ range: range(15, 12, 15, 16), newText: 'rsa' }]]]);
  await client.close(uri);
});

test('completion, hover, code lens, symbols and folding round trips', async () => {
  const uri = SAMPLE_URI;
  assert.deepEqual(await client.open(uri, sampleText()), []);
  const items = await client.request<CompletionItem[]>('textDocument/completion', { textDocument: { uri }, position: { line: 9, character: 40 } });
  assert.deepEqual(items.map((i) => [i.label, i.detail]), [['conv1', 'float64 (6, 10)'], ['conv5', 'float32 (6, 4)']]);
  const hover = await client.request<Hover>('textDocument/hover', { textDocument: { uri }, position: { line: 17, character: 14 } });
  assert.match((hover.contents as { value: string }).value, /Schütt et al\. 2023/);
  const lenses = await client.request<CodeLens[]>('textDocument/codeLens', { textDocument: { uri } });
  assert.deepEqual(lenses.map((l) => [l.range.start.line, l.command!.title, l.command!.arguments]), [
    [0, '▶ Run spec', [uri]],
    [14, '▶ Run', [uri, 'rsa']],
    [18, '▶ Run', [uri, 'procrustes']],
  ]);
  const symbols = await client.request<DocumentSymbol[]>('textDocument/documentSymbol', { textDocument: { uri } });
  assert.deepEqual(symbols.map((s) => s.name), ['stimuli', 'model', 'brain', 'comparisons', 'statistics']);
  const folds = await client.request<FoldingRange[]>('textDocument/foldingRange', { textDocument: { uri } });
  assert.equal(folds.length, 8);
  await client.close(uri);
});

test('incremental edits: only the latest version gets diagnostics', async () => {
  const uri = SAMPLE_URI.replace('sample', 'edited');
  const text = sampleText();
  await client.open(uri, text);
  const start = client.published.length;
  // metric: rsa → rsaa → rsaaa → rsa: three edits sent back to back.
  const at = { line: 15, character: 15 };
  const done = client.nextDiagnostics(uri, 4);
  await client.changeRange(uri, 2, range(at.line, at.character, at.line, at.character), 'a');
  await client.changeRange(uri, 3, range(at.line, at.character + 1, at.line, at.character + 1), 'a');
  await client.changeRange(uri, 4, range(at.line, at.character, at.line, at.character + 2), '');
  assert.deepEqual((await done).diagnostics, []);
  assert.deepEqual(client.published.slice(start).map((p) => p.version), [4]);
  await client.close(uri);
});

test('closing a document clears its diagnostics', async () => {
  const uri = SAMPLE_URI.replace('sample', 'closing');
  await client.open(uri, sampleWith('metric: rsa', 'metric: rsaa'));
  const cleared = client.nextDiagnostics(uri);
  await client.close(uri);
  assert.deepEqual((await cleared).diagnostics, []);
});

test('a data file changed on disk re-validates the open specs that use it', async () => {
  const folder = mkdtempSync(join(tmpdir(), 'simspec-lsp-'));
  try {
    cpSync(FIXTURES, folder, { recursive: true });
    const uri = pathToFileURL(join(folder, 'sample.simspec.yaml')).href;
    assert.deepEqual(await client.open(uri, readFileSync(join(folder, 'sample.simspec.yaml'), 'utf8')), []);
    // model.npz now holds brain.npz's arrays (IT, V4): conv1 and conv5 are gone.
    copyFileSync(join(folder, 'data', 'brain.npz'), join(folder, 'data', 'model.npz'));
    const next = client.nextDiagnostics(uri);
    await client.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: pathToFileURL(join(folder, 'data', 'model.npz')).href, type: 2 }] });
    const diagnostics = (await next).diagnostics;
    assert.deepEqual(diagnostics.map((d) => [d.code, d.range.start.line]), [['data.missing-key', 8], ['data.missing-key', 9]]);
    await client.close(uri);
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
});

test('requests on unknown documents and garbage positions answer empty, not errors', async () => {
  const uri = 'file:///nowhere/x.simspec.yaml';
  assert.deepEqual(await client.request('textDocument/completion', { textDocument: { uri }, position: { line: 0, character: 0 } }), []);
  await client.open(uri, '::: [ {');
  assert.deepEqual(await client.request('textDocument/completion', { textDocument: { uri }, position: { line: 99, character: 99 } }), []);
  assert.equal(await client.request('textDocument/hover', { textDocument: { uri }, position: { line: 0, character: 1 } }), null);
  assert.deepEqual(client.errors, []);
  await client.close(uri);
});
