/**
 * Noise-corrected R² of Pospisil & Bair (2021, "The unbiased estimation of the fraction of variance
 * explained by a model", PLoS Comput Biol 17(8): e1009212) — the metric of Cowley et al. (2023)
 * (docs/metrics.md §3.6).
 *
 * For one unit with I stimuli, trial-mean responses ȳ_i, predictions ν_i:
 *   σ̂² = mean over stimuli of the across-repeat variance (ddof 1; NaN repeats ignored),
 *   R = median repeat count (over stimuli, non-NaN repeats),
 *   cov = Σ(ν_i − ν̄)(ȳ_i − ȳ̄), SS_ν = Σ(ν_i − ν̄)², SS_y = Σ(ȳ_i − ȳ̄)²,
 *   r²_ER = [cov² − (σ̂²/R)·SS_ν] / [SS_ν·SS_y − (σ̂²/R)(I − 1)·SS_ν].
 * Approximately unbiased but NOT bounded to [0, 1]; it blows up when SS_y ≈ (I − 1)σ̂²/R (no
 * explainable variance). We report the median over units and count units whose denominator is
 * ≤ 0 (their value is NaN). Invariant to affine changes of the predictions (ν → aν + b, a ≠ 0)
 * and to a common affine change of responses.
 */
import { SimspecError } from '../core/errors';
import type { Matrix, NDArray } from '../core/matrix';
import { repeatShape } from './reliability';

export interface NoiseCorrectedR2 {
  perUnit: Float64Array;
  median: number;
  /** Units whose denominator SS_ν·SS_y − (σ̂²/R)(I−1)SS_ν is ≤ 0 (no explainable variance). */
  nonPositiveDenominator: number;
}

export function noiseCorrectedR2(repeats: NDArray, predictions: Matrix, variable = 'repeats'): NoiseCorrectedR2 {
  const { stimuli, repeats: r, units } = repeatShape(repeats, variable);
  if (predictions.rows !== stimuli || predictions.cols !== units) {
    throw new SimspecError(`predictions are ${predictions.rows}×${predictions.cols}`, {
      variable: 'predictions',
      expected: `${stimuli}×${units} (stimuli × units of '${variable}')`,
      code: 'regression.shape',
    });
  }
  const perUnit = new Float64Array(units);
  let bad = 0;
  for (let u = 0; u < units; u++) {
    const means = new Float64Array(stimuli);
    const counts: number[] = [];
    let varianceSum = 0;
    for (let s = 0; s < stimuli; s++) {
      let sum = 0;
      let count = 0;
      for (let k = 0; k < r; k++) {
        const v = repeats.data[(s * r + k) * units + u]!;
        if (!Number.isNaN(v)) (sum += v), count++;
      }
      if (count < 2) {
        throw new SimspecError(`stimulus ${s}, unit ${u} has ${count} non-missing repeat(s)`, {
          variable,
          expected: 'at least 2 repeats per stimulus to estimate trial-to-trial noise',
          code: 'data.shape',
        });
      }
      const mean = sum / count;
      let ss = 0;
      for (let k = 0; k < r; k++) {
        const v = repeats.data[(s * r + k) * units + u]!;
        if (!Number.isNaN(v)) ss += (v - mean) ** 2;
      }
      means[s] = mean;
      varianceSum += ss / (count - 1);
      counts.push(count);
    }
    const noiseVariance = varianceSum / stimuli;
    counts.sort((a, b) => a - b);
    const mid = counts.length >> 1;
    const medianCount = counts.length % 2 ? counts[mid]! : (counts[mid - 1]! + counts[mid]!) / 2;
    let meanNu = 0;
    let meanY = 0;
    for (let s = 0; s < stimuli; s++) (meanNu += predictions.data[s * units + u]!), (meanY += means[s]!);
    meanNu /= stimuli;
    meanY /= stimuli;
    let cov = 0;
    let ssNu = 0;
    let ssY = 0;
    for (let s = 0; s < stimuli; s++) {
      const dn = predictions.data[s * units + u]! - meanNu;
      const dy = means[s]! - meanY;
      cov += dn * dy;
      ssNu += dn * dn;
      ssY += dy * dy;
    }
    const noise = noiseVariance / medianCount;
    const denominator = ssNu * ssY - noise * (stimuli - 1) * ssNu;
    if (!(denominator > 0)) {
      bad++;
      perUnit[u] = NaN;
    } else {
      perUnit[u] = (cov * cov - noise * ssNu) / denominator;
    }
  }
  const kept = Array.from(perUnit).filter((v) => !Number.isNaN(v)).sort((a, b) => a - b);
  const m = kept.length >> 1;
  const median = kept.length === 0 ? NaN : kept.length % 2 ? kept[m]! : (kept[m - 1]! + kept[m]!) / 2;
  return { perUnit, median, nonPositiveDenominator: bad };
}
