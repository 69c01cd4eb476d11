/**
 * shapeDistance(X, Y, options): the generalised shape metric of Williams, Kunz, Kornblith &
 * Linderman (2021) on one set of rows (training distance; see crossValidated.ts for held-out rows).
 *
 *   φ(X) = (X − 1μᵀ)Z_X,  d = min_{T ∈ G} ‖φ(X) − φ(Y)T‖  or  θ(φ(X), φ(Y)T)
 *   G = permutation (permutationShape.ts) | orthogonal (α = 1) | linear with α ∈ [0, 1] (linearShape.ts)
 *
 * A pseudometric on these rows (symmetric, triangle inequality, d(X, X) = 0) for every G and α,
 * also in the scale-free mode and after a per-network reduction (each is a map of one network).
 * Parity: netrep 0.0.2 LinearMetric / PermutationMetric `fit_score` (center_columns, zero_pad,
 * score_method). Each network is factorised once by the cheaper route (factor.ts): a thin SVD when
 * p < n, else the centred n × n Gram, so a 1000 × 50000 network never forms a 50000² matrix.
 */
import type { Matrix } from '../../core/matrix';
import { SimspecError } from '../../core/errors';
import { factorizeNetwork, scaleFreeFactor, truncateFactor, type FactorRoute, type NetworkFactor } from '../common/factor';
import { alignFactors, trainingLinearScore, type ShapeScore } from './linearShape';
import { checkShapeInputs, resolveShapeOptions, type ResolvedShapeOptions, type ShapeGroup, type ShapeOptions } from './options';
import { alignPermutation, frobenius, permutationScore } from './permutationShape';
import { randomlyProject } from './reduce';

export interface ReductionReport {
  method: 'pca' | 'random-projection';
  components: { x: number; y: number };
  fittedOn: 'all rows' | 'training rows' | 'not fitted (seeded)';
  seed?: number;
  reason: string;
}

export interface ShapeDistanceResult {
  distance: number;
  group: ShapeGroup;
  alpha: number;
  score: ShapeScore;
  center: boolean;
  whitening: 'netrep' | 'scale-free';
  /** Route used per network ('feature' = thin SVD, 'gram' = n × n centred Gram). */
  route: { x: FactorRoute | 'direct'; y: FactorRoute | 'direct' };
  /** Numerical rank of each centred (reduced) network; null when not computed (permutation group). */
  rank: { x: number; y: number } | null;
  /** Padded width P that netrep's whitening acts on. */
  width: number;
  reduction: ReductionReport | null;
  /** Permutation group only: column of Y matched to each column of X (−1 = padding). */
  matching?: number[];
}

export function shapeDistance(x: Matrix, y: Matrix, options: ShapeOptions = {}): ShapeDistanceResult {
  const o = resolveShapeOptions(options);
  checkShapeInputs(x, y, o);
  let xr = x;
  let yr = y;
  let reduction: ReductionReport | null = null;
  if (o.reduce?.method === 'random-projection') {
    const k = o.reduce.components;
    // A network already no wider than k is left as it is (a square random map is not a no-op).
    xr = x.cols > k ? randomlyProject(x, k, o.reduce.seed, o.labels.x) : x;
    yr = y.cols > k ? randomlyProject(y, k, o.reduce.seed, o.labels.y) : y;
    reduction = {
      method: 'random-projection',
      components: { x: xr.cols, y: yr.cols },
      fittedOn: 'not fitted (seeded)',
      seed: o.reduce.seed,
      reason: 'requested',
    };
  }
  if (o.group === 'permutation') return permutationDistance(xr, yr, o, reduction);
  let fx = factorizeNetwork(xr, { center: o.center, route: o.route });
  let fy = factorizeNetwork(yr, { center: o.center, route: o.route });
  let widthX = xr.cols;
  let widthY = yr.cols;
  if (o.reduce?.method === 'pca') {
    widthX = pcaWidth(o.reduce.components, fx, o.labels.x);
    widthY = pcaWidth(o.reduce.components, fy, o.labels.y);
    fx = truncateFactor(fx, widthX);
    fy = truncateFactor(fy, widthY);
    reduction = { method: 'pca', components: { x: widthX, y: widthY }, fittedOn: 'all rows', reason: 'requested' };
  }
  if (o.whitening === 'scale-free') {
    fx = scaleFreeFactor(fx);
    fy = scaleFreeFactor(fy);
  }
  const width = commonWidth(widthX, widthY, o);
  const alignment = alignFactors(fx, fy, o.alpha, width);
  return {
    distance: trainingLinearScore(alignment, o.score),
    ...describe(o, reduction),
    route: { x: fx.route, y: fy.route },
    rank: { x: fx.rank, y: fy.rank },
    width,
  };
}

function describe(o: ResolvedShapeOptions, reduction: ReductionReport | null) {
  return { group: o.group, alpha: o.alpha, score: o.score, center: o.center, whitening: o.whitening, reduction };
}

/** PCA keeps min(k, p) components of a network; more than its rank is refused. */
export function pcaWidth(k: number, f: NetworkFactor, label: string): number {
  const keep = Math.min(k, f.width);
  if (keep > f.rank) {
    throw new SimspecError(`cannot keep ${keep} principal components: the centred data have rank ${f.rank}`, {
      variable: label,
      expected: `reduce.components ≤ ${f.rank}`,
      code: 'spec.range',
    });
  }
  return keep;
}

export function commonWidth(widthX: number, widthY: number, o: ResolvedShapeOptions): number {
  if (!o.zeroPad && widthX !== widthY) {
    throw new SimspecError(`widths differ (${widthX} vs ${widthY}) and zero padding is off`, {
      variable: o.labels.y,
      expected: 'equal widths, zeroPad: true, or a reduction to a common width',
      code: 'data.cols',
    });
  }
  return Math.max(widthX, widthY);
}

function permutationDistance(xr: Matrix, yr: Matrix, o: ResolvedShapeOptions, reduction: ReductionReport | null): ShapeDistanceResult {
  // Units keep their identity: the permutation acts on the data columns (after PCA, on components).
  let dx = centredData(xr, o.center);
  let dy = centredData(yr, o.center);
  let rank: { x: number; y: number } | null = null;
  if (o.reduce?.method === 'pca') {
    const fx = factorizeNetwork(xr, { center: o.center, route: o.route });
    const fy = factorizeNetwork(yr, { center: o.center, route: o.route });
    const kx = pcaWidth(o.reduce.components, fx, o.labels.x);
    const ky = pcaWidth(o.reduce.components, fy, o.labels.y);
    dx = factorData(truncateFactor(fx, kx));
    dy = factorData(truncateFactor(fy, ky));
    rank = { x: kx, y: ky };
    reduction = { method: 'pca', components: { x: kx, y: ky }, fittedOn: 'all rows', reason: 'requested' };
  }
  if (o.whitening === 'scale-free') {
    scaleInPlace(dx, 1 / (frobenius(dx) || 1));
    scaleInPlace(dy, 1 / (frobenius(dy) || 1));
  }
  const width = commonWidth(dx.cols, dy.cols, o);
  const al = alignPermutation(dx, dy);
  return {
    distance: permutationScore(dx, dy, al.xToY, al.matchedInner, o.score),
    ...describe(o, reduction),
    route: { x: 'direct', y: 'direct' },
    rank,
    width,
    matching: Array.from(al.xToY),
  };
}

export function scaleInPlace(m: Matrix, s: number): void {
  for (let i = 0; i < m.data.length; i++) m.data[i] = m.data[i]! * s;
}

export function centredData(x: Matrix, center: boolean): Matrix {
  const out = new Float64Array(x.data);
  if (center) {
    for (let j = 0; j < x.cols; j++) {
      let s = 0;
      for (let i = 0; i < x.rows; i++) s += out[i * x.cols + j]!;
      const m = s / x.rows;
      for (let i = 0; i < x.rows; i++) out[i * x.cols + j] = out[i * x.cols + j]! - m;
    }
  }
  return { rows: x.rows, cols: x.cols, data: out };
}

/** U diag(σ): the (reduced) centred data in principal-component coordinates. */
export function factorData(f: NetworkFactor): Matrix {
  const n = f.u.rows;
  const r = f.u.cols;
  const out = new Float64Array(n * r);
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < r; c++) out[i * r + c] = f.u.data[i * r + c]! * f.sigma[c]!;
  }
  return { rows: n, cols: r, data: out };
}
