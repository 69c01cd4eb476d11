/**
 * Level 3 of the language-server tests (docs/testing.md §2): the bundled server (dist/server.js, `npm run build`) as a child process over --stdio — the
 * last level of the language-server tests after the service functions (service.test.ts) and the
 * in-process connection (connection.test.ts): it catches bundling mistakes (missing assets,
 * dynamic requires, JSON imports, worker entry points).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { CompletionItem, Hover } from 'vscode-languageserver-protocol';
import { ensureBundle } from './bundle';
import { SAMPLE_URI, sampleWith } from './helpers';
import { childProcess } from './lspClient';

test('the bundled server answers over stdio and exits cleanly on shutdown/exit', async () => {
  const { client, child } = childProcess(ensureBundle());
  let stderr = '';
  child.stderr!.on('data', (chunk) => (stderr += chunk));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  try {
    const init = await client.initialize({});
    assert.equal(init.serverInfo?.name, 'simspec-language-server');
    const diagnostics = await client.open(SAMPLE_URI, sampleWith('metric: rsa', 'metric: rsaa'));
    assert.deepEqual(diagnostics.map((d) => [d.code, d.range.start, d.range.end]), [['schema.enum', { line: 15, character: 12 }, { line: 15, character: 16 }]]);
    // The data readers work inside the bundle (npz introspection; .mat through its reader).
    const npz = await client.request<CompletionItem[]>('textDocument/completion', { textDocument: { uri: SAMPLE_URI }, position: { line: 9, character: 40 } });
    assert.deepEqual(npz.map((i) => [i.label, i.detail]), [['conv1', 'float64 (6, 10)'], ['conv5', 'float32 (6, 4)']]);
    const mat = await client.request<Hover>('textDocument/hover', { textDocument: { uri: SAMPLE_URI }, position: { line: 12, character: 37 } });
    assert.match((mat.contents as { value: string }).value, /^`V1`: \*\*float64\*\*, shape \*\*\(6, 8\)\*\*/);
    assert.deepEqual(client.logs, []); // no failures, and introspection ran in its worker thread
    await client.request('shutdown', null);
    await client.connection.sendNotification('exit');
    assert.equal(await exited, 0);
    assert.equal(stderr, '');
  } finally {
    client.dispose();
  }
});
