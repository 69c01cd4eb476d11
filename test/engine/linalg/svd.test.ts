import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SingularValueDecomposition } from 'ml-matrix';
import type { Matrix } from '../../../engine/core/matrix';
import {
  crossGram, multiply, multiplyTransposed, singularValues, symmetricEigenvalues, thinSvd, thinSvdJacobi, transpose, type SvdMethod,
} from '../../../engine/linalg';
import { EPS, maxAbs, maxAbsDifference, orthogonalityError, randomMatrix, randomOrthogonal, toMl } from './helpers';

/** A = U·diag(s)·Vᵀ, orthonormal U and V, s descending and ≥ 0. */
const METHODS: { method: SvdMethod; run: typeof thinSvd }[] = [
  { method: 'golub-kahan', run: thinSvd },
  { method: 'jacobi', run: thinSvdJacobi },
];

function assertSvd(a: Matrix, label: string, method: SvdMethod = 'golub-kahan'): ReturnType<typeof thinSvd> {
  const svd = (method === 'jacobi' ? thinSvdJacobi : thinSvd)(a);
  label = `${method} ${label}`;
  const k = Math.min(a.rows, a.cols);
  assert.equal(svd.s.length, k, `${label}: k`);
  assert.deepEqual([svd.u.rows, svd.u.cols, svd.v.rows, svd.v.cols], [a.rows, k, a.cols, k], `${label}: shapes`);
  for (let j = 0; j < k; j++) assert.ok(svd.s[j]! >= 0, `${label}: s[${j}] negative`);
  for (let j = 1; j < k; j++) assert.ok(svd.s[j - 1]! >= svd.s[j]!, `${label}: not descending`);
  const us = { rows: a.rows, cols: k, data: svd.u.data.map((v, idx) => v * svd.s[idx % k]!) };
  const reconstructed = multiplyTransposed(us, svd.v);
  const scale = Math.max(maxAbs(a.data), Number.MIN_VALUE) * Math.max(a.rows, a.cols, 1);
  const err = maxAbsDifference(reconstructed.data, a.data);
  assert.ok(err <= 20 * EPS * scale, `${label}: reconstruction ${err}`);
  const orthU = orthogonalityError(svd.u);
  const orthV = orthogonalityError(svd.v);
  assert.ok(orthU <= 20 * Math.max(a.rows, a.cols, 1) * EPS, `${label}: U orthogonality ${orthU}`);
  assert.ok(orthV <= 20 * Math.max(a.rows, a.cols, 1) * EPS, `${label}: V orthogonality ${orthV}`);
  const valuesOnly = singularValues(a, method);
  assert.ok(maxAbsDifference(valuesOnly, svd.s) <= 20 * EPS * scale, `${label}: singularValues differs from thinSvd`);
  return svd;
}

test('tall, wide, square and degenerate shapes decompose exactly (both methods)', () => {
  for (const { method } of METHODS) {
    const shapes: [number, number][] = [[0, 0], [0, 3], [4, 0], [1, 1], [1, 6], [6, 1], [2, 2], [7, 3], [3, 7], [20, 20], [61, 17], [17, 61], [300, 70]];
    shapes.forEach(([m, n], i) => assertSvd(randomMatrix(m, n, 200 + i), `${m}×${n}`, method));
  }
});

test('singular values squared are the eigenvalues of AᵀA (independent algorithm) (both methods)', () => {
  for (const { run } of METHODS) {
    const a = randomMatrix(30, 12, 5);
    const s = run(a).s;
    const lambda = symmetricEigenvalues(crossGram(a)).reverse();
    assert.ok(maxAbsDifference(s.map((v) => v * v), lambda) <= 1e-13 * lambda[0]!);
  }
});

test('planted singular values of U₀·diag(σ)·V₀ᵀ are recovered, including a 1e-12 spread (both methods)', () => {
  for (const { method } of METHODS) {
    const m = 18;
    const n = 11;
    const u0 = randomOrthogonal(m, 1);
    const v0 = randomOrthogonal(n, 2);
    const sigma = Array.from({ length: n }, (_, j) => 10 ** (-12 * j / (n - 1)));
    const us = new Float64Array(m * n);
    for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) us[i * n + j] = u0.data[i * m + j]! * sigma[j]!;
    const a = multiplyTransposed({ rows: m, cols: n, data: us }, v0);
    for (const x of [a, transpose(a)]) {
      const svd = assertSvd(x, `planted ${x.rows}×${x.cols}`, method);
      assert.ok(maxAbsDifference(svd.s, sigma) <= 50 * EPS, 'planted σ (absolute, relative to σ_max = 1)');
    }
  }
});

test('rank-deficient inputs: zero singular values and still-orthonormal U, V (both methods)', () => {
  for (const { method } of METHODS) {
    // Rank 3: (20×3)·(3×15).
    const a = multiply(randomMatrix(20, 3, 11), randomMatrix(3, 15, 12));
    for (const x of [a, transpose(a)]) {
      const svd = assertSvd(x, `rank 3 ${x.rows}×${x.cols}`, method);
      for (let j = 3; j < svd.s.length; j++) assert.ok(svd.s[j]! <= 1e-14 * svd.s[0]!, `σ_${j} = ${svd.s[j]}`);
    }
    // Tall enough for the QR-first path (m ≥ 1.8n), rank 2.
    const tall = multiply(randomMatrix(40, 2, 18), randomMatrix(2, 9, 19));
    const t = assertSvd(tall, 'rank 2 40×9 (QR first)', method);
    for (let j = 2; j < 9; j++) assert.ok(t.s[j]! <= 1e-14 * t.s[0]!, `σ_${j} = ${t.s[j]}`);
    // Exact zeros: zero matrix and duplicated / zero columns.
    const zero = { rows: 6, cols: 4, data: new Float64Array(24) };
    assert.deepEqual(Array.from(assertSvd(zero, 'zero', method).s), [0, 0, 0, 0]);
    const dup = randomMatrix(5, 4, 13);
    for (let i = 0; i < 5; i++) {
      dup.data[i * 4 + 2] = dup.data[i * 4]!;
      dup.data[i * 4 + 3] = 0;
    }
    const d = assertSvd(dup, 'duplicate+zero columns', method);
    assert.equal(d.s[3], 0);
    assert.ok(d.s[2]! <= 1e-15 * d.s[0]!);
    // Rank one, square (orthonormal completion of many columns).
    const outer = multiplyTransposed(randomMatrix(30, 1, 14), randomMatrix(30, 1, 15));
    const o = assertSvd(outer, 'rank one 30×30', method);
    for (let j = 1; j < 30; j++) assert.ok(o.s[j]! <= 1e-14 * o.s[0]!);
  }
});

test('bidiagonal inputs with zero diagonal entries (deflation paths of the QR sweep) (both methods)', () => {
  for (const { method } of METHODS) {
    for (const [diag, superdiag] of [[[1, 0, 2, 0], [1, 1, 1]], [[0, 3, 0, 1, 5], [2, 0, 1, 1]], [[2, 1, 1, 0], [0, 0, 0]]] as const) {
      const n = diag.length;
      const a = { rows: n, cols: n, data: new Float64Array(n * n) };
      diag.forEach((v, i) => (a.data[i * n + i] = v));
      superdiag.forEach((v, i) => (a.data[i * n + i + 1] = v));
      const svd = assertSvd(a, `bidiagonal ${diag}`, method);
      // Independent check: σ² are the eigenvalues of AᵀA.
      const lambda = symmetricEigenvalues(crossGram(a)).reverse();
      assert.ok(maxAbsDifference(svd.s.map((v) => v * v), lambda) <= 1e-13 * lambda[0]!);
    }
  }
});

test('an orthogonal matrix: all σ = 1 and U·Vᵀ reproduces it (both methods)', () => {
  for (const { method } of METHODS) {
    const q = randomOrthogonal(40, 9);
    const svd = assertSvd(q, 'orthogonal 40×40', method);
    assert.ok(maxAbsDifference(svd.s, new Array(40).fill(1)) <= 100 * EPS);
    assert.ok(maxAbsDifference(multiplyTransposed(svd.u, svd.v).data, q.data) <= 1e-13);
  }
});

test('singular values match ml-matrix SVD (reference) (both methods)', () => {
  for (const { run } of METHODS) {
    for (const [m, n] of [[25, 9], [9, 25]] as const) {
      const a = randomMatrix(m, n, 300 + m);
      const want = new SingularValueDecomposition(toMl(a), { autoTranspose: true }).diagonal;
      assert.ok(maxAbsDifference(run(a).s, want) <= 1e-13 * want[0]!);
    }
  }
});

test('huge and tiny scales do not overflow or underflow (both methods)', () => {
  for (const { method, run } of METHODS) {
    const base = randomMatrix(8, 5, 16);
    const s0 = run(base).s;
    for (const f of [1e300, 1e-300]) {
      const svd = assertSvd({ rows: 8, cols: 5, data: base.data.map((v) => v * f) }, `scale ${f}`, method);
      assert.ok(maxAbsDifference(svd.s.map((v) => v / f), s0) <= 1e-14 * s0[0]!);
    }
    // Subnormal entries: only the scale matters here (the values carry few significant bits).
    const tiny = { rows: 2, cols: 2, data: Float64Array.of(3 * 2 ** -1070, 0, 0, 4 * 2 ** -1070) };
    assert.deepEqual(Array.from(run(tiny).s), [4 * 2 ** -1070, 3 * 2 ** -1070]);
  }
});

test('non-finite input gives NaN (both methods)', () => {
  for (const { run } of METHODS) {
    const a = randomMatrix(4, 3, 17);
    a.data[5] = Infinity;
    const { u, s, v } = run(a);
    assert.ok(s.every(Number.isNaN) && u.data.every(Number.isNaN) && v.data.every(Number.isNaN));
  }
});
