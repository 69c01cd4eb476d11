/**
 * The extension with the real `vscode` API (runs inside VS Code: code-server here, desktop VS Code
 * through @vscode/test-electron elsewhere). The workspace is a copy of samples/kriegeskorte2008.
 */
import * as vscode from 'vscode';
import { strict as assert } from 'node:assert';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { note, suite, test, waitFor } from './harness';
import type { SimspecApi } from '../../client/extension';

const PUBLISHED_MIT_HIT_PEARSON = 0.4912; // Kriegeskorte et al. 2008 (r = 0.49); rsatoolbox demo: 0.4912

function workspace(): string {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'no workspace folder');
  return folder.uri.fsPath;
}

async function api(): Promise<SimspecApi> {
  const extension = vscode.extensions.getExtension<SimspecApi>('simspec.simspec');
  assert.ok(extension, 'extension simspec.simspec not found');
  return extension.isActive ? extension.exports : await extension.activate();
}

suite('simspec extension', () => {
  const specFile = () => join(workspace(), 'kriegeskorte2008.simspec.yaml');
  const resultsFile = () => join(workspace(), 'results', 'kriegeskorte2008.results.json');

  test('opens the sample spec as language simspec and the server reports no errors for it', async () => {
    const document = await vscode.workspace.openTextDocument(specFile());
    await vscode.window.showTextDocument(document);
    assert.equal(document.languageId, 'simspec');
    // A broken copy proves the server is publishing diagnostics before we trust an empty list.
    const broken = join(workspace(), 'broken.simspec.yaml');
    writeFileSync(broken, document.getText().replace('compare: pearson', 'compare: pearsn'));
    const brokenDocument = await vscode.workspace.openTextDocument(broken);
    const diagnostics = await waitFor('diagnostics of the broken spec', () => {
      const d = vscode.languages.getDiagnostics(brokenDocument.uri);
      return d.some((x) => x.severity === vscode.DiagnosticSeverity.Error) ? d : undefined;
    });
    const line = brokenDocument.getText().split('\n').findIndex((l) => l.includes('pearsn'));
    assert.ok(diagnostics.some((d) => d.range.start.line === line), `no diagnostic on line ${line + 1}: ${JSON.stringify(diagnostics.map((d) => [d.range.start.line, d.message]))}`);
    await vscode.window.showTextDocument(document);
    const errors = vscode.languages.getDiagnostics(document.uri).filter((d) => d.severity === vscode.DiagnosticSeverity.Error);
    assert.deepEqual(errors.map((d) => `${d.range.start.line + 1}: ${d.message}`), []);
  });

  test('completion at a metric value offers the other RDM comparison methods', async () => {
    const document = await vscode.workspace.openTextDocument(specFile());
    const line = document.getText().split('\n').findIndex((l) => /^\s*compare: pearson/.test(l));
    const character = document.lineAt(line).text.indexOf('pearson');
    const list = await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', document.uri, new vscode.Position(line, character));
    const labels = list.items.map((i) => (typeof i.label === 'string' ? i.label : i.label.label));
    // The schema's enum for an RSA comparison includes these (rsatoolbox's method names).
    for (const method of ['spearman', 'tau-a', 'corr']) assert.ok(labels.includes(method), `missing ${method} in ${labels.join(', ')}`);
  });

  test('Run Comparison at Cursor runs only the comparison around the cursor', async () => {
    const document = await vscode.workspace.openTextDocument(specFile());
    const editor = await vscode.window.showTextDocument(document);
    const line = document.getText().split('\n').findIndex((l) => l.includes('name: mIT_vs_hIT_spearman')) + 2; // on its `compare:` line
    editor.selection = new vscode.Selection(line, 6, line, 6);
    const outcome = (await vscode.commands.executeCommand('simspec.runComparisonAtCursor')) as { status: string; message?: string };
    assert.equal(outcome.status, 'done', outcome.message);
    const results = JSON.parse(readFileSync(resultsFile(), 'utf8'));
    assert.deepEqual([...new Set(results.scores.map((s: { comparison: string }) => s.comparison))], ['mIT_vs_hIT_spearman']);
  }, 120_000);

  test('Run Spec writes results with the published mIT vs hIT value and the panel shows it', async () => {
    const simspec = await api();
    const outcome = (await vscode.commands.executeCommand('simspec.runSpec', vscode.Uri.file(specFile()))) as { status: string; output?: string; message?: string };
    assert.equal(outcome.status, 'done', outcome.message);
    assert.ok(existsSync(resultsFile()), `no results at ${resultsFile()}`);
    const results = JSON.parse(readFileSync(resultsFile(), 'utf8'));
    const score = results.scores.find((s: { comparison: string }) => s.comparison === 'mIT_vs_hIT_pearson');
    assert.ok(Math.abs(score.value - PUBLISHED_MIT_HIT_PEARSON) < 5e-5, `mIT vs hIT Pearson r = ${score.value}`);
    const panel = await waitFor('the results panel', () => simspec.panels.get(resultsFile()));
    const rows = await waitFor('the panel to render every score', () => (panel.renderedRows?.length === results.scores.length ? panel.renderedRows : undefined));
    const row = rows.find((r) => r[0] === 'mIT_vs_hIT_pearson');
    assert.ok(row, 'no mIT_vs_hIT_pearson row in the panel');
    assert.deepEqual(row.slice(1, 4), ['mIT', 'hIT', PUBLISHED_MIT_HIT_PEARSON.toFixed(4)]);
    // The header's date: the results file has none; the panel takes it from the run-facts sidecar.
    assert.equal(results.created, undefined);
    const sidecar = JSON.parse(readFileSync(`${resultsFile()}.run.json`, 'utf8'));
    const shown = await waitFor('the run date from the sidecar', () => (panel.lastMessage?.type === 'results' && panel.lastMessage.results.created === sidecar.created ? sidecar.created : undefined));
    assert.match(shown, /^\d{4}-\d\d-\d\dT/);
  }, 120_000);

  test('Export Results writes the score table as CSV', async () => {
    const target = vscode.Uri.file(join(workspace(), 'results', 'scores.csv'));
    await vscode.commands.executeCommand('simspec.exportResults', vscode.Uri.file(specFile()), target);
    const lines = readFileSync(target.fsPath, 'utf8').trim().split('\n');
    const results = JSON.parse(readFileSync(resultsFile(), 'utf8'));
    assert.equal(lines.length, results.scores.length + 1);
    const row = lines.find((l) => l.startsWith('mIT_vs_hIT_pearson,rsa,mIT,hIT,'));
    assert.ok(row && Math.abs(Number(row.split(',')[5]) - PUBLISHED_MIT_HIT_PEARSON) < 5e-5, row);
  });

  test('a spec with an error fails the run with the problem, and writes nothing', async () => {
    const broken = vscode.Uri.file(join(workspace(), 'broken.simspec.yaml'));
    const before = existsSync(resultsFile()) ? readFileSync(resultsFile(), 'utf8') : undefined;
    const outcome = (await vscode.commands.executeCommand('simspec.runSpec', broken)) as { status: string; message?: string };
    assert.equal(outcome.status, 'failed');
    assert.match(outcome.message ?? '', /problem/);
    assert.equal(existsSync(resultsFile()) ? readFileSync(resultsFile(), 'utf8') : undefined, before);
  });

  test('Cancel stops a long bootstrap and leaves the earlier results file unchanged', async () => {
    const simspec = await api();
    const long = join(workspace(), 'long.simspec.yaml');
    writeFileSync(long, readFileSync(specFile(), 'utf8')
      .replace(/comparisons:[^]*?\nstatistics:/, 'comparisons:\n  - name: long_bootstrap\n    metric: rsa\n    compare: pearson\n    layers: [mIT]\n    regions: [hIT]\n    statistics:\n      bootstrap: { over: [stimuli], samples: 2000000, seed: 1 }\nstatistics:')
      .replace(/output: .*/, 'output: results/long.results.json'));
    const earlier = '{"format":"simspec-results","note":"earlier run"}\n';
    const output = join(workspace(), 'results', 'long.results.json');
    writeFileSync(output, earlier);
    const uri = vscode.Uri.file(long);
    const started = new Promise<void>((resolve) => {
      const sub = simspec.runs.onDidProgress((e) => {
        if (e.specUri === uri.toString() && /bootstrap/.test(e.message)) {
          sub.dispose();
          resolve();
        }
      });
    });
    const running = simspec.runs.run({ specUri: uri });
    await started;
    simspec.runs.cancel(uri);
    const outcome = await running;
    assert.equal(outcome.status, 'cancelled');
    assert.equal(outcome.via, 'signal', 'the engine did not stop by itself; the worker had to be terminated');
    note(`cancel took ${outcome.cancelMilliseconds} ms (${outcome.via})`);
    assert.equal(readFileSync(output, 'utf8'), earlier);
  }, 120_000);
});
