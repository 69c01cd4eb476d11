/**
 * RBF-kernel CKA (Kornblith et al. 2019): K_ij = exp(−‖x_i − x_j‖² / (2σ²)), then biased CKA
 * ⟨HKH, HLH⟩/(‖HKH‖‖HLH‖) or the debiased estimator (unbiasedCka.ts). Bandwidth rules
 * (docs/metrics.md §5.1):
 *   'kornblith'   σ² = t²·median(D²) over ALL n² entries, including the zero diagonal (Kornblith's
 *                 `gram_rbf(x, threshold=t)`; the paper uses t ∈ {0.2, 0.4, 0.8}, the code default 1)
 *   'brain-score' σ² = t²·median of the NONZERO D² (Brain-Score; t = 1 there)
 *   number        a fixed σ (platonic uses σ = 1 on L2-normalised rows)
 * D² is clamped at 0. Invariant to orthogonal maps and translation; NOT to isotropic scale when σ is
 * fixed (the median rules restore it). A similarity, not a metric.
 */
import type { Matrix } from '../../core/matrix';
import { gram } from '../../linalg';
import { checkPairedRows } from '../common/checks';
import { ckaFromHsic, unbiasedHsicTriple, type CkaEpsilonVariant } from './unbiasedCka';

export type RbfBandwidth = 'kornblith' | 'brain-score' | { sigma: number };

export interface RbfCkaOptions {
  bandwidth?: RbfBandwidth;
  /** t in σ² = t²·median(D²) (default 1). */
  threshold?: number;
  estimator?: 'biased' | 'unbiased';
  variant?: CkaEpsilonVariant;
}

function median(values: Float64Array): number {
  const sorted = Float64Array.from(values).sort();
  const m = sorted.length;
  if (m === 0) return 0;
  return m % 2 === 1 ? sorted[(m - 1) / 2]! : 0.5 * (sorted[m / 2 - 1]! + sorted[m / 2]!);
}

export function squaredDistances(x: Matrix): Matrix {
  const g = gram(x);
  const n = x.rows;
  const d = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      d[i * n + j] = i === j ? 0 : Math.max(g.data[i * n + i]! + g.data[j * n + j]! - 2 * g.data[i * n + j]!, 0);
    }
  }
  return { rows: n, cols: n, data: d };
}

export function rbfGram(x: Matrix, bandwidth: RbfBandwidth = 'kornblith', threshold = 1): { kernel: Matrix; sigma2: number } {
  const d2 = squaredDistances(x);
  let sigma2: number;
  if (typeof bandwidth === 'object') sigma2 = bandwidth.sigma ** 2;
  else if (bandwidth === 'kornblith') sigma2 = threshold ** 2 * median(d2.data);
  else sigma2 = threshold ** 2 * median(d2.data.filter((v) => v > 0));
  const k = new Float64Array(d2.data.length);
  // σ² = 0 only when all rows coincide: then every kernel entry is 1.
  for (let t = 0; t < k.length; t++) k[t] = sigma2 > 0 ? Math.exp(-d2.data[t]! / (2 * sigma2)) : 1;
  return { kernel: { rows: x.rows, cols: x.rows, data: k }, sigma2 };
}

function doubleCentre(k: Matrix): Matrix {
  const n = k.rows;
  const rowMeans = new Float64Array(n);
  let total = 0;
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < n; j++) s += k.data[i * n + j]!;
    rowMeans[i] = s / n;
    total += s;
  }
  const grand = total / (n * n);
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) out[i * n + j] = k.data[i * n + j]! - rowMeans[i]! - rowMeans[j]! + grand;
  return { rows: n, cols: n, data: out };
}

export function rbfCka(x: Matrix, y: Matrix, options: RbfCkaOptions = {}): number {
  const estimator = options.estimator ?? 'biased';
  checkPairedRows(x, y, estimator === 'unbiased' ? 4 : 2);
  const k = rbfGram(x, options.bandwidth, options.threshold).kernel;
  const l = rbfGram(y, options.bandwidth, options.threshold).kernel;
  if (estimator === 'unbiased') {
    const h = unbiasedHsicTriple(k, l);
    return ckaFromHsic(h.xy, h.xx, h.yy, options.variant ?? 'kornblith');
  }
  const kc = doubleCentre(k);
  const lc = doubleCentre(l);
  let kl = 0;
  let kk = 0;
  let ll = 0;
  for (let t = 0; t < kc.data.length; t++) {
    kl += kc.data[t]! * lc.data[t]!;
    kk += kc.data[t]! ** 2;
    ll += lc.data[t]! ** 2;
  }
  return kk * ll === 0 ? 0 : kl / Math.sqrt(kk * ll);
}
