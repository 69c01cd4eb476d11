/**
 * The panel's searchlight section (client/webview/searchlightView.ts) on the results of the small
 * searchlight sample (scripts/make-searchlight-sample.ts): one peak row per layer with the peak the
 * results hold, a cluster table per layer, the best-layer codes and the NIfTI files; data strings
 * escaped; nothing rendered for results without a searchlight comparison.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeSearchlightSample, SMALL } from '../../scripts/make-searchlight-sample';
import { runSpec } from '../../engine/run/execute';
import { renderBody } from '../../client/webview/view';
import { searchlightSection } from '../../client/webview/searchlightView';
import type { PanelResults } from '../../client/webview/model';

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
