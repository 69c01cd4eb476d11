/**
 * PLS regression exactly as scikit-learn `PLSRegression(n_components, scale=False)` — NIPALS,
 * mode A, regression deflation — the estimator of Brain-Score's `pls` metrics (PLS-25;
 * docs/metrics.md §3.3, §8 item 20) [parity].
 *
 * On training-mean-centred X₁ = X̃, Y₁ = Ỹ, for k = 1..K:
 *   zero Y columns with all |·| < 10ε; u = first Y column with an entry |·| > ε;
 *   repeat (≤ maxIter): w = Xᵀu/(uᵀu); w ← w/(‖w‖ + ε); t = Xw; c = Yᵀt/(tᵀt); u = Yc/(cᵀc + ε)
 *     until ‖w − w_old‖² < tol (a SQUARED change; w_old starts at 100) or Y has one column;
 *   flip w, c by the sign of w's largest-|·| entry; t = Xw;
 *   p = Xᵀt/(tᵀt), q = Yᵀt/(tᵀt); X −= tpᵀ; Y −= tqᵀ.
 * Coefficients B = W (PᵀW)⁺ Qᵀ; prediction Ŷ = ((X_test − x̄)R)Qᵀ + ȳ with R = W(PᵀW)⁺, so the
 * p×q matrix B is never formed (memory O(pK), not O(pq), for wide layers).
 *
 * Tolerance: the stopping rule accepts ‖Δw‖ up to √tol = 1e-3, so an exact-SVD PLS differs from
 * sklearn by up to ~1e-3 in predictions with several targets. We therefore replicate the iteration
 * step for step; our result then differs from sklearn only by floating-point summation order
 * (~1e-13 relative), unless the squared change lands within rounding of tol on some iteration,
 * in which case one iteration more or less would move predictions by ≲1e-3. Iteration counts are
 * returned (info.nIter) so a run can be checked against sklearn's `n_iter_`.
 * The target order matters (the start vector is the first usable Y column) [parity].
 * Speed: with p > n the same iteration runs through the n×n Gram matrix of the deflated X
 * (w = X_kᵀv kept implicit), O(n² + nq) per step instead of O(np + nq); the two routes agree to
 * rounding and take the same iteration counts (tested).
 * Limits: K ≤ min(n_train, p) (current sklearn raises beyond p; Brain-Score issue #335 asks for
 * min(p, 25)); a K beyond the numerical rank of X̃ stops with a clear error instead of NaNs.
 */
import { SimspecError } from '../../core/errors';
import type { Matrix } from '../../core/matrix';
import { gram, multiply, pseudoInverse } from '../../linalg';
import { addRowVectorInPlace, centerProblem, requireProblem, type DataNames } from './design';
import type { Estimator, FitPredictResult } from './estimator';

const EPSILON = 2 ** -52;

export interface PlsOptions {
  nComponents: number;
  maxIter?: number;
  tol?: number;
  /** 'gram' iterates through X_k X_kᵀ (default when p > n); 'direct' on X_k itself. */
  route?: 'direct' | 'gram';
}

export interface PlsModel {
  /** p×K x-rotations R = W(PᵀW)⁺ (sklearn `x_rotations_`). */
  rotations: Matrix;
  /** K×q transposed y-loadings Qᵀ; B = R·Qᵀ is never formed (it would be p×q). */
  yLoadingsT: Matrix;
  xMean: Float64Array;
  yMean: Float64Array;
  /** NIPALS iterations per component (sklearn `n_iter_`). */
  nIter: number[];
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

/** Xᵀv for row-major X (n×p). */
function transposeTimes(x: Float64Array, n: number, p: number, v: Float64Array): Float64Array {
  const out = new Float64Array(p);
  for (let i = 0; i < n; i++) {
    const vi = v[i]!;
    if (vi === 0) continue;
    const o = i * p;
    for (let j = 0; j < p; j++) out[j] += x[o + j]! * vi;
  }
  return out;
}

/** Xv for row-major X (n×p). */
function times(x: Float64Array, n: number, p: number, v: Float64Array): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    const o = i * p;
    for (let j = 0; j < p; j++) s += x[o + j]! * v[j]!;
    out[i] = s;
  }
  return out;
}

export function requirePlsComponents(nComponents: number, n: number, p: number, q: number, variable = 'n_components'): void {
  if (!Number.isInteger(nComponents) || nComponents < 1) {
    throw new SimspecError(`n_components = ${nComponents}`, { variable, expected: 'a positive integer', code: 'regression.pls' });
  }
  if (nComponents > Math.min(n, p)) {
    throw new SimspecError(
      `PLS with ${nComponents} components needs at least ${nComponents} training stimuli and ${nComponents} predictor units, got ${n} stimuli × ${p} units`,
      { variable, expected: `n_components ≤ min(n_train, units) = ${Math.min(n, p)}`, code: 'regression.pls' },
    );
  }
  void q;
}

/** Fits sklearn's NIPALS PLSRegression(scale=False) on training rows. */
export function fitPls(xTrain: Matrix, yTrain: Matrix, options: PlsOptions, names: DataNames = {}): PlsModel {
  const maxIter = options.maxIter ?? 500;
  const tol = options.tol ?? 1e-6;
  const n = xTrain.rows;
  const p = xTrain.cols;
  const q = yTrain.cols;
  const K = options.nComponents;
  requirePlsComponents(K, n, p, q);
  const problem = centerProblem(xTrain, yTrain, { rows: 0, cols: p, data: new Float64Array(0) });
  const xk = Float64Array.from(problem.x.data);
  const yk = Float64Array.from(problem.y.data);
  const xNorm0 = Math.sqrt(dot(xk, xk));
  // With more units than stimuli, iterate through the n×n Gram matrix of the deflated X.
  const kernel: Float64Array | null = (options.route ?? (p > n ? 'gram' : 'direct')) === 'gram' ? gram({ rows: n, cols: p, data: xk }).data : null;
  const W = new Float64Array(p * K); // column k = x_weights
  const P = new Float64Array(p * K); // x_loadings
  const Q = new Float64Array(q * K); // y_loadings
  const nIter: number[] = [];
  for (let k = 0; k < K; k++) {
    const xNorm = Math.sqrt(dot(xk, xk));
    if (!(xNorm > 1e-12 * xNorm0)) {
      throw new SimspecError(`PLS component ${k + 1}: the predictors are exhausted after ${k} components (their rank is ${k})`, {
        file: names.file,
        variable: names.x ?? 'X',
        expected: `n_components ≤ the rank of the centred predictors (${k})`,
        code: 'regression.pls',
      });
    }
    for (let j = 0; j < q; j++) {
      let small = true;
      for (let i = 0; i < n && small; i++) if (!(Math.abs(yk[i * q + j]!) < 10 * EPSILON)) small = false;
      if (small) for (let i = 0; i < n; i++) yk[i * q + j] = 0;
    }
    let start = -1;
    for (let j = 0; j < q && start < 0; j++) for (let i = 0; i < n; i++) if (Math.abs(yk[i * q + j]!) > EPSILON) { start = j; break; }
    if (start < 0) {
      throw new SimspecError(`PLS component ${k + 1}: the responses are fully explained (constant residual) after ${k} components`, {
        file: names.file,
        variable: names.y ?? 'Y',
        expected: `fewer components (at most ${k})`,
        code: 'regression.pls',
      });
    }
    let u: Float64Array = new Float64Array(n);
    for (let i = 0; i < n; i++) u[i] = yk[i * q + start]!;
    let w: Float64Array = new Float64Array(p);
    let c: Float64Array = new Float64Array(q);
    let iterations = 0;
    if (kernel === null) {
      let wOld: Float64Array | null = null;
      for (let it = 0; it < maxIter; it++) {
        iterations = it + 1;
        const uu = dot(u, u);
        w = transposeTimes(xk, n, p, u);
        for (let j = 0; j < p; j++) w[j] /= uu;
        const wNorm = Math.sqrt(dot(w, w)) + EPSILON;
        for (let j = 0; j < p; j++) w[j] /= wNorm;
        const t = times(xk, n, p, w);
        const tt = dot(t, t);
        c = transposeTimes(yk, n, q, t);
        for (let j = 0; j < q; j++) c[j] /= tt;
        const cc = dot(c, c) + EPSILON;
        u = times(yk, n, q, c);
        for (let i = 0; i < n; i++) u[i] /= cc;
        let change = 0;
        for (let j = 0; j < p; j++) change += (w[j]! - (wOld === null ? 100 : wOld[j]!)) ** 2;
        if (change < tol || q === 1) break;
        wOld = w;
      }
    } else {
      // Same iteration with w = X_kᵀv kept implicit: t = Xw = K v, ‖w‖² = aᵀKa, and
      // ‖w − w_old‖² = (v − v_old)ᵀK(v − v_old) = (v − v_old)ᵀ(t − t_old). O(n² + nq) per step.
      let vOld: Float64Array | null = null;
      let tOld: Float64Array | null = null;
      let v = new Float64Array(n);
      for (let it = 0; it < maxIter; it++) {
        iterations = it + 1;
        const uu = dot(u, u);
        const a = u.map((value) => value / uu);
        const ka = times(kernel, n, n, a);
        const scale = Math.sqrt(dot(a, ka)) + EPSILON;
        v = a.map((value) => value / scale);
        const t = ka.map((value) => value / scale);
        const tt = dot(t, t);
        c = transposeTimes(yk, n, q, t);
        for (let j = 0; j < q; j++) c[j] /= tt;
        const cc = dot(c, c) + EPSILON;
        u = times(yk, n, q, c);
        for (let i = 0; i < n; i++) u[i] /= cc;
        let change = Infinity; // the first step compares with w_old = 100: never converged
        if (vOld !== null && tOld !== null) {
          change = 0;
          for (let i = 0; i < n; i++) change += (v[i]! - vOld[i]!) * (t[i]! - tOld[i]!);
        }
        if (change < tol || q === 1) break;
        vOld = v;
        tOld = t;
      }
      w = transposeTimes(xk, n, p, v);
    }
    nIter.push(iterations);
    // Sign: largest-|·| entry of w positive (first such entry, as numpy argmax).
    let largest = 0;
    for (let j = 1; j < p; j++) if (Math.abs(w[j]!) > Math.abs(w[largest]!)) largest = j;
    const sign = Math.sign(w[largest]!);
    for (let j = 0; j < p; j++) w[j] *= sign;
    for (let j = 0; j < q; j++) c[j] *= sign;
    const t = times(xk, n, p, w);
    const tt = dot(t, t);
    const loadingX = transposeTimes(xk, n, p, t).map((v) => v / tt);
    const loadingY = transposeTimes(yk, n, q, t).map((v) => v / tt);
    for (let i = 0; i < n; i++) {
      const ti = t[i]!;
      for (let j = 0; j < p; j++) xk[i * p + j] -= ti * loadingX[j]!;
      for (let j = 0; j < q; j++) yk[i * q + j] -= ti * loadingY[j]!;
    }
    if (kernel !== null) {
      // K ← H K H with H = I − t tᵀ/(tᵀt), the Gram matrix of the deflated X.
      const kt = times(kernel, n, n, t);
      const tkt = dot(t, kt);
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < n; j++) {
          kernel[i * n + j] += (-t[i]! * kt[j]! - kt[i]! * t[j]!) / tt + (tkt * t[i]! * t[j]!) / (tt * tt);
        }
      }
    }
    for (let j = 0; j < p; j++) {
      W[j * K + k] = w[j]!;
      P[j * K + k] = loadingX[j]!;
    }
    for (let j = 0; j < q; j++) Q[j * K + k] = loadingY[j]!;
  }
  // R = W (PᵀW)⁺ (p×K), B = R Qᵀ (p×q).
  const ptw = new Float64Array(K * K);
  for (let a = 0; a < K; a++) for (let b = 0; b < K; b++) {
    let s = 0;
    for (let j = 0; j < p; j++) s += P[j * K + a]! * W[j * K + b]!;
    ptw[a * K + b] = s;
  }
  const rotations = multiply({ rows: p, cols: K, data: W }, pseudoInverse({ rows: K, cols: K, data: ptw }));
  const qt = new Float64Array(K * q);
  for (let j = 0; j < q; j++) for (let a = 0; a < K; a++) qt[a * q + j] = Q[j * K + a]!;
  return { rotations, yLoadingsT: { rows: K, cols: q, data: qt }, xMean: problem.xMean, yMean: problem.yMean, nIter };
}

export function plsPredict(model: PlsModel, xTest: Matrix): Matrix {
  const centred = new Float64Array(xTest.data.length);
  const p = xTest.cols;
  for (let i = 0; i < xTest.rows; i++) for (let j = 0; j < p; j++) centred[i * p + j] = xTest.data[i * p + j]! - model.xMean[j]!;
  return addRowVectorInPlace(multiply(multiply({ rows: xTest.rows, cols: p, data: centred }, model.rotations), model.yLoadingsT), model.yMean);
}

export function plsFitPredict(xTrain: Matrix, yTrain: Matrix, xTest: Matrix, options: PlsOptions, names: DataNames = {}): FitPredictResult {
  requireProblem(xTrain, yTrain, xTest, names);
  const model = fitPls(xTrain, yTrain, options, names);
  return { predictions: plsPredict(model, xTest), info: { nComponents: options.nComponents, nIter: model.nIter } };
}

export function plsEstimator(options: PlsOptions): Estimator {
  return { name: 'pls_regression', fitPredict: (xTrain, yTrain, xTest, names) => plsFitPredict(xTrain, yTrain, xTest, options, names) };
}
