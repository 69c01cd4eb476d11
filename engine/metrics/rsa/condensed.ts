/**
 * Square ↔ condensed RDMs.
 *
 * Condensed order (docs/metrics.md §2.2): the row-major strict upper triangle
 * (0,1), (0,2), …, (0,n−1), (1,2), … — scipy's `squareform` order, and MATLAB's column-major lower
 * triangle (so the 1×4186 vectors of the 92-image `.mat` files use it too).
 *   k(i, j) = n·i − i(i+1)/2 + (j − i − 1)   for 0-based i < j
 *   n = (1 + √(1 + 8N))/2, and N must be triangular.
 * Input checks: square, symmetric (up to a relative tolerance), zero diagonal; a NaN diagonal is
 * allowed (rsatoolbox sets it to NaN for bootstrap duplicates) and treated as 0.
 * Off-diagonal NaN entries are kept: they mark missing pairs, handled by the comparisons.
 */
import { SimspecError, type ErrorContext } from '../../core/errors';
import type { Matrix } from '../../core/matrix';

/** Where the data came from, for error messages. */
export interface Origin {
  file?: string;
  variable?: string;
}

/** Number of conditions n for a condensed vector of N pairs; throws if N is not n(n−1)/2. */
export function conditionsFromPairs(pairCount: number, origin: Origin = {}): number {
  const n = Math.round((1 + Math.sqrt(1 + 8 * pairCount)) / 2);
  if (!Number.isInteger(pairCount) || pairCount < 1 || (n * (n - 1)) / 2 !== pairCount) {
    throw new SimspecError(`a condensed RDM cannot have ${pairCount} entries`, {
      ...origin,
      expected: 'a triangular number n(n−1)/2 of entries (e.g. 4186 for 92 conditions)',
      code: 'rdm.condensed-length',
    });
  }
  return n;
}

/** Number of pairs N = n(n−1)/2. */
export function pairCount(n: number): number {
  return (n * (n - 1)) / 2;
}

/** Condensed index of the pair (i, j), i ≠ j, in an n-condition RDM. */
export function pairIndex(i: number, j: number, n: number): number {
  if (i > j) [i, j] = [j, i];
  return n * i - (i * (i + 1)) / 2 + (j - i - 1);
}

export interface SquareCheckOptions extends Origin {
  /** Relative tolerance for symmetry and for the zero diagonal (default 1e-8 of the largest |d|). */
  tolerance?: number;
}

/** Condensed vector of a square RDM, after checking square shape, symmetry and the zero diagonal. */
export function squareToCondensed(square: Matrix, options: SquareCheckOptions = {}): Float64Array {
  const { rows: n, cols, data } = square;
  const origin: ErrorContext = { file: options.file, variable: options.variable };
  if (n !== cols) {
    throw new SimspecError(`the RDM is ${n}×${cols}, not square`, { ...origin, expected: 'a square n×n RDM', code: 'rdm.not-square' });
  }
  if (n < 2) {
    throw new SimspecError(`the RDM has ${n} condition(s)`, { ...origin, expected: 'at least 2 conditions', code: 'rdm.too-small' });
  }
  let scale = 0;
  for (let k = 0; k < data.length; k++) {
    const v = Math.abs(data[k]!);
    if (v > scale) scale = v;
  }
  const tol = (options.tolerance ?? 1e-8) * Math.max(scale, 1e-300);
  for (let i = 0; i < n; i++) {
    const d = data[i * n + i]!;
    if (!Number.isNaN(d) && Math.abs(d) > tol) {
      throw new SimspecError(`diagonal entry (${i}, ${i}) of the RDM is ${d}`, {
        ...origin,
        expected: 'a zero (or NaN) diagonal: a dissimilarity matrix, not a similarity matrix',
        code: 'rdm.diagonal',
      });
    }
  }
  const out = new Float64Array(pairCount(n));
  let k = 0;
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const a = data[i * n + j]!;
      const b = data[j * n + i]!;
      const bothNaN = Number.isNaN(a) && Number.isNaN(b);
      if (!bothNaN && !(Math.abs(a - b) <= tol)) {
        throw new SimspecError(`the RDM is not symmetric: entry (${i}, ${j}) is ${a} but (${j}, ${i}) is ${b}`, {
          ...origin,
          expected: 'a symmetric dissimilarity matrix',
          code: 'rdm.asymmetric',
        });
      }
      out[k++] = a;
    }
  }
  return out;
}

/** Square RDM (zero diagonal) of a condensed vector; n is recovered from the length. */
export function condensedToSquare(condensed: Float64Array, origin: Origin = {}): Matrix {
  const n = conditionsFromPairs(condensed.length, origin);
  const data = new Float64Array(n * n);
  let k = 0;
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const v = condensed[k++]!;
      data[i * n + j] = v;
      data[j * n + i] = v;
    }
  }
  return { rows: n, cols: n, data };
}

/**
 * Condensed RDM of the conditions `indices` (with repetition) of an n-condition RDM: entry (a, b) is
 * d(indices[a], indices[b]), and NaN when both are the same condition (a bootstrap duplicate:
 * rsatoolbox sets the diagonal to NaN before indexing, §2.3 [parity]).
 */
export function subsampleCondensed(condensed: Float64Array, n: number, indices: ArrayLike<number>): Float64Array {
  const m = indices.length;
  const out = new Float64Array(pairCount(m));
  let k = 0;
  for (let a = 0; a < m; a++) {
    const i = indices[a]!;
    for (let b = a + 1; b < m; b++) {
      const j = indices[b]!;
      out[k++] = i === j ? Number.NaN : condensed[pairIndex(i, j, n)]!;
    }
  }
  return out;
}

/** d_ij = K_ii + K_jj − K_ij − K_ji for a kernel K (n × n), in condensed order. */
export function distancesFromKernel(kernel: Matrix, clampAtZero: boolean): Float64Array {
  const n = kernel.rows;
  const k = kernel.data;
  const out = new Float64Array(pairCount(n));
  let p = 0;
  for (let i = 0; i < n; i++) {
    const kii = k[i * n + i]!;
    for (let j = i + 1; j < n; j++) {
      const d = kii + k[j * n + j]! - k[i * n + j]! - k[j * n + i]!;
      out[p++] = clampAtZero && d < 0 ? 0 : d;
    }
  }
  return out;
}
