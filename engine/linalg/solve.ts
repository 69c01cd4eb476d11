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

const BLOCK = 64;

/**
 * Lower-triangular L with A = L·Lᵀ (only the lower triangle of A is read).
 * Blocked right-looking factorisation in the upper form A = UᵀU (U = Lᵀ, rows contiguous): each
 * 64-row block row is factorised by row operations, then the trailing matrix is updated by one
 * symmetric blocked product, A₂₂ −= U₁₂ᵀ·U₁₂ (upper triangle only) — LAPACK dpotrf's scheme.
 */
export function cholesky(a: Matrix): Matrix {
  requireSquare(a, 'cholesky');
  const n = a.rows;
  const src = a.data;
  // w's upper triangle = Aᵀ's upper triangle = A's lower triangle, transposed.
  const w = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j <= i; j++) w[j * n + i] = src[i * n + j]!;
  for (let j0 = 0; j0 < n; j0 += BLOCK) {
    const j1 = Math.min(j0 + BLOCK, n);
    for (let r = j0; r < j1; r++) {
      const rowR = r * n;
      const pivot = w[rowR + r]!;
      if (!(pivot > 0)) {
        throw new SimspecError(
          `cholesky: matrix is not positive definite (pivot ${r + 1} of ${n} is ${pivot})`,
          { expected: 'a symmetric positive definite matrix', code: 'linalg.not-spd' },
        );
      }
      const urr = Math.sqrt(pivot);
      w[rowR + r] = urr;
      const inv = 1 / urr;
      for (let c = r + 1; c < n; c++) w[rowR + c] *= inv;
      // Eliminate within the block row (diagonal block and the panel to its right).
      for (let q = r + 1; q < j1; q++) {
        const urq = w[rowR + q]!;
        if (urq === 0) continue;
        const rowQ = q * n;
        for (let c = q; c < n; c++) w[rowQ + c] -= urq * w[rowR + c]!;
      }
    }
    if (j1 < n) {
      // A₂₂ −= U₁₂ᵀ·U₁₂ with U₁₂ = w[j0:j1, j1:n]; only tiles touching the upper triangle.
      const panel = j0 * n + j1;
      gemmStrided(
        n - j1, n - j1, j1 - j0,
        { data: w, rowStride: 1, colStride: n, offset: panel },
        { data: w, rowStride: n, colStride: 1, offset: panel },
        w, true, { alpha: -1, cOffset: j1 * n + j1, ldc: n },
      );
    }
  }
  const l = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j <= i; j++) l[i * n + j] = w[j * n + i]!;
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

/**
 * P·A = L·U with partial (row) pivoting. Throws 'linalg.singular' on an exactly zero pivot.
 * Blocked right-looking (LAPACK dgetrf): a 64-column panel is factorised with whole-row swaps,
 * the block row of U is solved with the panel's unit-lower L₁₁, and the trailing matrix is
 * updated by one blocked product A₂₂ −= L₂₁·U₁₂. Pivots are the same as in the unblocked loop.
 */
export function luDecompose(a: Matrix): LuDecomposition {
  requireSquare(a, 'luDecompose');
  const n = a.rows;
  const lu = Float64Array.from(a.data);
  const pivot = Int32Array.from({ length: n }, (_, i) => i);
  let sign = 1;
  for (let j0 = 0; j0 < n; j0 += BLOCK) {
    const j1 = Math.min(j0 + BLOCK, n);
    // Panel: columns j0..j1−1, rows j..n−1.
    for (let j = j0; j < j1; j++) {
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
        for (let c = j + 1; c < j1; c++) lu[rowI + c] -= factor * lu[rowJ + c]!;
      }
    }
    if (j1 < n) {
      // U₁₂ = L₁₁⁻¹·A₁₂ (row operations), then A₂₂ −= L₂₁·U₁₂.
      for (let r = j0 + 1; r < j1; r++) {
        const rowR = r * n;
        for (let q = j0; q < r; q++) {
          const lrq = lu[rowR + q]!;
          if (lrq === 0) continue;
          const rowQ = q * n;
          for (let c = j1; c < n; c++) lu[rowR + c] -= lrq * lu[rowQ + c]!;
        }
      }
      gemmStrided(
        n - j1, n - j1, j1 - j0,
        { data: lu, rowStride: n, colStride: 1, offset: j1 * n + j0 },
        { data: lu, rowStride: n, colStride: 1, offset: j0 * n + j1 },
        lu, false, { alpha: -1, cOffset: j1 * n + j1, ldc: n },
      );
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
