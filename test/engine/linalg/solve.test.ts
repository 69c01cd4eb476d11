import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SimspecError } from '../../../engine/core/errors';
import type { Matrix } from '../../../engine/core/matrix';
import {
  add, cholesky, choleskySolve, determinant, gram, identity, multiply, multiplyTransposed, multiplyVector, pseudoInverse, solve, solveTriangular,
  transpose,
} from '../../../engine/linalg';
import { EPS, maxAbs, maxAbsDifference, randomMatrix } from './helpers';

function randomSpd(n: number, seed: number): Matrix {
  return add(gram(randomMatrix(n, n + 3, seed)), identity(n), 0.1);
}

/** ‖A·X − B‖_max ≤ c·ε·‖A‖·‖X‖·n (backward-stable solve). */
function assertResidual(a: Matrix, x: Matrix, b: Matrix, label: string): void {
  const r = maxAbsDifference(multiply(a, x).data, b.data);
  const bound = 100 * EPS * maxAbs(a.data) * maxAbs(x.data) * a.rows;
  assert.ok(r <= bound, `${label}: residual ${r} > ${bound}`);
}

test('cholesky: L lower triangular with positive diagonal and L·Lᵀ = A', () => {
  for (const n of [1, 2, 5, 40, 150]) {
    const a = randomSpd(n, n);
    const l = cholesky(a);
    for (let i = 0; i < n; i++) {
      assert.ok(l.data[i * n + i]! > 0);
      for (let j = i + 1; j < n; j++) assert.equal(l.data[i * n + j], 0);
    }
    assert.ok(maxAbsDifference(multiplyTransposed(l, l).data, a.data) <= 100 * EPS * maxAbs(a.data) * n);
  }
});

test('choleskySolve and solve: small residuals for matrix and vector right-hand sides', () => {
  for (const n of [1, 3, 17, 60, 150]) {
    const spd = randomSpd(n, 10 + n);
    const b = randomMatrix(n, 4, 20 + n);
    assertResidual(spd, choleskySolve(spd, b), b, `cholesky n=${n}`);
    const general = randomMatrix(n, n, 30 + n);
    assertResidual(general, solve(general, b), b, `lu n=${n}`);
    const v = Float64Array.from({ length: n }, (_, i) => Math.cos(i));
    const x = solve(general, v);
    assert.ok(x instanceof Float64Array);
    assert.ok(maxAbsDifference(multiplyVector(general, x), v) <= 100 * EPS * maxAbs(general.data) * maxAbs(x) * n);
    const y = choleskySolve(spd, v);
    assert.ok(maxAbsDifference(multiplyVector(spd, y), v) <= 100 * EPS * maxAbs(spd.data) * maxAbs(y) * n);
  }
});

test('solveTriangular: lower/upper, transposed, unit diagonal, across the 64-row blocks', () => {
  const n = 150;
  const full = randomMatrix(n, n, 77);
  const lowerT = { rows: n, cols: n, data: full.data.map((v, idx) => (idx % n > Math.floor(idx / n) ? 0 : v + (idx % (n + 1) === 0 ? 4 : 0))) };
  const upperT = transpose(lowerT);
  const b = randomMatrix(n, 5, 78);
  for (const [t, lower] of [[lowerT, true], [upperT, false]] as const) {
    assertResidual(t, solveTriangular(t, b, { lower }), b, `${lower ? 'lower' : 'upper'}`);
    // Tᵀ·X = B using the stored triangle transposed on the fly.
    assertResidual(transpose(t), solveTriangular(t, b, { lower, transpose: true }), b, `${lower ? 'lower' : 'upper'}ᵀ`);
  }
  // Unit diagonal: the stored diagonal is ignored.
  const unit = { rows: n, cols: n, data: lowerT.data.map((v, idx) => (idx % (n + 1) === 0 ? 1 : v)) };
  const messy = { rows: n, cols: n, data: lowerT.data.map((v, idx) => (idx % (n + 1) === 0 ? 123 : v)) };
  assert.ok(maxAbsDifference(solveTriangular(messy, b, { unitDiagonal: true }).data, solveTriangular(unit, b).data) === 0);
  const v = Float64Array.from({ length: n }, (_, i) => i % 7);
  const xv = solveTriangular(lowerT, v);
  assert.ok(xv instanceof Float64Array && maxAbsDifference(multiplyVector(lowerT, xv), v) <= 1e-12 * maxAbs(xv) * n);
});

test('empty systems: 0×0 matrices and zero right-hand sides', () => {
  const empty = { rows: 0, cols: 0, data: new Float64Array(0) };
  assert.deepEqual(solve(empty, new Float64Array(0)), new Float64Array(0));
  assert.deepEqual(choleskySolve(empty, { rows: 0, cols: 2, data: new Float64Array(0) }), { rows: 0, cols: 2, data: new Float64Array(0) });
  const a = randomSpd(5, 3);
  assert.deepEqual(solve(a, { rows: 5, cols: 0, data: new Float64Array(0) }).cols, 0);
  assert.equal(determinant(empty), 1);
});

test('solve needs pivoting: zero leading entry, exact answer', () => {
  // [[0, 2], [3, 1]]·x = [4, 5] → x = [1, 2].
  const a = { rows: 2, cols: 2, data: Float64Array.of(0, 2, 3, 1) };
  assert.deepEqual(Array.from(solve(a, Float64Array.of(4, 5))), [1, 2]);
  assert.equal(determinant(a), -6);
  assert.equal(determinant({ rows: 3, cols: 3, data: Float64Array.of(2, 0, 0, 1, 3, 0, 4, 5, -1) }), -6);
});

test('determinant of a row-reversed triangular matrix (pivoting across the 64-column blocks)', () => {
  const n = 100;
  const t = randomMatrix(n, n, 90);
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) t.data[i * n + j] = 0;
    t.data[i * n + i] = i % 3 === 0 ? -1.5 : 1.25; // det(T) = Π diag
  }
  let want = 1;
  for (let i = 0; i < n; i++) want *= t.data[i * n + i]!;
  // Reversing the n rows is floor(n/2) swaps.
  const reversed = { rows: n, cols: n, data: new Float64Array(n * n) };
  for (let i = 0; i < n; i++) reversed.data.set(t.data.subarray((n - 1 - i) * n, (n - i) * n), i * n);
  want *= Math.floor(n / 2) % 2 === 0 ? 1 : -1;
  assert.ok(Math.abs(determinant(reversed) - want) <= 1e-10 * Math.abs(want), `${determinant(reversed)} vs ${want}`);
});

test('not SPD and singular inputs throw SimspecError with stable codes', () => {
  // Negative pivot in the second block: identity with A[100][100] = −1 → pivot 101 of 150.
  const eye = identity(150);
  eye.data[100 * 150 + 100] = -1;
  assert.throws(() => cholesky(eye), (e: unknown) => e instanceof SimspecError && /pivot 101 of 150 is -1/.test(e.message));
  const indefinite = { rows: 2, cols: 2, data: Float64Array.of(1, 2, 2, 1) };
  assert.throws(() => choleskySolve(indefinite, Float64Array.of(1, 1)), (e: unknown) => e instanceof SimspecError && e.code === 'linalg.not-spd');
  const semidefinite = gram(randomMatrix(4, 2, 3)); // rank 2
  semidefinite.data.fill(0, 0, 4); // row 0 zero → pivot 0
  assert.throws(() => cholesky(semidefinite), (e: unknown) => e instanceof SimspecError && /not positive definite/.test(e.message));
  const singular = { rows: 3, cols: 3, data: Float64Array.of(1, 2, 3, 2, 4, 6, 1, 0, 1) };
  assert.throws(() => solve(singular, Float64Array.of(1, 2, 3)), (e: unknown) => e instanceof SimspecError && e.code === 'linalg.singular');
  assert.equal(determinant(singular), 0);
  assert.throws(() => solve(randomMatrix(3, 3, 1), randomMatrix(4, 1, 2)), SimspecError);
  assert.throws(() => cholesky(randomMatrix(2, 3, 1)), SimspecError);
});

/** The four Moore–Penrose conditions: AXA = A, XAX = X, (AX)ᵀ = AX, (XA)ᵀ = XA. */
function assertMoorePenrose(a: Matrix, x: Matrix, label: string): void {
  assert.deepEqual([x.rows, x.cols], [a.cols, a.rows]);
  const tol = 1e-12 * Math.max(1, maxAbs(a.data)) * Math.max(1, maxAbs(x.data)) * Math.max(a.rows, a.cols);
  const ax = multiply(a, x);
  const xa = multiply(x, a);
  assert.ok(maxAbsDifference(multiply(ax, a).data, a.data) <= tol * maxAbs(a.data), `${label}: AXA`);
  assert.ok(maxAbsDifference(multiply(xa, x).data, x.data) <= tol * maxAbs(x.data), `${label}: XAX`);
  assert.ok(maxAbsDifference(transpose(ax).data, ax.data) <= tol, `${label}: AX symmetric`);
  assert.ok(maxAbsDifference(transpose(xa).data, xa.data) <= tol, `${label}: XA symmetric`);
}

test('pseudoInverse satisfies the Moore–Penrose conditions (tall, wide, rank-deficient, empty)', () => {
  assertMoorePenrose(randomMatrix(12, 5, 1), pseudoInverse(randomMatrix(12, 5, 1)), 'tall');
  assertMoorePenrose(randomMatrix(4, 9, 2), pseudoInverse(randomMatrix(4, 9, 2)), 'wide');
  const rankTwo = multiply(randomMatrix(10, 2, 3), randomMatrix(2, 7, 4));
  assertMoorePenrose(rankTwo, pseudoInverse(rankTwo), 'rank 2');
  const empty = pseudoInverse({ rows: 0, cols: 3, data: new Float64Array(0) });
  assert.deepEqual([empty.rows, empty.cols], [3, 0]);
  const zero = pseudoInverse({ rows: 3, cols: 2, data: new Float64Array(6) });
  assert.deepEqual([zero.rows, zero.cols, ...zero.data], [2, 3, 0, 0, 0, 0, 0, 0]); // numpy: pinv(0) = 0ᵀ
  const square = randomMatrix(6, 6, 5);
  assert.ok(maxAbsDifference(multiply(square, pseudoInverse(square)).data, identity(6).data) <= 1e-12);
});

test('pseudoInverse cutoff is numpy’s default: σ ≤ 1e-15·σ_max dropped, larger kept', () => {
  const dropped = pseudoInverse({ rows: 2, cols: 2, data: Float64Array.of(1, 0, 0, 1e-16) });
  assert.deepEqual(Array.from(dropped.data), [1, 0, 0, 0]);
  const kept = pseudoInverse({ rows: 2, cols: 2, data: Float64Array.of(2, 0, 0, 1e-14) });
  assert.ok(Math.abs(kept.data[3]! - 1e14) <= 1e-2 && kept.data[0] === 0.5);
  const custom = pseudoInverse({ rows: 2, cols: 2, data: Float64Array.of(2, 0, 0, 1e-3) }, 1e-2);
  assert.deepEqual(Array.from(custom.data), [0.5, 0, 0, 0]);
});
