/**
 * `simspec score --case` handlers for the regression and reliability families (groups
 * `regression` and `reliability` of test/fixtures/reference/):
 *  - linear_regression, ridge (`alpha`), ridgecv (`alphas`, `alpha_per_target`, `cv`: null = exact
 *    LOO), pls_regression (`n_components`, `max_iter`, `tol`, `scale`: false only): one split given
 *    by `train_idx`/`test_idx`; value = predictions, R² and Pearson r per target and aggregates.
 *  - kfold_cv: `params.estimator` names the inner estimator (with its own params); `folds` lists
 *    train/test indices; value = per-fold scores, out-of-fold predictions and pooled Pearson r.
 *  - split_half_spearman_brown: `splits` of repeat indices (`half_a`, `half_b`); input `repeats`.
 * Inputs X (stimuli × model units) and Y (stimuli × brain units).
 */
import { SimspecError } from '../core/errors';
import { matrixToRows, ndarrayToMatrix, selectRows, type Matrix, type NDArray } from '../core/matrix';
import type { Estimator } from '../metrics/regression/estimator';
import { olsEstimator } from '../metrics/regression/ols';
import { plsEstimator } from '../metrics/regression/pls';
import { ridgeEstimator } from '../metrics/regression/ridge';
import { ridgeCvLooEstimator, ridgeCvLooFitPredict } from '../metrics/regression/ridgeCvLoo';
import { aggregateSkippingNaN, pearsonPerTarget, r2PerTarget } from '../metrics/regression/scores';
import { explicitSplits } from '../stats/cv';
import { splitHalfReliability } from '../stats/reliability';
import type { CaseHandlers, ReferenceCase } from './types';

function input(c: ReferenceCase, name: string): NDArray {
  const a = c.inputs[name];
  if (!a) throw new SimspecError(`case ${c.name} has no input '${name}'`, { file: c.dir, variable: name, code: 'case.input' });
  return a;
}

function indices(c: ReferenceCase, name: string): number[] {
  const v = c.params[name];
  if (!Array.isArray(v)) throw new SimspecError(`case ${c.name} has no index list '${name}'`, { file: c.dir, variable: `params.${name}`, code: 'case.params' });
  return v as number[];
}

function numberList(c: ReferenceCase, name: string): number[] {
  const v = c.params[name];
  if (!Array.isArray(v) || !v.every((a) => typeof a === 'number')) {
    throw new SimspecError(`case ${c.name}: '${name}' is not a list of numbers`, { file: c.dir, variable: `params.${name}`, code: 'case.params' });
  }
  return v as number[];
}

/** The estimator a case's params describe (also used for kfold_cv's inner estimator). */
function estimatorFor(c: ReferenceCase, name: string): Estimator {
  const p = c.params;
  if (p.fit_intercept === false) throw new SimspecError('fit_intercept=false is not supported', { file: c.dir, variable: 'params.fit_intercept', code: 'case.params' });
  switch (name) {
    case 'linear_regression':
      return olsEstimator();
    case 'ridge':
      return ridgeEstimator(Number(p.alpha ?? 1));
    case 'ridgecv':
      if (p.cv !== undefined && p.cv !== null) throw new SimspecError('only cv=None (exact leave-one-out) is supported for ridgecv', { file: c.dir, variable: 'params.cv', code: 'case.params' });
      return ridgeCvLooEstimator({ alphas: numberList(c, 'alphas'), alphaPerTarget: p.alpha_per_target === true });
    case 'pls_regression':
      if (p.scale === true) throw new SimspecError('PLS with scale=true is not supported', { file: c.dir, variable: 'params.scale', code: 'case.params' });
      return plsEstimator({ nComponents: Number(p.n_components ?? 2), maxIter: Number(p.max_iter ?? 500), tol: Number(p.tol ?? 1e-6) });
    default:
      throw new SimspecError(`unknown estimator '${name}'`, { file: c.dir, variable: 'params.estimator', expected: 'linear_regression, ridge, ridgecv or pls_regression', code: 'case.params' });
  }
}

function scoresOf(truth: Matrix, predictions: Matrix) {
  const r2 = r2PerTarget(truth, predictions);
  const r = pearsonPerTarget(truth, predictions);
  return {
    r2_uniform: r2.reduce((a, b) => a + b, 0) / r2.length,
    r2_per_target: Array.from(r2),
    pearson_r_per_target: Array.from(r),
    pearson_r_mean: aggregateSkippingNaN(r, 'mean'),
    pearson_r_median: aggregateSkippingNaN(r, 'median'),
  };
}

function singleSplitCase(c: ReferenceCase): Record<string, unknown> {
  const x = ndarrayToMatrix(input(c, 'X'));
  const y = ndarrayToMatrix(input(c, 'Y'));
  const [split] = explicitSplits(x.rows, [{ train: indices(c, 'train_idx'), test: indices(c, 'test_idx') }], { file: c.dir, variable: 'params.train_idx' });
  const xTrain = selectRows(x, split!.train);
  const yTrain = selectRows(y, split!.train);
  const xTest = selectRows(x, split!.test);
  const yTest = selectRows(y, split!.test);
  const names = { file: c.dir, x: 'X', y: 'Y' };
  if (c.metric === 'ridgecv') {
    const fit = ridgeCvLooFitPredict(xTrain, yTrain, xTest, { alphas: numberList(c, 'alphas'), alphaPerTarget: c.params.alpha_per_target === true }, names);
    const alpha = fit.alpha instanceof Float64Array ? Array.from(fit.alpha) : fit.alpha;
    const bestScore = fit.bestScore instanceof Float64Array ? Array.from(fit.bestScore) : fit.bestScore;
    return { alpha, best_score: bestScore, ...scoresOf(yTest, fit.predictions), predictions: matrixToRows(fit.predictions) };
  }
  const fit = estimatorFor(c, c.metric).fitPredict(xTrain, yTrain, xTest, names);
  return { ...scoresOf(yTest, fit.predictions), predictions: matrixToRows(fit.predictions), ...(fit.info.nIter ? { n_iter: fit.info.nIter } : {}) };
}

function kfoldCase(c: ReferenceCase): Record<string, unknown> {
  const x = ndarrayToMatrix(input(c, 'X'));
  const y = ndarrayToMatrix(input(c, 'Y'));
  const folds = explicitSplits(x.rows, c.params.folds as { train: number[]; test: number[] }[], { file: c.dir, variable: 'params.folds' });
  const estimator = estimatorFor(c, String(c.params.estimator));
  const oof = new Float64Array(y.rows * y.cols);
  const foldR2: number[] = [];
  const foldMean: number[] = [];
  const foldMedian: number[] = [];
  const foldAlpha: unknown[] = [];
  for (const fold of folds) {
    const fit = estimator.fitPredict(selectRows(x, fold.train), selectRows(y, fold.train), selectRows(x, fold.test), { file: c.dir, x: 'X', y: 'Y' });
    const truth = selectRows(y, fold.test);
    const s = scoresOf(truth, fit.predictions);
    foldR2.push(s.r2_uniform);
    foldMean.push(s.pearson_r_mean);
    foldMedian.push(s.pearson_r_median);
    foldAlpha.push(fit.info.alpha);
    fold.test.forEach((row, k) => oof.set(fit.predictions.data.subarray(k * y.cols, (k + 1) * y.cols), row * y.cols));
  }
  const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
  const cvPredictions: Matrix = { rows: y.rows, cols: y.cols, data: oof };
  return {
    fold_r2: foldR2,
    mean_fold_r2: mean(foldR2),
    fold_pearson_r_mean: foldMean,
    fold_pearson_r_median: foldMedian,
    mean_fold_pearson_r_median: mean(foldMedian),
    cv_predictions: matrixToRows(cvPredictions),
    pooled_pearson_r_per_target: Array.from(pearsonPerTarget(y, cvPredictions)),
    ...(foldAlpha.every((a) => a !== undefined) ? { fold_alpha: foldAlpha } : {}),
  };
}

function splitHalfCase(c: ReferenceCase): Record<string, unknown> {
  const splits = (c.params.splits as { half_a: number[]; half_b: number[] }[]).map((s) => ({ halfA: s.half_a, halfB: s.half_b }));
  const result = splitHalfReliability(input(c, 'repeats'), splits);
  return {
    splits: result.splits.map((s) => ({ r: Array.from(s.r), r_sb: Array.from(s.rSb), median_r_sb: s.medianRSb, mean_r_sb: s.meanRSb })),
    mean_over_splits_of_median_r_sb: result.meanOverSplitsOfMedianRSb,
  };
}

export const caseHandlers: CaseHandlers = {
  linear_regression: singleSplitCase,
  ridge: singleSplitCase,
  ridgecv: singleSplitCase,
  pls_regression: singleSplitCase,
  kfold_cv: kfoldCase,
  split_half_spearman_brown: splitHalfCase,
};
