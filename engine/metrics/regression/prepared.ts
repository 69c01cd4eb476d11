/**
 * Decompose once (issue 11 item 2): the part of a ridge fit that depends only on the PREDICTORS
 * and the split — kernels, eigendecompositions, SVDs — computed once and reused for every target
 * set (every brain region for a model layer; every model layer for a brain region when the
 * direction is brain → model), every α and every target.
 *
 * Kernels come from one full Gram per representation: with X̄ the rows minus their all-row
 * column means, G = X̄X̄ᵀ (n×n, once per run). The training-centred kernel of a split is the
 * double-centred submatrix (shifting every row by one vector does not change it):
 *   K̃_ij = G_ij − r_i − r_j + m,  r_i = mean_{j∈train} G_ij,  m = mean_{i∈train} r_i,
 *   K̃_ai = G_ai − s_a − r_i + m,  s_a = mean_{j∈train} G_aj   (a a test row),
 * i.e. (x_a − x̄)·(x_i − x̄) with x̄ the training mean. The all-row centring first keeps the
 * cancellation in this formula at the size of the training/all-row mean difference, not of the
 * raw means (ReLU activations have means comparable to their spread).
 *
 * The routes are those of the unshared estimators (ridge.ts, ridgeCvLoo.ts, ridgeCvKFold.ts):
 * LOO eigen mode when n ≤ p, SVD mode when n > p; the α path primal when p ≤ n, dual when p > n.
 */
import type { Matrix } from '../../core/matrix';
import { crossProduct, multiply, symmetricEigen, thinSvd } from '../../linalg';
import { centredGram } from '../common/factor';

export type LooMode = 'eigen' | 'svd';

/**
 * G = X̄X̄ᵀ with X̄ the rows of x minus the column means over all rows — the shape metrics' centred
 * Gram (metrics/common/factor.ts: centred column block by column block, so no centred copy of a wide
 * layer is ever held, and symmetrised).
 */
export function centredRowGram(x: Matrix): Matrix {
  return centredGram(x, true).gram;
}

export interface FoldKernels {
  /** (x_i − x̄)·(x_j − x̄) over training rows (n_train × n_train), x̄ the training mean. */
  train: Matrix;
  /** (x_a − x̄)·(x_i − x̄), test rows a by training rows i (n_test × n_train). */
  cross: Matrix;
}

/** The training-centred kernels of one split, from the full Gram (see the file comment). */
export function foldKernels(fullGram: Matrix, train: ArrayLike<number>, test: ArrayLike<number>): FoldKernels {
  const n = fullGram.cols;
  const g = fullGram.data;
  const nt = train.length;
  const tt = test.length;
  const rowMeans = new Float64Array(nt);
  const kernel = new Float64Array(nt * nt);
  for (let i = 0; i < nt; i++) {
    const gi = train[i]! * n;
    let s = 0;
    for (let j = 0; j < nt; j++) {
      const v = g[gi + train[j]!]!;
      kernel[i * nt + j] = v;
      s += v;
    }
    rowMeans[i] = s / nt;
  }
  let m = 0;
  for (let i = 0; i < nt; i++) m += rowMeans[i]!;
  m /= nt;
  for (let i = 0; i < nt; i++) {
    const ri = rowMeans[i]! - m;
    for (let j = 0; j < nt; j++) kernel[i * nt + j] = kernel[i * nt + j]! - ri - rowMeans[j]!;
  }
  const cross = new Float64Array(tt * nt);
  for (let a = 0; a < tt; a++) {
    const ga = test[a]! * n;
    let s = 0;
    for (let j = 0; j < nt; j++) {
      const v = g[ga + train[j]!]!;
      cross[a * nt + j] = v;
      s += v;
    }
    const sa = s / nt - m;
    for (let j = 0; j < nt; j++) cross[a * nt + j] = cross[a * nt + j]! - sa - rowMeans[j]!;
  }
  return { train: { rows: nt, cols: nt, data: kernel }, cross: { rows: tt, cols: nt, data: cross } };
}

/** What leave-one-out RidgeCV needs of the training predictors, for any targets and α. */
export interface LooBasis {
  mode: LooMode;
  /** Q (eigen: n×n of K̃ + 11ᵀ) or U (SVD: n×(p+1) of [X̃, 1]). */
  basis: Matrix;
  /** λ (eigen) or s² (SVD). */
  spectrum: Float64Array;
  /** Column of the basis most aligned with 1 (sklearn `_find_smallest_angle`). */
  intercept: number;
}

/** Index of the column of `vectors` (n×k) with the largest |cosine| with 1/√n (sklearn `_find_smallest_angle`). */
function interceptDirection(vectors: Matrix): number {
  let best = 0;
  let bestValue = -1;
  for (let j = 0; j < vectors.cols; j++) {
    let s = 0;
    for (let i = 0; i < vectors.rows; i++) s += vectors.data[i * vectors.cols + j]!;
    const value = Math.abs(s);
    if (value > bestValue) (bestValue = value), (best = j);
  }
  return best;
}

/** Eigen mode from the training-centred kernel K̃ (not modified): eig(K̃ + 11ᵀ). */
export function looBasisFromKernel(centredKernel: Matrix): LooBasis {
  const kernel = { rows: centredKernel.rows, cols: centredKernel.cols, data: new Float64Array(centredKernel.data) };
  for (let i = 0; i < kernel.data.length; i++) kernel.data[i] += 1; // + 11ᵀ (intercept)
  const eig = symmetricEigen(kernel);
  return { mode: 'eigen', basis: eig.vectors, spectrum: eig.values, intercept: interceptDirection(eig.vectors) };
}

/** SVD mode from the training-centred predictors X̃ (n×p): thin SVD of [X̃, 1]. */
export function looBasisFromData(centred: Matrix): LooBasis {
  const n = centred.rows;
  const p = centred.cols;
  const augmented = new Float64Array(n * (p + 1));
  for (let i = 0; i < n; i++) {
    augmented.set(centred.data.subarray(i * p, (i + 1) * p), i * (p + 1));
    augmented[i * (p + 1) + p] = 1;
  }
  const svd = thinSvd({ rows: n, cols: p + 1, data: augmented });
  return { mode: 'svd', basis: svd.u, spectrum: svd.s.map((s) => s * s), intercept: interceptDirection(svd.u) };
}

/**
 * One α path (ridge.ts `ridgePath`) without its targets: Ŷ_α = left · diag(1/(λ + α)) · right(Ỹ).
 * primal: eig X̃ᵀX̃ = VΛVᵀ, left = X̃_test V, right = VᵀX̃ᵀỸ;  dual: eig K̃ = QΛQᵀ, left = K̃_tc Q, right = QᵀỸ.
 */
export interface RidgePathBasis {
  route: 'primal' | 'dual';
  values: Float64Array;
  /** t×k. */
  left: Matrix;
  /** k×q from the training-centred targets. */
  right: (y: Matrix) => Matrix;
}

/** Dual α path from the fold kernels. */
export function dualPathBasis(kernels: FoldKernels): RidgePathBasis {
  const eig = symmetricEigen(kernels.train);
  return { route: 'dual', values: eig.values, left: multiply(kernels.cross, eig.vectors), right: (y) => crossProduct(eig.vectors, y) };
}
