/**
 * Entry of the extension tests (extensionTestsPath): runs the suite inside the extension host and
 * writes a JSON report to $SIMSPEC_TEST_REPORT, else to .simspec-test-report.json in the workspace
 * folder — the outer launcher polls that file. Rejects when a test failed (what test-electron expects).
 */
import * as vscode from 'vscode';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runRegistered } from './harness';
import './extension.suite';

export async function run(): Promise<void> {
  const lines: string[] = [];
  const report = await runRegistered((line) => {
    lines.push(line);
    console.log(line);
  });
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  const target = process.env.SIMSPEC_TEST_REPORT ?? (folder ? join(folder, '.simspec-test-report.json') : undefined);
  if (target) writeFileSync(target, JSON.stringify({ ...report, log: lines }, null, 1));
  if (report.failed > 0) throw new Error(`${report.failed} extension test(s) failed`);
}
