/**
 * Distribution functions for inference: log-gamma, the regularized incomplete beta function and
 * Student's t distribution.
 *
 *   I_x(a, b) = B(x; a, b)/B(a, b), by the continued fraction of Numerical Recipes §6.4 (modified
 *   Lentz), using the symmetry I_x(a, b) = 1 − I_{1−x}(b, a) where it converges faster.
 *   Student's t with ν degrees of freedom: P(|T| ≥ |t|) = I_{ν/(ν+t²)}(ν/2, ½)  (two-sided),
 *   P(T ≥ t) = ½·I_{ν/(ν+t²)}(ν/2, ½) for t ≥ 0.
 * Accuracy: ~1e-14 relative in the body of the distribution (Lanczos g = 7 log-gamma).
 * Checked against table values and the closed forms for ν = 1 (Cauchy) and ν = 2.
 */

const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
  12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];

/** ln Γ(x) for x > 0 (Lanczos approximation, g = 7). */
export function logGamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - logGamma(1 - x);
  const z = x - 1;
  let a = LANCZOS[0]!;
  const t = z + 7.5;
  for (let i = 1; i < 9; i++) a += LANCZOS[i]! / (z + i);
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(a);
}

/** Continued fraction for I_x(a, b) (converges for x < (a + 1)/(a + b + 2)). */
function betaContinuedFraction(x: number, a: number, b: number): number {
  const tiny = 1e-300;
  const qab = a + b;
  const qap = a + 1;
  const qam = a - 1;
  let c = 1;
  let d = 1 - (qab * x) / qap;
  if (Math.abs(d) < tiny) d = tiny;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= 10000; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((qam + m2) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (qab + m) * x) / ((a + m2) * (qap + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return h;
}

/** Regularized incomplete beta function I_x(a, b), a, b > 0, 0 ≤ x ≤ 1. */
export function regularizedIncompleteBeta(x: number, a: number, b: number): number {
  if (!(a > 0) || !(b > 0) || Number.isNaN(x)) return Number.NaN;
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const logFront = logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log1p(-x);
  const front = Math.exp(logFront);
  if (x < (a + 1) / (a + b + 2)) return (front * betaContinuedFraction(x, a, b)) / a;
  return 1 - (front * betaContinuedFraction(1 - x, b, a)) / b;
}

/** P(T ≥ t) for Student's t with `df` degrees of freedom (upper tail / survival function). */
export function studentTSurvival(t: number, df: number): number {
  if (Number.isNaN(t) || !(df > 0)) return Number.NaN;
  if (t === Infinity) return 0;
  if (t === -Infinity) return 1;
  const tail = 0.5 * regularizedIncompleteBeta(df / (df + t * t), df / 2, 0.5);
  return t >= 0 ? tail : 1 - tail;
}

/** P(T ≤ t), Student's t CDF. */
export function studentTCdf(t: number, df: number): number {
  return studentTSurvival(-t, df);
}

export type Alternative = 'two-sided' | 'greater' | 'less';

/** p-value of an observed t under H0 for the given alternative ('greater': H1 mean > μ0). */
export function studentTPValue(t: number, df: number, alternative: Alternative): number {
  if (Number.isNaN(t) || !(df > 0)) return Number.NaN;
  switch (alternative) {
    case 'greater':
      return studentTSurvival(t, df);
    case 'less':
      return studentTCdf(t, df);
    default:
      return Math.min(1, regularizedIncompleteBeta(df / (df + t * t), df / 2, 0.5));
  }
}
