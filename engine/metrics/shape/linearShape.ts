/**
 * Linear-family generalised shape metric (Williams, Kunz, Kornblith & Linderman 2021, NeurIPS):
 * G = O(P) after netrep's partial whitening with α ∈ [0, 1] (α = 1 orthogonal Procrustes,
 * α = 0 full whitening ≈ CCA, 0 < α < 1 partial). Parity: netrep 0.0.2 `LinearMetric`.
 *
 * With whitened A = s_x U_x diag(g_x) V_xᵀ and B likewise (whitening.ts), the optimal T = UVᵀ from
 * svd(AᵀB), and everything reduces to the small r_x × r_y matrix
 *   M = diag(g_x) U_xᵀ U_y diag(g_y),  svd(M) = P Σ Qᵀ,  ‖AᵀB‖_* = s_x s_y Σσ_i(M)
 *   angular:   θ = arccos(‖M‖_* / (‖g_x‖‖g_y‖))                       (s cancels)
 *   euclidean: d² = s_x²‖g_x‖² + s_y²‖g_y‖² − 2 s_x s_y ‖M‖_*          (netrep: NOT divided by n)
 * The same formulas serve the feature and Gram routes (§4.5 identities 3–4); the rotation acting on
 * held-out rows is V_x P (for X) and V_y Q (for Y), restricted to each network's training span.
 *
 * Invariances (training data): translation (when centred), orthogonal maps at α = 1, any invertible
 * linear map at α = 0, isotropic scale for the angular score at α ∈ {0, 1}. For 0 < α < 1 netrep's
 * whitening depends on data scale and on n (§4.2, §8 item 1) [parity]; `whitening: 'scale-free'`
 * divides X̃ by ‖X̃‖ first [choose]. A pseudometric on training data for every α.
 */
import type { Matrix } from '../../core/matrix';
import { crossProduct, thinSvd } from '../../linalg';
import type { NetworkFactor } from './factor';
import { netrepWhiteningWeights, type WhiteningWeights } from './whitening';

export type ShapeScore = 'angular' | 'euclidean';

export interface LinearAlignment {
  wx: WhiteningWeights;
  wy: WhiteningWeights;
  /** ‖M‖_* (without the s factors). */
  nuclear: number;
  /** r_x × k and r_y × k: the aligned directions in factor coordinates. */
  p: Matrix;
  q: Matrix;
  normGx: number;
  normGy: number;
}

function norm(v: Float64Array): number {
  let s = 0;
  for (const x of v) s += x * x;
  return Math.sqrt(s);
}

export function alignFactors(fx: NetworkFactor, fy: NetworkFactor, alpha: number, paddedWidth: number): LinearAlignment {
  const wx = netrepWhiteningWeights(fx.sigma, paddedWidth, alpha);
  const wy = netrepWhiteningWeights(fy.sigma, paddedWidth, alpha);
  const m = crossProduct(fx.u, fy.u);
  const rx = m.rows;
  const ry = m.cols;
  for (let i = 0; i < rx; i++) {
    const gi = wx.g[i]!;
    for (let j = 0; j < ry; j++) m.data[i * ry + j] = gi * m.data[i * ry + j]! * wy.g[j]!;
  }
  let nuclear = 0;
  let p: Matrix = { rows: rx, cols: 0, data: new Float64Array(0) };
  let q: Matrix = { rows: ry, cols: 0, data: new Float64Array(0) };
  if (rx > 0 && ry > 0) {
    const svd = thinSvd(m);
    for (const s of svd.s) nuclear += s;
    p = svd.u;
    q = svd.v;
  }
  return { wx, wy, nuclear, p, q, normGx: norm(wx.g), normGy: norm(wy.g) };
}

export function angularFromCosine(cosine: number): number {
  return Math.acos(Math.min(1, Math.max(-1, cosine)));
}

/** The distance on the rows the factors were fitted on. */
export function trainingLinearScore(al: LinearAlignment, score: ShapeScore): number {
  if (score === 'angular') {
    const denominator = al.normGx * al.normGy;
    // Two all-zero networks coincide; one all-zero network is orthogonal to anything.
    if (denominator === 0) return al.normGx === al.normGy ? 0 : Math.PI / 2;
    return angularFromCosine(al.nuclear / denominator);
  }
  const sx = al.wx.s;
  const sy = al.wy.s;
  const d2 = sx * sx * al.normGx ** 2 + sy * sy * al.normGy ** 2 - 2 * sx * sy * al.nuclear;
  return Math.sqrt(Math.max(d2, 0));
}
