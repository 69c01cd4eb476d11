/**
 * Ridge with α chosen by inner k-fold cross-validation, as himalaya's `RidgeCV` /
 * `solve_ridge_cv_svd` and `KernelRidgeCV` (docs/metrics.md §3.2) [parity]:
 * - inner folds: `cv=int` is scikit-learn KFold WITHOUT shuffling (contiguous blocks);
 * - each fold is centred with its own training means (intercept), decomposed ONCE, and scored for
 *   all α at once (ridgePath: eig X̃ᵀX̃ when p ≤ n, eig of the kernel X̃X̃ᵀ when p > n);
 * - score = −mean over the fold's validation rows of the squared error, per target (l2_neg_loss),
 *   averaged over folds;
 * - 1e-10·log α is added before the argmax, so ties go to the LARGER α;
 * - `localAlpha` (himalaya's default) picks α per target, otherwise the argmax of the mean over
 *   targets; then the chosen α (per target) is refitted on all training rows.
 * Note the contrast with sklearn RidgeCV (ridgeCvLoo.ts): leave-one-out, shared α, first α wins.
 */
import type { Matrix } from '../../core/matrix';
import { kFoldSplits } from '../../stats/cv';
import { selectRows } from '../../core/matrix';
import { centerColumns } from '../../linalg';
import { addRowVectorInPlace, centerProblem, requireProblem, subtractRowVector, type DataNames } from './design';
import type { FitPredictResult, SharingEstimator } from './estimator';
import { dualPathBasis, foldKernels, type RidgePathBasis } from './prepared';
import { requirePositiveAlphas, ridgePathBasis, ridgePathFromBasis } from './ridge';

export interface RidgeCvKFoldOptions {
  alphas: readonly number[];
  /** Number of contiguous inner folds (himalaya default 5). */
  folds?: number;
  /** Per-target α (himalaya default true). */
  localAlpha?: boolean;
}

/** The inner folds' and the refit's decompositions of the training predictors (own or shared, prepared.ts). */
export interface KFoldBases {
  inner: { train: Int32Array; test: Int32Array; basis: RidgePathBasis }[];
  refit: RidgePathBasis;
}

/** Contiguous inner folds of n training rows (scikit-learn KFold without shuffling). */
export function innerFolds(n: number, options: Pick<RidgeCvKFoldOptions, 'folds'>) {
  return kFoldSplits(n, options.folds ?? 5);
}

export function ridgeCvKFoldFitPredict(
  xTrain: Matrix,
  yTrain: Matrix,
  xTest: Matrix,
  options: RidgeCvKFoldOptions,
  names: DataNames = {},
): FitPredictResult {
  requirePositiveAlphas(options.alphas);
  requireProblem(xTrain, yTrain, xTest, names);
  const inner = innerFolds(xTrain.rows, options).map((fold) => ({
    ...fold,
    basis: ridgePathBasis(centerProblem(selectRows(xTrain, fold.train), selectRows(yTrain, fold.train), selectRows(xTrain, fold.test))),
  }));
  const problem = centerProblem(xTrain, yTrain, xTest);
  return ridgeCvKFoldFromBases({ inner, refit: ridgePathBasis(problem) }, yTrain, options);
}

/** Inner k-fold α selection and refit from decompositions of the predictors; `yTrain` uncentred. */
export function ridgeCvKFoldFromBases(bases: KFoldBases, yTrain: Matrix, options: RidgeCvKFoldOptions): FitPredictResult {
  const { alphas } = options;
  const q = yTrain.cols;
  const folds = bases.inner;
  const scores = new Float64Array(alphas.length * q); // mean over folds of −MSE
  for (const fold of folds) {
    const { centered: yInner, means: yInnerMean } = centerColumns(selectRows(yTrain, fold.train));
    const yValidation = selectRows(yTrain, fold.test);
    const path = ridgePathFromBasis(fold.basis, yInner);
    const t = fold.test.length;
    alphas.forEach((alpha, a) => {
      const predicted = path.predict(alpha);
      for (let i = 0; i < t; i++) {
        for (let j = 0; j < q; j++) {
          const e = yValidation.data[i * q + j]! - (predicted.data[i * q + j]! + yInnerMean[j]!);
          scores[a * q + j] -= (e * e) / t / folds.length;
        }
      }
    });
  }
  const chosen = new Float64Array(q);
  const bestScore = new Float64Array(q);
  const tieBreak = alphas.map((a) => 1e-10 * Math.log(a));
  if (options.localAlpha ?? true) {
    for (let j = 0; j < q; j++) {
      let best = 0;
      for (let a = 1; a < alphas.length; a++) {
        if (scores[a * q + j]! + tieBreak[a]! > scores[best * q + j]! + tieBreak[best]!) best = a;
      }
      chosen[j] = alphas[best]!;
      bestScore[j] = scores[best * q + j]!;
    }
  } else {
    const meanScore = alphas.map((_, a) => {
      let s = 0;
      for (let j = 0; j < q; j++) s += scores[a * q + j]! + tieBreak[a]!;
      return s / q;
    });
    let best = 0;
    for (let a = 1; a < alphas.length; a++) if (meanScore[a]! > meanScore[best]!) best = a;
    chosen.fill(alphas[best]!);
    for (let j = 0; j < q; j++) bestScore[j] = scores[best * q + j]!;
  }
  // Refit on all training rows: one decomposition, each distinct chosen α applied to its targets.
  const { centered: y, means: yMean } = centerColumns(yTrain);
  const path = ridgePathFromBasis(bases.refit, y);
  const testRows = bases.refit.left.rows;
  const predictions: Matrix = { rows: testRows, cols: q, data: new Float64Array(testRows * q) };
  for (const alpha of new Set(chosen)) {
    const predicted = path.predict(alpha);
    for (let j = 0; j < q; j++) {
      if (chosen[j] !== alpha) continue;
      for (let i = 0; i < testRows; i++) predictions.data[i * q + j] = predicted.data[i * q + j]!;
    }
  }
  addRowVectorInPlace(predictions, yMean);
  return { predictions, info: { alpha: Array.from(chosen), cvScore: Array.from(bestScore), innerFolds: folds.length, route: path.route } };
}

export function ridgeCvKFoldEstimator(options: RidgeCvKFoldOptions): SharingEstimator<KFoldBases> {
  requirePositiveAlphas(options.alphas);
  return {
    name: 'ridgecv_kfold',
    fitPredict: (xTrain, yTrain, xTest, names) => ridgeCvKFoldFitPredict(xTrain, yTrain, xTest, options, names),
    prepare(predictors, split, fullGram) {
      // The route by the same rule as ridgePathBasis (primal when p ≤ training rows); the dual
      // kernels are submatrices of the full Gram, centred on the submatrix (prepared.ts).
      const basisOf = (train: Int32Array, test: Int32Array): RidgePathBasis => {
        if (predictors.cols <= train.length) {
          const { centered: x, means } = centerColumns(selectRows(predictors, train));
          return ridgePathBasis({ x, xTest: subtractRowVector(selectRows(predictors, test), means) });
        }
        return dualPathBasis(foldKernels(fullGram(), train, test));
      };
      const inner = innerFolds(split.train.length, options).map((fold) => ({
        ...fold,
        basis: basisOf(fold.train.map((i) => split.train[i]!), fold.test.map((i) => split.train[i]!)),
      }));
      return { inner, refit: basisOf(split.train, split.test) };
    },
    fitPrepared: (prepared, yTrain) => ridgeCvKFoldFromBases(prepared, yTrain, options),
  };
}
