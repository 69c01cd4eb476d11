/**
 * Thin Householder QR, A = Q·R (A: m×n, k = min(m, n); Q: m×k with orthonormal columns, R: k×n
 * upper triangular/trapezoidal).
 *
 * Reflectors follow LAPACK dgeqr2/dlarfg: H = I − τ·v·vᵀ with v₀ = 1 and
 * R_kk = β = −sign(a_kk)·‖a_k:m,k‖, so in exact arithmetic the signs of R's diagonal (and hence
 * Q's columns) are those of numpy.linalg.qr (LAPACK does not normalise them; neither do we).
 * Column-major working storage keeps every reflector application a contiguous dot + axpy.
 * No pivoting: a rank-deficient A gives R with (near-)zero diagonal entries and a Q that is still
 * orthonormal.
 */
import type { Matrix } from '../core/matrix';
import { reflectColumns } from './reflect';

export interface ThinQr {
  /** m×k, orthonormal columns. */
  readonly q: Matrix;
  /** k×n, zero below the diagonal. */
  readonly r: Matrix;
}

export function thinQr(a: Matrix): ThinQr {
  const { rows: m, cols: n } = a;
  const k = Math.min(m, n);
  // cols: row j = column j of A (length m).
  const cols = new Float64Array(n * m);
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) cols[j * m + i] = a.data[i * n + j]!;
  const tau = householderInPlace(cols, m, n);

  const r = new Float64Array(k * n);
  for (let j = 0; j < n; j++) {
    const top = Math.min(j, k - 1);
    for (let i = 0; i <= top; i++) r[i * n + j] = cols[j * m + i]!;
  }
  const qCols = formQ(cols, tau, m, k);
  const q = new Float64Array(m * k);
  for (let j = 0; j < k; j++) for (let i = 0; i < m; i++) q[i * k + j] = qCols[j * m + i]!;
  return { q: { rows: m, cols: k, data: q }, r: { rows: k, cols: n, data: r } };
}

/**
 * Householder QR of the m×n matrix stored column-major in `cols` (overwritten: R on and above the
 * diagonal, reflector tails below). Returns τ (length min(m, n)).
 */
export function householderInPlace(cols: Float64Array, m: number, n: number): Float64Array {
  const k = Math.min(m, n);
  const tau = new Float64Array(k);
  for (let p = 0; p < k; p++) {
    const colP = p * m;
    const alpha = cols[colP + p]!;
    const xnorm = safeNorm(cols, colP + p + 1, m - p - 1);
    if (xnorm === 0) {
      tau[p] = 0;
      continue;
    }
    const norm = safeNorm2(alpha, xnorm);
    const beta = alpha >= 0 ? -norm : norm;
    tau[p] = (beta - alpha) / beta;
    const scale = 1 / (alpha - beta);
    for (let i = p + 1; i < m; i++) cols[colP + i] *= scale;
    // Apply H = I − τ·v·vᵀ (v_p = 1, stored in place of R_pp for the moment) to columns p+1 ….
    cols[colP + p] = 1;
    reflectColumns(cols, m, p + 1, n, p, m, cols, colP, -tau[p]!);
    cols[colP + p] = beta;
  }
  return tau;
}

/** The first k columns of H_0·H_1⋯H_{k−1}, column-major (row j = column j, length m). */
export function formQ(cols: Float64Array, tau: Float64Array, m: number, k: number): Float64Array {
  const q = new Float64Array(k * m);
  for (let j = 0; j < k; j++) q[j * m + j] = 1;
  for (let p = k - 1; p >= 0; p--) {
    const t = tau[p]!;
    if (t === 0) continue;
    const colP = p * m;
    const saved = cols[colP + p]!;
    cols[colP + p] = 1; // v_p = 1
    reflectColumns(q, m, p, k, p, m, cols, colP, -t);
    cols[colP + p] = saved;
  }
  return q;
}

function safeNorm(x: Float64Array, offset: number, len: number): number {
  let scale = 0;
  let sumSquares = 1;
  for (let i = offset; i < offset + len; i++) {
    const v = x[i]!;
    if (v === 0) continue;
    const av = Math.abs(v);
    if (scale < av) {
      const r = scale / av;
      sumSquares = 1 + sumSquares * r * r;
      scale = av;
    } else {
      const r = av / scale;
      sumSquares += r * r;
    }
  }
  return scale * Math.sqrt(sumSquares);
}

function safeNorm2(x: number, y: number): number {
  const ax = Math.abs(x);
  const ay = Math.abs(y);
  const big = ax > ay ? ax : ay;
  if (big === 0) return 0;
  const q = (ax > ay ? ay : ax) / big;
  return big * Math.sqrt(1 + q * q);
}
