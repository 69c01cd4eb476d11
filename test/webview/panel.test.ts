/**
 * The result panel as VS Code shows it: the real HTML shell (strict CSP, nonce) and the real
 * webview bundle, fed the results of running the engine on the Kriegeskorte 2008 sample, rendered
 * in headless Chromium. Asserts the published mIT vs hIT value, sorting, selection, exports, and
 * that the CSP reported no violation; saves a screenshot to test-artifacts/.
 */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { chromium } from 'playwright-core';
import { runSpec } from '../../engine/run/execute';
import { panelHtml } from '../../client/panelHtml';
import { artifactsDir, chromiumArgs, chromiumPath, repoRoot, requireTools } from '../e2e/environment';

const spec = join(repoRoot, 'samples', 'kriegeskorte2008', 'kriegeskorte2008.simspec.yaml');

test('result panel renders the Kriegeskorte 2008 results in Chromium', { timeout: 120_000 }, async (t) => {
  if (!requireTools(t, { chromium: true })) return;
  const work = mkdtempSync(join(tmpdir(), 'simspec-panel-'));
  t.after(() => rmSync(work, { recursive: true, force: true }));
  const resultsFile = join(work, 'kriegeskorte2008.results.json');
  await runSpec(spec, { output: resultsFile });
  const results = JSON.parse(readFileSync(resultsFile, 'utf8'));

  await build({ entryPoints: [join(repoRoot, 'client/webview/main.ts')], outfile: join(work, 'webview.js'), bundle: true, platform: 'browser', format: 'iife', target: 'es2022', logLevel: 'warning' });
  const html = panelHtml({ scriptUri: './webview.js', cspSource: 'file:' });
  writeFileSync(join(work, 'panel.html'), html);

  const browser = await chromium.launch({ executablePath: chromiumPath, args: chromiumArgs });
  t.after(() => browser.close());
  const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
  const problems: string[] = [];
  page.on('console', (m) => m.type() === 'error' && problems.push(m.text()));
  page.on('pageerror', (e) => problems.push(e.message));
  // The webview API stub: records what the panel posts, keeps its state like VS Code does.
  // (A string, not a function: tsx would add helpers the page does not have.)
  await page.addInitScript(`
    window.posted = [];
    window.acquireVsCodeApi = () => ({ postMessage: (m) => window.posted.push(m), getState: () => window.savedState, setState: (s) => { window.savedState = s; } });
    document.addEventListener('securitypolicyviolation', (e) => window.posted.push({ type: 'csp-violation', directive: e.violatedDirective }));
  `);
  await page.goto(pathToFileURL(join(work, 'panel.html')).href);
  await page.waitForFunction(() => (window as unknown as { posted: { type: string }[] }).posted.some((m) => m.type === 'ready'));
  await page.evaluate(([file, r]) => window.postMessage({ type: 'results', file, results: r }, '*'), [resultsFile, results] as const);
  await page.waitForSelector('#scores tbody tr');

  // Every score is a row; the published mIT vs hIT Pearson r (Kriegeskorte et al. 2008: 0.49; rsatoolbox 0.4912) is shown.
  assert.equal(await page.locator('#scores tbody tr').count(), results.scores.length);
  const cells = page.locator('#scores tbody tr', { hasText: 'mIT_vs_hIT_pearson' }).locator('td');
  assert.deepEqual((await cells.allTextContents()).slice(0, 4), ['mIT_vs_hIT_pearson', 'mIT', 'hIT', '0.4912']);

  // Sorting by value: descending on the first click, rows monotone.
  await page.click('th[data-sort="value"]');
  const values = (await page.locator('#scores tbody td[data-col="value"]').allTextContents()).map((v) => Number.parseFloat(v));
  for (let i = 1; i < values.length; i++) assert.ok(values[i - 1] >= values[i], `row ${i} out of order: ${values[i - 1]} < ${values[i]}`);

  // Selecting the permutation-tested row: reveal message, both RDM heat maps (92 × 92 cells each), the null histogram.
  await page.locator('#scores tbody tr', { hasText: 'mIT_vs_hIT_pearson' }).click();
  const posted = () => page.evaluate(() => (window as unknown as { posted: Record<string, unknown>[] }).posted);
  assert.ok((await posted()).some((m) => m.type === 'reveal' && m.comparison === 'mIT_vs_hIT_pearson' && m.layer === 'mIT' && m.region === 'hIT'));
  assert.equal(await page.locator('#rdm-model rect').count(), 92 * 92);
  assert.equal(await page.locator('#rdm-brain rect').count(), 92 * 92);
  assert.ok((await page.locator('#null rect.bar').count()) > 0);
  assert.match((await page.locator('#null').textContent()) ?? '', /1000 permutations/);
  // Layer-profile plots: one per (comparison, region) pair present in the results.
  const pairs = new Set(results.scores.map((s: { comparison: string; region: string }) => `${s.comparison}\u0000${s.region}`));
  assert.equal(await page.locator('svg[id^="profile-"]').count(), pairs.size);

  // Exports: CSV with a header and one line per score; SVG standalone with computed colours.
  await page.click('#export-csv');
  await page.locator('[data-export-svg="rdm-model"]').click();
  const exports = (await posted()).filter((m) => m.type === 'export') as { kind: string; content: string }[];
  const csv = exports.find((e) => e.kind === 'csv')!.content.trim().split('\n');
  assert.equal(csv.length, results.scores.length + 1);
  assert.ok(csv.some((line) => line.startsWith('mIT_vs_hIT_pearson,rsa,mIT,hIT,') && line.includes(`,${results.scores.find((s: { comparison: string }) => s.comparison === 'mIT_vs_hIT_pearson').value},`)));
  assert.match(exports.find((e) => e.kind === 'svg')!.content, /^<\?xml[^]*<svg[^]*<\/svg>$/);

  // State survives a reload (the serializer hands it back through getState).
  const state = await page.evaluate(() => (window as unknown as { savedState: { selected?: string; sort: { column: string } } }).savedState);
  assert.equal(state.sort.column, 'value');
  assert.ok(state.selected?.includes('mIT_vs_hIT_pearson'));

  mkdirSync(artifactsDir, { recursive: true });
  await page.screenshot({ path: join(artifactsDir, 'panel-kriegeskorte2008.png'), fullPage: true });
  assert.deepEqual((await posted()).filter((m) => m.type === 'csp-violation'), []);
  assert.deepEqual(problems, []);
});

/** Run a sample, bundle the webview, open the real panel HTML in Chromium and post the results to it. */
async function openPanelOn(t: TestContext, specFile: string, comparisons?: string[]) {
  const work = mkdtempSync(join(tmpdir(), 'simspec-panel-'));
  t.after(() => rmSync(work, { recursive: true, force: true }));
  const resultsFile = join(work, 'results.json');
  await runSpec(specFile, { output: resultsFile, ...(comparisons ? { comparisons } : {}) });
  const results = JSON.parse(readFileSync(resultsFile, 'utf8'));
  await build({ entryPoints: [join(repoRoot, 'client/webview/main.ts')], outfile: join(work, 'webview.js'), bundle: true, platform: 'browser', format: 'iife', target: 'es2022', logLevel: 'warning' });
  writeFileSync(join(work, 'panel.html'), panelHtml({ scriptUri: './webview.js', cspSource: 'file:' }));
  const browser = await chromium.launch({ executablePath: chromiumPath, args: chromiumArgs });
  t.after(() => browser.close());
  const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
  await page.addInitScript(`window.posted = []; window.acquireVsCodeApi = () => ({ postMessage: (m) => window.posted.push(m), getState: () => undefined, setState: () => {} });`);
  await page.goto(pathToFileURL(join(work, 'panel.html')).href);
  await page.waitForFunction('window.posted.some((m) => m.type === "ready")');
  await page.evaluate(([file, r]) => window.postMessage({ type: 'results', file, results: r }, '*'), [resultsFile, results] as const);
  await page.waitForSelector('#scores tbody tr');
  return { page, results };
}

test('result panel shows the Algonauts 2019 layer hierarchy: noise-ceiling bands and each region\'s best layer', { timeout: 120_000 }, async (t) => {
  if (!requireTools(t, { chromium: true })) return;
  const { page, results: loaded } = await openPanelOn(t, join(repoRoot, 'samples', 'algonauts2019', 'algonauts2019-78images.simspec.yaml'));
  const results = loaded as { regions: string[]; scores: { layer: string; region: string; value: number; noiseCeiling?: unknown }[] };
  // One profile per region, each with the noise-ceiling band (every score here has a ceiling).
  assert.ok(results.scores.every((s) => s.noiseCeiling));
  assert.equal(await page.locator('svg[id^="profile-"]').count(), results.regions.length);
  assert.equal(await page.locator('svg[id^="profile-"] rect.ceiling').count(), results.regions.length);
  // The matrix stars exactly the argmax layer of each region (read from the results file).
  const starred = (await page.locator('#matrix-0 text.cell').allTextContents()).filter((x) => x.startsWith('★'));
  assert.equal(starred.length, results.regions.length);
  for (const region of results.regions) {
    const best = results.scores.filter((s) => s.region === region).reduce((a, b) => (b.value > a.value ? b : a));
    assert.ok(starred.some((x) => x === `★ ${best.value.toPrecision(3)}`), `${region}: ${best.layer} ${best.value} not starred in ${starred.join(' | ')}`);
  }
  mkdirSync(artifactsDir, { recursive: true });
  await page.screenshot({ path: join(artifactsDir, 'panel-algonauts2019.png'), fullPage: true });
});

test('result panel shows the warping index and the metric-space map of the synthetic-encoding sample', { timeout: 180_000 }, async (t) => {
  if (!requireTools(t, { chromium: true })) return;
  const { page, results: loaded } = await openPanelOn(t, join(repoRoot, 'samples', 'synthetic-encoding', 'synthetic-encoding.simspec.yaml'), ['shape_permutation', 'shape_orthogonal', 'shape_linear', 'cka']);
  const results = loaded as { layers: string[]; regions: string[]; scores: { details?: { warping?: unknown } }[] };
  await page.waitForSelector('#warping table.warping');
  const withWarping = results.scores.filter((s) => s.details?.warping);
  assert.equal(await page.locator('#warping td[data-warping]').count(), withWarping.length);
  assert.equal(await page.locator('#maps g.map-point').count(), results.layers.length + results.regions.length);
  await page.locator('#scores tbody tr', { hasText: 'shape_orthogonal' }).first().click();
  await page.waitForSelector('#warping-curve');
  mkdirSync(artifactsDir, { recursive: true });
  await page.screenshot({ path: join(artifactsDir, 'panel-synthetic-shape.png'), fullPage: true });
});
