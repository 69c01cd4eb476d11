/**
 * Ordinary least squares with an intercept: scikit-learn `LinearRegression(fit_intercept=True)`,
 * Brain-Score `linear_predictivity` (docs/metrics.md §3.1).
 *
 *   W = X̃⁺Ỹ (minimum-norm least squares on training-mean-centred data),  Ŷ = (X_test − x̄)W + ȳ.
 *
 * Routes (chosen by shape, same mathematics):
 * - p ≤ n: thin SVD X̃ = USVᵀ, W = V diag(1/s) UᵀỸ over s > max(n, p)·ε·s_max.
 * - p > n: never forms a p-sized square matrix: eig K̄ = X̃X̃ᵀ = QΛQᵀ, and
 *   Ŷ = K_tc Q diag(1/λ) QᵀỸ + ȳ with K_tc = (X_test − x̄)X̃ᵀ, over λ > 10·max(n, p)·ε·λ_max
 *   (eigenvalues of a Gram matrix are accurate to about n·ε·λ_max, hence the looser cut).
 *   With p ≥ n the fit interpolates the training rows (the α → 0⁺ limit of ridge).
 * [choose] The rank cut-off is numpy.linalg.lstsq's default max(n, p)·ε; scipy's lstsq (used by
 * sklearn) cuts at ε·s_max. They differ only for numerically rank-deficient designs, where the
 * minimum-norm solution is what both aim for.
 * Invariances: predictions are unchanged by any invertible linear map of X's columns when X̃ has
 * full column rank, by permuting stimuli consistently, and by shifting X or Y columns.
 */
import type { Matrix } from '../../core/matrix';
import { crossProduct, multiply, multiplyTransposed, gram, symmetricEigen, thinSvd } from '../../linalg';
import { addRowVectorInPlace, centerProblem, requireProblem, scaleRows, type DataNames } from './design';
import type { Estimator, FitPredictResult } from './estimator';

const EPSILON = 2 ** -52;

export function olsFitPredict(xTrain: Matrix, yTrain: Matrix, xTest: Matrix, names: DataNames = {}): FitPredictResult {
  requireProblem(xTrain, yTrain, xTest, names);
  const { x, y, xTest: xt, yMean } = centerProblem(xTrain, yTrain, xTest);
  const n = x.rows;
  const p = x.cols;
  const cutoffFactor = Math.max(n, p) * EPSILON;
  let predictions: Matrix;
  let rank = 0;
  if (p <= n) {
    const { u, s, v } = thinSvd(x);
    const cutoff = cutoffFactor * (s[0] ?? 0);
    const inverse = new Float64Array(s.length);
    for (let r = 0; r < s.length; r++) if (s[r]! > cutoff) (inverse[r] = 1 / s[r]!), rank++;
    // Ŷ = X̃_test V diag(1/s) UᵀỸ
    const projected = scaleRows(crossProduct(u, y), inverse);
    predictions = multiply(multiply(xt, v), projected);
  } else {
    const { values, vectors: q } = symmetricEigen(gram(x));
    const cutoff = 10 * cutoffFactor * Math.max(0, values[values.length - 1] ?? 0);
    const inverse = new Float64Array(values.length);
    for (let r = 0; r < values.length; r++) if (values[r]! > cutoff) (inverse[r] = 1 / values[r]!), rank++;
    const crossGram = multiplyTransposed(xt, x); // K_tc, t×n
    const projected = scaleRows(crossProduct(q, y), inverse); // diag(1/λ) QᵀỸ
    predictions = multiply(multiply(crossGram, q), projected);
  }
  return { predictions: addRowVectorInPlace(predictions, yMean), info: { route: p <= n ? 'svd' : 'gram', rank } };
}

export function olsEstimator(): Estimator {
  return { name: 'linear_regression', fitPredict: olsFitPredict };
}
