/**
 * Matrix products on `Matrix` (row-major Float64Array). All go through `gemmStrided` (gemm.ts),
 * which reads transposed operands through strides, so no product copies its inputs.
 * `gram` computes only the upper triangle (about half the flops) and mirrors it, so its result is
 * exactly symmetric.
 */
import type { Matrix } from '../core/matrix';
import { shapeError } from './basics';
import type { StridedOperand } from './gemm';
import { gemmDispatch } from './wasm/dispatch';

function asIs(m: Matrix): StridedOperand {
  return { data: m.data, rowStride: m.cols, colStride: 1 };
}

function transposed(m: Matrix): StridedOperand {
  return { data: m.data, rowStride: 1, colStride: m.cols };
}

/** A·B (A: m×k, B: k×n). */
export function multiply(a: Matrix, b: Matrix): Matrix {
  if (a.cols !== b.rows) {
    throw shapeError('multiply', `A is ${a.rows}×${a.cols}, B is ${b.rows}×${b.cols}`, 'A.cols = B.rows');
  }
  const c = new Float64Array(a.rows * b.cols);
  gemmDispatch(a.rows, b.cols, a.cols, asIs(a), asIs(b), c);
  return { rows: a.rows, cols: b.cols, data: c };
}

/** AᵀB (A: k×m, B: k×n) → m×n. */
export function crossProduct(a: Matrix, b: Matrix): Matrix {
  if (a.rows !== b.rows) {
    throw shapeError('crossProduct', `A is ${a.rows}×${a.cols}, B is ${b.rows}×${b.cols}`, 'A.rows = B.rows');
  }
  const c = new Float64Array(a.cols * b.cols);
  gemmDispatch(a.cols, b.cols, a.rows, transposed(a), asIs(b), c);
  return { rows: a.cols, cols: b.cols, data: c };
}

/** A·Bᵀ (A: m×k, B: n×k) → m×n. */
export function multiplyTransposed(a: Matrix, b: Matrix): Matrix {
  if (a.cols !== b.cols) {
    throw shapeError('multiplyTransposed', `A is ${a.rows}×${a.cols}, B is ${b.rows}×${b.cols}`, 'A.cols = B.cols');
  }
  const c = new Float64Array(a.rows * b.rows);
  gemmDispatch(a.rows, b.rows, a.cols, asIs(a), transposed(b), c);
  return { rows: a.rows, cols: b.rows, data: c };
}

/** X·Xᵀ (X: n×p) → n×n, exactly symmetric. */
export function gram(x: Matrix): Matrix {
  const n = x.rows;
  const c = new Float64Array(n * n);
  gemmDispatch(n, n, x.cols, asIs(x), transposed(x), c, true);
  mirrorUpper(c, n);
  return { rows: n, cols: n, data: c };
}

/** XᵀX (X: n×p) → p×p, exactly symmetric (the feature-space Gram). */
export function crossGram(x: Matrix): Matrix {
  const p = x.cols;
  const c = new Float64Array(p * p);
  gemmDispatch(p, p, x.rows, transposed(x), asIs(x), c, true);
  mirrorUpper(c, p);
  return { rows: p, cols: p, data: c };
}

function mirrorUpper(c: Float64Array, n: number): void {
  for (let i = 1; i < n; i++) {
    for (let j = 0; j < i; j++) c[i * n + j] = c[j * n + i]!;
  }
}

/** A·x for a vector x (length A.cols). */
export function multiplyVector(a: Matrix, x: Float64Array): Float64Array {
  if (a.cols !== x.length) {
    throw shapeError('multiplyVector', `A is ${a.rows}×${a.cols}, x has ${x.length} entries`, 'x.length = A.cols');
  }
  const out = new Float64Array(a.rows);
  const { cols, data } = a;
  for (let i = 0; i < a.rows; i++) {
    let s = 0;
    const o = i * cols;
    for (let j = 0; j < cols; j++) s += data[o + j]! * x[j]!;
    out[i] = s;
  }
  return out;
}
