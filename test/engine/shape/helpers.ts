// Seeded test data for the shape/CKA/CCA suites (numpy-compatible normal stream, so a failing case
// can be replayed in numpy with RandomState(seed).standard_normal).
import type { Matrix } from '../../../engine/core/matrix';
import { numpyStandardNormal } from '../../../engine/metrics/shape';
import { thinSvd } from '../../../engine/linalg';

export function randomMatrix(rows: number, cols: number, seed: number, offset = 0): Matrix {
  const data = numpyStandardNormal(seed, rows * cols);
  if (offset !== 0) for (let i = 0; i < data.length; i++) data[i] = data[i]! + offset * ((i % cols) + 1);
  return { rows, cols, data };
}

/** A random orthogonal matrix (left singular vectors of a Gaussian square matrix). */
export function randomOrthogonal(p: number, seed: number): Matrix {
  return thinSvd(randomMatrix(p, p, seed)).u;
}

export function addRowVector(m: Matrix, v: ArrayLike<number>): Matrix {
  const out = new Float64Array(m.data);
  for (let i = 0; i < m.rows; i++) for (let j = 0; j < m.cols; j++) out[i * m.cols + j] = out[i * m.cols + j]! + v[j]!;
  return { rows: m.rows, cols: m.cols, data: out };
}

export function scaled(m: Matrix, s: number): Matrix {
  return { rows: m.rows, cols: m.cols, data: m.data.map((v) => v * s) };
}

export function permuteColumns(m: Matrix, order: readonly number[]): Matrix {
  const out = new Float64Array(m.data.length);
  for (let i = 0; i < m.rows; i++) for (let j = 0; j < m.cols; j++) out[i * m.cols + j] = m.data[i * m.cols + order[j]!]!;
  return { rows: m.rows, cols: m.cols, data: out };
}

export function hstack(a: Matrix, b: Matrix): Matrix {
  const cols = a.cols + b.cols;
  const out = new Float64Array(a.rows * cols);
  for (let i = 0; i < a.rows; i++) {
    out.set(a.data.subarray(i * a.cols, (i + 1) * a.cols), i * cols);
    out.set(b.data.subarray(i * b.cols, (i + 1) * b.cols), i * cols + a.cols);
  }
  return { rows: a.rows, cols, data: out };
}

export function zerosMatrix(rows: number, cols: number): Matrix {
  return { rows, cols, data: new Float64Array(rows * cols) };
}

export function close(got: number, want: number, tol: number, what = ''): void {
  if (!(Math.abs(got - want) <= tol)) throw new Error(`${what}: got ${got}, want ${want} (tolerance ${tol}, diff ${Math.abs(got - want)})`);
}
