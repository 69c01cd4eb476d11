// Noise-ceiling conventions relative to each other and rsatoolbox's within-set NaN rule. The values
// themselves are checked against rsatoolbox (reference cases), Kriegeskorte (docs/metrics.md §7.2)
// and Algonauts (§7.3).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SimspecError } from '../../../engine/core/errors';
import type { Matrix } from '../../../engine/core/matrix';
import { noiseCeiling, rdmFromResponses } from '../../../engine/metrics/rsa';
import { close, randomMatrix } from './helpers';

const n = 9;
function stack(count: number): Matrix {
  const shared = randomMatrix(n, 25, 40);
  const N = (n * (n - 1)) / 2;
  const data = new Float64Array(count * N);
  for (let s = 0; s < count; s++) {
    const noise = randomMatrix(n, 25, 41 + s);
    data.set(rdmFromResponses({ rows: n, cols: 25, data: shared.data.map((v, k) => v + noise.data[k]!) }, 'correlation').condensed, s * N);
  }
  return { rows: count, cols: N, data };
}
const rdms = stack(6);

test('Algonauts per-subject upper values are the squares of the Brain-Score ones (same plain-mean target)', () => {
  const alg = noiseCeiling(rdms, 'spearman', 'algonauts');
  const bs = noiseCeiling(rdms, 'spearman', 'brainscore');
  bs.upperPerGroup.forEach((v, s) => close(alg.upperPerGroup[s]!, v * v, 1e-15, `subject ${s}`));
  assert.ok(Number.isNaN(bs.lower));
  assert.ok(alg.lower < alg.upper);
});

test('rsatoolbox groups: one label per RDM is the default; every ceiling has lower ≤ upper', () => {
  for (const method of ['corr', 'spearman', 'cosine', 'rho-a', 'tau-a', 'cosine_cov', 'corr_cov']) {
    const plain = noiseCeiling(rdms, method);
    const labelled = noiseCeiling(rdms, method, 'rsatoolbox', { groups: ['f', 'e', 'd', 'c', 'b', 'a'] });
    close(labelled.lower, plain.lower, 1e-15, `${method} lower`);
    close(labelled.upper, plain.upper, 1e-15, `${method} upper`);
    assert.ok(plain.lower <= plain.upper, method);
  }
  const paired = noiseCeiling(rdms, 'corr', 'rsatoolbox', { groups: [0, 0, 1, 1, 2, 2] });
  assert.equal(paired.lowerPerGroup.length, 3);
  assert.throws(() => noiseCeiling(rdms, 'corr', 'rsatoolbox', { groups: [0, 0, 0, 0, 0, 0] }), SimspecError);
});

test('a pair that is NaN in one RDM is dropped from all of them (within-set rule)', () => {
  const holey = { ...rdms, data: Float64Array.from(rdms.data) };
  holey.data[2 * rdms.cols + 5] = NaN;
  const allHoley = { ...rdms, data: Float64Array.from(rdms.data) };
  for (let s = 0; s < rdms.rows; s++) allHoley.data[s * rdms.cols + 5] = NaN;
  for (const method of ['spearman', 'corr', 'cosine_cov']) {
    const a = noiseCeiling(holey, method);
    const b = noiseCeiling(allHoley, method);
    assert.equal(a.pairs, rdms.cols - 1);
    close(a.lower, b.lower, 0, `${method} lower`);
    close(a.upper, b.upper, 0, `${method} upper`);
    assert.notEqual(a.upper, noiseCeiling(rdms, method).upper);
  }
});

test('per-subject evaluation: Net2Brain preset (squared, two-sided) vs rsatoolbox default (one-sided)', async () => {
  const { evaluatePerSubject, compareRdms } = await import('../../../engine/metrics/rsa');
  const model = rdmFromResponses(randomMatrix(n, 25, 40), 'correlation').condensed;
  const rows = Array.from({ length: rdms.rows }, (_, s) => rdms.data.subarray(s * rdms.cols, (s + 1) * rdms.cols));
  const r = rows.map((v) => compareRdms(model, v, 'spearman').value);
  const net2brain = evaluatePerSubject(model, rdms, 'spearman', { squared: true, alternative: 'two-sided' });
  close(net2brain.mean, r.reduce((s, x) => s + x * x, 0) / r.length, 1e-15, 'mean r²');
  assert.equal(net2brain.alternative, 'two-sided');
  const rsa = evaluatePerSubject(model, rdms, 'spearman');
  assert.equal(rsa.alternative, 'greater');
  close(rsa.mean, r.reduce((s, x) => s + x, 0) / r.length, 1e-15, 'mean r');
  assert.ok(rsa.t > 0);
  close(evaluatePerSubject(model, rdms, 'spearman', { alternative: 'two-sided' }).p, 2 * rsa.p, 1e-15, 'two-sided = 2 × one-sided');
});
