/**
 * The panel shows the shape-metric extras of a real run (samples/synthetic-encoding, the three groups):
 * the warping index W = d_orth − d_lin per (layer, region) and the metric-space map of every layer
 * and region. Asserted: W is the difference of the two distances the engine reports for the same pair
 * (an identity), and the map has one point per layer and region.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runSpec } from '../../engine/run/execute';
import { toJson } from '../../engine/run/results';
import { checkResults, formatNumber, rowKey } from '../../client/webview/model';
import { renderBody } from '../../client/webview/view';

test('warping index and metric-space map of the synthetic-encoding sample in the panel', async () => {
  const raw = await runSpec('samples/synthetic-encoding/synthetic-encoding.simspec.yaml', { write: false, comparisons: ['shape_orthogonal', 'shape_linear', 'shape_permutation'] });
  const results = checkResults(JSON.parse(toJson(raw)));
  // All three groups ran for every layer × region.
  for (const name of ['shape_orthogonal', 'shape_linear', 'shape_permutation']) assert.equal(results.scores.filter((s) => s.comparison === name).length, 10);
  const orthogonal = results.scores.filter((s) => s.comparison === 'shape_orthogonal');
  const linear = results.scores.filter((s) => s.comparison === 'shape_linear');
  const html = renderBody(results, { sort: { column: 'value', descending: true } });
  assert.match(html, /<section id="warping">/);
  for (const s of orthogonal) {
    const w = s.details!.warping!;
    // W is d_orth − d_lin, and d_orth / d_lin are the group distances of the same pair.
    assert.ok(Math.abs((w.warpingIndex as number) - ((w.orthogonalDistance as number) - (w.linearDistance as number))) < 1e-12);
    assert.ok(Math.abs((w.orthogonalDistance as number) - (s.value as number)) < 1e-12);
    const lin = linear.find((l) => l.layer === s.layer && l.region === s.region)!;
    assert.ok(Math.abs((w.linearDistance as number) - (lin.value as number)) < 1e-9);
    assert.ok(html.includes(`data-warping="${s.layer}|${s.region}"`) && html.includes(`>${formatNumber(w.warpingIndex)}</td>`));
  }
  assert.match(html, /<section id="maps">/);
  const points = html.match(/class="map-point (model|brain)"/g) ?? [];
  assert.equal(points.length, results.layers.length + results.regions.length);
});

test('per-unit scores of an encoding model in the panel: one histogram per direction, every unit counted', async () => {
  const raw = await runSpec('samples/synthetic-encoding/synthetic-encoding.simspec.yaml', { write: false, comparisons: ['ridge_loo'] });
  const results = checkResults(JSON.parse(toJson(raw)));
  const selected = results.scores[0]!;
  const html = renderBody(results, { sort: { column: 'value', descending: true }, selected: rowKey(selected) });
  const histograms = html.match(/<svg[^>]+id="units-\d"/g) ?? [];
  assert.equal(histograms.length, 2, 'direction: both gives two histograms');
  const units = [...html.matchAll(/>(\d+) units<\/text>/g)].map((m) => Number(m[1]));
  const brainUnits = (selected.details!.model_to_brain as { perTarget: unknown[] }).perTarget.length;
  assert.equal(units[0], brainUnits);
});

test('a ceiling-normalised encoding score is not drawn against the ceiling band', async () => {
  const raw = await runSpec('samples/synthetic-encoding/synthetic-encoding.simspec.yaml', { write: false, comparisons: ['brain_score_pls'] });
  const results = checkResults(JSON.parse(toJson(raw)));
  assert.ok(results.scores.every((s) => s.noiseCeiling && s.details?.ceilingNormalization === '(r/c)^2'));
  const html = renderBody(results, { sort: { column: 'value', descending: true } });
  assert.ok((html.match(/<svg[^>]+id="profile-/g) ?? []).length > 0);
  assert.doesNotMatch(html, /class="ceiling"/);
});
