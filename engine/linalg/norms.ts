/**
 * Matrix norms. The Frobenius norm scales as it sums (LAPACK dlassq style) so huge or tiny
 * entries neither overflow nor underflow; the nuclear and spectral norms come from the singular
 * values of the Jacobi SVD (never from eigenvalues of AᵀA, docs/metrics.md §4.5).
 */
import type { Matrix } from '../core/matrix';
import { singularValues } from './svd';

/** ‖A‖_F = √(Σ A_ij²). NaN if any entry is NaN. */
export function frobeniusNorm(a: Matrix): number {
  return vectorNorm(a.data);
}

/** Euclidean norm of a vector, overflow-safe. */
export function vectorNorm(x: Float64Array): number {
  let scale = 0;
  let sumSquares = 1;
  for (let i = 0; i < x.length; i++) {
    const v = x[i]!;
    if (v !== v) return NaN;
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
  return scale === Infinity ? Infinity : scale * Math.sqrt(sumSquares);
}

/** ‖A‖_* = Σ σ_i. */
export function nuclearNorm(a: Matrix): number {
  const s = singularValues(a);
  let total = 0;
  for (let i = 0; i < s.length; i++) total += s[i]!;
  return total;
}

/** ‖A‖₂ = σ_max (0 for an empty matrix). */
export function spectralNorm(a: Matrix): number {
  const s = singularValues(a);
  return s.length === 0 ? 0 : s[0]!;
}
