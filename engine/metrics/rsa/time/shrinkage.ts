/**
 * Shrinkage covariance estimates for noise normalisation (docs/timeresolved.md §2).
 *
 * ledoitWolf(X): scikit-learn 1.2 `LedoitWolf().fit(X)` [parity] (Ledoit & Wolf 2004): X (n × p)
 *   centred by its column means, S = XᵀX / n, μ = tr(S)/p, δ = ‖S − μI‖²_F,
 *   β = (1/n²) Σ_i ‖x_i x_iᵀ − S‖²_F  (= (Σ_i ‖x_i‖⁴ … written as sklearn's sum of squares),
 *   shrinkage α = min(β, δ)/δ, Σ = (1 − α) S + α μ I.
 * residualCovariance(R, dof, method): rsatoolbox `cov_from_residuals` on residuals R (n × p, already
 *   demeaned, not centred again) [parity]:
 *   'full'           S = RᵀR / dof
 *   'diag'           diag(S)
 *   'shrinkage_eye'  the Ledoit–Wolf target μI on S₀ = RᵀR/n (α as above with δ, β from S₀),
 *                    then × n / dof
 *   'shrinkage_diag' Schäfer & Strimmer (2005) target diag(S): with S = RᵀR/dof, r_ij the sample
 *                    correlations (÷ (n − 1)), v̂_ij = n/dof² (mean of (x_i x_j)²/(σ_i² σ_j²)·n/(n−1) − r_ij²),
 *                    λ = clip(Σ_{i≠j} v̂_ij / Σ_{i≠j} r_ij², 0, 1), off-diagonals × (1 − λ).
 */
import type { Matrix } from '../../../core/matrix';

export type NoiseMethod = 'full' | 'diag' | 'shrinkage_eye' | 'shrinkage_diag';

/** scikit-learn's LedoitWolf: covariance and shrinkage of the rows of X (centred here). */
export function ledoitWolf(x: Matrix): { covariance: Matrix; shrinkage: number } {
  const { rows: n, cols: p } = x;
  const c = new Float64Array(n * p);
  for (let j = 0; j < p; j++) {
    let m = 0;
    for (let i = 0; i < n; i++) m += x.data[i * p + j]!;
    m /= n;
    for (let i = 0; i < n; i++) c[i * p + j] = x.data[i * p + j]! - m;
  }
  const { covariance, shrinkage } = shrinkToIdentity(c, n, p);
  return { covariance: { rows: p, cols: p, data: covariance }, shrinkage };
}

/** S = RᵀR/n and the Ledoit–Wolf shrinkage towards μI (no centring). */
function shrinkToIdentity(r: Float64Array, n: number, p: number): { covariance: Float64Array; shrinkage: number } {
  const s = crossProduct(r, n, p, 1 / n);
  let mu = 0;
  for (let j = 0; j < p; j++) mu += s[j * p + j]!;
  mu /= p;
  let delta = 0;
  for (let i = 0; i < p; i++) for (let j = 0; j < p; j++) delta += (s[i * p + j]! - (i === j ? mu : 0)) ** 2;
  // β = (1/n²) Σ_k ‖x_k x_kᵀ − S‖²_F = (1/n²) (Σ_k ‖x_k‖⁴) − ‖S‖²_F / n
  let fourth = 0;
  for (let k = 0; k < n; k++) {
    let sq = 0;
    for (let j = 0; j < p; j++) sq += r[k * p + j]! ** 2;
    fourth += sq * sq;
  }
  let sNorm = 0;
  for (const v of s) sNorm += v * v;
  const beta = Math.max(0, fourth / (n * n) - sNorm / n);
  const shrinkage = delta === 0 ? 0 : Math.min(beta, delta) / delta;
  const out = new Float64Array(p * p);
  for (let i = 0; i < p; i++) for (let j = 0; j < p; j++) out[i * p + j] = (1 - shrinkage) * s[i * p + j]! + (i === j ? shrinkage * mu : 0);
  return { covariance: out, shrinkage };
}

function crossProduct(r: Float64Array, n: number, p: number, scale: number): Float64Array {
  const s = new Float64Array(p * p);
  for (let k = 0; k < n; k++) {
    const row = k * p;
    for (let i = 0; i < p; i++) {
      const v = r[row + i]!;
      if (v === 0) continue;
      const at = i * p;
      for (let j = i; j < p; j++) s[at + j]! += v * r[row + j]!;
    }
  }
  for (let i = 0; i < p; i++) {
    for (let j = i; j < p; j++) {
      s[i * p + j]! *= scale;
      s[j * p + i] = s[i * p + j]!;
    }
  }
  return s;
}

/** rsatoolbox `cov_from_residuals(R, dof, method)`; R is n × p residuals, already demeaned. */
export function residualCovariance(r: Matrix, dof: number, method: NoiseMethod): { covariance: Matrix; shrinkage?: number } {
  const { rows: n, cols: p } = r;
  if (method === 'shrinkage_eye') {
    const { covariance, shrinkage } = shrinkToIdentity(r.data as Float64Array, n, p);
    for (let k = 0; k < covariance.length; k++) covariance[k]! *= n / dof;
    return { covariance: { rows: p, cols: p, data: covariance }, shrinkage };
  }
  const s = crossProduct(r.data as Float64Array, n, p, 1 / dof);
  if (method === 'full') return { covariance: { rows: p, cols: p, data: s } };
  if (method === 'diag') {
    const d = new Float64Array(p * p);
    for (let j = 0; j < p; j++) d[j * p + j] = s[j * p + j]!;
    return { covariance: { rows: p, cols: p, data: d } };
  }
  // shrinkage_diag (Schäfer & Strimmer 2005)
  const std = Float64Array.from({ length: p }, (_, j) => Math.sqrt(s[j * p + j]!));
  const sSum = crossProduct(r.data as Float64Array, n, p, 1);
  const s2Sum = new Float64Array(p * p);
  for (let k = 0; k < n; k++) {
    const row = k * p;
    for (let i = 0; i < p; i++) {
      const v = r.data[row + i]!;
      for (let j = i + 1; j < p; j++) s2Sum[i * p + j]! += (v * r.data[row + j]!) ** 2;
    }
  }
  let num = 0;
  let den = 0;
  for (let i = 0; i < p; i++) {
    for (let j = i + 1; j < p; j++) {
      const sMean = sSum[i * p + j]! / std[i]! / std[j]! / (n - 1);
      const s2Mean = s2Sum[i * p + j]! / (std[i]! ** 2) / (std[j]! ** 2) / (n - 1);
      const varHat = (n / dof ** 2) * (s2Mean - sMean * sMean);
      num += 2 * varHat;
      den += 2 * sMean * sMean;
    }
  }
  const lambda = Math.max(Math.min(num / den, 1), 0);
  const out = new Float64Array(p * p);
  for (let i = 0; i < p; i++) for (let j = 0; j < p; j++) out[i * p + j] = s[i * p + j]! * (i === j ? 1 : 1 - lambda);
  return { covariance: { rows: p, cols: p, data: out }, shrinkage: lambda };
}
