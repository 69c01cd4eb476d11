/**
 * Cross-validated shape distance (docs/metrics.md §4.4; Williams et al. 2021 §"generalization").
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
import { factorizeNetwork, scaleFreeFactor, truncateFactor, type NetworkFactor } from '../common/factor';
import { alignFactors, trainingLinearScore } from './linearShape';
import { checkShapeInputs, resolveShapeOptions, type ResolvedShapeOptions, type ShapeGroup, type ShapeOptions } from './options';
import { alignPermutation, frobenius, matchedInnerProduct, permutationScore, scoreFromInner } from './permutationShape';
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

/** One network fitted on one fold's training rows (linear family). */
interface LinearFoldFit {
  factor: NetworkFactor;
  width: number;
  projected: boolean;
  autoReduced: boolean;
  /** Held-out rows in the training factor's coordinates: ((reduce(x_t) − μ)/c)·V (n_test × r). */
  heldOut: Matrix;
  nTrain: number;
}

/** One network fitted on one fold's training rows (permutation group): centred, scaled data. */
interface PermutationFoldFit {
  train: Matrix;
  test: Matrix;
}

/**
 * A network fitted on every fold's training rows — netrep's `partial_fit`, done once per network
 * and reused for every pair it is compared with (§4.4, §8 item 9). Only the pairwise alignment
 * (`finalize_fit`) is left for crossValidatedShapeDistanceFromFits.
 */
export interface ShapeNetworkFit {
  group: 'permutation' | 'linear-family';
  rows: number;
  foldCount: number;
  linear?: LinearFoldFit[];
  permutation?: PermutationFoldFit[];
}

export function crossValidatedShapeDistance(x: Matrix, y: Matrix, folds: readonly ShapeFold[], options: ShapeOptions = {}): CrossValidatedShapeResult {
  const o = resolveShapeOptions(options);
  checkShapeInputs(x, y, o);
  return crossValidatedShapeDistanceFromFits(fitShapeNetwork(x, folds, options, o.labels.x), fitShapeNetwork(y, folds, options, o.labels.y), options);
}

/** Fit one network on every fold's training rows (means, reduction, whitening factor, held-out map). */
export function fitShapeNetwork(x: Matrix, folds: readonly ShapeFold[], options: ShapeOptions = {}, label = 'X'): ShapeNetworkFit {
  const o = resolveShapeOptions(options);
  if (folds.length === 0) {
    throw new SimspecError('no cross-validation folds were given', { variable: 'folds', expected: 'at least one train/test split', code: 'cv.folds' });
  }
  folds.forEach((fold, f) => checkFold(fold, f, x.rows));
  if (o.group === 'permutation') {
    return { group: 'permutation', rows: x.rows, foldCount: folds.length, permutation: folds.map((fold) => permutationFoldFit(x, fold, o, label)) };
  }
  return { group: 'linear-family', rows: x.rows, foldCount: folds.length, linear: folds.map((fold) => linearFoldFit(x, fold, o, label)) };
}

/** Align two fitted networks fold by fold (netrep `finalize_fit`) and score the held-out rows. */
export function crossValidatedShapeDistanceFromFits(fx: ShapeNetworkFit, fy: ShapeNetworkFit, options: ShapeOptions = {}): CrossValidatedShapeResult {
  const o = resolveShapeOptions(options);
  const expected = o.group === 'permutation' ? 'permutation' : 'linear-family';
  if (fx.group !== expected || fy.group !== expected || fx.rows !== fy.rows || fx.foldCount !== fy.foldCount) {
    throw new SimspecError('the two fitted networks were fitted with different groups, rows or folds', { expected: 'fits from fitShapeNetwork with the same folds and options', code: 'shape.fit-mismatch' });
  }
  let autoReduced = false;
  const results: FoldShapeResult[] = [];
  for (let f = 0; f < fx.foldCount; f++) {
    if (o.group === 'permutation') results.push(permutationFoldScore(fx.permutation![f]!, fy.permutation![f]!, o));
    else {
      const a = fx.linear![f]!;
      const b = fy.linear![f]!;
      autoReduced ||= a.autoReduced || b.autoReduced;
      results.push(linearFoldScore(a, b, o));
    }
  }
  const mean = (values: number[]) => values.reduce((s, v) => s + v, 0) / values.length;
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
      reason: 'a network has at least as many units as training rows: PCA to n_train − 1 components per fold (docs/metrics.md §4.4)',
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

function linearFoldFit(x: Matrix, fold: ShapeFold, o: ResolvedShapeOptions, label: string): LinearFoldFit {
  const xtr = selectRows(x, fold.train);
  const nTrain = xtr.rows;
  // Auto-reduce a network only when its training data cannot be full rank in p dimensions.
  const autoK = !o.reduce && x.cols >= nTrain ? nTrain - 1 : null;
  let reduce: (rows: Matrix) => Matrix = (rows) => rows;
  let reduced = xtr;
  const k = o.reduce ? o.reduce.components : autoK;
  if (o.reduce?.method === 'random-projection' && xtr.cols > o.reduce.components) {
    const r = gaussianProjectionMatrix(xtr.cols, o.reduce.components, o.reduce.seed);
    reduce = (rows) => multiply(rows, r);
    reduced = reduce(xtr);
  } else if ((o.reduce?.method === 'pca' || autoK !== null) && k !== null && xtr.cols > k) {
    const pca = pcaMap(xtr, k, o.center, label, autoK !== null);
    reduce = pca.map;
    reduced = pca.train;
  }
  let factor = factorizeNetwork(reduced, { center: o.center, route: 'feature' });
  const width = reduced.cols;
  const projected = factor.rank < Math.min(width, factor.sigma.length);
  if (projected) factor = { ...truncateFactor(factor, factor.rank), width };
  if (o.whitening === 'scale-free') factor = scaleFreeFactor(factor);
  return { factor, width, projected, autoReduced: autoK !== null && xtr.cols > autoK, heldOut: heldOutCoordinates(factor, reduce(selectRows(x, fold.test))), nTrain };
}

function linearFoldScore(fx: LinearFoldFit, fy: LinearFoldFit, o: ResolvedShapeOptions): FoldShapeResult {
  if (!o.zeroPad && fx.width !== fy.width) {
    throw new SimspecError(`widths differ (${fx.width} vs ${fy.width}) and zero padding is off`, { variable: o.labels.y, expected: 'equal widths or zeroPad: true', code: 'data.cols' });
  }
  const width = Math.max(fx.width, fy.width);
  const al = alignFactors(fx.factor, fy.factor, o.alpha, width);
  // Held-out rows in each network's whitened coordinates: s·((x_t − μ)/c)·V diag(h); then · P or Q.
  const a = weighted(fx.heldOut, al.wx.s, al.wx.h);
  const b = weighted(fy.heldOut, al.wy.s, al.wy.h);
  const aligned = innerAfterAlignment(a, b, al.p, al.q);
  return {
    testDistance: scoreFromInner(aligned, frobenius(a), frobenius(b), o.score),
    trainDistance: trainingLinearScore(al, o.score),
    nTrain: fx.nTrain,
    nTest: fx.heldOut.rows,
    components: { x: fx.width, y: fy.width },
    projectedOntoTrainingSpan: fx.projected || fy.projected,
  };
}

/** PCA to k components fitted on training rows; also returns the training scores U_k diag(σ_k). */
function pcaMap(xtr: Matrix, requested: number, center: boolean, label: string, clampToRank = false): { map: (rows: Matrix) => Matrix; train: Matrix } {
  const f = factorizeNetwork(xtr, { center });
  // The automatic reduction keeps what the training rows support (repeated stimuli lower the rank).
  const k = clampToRank ? Math.max(1, Math.min(requested, f.rank)) : requested;
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

/** ((x_t − μ)/c)·V: held-out (already reduced) rows in the training factor's coordinates (n_t × r). */
function heldOutCoordinates(f: NetworkFactor, reduced: Matrix): Matrix {
  const p = reduced.cols;
  const centred = new Float64Array(reduced.data);
  for (let i = 0; i < reduced.rows; i++) {
    for (let j = 0; j < p; j++) {
      const mu = f.means ? f.means[j]! : 0;
      centred[i * p + j] = (centred[i * p + j]! - mu) / f.divisor;
    }
  }
  return multiply({ rows: reduced.rows, cols: p, data: centred }, f.v!);
}

/** m · s·diag(h). */
function weighted(m: Matrix, s: number, h: Float64Array): Matrix {
  const r = m.cols;
  const out = new Float64Array(m.data.length);
  for (let i = 0; i < m.rows; i++) for (let c = 0; c < r; c++) out[i * r + c] = s * m.data[i * r + c]! * h[c]!;
  return { rows: m.rows, cols: r, data: out };
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

function permutationFoldFit(x: Matrix, fold: ShapeFold, o: ResolvedShapeOptions, label: string): PermutationFoldFit {
  const xtr = selectRows(x, fold.train);
  let map: (rows: Matrix) => Matrix = (rows) => rows;
  if (o.reduce?.method === 'random-projection' && xtr.cols > o.reduce.components) {
    const r = gaussianProjectionMatrix(xtr.cols, o.reduce.components, o.reduce.seed);
    map = (rows) => multiply(rows, r);
  } else if (o.reduce?.method === 'pca' && xtr.cols > o.reduce.components) {
    map = pcaMap(xtr, o.reduce.components, o.center, label).map;
  }
  const [train, test] = centreWithTraining(map(xtr), map(selectRows(x, fold.test)), o.center);
  if (o.whitening === 'scale-free') {
    const c = frobenius(train) || 1;
    for (const m of [train, test]) for (let t = 0; t < m.data.length; t++) m.data[t] = m.data[t]! / c;
  }
  return { train, test };
}

function permutationFoldScore(fx: PermutationFoldFit, fy: PermutationFoldFit, o: ResolvedShapeOptions): FoldShapeResult {
  const al = alignPermutation(fx.train, fy.train);
  const inner = matchedInnerProduct(fx.test, fy.test, al.xToY);
  return {
    testDistance: permutationScore(fx.test, fy.test, al.xToY, inner, o.score),
    trainDistance: permutationScore(fx.train, fy.train, al.xToY, al.matchedInner, o.score),
    nTrain: fx.train.rows,
    nTest: fx.test.rows,
    components: { x: fx.train.cols, y: fy.train.cols },
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
