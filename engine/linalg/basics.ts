/**
 * Elementwise and shape helpers on Matrix (row-major Float64Array). Cheap O(size) operations that
 * the metric modules need around the heavy kernels; none of them mutates its inputs.
 */
import { SimspecError } from '../core/errors';
import type { Matrix } from '../core/matrix';

/** Throws a SimspecError naming the operation when a shape does not fit. */
export function shapeError(operation: string, problem: string, expected: string): SimspecError {
  return new SimspecError(`${operation}: ${problem}`, { expected, code: 'linalg.shape' });
}

export function requireSquare(a: Matrix, operation: string): void {
  if (a.rows !== a.cols) throw shapeError(operation, `matrix is ${a.rows}×${a.cols}`, 'a square matrix');
}

export function zeros(rows: number, cols: number): Matrix {
  return { rows, cols, data: new Float64Array(rows * cols) };
}

export function identity(n: number): Matrix {
  const data = new Float64Array(n * n);
  for (let i = 0; i < n; i++) data[i * n + i] = 1;
  return { rows: n, cols: n, data };
}

export function copyMatrix(a: Matrix): Matrix {
  return { rows: a.rows, cols: a.cols, data: Float64Array.from(a.data) };
}

/** Aᵀ, blocked so both the reads and the writes stay within a few cache lines. */
export function transpose(a: Matrix): Matrix {
  const { rows, cols, data } = a;
  const out = new Float64Array(rows * cols);
  const block = 32;
  for (let i0 = 0; i0 < rows; i0 += block) {
    const i1 = Math.min(i0 + block, rows);
    for (let j0 = 0; j0 < cols; j0 += block) {
      const j1 = Math.min(j0 + block, cols);
      for (let i = i0; i < i1; i++) {
        const rowOffset = i * cols;
        for (let j = j0; j < j1; j++) out[j * rows + i] = data[rowOffset + j]!;
      }
    }
  }
  return { rows: cols, cols: rows, data: out };
}

/** s·A. */
export function scale(a: Matrix, s: number): Matrix {
  const out = new Float64Array(a.data.length);
  for (let i = 0; i < out.length; i++) out[i] = a.data[i]! * s;
  return { rows: a.rows, cols: a.cols, data: out };
}

function requireSameShape(a: Matrix, b: Matrix, operation: string): void {
  if (a.rows !== b.rows || a.cols !== b.cols) {
    throw shapeError(operation, `shapes ${a.rows}×${a.cols} and ${b.rows}×${b.cols} differ`, 'equal shapes');
  }
}

/** A + s·B (s defaults to 1). */
export function add(a: Matrix, b: Matrix, s = 1): Matrix {
  requireSameShape(a, b, 'add');
  const out = new Float64Array(a.data.length);
  for (let i = 0; i < out.length; i++) out[i] = a.data[i]! + s * b.data[i]!;
  return { rows: a.rows, cols: a.cols, data: out };
}

/** A − B. */
export function subtract(a: Matrix, b: Matrix): Matrix {
  return add(a, b, -1);
}

export function trace(a: Matrix): number {
  requireSquare(a, 'trace');
  let t = 0;
  for (let i = 0; i < a.rows; i++) t += a.data[i * a.cols + i]!;
  return t;
}

/** (A + Aᵀ)/2: removes the rounding asymmetry of computed Gram/kernel matrices before eigh. */
export function symmetrize(a: Matrix): Matrix {
  requireSquare(a, 'symmetrize');
  const n = a.rows;
  const src = a.data;
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    out[i * n + i] = src[i * n + i]!;
    for (let j = i + 1; j < n; j++) {
      const v = 0.5 * (src[i * n + j]! + src[j * n + i]!);
      out[i * n + j] = v;
      out[j * n + i] = v;
    }
  }
  return { rows: n, cols: n, data: out };
}

/** Mean of each column (length cols). NaN propagates into its column's mean. */
export function columnMeans(x: Matrix): Float64Array {
  const { rows, cols, data } = x;
  const sums = new Float64Array(cols);
  for (let i = 0; i < rows; i++) {
    const o = i * cols;
    for (let j = 0; j < cols; j++) sums[j] += data[o + j]!;
  }
  if (rows > 0) for (let j = 0; j < cols; j++) sums[j] /= rows;
  return sums;
}

/**
 * X − 1·meanᵀ. The means are refined by a second pass over the residuals (the mean of the centred
 * columns is added back), which keeps columns with a large offset centred to rounding level.
 */
export function centerColumns(x: Matrix): { centered: Matrix; means: Float64Array } {
  const { rows, cols, data } = x;
  const means = columnMeans(x);
  const out = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) {
    const o = i * cols;
    for (let j = 0; j < cols; j++) out[o + j] = data[o + j]! - means[j]!;
  }
  const correction = columnMeans({ rows, cols, data: out });
  for (let j = 0; j < cols; j++) means[j] += correction[j]!;
  for (let i = 0; i < rows; i++) {
    const o = i * cols;
    for (let j = 0; j < cols; j++) out[o + j] -= correction[j]!;
  }
  return { centered: { rows, cols, data: out }, means };
}

/** ⟨A, B⟩ = Σ A_ij B_ij. */
export function frobeniusInner(a: Matrix, b: Matrix): number {
  requireSameShape(a, b, 'frobeniusInner');
  let s = 0;
  for (let i = 0; i < a.data.length; i++) s += a.data[i]! * b.data[i]!;
  return s;
}

/** The diagonal of a square (or the leading diagonal of a rectangular) matrix. */
export function diagonal(a: Matrix): Float64Array {
  const k = Math.min(a.rows, a.cols);
  const out = new Float64Array(k);
  for (let i = 0; i < k; i++) out[i] = a.data[i * a.cols + i]!;
  return out;
}
