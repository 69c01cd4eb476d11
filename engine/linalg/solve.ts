/**
 * Linear solves: Cholesky for symmetric positive definite systems (ridge normal equations, kernel
 * solves), LU with partial pivoting for general square systems, and the Moore–Penrose
 * pseudo-inverse via the thin SVD.
 *
 * Failure semantics follow LAPACK/numpy: Cholesky fails when a pivot is ≤ 0 or NaN (numpy
 * "Matrix is not positive definite"); LU fails only on an exactly zero pivot (numpy "Singular
 * matrix"). Both throw SimspecError with codes 'linalg.not-spd' / 'linalg.singular'.
 *
 * The right-hand side may be a Matrix (n×k, k systems at once) or a Float64Array (one system);
 * the result has the same form.
 */
import { SimspecError } from '../core/errors';
import type { Matrix } from '../core/matrix';
import { requireSquare, shapeError } from './basics';
import { gemmStrided } from './gemm';
import { thinSvd } from './svd';
import { solveTriangularInPlace } from './triangular';

/** numpy.linalg.pinv's default relative cutoff: singular values ≤ 1e-15·σ_max are treated as zero. */
export const NUMPY_PINV_RCOND = 1e-15;

type RightHandSide = Matrix | Float64Array;

function rhsAsMatrix(b: RightHandSide, n: number, operation: string): Matrix {
  const m: Matrix = b instanceof Float64Array ? { rows: b.length, cols: 1, data: b } : b;
  if (m.rows !== n) {
    throw shapeError(operation, `the system has ${n} equations but the right-hand side has ${m.rows} rows`, `${n} rows`);
  }
  return m;
}

/** Lower-triangular L with A = L·Lᵀ (only the lower triangle of A is read). */
export function cholesky(a: Matrix): Matrix {
  requireSquare(a, 'cholesky');
  const n = a.rows;
  const src = a.data;
  const l = new Float64Array(n * n);
  for (let j = 0; j < n; j++) {
    const rowJ = j * n;
    let diag = src[rowJ + j]!;
    for (let k = 0; k < j; k++) diag -= l[rowJ + k]! * l[rowJ + k]!;
    if (!(diag > 0)) {
      throw new SimspecError(
        `cholesky: matrix is not positive definite (pivot ${j + 1} of ${n} is ${diag})`,
        { expected: 'a symmetric positive definite matrix', code: 'linalg.not-spd' },
      );
    }
    const ljj = Math.sqrt(diag);
    l[rowJ + j] = ljj;
    for (let i = j + 1; i < n; i++) {
      const rowI = i * n;
      let s = src[rowI + j]!;
      for (let k = 0; k < j; k++) s -= l[rowI + k]! * l[rowJ + k]!;
      l[rowI + j] = s / ljj;
    }
  }
  return { rows: n, cols: n, data: l };
}

/** Solves A·X = B for symmetric positive definite A via Cholesky. */
export function choleskySolve(spd: Matrix, b: Matrix): Matrix;
export function choleskySolve(spd: Matrix, b: Float64Array): Float64Array;
export function choleskySolve(spd: Matrix, b: RightHandSide): RightHandSide {
  const l = cholesky(spd);
  const n = spd.rows;
  const rhs = rhsAsMatrix(b, n, 'choleskySolve');
  const k = rhs.cols;
  const x = Float64Array.from(rhs.data);
  // L·Y = B, then Lᵀ·X = Y (Lᵀ read through swapped strides).
  solveTriangularInPlace({ data: l.data, rowStride: n, colStride: 1 }, n, x, k, true, false);
  solveTriangularInPlace({ data: l.data, rowStride: 1, colStride: n }, n, x, k, false, false);
  return b instanceof Float64Array ? x : { rows: n, cols: k, data: x };
}

export interface LuDecomposition {
  /** Unit lower L (below the diagonal) and U (on and above), packed in one n×n matrix. */
  readonly lu: Matrix;
  /** Row i of LU is row pivot[i] of A. */
  readonly pivot: Int32Array;
  /** +1 or −1: the sign of the row permutation. */
  readonly sign: number;
}

/** P·A = L·U with partial (row) pivoting. Throws 'linalg.singular' on an exactly zero pivot. */
export function luDecompose(a: Matrix): LuDecomposition {
  requireSquare(a, 'luDecompose');
  const n = a.rows;
  const lu = Float64Array.from(a.data);
  const pivot = Int32Array.from({ length: n }, (_, i) => i);
  let sign = 1;
  for (let j = 0; j < n; j++) {
    let best = j;
    let bestAbs = Math.abs(lu[j * n + j]!);
    for (let i = j + 1; i < n; i++) {
      const v = Math.abs(lu[i * n + j]!);
      if (v > bestAbs || Number.isNaN(v)) {
        best = i;
        bestAbs = v;
        if (Number.isNaN(v)) break;
      }
    }
    if (best !== j) {
      for (let c = 0; c < n; c++) {
        const t = lu[j * n + c]!;
        lu[j * n + c] = lu[best * n + c]!;
        lu[best * n + c] = t;
      }
      const t = pivot[j]!;
      pivot[j] = pivot[best]!;
      pivot[best] = t;
      sign = -sign;
    }
    const diag = lu[j * n + j]!;
    if (diag === 0) {
      throw new SimspecError(`solve: matrix is singular (zero pivot in column ${j + 1} of ${n})`, {
        expected: 'a non-singular square matrix',
        code: 'linalg.singular',
      });
    }
    const rowJ = j * n;
    for (let i = j + 1; i < n; i++) {
      const rowI = i * n;
      const factor = lu[rowI + j]! / diag;
      lu[rowI + j] = factor;
      if (factor === 0) continue;
      for (let c = j + 1; c < n; c++) lu[rowI + c] -= factor * lu[rowJ + c]!;
    }
  }
  return { lu: { rows: n, cols: n, data: lu }, pivot, sign };
}

/** Solves A·X = B for square A by LU with partial pivoting. */
export function solve(a: Matrix, b: Matrix): Matrix;
export function solve(a: Matrix, b: Float64Array): Float64Array;
export function solve(a: Matrix, b: RightHandSide): RightHandSide {
  requireSquare(a, 'solve');
  const n = a.rows;
  const rhs = rhsAsMatrix(b, n, 'solve');
  const { lu, pivot } = luDecompose(a);
  const k = rhs.cols;
  const x = new Float64Array(n * k);
  for (let i = 0; i < n; i++) x.set(rhs.data.subarray(pivot[i]! * k, pivot[i]! * k + k), i * k);
  // L (unit lower) then U, both read from the packed factor.
  const packed = { data: lu.data, rowStride: n, colStride: 1 };
  solveTriangularInPlace(packed, n, x, k, true, true);
  solveTriangularInPlace(packed, n, x, k, false, false);
  return b instanceof Float64Array ? x : { rows: n, cols: k, data: x };
}

/** det(A) via LU (0 for an exactly singular matrix). */
export function determinant(a: Matrix): number {
  requireSquare(a, 'determinant');
  let lu: LuDecomposition;
  try {
    lu = luDecompose(a);
  } catch (e) {
    if (e instanceof SimspecError && e.code === 'linalg.singular') return 0;
    throw e;
  }
  let det = lu.sign;
  for (let i = 0; i < a.rows; i++) det *= lu.lu.data[i * a.rows + i]!;
  return det;
}

/**
 * Moore–Penrose pseudo-inverse A⁺ (cols×rows) = V·diag(1/s)·Uᵀ over the singular values
 * s > rcond·σ_max. The default rcond is numpy.linalg.pinv's 1e-15 (not the array-API
 * max(m, n)·ε, which numpy uses only for rtol=None).
 */
export function pseudoInverse(a: Matrix, rcond: number = NUMPY_PINV_RCOND): Matrix {
  const { rows: m, cols: n } = a;
  const { u, s, v } = thinSvd(a);
  const k = s.length;
  const out = new Float64Array(n * m);
  if (k === 0) return { rows: n, cols: m, data: out };
  const cutoff = rcond * s[0]!;
  let rank = 0;
  while (rank < k && s[rank]! > cutoff) rank++;
  // out[i][j] = Σ_r v[i][r] / s[r] · u[j][r]
  const scaledV = new Float64Array(n * rank);
  for (let i = 0; i < n; i++) for (let r = 0; r < rank; r++) scaledV[i * rank + r] = v.data[i * k + r]! / s[r]!;
  // out = scaledV · U[:, :rank]ᵀ, one blocked product reading U through strides.
  gemmStrided(n, m, rank, { data: scaledV, rowStride: rank, colStride: 1 }, { data: u.data, rowStride: 1, colStride: k }, out);
  if (Number.isNaN(s[0]!)) out.fill(NaN);
  return { rows: n, cols: m, data: out };
}
