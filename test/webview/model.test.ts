import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bestLayers, condensedSize, rowKey, sortedScores, tableToCsv, type PanelResults } from '../../client/webview/model';
import { escapeHtml } from '../../client/webview/escape';
import { renderBody } from '../../client/webview/view';

// Hand-made layout data: only structure is asserted here, never numbers from the engine.
function results(): PanelResults {
  const scores = [
    { comparison: 'c', metric: 'rsa', layer: 'L1', region: 'V1', value: 0.3, higherIsBetter: true, ci: { lower: 0.2, upper: 0.5 } },
    { comparison: 'c', metric: 'rsa', layer: 'L2', region: 'V1', value: 0.45, higherIsBetter: true, ci: { lower: 0.35, upper: 0.55 } },
    { comparison: 'c', metric: 'rsa', layer: 'L3', region: 'V1', value: null, higherIsBetter: true },
    { comparison: 'd', metric: 'shape', layer: 'L1', region: 'V1', value: 0.9, higherIsBetter: false },
    { comparison: 'd', metric: 'shape', layer: 'L2', region: 'V1', value: 0.4, higherIsBetter: false },
  ];
  return { format: 'simspec-results', version: 1, spec: { file: '/x.simspec.yaml' }, layers: ['L1', 'L2', 'L3'], regions: ['V1'], comparisons: [{ name: 'c', metric: 'rsa' }, { name: 'd', metric: 'shape' }], scores };
}

test('sorting by value puts missing values last in both directions and keeps file order on ties', () => {
  for (const descending of [true, false]) {
    const rows = sortedScores(results(), { column: 'value', descending });
    assert.equal(rows.at(-1)!.value, null);
    const values = rows.slice(0, -1).map((r) => r.value as number);
    for (let i = 1; i < values.length; i++) assert.ok(descending ? values[i - 1] >= values[i] : values[i - 1] <= values[i]);
  }
  assert.deepEqual(sortedScores(results(), { column: 'layer', descending: false }).map((r) => r.layer), ['L1', 'L1', 'L2', 'L2', 'L3']);
});

test('best layer is the maximum for similarities and the minimum for distances; CI overlap marks ties', () => {
  const best = bestLayers(results());
  const c = best.find((b) => b.comparison === 'c')!;
  assert.equal(c.layer, 'L2');
  assert.deepEqual(c.tied, []); // L1 = 0.3 lies outside L2's CI [0.35, 0.55]
  assert.equal(best.find((b) => b.comparison === 'd')!.layer, 'L2');
});

test('condensed length n(n-1)/2 maps back to n, anything else is rejected', () => {
  for (const n of [2, 3, 92, 400]) assert.equal(condensedSize((n * (n - 1)) / 2), n);
  assert.equal(condensedSize(5), undefined);
});

test('CSV quotes fields with commas, quotes and formula prefixes, and leaves missing numbers empty', () => {
  const r = results();
  r.scores[0].layer = 'a,"b"';
  r.scores[1].layer = '=cmd()';
  const lines = tableToCsv(r).trim().split('\n');
  assert.equal(lines.length, 6);
  assert.ok(lines[1].includes('"a,""b"""'));
  assert.ok(lines[2].includes('"=cmd()"'));
  assert.equal(lines[3].split(',')[5], '');
});

test('every data-derived string is escaped in the rendered panel', () => {
  const r = results();
  r.title = '<img src=x onerror=alert(1)>';
  r.scores[0].layer = '<script>alert(1)</script>';
  r.layers[0] = r.scores[0].layer;
  const html = renderBody(r, { sort: { column: 'comparison', descending: false } });
  assert.ok(!html.includes('<img'));
  assert.ok(!html.includes('<script'));
  assert.ok(html.includes(escapeHtml('<script>alert(1)</script>')));
});

test('a NaN score shows its reason where the value would be, escaped (in the row and in the selection heading)', () => {
  const r = results();
  const nan = r.scores[2] as Record<string, unknown>;
  nan.reason = 'spearman is undefined: layer <img src=x onerror=alert(1)> has a constant RDM';
  const html = renderBody(r, { sort: { column: 'comparison', descending: false }, selected: rowKey(r.scores[2]) });
  assert.ok(!html.includes('<img'), 'the reason is escaped');
  assert.match(html, /<h2>Selected: c · L3 × V1 = <span class="nan-reason"/, 'the selection heading shows the reason too');
  const cell = /<td data-col="value" class="num"><span class="nan-reason"[^>]*>NaN: ([^<]*)<\/span>/.exec(html);
  assert.ok(cell, 'the NaN row shows its reason in the value cell');
  assert.equal(cell[1], escapeHtml(nan.reason as string));
});

test('the table shows one ceiling when its bounds agree, the raw value beside a normalised one, and ridge α', () => {
  const r = results();
  r.scores = [
    { comparison: 'e', metric: 'regression', layer: 'L1', region: 'V1', value: 0.8, higherIsBetter: true, raw: { value: 0.6, normalization: 'r/c' }, noiseCeiling: { lower: 0.75, upper: 0.75, convention: 'split-half' }, alpha: { min: 10, max: 100000, grid: { min: 0.01, max: 10000000, count: 99 } } },
    { comparison: 'c', metric: 'rsa', layer: 'L1', region: 'V1', value: 0.3, higherIsBetter: true, noiseCeiling: { lower: 0.5, upper: 0.6, convention: 'rsatoolbox' } },
  ];
  r.comparisons = [{ name: 'e', metric: 'regression' }, { name: 'c', metric: 'rsa' }];
  const html = renderBody(r, { sort: { column: 'comparison', descending: false } });
  const rowHtml = (comparison: string) => html.split('<tr class="score').find((r) => r.includes(`<td data-col="comparison">${comparison}</td>`)) ?? '';
  const cell = (row: string, col: string) => new RegExp(`data-col="${col}"[^>]*>([^<]*(?:<span[^>]*>[^<]*</span>)?)</td>`).exec(rowHtml(row))?.[1];
  assert.equal(cell('e', 'ceiling'), '0.7500');
  assert.equal(cell('c', 'ceiling'), '0.5000 – 0.6000');
  assert.equal(cell('e', 'raw'), '0.6000 <span class="note">→ r/c</span>');
  assert.equal(cell('c', 'raw'), '–');
  assert.equal(cell('e', 'alpha'), '10–1e5 (of 0.01–1e7)');
  assert.match(html, /<th>Raw → normalised by<\/th>/);
  assert.match(html, /<th>Ridge α<\/th>/);
  // Without such scores the columns are not there at all.
  assert.doesNotMatch(renderBody(results(), { sort: { column: 'value', descending: true } }), /data-col="raw"|data-col="alpha"/);
});
