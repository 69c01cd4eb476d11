/**
 * Golub–Kahan–Reinsch SVD of a tall matrix (m ≥ n): Householder bidiagonalisation, explicit
 * accumulation of the thin U (m×n) and V (n×n), then implicit-shift QR sweeps on the bidiagonal
 * (LINPACK dsvdc as in JAMA; ported from ml-matrix's MIT-licensed JAMA port).
 *
 * Storage is column-major throughout (a flat Float64Array whose row j is column j of the
 * matrix), so every O(mn²) inner loop — reflector applications, accumulation and the Givens
 * rotations of the QR phase — scans contiguous memory.
 *
 * Accuracy: backward stable; singular values carry absolute error O(ε·σ_max), like LAPACK's
 * dgesdd that numpy uses. U and V are orthonormal (products of reflections and rotations) even
 * when A is rank-deficient, so no completion step is needed.
 */

import { gemmStrided } from './gemm';
import { applyGivensChain, hypot2, scaledNorm2, transposeSquare } from './numerics';
import { reflectColumns } from './reflect';

const EPSILON = 2 ** -52;
const MAX_QR_ITERATIONS_PER_VALUE = 75;

export interface TallSvdColumns {
  /** Singular values, descending, length n. */
  s: Float64Array;
  /** n×m: row j is left singular vector j (length m). Empty when vectors are not wanted. */
  uColumns: Float64Array;
  /** n×n: row j is right singular vector j (length n). Empty when vectors are not wanted. */
  vColumns: Float64Array;
}

/**
 * SVD of the m×n matrix (m ≥ n ≥ 1) given column-major in `columns` (row j of the flat n×m
 * array = column j), which is overwritten.
 */
export function golubKahanSvd(columns: Float64Array, m: number, n: number, wantVectors: boolean): TallSvdColumns {
  const at = columns;
  const nu = n;
  const s = new Float64Array(n + 1);
  const e = new Float64Array(n);
  const work = new Float64Array(m);
  const u = wantVectors ? new Float64Array(nu * m) : new Float64Array(0);
  const v = wantVectors ? new Float64Array(n * n) : new Float64Array(0);

  const nct = Math.min(m - 1, n);
  const nrt = Math.max(0, Math.min(n - 2, m));
  const mrc = Math.max(nct, nrt);

  // Bidiagonalisation: left reflectors zero column k below the diagonal, right reflectors zero
  // row k right of the superdiagonal.
  for (let k = 0; k < mrc; k++) {
    const rowK = k * m;
    if (k < nct) {
      let norm = scaledNorm2(at, rowK + k, m - k);
      if (norm !== 0) {
        if (at[rowK + k]! < 0) norm = -norm;
        const inv = 1 / norm;
        for (let i = k; i < m; i++) at[rowK + i] *= inv;
        at[rowK + k] += 1;
      }
      s[k] = -norm;
    }
    if (k < nct && s[k] !== 0) reflectColumns(at, m, k + 1, n, k, m, at, rowK, -1 / at[rowK + k]!);
    for (let j = k + 1; j < n; j++) e[j] = at[j * m + k]!;
    if (wantVectors && k < nct) {
      for (let i = k; i < m; i++) u[k * m + i] = at[rowK + i]!;
    }
    if (k < nrt) {
      let norm = scaledNorm2(e, k + 1, n - k - 1);
      if (norm !== 0) {
        if (e[k + 1]! < 0) norm = -norm;
        const inv = 1 / norm;
        for (let i = k + 1; i < n; i++) e[i] *= inv;
        e[k + 1] += 1;
      }
      e[k] = -norm;
      if (k + 1 < m && norm !== 0) {
        rightReflect(at, m, k, n, e, work);
      }
      if (wantVectors) for (let i = k + 1; i < n; i++) v[k * n + i] = e[i]!;
    }
  }

  let p = Math.min(n, m + 1);
  if (nct < n) s[nct] = at[nct * m + nct]!;
  if (m < p) s[p - 1] = 0;
  if (nrt + 1 < p) e[nrt] = at[(p - 1) * m + nrt]!;
  e[p - 1] = 0;

  if (wantVectors) {
    // U = H_0 ⋯ H_{nct−1} applied to the first nu unit vectors.
    for (let j = nct; j < nu; j++) {
      u.fill(0, j * m, (j + 1) * m);
      u[j * m + j] = 1;
    }
    for (let k = nct - 1; k >= 0; k--) {
      const rowK = k * m;
      if (s[k] !== 0) {
        reflectColumns(u, m, k + 1, nu, k, m, u, rowK, -1 / u[rowK + k]!);
        for (let i = k; i < m; i++) u[rowK + i] = -u[rowK + i]!;
        u[rowK + k] = 1 + u[rowK + k]!;
        for (let i = 0; i < k - 1; i++) u[rowK + i] = 0;
      } else {
        u.fill(0, rowK, rowK + m);
        u[rowK + k] = 1;
      }
    }
    for (let k = n - 1; k >= 0; k--) {
      const rowK = k * n;
      if (k < nrt && e[k] !== 0) reflectColumns(v, n, k + 1, n, k + 1, n, v, rowK, -1 / v[rowK + k + 1]!);
      v.fill(0, rowK, rowK + n);
      v[rowK + k] = 1;
    }
  }

  // Implicit-shift QR on the bidiagonal (s, e). The right rotations act on V, the left ones
  // on U_B (n×n, from I); U = U_house·U_B is formed at the end by one blocked product, so the
  // rotation work is n³ instead of m·n². During this phase V and U_B are row-major (vector j =
  // column j), so each sweep's whole chain of rotations is applied row by row in one pass
  // (applyChain): every entry is read and written once per sweep, contiguously.
  const vr = wantVectors ? transposeSquare(v, n) : new Float64Array(0);
  const ub = wantVectors ? new Float64Array(n * n) : new Float64Array(0);
  if (wantVectors) for (let j = 0; j < n; j++) ub[j * n + j] = 1;
  const cosV = new Float64Array(n);
  const sinV = new Float64Array(n);
  const cosU = new Float64Array(n);
  const sinU = new Float64Array(n);
  const pp = p - 1;
  let iterations = 0;
  while (p > 0) {
    if (iterations > MAX_QR_ITERATIONS_PER_VALUE) {
      throw new Error(`thinSvd: bidiagonal QR did not converge (${m}×${n}, ${p} values left)`);
    }
    let k: number;
    let kase: number;
    // Find the largest k < p−1 with a negligible e[k].
    for (k = p - 2; k >= 0; k--) {
      const alpha = Number.MIN_VALUE + EPSILON * Math.abs(s[k]! + Math.abs(s[k + 1]!));
      if (Math.abs(e[k]!) <= alpha || Number.isNaN(e[k]!)) {
        e[k] = 0;
        break;
      }
    }
    if (k === p - 2) {
      kase = 4; // s[p−1] converged
    } else {
      let ks: number;
      for (ks = p - 1; ks > k; ks--) {
        const t = (ks !== p ? Math.abs(e[ks]!) : 0) + (ks !== k + 1 ? Math.abs(e[ks - 1]!) : 0);
        if (Math.abs(s[ks]!) <= EPSILON * t) {
          s[ks] = 0;
          break;
        }
      }
      if (ks === k) kase = 3; // QR step
      else if (ks === p - 1) kase = 1; // deflate negligible s[p−1]
      else {
        kase = 2; // split at negligible s[ks]
        k = ks;
      }
    }
    k++;

    switch (kase) {
      case 1: {
        // Rotations (j, p−1), j = p−2 … k, on the columns of V.
        let f = e[p - 2]!;
        e[p - 2] = 0;
        for (let j = p - 2; j >= k; j--) {
          const t = hypot2(s[j]!, f);
          const cs = s[j]! / t;
          const sn = f / t;
          s[j] = t;
          if (j !== k) {
            f = -sn * e[j - 1]!;
            e[j - 1] = cs * e[j - 1]!;
          }
          cosV[j] = cs;
          sinV[j] = sn;
        }
        if (wantVectors) applyPivotChain(vr, n, p - 1, p - 2, k, -1, cosV, sinV);
        break;
      }
      case 2: {
        // Rotations (j, k−1), j = k … p−1, on the columns of U_B.
        let f = e[k - 1]!;
        e[k - 1] = 0;
        for (let j = k; j < p; j++) {
          const t = hypot2(s[j]!, f);
          const cs = s[j]! / t;
          const sn = f / t;
          s[j] = t;
          f = -sn * e[j]!;
          e[j] = cs * e[j]!;
          cosU[j] = cs;
          sinU[j] = sn;
        }
        if (wantVectors) applyPivotChain(ub, n, k - 1, k, p - 1, 1, cosU, sinU);
        break;
      }
      case 3: {
        const scale = Math.max(Math.abs(s[p - 1]!), Math.abs(s[p - 2]!), Math.abs(e[p - 2]!), Math.abs(s[k]!), Math.abs(e[k]!));
        const sp = s[p - 1]! / scale;
        const spm1 = s[p - 2]! / scale;
        const epm1 = e[p - 2]! / scale;
        const sk = s[k]! / scale;
        const ek = e[k]! / scale;
        const b = ((spm1 + sp) * (spm1 - sp) + epm1 * epm1) / 2;
        const c = sp * epm1 * (sp * epm1);
        let shift = 0;
        if (b !== 0 || c !== 0) {
          shift = b < 0 ? -Math.sqrt(b * b + c) : Math.sqrt(b * b + c);
          shift = c / (b + shift);
        }
        let f = (sk + sp) * (sk - sp) + shift;
        let g = sk * ek;
        // Chase the bulge: rotation j acts on columns (j, j+1) of V, then of U_B.
        for (let j = k; j < p - 1; j++) {
          let t = hypot2(f, g);
          if (t === 0) t = Number.MIN_VALUE;
          let cs = f / t;
          let sn = g / t;
          if (j !== k) e[j - 1] = t;
          f = cs * s[j]! + sn * e[j]!;
          e[j] = cs * e[j]! - sn * s[j]!;
          g = sn * s[j + 1]!;
          s[j + 1] = cs * s[j + 1]!;
          cosV[j] = cs;
          sinV[j] = sn;
          t = hypot2(f, g);
          if (t === 0) t = Number.MIN_VALUE;
          cs = f / t;
          sn = g / t;
          s[j] = t;
          f = cs * e[j]! + sn * s[j + 1]!;
          s[j + 1] = -sn * e[j]! + cs * s[j + 1]!;
          g = sn * e[j + 1]!;
          e[j + 1] = cs * e[j + 1]!;
          cosU[j] = cs;
          sinU[j] = sn;
        }
        e[p - 2] = f;
        if (wantVectors) {
          applyGivensChain(vr, n, k, p - 1, cosV, sinV);
          applyGivensChain(ub, n, k, p - 1, cosU, sinU);
        }
        iterations++;
        break;
      }
      default: {
        // Converged: make s[k] non-negative, then bubble it into descending order.
        if (s[k]! <= 0) {
          s[k] = s[k]! < 0 ? -s[k]! : 0;
          if (wantVectors) for (let i = 0; i <= pp; i++) vr[i * n + k] = -vr[i * n + k]!;
        }
        while (k < pp && s[k]! < s[k + 1]!) {
          const t = s[k]!;
          s[k] = s[k + 1]!;
          s[k + 1] = t;
          if (wantVectors) {
            swapColumns(vr, n, k);
            swapColumns(ub, n, k);
          }
          k++;
        }
        iterations = 0;
        p--;
      }
    }
  }
  if (!wantVectors) return { s: s.subarray(0, n), uColumns: u, vColumns: v };
  // Column-major U: row r of the result = Σ_j U_B(j, r)·(column j of U_house).
  const uFinal = new Float64Array(n * m);
  gemmStrided(n, m, n, { data: ub, rowStride: 1, colStride: n }, { data: u, rowStride: m, colStride: 1 }, uFinal);
  return { s: s.subarray(0, n), uColumns: uFinal, vColumns: transposeSquare(vr, n) };
}

/**
 * Rotations (j, pivot) for j = from, from+step, … , to (inclusive), applied to the columns of the
 * row-major n×n matrix x: column j ← c·x_j + s·x_pivot, column pivot ← −s·x_j + c·x_pivot.
 */
function applyPivotChain(
  x: Float64Array, n: number, pivot: number, from: number, to: number, step: number, cos: Float64Array, sin: Float64Array,
): void {
  const count = (to - from) * step + 1;
  if (count <= 0) return;
  for (let row = 0; row < n * n; row += n) {
    let carried = x[row + pivot]!;
    for (let t = 0, j = from; t < count; t++, j += step) {
      const xj = x[row + j]!;
      const c = cos[j]!;
      const s = sin[j]!;
      x[row + j] = c * xj + s * carried;
      carried = -s * xj + c * carried;
    }
    x[row + pivot] = carried;
  }
}

function swapColumns(x: Float64Array, n: number, k: number): void {
  for (let row = 0; row < n * n; row += n) {
    const t = x[row + k]!;
    x[row + k] = x[row + k + 1]!;
    x[row + k + 1] = t;
  }
}

/**
 * The right Householder transformation of step k on columns k+1 … n−1 (rows k+1 … m−1):
 * work = Σ_j e_j·a_j, then a_j += (−e_j/e_{k+1})·work. Four columns per pass.
 */
function rightReflect(at: Float64Array, m: number, k: number, n: number, e: Float64Array, work: Float64Array): void {
  work.fill(0, k + 1, m);
  let j = k + 1;
  for (; j + 3 < n; j += 4) {
    const c0 = j * m, c1 = c0 + m, c2 = c1 + m, c3 = c2 + m;
    const e0 = e[j]!, e1 = e[j + 1]!, e2 = e[j + 2]!, e3 = e[j + 3]!;
    for (let i = k + 1; i < m; i++) work[i] += e0 * at[c0 + i]! + e1 * at[c1 + i]! + e2 * at[c2 + i]! + e3 * at[c3 + i]!;
  }
  for (; j < n; j++) {
    const c0 = j * m;
    const e0 = e[j]!;
    for (let i = k + 1; i < m; i++) work[i] += e0 * at[c0 + i]!;
  }
  const pivot = e[k + 1]!;
  j = k + 1;
  for (; j + 3 < n; j += 4) {
    const c0 = j * m, c1 = c0 + m, c2 = c1 + m, c3 = c2 + m;
    const t0 = -e[j]! / pivot, t1 = -e[j + 1]! / pivot, t2 = -e[j + 2]! / pivot, t3 = -e[j + 3]! / pivot;
    for (let i = k + 1; i < m; i++) {
      const wi = work[i]!;
      at[c0 + i] += t0 * wi;
      at[c1 + i] += t1 * wi;
      at[c2 + i] += t2 * wi;
      at[c3 + i] += t3 * wi;
    }
  }
  for (; j < n; j++) {
    const c0 = j * m;
    const t0 = -e[j]! / pivot;
    for (let i = k + 1; i < m; i++) at[c0 + i] += t0 * work[i]!;
  }
}
