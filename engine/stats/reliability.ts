/**
 * Reliability of repeated brain responses and the ceilings built from it
 * (docs/metrics.md §3.5 items 5–6, §8 items 19, 22).
 *
 * Input: repeats, an NDArray stimuli × repeats × units; NaN marks a missing repeat.
 *
 * - `averageRepeats`: NaN-skipping mean over (a subset of) repeats, per stimulus and unit
 *   (Brain-Score averages repetitions this way before fitting).
 * - `splitHalfReliability`: for each split of the repeat indices into halves A and B, average each
 *   half, take Pearson r across stimuli per unit, and apply Spearman–Brown r_sb = 2r/(1 + r)
 *   PER UNIT, BEFORE any median [parity with Brain-Score internal consistency]. Per split: median
 *   (NaN-skipping) and mean over units of r_sb; summary: mean over splits of the per-split median.
 *   [choose] A stimulus whose half-average is NaN (every repeat of that half missing) is left out
 *   of that unit's correlation (pairwise-complete), rather than making the unit NaN.
 * - `brainScoreSplitHalfSplits`: the splits Brain-Score draws: 10 × ShuffleSplit(train_size=0.5,
 *   random_state=1) over the sorted repetition indices; half A = the train part (⌊R/2⌋ repeats).
 * - `normalizeByCeiling`: the three eras of Brain-Score normalisation, always named in output:
 *   'r/c' (2018–2019-07), '(r/c)^2' (2019-07 to 2026-01, most published leaderboard numbers),
 *   'r^2/c' (since 2026-01-13; can exceed 1).
 * Invariances: Pearson r and hence r_sb are unchanged by affine rescaling of any unit and by
 * permuting stimuli (consistently) or units; relabelling halves A ↔ B leaves r unchanged.
 */
import { isNearlyConstant } from '../core/constant';
import { SimspecError } from '../core/errors';
import type { Matrix, NDArray } from '../core/matrix';
import { shuffleSplits } from './cv';

export interface RepeatShape {
  stimuli: number;
  repeats: number;
  units: number;
}

export function repeatShape(repeats: NDArray, variable = 'repeats', file?: string): RepeatShape {
  if (repeats.shape.length !== 3) {
    throw new SimspecError(`has shape (${repeats.shape.join(', ')})`, {
      file,
      variable,
      expected: 'a 3-D array stimuli × repeats × units (NaN for a missing repeat)',
      code: 'data.shape',
    });
  }
  const [stimuli, reps, units] = repeats.shape as [number, number, number];
  for (const v of repeats.data) {
    if (v === Infinity || v === -Infinity) {
      throw new SimspecError('contains an infinite value', { file, variable, expected: 'finite responses or NaN for missing repeats', code: 'data.nonfinite' });
    }
  }
  return { stimuli, repeats: reps, units };
}

/** NaN-skipping mean over the given repeat indices (default all), stimuli × units. */
export function averageRepeats(repeats: NDArray, repeatIndices?: ArrayLike<number>, variable = 'repeats'): Matrix {
  const { stimuli, repeats: r, units } = repeatShape(repeats, variable);
  const chosen = repeatIndices ?? Int32Array.from({ length: r }, (_, k) => k);
  const out = new Float64Array(stimuli * units);
  for (let s = 0; s < stimuli; s++) {
    for (let u = 0; u < units; u++) {
      let sum = 0;
      let count = 0;
      for (let k = 0; k < chosen.length; k++) {
        const rep = chosen[k]!;
        if (rep < 0 || rep >= r || !Number.isInteger(rep)) {
          throw new SimspecError(`repeat index ${rep} out of range`, { variable, expected: `0-based indices below ${r}`, code: 'cv.invalid' });
        }
        const v = repeats.data[(s * r + rep) * units + u]!;
        if (!Number.isNaN(v)) (sum += v), count++;
      }
      out[s * units + u] = count > 0 ? sum / count : NaN;
    }
  }
  return { rows: stimuli, cols: units, data: out };
}

/** Spearman–Brown prophecy for a test lengthened by `factor`: k·r / (1 + (k − 1)·r). */
export function spearmanBrown(r: number, factor = 2): number {
  return (factor * r) / (1 + (factor - 1) * r);
}

/** Pearson r over the entries where both are non-NaN (scipy semantics otherwise: NaN if constant). */
export function pearsonPairwiseComplete(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const xs: number[] = [];
  const ys: number[] = [];
  for (let i = 0; i < a.length; i++) if (!Number.isNaN(a[i]!) && !Number.isNaN(b[i]!)) xs.push(a[i]!), ys.push(b[i]!);
  const n = xs.length;
  if (n < 2) return NaN;
  if (isNearlyConstant(xs) || isNearlyConstant(ys)) return NaN; // relative tolerance: engine/core/constant.ts
  const mx = xs.reduce((s, v) => s + v, 0) / n;
  const my = ys.reduce((s, v) => s + v, 0) / n;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) (sxx += (xs[i]! - mx) ** 2), (syy += (ys[i]! - my) ** 2);
  const nx = Math.sqrt(sxx);
  const ny = Math.sqrt(syy);
  let r = 0;
  for (let i = 0; i < n; i++) r += ((xs[i]! - mx) / nx) * ((ys[i]! - my) / ny);
  return Math.max(-1, Math.min(1, r));
}

function nanMedian(values: ArrayLike<number>): number {
  const kept = Array.from(values).filter((v) => !Number.isNaN(v)).sort((a, b) => a - b);
  if (kept.length === 0) return NaN;
  const mid = kept.length >> 1;
  return kept.length % 2 ? kept[mid]! : (kept[mid - 1]! + kept[mid]!) / 2;
}

function nanMean(values: ArrayLike<number>): number {
  const kept = Array.from(values).filter((v) => !Number.isNaN(v));
  return kept.length === 0 ? NaN : kept.reduce((a, b) => a + b, 0) / kept.length;
}

export interface RepeatSplit {
  halfA: ArrayLike<number>;
  halfB: ArrayLike<number>;
}

export interface SplitHalfResult {
  splits: { r: Float64Array; rSb: Float64Array; medianRSb: number; meanRSb: number }[];
  /** Mean over splits of the per-split median of r_sb (Brain-Score's ceiling). */
  meanOverSplitsOfMedianRSb: number;
  /** Per unit, mean over splits of r_sb (for per-neuroid ceilings r_i²/c_i). */
  perUnitRSb: Float64Array;
}

export function splitHalfReliability(repeats: NDArray, splits: readonly RepeatSplit[], variable = 'repeats'): SplitHalfResult {
  const { units } = repeatShape(repeats, variable);
  if (splits.length === 0) throw new SimspecError('no repeat splits given', { variable, expected: 'at least one split', code: 'cv.invalid' });
  const perUnit = new Float64Array(units);
  const out = splits.map((split) => {
    if (split.halfA.length === 0 || split.halfB.length === 0) {
      throw new SimspecError('a split-half needs repeats in both halves', { variable, expected: 'at least 2 repeats', code: 'cv.invalid' });
    }
    const a = averageRepeats(repeats, split.halfA, variable);
    const b = averageRepeats(repeats, split.halfB, variable);
    const r = new Float64Array(units);
    const rSb = new Float64Array(units);
    for (let u = 0; u < units; u++) {
      const colA = new Float64Array(a.rows);
      const colB = new Float64Array(a.rows);
      for (let s = 0; s < a.rows; s++) (colA[s] = a.data[s * units + u]!), (colB[s] = b.data[s * units + u]!);
      r[u] = pearsonPairwiseComplete(colA, colB);
      rSb[u] = spearmanBrown(r[u]!);
      perUnit[u] += rSb[u]! / splits.length;
    }
    return { r, rSb, medianRSb: nanMedian(rSb), meanRSb: nanMean(rSb) };
  });
  return {
    splits: out,
    meanOverSplitsOfMedianRSb: out.reduce((s, x) => s + x.medianRSb, 0) / out.length,
    perUnitRSb: perUnit,
  };
}

/** Brain-Score's repeat splits: ShuffleSplit(n_splits, train_size=0.5, random_state=seed) over 0..R−1. */
export function brainScoreSplitHalfSplits(repeatCount: number, nSplits = 10, seed = 1): RepeatSplit[] {
  if (repeatCount < 2) {
    throw new SimspecError(`only ${repeatCount} repeat`, { variable: 'repeats', expected: 'at least 2 repeats per stimulus for a split-half ceiling', code: 'data.shape' });
  }
  return shuffleSplits(repeatCount, { nSplits, trainSize: 0.5, seed }).map((s) => ({ halfA: s.train, halfB: s.test }));
}

export type CeilingNormalization = 'r/c' | '(r/c)^2' | 'r^2/c';

/** Ceiling-normalised score under a named convention (see header). */
export function normalizeByCeiling(raw: number, ceiling: number, how: CeilingNormalization): number {
  switch (how) {
    case 'r/c':
      return raw / ceiling;
    case '(r/c)^2':
      return (raw / ceiling) ** 2;
    case 'r^2/c':
      return (raw * raw) / ceiling;
    default:
      throw new SimspecError(`unknown ceiling normalisation '${how as string}'`, { variable: 'ceiling', expected: "'r/c', '(r/c)^2' or 'r^2/c'", code: 'spec.enum' });
  }
}
