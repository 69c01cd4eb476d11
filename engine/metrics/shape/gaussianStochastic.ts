/**
 * Gaussian stochastic shape metric (Duong, Zhou, Nassar, Berman, Olieslagers & Williams 2023,
 * "Representational dissimilarity metric spaces for stochastic neural networks", ICLR; netrep
 * `GaussianStochasticMetric`; docs/metrics.md §4.7). Stimulus i is N(μ_i, Σ_i) in X, N(μ′_i, Σ′_i) in Y:
 *
 *   d_α² = min_{T ∈ O(p)} (1/n) Σ_i [ α‖μ_i − Tᵀμ′_i‖² + (2−α)·B²(Σ_i, TᵀΣ′_iT) ],   α ∈ [0, 2]
 *   B²(A, B) = tr A + tr B − 2 tr[(A^½BA^½)^½] = tr A + tr B − 2‖A^½B^½‖_*   (Bures)
 *
 * α = 2: means only (Procrustes on the means); α = 1: mean 2-Wasserstein; α = 0: covariances only.
 * (This α is NOT the whitening α of §4.2.) A metric when the fit reaches the global optimum; the
 * alternating fit is nonconvex, so it is an upper bound otherwise (§5.4): seeded random restarts,
 * best kept. Fit (rows convention, T acting on the right): stack A = [√α M; √(2−α) S_1; …] and
 * B = [√α M′; √(2−α) Q_1ᵀS′_1; …] with S = Σ^½; alternate T = Procrustes(B → A) and
 * Q_iᵀ = Procrustes(S′_iT → S_i). [avoid] netrep weights the blocks by α and 2−α (so the fit sees
 * α² and (2−α)²) while scoring with α and 2−α; here both use √α, √(2−α). The score is evaluated
 * exactly from T with the closed-form Bures term and returned as √max(d², 0) (netrep: sign·√|d²|).
 * Covariance square roots clip negative eigenvalues at 0. Unequal widths: zero padding.
 */
import type { Matrix } from '../../core/matrix';
import { SimspecError } from '../../core/errors';
import { crossProduct, multiply, multiplyTransposed, singularValues, symmetricEigen, thinSvd } from '../../linalg';
import { gaussianProjectionMatrix } from './reduce';

export interface GaussianRepresentation {
  /** n × p means. */
  means: Matrix;
  /** n covariance matrices, p × p each. */
  covariances: Matrix[];
}

export interface GaussianStochasticOptions {
  /** α ∈ [0, 2] (default 1: 2-Wasserstein). */
  alpha?: number;
  /** Random orthogonal restarts besides the deterministic start (default 4). */
  restarts?: number;
  seed?: number;
  /** Stop when the objective improves by less than tol·(objective + 1e-300) (default 1e-10). */
  tolerance?: number;
  maxIterations?: number;
}

export interface GaussianStochasticResult {
  distance: number;
  /** p × p orthogonal map applied to Y (rows convention: μ′T). */
  transform: Matrix;
  /** Objective d² of every start, in order (the best is used). */
  startObjectives: number[];
  iterations: number;
}

function symmetricSqrt(a: Matrix): Matrix {
  const p = a.rows;
  const sym: Matrix = { rows: p, cols: p, data: new Float64Array(p * p) };
  for (let i = 0; i < p; i++) for (let j = 0; j < p; j++) sym.data[i * p + j] = 0.5 * (a.data[i * p + j]! + a.data[j * p + i]!);
  const { values, vectors } = symmetricEigen(sym);
  const out = new Float64Array(p * p);
  for (let k = 0; k < p; k++) {
    const r = Math.sqrt(Math.max(values[k]!, 0));
    if (r === 0) continue;
    for (let i = 0; i < p; i++) {
      const vi = vectors.data[i * p + k]! * r;
      for (let j = 0; j < p; j++) out[i * p + j] = out[i * p + j]! + vi * vectors.data[j * p + k]!;
    }
  }
  return { rows: p, cols: p, data: out };
}

function trace(a: Matrix): number {
  let s = 0;
  for (let i = 0; i < a.rows; i++) s += a.data[i * a.cols + i]!;
  return s;
}

/** Bures distance squared B²(A, B) = tr A + tr B − 2‖A^½B^½‖_*, clipped at 0. */
export function buresSquared(a: Matrix, b: Matrix): number {
  const nuclear = singularValues(multiply(symmetricSqrt(a), symmetricSqrt(b))).reduce((s, v) => s + v, 0);
  return Math.max(trace(a) + trace(b) - 2 * nuclear, 0);
}

/** R minimising ‖A − B R‖ over orthogonal R: UVᵀ from svd(BᵀA). */
function procrustes(a: Matrix, b: Matrix): Matrix {
  const { u, v } = thinSvd(crossProduct(b, a));
  return multiplyTransposed(u, v);
}

function padded(m: Matrix, width: number): Matrix {
  if (m.cols === width) return m;
  const out = new Float64Array(m.rows * width);
  for (let i = 0; i < m.rows; i++) out.set(m.data.subarray(i * m.cols, (i + 1) * m.cols), i * width);
  return { rows: m.rows, cols: width, data: out };
}

function paddedSquare(m: Matrix, width: number): Matrix {
  if (m.cols === width) return m;
  const out = new Float64Array(width * width);
  for (let i = 0; i < m.rows; i++) out.set(m.data.subarray(i * m.cols, (i + 1) * m.cols), i * width);
  return { rows: width, cols: width, data: out };
}

function check(rep: GaussianRepresentation, label: string): void {
  const { means, covariances } = rep;
  if (covariances.length !== means.rows) {
    throw new SimspecError(`${label} has ${means.rows} means but ${covariances.length} covariances`, { variable: label, expected: 'one covariance per stimulus', code: 'data.shape' });
  }
  for (const c of covariances) {
    if (c.rows !== means.cols || c.cols !== means.cols) {
      throw new SimspecError(`${label} has a ${c.rows} × ${c.cols} covariance for ${means.cols} units`, { variable: label, expected: `${means.cols} × ${means.cols} covariances`, code: 'data.shape' });
    }
  }
}

export function gaussianStochasticDistance(x: GaussianRepresentation, y: GaussianRepresentation, options: GaussianStochasticOptions = {}): GaussianStochasticResult {
  check(x, 'X');
  check(y, 'Y');
  const alpha = options.alpha ?? 1;
  if (!(alpha >= 0 && alpha <= 2)) {
    throw new SimspecError(`alpha = ${alpha} is outside [0, 2]`, { variable: 'alpha', expected: 'α ∈ [0, 2] (2 = means only, 0 = covariances only)', code: 'spec.range' });
  }
  const n = x.means.rows;
  if (y.means.rows !== n) throw new SimspecError(`X has ${n} stimuli but Y has ${y.means.rows}`, { variable: 'Y', expected: `${n} stimuli`, code: 'data.rows' });
  const p = Math.max(x.means.cols, y.means.cols);
  const m = padded(x.means, p);
  const mp = padded(y.means, p);
  const covX = x.covariances.map((c) => paddedSquare(c, p));
  const covY = y.covariances.map((c) => paddedSquare(c, p));
  const sx = covX.map(symmetricSqrt);
  const sy = covY.map(symmetricSqrt);
  const wMean = Math.sqrt(alpha);
  const wCov = Math.sqrt(2 - alpha);
  const traces = covX.reduce((s, c) => s + trace(c), 0) + covY.reduce((s, c) => s + trace(c), 0);

  /** Exact d² for a given T (closed-form Bures term; no dependence on the Q_i). */
  const objective = (t: Matrix): number => {
    let meanTerm = 0;
    const moved = multiply(mp, t);
    for (let k = 0; k < m.data.length; k++) meanTerm += (m.data[k]! - moved.data[k]!) ** 2;
    let nuclear = 0;
    // (TᵀΣ′T)^½ = TᵀS′T, so the Bures cross term is ‖S_i TᵀS′_i T‖_* = ‖S_i (S′_iT)ᵀ‖_*.
    for (let i = 0; i < n; i++) nuclear += singularValues(multiplyTransposed(sx[i]!, multiply(sy[i]!, t))).reduce((s, v) => s + v, 0);
    const bures = traces - 2 * nuclear;
    return (alpha * meanTerm + (2 - alpha) * bures) / n;
  };

  const stackA: Matrix = { rows: n + n * p, cols: p, data: new Float64Array((n + n * p) * p) };
  for (let k = 0; k < m.data.length; k++) stackA.data[k] = wMean * m.data[k]!;
  for (let i = 0; i < n; i++) for (let k = 0; k < p * p; k++) stackA.data[(n + i * p) * p + k] = wCov * sx[i]!.data[k]!;

  const fit = (start: Matrix): { t: Matrix; value: number; iterations: number } => {
    let t = start;
    let value = objective(t);
    const tol = options.tolerance ?? 1e-10;
    const maxIterations = options.maxIterations ?? 500;
    let it = 0;
    for (; it < maxIterations; it++) {
      // Q_iᵀ = Procrustes(S′_iT → S_i) from the left: R = UVᵀ of svd(S_i (S′_iT)ᵀ).
      const stackB: Matrix = { rows: n + n * p, cols: p, data: new Float64Array((n + n * p) * p) };
      for (let k = 0; k < mp.data.length; k++) stackB.data[k] = wMean * mp.data[k]!;
      for (let i = 0; i < n; i++) {
        const syt = multiply(sy[i]!, t);
        const { u, v } = thinSvd(multiplyTransposed(sx[i]!, syt));
        const r = multiplyTransposed(u, v);
        const block = multiply(r, sy[i]!);
        for (let k = 0; k < p * p; k++) stackB.data[(n + i * p) * p + k] = wCov * block.data[k]!;
      }
      const next = procrustes(stackA, stackB);
      const nextValue = objective(next);
      const improvement = value - nextValue;
      if (nextValue <= value) {
        t = next;
        value = nextValue;
      }
      if (!(improvement > tol * (Math.abs(value) + 1e-300))) break;
    }
    return { t, value, iterations: it + 1 };
  };

  // Deterministic start: Procrustes of the stacked blocks with every Q_i = I.
  const stackB0: Matrix = { rows: n + n * p, cols: p, data: new Float64Array((n + n * p) * p) };
  for (let k = 0; k < mp.data.length; k++) stackB0.data[k] = wMean * mp.data[k]!;
  for (let i = 0; i < n; i++) for (let k = 0; k < p * p; k++) stackB0.data[(n + i * p) * p + k] = wCov * sy[i]!.data[k]!;
  const starts: Matrix[] = [procrustes(stackA, stackB0)];
  const restarts = options.restarts ?? 4;
  for (let r = 0; r < restarts; r++) starts.push(thinSvd(gaussianProjectionMatrix(p, p, (options.seed ?? 0) + r)).u);
  let best = { t: starts[0]!, value: Infinity, iterations: 0 };
  const startObjectives: number[] = [];
  let iterations = 0;
  for (const start of starts) {
    const result = fit(start);
    startObjectives.push(result.value);
    iterations += result.iterations;
    if (result.value < best.value) best = result;
  }
  return { distance: Math.sqrt(Math.max(best.value, 0)), transform: best.t, startObjectives, iterations };
}
