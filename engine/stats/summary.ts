/**
 * Summaries of a sample of per-subject scores: mean, sample SD and SEM (ddof 1), and the one-sample
 * t-test against μ0 (default 0).
 *   SEM = sd(ddof 1)/√n;  t = (mean − μ0)/SEM;  df = n − 1.
 * Sidedness is a named option because the peers differ: rsatoolbox tests against 0 ONE-sided
 * (`t_test_0`: H1 mean > 0), Net2Brain calls scipy `ttest_1samp(r², 0)` with its default TWO-sided
 * alternative (docs/metrics.md §2.5, §8 item 15). rsatoolbox's eval_fixed variance
 * cov(ddof 0)/n · n/(n−1) equals SEM² here.
 */
import { studentTPValue, type Alternative } from './distributions';

export interface SampleSummary {
  n: number;
  mean: number;
  /** Sample standard deviation (ddof 1). */
  sd: number;
  /** Standard error of the mean (ddof 1). */
  sem: number;
}

export interface OneSampleTTest {
  t: number;
  df: number;
  p: number;
  alternative: Alternative;
  mu0: number;
}

export function summarize(values: ArrayLike<number>): SampleSummary {
  const n = values.length;
  let s = 0;
  for (let i = 0; i < n; i++) s += values[i]!;
  const mean = s / n;
  let ss = 0;
  for (let i = 0; i < n; i++) ss += (values[i]! - mean) ** 2;
  const sd = n > 1 ? Math.sqrt(ss / (n - 1)) : Number.NaN;
  return { n, mean, sd, sem: sd / Math.sqrt(n) };
}

export function oneSampleTTest(values: ArrayLike<number>, alternative: Alternative = 'two-sided', mu0 = 0): OneSampleTTest {
  const { n, mean, sem } = summarize(values);
  const df = n - 1;
  const t = (mean - mu0) / sem;
  return { t, df, p: studentTPValue(t, df, alternative), alternative, mu0 };
}

/** Percentile of sorted finite values with linear interpolation (numpy's default 'linear' method). */
export function percentile(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  if (n === 0) return Number.NaN;
  const pos = (q / 100) * (n - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(lo + 1, n - 1);
  return sorted[lo]! + (pos - lo) * (sorted[hi]! - sorted[lo]!);
}
