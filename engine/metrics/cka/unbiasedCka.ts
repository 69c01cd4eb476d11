/**
 * Debiased CKA from the unbiased HSIC estimator of Song, Smola, Gretton, Bedo & Borgwardt (2012,
 * JMLR), as used by Kornblith et al. (2019) and Brain-Score's `cka` (n ≥ 4):
 *
 *   K̃, L̃ = K, L with zeroed diagonals
 *   HSIC_u = [tr(K̃L̃) + (1ᵀK̃1)(1ᵀL̃1)/((n−1)(n−2)) − (2/(n−2))·1ᵀK̃L̃1] / (n(n−3))
 *          = ⟨U(K), U(L)⟩ / (n(n−3))   with U-centring U(K)_ij = K_ij − m_i − m_j (i ≠ j), 0 on the diagonal,
 *            m_j = Σ_i K̃_ij/(n−2) − Σ_k K̃ (all entries)/(2(n−1)(n−2))
 *   CKA_u = HSIC_u(K,L) / √(HSIC_u(K,K)·HSIC_u(L,L))
 *
 * Linear kernel feature form (Kornblith), rows x_i, y_i of the centred data:
 *   n(n−3)HSIC_u = ‖X̃ᵀỸ‖² − (n/(n−2))Σ_i‖x_i‖²‖y_i‖² + ‖X̃‖²‖Ỹ‖²/((n−1)(n−2))
 * Exactly invariant to feature shifts; also to orthogonal maps and isotropic scale. A cosine between
 * U-centred Grams, so in [−1, 1] and its arccos is a pseudometric; the estimate can be negative and
 * is near 0 for independent data even when p ≫ n (biased CKA is not; docs/metrics.md §5.1, §8 item 28).
 * Denominator variants (they change digits; §5.1 [choose]):
 *   'kornblith'   no epsilon; a non-positive self-HSIC is refused (too few or degenerate stimuli)
 *   'brain-score' / (√(·) + 1e-12), and 0 when HSIC_u(K,K)·HSIC_u(L,L) ≤ 0 (Brain-Score ≥ 2026-01-30)
 *   'platonic'    / (√(·) + 1e-6)
 */
import type { Matrix } from '../../core/matrix';
import { SimspecError } from '../../core/errors';
import { centerColumns, crossGram, crossProduct } from '../../linalg';
import { centredGram } from '../common/factor';
import { checkPairedRows } from '../common/checks';
import type { CentredGrams } from './linearCka';

export type CkaEpsilonVariant = 'kornblith' | 'brain-score' | 'platonic';

export interface UnbiasedCkaOptions {
  variant?: CkaEpsilonVariant;
}

/** U-centred copy of a symmetric n × n kernel matrix (Song et al. 2012). */
export function uCentre(k: Matrix): Matrix {
  const n = k.rows;
  if (n < 4) throw new SimspecError(`unbiased HSIC needs at least 4 stimuli, got ${n}`, { expected: 'n ≥ 4', code: 'data.rows' });
  const m = new Float64Array(n);
  let total = 0;
  const a = k.data;
  // Loops split at the diagonal instead of testing j ≠ i per entry (same order of additions).
  for (let i = 0; i < n; i++) {
    let s = 0;
    const row = i * n;
    for (let j = 0; j < i; j++) s += a[row + j]!;
    for (let j = i + 1; j < n; j++) s += a[row + j]!;
    m[i] = s / (n - 2);
    total += s;
  }
  const shift = total / (2 * (n - 1) * (n - 2));
  for (let i = 0; i < n; i++) m[i] = m[i]! - shift;
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    const row = i * n;
    const mi = m[i]!;
    for (let j = 0; j < i; j++) out[row + j] = a[row + j]! - mi - m[j]!;
    for (let j = i + 1; j < n; j++) out[row + j] = a[row + j]! - mi - m[j]!;
  }
  return { rows: n, cols: n, data: out };
}

/** HSIC_u(K, L) of Song et al. (2012) from two n × n kernel matrices. */
export function unbiasedHsic(k: Matrix, l: Matrix): number {
  return centredInner(uCentre(k), uCentre(l));
}

/** ⟨U(K), U(L)⟩/(n(n−3)) from U-centred matrices. */
function centredInner(uk: Matrix, ul: Matrix): number {
  const n = uk.rows;
  let s = 0;
  for (let t = 0; t < n * n; t++) s += uk.data[t]! * ul.data[t]!;
  return s / (n * (n - 3));
}

/** HSIC_u(K, L), HSIC_u(K, K), HSIC_u(L, L) with each matrix U-centred once (not twice per value). */
export function unbiasedHsicTriple(k: Matrix, l: Matrix): { xy: number; xx: number; yy: number } {
  const uk = uCentre(k);
  const ul = uCentre(l);
  return { xy: centredInner(uk, ul), xx: centredInner(uk, uk), yy: centredInner(ul, ul) };
}

/** CKA from the three (scaled) unbiased HSIC values, with the named epsilon convention. */
export function ckaFromHsic(xy: number, xx: number, yy: number, variant: CkaEpsilonVariant): number {
  const product = xx * yy;
  if (variant === 'brain-score') return product <= 0 ? 0 : xy / (Math.sqrt(product) + 1e-12);
  if (variant === 'platonic') return xy / (Math.sqrt(Math.max(product, 0)) + 1e-6);
  if (!(product > 0)) {
    throw new SimspecError('the unbiased self-similarity (HSIC_u) of a network is not positive, so debiased CKA is undefined', {
      expected: 'more stimuli, or a network whose responses vary across stimuli',
      code: 'metric.degenerate',
    });
  }
  return xy / Math.sqrt(product);
}

/** Unbiased HSIC values ×n(n−3) for the linear kernel, by the feature form (no n × n matrix). */
function featureFormHsic(xc: Matrix, yc: Matrix): { xy: number; xx: number; yy: number } {
  const n = xc.rows;
  const rowNorms = (m: Matrix) => {
    const out = new Float64Array(m.rows);
    for (let i = 0; i < m.rows; i++) {
      let s = 0;
      for (let j = 0; j < m.cols; j++) s += m.data[i * m.cols + j]! ** 2;
      out[i] = s;
    }
    return out;
  };
  const frob2 = (m: Matrix) => m.data.reduce((a, v) => a + v * v, 0);
  const rx = rowNorms(xc);
  const ry = rowNorms(yc);
  const nx = rx.reduce((a, b) => a + b, 0);
  const ny = ry.reduce((a, b) => a + b, 0);
  const helper = (cross2: number, ra: Float64Array, rb: Float64Array, na: number, nb: number) => {
    let dot = 0;
    for (let i = 0; i < n; i++) dot += ra[i]! * rb[i]!;
    return cross2 - (n / (n - 2)) * dot + (na * nb) / ((n - 1) * (n - 2));
  };
  return {
    xy: helper(frob2(crossProduct(xc, yc)), rx, ry, nx, ny),
    xx: helper(frob2(crossGram(xc)), rx, rx, nx, nx),
    yy: helper(frob2(crossGram(yc)), ry, ry, ny, ny),
  };
}

export function unbiasedLinearCka(x: Matrix, y: Matrix, options: UnbiasedCkaOptions & { route?: 'auto' | 'feature' | 'gram'; centredGrams?: CentredGrams } = {}): number {
  checkPairedRows(x, y, 4);
  const variant = options.variant ?? 'kornblith';
  const n = x.rows;
  const p = x.cols;
  const q = y.cols;
  let route = options.route ?? 'auto';
  if (route === 'auto') route = n * (p * q + p * p + q * q) <= n * n * (p + q + 6) ? 'feature' : 'gram';
  if (route === 'feature') {
    const h = featureFormHsic(centerColumns(x).centered, centerColumns(y).centered);
    return ckaFromHsic(h.xy, h.xx, h.yy, variant);
  }
  // The estimator is shift invariant; centring first only reduces cancellation.
  // The run's shared centred Grams when given (docs/performance.md §7.2): the same product.
  const k = options.centredGrams ? options.centredGrams.x() : centredGram(x).gram;
  const l = options.centredGrams ? options.centredGrams.y() : centredGram(y).gram;
  const h = unbiasedHsicTriple(k, l);
  return ckaFromHsic(h.xy, h.xx, h.yy, variant);
}
