/**
 * When is a pattern constant? Centring a constant vector leaves rounding residue (a row of 0.1 over
 * 30 channels centres to values near 1e-17, not 0), and normalising that residue gives a random
 * direction: a correlation distance of about 1 instead of "undefined". So a vector counts as
 * constant when its spread about its mean is at most CONSTANT_RELATIVE_TOLERANCE of its magnitude:
 *
 *     Σ (v_k − v̄)²  ≤  τ² · Σ v_k²,   τ = 1e-10
 *
 * Rounding residue is about √n·2⁻⁵³ ≈ 1e-16·√n of the magnitude, far below τ for any real n; real
 * variation that small is below float32 resolution (about 6e-8) and below any measurement. The test
 * is scale-free: multiplying the data by any non-zero factor gives the same answer. README
 * "Reliability" documents it.
 */
export const CONSTANT_RELATIVE_TOLERANCE = 1e-10;

/** True when `v` (finite entries, or the `keep`-masked ones) is constant within the relative tolerance. */
export function isNearlyConstant(v: ArrayLike<number>, keep?: ArrayLike<number>): boolean {
  let count = 0;
  let sum = 0;
  for (let k = 0; k < v.length; k++) if (!keep || keep[k]) (sum += v[k]!), count++;
  if (count < 2) return true;
  const mean = sum / count;
  let spread = 0;
  let magnitude = 0;
  for (let k = 0; k < v.length; k++) {
    if (keep && !keep[k]) continue;
    const x = v[k]!;
    spread += (x - mean) * (x - mean);
    magnitude += x * x;
  }
  return spread <= CONSTANT_RELATIVE_TOLERANCE * CONSTANT_RELATIVE_TOLERANCE * magnitude;
}
