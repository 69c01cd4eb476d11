/**
 * Symmetric eigendecomposition A = V·diag(λ)·Vᵀ by Householder tridiagonalisation followed by the
 * implicit QL algorithm with Wilkinson-type shifts (EISPACK tred2/tql2 as in JAMA).
 *
 * Storage: during tred2 the transformation matrix is kept transposed (W = Vᵀ), so the Householder
 * updates and the accumulation scan contiguous rows of a flat Float64Array (docs/performance.md
 * §3) and process 2–4 rows per pass. tql2 then works on the natural row-major V: each QL sweep's
 * chain of Givens rotations mixes adjacent columns, so it is applied row by row in one pass, four
 * rows at a time (numerics.ts applyGivensChain) — each entry read and written once per sweep.
 *
 * The input is symmetrised first ((A + Aᵀ)/2), so rounding asymmetry of a computed Gram or kernel
 * matrix does not matter. Eigenvalues are returned ascending, as numpy.linalg.eigh / eigvalsh.
 * Eigenvector signs are whatever the algorithm produces (as in LAPACK, no sign convention).
 * Inputs far from unit magnitude are scaled by an exact power of two first (scaling.ts), so
 * products of off-diagonal entries in the QL sweep neither overflow nor underflow.
 * A non-finite input gives all-NaN values and vectors instead of an endless QL iteration.
 */
import type { Matrix } from '../core/matrix';
import { requireSquare, symmetrize } from './basics';
import { applyGivensChain, hypot2, transposeSquare } from './numerics';
import { powerOfTwoExponent, scaleByPowerOfTwo } from './scaling';
import { multiplyTransposed } from './products';

export interface SymmetricEigen {
  /** Eigenvalues, ascending. */
  readonly values: Float64Array;
  /** n×n; column j is the unit eigenvector of values[j]. */
  readonly vectors: Matrix;
}

const EPSILON = 2 ** -52;
const MAX_QL_ITERATIONS = 300; // per eigenvalue; typically 1–3 are needed

export function symmetricEigen(a: Matrix): SymmetricEigen {
  requireSquare(a, 'symmetricEigen');
  const n = a.rows;
  if (!allFinite(a.data)) {
    return { values: new Float64Array(n).fill(NaN), vectors: { rows: n, cols: n, data: new Float64Array(n * n).fill(NaN) } };
  }
  const w = symmetrizedCopy(a);
  const exponent = powerOfTwoExponent(w);
  scaleByPowerOfTwo(w, exponent);
  const d = new Float64Array(n);
  const e = new Float64Array(n);
  tridiagonalize(w, n, d, e, true);
  // The QL rotations act on columns (i, i+1) of V: in natural row-major V each sweep's chain of
  // rotations is applied row by row in one pass (numerics.ts applyGivensChain).
  const v = transposeSquare(w, n);
  qlImplicit(d, e, n, v);
  const order = ascendingOrder(d);
  const values = new Float64Array(n);
  const vectors = new Float64Array(n * n);
  for (let j = 0; j < n; j++) {
    const src = order[j]!;
    values[j] = d[src]!;
    for (let i = 0; i < n; i++) vectors[i * n + j] = v[i * n + src]!;
  }
  scaleByPowerOfTwo(values, -exponent);
  return { values, vectors: { rows: n, cols: n, data: vectors } };
}

/**
 * f(A) = V·diag(f(λ))·Vᵀ for symmetric A: square roots (Bures), inverse square roots (whitening),
 * eigenvalue clipping. f sees each eigenvalue once, ascending; the result is exactly symmetric.
 * Clipping negative rounding noise before √ is the caller's choice, e.g. (x) => Math.sqrt(Math.max(x, 0)).
 */
export function symmetricMatrixFunction(a: Matrix, f: (lambda: number) => number): Matrix {
  const { values, vectors } = symmetricEigen(a);
  const n = values.length;
  const fv = values.map(f);
  const scaled = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) scaled[i * n + j] = vectors.data[i * n + j]! * fv[j]!;
  return symmetrize(multiplyTransposed({ rows: n, cols: n, data: scaled }, vectors));
}

/** Eigenvalues only (ascending), about 4× cheaper than `symmetricEigen`. */
export function symmetricEigenvalues(a: Matrix): Float64Array {
  requireSquare(a, 'symmetricEigenvalues');
  const n = a.rows;
  if (!allFinite(a.data)) return new Float64Array(n).fill(NaN);
  const w = symmetrizedCopy(a);
  const exponent = powerOfTwoExponent(w);
  scaleByPowerOfTwo(w, exponent);
  const d = new Float64Array(n);
  const e = new Float64Array(n);
  tridiagonalize(w, n, d, e, false);
  qlImplicit(d, e, n, null);
  scaleByPowerOfTwo(d, -exponent);
  return d.sort();
}

function allFinite(data: Float64Array): boolean {
  for (let i = 0; i < data.length; i++) if (!Number.isFinite(data[i]!)) return false;
  return true;
}

function symmetrizedCopy(a: Matrix): Float64Array {
  const n = a.rows;
  const src = a.data;
  const w = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    w[i * n + i] = src[i * n + i]!;
    for (let j = i + 1; j < n; j++) {
      const v = 0.5 * (src[i * n + j]! + src[j * n + i]!);
      w[i * n + j] = v;
      w[j * n + i] = v;
    }
  }
  return w;
}

function ascendingOrder(d: Float64Array): Int32Array {
  const order = Int32Array.from(d.keys());
  order.sort((x, y) => d[x]! - d[y]!);
  return order;
}

/**
 * tred2 on W = Vᵀ (W[c*n + r] holds JAMA's V[r][c]). On return d is the diagonal, e[1..n-1] the
 * subdiagonal of the tridiagonal matrix, and (if `accumulate`) W holds the transposed orthogonal
 * transformation. Without accumulation only the reduction runs.
 */
function tridiagonalize(w: Float64Array, n: number, d: Float64Array, e: Float64Array, accumulate: boolean): void {
  if (n === 0) return;
  // d = V[n-1][*] = column n-1 of W... i.e. W[j*n + n-1]; by symmetry also row n-1 of W.
  for (let j = 0; j < n; j++) d[j] = w[(n - 1) * n + j]!;

  for (let i = n - 1; i > 0; i--) {
    let scale = 0;
    let h = 0;
    for (let k = 0; k < i; k++) scale += Math.abs(d[k]!);
    if (scale === 0) {
      e[i] = d[i - 1]!;
      for (let j = 0; j < i; j++) {
        d[j] = w[j * n + i - 1]!; // V[i-1][j]
        w[j * n + i] = 0; // V[i][j]
        w[i * n + j] = 0; // V[j][i]
      }
    } else {
      for (let k = 0; k < i; k++) {
        d[k] = d[k]! / scale;
        h += d[k]! * d[k]!;
      }
      let f = d[i - 1]!;
      let g = Math.sqrt(h);
      if (f > 0) g = -g;
      e[i] = scale * g;
      h -= f * g;
      d[i - 1] = f - g;
      for (let j = 0; j < i; j++) e[j] = 0;

      // Apply the similarity transformation to the remaining columns (lower triangle V[k][j], k ≥ j,
      // which is row j of W from index j on).
      // Rows j and j+1 are processed together (shared loads of d and e); the operations and
      // their order per entry are those of the one-row loop, so results are unchanged.
      let j = 0;
      for (; j + 1 < i; j += 2) {
        const f0 = d[j]!;
        const f1 = d[j + 1]!;
        w[i * n + j] = f0; // V[j][i]
        w[i * n + j + 1] = f1;
        const r0 = j * n;
        const r1 = r0 + n;
        let g0 = e[j]! + w[r0 + j]! * f0;
        const v01 = w[r0 + j + 1]!;
        g0 += v01 * d[j + 1]!;
        e[j + 1] += v01 * f0;
        let g1 = e[j + 1]! + w[r1 + j + 1]! * f1;
        for (let k = j + 2; k <= i - 1; k++) {
          const a0 = w[r0 + k]!;
          const a1 = w[r1 + k]!;
          const dk = d[k]!;
          g0 += a0 * dk;
          g1 += a1 * dk;
          e[k] = e[k]! + a0 * f0 + a1 * f1;
        }
        e[j] = g0;
        e[j + 1] = g1;
      }
      for (; j < i; j++) {
        f = d[j]!;
        w[i * n + j] = f; // V[j][i]
        const rowJ = j * n;
        g = e[j]! + w[rowJ + j]! * f;
        for (let k = j + 1; k <= i - 1; k++) {
          const vkj = w[rowJ + k]!;
          g += vkj * d[k]!;
          e[k] += vkj * f;
        }
        e[j] = g;
      }
      f = 0;
      for (let j = 0; j < i; j++) {
        e[j] = e[j]! / h;
        f += e[j]! * d[j]!;
      }
      const hh = f / (h + h);
      for (let j = 0; j < i; j++) e[j] -= hh * d[j]!;
      for (j = 0; j + 1 < i; j += 2) {
        const f0 = d[j]!;
        const g0 = e[j]!;
        const f1 = d[j + 1]!;
        const g1 = e[j + 1]!;
        const r0 = j * n;
        const r1 = r0 + n;
        w[r0 + j] -= f0 * e[j]! + g0 * d[j]!;
        for (let k = j + 1; k <= i - 1; k++) {
          const ek = e[k]!;
          const dk = d[k]!;
          w[r0 + k] -= f0 * ek + g0 * dk;
          w[r1 + k] -= f1 * ek + g1 * dk;
        }
        d[j] = w[r0 + i - 1]!; // V[i-1][j]
        d[j + 1] = w[r1 + i - 1]!;
        w[r0 + i] = 0; // V[i][j]
        w[r1 + i] = 0;
      }
      for (; j < i; j++) {
        f = d[j]!;
        g = e[j]!;
        const rowJ = j * n;
        for (let k = j; k <= i - 1; k++) w[rowJ + k] -= f * e[k]! + g * d[k]!;
        d[j] = w[rowJ + i - 1]!; // V[i-1][j]
        w[rowJ + i] = 0; // V[i][j]
      }
    }
    d[i] = h;
  }

  if (!accumulate) {
    // d[i] currently holds h_i; the diagonal of the tridiagonal matrix sits on the diagonal of W.
    for (let j = 0; j < n; j++) d[j] = w[j * n + j]!;
    e[0] = 0;
    return;
  }

  // Accumulate the transformations.
  for (let i = 0; i < n - 1; i++) {
    w[i * n + n - 1] = w[i * n + i]!; // V[n-1][i] = V[i][i]
    w[i * n + i] = 1;
    const h = d[i + 1]!;
    const rowNext = (i + 1) * n; // column i+1 of V
    if (h !== 0) {
      for (let k = 0; k <= i; k++) d[k] = w[rowNext + k]! / h;
      // Rows j … j+3 together: each load of the reflector (row i+1 of W) and of d serves four
      // rows. Every dot product keeps its own summation order, so results are unchanged.
      let j = 0;
      for (; j + 3 <= i; j += 4) {
        const r0 = j * n;
        const r1 = r0 + n;
        const r2 = r1 + n;
        const r3 = r2 + n;
        let g0 = 0, g1 = 0, g2 = 0, g3 = 0;
        for (let k = 0; k <= i; k++) {
          const x = w[rowNext + k]!;
          g0 += x * w[r0 + k]!;
          g1 += x * w[r1 + k]!;
          g2 += x * w[r2 + k]!;
          g3 += x * w[r3 + k]!;
        }
        for (let k = 0; k <= i; k++) {
          const dk = d[k]!;
          w[r0 + k] -= g0 * dk;
          w[r1 + k] -= g1 * dk;
          w[r2 + k] -= g2 * dk;
          w[r3 + k] -= g3 * dk;
        }
      }
      for (; j <= i; j++) {
        const rowJ = j * n;
        let g = 0;
        for (let k = 0; k <= i; k++) g += w[rowNext + k]! * w[rowJ + k]!;
        for (let k = 0; k <= i; k++) w[rowJ + k] -= g * d[k]!;
      }
    }
    for (let k = 0; k <= i; k++) w[rowNext + k] = 0;
  }
  for (let j = 0; j < n; j++) {
    d[j] = w[j * n + n - 1]!;
    w[j * n + n - 1] = 0;
  }
  w[(n - 1) * n + n - 1] = 1;
  e[0] = 0;
}

/**
 * tql2 / tql1: implicit QL on the tridiagonal (d, e[1..n-1]); eigenvalues overwrite d (unsorted).
 * If v (row-major n×n) is given, the rotations are applied to its columns.
 * Also the leaf solver of the divide-and-conquer tridiagonal eigensolver (tridiagonal-dc.ts).
 */
export function qlImplicit(d: Float64Array, e: Float64Array, n: number, v: Float64Array | null): void {
  if (n === 0) return;
  const cosines = new Float64Array(n);
  const sines = new Float64Array(n);
  for (let i = 1; i < n; i++) e[i - 1] = e[i]!;
  e[n - 1] = 0;
  let f = 0;
  let tst1 = 0;
  for (let l = 0; l < n; l++) {
    tst1 = Math.max(tst1, Math.abs(d[l]!) + Math.abs(e[l]!));
    let m = l;
    while (m < n - 1 && Math.abs(e[m]!) > EPSILON * tst1) m++;
    if (m > l) {
      let iterations = 0;
      do {
        if (++iterations > MAX_QL_ITERATIONS) {
          throw new Error(`symmetricEigen: QL iteration did not converge for eigenvalue ${l} of ${n}`);
        }
        let g = d[l]!;
        let p = (d[l + 1]! - g) / (2 * e[l]!);
        let r = hypot2(p, 1);
        if (p < 0) r = -r;
        d[l] = e[l]! / (p + r);
        d[l + 1] = e[l]! * (p + r);
        const dl1 = d[l + 1]!;
        let h = g - d[l]!;
        for (let i = l + 2; i < n; i++) d[i] -= h;
        f += h;

        p = d[m]!;
        let c = 1;
        let c2 = c;
        let c3 = c;
        const el1 = e[l + 1]!;
        let s = 0;
        let s2 = 0;
        for (let i = m - 1; i >= l; i--) {
          c3 = c2;
          c2 = c;
          s2 = s;
          g = c * e[i]!;
          h = c * p;
          r = hypot2(p, e[i]!);
          e[i + 1] = s * r;
          s = e[i]! / r;
          c = p / r;
          p = c * d[i]! - s * g;
          d[i + 1] = h + s * (c * g + s * d[i]!);
          cosines[i] = c;
          sines[i] = s;
        }
        if (v !== null) applyGivensChain(v, n, m, l, cosines, sines);
        p = (-s * s2 * c3 * el1 * e[l]!) / dl1;
        e[l] = s * p;
        d[l] = c * p;
      } while (Math.abs(e[l]!) > EPSILON * tst1);
    }
    d[l] = d[l]! + f;
    e[l] = 0;
  }
}
