/**
 * The common shape of every encoding estimator: fit on training rows, predict test rows.
 * Estimators are plain objects so that cross-validation, both directions (model→brain and
 * brain→model) and the Brain-Score preset run any of them the same way.
 */
import type { Matrix } from '../../core/matrix';
import type { Split } from '../../stats/cv';
import type { DataNames } from './design';

export interface FitPredictResult {
  /** t×q predictions for the test rows, in the order given. */
  predictions: Matrix;
  /** Estimator-specific diagnostics (chosen α, LOO score, NIPALS iterations, solver route). */
  info: Record<string, unknown>;
}

export interface Estimator {
  /** Metric id of the estimator: 'linear_regression', 'ridge', 'ridgecv', 'pls_regression'. */
  readonly name: string;
  fitPredict(xTrain: Matrix, yTrain: Matrix, xTest: Matrix, names?: DataNames): FitPredictResult;
}

/**
 * An estimator whose predictor-only work per split (kernels, decompositions: prepared.ts) can be
 * done once and shared by every set of targets (regions, layers) and every α.
 * `fitPrepared(prepare(X, split, gram), Y[split.train])` predicts the same as
 * `fitPredict(X[split.train], Y[split.train], X[split.test])` up to rounding.
 */
export interface SharingEstimator<Prepared = unknown> extends Estimator {
  /** `fullGram` gives prepared.ts `centredRowGram(predictors)`, memoised by the caller. */
  prepare(predictors: Matrix, split: Split, fullGram: () => Matrix): Prepared;
  /** `yTrain`: the training rows of the targets, uncentred. */
  fitPrepared(prepared: Prepared, yTrain: Matrix): FitPredictResult;
}

export function isSharingEstimator(estimator: Estimator): estimator is SharingEstimator {
  return typeof (estimator as Partial<SharingEstimator>).prepare === 'function' && typeof (estimator as Partial<SharingEstimator>).fitPrepared === 'function';
}
