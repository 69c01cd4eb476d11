/** The extension's settings (contributes.configuration in package.json), read fresh each time. */
import * as vscode from 'vscode';
import { join } from 'node:path';

export interface SimspecConfig {
  /** Absolute cache folder. */
  cacheFolder: string;
  workerThreads: number;
}

export function readConfig(context: vscode.ExtensionContext, scope?: vscode.Uri): SimspecConfig {
  const config = vscode.workspace.getConfiguration('simspec', scope);
  const configured = config.get<string>('cacheFolder', '').trim();
  const storage = (context.storageUri ?? context.globalStorageUri).fsPath;
  return {
    cacheFolder: configured || join(storage, 'cache'),
    workerThreads: Math.max(1, Math.min(16, config.get<number>('workerThreads', 1))),
  };
}
