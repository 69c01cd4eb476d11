/**
 * `group: soft-matching` through a spec: zero distance to a copy with its units relabelled, and, at
 * equal widths, the permutation shape distance (euclidean) / √p (Birkhoff–von Neumann; Khosla &
 * Williams 2023) — two independent code paths (exact OT vs linear assignment) meeting in one identity.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeNpy } from '../../../engine/io/npyWriter';
import { runSpec } from '../../../engine/run/execute';
import { NumpyRandomState } from '../../../engine/stats/random';

function gaussian(rng: NumpyRandomState, count: number): Float64Array {
  const out = new Float64Array(count);
  for (let k = 0; k < count; k++) out[k] = Math.sqrt(-2 * Math.log(1 - rng.randomSample())) * Math.cos(2 * Math.PI * rng.randomSample());
  return out;
}

test('soft matching: 0 for relabelled units, permutation distance / √p at equal widths', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'simspec-soft-'));
  const rng = new NumpyRandomState(7);
  const n = 40, p = 12;
  const x = gaussian(rng, n * p);
  const y = gaussian(rng, n * p);
  const order = rng.permutation(p);
  const xPermuted = new Float64Array(n * p);
  for (let i = 0; i < n; i++) for (let j = 0; j < p; j++) xPermuted[i * p + j] = x[i * p + order[j]!]!;
  writeNpy(join(dir, 'x.npy'), [n, p], x);
  writeNpy(join(dir, 'x-permuted.npy'), [n, p], xPermuted);
  writeNpy(join(dir, 'y.npy'), [n, p], y);
  writeFileSync(join(dir, 'soft.simspec.yaml'), `simspec: 1
model:
  layers:
    x: { file: x.npy }
brain:
  x_permuted: { file: x-permuted.npy }
  y: { file: y.npy }
comparisons:
  - name: soft
    metric: shape
    group: soft-matching
  - name: permutation
    metric: shape
    group: permutation
    score: euclidean
`);
  const { scores } = await runSpec(join(dir, 'soft.simspec.yaml'), { write: false });
  const value = (comparison: string, region: string) => scores.find((s) => s.comparison === comparison && s.region === region)!.value;
  assert.ok(Math.abs(value('soft', 'x_permuted')) < 1e-9, `d(X, XP) = ${value('soft', 'x_permuted')}`);
  assert.ok(value('soft', 'y') > 0.1);
  assert.ok(Math.abs(value('soft', 'y') - value('permutation', 'y') / Math.sqrt(p)) < 1e-9, `${value('soft', 'y')} vs ${value('permutation', 'y') / Math.sqrt(p)}`);
});
