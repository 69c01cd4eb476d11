// Mutual k-NN alignment and CKNNA: invariances that follow from the definitions (Huh et al. 2024;
// engine/families/knn.ts header), the identity CKNNA(k = n − 1) = unbiased linear CKA of the
// normalised rows, the neighbour selection against a plain stable sort, and bad input.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Matrix } from '../../../engine/core/matrix';
import { SimspecError } from '../../../engine/core/errors';
import { gram, multiply } from '../../../engine/linalg';
import { unbiasedLinearCka } from '../../../engine/metrics/cka';
import { cknna, mutualKnnAlignment, nearestNeighbours, normalizeRows } from '../../../engine/families/knn';
import { close, randomMatrix, randomOrthogonal, scaled } from '../shape/helpers';

/** Related but not identical representations: a noisy saturating readout of X. */
function pair(n: number, p: number, q: number, seed: number): { x: Matrix; y: Matrix } {
  const x = randomMatrix(n, p, seed, 0.2);
  const readout = multiply(x, randomMatrix(p, q, seed + 1));
  const noise = randomMatrix(n, q, seed + 2);
  const y = { rows: n, cols: q, data: readout.data.map((v, t) => Math.tanh(v / Math.sqrt(p)) + 0.15 * noise.data[t]!) };
  return { x, y };
}

function permuteRows(m: Matrix, order: readonly number[]): Matrix {
  const out = new Float64Array(m.data.length);
  order.forEach((from, to) => out.set(m.data.subarray(from * m.cols, (from + 1) * m.cols), to * m.cols));
  return { rows: m.rows, cols: m.cols, data: out };
}

function scaleRows(m: Matrix, factors: readonly number[]): Matrix {
  return { rows: m.rows, cols: m.cols, data: m.data.map((v, t) => v * factors[Math.floor(t / m.cols)]!) };
}

const { x, y } = pair(80, 14, 9, 11);
const k = 8;
const mutual = (a: Matrix, b: Matrix, normalize = true) => mutualKnnAlignment(a, b, { k, normalize });
const centred = (a: Matrix, b: Matrix, normalize = true) => cknna(a, b, { k, normalize, epsilon: 'none' });
const reference = { mutual: mutual(x, y), cknna: centred(x, y) };

test('the test pair is informative: both scores well inside (0, 1)', () => {
  assert.ok(reference.mutual > 0.2 && reference.mutual < 0.9, `mutual k-NN ${reference.mutual}`);
  assert.ok(reference.cknna > 0.1 && reference.cknna < 0.9, `CKNNA ${reference.cknna}`);
});

test('rotating either side leaves both scores unchanged', () => {
  const xr = multiply(x, randomOrthogonal(14, 21));
  const yr = multiply(y, randomOrthogonal(9, 22));
  assert.equal(mutual(xr, y), reference.mutual);
  assert.equal(mutual(x, yr), reference.mutual);
  close(centred(xr, yr), reference.cknna, 1e-12, 'CKNNA after rotations');
});

test('isotropic scaling of either side leaves both scores unchanged (cosine and raw inner-product neighbourhoods)', () => {
  for (const s of [1e-3, 7.25, 1e4]) {
    assert.equal(mutual(scaled(x, s), y), reference.mutual);
    assert.equal(mutual(x, scaled(y, s)), reference.mutual);
    close(centred(scaled(x, s), y), reference.cknna, 1e-12, `CKNNA with X × ${s}`);
    assert.equal(mutual(scaled(x, s), y, false), mutual(x, y, false));
    close(centred(x, scaled(y, s), false), centred(x, y, false), 1e-12, `raw-inner-product CKNNA with Y × ${s}`);
  }
});

test('with normalize, rescaling single stimuli by positive factors changes nothing', () => {
  const factors = Array.from({ length: x.rows }, (_, i) => 0.1 + ((i * 37) % 23));
  assert.equal(mutual(scaleRows(x, factors), y), reference.mutual);
  close(centred(x, scaleRows(y, factors)), reference.cknna, 1e-12, 'CKNNA with rescaled stimuli');
  // ... while raw inner products do see it (the option is not a no-op).
  assert.notEqual(mutual(scaleRows(x, factors), y, false), mutual(x, y, false));
});

test('the same stimulus permutation on both sides leaves both scores unchanged', () => {
  const order = Array.from({ length: x.rows }, (_, i) => (i * 29 + 7) % x.rows);
  assert.equal(new Set(order).size, x.rows);
  assert.equal(mutual(permuteRows(x, order), permuteRows(y, order)), reference.mutual);
  close(centred(permuteRows(x, order), permuteRows(y, order)), reference.cknna, 1e-12, 'CKNNA after permuting stimuli');
  // Permuting one side only breaks the correspondence.
  assert.ok(mutual(permuteRows(x, order), y) < reference.mutual / 2);
});

test('mutual k-NN is symmetric in X and Y (CKNNA is not: see the reference case knn_cknna_n100_k10_swapped)', () => {
  assert.equal(mutual(y, x), reference.mutual);
  assert.equal(mutual(y, x, false), mutual(x, y, false));
});

test('identical inputs give 1 (CKNNA: exactly 1 without ε, just below 1 with the peer\'s 1e-6)', () => {
  for (const kk of [1, 5, 40, 79]) assert.equal(mutualKnnAlignment(x, x, { k: kk }), 1);
  close(cknna(x, x, { k, epsilon: 'none' }), 1, 1e-14, 'CKNNA(X, X), no ε');
  close(cknna(x, x, { k, unbiased: false, epsilon: 'none' }), 1, 1e-14, 'biased CKNNA(X, X), no ε');
  const withEpsilon = cknna(x, x, { k });
  assert.ok(withEpsilon < 1 && withEpsilon > 0.99, `CKNNA(X, X) with ε: ${withEpsilon}`);
});

test('CKNNA with k = n − 1 (every pair a neighbour) is unbiased linear CKA of the normalised rows', () => {
  for (const [n, seed] of [[12, 3], [40, 5]] as const) {
    const { x: a, y: b } = pair(n, 6, 15, seed);
    const cka = unbiasedLinearCka(normalizeRows(a), normalizeRows(b), { variant: 'kornblith' });
    close(cknna(a, b, { k: n - 1, epsilon: 'none' }), cka, 1e-12, `n = ${n}`);
  }
});

test('mutual k-NN is the mean shared fraction of neighbour sets from a plain stable sort (lower index wins ties)', () => {
  // Integer data: many exact ties at the k-th neighbour.
  const n = 30;
  const a = { rows: n, cols: 4, data: randomMatrix(n, 4, 8).data.map((v) => Math.round(v)) };
  const b = { rows: n, cols: 3, data: randomMatrix(n, 3, 9).data.map((v) => Math.round(v)) };
  const sets = (m: Matrix, kk: number) => {
    const g = gram(normalizeRows(m));
    return Array.from({ length: n }, (_, i) => {
      const order = Array.from({ length: n }, (_, j) => j).filter((j) => j !== i);
      order.sort((p, q) => g.data[i * n + q]! - g.data[i * n + p]! || p - q);
      return new Set(order.slice(0, kk));
    });
  };
  for (const kk of [1, 3, 7, 29]) {
    const sa = sets(a, kk);
    const sb = sets(b, kk);
    let shared = 0;
    for (let i = 0; i < n; i++) for (const j of sa[i]!) if (sb[i]!.has(j)) shared++;
    assert.equal(mutualKnnAlignment(a, b, { k: kk }), shared / kk / n, `k = ${kk}`);
    const chosen = nearestNeighbours(gram(normalizeRows(a)), kk, -1e8);
    for (let i = 0; i < n; i++) assert.deepEqual(new Set(chosen.subarray(i * kk, (i + 1) * kk)), sa[i], `row ${i}, k = ${kk}`);
  }
});

test('bad input ends in a SimspecError naming the variable and the expectation', () => {
  const cases: Array<[() => unknown, RegExp, string]> = [
    [() => mutualKnnAlignment(x, { rows: 79, cols: 9, data: y.data.subarray(0, 79 * 9) }, { k }), /80 rows/, 'data.rows'],
    [() => mutualKnnAlignment(x, y, { k: 0 }), /from 1 to 79/, 'param.k'],
    [() => mutualKnnAlignment(x, y, { k: 80 }), /from 1 to 79/, 'param.k'],
    [() => mutualKnnAlignment(x, y, { k: 2.5 }), /integer/, 'param.k'],
    [() => cknna(x, y, { k: 1 }), /from 2 to 79/, 'param.k'],
    [() => cknna(x, y, { k: 81, unbiased: false }), /from 2 to 80/, 'param.k'],
    [() => cknna({ rows: 3, cols: 2, data: new Float64Array(6).fill(1) }, { rows: 3, cols: 2, data: new Float64Array(6).fill(1) }, { k: 2 }), /at least 4 stimuli/, 'data.rows'],
    [() => mutualKnnAlignment({ ...x, data: x.data.map((v, t) => (t === 20 ? Number.NaN : v)) }, y, { k }), /row 1, column 6/, 'data.nonfinite'],
  ];
  for (const [run, message, code] of cases) {
    assert.throws(run, (e: unknown) => e instanceof SimspecError && message.test(e.message) && e.code === code, String(message));
  }
  // An all-zero representation has zero neighbour-restricted self-similarity: CKNNA is undefined
  // (an error, where the peer returns 0/1e-6 or NaN).
  const silent = { rows: 80, cols: 3, data: new Float64Array(240) };
  assert.throws(() => cknna(silent, x, { k: 3 }), (e: unknown) => e instanceof SimspecError && e.code === 'metric.degenerate');
});
