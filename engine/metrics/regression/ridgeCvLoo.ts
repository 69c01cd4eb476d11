/**
 * scikit-learn `RidgeCV(alphas, fit_intercept=True, cv=None)`: α chosen by EXACT leave-one-out on
 * the training rows (sklearn's `_RidgeGCV`; despite the name it is not GCV), then the model of the
 * chosen α refitted on all training rows (docs/metrics.md §3.2, §8 item 25) [parity].
 *
 * With G = K̄ + 11ᵀ + αI (the 11ᵀ term is the unpenalised intercept), c = G⁻¹Ỹ (with the intercept
 * direction's weight cancelled) and g_i = (G⁻¹)_ii, the LOO residual is e = c / g (row-wise).
 * - eigen mode (n ≤ p, sklearn's auto choice `_check_gcv_mode`): eig(X̃X̃ᵀ + 11ᵀ) = QΛQᵀ, w_j = 1/(λ_j + α); the
 *   eigenvector most aligned with 1 gets w = 0; c = Q diag(w) QᵀỸ, g_i = Σ_j w_j Q_ij².
 * - SVD mode (n > p): [X̃, 1] = USVᵀ (thin), w_j = 1/(s_j² + α) − 1/α, the intercept column gets
 *   −1/α; c = U diag(w) UᵀỸ + Ỹ/α, g_i = Σ_j w_j U_ij² + 1/α.
 * Score(α) = −mean(e²) over rows AND targets (one shared α, the default and Brain-Score's
 * `ridgecv_split`), or per target (`alphaPerTarget`). The incumbent is replaced only on strict
 * improvement, so ties go to the FIRST α in list order. α must be > 0.
 * Refit exactly as sklearn: coef = X̃ᵀc of the chosen α; predictions X̃_test·X̃ᵀc + ȳ = K_tc c + ȳ
 * (eigen mode never forms coef, which would be p×q).
 * Both modes equal brute-force refits on n − 1 rows to ~1e-12 (tested).
 */
import type { Matrix } from '../../core/matrix';
import { selectRows } from '../../core/matrix';
import { centerColumns, crossProduct, gram, multiply, multiplyTransposed } from '../../linalg';
import { addRowVectorInPlace, centerProblem, requireProblem, scaleRows, subtractRowVector, type DataNames } from './design';
import type { FitPredictResult, SharingEstimator } from './estimator';
import { foldKernels, looBasisFromData, looBasisFromKernel, type LooBasis, type LooMode } from './prepared';
import { requirePositiveAlphas } from './ridge';

export type { LooMode } from './prepared';

export interface RidgeCvLooOptions {
  alphas: readonly number[];
  alphaPerTarget?: boolean;
  /** Default as sklearn 'auto': svd when n > p, else eigen. */
  mode?: LooMode;
}

export interface RidgeCvLooResult extends FitPredictResult {
  /** Chosen α (shared: the same value repeated per target). */
  alphaPerTarget: Float64Array;
  alpha: number | Float64Array;
  /** −mean squared LOO error at the chosen α (shared: one number; per target: one per target). */
  bestScore: number | Float64Array;
  mode: LooMode;
}

/** The decomposition of the centred training predictors that the mode needs (eigen: of X̃X̃ᵀ + 11ᵀ). */
export function looBasis(x: Matrix, mode: LooMode): LooBasis {
  return mode === 'eigen' ? looBasisFromKernel(gram(x)) : looBasisFromData(x);
}

/**
 * For any α, the dual coefficients c (n×q, row-major) and g = diag(G⁻¹) (length n) of the
 * centred targets y, from a decomposition of the predictors; the LOO residuals are c_it / g_i.
 */
export function looSolver(decomposition: LooBasis, y: Matrix): (alpha: number) => { c: Float64Array; g: Float64Array } {
  const { mode, basis, spectrum, intercept } = decomposition;
  const n = basis.rows;
  const k = basis.cols;
  const q = y.cols;
  const projected = crossProduct(basis, y); // k×q
  return (alpha: number) => {
    const weights = new Float64Array(k);
    for (let j = 0; j < k; j++) weights[j] = mode === 'eigen' ? 1 / (spectrum[j]! + alpha) : 1 / (spectrum[j]! + alpha) - 1 / alpha;
    weights[intercept] = mode === 'eigen' ? 0 : -1 / alpha;
    const c = multiply(basis, scaleRows(projected, weights)).data;
    const g = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      let s = mode === 'svd' ? 1 / alpha : 0;
      for (let j = 0; j < k; j++) s += weights[j]! * basis.data[i * k + j]! ** 2;
      g[i] = s;
    }
    if (mode === 'svd') for (let i = 0; i < n * q; i++) c[i] += y.data[i]! / alpha;
    return { c, g };
  };
}

/**
 * One decomposition of the centred training data; returns, for any α, the dual coefficients c
 * (n×q, row-major) and g = diag(G⁻¹) (length n), so that the LOO residuals are c_it / g_i.
 */
export function looDecomposition(x: Matrix, y: Matrix, mode: LooMode): (alpha: number) => { c: Float64Array; g: Float64Array } {
  return looSolver(looBasis(x, mode), y);
}

/** Leave-one-out residuals (n×q) of ridge with intercept at one α, by the closed form. */
export function leaveOneOutResiduals(xTrain: Matrix, yTrain: Matrix, alpha: number, mode?: LooMode): Matrix {
  requirePositiveAlphas([alpha], 'alpha');
  requireProblem(xTrain, yTrain, xTrain);
  const { x, y } = centerProblem(xTrain, yTrain, xTrain);
  const { c, g } = looDecomposition(x, y, mode ?? (x.rows > x.cols ? 'svd' : 'eigen'))(alpha);
  const q = y.cols;
  const out = new Float64Array(c.length);
  for (let i = 0; i < x.rows; i++) for (let t = 0; t < q; t++) out[i * q + t] = c[i * q + t]! / g[i]!;
  return { rows: x.rows, cols: q, data: out };
}

export function ridgeCvLooFitPredict(
  xTrain: Matrix,
  yTrain: Matrix,
  xTest: Matrix,
  options: RidgeCvLooOptions,
  names: DataNames = {},
): RidgeCvLooResult {
  requirePositiveAlphas(options.alphas);
  requireProblem(xTrain, yTrain, xTest, names);
  const { x, y, xTest: xt, yMean } = centerProblem(xTrain, yTrain, xTest);
  const mode: LooMode = options.mode ?? (x.rows > x.cols ? 'svd' : 'eigen');
  // Refit as sklearn: coef = X̃ᵀc; eigen mode predicts through the cross-Gram instead.
  const predict = (dual: Matrix) => (mode === 'eigen' ? multiply(multiplyTransposed(xt, x), dual) : multiply(xt, crossProduct(x, dual)));
  return ridgeCvLooFromBasis(looBasis(x, mode), y, yMean, predict, options);
}

/**
 * RidgeCV from a decomposition of the training predictors (own or shared, prepared.ts): `y` the
 * training-centred targets, `yMean` their training means, `predict` the centred test predictions
 * of dual coefficients (eigen: K̃_tc·c; SVD: X̃_test·X̃ᵀc).
 */
export function ridgeCvLooFromBasis(decomposition: LooBasis, y: Matrix, yMean: Float64Array, predict: (dual: Matrix) => Matrix, options: RidgeCvLooOptions): RidgeCvLooResult {
  const mode = decomposition.mode;
  const n = y.rows;
  const q = y.cols;
  const solver = looSolver(decomposition, y);
  const perTarget = options.alphaPerTarget === true && q > 1;
  let bestC: Float64Array | null = null;
  let bestShared = -Infinity;
  const bestPerTarget = new Float64Array(q).fill(-Infinity);
  const chosenAlpha = new Float64Array(q);
  for (const alpha of options.alphas) {
    const { c, g } = solver(alpha);
    const targetScore = new Float64Array(q);
    let total = 0;
    for (let i = 0; i < n; i++) {
      for (let t = 0; t < q; t++) {
        const e = (c[i * q + t]! / g[i]!) ** 2;
        targetScore[t] += e;
        total += e;
      }
    }
    if (perTarget) {
      if (bestC === null) bestC = new Float64Array(n * q);
      for (let t = 0; t < q; t++) {
        const score = -targetScore[t]! / n;
        if (score > bestPerTarget[t]!) {
          bestPerTarget[t] = score;
          chosenAlpha[t] = alpha;
          for (let i = 0; i < n; i++) bestC[i * q + t] = c[i * q + t]!;
        }
      }
    } else {
      const score = -total / (n * q);
      if (score > bestShared) {
        bestShared = score;
        bestC = c;
        chosenAlpha.fill(alpha);
      }
    }
  }
  const dual: Matrix = { rows: n, cols: q, data: bestC! };
  const predictions = predict(dual);
  addRowVectorInPlace(predictions, yMean);
  const alpha = perTarget ? chosenAlpha : chosenAlpha[0]!;
  const bestScore = perTarget ? bestPerTarget : bestShared;
  return {
    predictions,
    alphaPerTarget: chosenAlpha,
    alpha,
    bestScore,
    mode,
    info: { alpha: perTarget ? Array.from(chosenAlpha) : alpha, bestScore: perTarget ? Array.from(bestPerTarget) : bestShared, looMode: mode },
  };
}

interface PreparedLoo {
  basis: LooBasis;
  predict: (dual: Matrix) => Matrix;
}

export function ridgeCvLooEstimator(options: RidgeCvLooOptions): SharingEstimator<PreparedLoo> {
  requirePositiveAlphas(options.alphas);
  return {
    name: 'ridgecv',
    fitPredict: (xTrain, yTrain, xTest, names) => ridgeCvLooFitPredict(xTrain, yTrain, xTest, options, names),
    prepare(predictors, split, fullGram) {
      const mode: LooMode = options.mode ?? (split.train.length > predictors.cols ? 'svd' : 'eigen');
      if (mode === 'eigen') {
        const kernels = foldKernels(fullGram(), split.train, split.test);
        return { basis: looBasisFromKernel(kernels.train), predict: (dual) => multiply(kernels.cross, dual) };
      }
      const { centered: x, means } = centerColumns(selectRows(predictors, split.train));
      const xt = subtractRowVector(selectRows(predictors, split.test), means);
      return { basis: looBasisFromData(x), predict: (dual) => multiply(xt, crossProduct(x, dual)) };
    },
    fitPrepared(prepared, yTrain) {
      const { centered, means } = centerColumns(yTrain);
      return ridgeCvLooFromBasis(prepared.basis, centered, means, prepared.predict, options);
    },
  };
}
