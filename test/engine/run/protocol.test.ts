/**
 * The worker protocol (engine/run/protocol.ts) that the CLI and the extension share: the progress
 * text, failures crossing the thread boundary, and the one cancel path — the shared flag reaching a
 * synchronous loop, and termination when a worker never looks at it. (The real engine worker is
 * cancelled mid-bootstrap in test/e2e/cancel.test.ts and through the CLI in test/cli/cli.test.ts.)
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';
import { SimspecError } from '../../../engine/core/errors';
import { SpecProblemsError } from '../../../engine/run/execute';
import type { Problem } from '../../../engine/spec/types';
import { CANCEL_GRACE_MILLISECONDS, describeProgress, errorOf, failureOf, formatEta, progressMessage, startRunWorker } from '../../../engine/run/protocol';

test('progress text: counts and time left when the engine gives them, the bare message otherwise', () => {
  // The form asked for in issue 10: "bootstrap 412/1000, ~30 s left".
  assert.equal(describeProgress({ message: 'bootstrap', done: 412, total: 1000, etaSeconds: 30 }), 'bootstrap 412/1000, ~30 s left');
  assert.equal(describeProgress({ message: 'bootstrap', done: 412, total: 1000 }), 'bootstrap 412/1000');
  assert.equal(describeProgress({ message: 'loading', etaSeconds: 600 }), 'loading ~10 min left');
  assert.equal(describeProgress({ message: 'rsa: conv5 × IT' }), 'rsa: conv5 × IT');
  assert.equal(formatEta(0.2), '<1 s');
  assert.equal(formatEta(89.6), '~90 s');
  assert.equal(formatEta(7500), '~2 h 5 min');
});

test('progress messages keep counts only when they are counts, and never invent them', () => {
  const base = { stage: 'score' as const, fraction: 0.5, message: 'bootstrap' };
  assert.deepEqual(progressMessage(base), { type: 'progress', ...base });
  assert.deepEqual(progressMessage({ ...base, done: 3, total: 10, etaSeconds: 12.5 }), { type: 'progress', ...base, done: 3, total: 10, etaSeconds: 12.5 });
  for (const bad of [{ done: 3 }, { done: Number.NaN, total: 10 }, { done: -1, total: 10 }, { done: 1.5, total: 10 }, { etaSeconds: Number.POSITIVE_INFINITY }, { etaSeconds: -4 }]) {
    assert.deepEqual(progressMessage({ ...base, ...bad }), { type: 'progress', ...base }, JSON.stringify(bad));
  }
});

test('failures survive the thread boundary (structured clone) as the errors the hosts handle', () => {
  const problems: Problem[] = [{ severity: 'error', message: "unknown key 'alpah'", code: 'schema.unknown-key', suggestions: ['alpha'], range: { start: { line: 3, character: 4 }, end: { line: 3, character: 9 } } }];
  const spec = errorOf(structuredClone(failureOf(new SpecProblemsError('/tmp/a.simspec.yaml', problems))));
  assert.ok(spec instanceof SpecProblemsError);
  assert.equal(spec.specFile, '/tmp/a.simspec.yaml');
  assert.deepEqual(spec.problems, problems);

  const original = new SimspecError('truncated array', { file: 'x.npy', variable: 'arr_0', expected: '92 rows', code: 'io.truncated' });
  const user = errorOf(structuredClone(failureOf(original)));
  assert.ok(user instanceof SimspecError);
  assert.equal(user.message, original.message);
  assert.equal(user.code, 'io.truncated');
  assert.match(user.message, /x\.npy, variable 'arr_0'.*expected 92 rows/);

  const bug = new TypeError('x is undefined');
  const internal = errorOf(structuredClone(failureOf(bug)));
  assert.ok(!(internal instanceof SimspecError));
  assert.equal(internal.message, 'x is undefined');
  assert.equal(internal.stack, bug.stack);
});

/** A throw-away worker script; `body` runs with `parentPort` in scope. */
function workerScript(dir: string, name: string, body: string): string {
  const path = join(dir, name);
  writeFileSync(path, `const { parentPort } = require('node:worker_threads');\n${body}\n`);
  return path;
}

test('cancel: a synchronous loop that polls the signal sees the shared flag and the run ends by itself', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'simspec-protocol-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  // The loop never yields to the event loop, so a cancel *message* could not reach it; the flag must.
  const entry = join(dir, 'entry.ts');
  writeFileSync(entry, `
    import { parentPort } from 'node:worker_threads';
    import { progressMessage, signalFromFlag } from ${JSON.stringify(resolve(__dirname, '../../../engine/run/protocol'))};
    parentPort!.once('message', (start) => {
      const { signal, stop } = signalFromFlag(start.cancelFlag);
      // Progress (and so the host's cancel) only once the loop is surely running.
      let spins = 0;
      while (!signal.aborted) if (++spins === 100_000) parentPort!.postMessage(progressMessage({ stage: 'score', fraction: 0, message: 'spinning' }));
      stop();
      parentPort!.postMessage(spins >= 100_000 ? { type: 'cancelled' } : { type: 'failed', failure: { kind: 'internal', message: 'stopped before the cancel' } });
    });
  `);
  await build({ entryPoints: [entry], outfile: join(dir, 'spin.js'), bundle: true, platform: 'node', format: 'cjs', target: 'node20', logLevel: 'warning' });
  const run = startRunWorker(join(dir, 'spin.js'), 'unused.simspec.yaml', {}, { onProgress: () => run.cancel() });
  const outcome = await run.outcome;
  assert.equal(outcome.status, 'cancelled', JSON.stringify(outcome));
  assert.equal(outcome.status === 'cancelled' && outcome.via, 'signal');
  console.log(`# flag → synchronous loop stopped in ${outcome.status === 'cancelled' ? outcome.cancelMilliseconds : '?'} ms`);
});

test('cancel: a worker that never looks at the flag is terminated after the grace period', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'simspec-protocol-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const script = workerScript(dir, 'deaf.js', "parentPort.once('message', () => { parentPort.postMessage({ type: 'progress', stage: 'score', fraction: 0, message: 'busy' }); for (;;) {} });");
  let terminated = false;
  const run = startRunWorker(script, 'unused.simspec.yaml', {}, { onProgress: () => run.cancel(), onTerminate: () => (terminated = true) });
  const outcome = await run.outcome;
  assert.equal(outcome.status, 'cancelled');
  assert.equal(outcome.status === 'cancelled' && outcome.via, 'terminate');
  assert.ok(terminated, 'onTerminate was not called');
  const waited = outcome.status === 'cancelled' ? outcome.cancelMilliseconds : 0;
  assert.ok(waited >= CANCEL_GRACE_MILLISECONDS - 5, `terminated after ${waited} ms, before the grace period`);
  // Generous bound: the host must not hang on a worker that ignores it.
  assert.ok(waited < CANCEL_GRACE_MILLISECONDS + 10_000, `took ${waited} ms`);
});

test('a worker that dies without replying is a failure that says so, not a hang', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'simspec-protocol-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const exits = startRunWorker(workerScript(dir, 'exit.js', "parentPort.once('message', () => process.exit(3));"), 'unused.simspec.yaml', {});
  const exited = await exits.outcome;
  assert.equal(exited.status, 'failed');
  assert.match(exited.status === 'failed' ? exited.failure.message : '', /exited with code 3 before replying/);
  const throws = startRunWorker(workerScript(dir, 'throw.js', "parentPort.once('message', () => { throw new RangeError('boom'); });"), 'unused.simspec.yaml', {});
  const crashed = await throws.outcome;
  assert.equal(crashed.status, 'failed');
  assert.equal(crashed.status === 'failed' && crashed.failure.kind, 'internal');
  assert.match(crashed.status === 'failed' ? crashed.failure.message : '', /crashed: boom/);
});
