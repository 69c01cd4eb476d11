/**
 * SVCCA (Raghu, Gilmer, Yosinski & Sohl-Dickstein 2017): per network, keep the top principal
 * components — a fixed k, or the smallest k with Σ_{i≤k}σ_i² / Σσ_i² ≥ f (e.g. 0.99) — as
 * X̃V_k = U_k diag(σ_k); then mean CCA of the reduced matrices (min(k_x, k_y) correlations).
 * [avoid] ReSi keeps only 1 PC because it compares a cumulative FRACTION with 0.99 × the total
 * variance; here the fraction is compared with f (docs/metrics.md §5.2, §8 item 26).
 * Invariant to orthogonal maps, isotropic scale and translation; not to general linear maps (the
 * SVD step is not). A similarity, not a metric.
 */
import type { Matrix } from '../../core/matrix';
import { SimspecError } from '../../core/errors';
import { canonicalCorrelations, orthonormalBasis } from './canonicalCorrelations';
import { checkPairedRows } from '../common/checks';

export interface SvccaOptions {
  /** Fixed number of components per network (a number, or one per network). */
  components?: number | { x: number; y: number };
  /** Variance fraction in (0, 1] to keep (default 0.99 when components is not given). */
  varianceKept?: number;
  center?: boolean;
}

export interface SvccaResult {
  svcca: number;
  canonicalCorrelations: number[];
  k: { x: number; y: number };
  rule: string;
}

/** Smallest k with cumulative variance fraction ≥ f. */
export function componentsForVariance(sigma: Float64Array, fraction: number): number {
  let total = 0;
  for (const s of sigma) total += s * s;
  let cumulative = 0;
  for (let k = 0; k < sigma.length; k++) {
    cumulative += sigma[k]! * sigma[k]!;
    if (cumulative / total >= fraction) return k + 1;
  }
  return sigma.length;
}

function reduced(x: Matrix, center: boolean, rule: { k?: number; fraction?: number }, label: string): Matrix {
  const basis = orthonormalBasis(x, center);
  const k = rule.k ?? componentsForVariance(basis.sigma.subarray(0, basis.rank), rule.fraction!);
  if (k > basis.rank || k < 1) {
    throw new SimspecError(`cannot keep ${k} components: the centred data have rank ${basis.rank}`, {
      variable: label,
      expected: `1 ≤ components ≤ ${basis.rank}`,
      code: 'spec.range',
    });
  }
  const r = basis.q.cols;
  const out = new Float64Array(x.rows * k);
  for (let i = 0; i < x.rows; i++) for (let c = 0; c < k; c++) out[i * k + c] = basis.q.data[i * r + c]! * basis.sigma[c]!;
  return { rows: x.rows, cols: k, data: out };
}

export function svcca(x: Matrix, y: Matrix, options: SvccaOptions = {}): SvccaResult {
  checkPairedRows(x, y, 3);
  const center = options.center ?? true;
  let ruleX: { k?: number; fraction?: number };
  let ruleY: { k?: number; fraction?: number };
  let rule: string;
  if (options.components !== undefined) {
    const c = options.components;
    ruleX = { k: typeof c === 'number' ? c : c.x };
    ruleY = { k: typeof c === 'number' ? c : c.y };
    rule = `fixed components (${ruleX.k}, ${ruleY.k})`;
  } else {
    const f = options.varianceKept ?? 0.99;
    if (!(f > 0 && f <= 1)) {
      throw new SimspecError(`varianceKept = ${f} is outside (0, 1]`, { variable: 'varianceKept', expected: 'a fraction such as 0.99', code: 'spec.range' });
    }
    ruleX = { fraction: f };
    ruleY = { fraction: f };
    rule = `smallest k with cumulative variance fraction ≥ ${f}`;
  }
  const xr = reduced(x, center, ruleX, 'X');
  const yr = reduced(y, center, ruleY, 'Y');
  const cca = canonicalCorrelations(xr, yr, { center: false, labels: { x: 'X (reduced)', y: 'Y (reduced)' } });
  return { svcca: cca.meanCca, canonicalCorrelations: cca.canonicalCorrelations, k: { x: xr.cols, y: yr.cols }, rule };
}
