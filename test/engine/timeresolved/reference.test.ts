/**
 * Time-resolved RSA against its peers (test/fixtures/timeresolved/generate.py):
 *  - MNE 1.3 `permutation_cluster_1samp_test`: same t course, threshold, clusters and — because our
 *    sign flips reproduce MNE's draws from numpy's RandomState(seed), or its exact enumeration —
 *    the same cluster p-values and H0, for tails 1, 0 (exact, random n ≤ 20, hashed n > 20) and −1;
 *  - scikit-learn 1.2 `LedoitWolf`: covariance and shrinkage;
 *  - rsatoolbox crossnobis with per-time noise normalisation (shrinkage_diag, shrinkage_eye).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readArray } from '../../../engine/io';
import { clusterPermutationTest, type Tail } from '../../../engine/metrics/rsa/time/cluster';
import { ledoitWolf } from '../../../engine/metrics/rsa/time/shrinkage';
import { crossnobisAtTime } from '../../../engine/metrics/rsa/time/analysis';

const DIR = 'test/fixtures/timeresolved';
const expected = JSON.parse(readFileSync(join(DIR, 'expected.json'), 'utf8')) as { cases: Record<string, Record<string, unknown>> };

function close(got: ArrayLike<number>, want: ArrayLike<number>, atol: number, rtol: number, what: string): number {
  assert.equal(got.length, want.length, `${what}: length`);
  let worst = 0;
  for (let k = 0; k < want.length; k++) {
    const d = Math.abs(got[k]! - want[k]!);
    worst = Math.max(worst, d);
    assert.ok(d <= atol + rtol * Math.abs(want[k]!), `${what}[${k}]: got ${got[k]}, want ${want[k]}`);
  }
  return worst;
}

for (const [name, c] of Object.entries(expected.cases).filter(([n]) => n.startsWith('cluster_'))) {
  test(`cluster test equals MNE: ${name}`, async () => {
    const x = await readArray(join(DIR, c.input as string));
    const [S, T] = x.shape as [number, number];
    const result = clusterPermutationTest(Float64Array.from(x.data), S, T, {
      tail: c.tail as Tail,
      ...(c.threshold !== null ? { threshold: c.threshold as number } : {}),
      permutations: c.n_permutations as number,
      seed: c.seed as number,
    });
    close(result.t, c.t_obs as number[], 1e-10, 1e-10, 't');
    assert.deepEqual(result.clusters.map((k) => [k.start, k.end]), c.clusters);
    close(Float64Array.from(result.clusters, (k) => k.p), c.cluster_pv as number[], 1e-12, 0, 'cluster p');
    close(result.h0, c.H0 as number[], 1e-9, 1e-9, 'H0');
  });
}

test('Ledoit–Wolf covariance and shrinkage equal scikit-learn', async () => {
  const c = expected.cases.ledoit_wolf!;
  const x = await readArray(join(DIR, c.input as string));
  const { covariance, shrinkage } = ledoitWolf({ rows: x.shape[0]!, cols: x.shape[1]!, data: Float64Array.from(x.data) });
  assert.ok(Math.abs(shrinkage - (c.shrinkage as number)) < 1e-12, `shrinkage ${shrinkage} vs ${c.shrinkage}`);
  close(covariance.data, (c.covariance as number[][]).flat(), 1e-10, 1e-10, 'covariance');
});

for (const method of ['shrinkage_diag', 'shrinkage_eye'] as const) {
  test(`crossnobis with per-time noise normalisation equals rsatoolbox (${method})`, async () => {
    const c = expected.cases[`crossnobis_${method}`]!;
    const d = await readArray(join(DIR, c.input as string));
    const [T, n, r, u] = d.shape as [number, number, number, number];
    const want = c.rdms as number[][];
    for (let t = 0; t < T; t++) {
      const slice = Float64Array.from(d.data.subarray(t * n * r * u, (t + 1) * n * r * u));
      close(crossnobisAtTime(slice, n, r, u, method, {}), want[t]!, 1e-10, 1e-8, `time ${t}`);
    }
  });
}
