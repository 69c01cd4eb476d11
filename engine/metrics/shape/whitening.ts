/**
 * netrep's partial whitening, written on a network's singular values (docs/metrics.md §4.2, §4.5).
 *
 *   C = X̃ᵀX̃ (unnormalised scatter), λ = max(eig C, 1e-7)   [parity: absolute clip]
 *   Z = s·(αI + (1−α)C^(−½)),  s² = Σλ_i / Σ(α√λ_i + 1 − α)²  (sums over all P padded columns)
 *   α > 1 − 1e-7 ⇒ Z = I (netrep skips the eigendecomposition)
 *
 * With X̃ = U diag(σ) Vᵀ the whitened data are X̃Z = s·U diag(g) Vᵀ where
 *   h_i = α + (1−α)/√max(σ_i², 1e-7)   (Z restricted to V: Z·V = s·V diag(h))
 *   g_i = σ_i·h_i
 * so a pair only needs g, s and the left factors U. Directions beyond the rank (zero padding,
 * p ≥ n) have σ = 0: they add 1e-7 to Σλ and (α√1e-7 + 1 − α)² to the denominator of s², which
 * moves the Euclidean score only [parity, §8 item 2]. The angular score does not depend on s.
 */
export const NETREP_EIGENVALUE_FLOOR = 1e-7;

export interface WhiteningWeights {
  /** Per-direction weight on the left factor: whitened = s·U diag(g) Vᵀ. */
  g: Float64Array;
  /** Per-direction multiplier of Z on V (Z·V = s·V diag(h)); used to map test rows. */
  h: Float64Array;
  /** netrep's variance-preserving factor s. */
  s: number;
}

/**
 * @param sigma singular values of the centred data (descending; any directions not listed are zero)
 * @param width P, the (padded) number of columns the whitening matrix acts on (≥ sigma.length)
 */
export function netrepWhiteningWeights(sigma: Float64Array, width: number, alpha: number): WhiteningWeights {
  const r = sigma.length;
  const g = new Float64Array(r);
  const h = new Float64Array(r);
  if (alpha > 1 - 1e-7) {
    g.set(sigma);
    h.fill(1);
    return { g, h, s: 1 };
  }
  let sumLambda = 0;
  let sumWhitened = 0;
  for (let i = 0; i < r; i++) {
    const lambda = Math.max(sigma[i]! * sigma[i]!, NETREP_EIGENVALUE_FLOOR);
    const root = Math.sqrt(lambda);
    h[i] = alpha + (1 - alpha) / root;
    g[i] = sigma[i]! * h[i]!;
    sumLambda += lambda;
    sumWhitened += (alpha * root + 1 - alpha) ** 2;
  }
  const missing = Math.max(width - r, 0);
  if (missing > 0) {
    const root = Math.sqrt(NETREP_EIGENVALUE_FLOOR);
    sumLambda += missing * NETREP_EIGENVALUE_FLOOR;
    sumWhitened += missing * (alpha * root + 1 - alpha) ** 2;
  }
  return { g, h, s: Math.sqrt(sumLambda / sumWhitened) };
}
