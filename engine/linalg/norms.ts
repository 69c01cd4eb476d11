/**
 * Matrix norms. The Frobenius norm scales as it sums (LAPACK dlassq style) so huge or tiny
 * entries neither overflow nor underflow; the nuclear and spectral norms come from the singular
 * values of the Jacobi SVD (never from eigenvalues of AᵀA, docs/metrics.md §4.5).
 */
import type { Matrix } from '../core/matrix';
import { scaledNorm2 } from './numerics';
import { singularValues } from './svd';

/** ‖A‖_F = √(Σ A_ij²). NaN if any entry is NaN. */
export function frobeniusNorm(a: Matrix): number {
  return vectorNorm(a.data);
}

/** Euclidean norm of a vector, overflow-safe (numerics.ts scaledNorm2). */
export function vectorNorm(x: Float64Array): number {
  return scaledNorm2(x, 0, x.length);
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
