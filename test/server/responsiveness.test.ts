/**
 * Issue 13, language-server side: a validation that hangs or fails never freezes the server and
 * never leaves a spec looking clean. The server runs in this process with real language-service
 * workers (test/server/faultyWorker.ts), whose data lookups are made to fail or hang on purpose.
 * Time bounds are generous (the goal is a main loop never blocked for more than 50 ms; see
 * bench/lsp-hostile.ts for the figures): they only tell a responsive server from a frozen one.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { CompletionItem, Diagnostic, Hover } from 'vscode-languageserver-protocol';
import { SAMPLE_URI, sampleText, sampleWith } from './helpers';
import { inProcess, serviceWorkers, type TestClient } from './lspClient';

/** The sample with one layer's variable renamed to the one the 'hang' fault never returns from. */
const HANGING = () => sampleWith('key: conv5 }', 'key: HANG }');

async function timed<T>(promise: Promise<T>): Promise<{ value: T; ms: number }> {
  const start = performance.now();
  const value = await promise;
  return { value, ms: performance.now() - start };
}

function assertTopOfSpec(diagnostic: Diagnostic, code: string, message: RegExp): void {
  assert.equal(diagnostic.code, code);
  assert.equal(diagnostic.severity, 1, 'an error: the spec was not checked');
  assert.deepEqual(diagnostic.range, { start: { line: 0, character: 0 }, end: { line: 0, character: 'simspec: 1'.length } });
  assert.match(String(diagnostic.message), message);
}

async function withClient(client: TestClient, body: (client: TestClient) => Promise<void>): Promise<void> {
  try {
    await client.initialize({});
    await body(client);
  } finally {
    client.dispose();
  }
}

test('a validation that fails inside the worker (EIO, not a SimspecError) publishes a diagnostic at the top of the spec', async () => {
  await withClient(inProcess({ debounceMs: 0, startServiceWorker: serviceWorkers({ validation: 'eio' }) }), async (client) => {
    const diagnostics = await client.open(SAMPLE_URI, sampleText());
    assert.equal(diagnostics.length, 1, JSON.stringify(diagnostics));
    assertTopOfSpec(diagnostics[0]!, 'validation.failed', /could not check this spec: Error \(EIO\): EIO: i\/o error, read '.*model\.npz'.*problems are not shown/);
  });
});

test('a validation that fails on the main thread (no worker) publishes the same diagnostic', async () => {
  const eio = () => Promise.reject(Object.assign(new Error('EIO: i/o error, read'), { code: 'EIO' }));
  const io = { variables: eio, describe: eio, variableNames: eio, tableRowCount: eio, clear() {} };
  await withClient(inProcess({ debounceMs: 0, io }), async (client) => {
    const diagnostics = await client.open(SAMPLE_URI, sampleText());
    assert.equal(diagnostics.length, 1, JSON.stringify(diagnostics));
    assertTopOfSpec(diagnostics[0]!, 'validation.failed', /could not check this spec: Error \(EIO\): EIO: i\/o error, read/);
  });
});

test('while a validation hangs, hover and completion answer; the validation is stopped with a diagnostic at the top of the spec', async () => {
  const lag = monitorEventLoopDelay({ resolution: 10 });
  const limitMs = 3000;
  await withClient(inProcess({ debounceMs: 0, validationTimeoutMs: limitMs, startServiceWorker: serviceWorkers({ validation: 'hang' }) }), async (client) => {
    const diagnostics = client.nextDiagnostics(SAMPLE_URI, 1);
    const opened = performance.now();
    await client.connection.sendNotification('textDocument/didOpen', { textDocument: { uri: SAMPLE_URI, languageId: 'simspec', version: 1, text: HANGING() } });
    // The features worker loads while validation is stuck: wait for its first answer (not timed), then time the next ones.
    await client.request('textDocument/hover', { textDocument: { uri: SAMPLE_URI }, position: { line: 17, character: 14 } });
    lag.enable();
    const hover = await timed(client.request<Hover>('textDocument/hover', { textDocument: { uri: SAMPLE_URI }, position: { line: 17, character: 14 } }));
    const completion = await timed(client.request<CompletionItem[]>('textDocument/completion', { textDocument: { uri: SAMPLE_URI }, position: { line: 8, character: 40 } }));
    assert.match((hover.value.contents as { value: string }).value, /Schütt et al\. 2023/);
    assert.deepEqual(completion.value.map((i) => i.label), ['conv1', 'conv5']);
    assert.ok(hover.ms < 2000 && completion.ms < 2000, `hover ${hover.ms.toFixed(0)} ms, completion ${completion.ms.toFixed(0)} ms while a validation hangs`);
    const published = (await diagnostics).diagnostics;
    lag.disable();
    const elapsed = performance.now() - opened;
    assert.equal(published.length, 1, JSON.stringify(published));
    assertTopOfSpec(published[0]!, 'validation.stopped', /stopped checking this spec: it took longer than 3\.0 s \(\d+ characters, 25 lines\)\. Its problems are not shown/);
    assert.ok(elapsed >= limitMs, `the stuck validation was stopped after ${elapsed.toFixed(0)} ms, before its ${limitMs} ms limit`);
    // The main loop (this thread: client and server) kept turning while the worker was stuck.
    assert.ok(lag.max / 1e6 < 1000, `main loop blocked for ${(lag.max / 1e6).toFixed(0)} ms`);
    console.log(`# while a validation hung: hover ${hover.ms.toFixed(1)} ms, completion ${completion.ms.toFixed(1)} ms; event-loop delay max ${(lag.max / 1e6).toFixed(1)} ms, p99 ${(lag.percentile(99) / 1e6).toFixed(1)} ms`);

    // The server recovered: fixing the spec gives a clean check from the replacement worker.
    const fixed = client.nextDiagnostics(SAMPLE_URI, 2);
    await client.change(SAMPLE_URI, 2, sampleText());
    assert.deepEqual((await fixed).diagnostics, []);
  });
});

test('a newer version cancels a hanging validation of an older one', async () => {
  // The time limit is far away: only cancelling the stale validation lets the new version be checked soon.
  await withClient(inProcess({ debounceMs: 0, validationTimeoutMs: 60_000, cancelSupersededAfterMs: 100, startServiceWorker: serviceWorkers({ validation: 'hang' }) }), async (client) => {
    await client.connection.sendNotification('textDocument/didOpen', { textDocument: { uri: SAMPLE_URI, languageId: 'simspec', version: 1, text: HANGING() } });
    // Let the worker load and get stuck on version 1 (its diagnostics never come).
    await new Promise((resolve) => setTimeout(resolve, 4000));
    const fixed = client.nextDiagnostics(SAMPLE_URI, 2);
    const start = performance.now();
    await client.change(SAMPLE_URI, 2, sampleText());
    assert.deepEqual((await fixed).diagnostics, []);
    const ms = performance.now() - start;
    assert.ok(ms < 30_000, `version 2 checked after ${ms.toFixed(0)} ms`);
    assert.deepEqual(client.published.map((p) => p.version), [2], 'nothing was published for the cancelled version');
  });
});
