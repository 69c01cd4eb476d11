/**
 * Extension entry: the output channel, the language client (dist/server.js over IPC), the run
 * controller (engine in a worker thread), the result panels and the commands. Returns a small API
 * that the extension tests (test/vscode/) use to read what the panel rendered.
 */
import * as vscode from 'vscode';
import { readConfig } from './config';
import type { LanguageClient } from 'vscode-languageclient/node';
import { registerCommands } from './commands';
import { startLanguageClient } from './languageClient';
import { ResultsPanels } from './panel';
import { RunController } from './runController';
import { registerSlurm } from './slurm';

export interface SimspecApi {
  panels: ResultsPanels;
  runs: RunController;
  client: LanguageClient | undefined;
}

let client: LanguageClient | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<SimspecApi> {
  const output = vscode.window.createOutputChannel('simspec');
  const runs = new RunController(context.extensionUri, output, (scope) => readConfig(context, scope).cacheFolder, (scope) => readConfig(context, scope).workerThreads);
  const panels = new ResultsPanels(context);
  context.subscriptions.push(output, runs, panels);
  registerCommands({ context, runs, panels });
  // Submit Spec to SLURM: offered once `sbatch` answers (a login node); the check does not delay activation.
  void registerSlurm({ context, panels, output });
  try {
    client = await startLanguageClient(context);
  } catch (error) {
    output.appendLine(`language server failed to start: ${(error as Error).stack ?? error}`);
    void vscode.window.showErrorMessage('simspec: the language server failed to start; see the simspec output.');
  }
  return { panels, runs, client };
}

export async function deactivate(): Promise<void> {
  await client?.stop();
  client = undefined;
}
