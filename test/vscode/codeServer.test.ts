/**
 * Launcher 2 of the extension suite (test/vscode/extension.suite.ts): code-server + Chromium through
 * the `payload` route — the workbench opens as an Extension Development Host with this repository as
 * the extension and the bundled suite as extensionTestsPath. The suite writes a JSON report, which
 * this test polls; no report in time is a failure. (Launcher 1, for desktop VS Code: runElectron.ts.)
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { chromium } from 'playwright-core';
import { artifactsDir, chromiumArgs, chromiumPath, repoRoot, requireTools } from '../e2e/environment';
import { codeServerDirs, removeTemporaryFolders, sampleWorkspace, stageExtension, startCodeServer } from '../e2e/codeServer';

export async function bundleSuite(outDir: string): Promise<string> {
  const outfile = join(outDir, 'index.js');
  await build({ entryPoints: [join(repoRoot, 'test', 'vscode', 'index.ts')], outfile, bundle: true, platform: 'node', format: 'cjs', target: 'node20', external: ['vscode'], logLevel: 'warning' });
  return outfile;
}

test('extension suite in code-server (payload route)', { timeout: 300_000 }, async (t) => {
  if (!requireTools(t, { chromium: true, codeServer: true })) return;
  const extension = await stageExtension();
  const folder = sampleWorkspace();
  const suite = await bundleSuite(join(folder, '..', 'suite'));
  const report = join(folder, '..', 'report.json');
  const dirs = codeServerDirs();
  const server = await startCodeServer(folder, dirs, { SIMSPEC_TEST_REPORT: report });
  t.after(async () => {
    await server.stop();
    removeTemporaryFolders();
  });
  const payload = JSON.stringify([
    ['extensionDevelopmentPath', `vscode-remote://localhost:${server.port}${extension}`],
    ['extensionTestsPath', `vscode-remote://localhost:${server.port}${suite}`],
  ]);
  const browser = await chromium.launch({ executablePath: chromiumPath, args: chromiumArgs });
  t.after(() => browser.close());
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  await page.goto(`http://127.0.0.1:${server.port}/?folder=${encodeURIComponent(folder)}&payload=${encodeURIComponent(payload)}`);
  const fallback = join(folder, '.simspec-test-report.json');
  const end = Date.now() + 240_000;
  while (!existsSync(report) && !existsSync(fallback)) {
    if (Date.now() > end) {
      mkdirSync(artifactsDir, { recursive: true });
      await page.screenshot({ path: join(artifactsDir, 'vscode-suite-timeout.png') }).catch(() => undefined);
      assert.fail(`no report from the extension tests within 240 s (screenshot test-artifacts/vscode-suite-timeout.png)\n${server.log.join('').slice(-3000)}`);
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  await new Promise((r) => setTimeout(r, 300));
  mkdirSync(artifactsDir, { recursive: true });
  await page.screenshot({ path: join(artifactsDir, 'vscode-suite.png') });
  const result = JSON.parse(readFileSync(existsSync(report) ? report : fallback, 'utf8')) as { passed: number; failed: number; tests: { name: string; ok: boolean; error?: string }[]; log: string[] };
  console.log(result.log.join('\n'));
  for (const failed of result.tests.filter((x) => !x.ok)) console.error(`FAILED ${failed.name}\n${failed.error}`);
  assert.equal(result.failed, 0);
  assert.equal(result.passed, 7);
});
