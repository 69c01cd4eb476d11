/**
 * Shared plumbing of the linear estimators: input checks and the intercept convention.
 *
 * Intercept [parity with scikit-learn fit_intercept=True, himalaya, Brain-Score]: centre X and Y
 * with the TRAINING means x̄, ȳ, fit without intercept on the centred data, and predict
 * Ŷ = (X_test − x̄)·W + ȳ. The intercept is therefore never penalised (docs/metrics.md §3.1).
 */
import { SimspecError } from '../../core/errors';
import type { Matrix } from '../../core/matrix';
import { centerColumns } from '../../linalg';

/** Names used in error messages: which variable (and file) each matrix came from. */
export interface DataNames {
  x?: string;
  y?: string;
  file?: string;
}

/** Throws SimspecError naming the variable if any entry is NaN or infinite. */
export function requireFinite(m: Matrix, variable: string, file?: string): void {
  for (let k = 0; k < m.data.length; k++) {
    const v = m.data[k]!;
    if (!Number.isFinite(v)) {
      const i = Math.floor(k / m.cols);
      const j = k % m.cols;
      throw new SimspecError(`${Number.isNaN(v) ? 'NaN' : v} at row ${i}, column ${j}`, {
        file,
        variable,
        expected: 'finite responses (average repeats with NaN-skipping first, or drop the stimulus)',
        code: 'data.nonfinite',
      });
    }
  }
}

/** Checks the shapes and finiteness of a train/test problem. */
export function requireProblem(xTrain: Matrix, yTrain: Matrix, xTest: Matrix, names: DataNames = {}): void {
  const xName = names.x ?? 'X';
  const yName = names.y ?? 'Y';
  if (xTrain.rows !== yTrain.rows) {
    throw new SimspecError(`${xName} has ${xTrain.rows} training rows but ${yName} has ${yTrain.rows}`, {
      file: names.file,
      variable: yName,
      expected: 'the same stimuli (rows) in predictors and responses',
      code: 'regression.shape',
    });
  }
  if (xTest.cols !== xTrain.cols) {
    throw new SimspecError(`test rows have ${xTest.cols} columns, training rows ${xTrain.cols}`, {
      file: names.file,
      variable: xName,
      expected: 'the same units in training and test rows',
      code: 'regression.shape',
    });
  }
  if (xTrain.rows < 2) {
    throw new SimspecError(`only ${xTrain.rows} training row`, { file: names.file, variable: xName, expected: 'at least 2 training stimuli', code: 'regression.shape' });
  }
  requireFinite(xTrain, xName, names.file);
  requireFinite(xTest, xName, names.file);
  requireFinite(yTrain, yName, names.file);
}

/** X − 1·meansᵀ with given means (test rows centred by training means). */
export function subtractRowVector(m: Matrix, means: Float64Array): Matrix {
  const out = new Float64Array(m.data.length);
  for (let i = 0; i < m.rows; i++) {
    const o = i * m.cols;
    for (let j = 0; j < m.cols; j++) out[o + j] = m.data[o + j]! - means[j]!;
  }
  return { rows: m.rows, cols: m.cols, data: out };
}

/** In place: M += 1·vᵀ. Returns M. */
export function addRowVectorInPlace(m: Matrix, v: Float64Array): Matrix {
  for (let i = 0; i < m.rows; i++) {
    const o = i * m.cols;
    for (let j = 0; j < m.cols; j++) m.data[o + j] += v[j]!;
  }
  return m;
}

export interface CenteredProblem {
  /** X_train − x̄ (n×p). */
  x: Matrix;
  /** Y_train − ȳ (n×q). */
  y: Matrix;
  /** X_test − x̄ (t×p). */
  xTest: Matrix;
  xMean: Float64Array;
  yMean: Float64Array;
}

export function centerProblem(xTrain: Matrix, yTrain: Matrix, xTest: Matrix): CenteredProblem {
  const { centered: x, means: xMean } = centerColumns(xTrain);
  const { centered: y, means: yMean } = centerColumns(yTrain);
  return { x, y, xTest: subtractRowVector(xTest, xMean), xMean, yMean };
}

/** Rows of m scaled: out = diag(d)·m. */
export function scaleRows(m: Matrix, d: ArrayLike<number>): Matrix {
  const out = new Float64Array(m.data.length);
  for (let i = 0; i < m.rows; i++) {
    const o = i * m.cols;
    const s = d[i]!;
    for (let j = 0; j < m.cols; j++) out[o + j] = m.data[o + j]! * s;
  }
  return { rows: m.rows, cols: m.cols, data: out };
}

/** Columns of m scaled: out = m·diag(d). */
export function scaleColumns(m: Matrix, d: ArrayLike<number>): Matrix {
  const out = new Float64Array(m.data.length);
  for (let i = 0; i < m.rows; i++) {
    const o = i * m.cols;
    for (let j = 0; j < m.cols; j++) out[o + j] = m.data[o + j]! * d[j]!;
  }
  return { rows: m.rows, cols: m.cols, data: out };
}
