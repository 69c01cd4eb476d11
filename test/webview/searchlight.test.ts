/**
 * The panel's searchlight section (client/webview/searchlightView.ts) on the results of the small
 * searchlight sample (scripts/make-searchlight-sample.ts): one peak row per layer with the peak the
 * results hold, a cluster table per layer, the best-layer codes and the NIfTI files; data strings
 * escaped; nothing rendered for results without a searchlight comparison. Then the niivue slice
 * viewer (client/webview/slices.ts) in headless Chromium: drawn, thresholded, crosshair at the peak,
 * no CSP violation; screenshot in test-artifacts/searchlight-panel.png.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { chromium } from 'playwright-core';
import { PNG } from 'pngjs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeSearchlightSample, SMALL } from '../../scripts/make-searchlight-sample';
import { runSpec } from '../../engine/run/execute';
import { renderBody } from '../../client/webview/view';
import { searchlightSection } from '../../client/webview/searchlightView';
import type { PanelResults } from '../../client/webview/model';
import { panelHtml } from '../../client/panelHtml';
import { searchlightMaps } from '../../client/searchlightMaps';
import { artifactsDir, chromiumArgs, chromiumPath, repoRoot, requireTools } from '../e2e/environment';

test('searchlight section: peaks, clusters, best-layer codes and files of the small sample; strings escaped', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'simspec-sl-panel-'));
  try {
    makeSearchlightSample(dir, SMALL, { radius: 2, permutations: 15 });
    const results = JSON.parse(JSON.stringify(await runSpec(join(dir, 'searchlight.simspec.yaml'), {}))) as PanelResults;
    const html = renderBody(results, { sort: { column: 'value', descending: true } });
    assert.match(html, /<section id="searchlight">/);
    const derived = results.derived!.searchlight as unknown as { layers: Record<string, { peak: { voxel: number[] }; clusters: unknown[] }> };
    for (const layer of ['early', 'late']) {
      const voxel = `(${derived.layers[layer]!.peak.voxel.join(', ')})`;
      assert.ok(html.includes(`<tr><td>${layer}</td>`) && html.includes(voxel), `${layer} peak row with voxel ${voxel}`);
      assert.ok(derived.layers[layer]!.clusters.length > 0);
      assert.match(html, new RegExp(`<table class="searchlight-clusters" data-layer="${layer}">`));
    }
    assert.match(html, /1 = early, 2 = late; 0 = none/);
    assert.match(html, /searchlight\.results\.json\.searchlight\.best-layer\.nii/);

    const hostile = JSON.parse(JSON.stringify(results)) as PanelResults;
    const layers = (hostile.derived!.searchlight as { layers: Record<string, unknown> }).layers;
    layers['<img src=x onerror=alert(1)>'] = layers.early;
    const escaped = searchlightSection(hostile);
    assert.ok(!escaped.includes('<img'), 'a layer name is escaped');
    assert.ok(escaped.includes('&lt;img src=x onerror=alert(1)&gt;'));
    assert.equal(searchlightSection({ ...results, comparisons: [] }), '');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('searchlight slice viewer: niivue draws the group t maps of the small sample in headless Chromium under the panel CSP', { timeout: 180_000 }, async (t) => {
  if (!requireTools(t, { chromium: true })) return;
  const dir = mkdtempSync(join(tmpdir(), 'simspec-sl-viewer-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  makeSearchlightSample(dir, SMALL, { radius: 2, permutations: 15 });
  const resultsFile = join(dir, 'searchlight.results.json');
  await runSpec(join(dir, 'searchlight.simspec.yaml'), { output: resultsFile });
  const results = JSON.parse(readFileSync(resultsFile, 'utf8')) as PanelResults;
  const maps = await searchlightMaps(resultsFile, results);
  assert.deepEqual(maps.map((m) => `${m.layer}:${m.statistic}`), ['early:t', 'late:t']);
  // A results file is input: a listed name outside the results folder is never read.
  const hostile = JSON.parse(JSON.stringify(results));
  hostile.derived.searchlight.files = [{ name: 'early.t', layer: 'early', file: '../../etc/passwd.nii' }];
  assert.deepEqual(await searchlightMaps(resultsFile, hostile), []);

  for (const [entry, out] of [['main.ts', 'webview.js'], ['slices.ts', 'slices.js']]) {
    await build({ entryPoints: [join(repoRoot, 'client/webview', entry!)], outfile: join(dir, out!), bundle: true, minify: true, platform: 'browser', format: 'iife', target: 'es2022', logLevel: 'warning' });
  }
  writeFileSync(join(dir, 'panel.html'), panelHtml({ scriptUri: './webview.js', cspSource: 'file:', extraScriptUris: ['./slices.js'] }));
  // WebGL2 without a GPU: ANGLE on SwiftShader (software), instead of --disable-gpu.
  const args = [...chromiumArgs.filter((a) => a !== '--disable-gpu'), '--use-gl=angle', '--use-angle=swiftshader', '--enable-unsafe-swiftshader'];
  const browser = await chromium.launch({ executablePath: chromiumPath, args });
  t.after(() => browser.close());
  const page = await browser.newPage({ viewport: { width: 1100, height: 1000 } });
  const problems: string[] = [];
  page.on('console', (m) => m.type() === 'error' && problems.push(m.text()));
  page.on('pageerror', (e) => problems.push(e.message));
  await page.addInitScript(`
    window.posted = [];
    window.acquireVsCodeApi = () => ({ postMessage: (m) => window.posted.push(m), getState: () => undefined, setState: () => {} });
    document.addEventListener('securitypolicyviolation', (e) => window.posted.push({ type: 'csp-violation', directive: e.violatedDirective, uri: e.blockedURI }));
  `);
  await page.goto(pathToFileURL(join(dir, 'panel.html')).href);
  await page.waitForFunction(() => (window as unknown as { posted: { type: string }[] }).posted.some((m) => m.type === 'ready'));
  await page.evaluate(([file, r, m]) => {
    window.postMessage({ type: 'results', file, results: r }, '*');
    window.postMessage({ type: 'searchlight-maps', file, maps: m }, '*');
  }, [resultsFile, results, maps] as const);
  await page.waitForSelector('.searchlight-viewer[data-mounted="yes"]', { timeout: 60_000 });
  await page.waitForTimeout(300);

  // The crosshair starts at the early layer's peak and shows its voxel, mm and value.
  const derived = results.derived!.searchlight as unknown as { layers: Record<string, { peak: { voxel: number[]; value: number } }> };
  const peak = derived.layers.early!.peak;
  const location = await page.locator('.slices-location').textContent();
  assert.ok(location?.includes(`voxel (${peak.voxel.join(', ')})`), `crosshair at the peak: ${location}`);
  assert.ok(location?.includes(`value ${peak.value.toPrecision(4)}`), `value of the map at the peak (${peak.value}): ${location}`);

  // The canvas is drawn: supra-threshold voxels of the 'hot' colour map (red, not the cyan crosshair) are on screen.
  const hotPixels = async () => {
    const png = PNG.sync.read(await page.locator('canvas.slices-canvas').screenshot());
    let hot = 0;
    // Slices only: the colour bar along the bottom (about an eighth of the height) stays whatever the threshold.
    for (let i = 0; i < png.width * Math.floor(png.height * 0.8) * 4; i += 4) if (png.data[i]! > 150 && png.data[i + 2]! < 100) hot++;
    return hot;
  };
  const atHalf = await hotPixels();
  assert.ok(atHalf > 200, `hot pixels at t = 3: ${atHalf}`);
  await page.screenshot({ path: join(artifactsDir, 'searchlight-panel.png'), fullPage: true });
  // Raising the threshold above the peak hides every voxel (the colour bar stays).
  await page.fill('.slices-threshold', String(peak.value * 2));
  await page.dispatchEvent('.slices-threshold', 'change');
  await page.waitForTimeout(300);
  const above = await hotPixels();
  assert.ok(above < atHalf / 4, `hot pixels above the peak: ${above} (was ${atHalf})`);

  // The layer selector loads the late layer's map at its own default threshold, crosshair at its peak (the second planted region).
  await page.selectOption('.slices-layer', '1');
  await page.waitForSelector('.searchlight-viewer[data-layer="late"]');
  await page.waitForTimeout(300);
  const latePeak = (results.derived!.searchlight as unknown as { layers: Record<string, { peak: { voxel: number[] } }> }).layers.late!.peak;
  assert.ok((await page.locator('.slices-location').textContent())?.includes(`voxel (${latePeak.voxel.join(', ')})`));
  assert.ok((await hotPixels()) > 200);
  await page.locator('.searchlight-viewer').screenshot({ path: join(artifactsDir, 'searchlight-panel-late.png') });

  const posted = await page.evaluate(() => (window as unknown as { posted: { type: string }[] }).posted);
  assert.deepEqual(posted.filter((m) => m.type === 'csp-violation'), []);
  assert.deepEqual(problems, []);
});
