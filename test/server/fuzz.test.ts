/**
 * Robustness: replays seeded random edits (deletions, insertions of YAML punctuation, garbage,
 * unicode, duplicated lines) of the sample specs through every service function and through the
 * in-process LSP connection. Fails on any throw, unhandled rejection, protocol error, logged
 * server failure, or a returned range outside the document.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { Range } from 'vscode-languageserver-types';
import { computeCodeActions } from '../../server/service/codeActions';
import { computeCodeLenses } from '../../server/service/codeLens';
import { computeCompletions } from '../../server/service/completion';
import { computeDiagnostics } from '../../server/service/diagnostics';
import { computeHover } from '../../server/service/hover';
import { computeFoldingRanges, computeSymbols } from '../../server/service/outline';
import { context, FIXTURES, SAMPLE_PATH } from './helpers';
import { inProcess } from './lspClient';
import { seededRandom } from '../helpers/seededRandom';

const EDITS_PER_LEVEL = Number(process.env.SIMSPEC_FUZZ_EDITS ?? 10_000);
const ROOT = join(__dirname, '..', '..');

const random = seededRandom;

function specs(): { path: string; text: string }[] {
  const found = [SAMPLE_PATH];
  const samples = join(ROOT, 'samples');
  if (existsSync(samples)) {
    for (const dir of readdirSync(samples, { withFileTypes: true })) {
      if (!dir.isDirectory()) continue;
      for (const f of readdirSync(join(samples, dir.name))) if (/\.simspec\.ya?ml$/.test(f)) found.push(join(samples, dir.name, f));
    }
  }
  return found.map((path) => ({ path, text: readFileSync(path, 'utf8') }));
}

const PIECES = [':', ': ', '-', '- ', '{', '}', '[', ']', ',', '#', '&a', '*a', '!', '|', '>', "'", '"', '%', '@', '`', '\\', '\n', '\n  ', '\t', ' ', '  ', '?', '~', 'null', '0x1F', '1e999', '-.inf', '.nan',
  'metric: ', 'file: ', 'key: ', 'rsa', 'spearman', 'data/', '../', 'comparisons:\n  - ', '<<: *a', '---\n', '...\n', 'é', 'ß', '😀', '\u0301', '\u202e', '\ud800', '\u0000', '\r\n', '\u2028', '中文'];

/** One random edit of `text`: returns the replaced range (as offsets) and the new text. */
function randomEdit(next: () => number, text: string): { start: number; end: number; insert: string } {
  const pick = <T>(xs: T[]) => xs[Math.floor(next() * xs.length)]!;
  const at = Math.floor(next() * (text.length + 1));
  const kind = next();
  if (kind < 0.3) return { start: at, end: Math.min(text.length, at + 1 + Math.floor(next() * 12)), insert: '' };
  if (kind < 0.7) return { start: at, end: at, insert: Array.from({ length: 1 + Math.floor(next() * 3) }, () => pick(PIECES)).join('') };
  if (kind < 0.85) return { start: at, end: at, insert: Array.from({ length: 1 + Math.floor(next() * 8) }, () => String.fromCharCode(Math.floor(next() * 0x3000))).join('') };
  // Duplicate or move a line of the text elsewhere.
  const lines = text.split('\n');
  return { start: at, end: Math.min(text.length, at + Math.floor(next() * 3)), insert: `${pick(lines)}\n` };
}

function checkRange(range: Range, document: TextDocument, what: string): void {
  const { start, end } = range;
  const ok = start.line >= 0 && start.character >= 0 && end.line < document.lineCount && (start.line < end.line || (start.line === end.line && start.character <= end.character));
  assert.ok(ok, `${what}: range ${JSON.stringify(range)} outside a document of ${document.lineCount} lines`);
}

const rejections: unknown[] = [];
const onRejection = (reason: unknown) => rejections.push(reason);
process.on('unhandledRejection', onRejection);
after(() => process.off('unhandledRejection', onRejection));

test(`${EDITS_PER_LEVEL} random edits through the service functions`, async () => {
  const ctx = context();
  const all = specs();
  const next = random(20261129);
  let spec = all[0]!;
  let text = spec.text;
  let version = 0;
  for (let i = 0; i < EDITS_PER_LEVEL; i++) {
    if (text.length > 4000 || next() < 0.01) {
      spec = all[Math.floor(next() * all.length)]!;
      text = spec.text;
    }
    const edit = randomEdit(next, text);
    text = text.slice(0, edit.start) + edit.insert + text.slice(edit.end);
    const document = TextDocument.create(pathToFileURL(spec.path).href, 'simspec', ++version, text);
    const position = document.positionAt(Math.floor(next() * (text.length + 1)));
    const where = `edit ${i} (seed 20261129)`;
    try {
      const diagnostics = await computeDiagnostics(document, ctx);
      for (const d of diagnostics) checkRange(d.range, document, `${where} diagnostic ${d.code}`);
      const feature = i % 6;
      if (feature === 0) for (const item of await computeCompletions(document, position, ctx)) if (item.textEdit && 'range' in item.textEdit) checkRange(item.textEdit.range, document, `${where} completion`);
      if (feature === 1) {
        const hover = await computeHover(document, position, ctx);
        if (hover?.range) checkRange(hover.range, document, `${where} hover`);
      }
      if (feature === 2) for (const s of computeSymbols(document)) checkRange(s.range, document, `${where} symbol`);
      if (feature === 3) computeFoldingRanges(document);
      if (feature === 4) computeCodeLenses(document);
      if (feature === 5) for (const a of computeCodeActions(document, { start: position, end: position }, diagnostics)) for (const e of Object.values(a.edit?.changes ?? {}).flat()) checkRange(e.range, document, `${where} quick fix`);
    } catch (e) {
      assert.fail(`${where} threw on text ${JSON.stringify(text)}: ${(e as Error).stack}`);
    }
  }
  assert.deepEqual(rejections, []);
});

test(`${EDITS_PER_LEVEL} random edits through the in-process connection`, async () => {
  const client = inProcess({ debounceMs: 50 });
  try {
    await client.initialize({});
    const next = random(42);
    const all = specs();
    const uri = pathToFileURL(join(FIXTURES, 'fuzzed.simspec.yaml')).href;
    let text = all[0]!.text;
    let version = 1;
    await client.open(uri, text, version);
    let document = TextDocument.create(uri, 'simspec', version, text);
    const pending: Promise<unknown>[] = [];
    for (let i = 0; i < EDITS_PER_LEVEL; i++) {
      if (text.length > 4000) {
        text = all[Math.floor(next() * all.length)]!.text;
        document = TextDocument.create(uri, 'simspec', ++version, text);
        await client.change(uri, version, text);
        continue;
      }
      const edit = randomEdit(next, text);
      const range = { start: document.positionAt(edit.start), end: document.positionAt(edit.end) };
      text = text.slice(0, edit.start) + edit.insert + text.slice(edit.end);
      document = TextDocument.create(uri, 'simspec', ++version, text);
      void client.changeRange(uri, version, range, edit.insert);
      const position = document.positionAt(Math.floor(next() * (text.length + 1)));
      const method = ['textDocument/completion', 'textDocument/hover', 'textDocument/documentSymbol', 'textDocument/foldingRange', 'textDocument/codeLens'][i % 5]!;
      pending.push(client.request(method, { textDocument: { uri }, position }));
      if (pending.length >= 50) await Promise.all(pending.splice(0));
    }
    await Promise.all(pending);
    // The server's copy of the document equals ours: every incremental edit was applied as sent.
    const symbols = await client.request<unknown[]>('textDocument/documentSymbol', { textDocument: { uri } });
    assert.ok(Array.isArray(symbols));
    const final = client.nextDiagnostics(uri, version + 1);
    await client.change(uri, version + 1, text);
    await final;
    assert.deepEqual(client.errors, []);
    assert.deepEqual(client.logs.filter((l) => /failed/.test(l)), []);
    assert.deepEqual(rejections, []);
  } finally {
    client.dispose();
  }
});
