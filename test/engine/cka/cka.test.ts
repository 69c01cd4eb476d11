// CKA estimators: identities between their forms, invariances, and the p ≫ n bias (docs/metrics.md
// §5.1, §8 item 28).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Matrix } from '../../../engine/core/matrix';
import { matrixFromRows } from '../../../engine/core/matrix';
import { linearCka, unbiasedLinearCka, unbiasedHsic, rbfCka, rbfGram, ckaFromHsic } from '../../../engine/metrics/cka';
import { centredGram } from '../../../engine/metrics/shape';
import { gram, multiply } from '../../../engine/linalg';
import { NumpyRandomState } from '../../../engine/stats/random';
import { addRowVector, close, randomMatrix, randomOrthogonal, scaled } from '../shape/helpers';

function uniformMatrix(rows: number, cols: number, seed: number): Matrix {
  const rng = new NumpyRandomState(seed);
  const data = new Float64Array(rows * cols);
  for (let i = 0; i < data.length; i++) data[i] = rng.randomSample();
  return { rows, cols, data };
}

test('biased CKA is inflated on independent wide data; unbiased CKA is near 0 (Brain-Score test, smaller)', () => {
  const x = uniformMatrix(200, 4000, 1);
  const y = uniformMatrix(200, 4000, 2);
  const biased = linearCka(x, y);
  const unbiased = unbiasedLinearCka(x, y);
  assert.ok(biased > 0.9, `biased ${biased}`);
  assert.ok(Math.abs(unbiased) < 0.1, `unbiased ${unbiased}`);
});

test('unbiased HSIC: explicit Song et al. formula = U-centring = Kornblith feature form', () => {
  const x = randomMatrix(12, 5, 3, 2);
  const y = randomMatrix(12, 7, 4, -1);
  const k = gram(x);
  const l = gram(y);
  const n = 12;
  // Song et al. (2012) eq. 5 with zeroed diagonals.
  const song = (a: Matrix, b: Matrix) => {
    const at = Float64Array.from(a.data);
    const bt = Float64Array.from(b.data);
    for (let i = 0; i < n; i++) at[i * n + i] = bt[i * n + i] = 0;
    let tr = 0;
    let sa = 0;
    let sb = 0;
    let cross = 0;
    const rowA = new Float64Array(n);
    const rowB = new Float64Array(n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
      tr += at[i * n + j]! * bt[j * n + i]!;
      sa += at[i * n + j]!;
      sb += bt[i * n + j]!;
      rowA[i] = rowA[i]! + at[i * n + j]!;
      rowB[j] = rowB[j]! + bt[i * n + j]!;
    }
    for (let i = 0; i < n; i++) cross += rowA[i]! * rowB[i]!;
    return (tr + (sa * sb) / ((n - 1) * (n - 2)) - (2 / (n - 2)) * cross) / (n * (n - 3));
  };
  close(unbiasedHsic(k, l), song(k, l), 1e-10 * Math.abs(song(k, l)), 'U-centring vs formula (raw Grams with offsets)');
  const want = ckaFromHsic(song(k, l), song(k, k), song(l, l), 'kornblith');
  close(unbiasedLinearCka(x, y, { route: 'gram' }), want, 1e-12, 'Gram route');
  close(unbiasedLinearCka(x, y, { route: 'feature' }), want, 1e-12, 'feature route');
});

test('linear CKA: feature and Gram forms agree; invariant to rotation, isotropic scale, translation', () => {
  const x = randomMatrix(30, 6, 5, 1);
  const y = randomMatrix(30, 40, 6);
  const g = centredGram(x).gram;
  const l = centredGram(y).gram;
  let kl = 0;
  let kk = 0;
  let ll = 0;
  for (let t = 0; t < g.data.length; t++) {
    kl += g.data[t]! * l.data[t]!;
    kk += g.data[t]! ** 2;
    ll += l.data[t]! ** 2;
  }
  close(linearCka(x, y), kl / Math.sqrt(kk * ll), 1e-12, 'forms');
  const moved = addRowVector(scaled(multiply(x, randomOrthogonal(6, 7)), 4), [1, 2, 3, 4, 5, 6]);
  close(linearCka(moved, y), linearCka(x, y), 1e-12, 'invariance');
  close(unbiasedLinearCka(moved, y), unbiasedLinearCka(x, y), 1e-12, 'unbiased invariance');
});

test('unbiased CKA variants: Brain-Score returns 0 when a self-HSIC is ≤ 0; Kornblith refuses', () => {
  const constant = matrixFromRows([[1, 1], [1, 1], [1, 1], [1, 1], [1, 1]]);
  const y = randomMatrix(5, 2, 8);
  assert.equal(unbiasedLinearCka(constant, y, { variant: 'brain-score' }), 0);
  assert.throws(() => unbiasedLinearCka(constant, y, { variant: 'kornblith' }), /not positive/);
  const x = randomMatrix(20, 3, 9);
  const z = randomMatrix(20, 3, 10);
  const exact = unbiasedLinearCka(x, z);
  assert.ok(Math.abs(unbiasedLinearCka(x, z, { variant: 'brain-score' }) - exact) < 1e-9);
});

test('RBF bandwidth rules: Kornblith median over all n² entries vs Brain-Score nonzero median', () => {
  const x = matrixFromRows([[0], [1], [3]]);
  // D² = [[0,1,9],[1,0,4],[9,4,0]]: all entries sorted 0,0,0,1,1,4,4,9,9 → 1; nonzero 1,1,4,4,9,9 → 4.
  assert.equal(rbfGram(x, 'kornblith').sigma2, 1);
  assert.equal(rbfGram(x, 'brain-score').sigma2, 4);
  assert.equal(rbfGram(x, 'kornblith', 0.5).sigma2, 0.25);
  close(rbfGram(x, { sigma: 2 }).kernel.data[1]!, Math.exp(-1 / 8), 1e-15, 'fixed σ');
  const a = randomMatrix(25, 4, 11);
  close(rbfCka(a, multiply(a, randomOrthogonal(4, 12))), 1, 1e-12, 'RBF CKA of a rotated copy');
  close(rbfCka(a, scaled(a, 3)), 1, 1e-12, 'median rule restores scale invariance');
  const b = randomMatrix(25, 4, 13);
  const u = rbfCka(a, b, { estimator: 'unbiased' });
  assert.ok(u < rbfCka(a, b), 'unbiased below biased on independent data');
});
