/**
 * Launcher 1 of the extension suite: desktop VS Code through @vscode/test-electron, for machines that
 * can download VS Code (it fetches a build at run time, so it cannot run on the offline CI; there the
 * code-server launcher, codeServer.test.ts, runs the same suite).
 *   npx tsx test/vscode/runElectron.ts      (after `npm run build`)
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runTests } from '@vscode/test-electron';
import { repoRoot } from '../e2e/environment';
import { sampleWorkspace } from '../e2e/codeServer';
import { bundleSuite } from './codeServer.test';

async function main(): Promise<void> {
  const folder = sampleWorkspace();
  const extensionTestsPath = await bundleSuite(mkdtempSync(join(tmpdir(), 'simspec-suite-')));
  await runTests({
    version: '1.100.3',
    extensionDevelopmentPath: repoRoot,
    extensionTestsPath,
    launchArgs: [folder, '--disable-extensions', '--disable-workspace-trust'],
    extensionTestsEnv: { SIMSPEC_TEST_REPORT: join(folder, '..', 'report.json') },
  });
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
