/**
 * Issue 13: how long the language server leaves a hover unanswered while it validates a hostile or
 * huge spec. For each case the bundled server (`node <bundle> --stdio`, as the editor runs it)
 * opens the toy spec of test/server/fixtures, the text is replaced by the case, and — once the
 * debounce has passed and validation is under way — a hover on a comparison's `metric` is sent.
 * Printed per case: time to the hover's answer (and whether it had content), and time from the
 * change to the diagnostics of that version (with their codes).
 *
 * Cases: the 1 KB spec whose title is a 200-level nested complex key, the toy spec with 500 `[`
 * inserted (before a value, and before a key: nested complex keys), and specs with 10k / 100k / 300k layers.
 * With --in-process the server runs in the bench's own process (its workers from the sources), and
 * the longest event-loop delay from the change to the diagnostics is printed too — how long the
 * server's main loop was held up (the goal is 50 ms; it includes the client's own work and
 * receiving the whole text as one JSON message).
 * Run: npx tsx bench/lsp-hostile.ts [--in-process] [bundle=dist/server.js] [capSeconds=90] [case-substring ...]
 * (build first: node scripts/build.mjs). Give an older build's dist/server.js to compare.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import type { Hover, PublishDiagnosticsParams } from 'vscode-languageserver-protocol';
import { childProcess, inProcess, serviceWorkers } from '../test/server/lspClient';

const ROOT = join(__dirname, '..');
const args = process.argv.slice(2).filter((a) => a !== '--in-process');
/** The server in this process (workers from the sources), to measure how long its main loop is held up. */
const IN_PROCESS = process.argv.includes('--in-process');
const bundle = resolve(args[0] ?? join(ROOT, 'dist', 'server.js'));
const capMs = 1000 * Number(args[1] ?? 90);
const only = args.slice(2);
const FIXTURES = join(ROOT, 'test', 'server', 'fixtures');
const uri = pathToFileURL(join(FIXTURES, 'hostile.simspec.yaml')).href;
const sample = readFileSync(join(FIXTURES, 'sample.simspec.yaml'), 'utf8');

function nestedComplexKey(levels: number): string {
  let key = 'x';
  for (let i = 0; i < levels; i++) key = `[${key}: 1]`;
  return key;
}

function layersSpec(count: number): string {
  const lines = ['simspec: 1', `title: ${count} layers`, 'stimuli:', '  count: 6', 'model:', '  layers:'];
  for (let i = 0; i < count; i++) lines.push(`    layer${i}: { file: data/model.npz, key: ${i % 2 ? 'conv5' : 'conv1'} }`);
  lines.push('brain:', '  IT: { file: data/brain.npz, key: IT, kind: rdm }', 'comparisons:', '  - name: rsa', '    metric: rsa', '    layers: [layer0, layer1]');
  return lines.join('\n') + '\n';
}

const CASES: { name: string; text: () => string }[] = [
  { name: 'nested complex key, 200 levels (1 KB)', text: () => `simspec: 1\ntitle: ${nestedComplexKey(200)}\ncomparisons:\n  - name: rsa\n    metric: rsa\n` },
  { name: '500 [ inserted before metric value', text: () => sample.replace('    metric: rsa', `    metric: ${'['.repeat(500)}rsa`) },
  { name: '500 [ inserted before a layer key', text: () => sample.replace('    conv1: {', `    ${'['.repeat(500)}conv1: {`) },
  { name: '10k layers', text: () => layersSpec(10_000) },
  { name: '100k layers', text: () => layersSpec(100_000) },
  { name: '300k layers', text: () => layersSpec(300_000) },
];

/** Line and column of the value of the last `metric:` (a hover there shows the metric's documentation). */
function metricPosition(text: string): { line: number; character: number } {
  const at = text.lastIndexOf('metric: ');
  const before = text.slice(0, at);
  const line = before.split('\n').length - 1;
  return { line, character: at - before.lastIndexOf('\n') - 1 + 'metric: '.length + 1 };
}

function within<T>(promise: Promise<T>, ms: number): Promise<T | 'cap'> {
  return Promise.race([promise, new Promise<'cap'>((r) => setTimeout(() => r('cap'), ms).unref())]);
}

async function measure(name: string, text: string): Promise<void> {
  const { client, child } = IN_PROCESS ? { client: inProcess({ startServiceWorker: serviceWorkers() }), child: undefined } : childProcess(bundle);
  child?.stderr!.resume();
  const lag = monitorEventLoopDelay({ resolution: 5 });
  try {
    await client.initialize({});
    await client.open(uri, sample, 1);
    // Both workers loaded: the first hover after start-up waits for its worker to load the engine.
    await client.request('textDocument/hover', { textDocument: { uri }, position: metricPosition(sample) });
    const diagnostics = client.nextDiagnostics(uri, 2);
    const changed = performance.now();
    const diagnosticsAt = diagnostics.then((p: PublishDiagnosticsParams) => ({ p, ms: performance.now() - changed }));
    lag.enable();
    await client.change(uri, 2, text);
    // Past the server's 200 ms debounce: validation has started.
    await new Promise((r) => setTimeout(r, 300));
    const hoverStart = performance.now();
    const hover = await within(client.request<Hover | null>('textDocument/hover', { textDocument: { uri }, position: metricPosition(text) }), capMs);
    const hoverMs = performance.now() - hoverStart;
    const hoverText = hover === 'cap' ? `no answer within ${capMs / 1000} s` : `${hoverMs.toFixed(0)} ms (${hover ? 'documentation' : 'empty'})`;
    const published = await within(diagnosticsAt, Math.max(0, capMs - (performance.now() - changed)));
    const diagText = published === 'cap' ? `none within ${capMs / 1000} s` : `${(published.ms / 1000).toFixed(2)} s: ${published.p.diagnostics.length} (${[...new Set(published.p.diagnostics.map((d) => d.code))].join(', ') || 'clean'})`;
    lag.disable();
    const lagText = IN_PROCESS ? ` | main loop held up at most ${(lag.max / 1e6).toFixed(0)} ms` : '';
    console.log(`${name.padEnd(40)} ${(text.length / 1024).toFixed(0).padStart(6)} KiB | hover ${hoverText.padEnd(28)} | diagnostics ${diagText}${lagText}`);
  } finally {
    client.dispose();
    child?.kill('SIGKILL');
  }
}

async function main(): Promise<void> {
  console.log(`${IN_PROCESS ? 'in process' : `bundle ${bundle}`}; node ${process.version}; cap ${capMs / 1000} s`);
  for (const c of CASES) if (only.length === 0 || only.some((o) => c.name.includes(o))) await measure(c.name, c.text());
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
