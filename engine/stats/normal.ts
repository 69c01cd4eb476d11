/**
 * The standard normal distribution: Φ and Φ⁻¹, for the BCa interval (docs/metrics.md §2.6).
 *
 *   Φ(x) = ½·erfc(−x/√2); erf by its Maclaurin series for |z| < 3 (terms alternate; ~1e-14
 *   absolute), erfc by its continued fraction (modified Lentz) beyond, where the series would cancel.
 *   Φ⁻¹(p): Acklam's rational approximation (relative error < 1.2e-9), then two Halley steps on Φ,
 *   which bring it to the accuracy of Φ itself; p > ½ as −Φ⁻¹(1 − p).
 * Checked against scipy's ndtr / ndtri in test/engine/stats/normal.test.ts.
 */

/** erfc(z) for z ≥ 3 by the continued fraction erfc z = e^{−z²}/√π · 1/(z + ½/(z + 1/(z + 3/2/(z + …)))). */
function erfcContinuedFraction(z: number): number {
  const tiny = 1e-300;
  // Lentz on b0 + a1/(b1 + a2/(b2 + …)) with b_k = z, a_k = k/2.
  let f = z;
  let c = z;
  let d = 0;
  for (let k = 1; k < 500; k++) {
    const a = k / 2;
    d = z + a * d;
    d = Math.abs(d) < tiny ? tiny : d;
    c = z + a / c;
    c = Math.abs(c) < tiny ? tiny : c;
    d = 1 / d;
    const delta = c * d;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return Math.exp(-z * z) / (Math.sqrt(Math.PI) * f);
}

/** erf(z) for |z| < 3 by its Maclaurin series. */
function erfSeries(z: number): number {
  const z2 = z * z;
  let term = z;
  let sum = z;
  for (let n = 1; n < 200; n++) {
    term *= -z2 / n;
    const add = term / (2 * n + 1);
    sum += add;
    if (Math.abs(add) < 1e-17 * Math.abs(sum)) break;
  }
  return (2 / Math.sqrt(Math.PI)) * sum;
}

/** erfc(z) for any real z. */
export function erfc(z: number): number {
  if (Number.isNaN(z)) return Number.NaN;
  if (z >= 3) return erfcContinuedFraction(z);
  if (z <= -3) return 2 - erfcContinuedFraction(-z);
  return 1 - erfSeries(z);
}

/** Φ(x), the standard normal CDF. */
export function normalCdf(x: number): number {
  if (x === Number.POSITIVE_INFINITY) return 1;
  if (x === Number.NEGATIVE_INFINITY) return 0;
  return 0.5 * erfc(-x / Math.SQRT2);
}

const A = [-3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2, -3.066479806614716e1, 2.506628277459239];
const B = [-5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1];
const C = [-7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
const D = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416];

/** Φ⁻¹(p) for p in [0, 1] (±∞ at the ends, NaN outside). */
export function normalQuantile(p: number): number {
  if (Number.isNaN(p) || p < 0 || p > 1) return Number.NaN;
  if (p === 0) return Number.NEGATIVE_INFINITY;
  if (p === 1) return Number.POSITIVE_INFINITY;
  // Upper half by symmetry: 1 − p is exact there, and the lower tail's Φ has full relative precision.
  if (p > 0.5) return -normalQuantile(1 - p);
  const low = 0.02425;
  let x: number;
  if (p < low) {
    const q = Math.sqrt(-2 * Math.log(p));
    x = (((((C[0]! * q + C[1]!) * q + C[2]!) * q + C[3]!) * q + C[4]!) * q + C[5]!) / ((((D[0]! * q + D[1]!) * q + D[2]!) * q + D[3]!) * q + 1);
  } else if (p > 1 - low) {
    const q = Math.sqrt(-2 * Math.log(1 - p));
    x = -(((((C[0]! * q + C[1]!) * q + C[2]!) * q + C[3]!) * q + C[4]!) * q + C[5]!) / ((((D[0]! * q + D[1]!) * q + D[2]!) * q + D[3]!) * q + 1);
  } else {
    const q = p - 0.5;
    const r = q * q;
    x = ((((((A[0]! * r + A[1]!) * r + A[2]!) * r + A[3]!) * r + A[4]!) * r + A[5]!) * q) / (((((B[0]! * r + B[1]!) * r + B[2]!) * r + B[3]!) * r + B[4]!) * r + 1);
  }
  // Halley refinement on Φ(x) − p (Acklam): e/φ(x) with a curvature correction.
  for (let step = 0; step < 2; step++) {
    const e = normalCdf(x) - p;
    const u = e * Math.sqrt(2 * Math.PI) * Math.exp((x * x) / 2);
    x = x - u / (1 + (x * u) / 2);
  }
  return x;
}
