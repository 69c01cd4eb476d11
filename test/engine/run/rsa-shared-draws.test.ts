/**
 * Resample-major RSA bootstrap (issue 11, docs/performance.md §7.2): each bootstrap draw is made
 * once per (comparison, region) and the brain side of the draw ranked and prepared once for every
 * layer, instead of once per layer. Every layer's interval and standard error stay bit-identical to
 * a bootstrap of that layer on its own (bootstrapRsa with one model RDM, the same seed and draws),
 * for a rank comparison (Spearman, the rank-once path), a plain one (Pearson) and one that is not
 * shared (Kendall τ_A, which re-sorts every draw).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeNpy } from '../../../engine/io/npyWriter';
import { runSpec } from '../../../engine/run/execute';
import { bootstrapRsa, bootstrapWork } from '../../../engine/metrics/rsa/bootstrap';
import { rdmFromResponses } from '../../../engine/metrics/rsa';
import { randomMatrix } from '../rsa/helpers';

const stimuli = 18;
const samples = 40;
const layers = { conv1: randomMatrix(stimuli, 12, 1), conv2: randomMatrix(stimuli, 9, 2), fc: randomMatrix(stimuli, 15, 3) };
const regions = { V1: randomMatrix(stimuli, 7, 4), IT: randomMatrix(stimuli, 11, 5) };

function workspace(compare: string, onlyLayer?: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'simspec-rsa-draws-'));
  for (const [name, m] of [...Object.entries(layers), ...Object.entries(regions)]) writeNpy(join(dir, `${name}.npy`), [m.rows, m.cols], m.data);
  const lines = ['simspec: 1', 'model:', '  layers:'];
  for (const name of Object.keys(layers)) lines.push(`    ${name}: { file: ${name}.npy }`);
  lines.push('brain:');
  for (const name of Object.keys(regions)) lines.push(`  ${name}: { file: ${name}.npy }`);
  lines.push('statistics:', `  bootstrap: { over: stimuli, samples: ${samples}, seed: 7 }`);
  lines.push('comparisons:', '  - name: rsa', '    metric: rsa', `    compare: ${compare}`);
  if (onlyLayer) lines.push(`    layers: [${onlyLayer}]`);
  writeFileSync(join(dir, 'rsa.simspec.yaml'), lines.join('\n') + '\n');
  return join(dir, 'rsa.simspec.yaml');
}

const rdm = (m: (typeof layers)['conv1']) => rdmFromResponses(m, 'correlation', { convention: 'rsatoolbox' }).condensed;

for (const [compare, shared] of [['spearman', true], ['corr', true], ['tau-a', false]] as const) {
  test(`RSA bootstrap (${compare}): one draw of the brain for all layers, intervals as each layer alone`, async () => {
    const before = bootstrapWork.subjectSamples;
    const results = await runSpec(workspace(compare), { write: false });
    const prepared = bootstrapWork.subjectSamples - before;
    const layerCount = Object.keys(layers).length;
    const regionCount = Object.keys(regions).length;
    // Shared: each region's draws prepared once for the three layers (one subject; 18 stimuli never
    // give a dropped draw), where a bootstrap per layer prepares them three times. τ is not on the
    // prepared path (compareRdms re-sorts each draw): none.
    assert.equal(prepared, shared ? regionCount * samples : 0);
    assert.equal(results.scores.length, layerCount * regionCount);
    for (const [layer, x] of Object.entries(layers)) {
      for (const [region, y] of Object.entries(regions)) {
        const score = results.scores.find((s) => s.layer === layer && s.region === region)!;
        const brainRdm = rdm(y);
        const alone = bootstrapRsa({ modelRdms: [rdm(x)], subjectRdms: { rows: 1, cols: brainRdm.length, data: brainRdm }, method: compare, over: 'stimuli', iterations: samples, seed: 7, noiseCeiling: false, ciLevel: 95 }).models[0]!;
        assert.equal(score.ci!.lower, alone.ciLow, `${layer} × ${region} lower`);
        assert.equal(score.ci!.upper, alone.ciHigh, `${layer} × ${region} upper`);
        assert.equal(score.ci!.standardError, alone.sem, `${layer} × ${region} standard error`);
      }
    }
  });
}

test('a run of one layer (nothing to share) gives the same interval as that layer in a shared run', async () => {
  const all = await runSpec(workspace('spearman'), { write: false });
  const one = await runSpec(workspace('spearman', 'conv2'), { write: false });
  for (const s of one.scores) {
    const same = all.scores.find((t) => t.layer === s.layer && t.region === s.region)!;
    assert.deepEqual(s.ci, same.ci);
  }
});
