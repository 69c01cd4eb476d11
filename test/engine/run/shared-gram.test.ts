/**
 * One product per representation (issue 11 item 3, docs/performance.md §7.2): in a run with CKA
 * (both estimators), Procrustes and ridge on the same layers and regions, each representation's
 * centred Gram is formed once and every metric reads it. The scores are bit-identical to each
 * metric computing its own product — the same function on the same data — checked two ways: against
 * the metric functions called directly, and against runs holding one comparison each.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeNpy } from '../../../engine/io/npyWriter';
import { runSpec } from '../../../engine/run/execute';
import { gramProducts, factorizeNetwork } from '../../../engine/metrics/common/factor';
import { linearCka, unbiasedLinearCka } from '../../../engine/metrics/cka';
import { alignFactors, trainingLinearScore } from '../../../engine/metrics/shape';
import { seededRandom } from '../../helpers/seededRandom';
import type { Matrix } from '../../../engine/core/matrix';

/** Offset columns (ReLU-like means) so centring matters. */
function randomMatrix(rows: number, cols: number, seed: number): Matrix {
  const random = seededRandom(seed);
  const data = new Float64Array(rows * cols);
  for (let i = 0; i < data.length; i++) data[i] = random() * 2 - 1 + 0.1 * (i % cols);
  return { rows, cols, data };
}

// Units ≥ stimuli everywhere, so CKA and the shape factors take their Gram routes.
const stimuli = 30;
const layers = { early: randomMatrix(stimuli, 50, 1), late: randomMatrix(stimuli, 45, 2) };
const regions = { V4: randomMatrix(stimuli, 40, 3), IT: randomMatrix(stimuli, 35, 4) };

const comparisons: Record<string, string[]> = {
  'cka-unbiased': ['    metric: cka'],
  'cka-biased': ['    metric: cka', '    estimator: biased'],
  procrustes: ['    metric: shape', '    group: orthogonal'],
  ridge: ['    metric: regression', '    alphas: [0.1, 1, 10]', '    cv: { scheme: kfold, folds: 5 }'],
};

function writeSpec(dir: string, names: string[]): string {
  const lines = ['simspec: 1', 'model:', '  layers:'];
  for (const name of Object.keys(layers)) lines.push(`    ${name}: { file: ${name}.npy }`);
  lines.push('brain:');
  for (const name of Object.keys(regions)) lines.push(`  ${name}: { file: ${name}.npy }`);
  lines.push('comparisons:');
  for (const name of names) lines.push(`  - name: ${name}`, ...comparisons[name]!);
  const file = join(dir, `${names.join('+')}.simspec.yaml`);
  writeFileSync(file, lines.join('\n') + '\n');
  return file;
}

function workspace(): string {
  const dir = mkdtempSync(join(tmpdir(), 'simspec-shared-gram-'));
  for (const [name, m] of [...Object.entries(layers), ...Object.entries(regions)]) writeNpy(join(dir, `${name}.npy`), [m.rows, m.cols], m.data);
  return dir;
}

test('a run forms one centred Gram per representation, shared by CKA, shape and ridge', async () => {
  const dir = workspace();
  const before = gramProducts.centred;
  const results = await runSpec(writeSpec(dir, Object.keys(comparisons)), { write: false });
  // Without sharing: 2 per CKA pair × 2 estimators × 4 pairs + 4 shape factors + 2 ridge layers = 22.
  assert.equal(gramProducts.centred - before, Object.keys(layers).length + Object.keys(regions).length);
  assert.equal(results.scores.length, 16);
  assert.ok(results.scores.every((s) => Number.isFinite(s.value)));

  const value = (comparison: string, layer: string, region: string) => results.scores.find((s) => s.comparison === comparison && s.layer === layer && s.region === region)!.value;
  for (const [layer, x] of Object.entries(layers)) {
    for (const [region, y] of Object.entries(regions)) {
      // The metric functions forming their own products give the same bits.
      assert.equal(value('cka-unbiased', layer, region), unbiasedLinearCka(x, y));
      assert.equal(value('cka-biased', layer, region), linearCka(x, y));
      const fx = factorizeNetwork(x);
      const fy = factorizeNetwork(y);
      assert.equal(fx.route, 'gram');
      assert.equal(value('procrustes', layer, region), trainingLinearScore(alignFactors(fx, fy, 1, Math.max(x.cols, y.cols)), 'angular'));
    }
  }

  // Each comparison run on its own (its metric then makes the products itself) gives the same bits.
  for (const name of Object.keys(comparisons)) {
    const alone = await runSpec(writeSpec(dir, [name]), { write: false });
    for (const s of alone.scores) assert.equal(value(name, s.layer, s.region), s.value, `${name} ${s.layer} ${s.region}`);
  }
});
