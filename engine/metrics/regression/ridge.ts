/**
 * Ridge regression with a fixed α and an unpenalised intercept: scikit-learn
 * `Ridge(alpha, fit_intercept=True)`; Brain-Score's metric named `ridge` is this with α = 1
 * (docs/metrics.md §3.1, §8 item 22).
 *
 *   primal (p ≤ n):  W = (X̃ᵀX̃ + αI)⁻¹ X̃ᵀỸ,           Ŷ = (X_test − x̄)W + ȳ
 *   dual   (p > n):  Ŷ = K_tc (K̄ + αI)⁻¹ Ỹ + ȳ,  K̄ = X̃X̃ᵀ, K_tc = (X_test − x̄)X̃ᵀ
 *
 * The dual route never forms a p×p matrix nor W (p×q): memory is O(n² + nq + tn) beyond the data
 * (a primal Brain-Score fit once needed 62 GB). Both routes are the same estimator
 * (push-through identity X̃ᵀ(X̃X̃ᵀ + αI)⁻¹ = (X̃ᵀX̃ + αI)⁻¹X̃ᵀ) and agree to rounding.
 *
 * `ridgePath` evaluates many α from ONE decomposition (himalaya's approach, §3.2): with
 * p ≤ n, eig X̃ᵀX̃ = VΛVᵀ gives Ŷ_α = (X̃_test V) diag(1/(λ+α)) (VᵀX̃ᵀỸ); with p > n,
 * eig K̄ = QΛQᵀ gives Ŷ_α = (K_tc Q) diag(1/(λ+α)) (QᵀỸ). Each further α costs one t×k×q product.
 * Invariances: permuting stimuli consistently; shifting X or Y columns; orthogonal maps of X's
 * columns (ridge is rotation invariant in feature space, not scale invariant).
 */
import { SimspecError } from '../../core/errors';
import type { Matrix } from '../../core/matrix';
import { choleskySolve, crossGram, crossProduct, gram, multiply, multiplyTransposed, symmetricEigen } from '../../linalg';
import { addRowVectorInPlace, centerProblem, requireProblem, scaleRows, type CenteredProblem, type DataNames } from './design';
import type { Estimator, FitPredictResult } from './estimator';
import type { RidgePathBasis } from './prepared';

export type RidgeRoute = 'primal' | 'dual';

export function requirePositiveAlphas(alphas: readonly number[], variable = 'alphas'): void {
  if (alphas.length === 0) throw new SimspecError('no α given', { variable, expected: 'at least one α > 0', code: 'regression.alpha' });
  for (const a of alphas) {
    if (!(a > 0) || !Number.isFinite(a)) {
      throw new SimspecError(`α = ${a} is not allowed`, { variable, expected: 'finite α > 0 (use linear_regression for α → 0)', code: 'regression.alpha' });
    }
  }
}

function addToDiagonal(m: Matrix, alpha: number): Matrix {
  for (let i = 0; i < m.rows; i++) m.data[i * m.cols + i] += alpha;
  return m;
}

/** Ridge predictions on centred data (no intercept handling), by the given or automatic route. */
export function ridgeCenteredPredict(problem: CenteredProblem, alpha: number, route?: RidgeRoute): { predictions: Matrix; route: RidgeRoute } {
  const { x, y, xTest } = problem;
  const chosen: RidgeRoute = route ?? (x.cols <= x.rows ? 'primal' : 'dual');
  if (chosen === 'primal') {
    const weights = choleskySolve(addToDiagonal(crossGram(x), alpha), crossProduct(x, y));
    return { predictions: multiply(xTest, weights), route: chosen };
  }
  const dualCoefficients = choleskySolve(addToDiagonal(gram(x), alpha), y);
  return { predictions: multiply(multiplyTransposed(xTest, x), dualCoefficients), route: chosen };
}

export function ridgeFitPredict(
  xTrain: Matrix,
  yTrain: Matrix,
  xTest: Matrix,
  alpha: number,
  names: DataNames = {},
  route?: RidgeRoute,
): FitPredictResult {
  requirePositiveAlphas([alpha], 'alpha');
  requireProblem(xTrain, yTrain, xTest, names);
  const problem = centerProblem(xTrain, yTrain, xTest);
  const { predictions, route: used } = ridgeCenteredPredict(problem, alpha, route);
  return { predictions: addRowVectorInPlace(predictions, problem.yMean), info: { alpha, route: used } };
}

export function ridgeEstimator(alpha: number): Estimator {
  requirePositiveAlphas([alpha], 'alpha');
  return { name: 'ridge', fitPredict: (xTrain, yTrain, xTest, names) => ridgeFitPredict(xTrain, yTrain, xTest, alpha, names) };
}

/** One decomposition, every α: returns a function giving the centred predictions for α. */
export function ridgePath(problem: CenteredProblem): { predict: (alpha: number) => Matrix; route: RidgeRoute } {
  return ridgePathFromBasis(ridgePathBasis(problem), problem.y);
}

/** The decomposition of ridgePath for the problem's predictors (the route by its shape). */
export function ridgePathBasis(problem: Pick<CenteredProblem, 'x' | 'xTest'>): RidgePathBasis {
  const { x, xTest } = problem;
  if (x.cols <= x.rows) {
    const eig = symmetricEigen(crossGram(x));
    return { route: 'primal', values: eig.values, left: multiply(xTest, eig.vectors), right: (y) => crossProduct(eig.vectors, crossProduct(x, y)) };
  }
  const eig = symmetricEigen(gram(x));
  return { route: 'dual', values: eig.values, left: multiply(multiplyTransposed(xTest, x), eig.vectors), right: (y) => crossProduct(eig.vectors, y) };
}

/** Every α of one decomposition (own or shared, prepared.ts) for the centred targets y. */
export function ridgePathFromBasis(basis: RidgePathBasis, y: Matrix): { predict: (alpha: number) => Matrix; route: RidgeRoute } {
  const { values, left } = basis;
  const right = basis.right(y); // k×q
  const predict = (alpha: number): Matrix => {
    const weights = new Float64Array(values.length);
    // Rounding can leave null-space eigenvalues slightly negative; their components are ~0.
    for (let j = 0; j < values.length; j++) weights[j] = 1 / (Math.max(values[j]!, 0) + alpha);
    return multiply(left, scaleRows(right, weights));
  };
  return { predict, route: basis.route };
}
