/** Starts the bundled language server (dist/server.js) over IPC for `simspec` documents. */
import * as vscode from 'vscode';
import { LanguageClient, TransportKind, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';

export async function startLanguageClient(context: vscode.ExtensionContext): Promise<LanguageClient> {
  const output = vscode.window.createOutputChannel('simspec language server', { log: true });
  context.subscriptions.push(output);
  const module = vscode.Uri.joinPath(context.extensionUri, 'dist', 'server.js').fsPath;
  const serverOptions: ServerOptions = {
    run: { module, transport: TransportKind.ipc },
    debug: { module, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6019'] } },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [{ language: 'simspec' }],
    synchronize: { fileEvents: vscode.workspace.createFileSystemWatcher('**/*.{npy,npz,mat,h5,hdf5,csv,tsv,json}') },
    outputChannel: output,
  };
  const client = new LanguageClient('simspec', 'simspec language server', serverOptions, clientOptions);
  await client.start();
  return client;
}
