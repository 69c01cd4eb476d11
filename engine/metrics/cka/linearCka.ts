/**
 * Linear CKA, biased ("gretton") estimator (Kornblith, Norouzi, Lee & Hinton 2019, ICML):
 *
 *   CKA = ⟨K̄, L̄⟩ / (‖K̄‖‖L̄‖) = ‖X̃ᵀỸ‖² / (‖X̃ᵀX̃‖‖ỸᵀỸ‖),   K̄ = X̃X̃ᵀ, L̄ = ỸỸᵀ
 *
 * (HSIC_b = tr(KHLH)/(n−1)²; the normaliser cancels.) Invariant to orthogonal maps and isotropic
 * scaling of either network and to translation (centred). A similarity in [0, 1], not a metric;
 * angular CKA θ = arccos(CKA) is a metric (netrep 0.0.2 `LinearCKA.score`, docs/metrics.md §5.1).
 * The cheaper of the feature form (O(n(p+q)²)) and the Gram form (O(n²(p+q))) is used; both are
 * exact.
 * [avoid misuse] Inflated when p ≫ n (Murphy, Zylberberg & Fyshe 2024): independent wide data give
 * values near 1; use unbiasedLinearCka there (§8 item 28).
 */
import type { Matrix } from '../../core/matrix';
import { centerColumns, crossGram, crossProduct, frobeniusInner } from '../../linalg';
import { centredGram } from '../common/factor';
import { checkPairedRows } from '../common/checks';

export interface LinearCkaOptions {
  /** Centre columns (default true). Off gives the uncentred "RV-like" cosine of raw Grams. */
  center?: boolean;
  /**
   * `centredGram(x).gram` and `centredGram(y).gram` when the caller already holds them (the run's
   * one product per representation, docs/performance.md §7.2); used by the Gram route when centring.
   */
  centredGrams?: CentredGrams;
}

/** Lazily given centred Grams of the two networks (see LinearCkaOptions.centredGrams). */
export interface CentredGrams {
  x: () => Matrix;
  y: () => Matrix;
}

function frobenius2(m: Matrix): number {
  let s = 0;
  for (const v of m.data) s += v * v;
  return s;
}

export function linearCka(x: Matrix, y: Matrix, options: LinearCkaOptions = {}): number {
  checkPairedRows(x, y);
  const center = options.center ?? true;
  const n = x.rows;
  const p = x.cols;
  const q = y.cols;
  const featureCost = n * (p * q + p * p + q * q);
  const gramCost = n * n * (p + q) + 3 * n * n;
  if (featureCost <= gramCost) {
    const xc = center ? centerColumns(x).centered : x;
    const yc = center ? centerColumns(y).centered : y;
    const cross = frobenius2(crossProduct(xc, yc));
    const denominator = Math.sqrt(frobenius2(crossGram(xc)) * frobenius2(crossGram(yc)));
    return denominator === 0 ? 0 : cross / denominator;
  }
  const shared = center ? options.centredGrams : undefined;
  const k = shared ? shared.x() : centredGram(x, center).gram;
  const l = shared ? shared.y() : centredGram(y, center).gram;
  const denominator = Math.sqrt(frobenius2(k) * frobenius2(l));
  return denominator === 0 ? 0 : frobeniusInner(k, l) / denominator;
}

/** θ = arccos(clip(CKA, −1, 1)) ∈ [0, π/2]: a metric (netrep `LinearCKA.score`). */
export function angularLinearCka(x: Matrix, y: Matrix, options: LinearCkaOptions = {}): number {
  return Math.acos(Math.min(1, Math.max(-1, linearCka(x, y, options))));
}
