/** The extension's commands (contributes.commands) and the CodeLens commands the server's lenses call. */
import * as vscode from 'vscode';
import { copySampleInto, listSampleSpecs } from './samples';
import { existsSync } from 'node:fs';

import { checkResults, tableToCsv } from './webview/model';
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import type { ResultsPanels } from './panel';
import type { RunController } from './runController';
import { comparisonAt, resultsPathOf } from './specLocations';

export interface CommandDeps {
  context: vscode.ExtensionContext;
  runs: RunController;
  panels: ResultsPanels;
}

function toUri(argument: unknown): vscode.Uri | undefined {
  if (argument instanceof vscode.Uri) return argument;
  if (typeof argument === 'string') return vscode.Uri.parse(argument);
  const editor = vscode.window.activeTextEditor;
  return editor?.document.languageId === 'simspec' ? editor.document.uri : undefined;
}

export async function specDocument(argument: unknown): Promise<vscode.TextDocument | undefined> {
  const uri = toUri(argument);
  if (!uri) {
    void vscode.window.showWarningMessage('simspec: open a .simspec.yaml file first.');
    return undefined;
  }
  const document = await vscode.workspace.openTextDocument(uri);
  if (document.isDirty) await document.save();
  return document;
}

export function trusted(): boolean {
  if (vscode.workspace.isTrusted) return true;
  void vscode.window.showWarningMessage('simspec: this workspace is not trusted. Specs are validated but not run (a run reads data files and writes results).', 'Manage Workspace Trust').then((c) => {
    if (c) void vscode.commands.executeCommand('workbench.trust.manage');
  });
  return false;
}

export function registerCommands({ context, runs, panels }: CommandDeps): void {
  const runAndShow = async (document: vscode.TextDocument, comparisons?: string[]) => {
    if (!trusted()) return undefined;
    const outcome = await runs.run({ specUri: document.uri, comparisons });
    if (outcome.status === 'done') panels.show(outcome.output ?? resultsPathOf(document.uri.fsPath, document.getText()));
    return outcome;
  };
  const register = (id: string, handler: (...args: unknown[]) => unknown) => context.subscriptions.push(vscode.commands.registerCommand(id, handler));

  register('simspec.runSpec', async (argument) => {
    const document = await specDocument(argument);
    return document && runAndShow(document);
  });

  register('simspec.runComparison', async (argument, name) => {
    const document = await specDocument(argument);
    return document && typeof name === 'string' ? runAndShow(document, [name]) : undefined;
  });

  register('simspec.runComparisonAtCursor', async () => {
    const editor = vscode.window.activeTextEditor;
    if (!editor || editor.document.languageId !== 'simspec') return void vscode.window.showWarningMessage('simspec: open a .simspec.yaml file first.');
    const name = comparisonAt(editor.document.getText(), editor.document.offsetAt(editor.selection.active));
    if (!name) return void vscode.window.showWarningMessage('simspec: the cursor is not inside a comparison (an entry of `comparisons:` with a `name`).');
    if (editor.document.isDirty) await editor.document.save();
    return runAndShow(editor.document, [name]);
  });

  register('simspec.openResults', async (argument) => {
    let file: string | undefined;
    const uri = toUri(argument);
    if (uri && /\.json$/i.test(uri.fsPath)) file = uri.fsPath;
    else if (uri) file = resultsPathOf(uri.fsPath, (await vscode.workspace.openTextDocument(uri)).getText());
    if (!file || !existsSync(file)) {
      const picked = await vscode.window.showOpenDialog({ canSelectMany: false, filters: { 'simspec results': ['json'] }, title: file ? `No results yet at ${basename(file)} — pick a results file` : 'Pick a simspec results file' });
      file = picked?.[0]?.fsPath;
    }
    if (file) panels.show(file);
    return file;
  });

  // Export Results: the score table as CSV (plots are exported from the panel, one SVG each).
  // Optional second argument: the target file (for scripts and tests; otherwise a save dialog).
  register('simspec.exportResults', async (argument, target) => {
    const uri = toUri(argument);
    const file = uri && /\.json$/i.test(uri.fsPath) ? uri.fsPath : uri ? resultsPathOf(uri.fsPath, (await vscode.workspace.openTextDocument(uri)).getText()) : undefined;
    if (!file || !existsSync(file)) return void vscode.window.showWarningMessage('simspec: no results file to export; run the spec first.');
    let csv: string;
    try {
      csv = tableToCsv(checkResults(JSON.parse(await readFile(file, 'utf8'))));
    } catch (error) {
      return void vscode.window.showErrorMessage(`simspec: ${file}: ${(error as Error).message}`);
    }
    const destination = target instanceof vscode.Uri ? target : await vscode.window.showSaveDialog({ defaultUri: vscode.Uri.file(file.replace(/\.json$/i, '') + '.csv'), filters: { CSV: ['csv'] } });
    if (!destination) return undefined;
    await vscode.workspace.fs.writeFile(destination, Buffer.from(csv, 'utf8'));
    if (!(target instanceof vscode.Uri)) void vscode.window.showInformationMessage(`simspec: saved ${vscode.workspace.asRelativePath(destination)} (plots: “SVG” under each plot in the panel)`);
    return destination.fsPath;
  });

  register('simspec.newSpecFromSample', async () => {
    const samples = vscode.Uri.joinPath(context.extensionUri, 'samples').fsPath;
    const entries = (await listSampleSpecs(samples)).map((entry) => ({ ...entry, label: `${entry.folder}/${entry.spec}` }));
    if (entries.length === 0) return void vscode.window.showWarningMessage('simspec: no sample specs are bundled with this extension.');
    const pick = await vscode.window.showQuickPick(entries, { placeHolder: 'Copy a sample spec (with its data) into the workspace' });
    const workspace = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
    if (!pick) return;
    if (!workspace) return void vscode.window.showWarningMessage('simspec: open a folder first; the sample is copied into it.');
    const copied = await copySampleInto(samples, pick, workspace);
    const document = await vscode.workspace.openTextDocument(vscode.Uri.file(copied));
    await vscode.window.showTextDocument(document);
  });
}
