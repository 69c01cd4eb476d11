/**
 * The Brain-Score vision recipe for a neural-predictivity benchmark such as
 * `MajajHong2015.IT-pls` (docs/metrics.md §3.5, §8 items 19–22) [parity]:
 * 1. Y = repetitions averaged (NaN-skipping). The caller must give rows in Brain-Score's order
 *    (groupby order: sorted by the presentation coordinates), since split indices refer to it.
 * 2. Splits: 10 × StratifiedShuffleSplit(train_size=0.9, random_state=1) over stimuli, stratified
 *    by the labels (object_name; FreemanZiemba: texture_type); without labels a plain ShuffleSplit
 *    (Rajalingham2020, Sanghavi). Re-seeded per call, so every model and layer gets the same splits.
 * 3. Fit PLS-25 (sklearn PLSRegression(25, scale=False)); per neuroid Pearson r on the test rows;
 *    split score = median over neuroids; raw = mean over splits; error = std(ddof 0)/√splits.
 * 4. Ceiling: 10 × ShuffleSplit(train_size=0.5, random_state=1) over the repetition indices;
 *    Spearman–Brown per neuroid BEFORE the median; mean over splits of the median.
 * 5. Normalisation named by era: default '(r/c)^2' (2019-07-25 to 2026-01-13, most published
 *    leaderboard numbers); 'r/c' (before); 'r^2/c' (since 2026-01-13).
 */
import type { Matrix, NDArray } from '../../core/matrix';
import { shuffleSplits, stratifiedShuffleSplits, type Label, type Split } from '../../stats/cv';
import { averageRepeats, brainScoreSplitHalfSplits, normalizeByCeiling, repeatShape, splitHalfReliability, type CeilingNormalization } from '../../stats/reliability';
import { crossValidatedEncoding, type EncodingResult } from './crossValidate';
import { plsEstimator } from './pls';

/**
 * Brain-Score's `ALPHA_LIST` (99 values, §3.2): 0.01, 0.1, 0.5, 1; 10, 32.5, 55, 77.5; 18
 * log-spaced values per decade (endpoint excluded) over [1e2, 1e6); linspace(1e6, 1e7, 19).
 * Used by its `ridgecv_split` (leave-one-out, shared α); its metric `ridge` is a fixed α = 1.
 */
export function brainScoreAlphas(): number[] {
  const alphas = [0.01, 0.1, 0.5, 1, 10, 32.5, 55, 77.5];
  for (let decade = 2; decade < 6; decade++) for (let k = 0; k < 18; k++) alphas.push(10 ** (decade + k / 18));
  for (let k = 0; k < 19; k++) alphas.push(1e6 + k * 5e5);
  return alphas;
}

export interface BrainScoreOptions {
  /** Stratification labels per stimulus (row order of the data); omit for ShuffleSplit. */
  labels?: readonly Label[];
  nComponents?: number;
  nSplits?: number;
  trainSize?: number;
  seed?: number;
  ceilingSplits?: number;
  normalization?: CeilingNormalization;
  names?: { model?: string; brain?: string; file?: string };
}

export interface BrainScoreResult {
  raw: number;
  rawError: number;
  ceiling: number;
  normalized: number;
  normalization: CeilingNormalization;
  encoding: EncodingResult;
  splits: Split[];
  /** Per neuroid split-half reliability (mean over ceiling splits of r_sb). */
  perNeuroidCeiling: Float64Array;
}

export function brainScoreSplits(n: number, options: Pick<BrainScoreOptions, 'labels' | 'nSplits' | 'trainSize' | 'seed'> = {}): Split[] {
  const settings = { nSplits: options.nSplits ?? 10, trainSize: options.trainSize ?? 0.9, seed: options.seed ?? 1 };
  return options.labels ? stratifiedShuffleSplits(options.labels, settings) : shuffleSplits(n, settings);
}

export function brainScorePreset(model: Matrix, repeats: NDArray, options: BrainScoreOptions = {}): BrainScoreResult {
  const brainName = options.names?.brain ?? 'repeats';
  const shape = repeatShape(repeats, brainName, options.names?.file);
  const brain = averageRepeats(repeats, undefined, brainName);
  const splits = brainScoreSplits(shape.stimuli, options);
  const encoding = crossValidatedEncoding(model, brain, splits, plsEstimator({ nComponents: options.nComponents ?? 25 }), {
    score: 'pearson',
    aggregate: 'median',
    direction: 'model_to_brain',
    names: { model: options.names?.model ?? 'model', brain: brainName, file: options.names?.file },
  });
  const reliability = splitHalfReliability(repeats, brainScoreSplitHalfSplits(shape.repeats, options.ceilingSplits ?? 10, 1), brainName);
  const normalization = options.normalization ?? '(r/c)^2';
  const ceiling = reliability.meanOverSplitsOfMedianRSb;
  return {
    raw: encoding.mean,
    rawError: encoding.error,
    ceiling,
    normalized: normalizeByCeiling(encoding.mean, ceiling, normalization),
    normalization,
    encoding,
    splits,
    perNeuroidCeiling: reliability.perUnitRSb,
  };
}
