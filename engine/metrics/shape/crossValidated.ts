/**
 * Cross-validated shape distance (metrics-reference §4.4; Williams et al. 2021 §"generalization").
 * Per fold: fit μ, the optional reduction, the whitening and the alignment T on the training rows;
 * apply them UNCHANGED to the test rows (centred with the training means) and score those:
 *   θ_test = arccos(⟨X̃_t Z_x T_x, Ỹ_t Z_y T_y⟩ / (‖X̃_t Z_x‖‖Ỹ_t Z_y‖)),  d_E likewise.
 * Parity: netrep 0.0.2 `LinearMetric.fit(X[train], Y[train]).score(X[test], Y[test])` and the same
 * for PermutationMetric, whenever netrep's answer is well defined.
 *
 * [avoid] §4.4 / §8 item 5: when a network's centred training data are rank deficient (p ≥ n_train,
 * or collinear units) netrep's p × p SVD has a null block that LAPACK fills arbitrarily, and test
 * components outside the training span are rotated by it (and scaled by up to 3162·s at α < 1).
 * Here (linear family): p ≥ n_train triggers PCA to k = n_train − 1 fitted on the training rows
 * unless a reduction is given, and test rows are projected onto each network's training principal
 * subspace when the rank is below the width; both are stated in the result. With full-rank training
 * data this is exactly netrep's map. Symmetric and d(X, X) = 0 on test rows; the triangle
 * inequality is NOT guaranteed on test rows. The permutation fit has no null-block ambiguity.
 */
import type { Matrix } from '../../core/matrix';
import { selectRows } from '../../core/matrix';
import { SimspecError } from '../../core/errors';
import { crossProduct, multiply } from '../../linalg';
import { factorizeNetwork, scaleFreeFactor, truncateFactor, type NetworkFactor } from './factor';
import { alignFactors, trainingLinearScore } from './linearShape';
import { checkShapeInputs, resolveShapeOptions, type ResolvedShapeOptions, type ShapeGroup, type ShapeOptions } from './options';
import { alignPermutation, frobenius, matchedInnerProduct, scoreFromInner } from './permutationShape';
import { gaussianProjectionMatrix } from './reduce';
import type { ShapeScore } from './linearShape';

export interface ShapeFold {
  train: ArrayLike<number>;
  test: ArrayLike<number>;
}

export interface FoldShapeResult {
  testDistance: number;
  trainDistance: number;
  nTrain: number;
  nTest: number;
  /** Components kept per network after the reduction fitted on this fold's training rows. */
  components: { x: number; y: number };
  /** True when test rows were projected onto a network's (rank-deficient) training span. */
  projectedOntoTrainingSpan: boolean;
}

export interface CrossValidatedShapeResult {
  /** Mean over folds of the test distance. */
  distance: number;
  /** Mean over folds of the training distance. */
  trainDistance: number;
  folds: FoldShapeResult[];
  group: ShapeGroup;
  alpha: number;
  score: ShapeScore;
  center: boolean;
  whitening: 'netrep' | 'scale-free';
  reduction: { method: 'pca' | 'random-projection'; components: number; fittedOn: string; reason: string } | null;
  projectedOntoTrainingSpan: boolean;
}

/** One network fitted on training rows: maps any rows to its whitening coordinates. */
interface NetworkFit {
  reduce: (rows: Matrix) => Matrix;
  factor: NetworkFactor;
  width: number;
  projected: boolean;
}

export function crossValidatedShapeDistance(x: Matrix, y: Matrix, folds: readonly ShapeFold[], options: ShapeOptions = {}): CrossValidatedShapeResult {
  const o = resolveShapeOptions(options);
  checkShapeInputs(x, y, o);
  if (folds.length === 0) {
    throw new SimspecError('no cross-validation folds were given', { variable: 'folds', expected: 'at least one train/test split', code: 'cv.folds' });
  }
  let autoReduced = false;
  const results = folds.map((fold, f) => {
    checkFold(fold, f, x.rows);
    const r = fitAndScoreFold(x, y, fold, o);
    autoReduced ||= r.autoReduced;
    return r.result;
  });
  const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
  let reduction: CrossValidatedShapeResult['reduction'] = null;
  if (o.reduce) {
    reduction = {
      method: o.reduce.method,
      components: o.reduce.components,
      fittedOn: o.reduce.method === 'pca' ? 'training rows of each fold' : 'not fitted (seeded)',
      reason: 'requested',
    };
  } else if (autoReduced) {
    reduction = {
      method: 'pca',
      components: Math.min(...results.map((r) => Math.max(r.components.x, r.components.y))),
      fittedOn: 'training rows of each fold',
      reason: 'a network has at least as many units as training rows: PCA to n_train − 1 components per fold (metrics-reference §4.4)',
    };
  }
  return {
    distance: mean(results.map((r) => r.testDistance)),
    trainDistance: mean(results.map((r) => r.trainDistance)),
    folds: results,
    group: o.group,
    alpha: o.alpha,
    score: o.score,
    center: o.center,
    whitening: o.whitening,
    reduction,
    projectedOntoTrainingSpan: results.some((r) => r.projectedOntoTrainingSpan),
  };
}

function checkFold(fold: ShapeFold, f: number, n: number): void {
  const seen = new Uint8Array(n);
  for (const [name, idx] of [['train', fold.train], ['test', fold.test]] as const) {
    if (idx.length === 0) {
      throw new SimspecError(`fold ${f} has no ${name} rows`, { variable: `folds[${f}].${name}`, expected: 'a non-empty list of row indices', code: 'cv.folds' });
    }
    for (let k = 0; k < idx.length; k++) {
      const i = idx[k]!;
      if (!Number.isInteger(i) || i < 0 || i >= n) {
        throw new SimspecError(`fold ${f} names row ${i}`, { variable: `folds[${f}].${name}`, expected: `0-based row indices below ${n}`, code: 'cv.folds' });
      }
      if (name === 'test' && seen[i]) {
        throw new SimspecError(`fold ${f} uses row ${i} for training and testing`, { variable: `folds[${f}]`, expected: 'disjoint train and test rows', code: 'cv.folds' });
      }
      seen[i] = 1;
    }
  }
  if (fold.train.length < 2) {
    throw new SimspecError(`fold ${f} has ${fold.train.length} training row`, { variable: `folds[${f}].train`, expected: 'at least 2 training rows', code: 'cv.folds' });
  }
}

function fitAndScoreFold(x: Matrix, y: Matrix, fold: ShapeFold, o: ResolvedShapeOptions): { result: FoldShapeResult; autoReduced: boolean } {
  const xtr = selectRows(x, fold.train);
  const ytr = selectRows(y, fold.train);
  const xte = selectRows(x, fold.test);
  const yte = selectRows(y, fold.test);
  const nTrain = xtr.rows;
  if (o.group === 'permutation') return { result: permutationFold(xtr, ytr, xte, yte, o), autoReduced: false };

  // Linear family. Auto-reduce only when the training data cannot be full rank in p dimensions.
  const autoK = !o.reduce && Math.max(x.cols, y.cols) >= nTrain ? nTrain - 1 : null;
  const fx = fitNetwork(xtr, o, autoK, o.labels.x);
  const fy = fitNetwork(ytr, o, autoK, o.labels.y);
  if (!o.zeroPad && fx.width !== fy.width) {
    throw new SimspecError(`widths differ (${fx.width} vs ${fy.width}) and zero padding is off`, { variable: o.labels.y, expected: 'equal widths or zeroPad: true', code: 'data.cols' });
  }
  const width = Math.max(fx.width, fy.width);
  const al = alignFactors(fx.factor, fy.factor, o.alpha, width);
  // Held-out rows in each network's aligned whitened coordinates: s·((x_t − μ)/c)·V diag(h) · P.
  const a = heldOutWhitened(fx, xte, al.wx.s, al.wx.h);
  const b = heldOutWhitened(fy, yte, al.wy.s, al.wy.h);
  const aligned = innerAfterAlignment(a, b, al.p, al.q);
  return {
    result: {
      testDistance: scoreFromInner(aligned, frobenius(a), frobenius(b), o.score),
      trainDistance: trainingLinearScore(al, o.score),
      nTrain,
      nTest: xte.rows,
      components: { x: fx.width, y: fy.width },
      projectedOntoTrainingSpan: fx.projected || fy.projected,
    },
    autoReduced: autoK !== null,
  };
}

function fitNetwork(xtr: Matrix, o: ResolvedShapeOptions, autoK: number | null, label: string): NetworkFit {
  let reduce: (rows: Matrix) => Matrix = (rows) => rows;
  let reduced = xtr;
  const k = o.reduce ? o.reduce.components : autoK;
  if (o.reduce?.method === 'random-projection' && xtr.cols > o.reduce.components) {
    const r = gaussianProjectionMatrix(xtr.cols, o.reduce.components, o.reduce.seed);
    reduce = (rows) => multiply(rows, r);
    reduced = reduce(xtr);
  } else if ((o.reduce?.method === 'pca' || autoK !== null) && k !== null && xtr.cols > k) {
    const pca = pcaMap(xtr, k, o.center, label);
    reduce = pca.map;
    reduced = pca.train;
  }
  let factor = factorizeNetwork(reduced, { center: o.center, route: 'feature' });
  const width = reduced.cols;
  const projected = factor.rank < Math.min(width, factor.sigma.length);
  if (projected) factor = { ...truncateFactor(factor, factor.rank), width };
  if (o.whitening === 'scale-free') factor = scaleFreeFactor(factor);
  return { reduce, factor, width, projected };
}

/** PCA to k components fitted on training rows; also returns the training scores U_k diag(σ_k). */
function pcaMap(xtr: Matrix, k: number, center: boolean, label: string): { map: (rows: Matrix) => Matrix; train: Matrix } {
  const f = factorizeNetwork(xtr, { center });
  if (k > f.rank) {
    throw new SimspecError(`cannot keep ${k} principal components: the centred training rows have rank ${f.rank}`, {
      variable: label,
      expected: `reduce.components ≤ ${f.rank}`,
      code: 'spec.range',
    });
  }
  const t = truncateFactor(f, k);
  const p = xtr.cols;
  let v: Matrix;
  if (t.v) v = t.v;
  else {
    // V_k = X̃ᵀU_k diag(1/σ_k) = (XᵀU_k − μ(1ᵀU_k)) diag(1/σ_k); X̃ is never copied.
    v = crossProduct(xtr, t.u);
    const colSums = new Float64Array(k);
    for (let i = 0; i < t.u.rows; i++) for (let c = 0; c < k; c++) colSums[c] = colSums[c]! + t.u.data[i * k + c]!;
    for (let j = 0; j < p; j++) {
      const mu = t.means ? t.means[j]! : 0;
      for (let c = 0; c < k; c++) v.data[j * k + c] = (v.data[j * k + c]! - mu * colSums[c]!) / t.sigma[c]!;
    }
  }
  const train: Matrix = { rows: t.u.rows, cols: k, data: new Float64Array(t.u.rows * k) };
  for (let i = 0; i < t.u.rows; i++) for (let c = 0; c < k; c++) train.data[i * k + c] = t.u.data[i * k + c]! * t.sigma[c]!;
  const means = t.means;
  const map = (rows: Matrix): Matrix => {
    const centred = new Float64Array(rows.data);
    if (means) for (let i = 0; i < rows.rows; i++) for (let j = 0; j < p; j++) centred[i * p + j] = centred[i * p + j]! - means[j]!;
    return multiply({ rows: rows.rows, cols: p, data: centred }, v);
  };
  return { map, train };
}

/** s·((reduce(x_t) − μ)/c)·V diag(h): held-out rows in training whitening coordinates (n_t × r). */
function heldOutWhitened(fit: NetworkFit, xte: Matrix, s: number, h: Float64Array): Matrix {
  const reduced = fit.reduce(xte);
  const f = fit.factor;
  const p = reduced.cols;
  const centred = new Float64Array(reduced.data);
  for (let i = 0; i < reduced.rows; i++) {
    for (let j = 0; j < p; j++) {
      const mu = f.means ? f.means[j]! : 0;
      centred[i * p + j] = (centred[i * p + j]! - mu) / f.divisor;
    }
  }
  const out = multiply({ rows: reduced.rows, cols: p, data: centred }, f.v!);
  const r = out.cols;
  for (let i = 0; i < out.rows; i++) for (let c = 0; c < r; c++) out.data[i * r + c] = s * out.data[i * r + c]! * h[c]!;
  return out;
}

/** ⟨aP, bQ⟩: paired aligned directions only (unpaired directions meet zero padding). */
function innerAfterAlignment(a: Matrix, b: Matrix, p: Matrix, q: Matrix): number {
  if (p.cols === 0) return 0;
  const ap = multiply(a, p);
  const bq = multiply(b, q);
  let s = 0;
  for (let i = 0; i < ap.data.length; i++) s += ap.data[i]! * bq.data[i]!;
  return s;
}

function permutationFold(xtr: Matrix, ytr: Matrix, xte: Matrix, yte: Matrix, o: ResolvedShapeOptions): FoldShapeResult {
  let mapX: (rows: Matrix) => Matrix = (rows) => rows;
  let mapY: (rows: Matrix) => Matrix = (rows) => rows;
  if (o.reduce?.method === 'random-projection') {
    const { components: k, seed } = o.reduce;
    if (xtr.cols > k) { const r = gaussianProjectionMatrix(xtr.cols, k, seed); mapX = (rows) => multiply(rows, r); }
    if (ytr.cols > k) { const r = gaussianProjectionMatrix(ytr.cols, k, seed); mapY = (rows) => multiply(rows, r); }
  } else if (o.reduce?.method === 'pca') {
    if (xtr.cols > o.reduce.components) mapX = pcaMap(xtr, o.reduce.components, o.center, o.labels.x).map;
    if (ytr.cols > o.reduce.components) mapY = pcaMap(ytr, o.reduce.components, o.center, o.labels.y).map;
  }
  const [tx, ex] = centreWithTraining(mapX(xtr), mapX(xte), o.center);
  const [ty, ey] = centreWithTraining(mapY(ytr), mapY(yte), o.center);
  const cx = o.whitening === 'scale-free' ? frobenius(tx) || 1 : 1;
  const cy = o.whitening === 'scale-free' ? frobenius(ty) || 1 : 1;
  const al = alignPermutation(tx, ty);
  const inner = matchedInnerProduct(ex, ey, al.xToY) / (cx * cy);
  return {
    testDistance: scoreFromInner(inner, frobenius(ex) / cx, frobenius(ey) / cy, o.score),
    trainDistance: scoreFromInner(al.matchedInner / (cx * cy), al.normX / cx, al.normY / cy, o.score),
    nTrain: xtr.rows,
    nTest: xte.rows,
    components: { x: tx.cols, y: ty.cols },
    projectedOntoTrainingSpan: false,
  };
}

function centreWithTraining(train: Matrix, test: Matrix, center: boolean): [Matrix, Matrix] {
  if (!center) return [train, test];
  const p = train.cols;
  const means = new Float64Array(p);
  for (let i = 0; i < train.rows; i++) for (let j = 0; j < p; j++) means[j] = means[j]! + train.data[i * p + j]!;
  for (let j = 0; j < p; j++) means[j] = means[j]! / train.rows;
  const sub = (m: Matrix): Matrix => {
    const d = new Float64Array(m.data);
    for (let i = 0; i < m.rows; i++) for (let j = 0; j < p; j++) d[i * p + j] = d[i * p + j]! - means[j]!;
    return { rows: m.rows, cols: p, data: d };
  };
  return [sub(train), sub(test)];
}
