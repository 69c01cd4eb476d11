/**
 * What a person does, driven by Playwright in code-server with the packaged .vsix installed: open
 * the Kriegeskorte 2008 sample from the Explorer, click the "▶ Run" CodeLens of mIT_vs_hIT_pearson,
 * run the whole spec from the command palette, and read the result panel's DOM through the webview's
 * nested iframes. Screenshots go to test-artifacts/ui-*.png.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type FrameLocator, type Page } from 'playwright-core';
import { unzipSync } from 'fflate';
import { artifactsDir, chromiumArgs, chromiumPath, repoRoot, requireTools } from './environment';
import { buildBundles, codeServerDirs, installExtension, removeTemporaryFolders, sampleWorkspace, startCodeServer, temporaryFolder, withBuildLock } from './codeServer';

const PUBLISHED = '0.4912'; // mIT vs hIT Pearson r (Kriegeskorte et al. 2008: 0.49; rsatoolbox: 0.4912)

function panel(page: Page): FrameLocator {
  return page.frameLocator('iframe.webview.ready').frameLocator('#active-frame');
}

test('a person runs the sample from CodeLens and the palette and reads the panel', { timeout: 300_000 }, async (t) => {
  if (!requireTools(t, { chromium: true, codeServer: true })) return;
  const vsix = join(temporaryFolder('simspec-vsix-'), 'simspec.vsix');
  const packaged = await withBuildLock(() => {
    buildBundles();
    return spawnSync(process.execPath, [join(repoRoot, 'node_modules', '@vscode', 'vsce', 'vsce'), 'package', '--no-dependencies', '--out', vsix], { cwd: repoRoot, encoding: 'utf8', input: '' });
  });
  assert.equal(packaged.status, 0, `vsce package failed:\n${packaged.stdout}\n${packaged.stderr}`);
  console.log(`vsix: ${(statSync(vsix).size / 1e6).toFixed(1)} MB`);
  // Only bundles (the CLI too: Submit Spec to SLURM runs it on the compute nodes; onnxruntime-web's loader and WASM for `model.onnx`), schemas, grammar, icon, samples' specs + data + licences, README/LICENSE and the manifest.
  const allowed = [/^extension\/dist\/(extension|server|runWorker|webview|slices|cli)\.js$/, /^extension\/dist\/ort-wasm-simd-threaded\.(wasm|mjs)$/, /^extension\/bin\/simspec\.js$/, /^extension\/schemas\/[\w.-]+\.json$/, /^extension\/syntaxes\/simspec\.tmLanguage\.json$/, /^extension\/language-configuration\.json$/,
    /^extension\/icons\/simspec\.png$/, /^extension\/samples\/[\w-]+\/[\w.-]+\.simspec\.yaml$/, /^extension\/samples\/[\w-]+\/data\//, /^extension\/samples\/[\w-]+\/(model|brain)\/[\w.-]+\.(npy|onnx)$/, /^extension\/samples\/[\w-]+\/(labels\.csv|LICENSE|README\.md)$/, /^extension\/(package\.json|readme\.md|README\.md|LICENSE(\.md|\.txt)?|changelog\.md)$/i,
    /^extension\.vsixmanifest$/, /^\[Content_Types\]\.xml$/];
  const names: string[] = [];
  unzipSync(readFileSync(vsix), { filter: (file) => (names.push(file.name), false) });
  assert.deepEqual(names.filter((n) => !allowed.some((a) => a.test(n))), []);
  assert.ok(names.includes('extension/dist/server.js') && names.includes('extension/dist/webview.js'));
  // Every bundled sample can be copied out and run: the synthetic one's data and licence came along.
  assert.ok(names.includes('extension/samples/synthetic-encoding/labels.csv') && names.includes('extension/samples/synthetic-encoding/LICENSE'));
  const dirs = codeServerDirs();
  installExtension(vsix, dirs);
  const folder = sampleWorkspace();
  const server = await startCodeServer(folder, dirs);
  t.after(async () => {
    await server.stop();
    removeTemporaryFolders();
  });
  const browser = await chromium.launch({ executablePath: chromiumPath, args: chromiumArgs });
  t.after(() => browser.close());
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  mkdirSync(artifactsDir, { recursive: true });
  const shot = (name: string) => page.screenshot({ path: join(artifactsDir, `ui-${name}.png`) });

  await page.goto(`http://127.0.0.1:${server.port}/?folder=${encodeURIComponent(folder)}`);
  await page.waitForSelector('.monaco-workbench', { timeout: 60_000 });
  await page.getByRole('treeitem', { name: 'kriegeskorte2008.simspec.yaml' }).click({ timeout: 60_000 });
  const runLens = page.locator('.codelens-decoration a', { hasText: '▶ Run' });
  await runLens.first().waitFor({ timeout: 60_000 });
  await shot('1-spec-open');
  // No problems reported for the sample (status bar counts errors and warnings).
  await page.waitForTimeout(1000);
  const problems = await page.locator('#status\\.problems').textContent();
  assert.match(problems ?? '', /^\D*0\D+0\D*$/, `status bar problems: ${problems}`);

  // CodeLens above the first comparison (mIT_vs_hIT_pearson): runs only that comparison.
  await page.locator('.codelens-decoration a', { hasText: /^▶ Run$/ }).first().click();
  const firstRow = panel(page).locator('#scores tbody tr', { hasText: 'mIT_vs_hIT_pearson' });
  await firstRow.waitFor({ timeout: 120_000 });
  assert.equal(await panel(page).locator('#scores tbody tr').count(), 1);
  assert.equal(await firstRow.locator('td[data-col="value"]').textContent(), PUBLISHED);
  await shot('2-codelens-run');

  // The whole spec from the command palette.
  await page.getByRole('treeitem', { name: 'kriegeskorte2008.simspec.yaml' }).click();
  await page.keyboard.press('F1');
  await page.keyboard.type('simspec: Run Spec');
  await page.locator('.quick-input-list .monaco-list-row', { hasText: 'simspec: Run Spec' }).first().waitFor();
  await page.keyboard.press('Enter');
  await panel(page).locator('#scores tbody tr', { hasText: 'sessions_corr' }).first().waitFor({ timeout: 120_000 });
  const rows = panel(page).locator('#scores tbody tr');
  assert.equal(await rows.count(), 26); // 1 + 1 + 8 + 8 + 8 (comparisons × layers in the sample spec)
  assert.equal(await panel(page).locator('#scores tbody tr', { hasText: 'mIT_vs_hIT_pearson' }).locator('td[data-col="value"]').textContent(), PUBLISHED);
  await panel(page).locator('#scores tbody tr', { hasText: 'mIT_vs_hIT_pearson' }).click();
  await panel(page).locator('#rdm-model').waitFor();
  await shot('3-palette-run-panel');
  // Clicking the row revealed its comparison in the spec: the editor's selection is on that name.
  const nameLine = readFileSync(join(folder, 'kriegeskorte2008.simspec.yaml'), 'utf8').split('\n').findIndex((l) => l.includes('name: mIT_vs_hIT_pearson')) + 1;
  await page.waitForFunction((line) => new RegExp(`Ln ${line},`).test(document.querySelector('#status\\.editor\\.selection')?.textContent ?? ''), nameLine, { timeout: 10_000 });

  // Reload the window: the serializer brings the panel back with its selection and sort.
  await page.keyboard.press('F1');
  await page.keyboard.type('Developer: Reload Window');
  await page.locator('.quick-input-list .monaco-list-row', { hasText: 'Reload Window' }).first().waitFor();
  await Promise.all([page.waitForEvent('load', { timeout: 60_000 }), page.keyboard.press('Enter')]);
  await page.waitForSelector('.monaco-workbench', { timeout: 60_000 });
  const restored = panel(page).locator('#scores tbody tr.selected');
  await restored.waitFor({ timeout: 60_000 });
  assert.match((await restored.textContent()) ?? '', /mIT_vs_hIT_pearson/);
  assert.equal(await panel(page).locator('#scores tbody tr').count(), 26);
  await shot('4-after-reload');
});
