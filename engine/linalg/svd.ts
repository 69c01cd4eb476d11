/**
 * Thin singular value decomposition A = U·diag(s)·Vᵀ by one-sided (Hestenes) Jacobi rotations.
 *
 * Why Jacobi: it works on A itself, never on AᵀA, so small singular values keep full relative
 * accuracy (Demmel & Veselić 1992) — what nuclear norms of rank-deficient cross products and
 * Procrustes alignments need. For m ≥ n the columns of A (stored as rows of Aᵀ, so rotations scan
 * contiguous memory) are rotated pairwise until mutually orthogonal to tolerance √m·ε (the
 * dgesvj criterion); then s_j = ‖column j‖, U's column j = column j / s_j and V accumulates the
 * rotations. A wide matrix (m < n) is handled as svd(Aᵀ) with U and V swapped.
 *
 * Output: k = min(m, n); s descending; U m×k and V n×k with orthonormal columns. Columns of U
 * whose singular value is exactly zero are completed to an orthonormal set, so U·Vᵀ is always a
 * partial isometry usable as a Procrustes rotation. Non-finite input gives all-NaN output.
 */
import type { Matrix } from '../core/matrix';

export interface ThinSvd {
  /** rows×k, orthonormal columns. */
  readonly u: Matrix;
  /** Singular values, descending, length k = min(rows, cols). */
  readonly s: Float64Array;
  /** cols×k, orthonormal columns. */
  readonly v: Matrix;
}

const EPSILON = 2 ** -52;
const MAX_SWEEPS = 80;

export function thinSvd(a: Matrix): ThinSvd {
  if (a.rows < a.cols) {
    const t = tallSvd(a.data, a.cols, a.rows, false, true);
    return { u: t.v, s: t.s, v: t.u };
  }
  return tallSvd(a.data, a.rows, a.cols, true, true);
}

/** Singular values only (descending, length min(rows, cols)); cheaper than `thinSvd`. */
export function singularValues(a: Matrix): Float64Array {
  if (a.rows < a.cols) return tallSvd(a.data, a.cols, a.rows, false, false).s;
  return tallSvd(a.data, a.rows, a.cols, true, false).s;
}

/**
 * SVD of the m×n matrix (m ≥ n) whose entry (i, j) is data[i*n + j] when `rowMajorTall`, else
 * data[j*m + i] (i.e. data is the row-major n×m transpose).
 */
function tallSvd(data: Float64Array, m: number, n: number, rowMajorTall: boolean, wantVectors: boolean): ThinSvd {
  const k = n;
  // g: row j = column j of A (length m).
  const g = new Float64Array(n * m);
  if (rowMajorTall) {
    for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) g[j * m + i] = data[i * n + j]!;
  } else {
    g.set(data.subarray(0, n * m));
  }
  if (!allFinite(g)) return nanSvd(m, n, k);

  // w: row j = column j of V.
  const w = wantVectors ? new Float64Array(n * n) : null;
  if (w) for (let j = 0; j < n; j++) w[j * n + j] = 1;

  const norms = new Float64Array(n);
  const tolerance = Math.max(Math.sqrt(m), 1) * EPSILON;
  let converged = n < 2;
  for (let sweep = 0; sweep < MAX_SWEEPS && !converged; sweep++) {
    for (let j = 0; j < n; j++) norms[j] = dot(g, j * m, g, j * m, m);
    converged = true;
    for (let p = 0; p < n - 1; p++) {
      const rowP = p * m;
      for (let q = p + 1; q < n; q++) {
        const alpha = norms[p]!;
        const beta = norms[q]!;
        if (alpha === 0 || beta === 0) continue;
        const rowQ = q * m;
        const gamma = dot(g, rowP, g, rowQ, m);
        if (Math.abs(gamma) <= tolerance * Math.sqrt(alpha) * Math.sqrt(beta)) continue;
        converged = false;
        const zeta = (beta - alpha) / (2 * gamma);
        const t = Math.abs(zeta) > 1e150
          ? 0.5 / zeta
          : (zeta >= 0 ? 1 : -1) / (Math.abs(zeta) + Math.sqrt(1 + zeta * zeta));
        const c = 1 / Math.sqrt(1 + t * t);
        const s = c * t;
        rotate(g, rowP, rowQ, m, c, s);
        if (w) rotate(w, p * n, q * n, n, c, s);
        norms[p] = alpha - t * gamma;
        norms[q] = beta + t * gamma;
      }
    }
  }
  if (!converged) throw new Error(`thinSvd: one-sided Jacobi did not converge in ${MAX_SWEEPS} sweeps (${m}×${n})`);

  const sigma = new Float64Array(n);
  for (let j = 0; j < n; j++) sigma[j] = Math.sqrt(dot(g, j * m, g, j * m, m));
  const order = Int32Array.from(sigma.keys()).sort((x, y) => sigma[y]! - sigma[x]!);
  const s = new Float64Array(k);
  for (let r = 0; r < k; r++) s[r] = sigma[order[r]!]!;
  if (!wantVectors || !w) {
    return { u: { rows: m, cols: 0, data: new Float64Array(0) }, s, v: { rows: n, cols: 0, data: new Float64Array(0) } };
  }

  // uT: row r = column r of U.
  const uT = new Float64Array(k * m);
  const v = new Float64Array(n * k);
  for (let r = 0; r < k; r++) {
    const src = order[r]!;
    const sr = s[r]!;
    if (sr > 0) for (let i = 0; i < m; i++) uT[r * m + i] = g[src * m + i]! / sr;
    for (let i = 0; i < n; i++) v[i * k + r] = w[src * n + i]!;
  }
  completeOrthonormalRows(uT, k, m, s);
  const u = new Float64Array(m * k);
  for (let r = 0; r < k; r++) for (let i = 0; i < m; i++) u[i * k + r] = uT[r * m + i]!;
  return { u: { rows: m, cols: k, data: u }, s, v: { rows: n, cols: k, data: v } };
}

function dot(x: Float64Array, xo: number, y: Float64Array, yo: number, len: number): number {
  let s0 = 0, s1 = 0;
  let i = 0;
  for (; i + 1 < len; i += 2) {
    s0 += x[xo + i]! * y[yo + i]!;
    s1 += x[xo + i + 1]! * y[yo + i + 1]!;
  }
  if (i < len) s0 += x[xo + i]! * y[yo + i]!;
  return s0 + s1;
}

/** (x_p, x_q) ← (c·x_p − s·x_q, s·x_p + c·x_q) on two rows of a flat array. */
function rotate(x: Float64Array, rowP: number, rowQ: number, len: number, c: number, s: number): void {
  for (let i = 0; i < len; i++) {
    const xp = x[rowP + i]!;
    const xq = x[rowQ + i]!;
    x[rowP + i] = c * xp - s * xq;
    x[rowQ + i] = s * xp + c * xq;
  }
}

/**
 * Rows r of uT with s[r] = 0 are filled with unit vectors orthogonal to every other row
 * (Gram–Schmidt of coordinate vectors, orthogonalised twice).
 */
function completeOrthonormalRows(uT: Float64Array, k: number, m: number, s: Float64Array): void {
  const filled: number[] = [];
  const empty: number[] = [];
  for (let r = 0; r < k; r++) (s[r]! > 0 ? filled : empty).push(r);
  if (empty.length === 0) return;
  const candidate = new Float64Array(m);
  let start = 0;
  for (const r of empty) {
    // The squared residuals of all m coordinate vectors sum to m − |filled| ≥ 1, so one of them
    // reaches half the average; accept the first that does (cyclic scan, resumed where it left).
    const threshold = (0.5 * (m - filled.length)) / m;
    let accepted = false;
    for (let tried = 0; tried < m && !accepted; tried++) {
      const coordinate = (start + tried) % m;
      candidate.fill(0);
      candidate[coordinate] = 1;
      for (let pass = 0; pass < 2; pass++) {
        for (const f of filled) {
          const proj = dot(uT, f * m, candidate, 0, m);
          for (let i = 0; i < m; i++) candidate[i] -= proj * uT[f * m + i]!;
        }
      }
      const squared = dot(candidate, 0, candidate, 0, m);
      if (squared >= threshold) {
        const norm = Math.sqrt(squared);
        for (let i = 0; i < m; i++) uT[r * m + i] = candidate[i]! / norm;
        filled.push(r);
        start = coordinate + 1;
        accepted = true;
      }
    }
    if (!accepted) throw new Error('thinSvd: orthonormal completion found no candidate');
  }
}

function allFinite(data: Float64Array): boolean {
  for (let i = 0; i < data.length; i++) if (!Number.isFinite(data[i]!)) return false;
  return true;
}

function nanSvd(m: number, n: number, k: number): ThinSvd {
  return {
    u: { rows: m, cols: k, data: new Float64Array(m * k).fill(NaN) },
    s: new Float64Array(k).fill(NaN),
    v: { rows: n, cols: k, data: new Float64Array(n * k).fill(NaN) },
  };
}
