/**
 * Issue 13: an LSP fuzz that mixes deep-nesting insertions — hundreds of `[` or `{`, nested complex
 * keys (`[[[…x: 1]: 1]: 1]`, which took the YAML library 36 s for 1 KB), deep block maps and
 * sequences — into seeded random edits of the sample spec, through the in-process connection with
 * the real language-service workers. Every completion, hover and documentSymbol request must be
 * answered within 2 s, the connection must stay error-free, and the last version — a spec with
 * nested complex keys — must get diagnostics, and not an empty list: it is not a valid spec.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { SAMPLE_URI, sampleText } from './helpers';
import { inProcess, serviceWorkers } from './lspClient';
import { seededRandom } from '../helpers/seededRandom';

const SEED = 20261204;
const ROUNDS = Number(process.env.SIMSPEC_HOSTILE_ROUNDS ?? 10);
const EDITS_PER_ROUND = 6;

const random = seededRandom;

function nestedComplexKey(levels: number): string {
  let key = 'x';
  for (let i = 0; i < levels; i++) key = `[${key}: 1]`;
  return key;
}

/** Deep structures, each a few hundred levels: what froze the server before. */
const DEEP: ((next: () => number) => string)[] = [
  (next) => '['.repeat(300 + Math.floor(next() * 300)),
  (next) => '{'.repeat(200 + Math.floor(next() * 200)),
  (next) => '[{'.repeat(100 + Math.floor(next() * 150)),
  (next) => `\ntitle: ${nestedComplexKey(120 + Math.floor(next() * 100))}\n`,
  (next) => `\n${Array.from({ length: 200 + Math.floor(next() * 200) }, (_, i) => `${' '.repeat(i)}k${i}:`).join('\n')} 1\n`,
  (next) => `\n${'- '.repeat(200 + Math.floor(next() * 200))}x\n`,
];

const PIECES = [':', ': ', '- ', '{', '}', '[', ']', ',', '#', '&a', '*a', '!', '|', '"', '\n', '\n  ', '\t', '?', 'metric: ', 'file: ', 'key: ', 'rsa', 'data/', '中文', '😀'];

function randomEdit(next: () => number, text: string, deep: boolean): { start: number; end: number; insert: string } {
  const at = Math.floor(next() * (text.length + 1));
  if (deep) return { start: at, end: at, insert: DEEP[Math.floor(next() * DEEP.length)]!(next) };
  if (next() < 0.3) return { start: at, end: Math.min(text.length, at + 1 + Math.floor(next() * 8)), insert: '' };
  return { start: at, end: at, insert: Array.from({ length: 1 + Math.floor(next() * 3) }, () => PIECES[Math.floor(next() * PIECES.length)]!).join('') };
}

test(`${ROUNDS} rounds of random edits with deep-nesting insertions: every request answered within 2 s, diagnostics arrive`, async () => {
  const client = inProcess({ debounceMs: 50, validationTimeoutMs: 3000, requestHardLimitMs: 3000, startServiceWorker: serviceWorkers() });
  const lag = monitorEventLoopDelay({ resolution: 10 });
  const times: number[] = [];
  try {
    await client.initialize({});
    let version = 1;
    assert.deepEqual(await client.open(SAMPLE_URI, sampleText(), version), []);
    // The first answer waits for the features worker to load the engine (once per server): not timed.
    await client.request('textDocument/documentSymbol', { textDocument: { uri: SAMPLE_URI } });
    lag.enable();
    const next = random(SEED);
    const methods = ['textDocument/completion', 'textDocument/hover', 'textDocument/documentSymbol'];
    for (let round = 0; round < ROUNDS; round++) {
      let text = sampleText();
      await client.change(SAMPLE_URI, ++version, text);
      const deepAt = Math.floor(next() * EDITS_PER_ROUND);
      for (let i = 0; i < EDITS_PER_ROUND; i++) {
        const document = TextDocument.create(SAMPLE_URI, 'simspec', version, text);
        const edit = randomEdit(next, text, i === deepAt);
        const range = { start: document.positionAt(edit.start), end: document.positionAt(edit.end) };
        text = text.slice(0, edit.start) + edit.insert + text.slice(edit.end);
        await client.changeRange(SAMPLE_URI, ++version, range, edit.insert);
        const edited = TextDocument.create(SAMPLE_URI, 'simspec', version, text);
        const position = edited.positionAt(Math.floor(next() * (text.length + 1)));
        const method = methods[(round * EDITS_PER_ROUND + i) % methods.length]!;
        const start = performance.now();
        await client.request(method, { textDocument: { uri: SAMPLE_URI }, position });
        const ms = performance.now() - start;
        times.push(ms);
        assert.ok(ms < 2000, `round ${round} edit ${i} (seed ${SEED}): ${method} answered after ${ms.toFixed(0)} ms`);
        // Sometimes pause past the debounce, so that validations start (and are superseded or stopped).
        if (next() < 0.4) await new Promise((resolve) => setTimeout(resolve, 60 + Math.floor(next() * 200)));
      }
    }
    // The last version: the sample with a nested complex key as its title. It must not look clean.
    const final = sampleText().replace(/^title: .*$/m, `title: ${nestedComplexKey(200)}`);
    const diagnostics = client.nextDiagnostics(SAMPLE_URI, ++version);
    await client.change(SAMPLE_URI, version, final);
    const published = (await diagnostics).diagnostics;
    lag.disable();
    assert.ok(published.length > 0, 'a spec with nested complex keys got no diagnostics');
    assert.deepEqual(client.errors, []);
    assert.deepEqual(client.logs.filter((l) => /failed/.test(l)), []);
    const sorted = [...times].sort((a, b) => a - b);
    console.log(`# ${times.length} requests: p50 ${sorted[Math.floor(sorted.length / 2)]!.toFixed(1)} ms, max ${sorted[sorted.length - 1]!.toFixed(1)} ms; event-loop delay max ${(lag.max / 1e6).toFixed(1)} ms; final diagnostics: ${published.map((d) => d.code).join(', ')}`);
  } finally {
    client.dispose();
  }
});
