/**
 * Canonical correlations (Hotelling 1936) and the summaries used to compare representations:
 *
 *   ρ_i = σ_i(Q_xᵀQ_y),  Q_x, Q_y orthonormal bases of the centred column spaces (thin SVD, rank-
 *   truncated at max(n, p)·ε·σ_max; a QR basis gives the same ρ), c = min(rank_x, rank_y) values
 *   mean CCA  = Σρ_i / c                  (= cos of netrep's α = 0 angle at full rank)
 *   R²_CCA    = Σρ_i² / min(p, q)         (Yanai / Kornblith et al. 2019)
 *
 * Invariant to any invertible linear map of either network and to translation (centred).
 * Similarities, not metrics (arccos(mean CCA) is netrep's α = 0 shape metric, a pseudometric).
 * If p or q ≥ n − 1 every ρ is 1 for full-rank data (docs/metrics.md §5.2): refused here with a
 * pointer to SVCCA or PCA, instead of returning a meaningless 1.
 */
import type { Matrix } from '../../core/matrix';
import { SimspecError } from '../../core/errors';
import { centerColumns, crossProduct, singularValues, thinSvd } from '../../linalg';
import { checkPairedRows } from '../common/checks';

export interface CcaOptions {
  /** Centre columns (default true). */
  center?: boolean;
  labels?: { x?: string; y?: string };
}

export interface CcaResult {
  canonicalCorrelations: number[];
  meanCca: number;
  /** Σρ²/min(p, q). */
  meanSquaredCca: number;
  rank: { x: number; y: number };
}

/** Orthonormal basis of the (centred) column space: the rank-truncated left singular vectors. */
export function orthonormalBasis(x: Matrix, center: boolean): { q: Matrix; sigma: Float64Array; v: Matrix; rank: number } {
  const xc = center ? centerColumns(x).centered : x;
  const svd = thinSvd(xc);
  const top = svd.s.length > 0 ? svd.s[0]! : 0;
  const threshold = Math.max(x.rows, x.cols) * Number.EPSILON * top;
  let r = 0;
  while (r < svd.s.length && svd.s[r]! > threshold) r++;
  const k = svd.u.cols;
  const q = new Float64Array(x.rows * r);
  for (let i = 0; i < x.rows; i++) for (let c = 0; c < r; c++) q[i * r + c] = svd.u.data[i * k + c]!;
  return { q: { rows: x.rows, cols: r, data: q }, sigma: svd.s, v: svd.v, rank: r };
}

export function canonicalCorrelations(x: Matrix, y: Matrix, options: CcaOptions = {}): CcaResult {
  const labels = { x: options.labels?.x ?? 'X', y: options.labels?.y ?? 'Y' };
  checkPairedRows(x, y, 3, labels);
  const n = x.rows;
  for (const [m, label] of [[x, labels.x], [y, labels.y]] as const) {
    if (m.cols >= n - 1) {
      throw new SimspecError(`${label} has ${m.cols} columns for ${n} stimuli: every canonical correlation would be 1`, {
        variable: label,
        expected: `fewer than ${n - 1} columns (use SVCCA or PCA to reduce the width first)`,
        code: 'metric.degenerate',
      });
    }
  }
  const center = options.center ?? true;
  const bx = orthonormalBasis(x, center);
  const by = orthonormalBasis(y, center);
  const c = Math.min(bx.rank, by.rank);
  const rho = c === 0 ? new Float64Array(0) : singularValues(crossProduct(bx.q, by.q));
  const values = Array.from(rho.subarray(0, c), (v) => Math.min(1, Math.max(0, v)));
  const sum = values.reduce((a, b) => a + b, 0);
  const sumSq = values.reduce((a, b) => a + b * b, 0);
  return {
    canonicalCorrelations: values,
    meanCca: c === 0 ? 0 : sum / c,
    meanSquaredCca: sumSq / Math.min(x.cols, y.cols),
    rank: { x: bx.rank, y: by.rank },
  };
}

export function meanCanonicalCorrelation(x: Matrix, y: Matrix, options: CcaOptions = {}): number {
  return canonicalCorrelations(x, y, options).meanCca;
}
