/**
 * Held-out scores of an encoding model, per target column, and their aggregation
 * (docs/metrics.md §3.4).
 *
 * - R² (scikit-learn `r2_score`, multioutput='raw_values') [parity]:
 *     R²_j = 1 − Σ_i (y_ij − ŷ_ij)² / Σ_i (y_ij − ȳ_j)², ȳ_j the mean of the TEST rows.
 *   A constant test target gives 1 when predicted perfectly and 0 otherwise (sklearn's
 *   force_finite). Invariant to a common affine change y → a·y + b of target and prediction.
 * - Pearson r (scipy.stats `pearsonr`) [parity]: r = ⟨x̃, ỹ⟩ / (‖x̃‖‖ỹ‖) on mean-removed columns,
 *   clipped to [−1, 1]; NaN when either input is constant; n = 2 gives ±1. Invariant to positive
 *   scaling and shifts of either argument.
 * - Aggregation over targets [choose]: `median` is numpy nanmedian (NaN-skipping; an even count
 *   averages the two middle values), as Brain-Score; `mean` is NaN-skipping too, so a constant unit
 *   (NaN r) is excluded and counted instead of poisoning the mean. Both report how many were NaN.
 * - Over splits: plain mean; the error is std over splits (ddof 0) / √n_splits (Brain-Score).
 */
import type { Matrix } from '../../core/matrix';
import { SimspecError } from '../../core/errors';

function requireSameShape(truth: Matrix, predicted: Matrix, what: string): void {
  if (truth.rows !== predicted.rows || truth.cols !== predicted.cols) {
    throw new SimspecError(`${what}: responses are ${truth.rows}×${truth.cols} but predictions are ${predicted.rows}×${predicted.cols}`, {
      expected: 'predictions shaped like the held-out responses',
      code: 'regression.shape',
    });
  }
}

/** scikit-learn `r2_score(truth, predicted, multioutput='raw_values')`. */
export function r2PerTarget(truth: Matrix, predicted: Matrix): Float64Array {
  requireSameShape(truth, predicted, 'R²');
  const { rows: n, cols: q } = truth;
  const out = new Float64Array(q);
  for (let j = 0; j < q; j++) {
    let mean = 0;
    for (let i = 0; i < n; i++) mean += truth.data[i * q + j]!;
    mean /= n;
    let residual = 0;
    let total = 0;
    for (let i = 0; i < n; i++) {
      const y = truth.data[i * q + j]!;
      const e = y - predicted.data[i * q + j]!;
      residual += e * e;
      total += (y - mean) * (y - mean);
    }
    if (total !== 0) out[j] = 1 - residual / total;
    else out[j] = residual === 0 ? 1 : 0;
  }
  return out;
}

/** scipy.stats.pearsonr(x, y).statistic for two equal-length vectors; NaN if either is constant. */
export function pearson(x: ArrayLike<number>, y: ArrayLike<number>): number {
  const n = x.length;
  if (n !== y.length) throw new RangeError(`pearson: lengths ${n} and ${y.length} differ`);
  if (n < 2) return NaN;
  let constantX = true;
  let constantY = true;
  for (let i = 1; i < n; i++) {
    if (x[i] !== x[0]) constantX = false;
    if (y[i] !== y[0]) constantY = false;
  }
  if (constantX || constantY) return NaN;
  if (n === 2) return Math.sign(x[1]! - x[0]!) * Math.sign(y[1]! - y[0]!);
  let mx = 0;
  let my = 0;
  for (let i = 0; i < n; i++) {
    mx += x[i]!;
    my += y[i]!;
  }
  mx /= n;
  my /= n;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    sxx += (x[i]! - mx) ** 2;
    syy += (y[i]! - my) ** 2;
  }
  const nx = Math.sqrt(sxx);
  const ny = Math.sqrt(syy);
  let r = 0;
  for (let i = 0; i < n; i++) r += ((x[i]! - mx) / nx) * ((y[i]! - my) / ny);
  return Math.max(-1, Math.min(1, r));
}

function column(m: Matrix, j: number): Float64Array {
  const out = new Float64Array(m.rows);
  for (let i = 0; i < m.rows; i++) out[i] = m.data[i * m.cols + j]!;
  return out;
}

/** Pearson r per target column between held-out responses and predictions (NaN for constants). */
export function pearsonPerTarget(truth: Matrix, predicted: Matrix): Float64Array {
  requireSameShape(truth, predicted, 'Pearson r');
  const out = new Float64Array(truth.cols);
  for (let j = 0; j < truth.cols; j++) out[j] = pearson(column(truth, j), column(predicted, j));
  return out;
}

export type Aggregate = 'median' | 'mean';

/** numpy nanmedian / nanmean; NaN when every value is NaN. */
export function aggregateSkippingNaN(values: ArrayLike<number>, how: Aggregate): number {
  const kept: number[] = [];
  for (let i = 0; i < values.length; i++) if (!Number.isNaN(values[i]!)) kept.push(values[i]!);
  if (kept.length === 0) return NaN;
  if (how === 'mean') return kept.reduce((a, b) => a + b, 0) / kept.length;
  kept.sort((a, b) => a - b);
  const mid = kept.length >> 1;
  return kept.length % 2 === 1 ? kept[mid]! : (kept[mid - 1]! + kept[mid]!) / 2;
}

export function countNaN(values: ArrayLike<number>): number {
  let c = 0;
  for (let i = 0; i < values.length; i++) if (Number.isNaN(values[i]!)) c++;
  return c;
}

/** Mean over splits and its error std(ddof 0)/√n (Brain-Score's convention). */
export function meanOverSplits(values: readonly number[]): { mean: number; error: number } {
  const n = values.length;
  const mean = values.reduce((a, b) => a + b, 0) / n;
  const variance = values.reduce((a, b) => a + (b - mean) ** 2, 0) / n;
  return { mean, error: Math.sqrt(variance) / Math.sqrt(n) };
}

/**
 * Brain-Score language's Pearson r (named variant, §3.4): 1e-8 is added to each centred norm,
 * r = Σ (x̃/(‖x̃‖ + 1e-8))(ỹ/(‖ỹ‖ + 1e-8)). A constant input gives 0 instead of NaN, and the value
 * is slightly shrunk for small-variance inputs (not scale invariant). Use only for parity.
 */
export function pearsonWithNormEpsilon(x: ArrayLike<number>, y: ArrayLike<number>, epsilon = 1e-8): number {
  const n = x.length;
  let mx = 0;
  let my = 0;
  for (let i = 0; i < n; i++) (mx += x[i]!), (my += y[i]!);
  mx /= n;
  my /= n;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) (sxx += (x[i]! - mx) ** 2), (syy += (y[i]! - my) ** 2);
  const nx = Math.sqrt(sxx) + epsilon;
  const ny = Math.sqrt(syy) + epsilon;
  let r = 0;
  for (let i = 0; i < n; i++) r += ((x[i]! - mx) / nx) * ((y[i]! - my) / ny);
  return r;
}
