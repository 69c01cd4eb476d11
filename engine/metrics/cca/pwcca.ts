/**
 * Projection-weighted CCA (Morcos, Raghu & Bengio 2018):
 *
 *   PWCCA = Σ_i w_i ρ_i,   w_i ∝ Σ_j |⟨h_i, x̃_j⟩|,  Σ w_i = 1
 *
 * ρ_i are the canonical correlations (canonicalCorrelations.ts); h_i = Q_x P_i are the weighting
 * side's canonical variates (orthonormal, n-vectors; svd(Q_xᵀQ_y) = PΣQᵀ); x̃_j are that side's
 * centred unit (neuron) activity vectors. ASYMMETRIC: `weightsFrom` names the side supplying the
 * weights (default 'x', the first argument) and the result states it. Not a metric.
 * Differences from Google's `compute_pwcca` [avoid]: its Y branch projects X's activity with Y's
 * indices (fixed here: each side uses its own activity); it adds the means back before the QR step
 * and weights by uncentred activity (here centred, so the weights are translation invariant); it
 * silently picks the side with fewer retained neurons (here the caller chooses).
 */
import type { Matrix } from '../../core/matrix';
import { centerColumns, crossProduct, multiply, thinSvd } from '../../linalg';
import { checkPairedRows } from '../common/checks';
import { canonicalCorrelations, orthonormalBasis } from './canonicalCorrelations';

export interface PwccaOptions {
  weightsFrom?: 'x' | 'y';
  center?: boolean;
}

export interface PwccaResult {
  pwcca: number;
  weightsFrom: 'x' | 'y';
  weights: number[];
  canonicalCorrelations: number[];
}

export function pwcca(x: Matrix, y: Matrix, options: PwccaOptions = {}): PwccaResult {
  checkPairedRows(x, y, 3);
  const weightsFrom = options.weightsFrom ?? 'x';
  const center = options.center ?? true;
  // Validates widths against n and gives ρ in the same order as the SVD below.
  const cca = canonicalCorrelations(x, y, { center });
  const bx = orthonormalBasis(x, center);
  const by = orthonormalBasis(y, center);
  const svd = thinSvd(crossProduct(bx.q, by.q));
  const c = cca.canonicalCorrelations.length;
  const side = weightsFrom === 'x' ? x : y;
  const basis = weightsFrom === 'x' ? bx.q : by.q;
  const directions = weightsFrom === 'x' ? svd.u : svd.v;
  const variates = multiply(basis, directions); // n × c, orthonormal columns h_i
  const activity = center ? centerColumns(side).centered : side;
  const projections = crossProduct(variates, activity); // c × p: ⟨h_i, x̃_j⟩
  const weights = new Float64Array(c);
  let total = 0;
  for (let i = 0; i < c; i++) {
    let s = 0;
    for (let j = 0; j < projections.cols; j++) s += Math.abs(projections.data[i * projections.cols + j]!);
    weights[i] = s;
    total += s;
  }
  let value = 0;
  for (let i = 0; i < c; i++) {
    weights[i] = total > 0 ? weights[i]! / total : 1 / c;
    value += weights[i]! * svd.s[i]!;
  }
  return { pwcca: value, weightsFrom, weights: Array.from(weights), canonicalCorrelations: cca.canonicalCorrelations };
}
