import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EigenvalueDecomposition } from 'ml-matrix';
import { SimspecError } from '../../../engine/core/errors';
import type { Matrix } from '../../../engine/core/matrix';
import { add, gram, identity, multiply, symmetricEigen, symmetricEigenvalues, symmetricMatrixFunction, transpose } from '../../../engine/linalg';
import { at, EPS, maxAbs, maxAbsDifference, orthogonalityError, randomMatrix, randomOrthogonal, randomSymmetric, toMl } from './helpers';

/** Checks A·v_j = λ_j·v_j, VᵀV = I and ascending order, relative to ‖A‖_max·n. */
function assertEigenPair(a: Matrix, label: string): Float64Array {
  const n = a.rows;
  const { values, vectors } = symmetricEigen(a);
  assert.equal(values.length, n);
  assert.equal(vectors.rows, n);
  assert.equal(vectors.cols, n);
  const scale = Math.max(maxAbs(a.data), Number.MIN_VALUE) * Math.max(n, 1);
  const av = multiply(a, vectors);
  let residual = 0;
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) residual = Math.max(residual, Math.abs(at(av, i, j) - values[j]! * at(vectors, i, j)));
  assert.ok(residual <= 50 * EPS * scale, `${label}: residual ${residual}`);
  const orth = orthogonalityError(vectors);
  assert.ok(orth <= 50 * n * EPS, `${label}: orthogonality ${orth}`);
  for (let j = 1; j < n; j++) assert.ok(values[j - 1]! <= values[j]!, `${label}: not ascending at ${j}`);
  // Values-only path gives the same spectrum.
  const valuesOnly = symmetricEigenvalues(a);
  assert.ok(maxAbsDifference(valuesOnly, values) <= 50 * EPS * scale, `${label}: values-only differs`);
  return values;
}

test('random symmetric matrices: residual, orthogonality, ascending order, trace', () => {
  for (const n of [0, 1, 2, 3, 4, 10, 37, 120]) {
    const a = randomSymmetric(n, 100 + n);
    const values = assertEigenPair(a, `n=${n}`);
    let trace = 0;
    for (let i = 0; i < n; i++) trace += at(a, i, i);
    const sum = values.reduce((s, v) => s + v, 0);
    assert.ok(Math.abs(sum - trace) <= 1e-12 * Math.max(n, 1), `trace n=${n}`);
  }
});

test('eigenvalues of Q·diag(λ)·Qᵀ are the chosen λ, ascending', () => {
  const n = 25;
  const q = randomOrthogonal(n, 3);
  const lambda = Array.from({ length: n }, (_, i) => (i % 2 === 0 ? 1 : -1) * 2 ** (i / 3));
  lambda[3] = lambda[4] = lambda[5] = 0.5; // a triple eigenvalue
  const qd = { rows: n, cols: n, data: q.data.map((v, idx) => v * lambda[idx % n]!) };
  const a = multiply(qd, transpose(q));
  const values = assertEigenPair(a, 'planted');
  const want = [...lambda].sort((x, y) => x - y);
  assert.ok(maxAbsDifference(values, want) <= 1e-12 * maxAbs(want), 'planted spectrum');
});

test('2×2 closed form λ = (a+c)/2 ± √(((a−c)/2)² + b²)', () => {
  for (const [p, b, c] of [[2, 1, 2], [1, 0, -3], [0, 1e-9, 0], [5, -2, 1]] as const) {
    const values = symmetricEigen({ rows: 2, cols: 2, data: Float64Array.of(p, b, b, c) }).values;
    const mid = (p + c) / 2;
    const radius = Math.sqrt(((p - c) / 2) ** 2 + b * b);
    assert.ok(Math.abs(values[0]! - (mid - radius)) <= 4 * EPS * (Math.abs(mid) + radius));
    assert.ok(Math.abs(values[1]! - (mid + radius)) <= 4 * EPS * (Math.abs(mid) + radius));
  }
});

test('awkward structure: zero, identity, diagonal, block diagonal, rank-deficient Gram, huge and tiny scale', () => {
  const n = 9;
  const zero = { rows: n, cols: n, data: new Float64Array(n * n) };
  assert.deepEqual(Array.from(assertEigenPair(zero, 'zero')), new Array(n).fill(0));
  const eye = { rows: n, cols: n, data: new Float64Array(n * n).map((_, i) => (i % (n + 1) === 0 ? 1 : 0)) };
  assert.ok(maxAbsDifference(assertEigenPair(eye, 'identity'), new Array(n).fill(1)) <= 4 * EPS);
  const diag = [3, -1, 0, 7, 2, 2, -5, 1e-3, 4];
  const d = { rows: n, cols: n, data: new Float64Array(n * n) };
  diag.forEach((v, i) => (d.data[i * n + i] = v));
  assert.deepEqual(Array.from(assertEigenPair(d, 'diagonal')), [...diag].sort((x, y) => x - y));
  // Two decoupled blocks: exercises the zero-scale branch of the Householder reduction.
  const block = randomSymmetric(n, 8);
  for (let i = 0; i < 4; i++) for (let j = 4; j < n; j++) block.data[i * n + j] = block.data[j * n + i] = 0;
  assertEigenPair(block, 'block diagonal');
  // Rank 3 Gram of 20 points: 17 eigenvalues are zero up to rounding.
  const g = gram(randomMatrix(20, 3, 9));
  const gv = assertEigenPair(g, 'rank-3 Gram');
  for (let j = 0; j < 17; j++) assert.ok(Math.abs(gv[j]!) <= 1e-13 * gv[19]!, `null eigenvalue ${j}: ${gv[j]}`);
  for (const s of [1e150, 1e-150, 1e300, 1e-300, 1e-310]) {
    const a = randomSymmetric(12, 12);
    assertEigenPair({ rows: 12, cols: 12, data: a.data.map((v) => v * s) }, `scale ${s}`);
  }
});

test('input is symmetrised: eig(A) = eig((A + Aᵀ)/2)', () => {
  const a = randomMatrix(15, 15, 21);
  const sym = { rows: 15, cols: 15, data: a.data.map((v, idx) => 0.5 * (v + a.data[(idx % 15) * 15 + Math.floor(idx / 15)]!)) };
  assert.deepEqual(symmetricEigen(a).values, symmetricEigen(sym).values);
});

test('eigenvalues match ml-matrix EigenvalueDecomposition (reference)', () => {
  const a = randomSymmetric(40, 40);
  const want = Float64Array.from(new EigenvalueDecomposition(toMl(a), { assumeSymmetric: true }).realEigenvalues).sort();
  assert.ok(maxAbsDifference(symmetricEigen(a).values, want) <= 1e-13 * 40);
});

test('non-finite input gives NaN; non-square input throws SimspecError', () => {
  const a = randomSymmetric(5, 1);
  a.data[7] = NaN;
  const { values, vectors } = symmetricEigen(a);
  assert.ok(values.every(Number.isNaN) && vectors.data.every(Number.isNaN));
  assert.ok(symmetricEigenvalues(a).every(Number.isNaN));
  assert.throws(() => symmetricEigen(randomMatrix(3, 4, 1)), SimspecError);
});

test('symmetricMatrixFunction: √A·√A = A, A·f(A) = I for f = 1/x, identity f returns A', () => {
  const a = add(gram(randomMatrix(12, 15, 41)), identity(12), 0.5);
  const root = symmetricMatrixFunction(a, Math.sqrt);
  const scale = maxAbs(a.data) * 12;
  assert.ok(maxAbsDifference(multiply(root, root).data, a.data) <= 100 * EPS * scale);
  const inverse = symmetricMatrixFunction(a, (x) => 1 / x);
  assert.ok(maxAbsDifference(multiply(a, inverse).data, identity(12).data) <= 1e-12);
  assert.ok(maxAbsDifference(symmetricMatrixFunction(a, (x) => x).data, a.data) <= 100 * EPS * scale);
  for (let i = 0; i < 12; i++) for (let j = 0; j < i; j++) assert.equal(root.data[i * 12 + j], root.data[j * 12 + i]);
});
