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
 * The same formulas serve the feature and Gram routes (docs/metrics.md §4.5 identities 3–4); the
 * rotation acting on held-out rows is V_x P (for X) and V_y Q (for Y), restricted to each
 * network's training span.
 *
 * Invariances (training data): translation (when centred), orthogonal maps at α = 1, any invertible
 * linear map at α = 0, isotropic scale for the angular score at α ∈ {0, 1}. For 0 < α < 1 netrep's
 * whitening depends on data scale and on n (§4.2, §8 item 1) [parity]; `whitening: 'scale-free'`
 * divides X̃ by ‖X̃‖ first [choose]. A pseudometric on training data for every α.
 */
import type { Matrix } from '../../core/matrix';
import { crossProduct, multiply, thinSvd } from '../../linalg';
import type { NetworkFactor } from '../common/factor';
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
  /** The factors' left vectors (shared, not copied): used for the small-distance residual. */
  ux: Matrix;
  uy: Matrix;
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
  return { wx, wy, nuclear, p, q, normGx: norm(wx.g), normGy: norm(wy.g), ux: fx.u, uy: fy.u };
}

export function angularFromCosine(cosine: number): number {
  return Math.acos(Math.min(1, Math.max(-1, cosine)));
}

/**
 * ‖cx·A_aligned − cy·B_aligned‖² formed directly (no cancellation): the paired directions
 * U_x diag(g_x) P − U_y diag(g_y) Q (n × k), plus each side's directions left unpaired,
 * ‖diag(g)(I − PPᵀ)‖². Used only for small distances, where ‖A‖² + ‖B‖² − 2⟨A, B⟩ cancels.
 */
function alignedResidualSquared(al: LinearAlignment, cx: number, cy: number): number {
  const k = al.p.cols;
  const scaled = (g: Float64Array, c: number, v: Matrix): Matrix => {
    const out = new Float64Array(v.rows * k);
    for (let i = 0; i < v.rows; i++) for (let j = 0; j < k; j++) out[i * k + j] = c * g[i]! * v.data[i * k + j]!;
    return { rows: v.rows, cols: k, data: out };
  };
  const gp = scaled(al.wx.g, cx, al.p);
  const gq = scaled(al.wy.g, cy, al.q);
  const a = multiply(al.ux, gp);
  const b = multiply(al.uy, gq);
  let total = 0;
  for (let t = 0; t < a.data.length; t++) total += (a.data[t]! - b.data[t]!) ** 2;
  const unpaired = (g: Float64Array, c: number, v: Matrix, vg: Matrix): number => {
    const r = v.rows;
    if (r === k) return 0; // v is square orthogonal: nothing unpaired
    let sum = 0;
    for (let i = 0; i < r; i++) {
      for (let j = 0; j < r; j++) {
        let proj = 0;
        for (let c2 = 0; c2 < k; c2++) proj += vg.data[i * k + c2]! * v.data[j * k + c2]!;
        const e = (i === j ? c * g[i]! : 0) - proj;
        sum += e * e;
      }
    }
    return sum;
  };
  return total + unpaired(al.wx.g, cx, al.p, gp) + unpaired(al.wy.g, cy, al.q, gq);
}

/** The distance on the rows the factors were fitted on. */
export function trainingLinearScore(al: LinearAlignment, score: ShapeScore): number {
  if (score === 'angular') {
    const denominator = al.normGx * al.normGy;
    // Two all-zero networks coincide; one all-zero network is orthogonal to anything.
    if (denominator === 0) return al.normGx === al.normGy ? 0 : Math.PI / 2;
    const cosine = al.nuclear / denominator;
    // arccos has infinite slope at 1 (rounding gives θ ≈ 1e-8): use θ = 2·asin(‖Â − B̂T‖/2) there.
    if (cosine > 1 - 1e-6) return 2 * Math.asin(Math.min(1, Math.sqrt(alignedResidualSquared(al, 1 / al.normGx, 1 / al.normGy)) / 2));
    return angularFromCosine(cosine);
  }
  const sx = al.wx.s;
  const sy = al.wy.s;
  const scale = sx * sx * al.normGx ** 2 + sy * sy * al.normGy ** 2;
  const d2 = scale - 2 * sx * sy * al.nuclear;
  if (d2 < 1e-6 * scale) return Math.sqrt(alignedResidualSquared(al, sx, sy));
  return Math.sqrt(Math.max(d2, 0));
}
