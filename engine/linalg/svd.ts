/**
 * Thin singular value decomposition A = U·diag(s)·Vᵀ, never via the eigenvalues of AᵀA.
 *
 * Two kernels on the tall orientation (a wide A is decomposed as Aᵀ with U and V swapped), both
 * on column-major storage so rotations scan contiguous memory:
 * - `thinSvd`: Golub–Kahan–Reinsch (svd-golub-kahan.ts) — bidiagonalisation + implicit-shift QR,
 *   the LAPACK-class method (absolute accuracy O(ε·σ_max), as numpy's dgesdd). Default.
 * - `thinSvdJacobi`: one-sided (Hestenes) Jacobi — columns rotated pairwise until orthogonal to
 *   √m·ε (dgesvj's criterion); slower, but tiny singular values keep high relative accuracy
 *   (Demmel & Veselić 1992). Columns of U with σ exactly 0 are completed to an orthonormal set.
 *
 * Output: k = min(m, n); s descending and ≥ 0; U m×k and V n×k with orthonormal columns even for
 * rank-deficient A, so U·Vᵀ is always usable as a Procrustes rotation. The sign of each pair
 * (u_j, v_j) is arbitrary, as in LAPACK: callers that report vectors fix a convention themselves
 * (e.g. scikit-learn's svd_flip). Inputs of extreme magnitude are scaled by an exact power of
 * two (scaling.ts), undone on s. Tall inputs (m ≥ 1.8n) are reduced by Householder QR first.
 * Non-finite input gives all-NaN output rather than an error.
 */
import type { Matrix } from '../core/matrix';
import { timeStage } from '../core/stageTimer';
import { gemmStrided } from './gemm';
import { formQ, householderInPlace } from './qr';
import { powerOfTwoExponent, scaleByPowerOfTwo } from './scaling';
import { golubKahanSvd, type TallSvdColumns } from './svd-golub-kahan';

export interface ThinSvd {
  /** rows×k, orthonormal columns. */
  readonly u: Matrix;
  /** Singular values, descending, length k = min(rows, cols). */
  readonly s: Float64Array;
  /** cols×k, orthonormal columns. */
  readonly v: Matrix;
}

const EPSILON = 2 ** -52;
/** Tall-orientation aspect ratio m/n from which the QR-first path is used. */
const QR_FIRST_RATIO = 1.8;
const MAX_SWEEPS = 80;

export type SvdMethod = 'golub-kahan' | 'jacobi';

/**
 * Thin SVD. The default Golub–Kahan–Reinsch method (svd-golub-kahan.ts) is the faster one and
 * matches LAPACK's accuracy (absolute error O(ε·σ_max)). `thinSvdJacobi` uses one-sided Jacobi,
 * slower but with high relative accuracy for tiny singular values of graded matrices.
 */
export function thinSvd(a: Matrix): ThinSvd {
  return timeStage('decompositions', () => decompose(a, 'golub-kahan', true)); // bench breakdown
}

/** Thin SVD by one-sided Jacobi (see the header): same contract as `thinSvd`. */
export function thinSvdJacobi(a: Matrix): ThinSvd {
  return timeStage('decompositions', () => decompose(a, 'jacobi', true)); // bench breakdown
}

/** Singular values only (descending, length min(rows, cols)); cheaper than `thinSvd`. */
export function singularValues(a: Matrix, method: SvdMethod = 'golub-kahan'): Float64Array {
  return timeStage('decompositions', () => decompose(a, method, false)).s; // bench breakdown
}

/**
 * Works on the tall orientation: for m ≥ n that is A itself, for a wide A it is Aᵀ (with U and
 * V swapped on return). Both kernels take the tall matrix column-major (row j of the flat array =
 * column j), which for a wide A is simply A's own row-major data.
 */
function decompose(a: Matrix, method: SvdMethod, wantVectors: boolean): ThinSvd {
  const wide = a.rows < a.cols;
  const m = wide ? a.cols : a.rows;
  const n = wide ? a.rows : a.cols;
  const k = n;
  if (k === 0) {
    const empty = { s: new Float64Array(0), u: { rows: a.rows, cols: 0, data: new Float64Array(0) }, v: { rows: a.cols, cols: 0, data: new Float64Array(0) } };
    return empty;
  }
  const columns = new Float64Array(n * m);
  if (wide) columns.set(a.data);
  else for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) columns[j * m + i] = a.data[i * n + j]!;
  if (!allFinite(columns)) {
    const nan = nanSvd(m, n, k);
    return wide ? { u: nan.v, s: nan.s, v: nan.u } : nan;
  }
  // Scale by a power of two (exact) so sums of squares can neither overflow nor underflow.
  // Exact power-of-two scaling so sums of squares can neither overflow nor underflow.
  const exponent = powerOfTwoExponent(columns);
  scaleByPowerOfTwo(columns, exponent);
  const result = m >= QR_FIRST_RATIO * n
    ? svdViaQr(columns, m, n, method, wantVectors)
    : kernel(method)(columns, m, n, wantVectors);
  const s = Float64Array.from(result.s);
  scaleByPowerOfTwo(s, -exponent);
  if (!wantVectors) {
    return { u: { rows: a.rows, cols: 0, data: new Float64Array(0) }, s, v: { rows: a.cols, cols: 0, data: new Float64Array(0) } };
  }
  const u = columnsToMatrix(result.uColumns, k, m);
  const v = columnsToMatrix(result.vColumns, k, n);
  return wide ? { u: v, s, v: u } : { u, s, v };
}

type TallKernel = (columns: Float64Array, m: number, n: number, wantVectors: boolean) => TallSvdColumns;

function kernel(method: SvdMethod): TallKernel {
  return method === 'jacobi' ? jacobiSvd : golubKahanSvd;
}

/**
 * Clearly tall matrices are first reduced by Householder QR (A = QR), the n×n R is decomposed,
 * and U = Q·U_R (one blocked product): about 2mn² + O(n³) work instead of 4mn² for direct
 * bidiagonalisation (LAPACK's dgesdd does the same above m ≈ 1.8n; dgejsv always does).
 */
function svdViaQr(columns: Float64Array, m: number, n: number, method: SvdMethod, wantVectors: boolean): TallSvdColumns {
  const tau = householderInPlace(columns, m, n);
  const r = new Float64Array(n * n);
  for (let j = 0; j < n; j++) for (let i = 0; i <= j; i++) r[j * n + i] = columns[j * m + i]!;
  const inner = kernel(method)(r, n, n, wantVectors);
  if (!wantVectors) return inner;
  const q = formQ(columns, tau, m, n);
  // Column-major U: row r of the result = Σ_j U_R(j, r)·Q(:, j).
  const u = new Float64Array(n * m);
  gemmStrided(n, m, n, { data: inner.uColumns, rowStride: n, colStride: 1 }, { data: q, rowStride: m, colStride: 1 }, u);
  return { s: inner.s, uColumns: u, vColumns: inner.vColumns };
}

/** Rows of the flat k×len array become the columns of a len×k Matrix. */
function columnsToMatrix(columns: Float64Array, k: number, len: number): Matrix {
  const out = new Float64Array(len * k);
  for (let r = 0; r < k; r++) for (let i = 0; i < len; i++) out[i * k + r] = columns[r * len + i]!;
  return { rows: len, cols: k, data: out };
}

/**
 * One-sided Jacobi on the tall m×n matrix given column-major in `g` (overwritten): rotate column
 * pairs until mutually orthogonal to √m·ε (dgesvj's criterion); σ_j = ‖column j‖.
 */
function jacobiSvd(g: Float64Array, m: number, n: number, wantVectors: boolean): TallSvdColumns {
  const k = n;
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
  if (!w) return { s, uColumns: new Float64Array(0), vColumns: new Float64Array(0) };

  // uT: row r = column r of U; vT: row r = column r of V.
  const uT = new Float64Array(k * m);
  const vT = new Float64Array(k * n);
  for (let r = 0; r < k; r++) {
    const src = order[r]!;
    const sr = s[r]!;
    if (sr > 0) for (let i = 0; i < m; i++) uT[r * m + i] = g[src * m + i]! / sr;
    vT.set(w.subarray(src * n, src * n + n), r * n);
  }
  completeOrthonormalRows(uT, k, m, s);
  return { s, uColumns: uT, vColumns: vT };
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
