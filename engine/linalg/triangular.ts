/**
 * Triangular solves T·X = B for many right-hand sides at once (the second half of every Cholesky
 * and LU solve). Blocked: each 64-row diagonal block is solved by row operations (contiguous
 * axpys over the k right-hand sides), then the rows still to be solved are updated by one blocked
 * product with the just-solved block, X_rest −= T_rest,block·X_block (gemm.ts), so most of the
 * 2·n²·k work runs in the GEMM kernel rather than in n² separate axpys.
 *
 * T is read through strides (a StridedOperand), so Lᵀ and the unit-lower/upper halves of a packed
 * LU factor are used in place.
 */
import type { Matrix } from '../core/matrix';
import { requireSquare, shapeError } from './basics';
import { gemmStrided, type StridedOperand } from './gemm';

const BLOCK = 64;

/**
 * Solves in place: x (n×k row-major) ← T⁻¹·x, T n×n lower or upper triangular read through
 * `t`; with `unitDiagonal` the diagonal is taken as 1 and never read. A zero on the diagonal
 * gives ±Inf/NaN (as LAPACK's trsm); callers check singularity when factorising.
 */
export function solveTriangularInPlace(
  t: StridedOperand,
  n: number,
  x: Float64Array,
  k: number,
  lower: boolean,
  unitDiagonal: boolean,
): void {
  const { data, rowStride, colStride } = t;
  const base = t.offset ?? 0;
  const at = (i: number, p: number): number => data[base + i * rowStride + p * colStride]!;
  const solveRow = (i: number, from: number, to: number): void => {
    const rowI = i * k;
    for (let p = from; p < to; p++) {
      const tip = at(i, p);
      if (tip === 0) continue;
      const rowP = p * k;
      for (let c = 0; c < k; c++) x[rowI + c] -= tip * x[rowP + c]!;
    }
    if (!unitDiagonal) {
      const inv = 1 / at(i, i);
      for (let c = 0; c < k; c++) x[rowI + c] *= inv;
    }
  };
  if (lower) {
    for (let b0 = 0; b0 < n; b0 += BLOCK) {
      const b1 = Math.min(b0 + BLOCK, n);
      for (let i = b0; i < b1; i++) solveRow(i, b0, i);
      if (b1 < n) {
        // x[b1:n] −= T[b1:n, b0:b1]·x[b0:b1]
        gemmStrided(
          n - b1, k, b1 - b0,
          { data, rowStride, colStride, offset: base + b1 * rowStride + b0 * colStride },
          { data: x, rowStride: k, colStride: 1, offset: b0 * k },
          x, false, { alpha: -1, cOffset: b1 * k },
        );
      }
    }
  } else {
    for (let b1 = n; b1 > 0; b1 -= BLOCK) {
      const b0 = Math.max(b1 - BLOCK, 0);
      for (let i = b1 - 1; i >= b0; i--) solveRow(i, i + 1, b1);
      if (b0 > 0) {
        // x[0:b0] −= T[0:b0, b0:b1]·x[b0:b1]
        gemmStrided(
          b0, k, b1 - b0,
          { data, rowStride, colStride, offset: base + b0 * colStride },
          { data: x, rowStride: k, colStride: 1, offset: b0 * k },
          x, false, { alpha: -1, cOffset: 0 },
        );
      }
    }
  }
}

export interface TriangularOptions {
  /** Use the lower triangle (default) or the upper one. */
  readonly lower?: boolean;
  /** Solve with Tᵀ instead of T (the stored triangle is transposed on the fly). */
  readonly transpose?: boolean;
  /** Treat the diagonal as ones. */
  readonly unitDiagonal?: boolean;
}

/** Solves T·X = B (or Tᵀ·X = B) for triangular T; B and the result are Matrix or vector. */
export function solveTriangular(t: Matrix, b: Matrix, options?: TriangularOptions): Matrix;
export function solveTriangular(t: Matrix, b: Float64Array, options?: TriangularOptions): Float64Array;
export function solveTriangular(t: Matrix, b: Matrix | Float64Array, options: TriangularOptions = {}): Matrix | Float64Array {
  requireSquare(t, 'solveTriangular');
  const n = t.rows;
  const rhs: Matrix = b instanceof Float64Array ? { rows: b.length, cols: 1, data: b } : b;
  if (rhs.rows !== n) {
    throw shapeError('solveTriangular', `T is ${n}×${n} but the right-hand side has ${rhs.rows} rows`, `${n} rows`);
  }
  const lowerStored = options.lower ?? true;
  const transposed = options.transpose ?? false;
  const x = Float64Array.from(rhs.data);
  const operand: StridedOperand = transposed
    ? { data: t.data, rowStride: 1, colStride: n }
    : { data: t.data, rowStride: n, colStride: 1 };
  solveTriangularInPlace(operand, n, x, rhs.cols, lowerStored !== transposed, options.unitDiagonal ?? false);
  return b instanceof Float64Array ? x : { rows: n, cols: rhs.cols, data: x };
}
