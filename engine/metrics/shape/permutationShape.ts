/**
 * Permutation shape metric (Williams et al. 2021; netrep 0.0.2 `PermutationMetric`): G = the
 * permutations of units, after column centring and zero padding, no whitening.
 *
 *   π* = argmax_π Σ_i ⟨x̃_i, ỹ_π(i)⟩   (exact linear assignment on X̃ᵀỸ, assignment/)
 *   angular:   θ = arccos(Σ_i ⟨x̃_i, ỹ_π(i)⟩ / (‖X̃‖‖Ỹ‖))
 *   euclidean: d = ‖X̃ − Ỹ P‖ = √(‖X̃‖² + ‖Ỹ‖² − 2 tr)   (netrep: not divided by n)
 * The same π is optimal for both scores. Invariant to unit relabelling and translation (centred);
 * the angular score also to isotropic scale. A pseudometric on training data. Zero padding: a unit
 * matched to a padded (all-zero) column adds nothing, so a rectangular assignment of the narrower
 * side is the same optimum. There is no Gram form (docs/metrics.md §4.5 item 5): X̃ᵀỸ is p × q.
 */
import type { Matrix } from '../../core/matrix';
import { crossProduct } from '../../linalg';
import { solveLinearAssignment } from '../common/assignment';
import { angularFromCosine, type ShapeScore } from './linearShape';

export interface PermutationAlignment {
  /** xToY[i] = column of Y matched to column i of X, or −1 (matched to padding). */
  xToY: Int32Array;
  /** Σ_i ⟨x̃_i, ỹ_π(i)⟩ on the fitted rows. */
  matchedInner: number;
  normX: number;
  normY: number;
}

export function frobenius(m: Matrix): number {
  let s = 0;
  for (const v of m.data) s += v * v;
  return Math.sqrt(s);
}

/** Fit the permutation on centred (or raw, if centring is off) matrices with equal rows. */
export function alignPermutation(xc: Matrix, yc: Matrix): PermutationAlignment {
  const cross = crossProduct(xc, yc);
  const assignment = solveLinearAssignment(cross, { maximize: true });
  return { xToY: assignment.rowToColumn, matchedInner: assignment.total, normX: frobenius(xc), normY: frobenius(yc) };
}

/**
 * ‖x/cx − y_π/cy‖² formed directly (matched columns, plus unmatched columns of either side): for
 * small distances, where ‖X‖² + ‖Y‖² − 2⟨X, Y_π⟩ cancels.
 */
export function matchedResidualSquared(x: Matrix, y: Matrix, xToY: Int32Array, cx = 1, cy = 1): number {
  const used = new Uint8Array(y.cols);
  let total = 0;
  for (let i = 0; i < x.cols; i++) {
    const j = xToY[i]!;
    if (j >= 0) used[j] = 1;
    for (let r = 0; r < x.rows; r++) total += (x.data[r * x.cols + i]! / cx - (j >= 0 ? y.data[r * y.cols + j]! / cy : 0)) ** 2;
  }
  for (let j = 0; j < y.cols; j++) {
    if (used[j]) continue;
    for (let r = 0; r < y.rows; r++) total += (y.data[r * y.cols + j]! / cy) ** 2;
  }
  return total;
}

/** The score from the matched inner product, switching to the direct residual for small distances. */
export function permutationScore(x: Matrix, y: Matrix, xToY: Int32Array, inner: number, score: ShapeScore): number {
  const nx = frobenius(x);
  const ny = frobenius(y);
  if (score === 'angular') {
    if (nx * ny === 0) return nx === ny ? 0 : Math.PI / 2;
    if (inner / (nx * ny) > 1 - 1e-6) return 2 * Math.asin(Math.min(1, Math.sqrt(matchedResidualSquared(x, y, xToY, nx, ny)) / 2));
    return scoreFromInner(inner, nx, ny, score);
  }
  const scale = nx * nx + ny * ny;
  if (scale - 2 * inner < 1e-6 * scale) return Math.sqrt(matchedResidualSquared(x, y, xToY));
  return scoreFromInner(inner, nx, ny, score);
}

export function scoreFromInner(inner: number, normX: number, normY: number, score: ShapeScore): number {
  if (score === 'angular') {
    if (normX * normY === 0) return normX === normY ? 0 : Math.PI / 2;
    return angularFromCosine(inner / (normX * normY));
  }
  return Math.sqrt(Math.max(normX * normX + normY * normY - 2 * inner, 0));
}

/** Σ_i ⟨x_i, y_π(i)⟩ for a fitted permutation applied to other rows (held-out data). */
export function matchedInnerProduct(x: Matrix, y: Matrix, xToY: Int32Array): number {
  let total = 0;
  for (let r = 0; r < x.rows; r++) {
    for (let i = 0; i < x.cols; i++) {
      const j = xToY[i]!;
      if (j >= 0) total += x.data[r * x.cols + i]! * y.data[r * y.cols + j]!;
    }
  }
  return total;
}
