/**
 * Language-server latency on a generated ~300-line spec (100 layers, 4 regions, 30 comparisons)
 * over real data files (test/server/fixtures/data). Prints p50/p95 over 200+ requests of:
 *   - diagnostics: computeDiagnostics after an edit (service), and didChange → publishDiagnostics
 *     over an in-process LSP connection with the debounce set to 0;
 *   - completion: textDocument/completion round trips after an edit (keys, enum values, npz keys).
 * Goals (issue 3): diagnostics p95 < 50 ms, completion p95 < 20 ms on a 2-core machine.
 *     (with the server's 200 ms debounce, so that validation does not run in between, as when typing).
 * Run: npx tsx bench/lsp-latency.ts [requests=300]
 */
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { createFileIntrospector } from '../engine/spec/introspector';
import { computeDiagnostics } from '../server/service/diagnostics';
import { inProcess } from '../test/server/lspClient';

const REQUESTS = Math.max(200, Number(process.argv[2] ?? 300));
const FIXTURES = join(__dirname, '..', 'test', 'server', 'fixtures');
// The spec is never written: its URI only sets the folder that data paths resolve against.
const uri = pathToFileURL(join(FIXTURES, 'bench.simspec.yaml')).href;

function generateSpec(): string {
  const lines = ['simspec: 1', 'title: Latency bench', 'stimuli:', '  count: 6', '  labels: labels.csv', 'model:', '  name: generated', '  layers:'];
  for (let i = 0; i < 100; i++) lines.push(`    layer${i}: { file: data/model.npz, key: ${i % 2 ? 'conv5' : 'conv1'} }`);
  lines.push('brain:', '  IT: { file: data/brain.npz, key: IT, kind: rdm }', '  V4: { file: data/brain.npz, key: V4, kind: rdm, subjects: 0 }', '  V1: { file: data/brain.mat, key: V1 }', '  V1b:', '    file: data/single.npy');
  lines.push('comparisons:');
  for (let i = 0; i < 30; i++) {
    if (i % 2 === 0) lines.push(`  - name: rsa${i}`, '    metric: rsa', '    rdm: correlation', `    compare: ${i % 4 ? 'spearman' : 'rho-a'}`, `    layers: [layer${i}, layer${i + 1}]`);
    else lines.push(`  - name: shape${i}`, '    metric: shape', '    group: orthogonal', '    regions: [V1, V1b]', '    cv: { scheme: kfold, folds: 3, seed: 0 }');
  }
  lines.push('statistics:', '  noise_ceiling: false', '  bootstrap: { over: stimuli, samples: 100, seed: 1 }', 'output: results/bench.results.json');
  return lines.join('\n') + '\n';
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

function report(name: string, times: number[]): void {
  const sorted = [...times].sort((a, b) => a - b);
  console.log(`${name.padEnd(44)} n=${sorted.length}  p50 ${percentile(sorted, 50).toFixed(2)} ms  p95 ${percentile(sorted, 95).toFixed(2)} ms  max ${sorted[sorted.length - 1]!.toFixed(2)} ms`);
}

async function main(): Promise<void> {
  const text = generateSpec();
  const lineCount = text.split('\n').length - 1;
  const io = createFileIntrospector();
  // Comment lines appended at the end change the text (no cache hit) without changing the spec.
  const edited = (i: number) => `${text}# edit ${i}\n`;

  // Service level.
  const first = await computeDiagnostics(TextDocument.create(uri, 'simspec', 0, text), { io });
  if (first.length > 0) throw new Error(`the generated spec should be clean, got: ${first.map((d) => d.message).join('; ')}`);
  const serviceDiagnostics: number[] = [];
  for (let i = 0; i < REQUESTS; i++) {
    const document = TextDocument.create(uri, 'simspec', i + 1, edited(i));
    const start = performance.now();
    await computeDiagnostics(document, { io });
    serviceDiagnostics.push(performance.now() - start);
  }

  // Over LSP (in-process connection, JSON-RPC framing and all).
  const client = inProcess({ debounceMs: 0, io });
  await client.initialize({});
  let version = 1;
  await client.open(uri, text, version);
  const lspDiagnostics: number[] = [];
  for (let i = 0; i < REQUESTS; i++) {
    const next = client.nextDiagnostics(uri, ++version);
    const start = performance.now();
    await client.change(uri, version, edited(i));
    await next;
    lspDiagnostics.push(performance.now() - start);
  }
  client.dispose();
  // Completion with the real debounce (200 ms): typing postpones validation, as in the editor.
  const typing = inProcess({ io });
  await typing.initialize({});
  await typing.open(uri, text, ++version);
  const lines = text.split('\n');
  // Typing at one place: each request follows an edit of the cursor's line (a character typed or deleted).
  const places = [
    { name: 'npz keys (typing `key: c`)', line: lines.findIndex((l) => l.includes('layer7:')), find: 'key: conv5', typed: 'key: c', suffix: ' }' },
    { name: 'enum values (typing `compare: s`)', line: lines.findIndex((l) => l.includes('compare: rho-a')), find: 'compare: rho-a', typed: 'compare: s', suffix: '' },
    { name: 'keys (typing `    sc` in a comparison)', line: lines.findIndex((l) => l.includes('    group: orthogonal')), find: 'group: orthogonal', typed: 'sc', suffix: '' },
  ];
  const completion: Record<string, number[]> = {};
  const perPlace = Math.ceil(REQUESTS / places.length);
  for (const place of places) {
    const original = lines[place.line]!;
    const head = original.slice(0, original.indexOf(place.find));
    for (let i = 0; i < perPlace; i++) {
      // Alternate between the typed prefix and one more character, as keystrokes would.
      const typed = i % 2 ? `${place.typed}o` : place.typed;
      const edited = [...lines];
      edited[place.line] = `${head}${typed}${place.suffix}`;
      await typing.change(uri, ++version, edited.join('\n'));
      const position = { line: place.line, character: head.length + typed.length };
      const start = performance.now();
      const items = await typing.request<unknown[]>('textDocument/completion', { textDocument: { uri }, position });
      (completion[place.name] ??= []).push(performance.now() - start);
      if (items.length === 0 && i % 2 === 0) throw new Error(`no completion for ${place.name}`);
    }
  }
  // Cold: the edit is elsewhere (the comparison's line is not the one that changed), so the spec is re-parsed.
  const cold: number[] = [];
  const coldPlace = places[0]!;
  for (let i = 0; i < perPlace; i++) {
    const edited = [...lines, `# edit ${i}`];
    await typing.change(uri, ++version, edited.join('\n'));
    const original = lines[coldPlace.line]!;
    const position = { line: coldPlace.line, character: original.indexOf('key: ') + 5 };
    const start = performance.now();
    await typing.request<unknown[]>('textDocument/completion', { textDocument: { uri }, position });
    cold.push(performance.now() - start);
  }
  typing.dispose();

  console.log(`generated spec: ${lineCount} lines; ${REQUESTS} requests per measure; node ${process.version}`);
  report('diagnostics (service, after an edit)', serviceDiagnostics);
  report('diagnostics (LSP didChange → publish)', lspDiagnostics);
  report('completion while typing (LSP, all places)', Object.values(completion).flat());
  for (const [name, times] of Object.entries(completion)) report(`  ${name}`, times);
  report('completion after an edit elsewhere (cold)', cold);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
