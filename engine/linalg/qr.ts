/**
 * Thin Householder QR, A = Q·R (A: m×n, k = min(m, n); Q: m×k with orthonormal columns, R: k×n
 * upper triangular/trapezoidal).
 *
 * Reflectors follow LAPACK dgeqr2/dlarfg: H = I − τ·v·vᵀ with v₀ = 1 and
 * R_kk = β = −sign(a_kk)·‖a_k:m,k‖, so in exact arithmetic the signs of R's diagonal (and hence
 * Q's columns) are those of numpy.linalg.qr (LAPACK does not normalise them; neither do we).
 * Column-major working storage keeps every reflector application a contiguous dot + axpy; panels
 * of 32 reflectors reach the rest of the matrix as one block reflector through the GEMM kernel.
 * No pivoting: a rank-deficient A gives R with (near-)zero diagonal entries and a Q that is still
 * orthonormal.
 */
import type { Matrix } from '../core/matrix';
import { gemmStrided } from './gemm';
import { hypot2, scaledNorm2 } from './numerics';
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

/** Columns per panel of the blocked factorisation (LAPACK's dgeqrf/dorgqr scheme). */
const PANEL = 32;

/**
 * Householder QR of the m×n matrix stored column-major in `cols` (overwritten: R on and above the
 * diagonal, reflector tails below). Returns τ (length min(m, n)).
 * Blocked: each 32-column panel is factorised with column-by-column reflectors, then the whole
 * trailing matrix receives the panel's block reflector (I − V·T·Vᵀ)ᵀ through two blocked
 * products (applyBlockReflector), instead of 32 separate rank-1 passes over it.
 */
export function householderInPlace(cols: Float64Array, m: number, n: number): Float64Array {
  const k = Math.min(m, n);
  const tau = new Float64Array(k);
  for (let j0 = 0; j0 < k; j0 += PANEL) {
    const j1 = Math.min(j0 + PANEL, k);
    for (let p = j0; p < j1; p++) {
      const colP = p * m;
      const alpha = cols[colP + p]!;
      const xnorm = scaledNorm2(cols, colP + p + 1, m - p - 1);
      if (xnorm === 0) {
        tau[p] = 0;
        continue;
      }
      const norm = hypot2(alpha, xnorm);
      const beta = alpha >= 0 ? -norm : norm;
      tau[p] = (beta - alpha) / beta;
      const scale = 1 / (alpha - beta);
      for (let i = p + 1; i < m; i++) cols[colP + i] *= scale;
      // Apply H = I − τ·v·vᵀ (v_p = 1, stored in place of R_pp for the moment) to the rest of
      // the panel.
      cols[colP + p] = 1;
      reflectColumns(cols, m, p + 1, j1, p, m, cols, colP, -tau[p]!);
      cols[colP + p] = beta;
    }
    if (j1 < n) {
      const { v, t } = blockReflector(cols, tau, m, j0, j1);
      applyBlockReflector(cols, m, j0, j1, n, v, t, j1 - j0, true);
    }
  }
  return tau;
}

/** The first k columns of H_0·H_1⋯H_{k−1}, column-major (row j = column j, length m). */
export function formQ(cols: Float64Array, tau: Float64Array, m: number, k: number): Float64Array {
  const q = new Float64Array(k * m);
  for (let j = 0; j < k; j++) q[j * m + j] = 1;
  // Backwards over the panels: columns < j0 of Q are still unit vectors e_c (c < j0), which the
  // panel's reflectors (acting on rows ≥ j0) leave alone.
  const lastPanel = Math.floor(Math.max(k - 1, 0) / PANEL) * PANEL;
  for (let j0 = lastPanel; j0 >= 0; j0 -= PANEL) {
    const j1 = Math.min(j0 + PANEL, k);
    const { v, t } = blockReflector(cols, tau, m, j0, j1);
    applyBlockReflector(q, m, j0, j0, k, v, t, j1 - j0, false);
  }
  return q;
}

/**
 * V (explicit unit lower trapezoid, (m−j0)×nb row-major) and the upper-triangular T (nb×nb,
 * LAPACK dlarft forward/columnwise) with H_{j0}⋯H_{j1−1} = I − V·T·Vᵀ.
 */
function blockReflector(cols: Float64Array, tau: Float64Array, m: number, j0: number, j1: number): { v: Float64Array; t: Float64Array } {
  const nb = j1 - j0;
  const rows = m - j0;
  const v = new Float64Array(rows * nb);
  for (let c = 0; c < nb; c++) {
    const col = (j0 + c) * m + j0;
    v[c * nb + c] = 1;
    for (let i = c + 1; i < rows; i++) v[i * nb + c] = cols[col + i]!;
  }
  const t = new Float64Array(nb * nb);
  const w = new Float64Array(nb);
  for (let c = 0; c < nb; c++) {
    const tc = tau[j0 + c]!;
    t[c * nb + c] = tc;
    if (tc === 0) continue; // H = I: column c of T stays zero
    // w = −τ_c·V[:, 0:c]ᵀ·v_c (v_c is zero above row c), then T[0:c, c] = T[0:c, 0:c]·w.
    w.fill(0, 0, c);
    for (let i = c; i < rows; i++) {
      const vic = v[i * nb + c]!;
      if (vic === 0) continue;
      const rowI = i * nb;
      for (let q = 0; q < c; q++) w[q] += v[rowI + q]! * vic;
    }
    for (let q = 0; q < c; q++) w[q] *= -tc;
    for (let r = 0; r < c; r++) {
      let sum = 0;
      for (let q = r; q < c; q++) sum += t[r * nb + q]! * w[q]!;
      t[r * nb + c] = sum;
    }
  }
  return { v, t };
}

/**
 * C ← (I − V·op(T)·Vᵀ)·C for the block C(i, c) = x[(colFrom + c)·m + j0 + i], i < m − j0,
 * c < colTo − colFrom, of the column-major x; op(T) = Tᵀ when `transposeT` (applying Qᵀ, as in
 * the factorisation) or T (forming Q). Two blocked products: W = Vᵀ·C, then Cᵀ −= Wᵀ·Vᵀ.
 */
function applyBlockReflector(
  x: Float64Array, m: number, j0: number, colFrom: number, colTo: number,
  v: Float64Array, t: Float64Array, nb: number, transposeT: boolean,
): void {
  const rows = m - j0;
  const ncols = colTo - colFrom;
  if (ncols <= 0 || rows <= 0) return;
  const offset = colFrom * m + j0;
  const w = new Float64Array(nb * ncols);
  gemmStrided(nb, ncols, rows, { data: v, rowStride: 1, colStride: nb }, { data: x, rowStride: 1, colStride: m, offset }, w);
  // W ← op(T)·W, in place: Tᵀ is lower triangular (rows descending), T upper (rows ascending).
  if (transposeT) {
    for (let r = nb - 1; r >= 0; r--) {
      const rowR = r * ncols;
      const trr = t[r * nb + r]!;
      for (let c = 0; c < ncols; c++) w[rowR + c] *= trr;
      for (let q = 0; q < r; q++) {
        const tqr = t[q * nb + r]!;
        if (tqr === 0) continue;
        const rowQ = q * ncols;
        for (let c = 0; c < ncols; c++) w[rowR + c] += tqr * w[rowQ + c]!;
      }
    }
  } else {
    for (let r = 0; r < nb; r++) {
      const rowR = r * ncols;
      const trr = t[r * nb + r]!;
      for (let c = 0; c < ncols; c++) w[rowR + c] *= trr;
      for (let q = r + 1; q < nb; q++) {
        const trq = t[r * nb + q]!;
        if (trq === 0) continue;
        const rowQ = q * ncols;
        for (let c = 0; c < ncols; c++) w[rowR + c] += trq * w[rowQ + c]!;
      }
    }
  }
  // Cᵀ (row-major with leading dimension m from `offset`) −= Wᵀ·Vᵀ.
  gemmStrided(ncols, rows, nb, { data: w, rowStride: 1, colStride: ncols }, { data: v, rowStride: 1, colStride: nb }, x, false, {
    alpha: -1,
    cOffset: offset,
    ldc: m,
  });
}
