/**
 * The common shape of every encoding estimator: fit on training rows, predict test rows.
 * Estimators are plain objects so that cross-validation, both directions (model→brain and
 * brain→model) and the Brain-Score preset run any of them the same way.
 */
import type { Matrix } from '../../core/matrix';
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
