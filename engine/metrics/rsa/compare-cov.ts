/**
 * Whitened RDM comparisons: cosine_cov and corr_cov (Diedrichsen et al. 2021, "whitened unbiased
 * cosine" without the signal-dependent term), rsatoolbox `compare(method='cosine_cov'|'corr_cov')`
 * with sigma_k = I (docs/metrics.md §2.3).
 *
 *   cosine_cov(a, b) = aᵀV⁻¹b / √(aᵀV⁻¹a · bᵀV⁻¹b),  V = (CCᵀ)∘(CCᵀ), C the pair-contrast matrix.
 * Fast form [parity with rsatoolbox's `_cov_weighting`]: this equals the Frobenius cosine of the
 * double-centred kernels G = −½ H D H (off-diagonal entries × √2, then the diagonal). With missing
 * pairs, the double centring becomes a weighted least-squares projection (weight ½ for pairs, 1 for
 * the diagonal) onto the complement of span{e_i + e_j}, exactly as rsatoolbox does.
 * corr_cov removes each vector's mean over its pairs BEFORE whitening.
 * Invariances: positive scaling of either RDM; on squared-euclidean RDMs cosine_cov = linear CKA.
 */
import type { Matrix } from '../../core/matrix';
import { solve } from '../../linalg';
import { conditionsFromPairs } from './condensed';

/** G = −½ H D H of a complete condensed RDM (n × n). */
export function doubleCentredKernel(condensed: Float64Array, n = conditionsFromPairs(condensed.length)): Matrix {
  const g = new Float64Array(n * n);
  let k = 0;
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const v = -0.5 * condensed[k++]!;
      g[i * n + j] = v;
      g[j * n + i] = v;
    }
  }
  const rowMean = new Float64Array(n);
  let total = 0;
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < n; j++) s += g[i * n + j]!;
    rowMean[i] = s / n;
    total += s;
  }
  const mean = total / (n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) g[i * n + j] = g[i * n + j]! - rowMean[i]! - rowMean[j]! + mean;
  return { rows: n, cols: n, data: g };
}

/**
 * The whitened representation of a condensed RDM: √2 × off-diagonal entries of G (kept pairs only,
 * in condensed order), followed by the n diagonal entries. `keep` marks the pairs that are present
 * (all when omitted; `forceProjection` takes the missing-pairs route anyway, for tests). Plain cosine of two such vectors = cosine_cov.
 */
export function whitenedRdmVector(condensed: Float64Array, keep?: Uint8Array, forceProjection = false): Float64Array {
  const N = condensed.length;
  const n = conditionsFromPairs(N);
  if (!forceProjection && (!keep || keep.every((x) => x === 1))) {
    const g = doubleCentredKernel(condensed, n);
    const out = new Float64Array(N + n);
    let k = 0;
    for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) out[k++] = Math.SQRT2 * g.data[i * n + j]!;
    for (let i = 0; i < n; i++) out[N + i] = g.data[i * n + i]!;
    return out;
  }
  // v = −½ [d_kept, 0_n]; S has rows e_i + e_j for kept pairs and e_k for the diagonal, weights
  // W = ½ for pairs and 1 for the diagonal. The projection v − v S (SᵀWS)⁻¹ (WS)ᵀ equals
  // v − W S c with c = (SᵀWS)⁻¹ Sᵀ vᵀ (an n × n solve).
  const normal = new Float64Array(n * n);
  const rhs = new Float64Array(n);
  for (let i = 0; i < n; i++) normal[i * n + i] = 1;
  const present = keep ?? new Uint8Array(N).fill(1);
  let k = 0;
  let kept = 0;
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++, k++) {
      if (!present[k]) continue;
      kept++;
      const v = -0.5 * condensed[k]!;
      normal[i * n + i]! += 0.5;
      normal[j * n + j]! += 0.5;
      normal[i * n + j]! += 0.5;
      normal[j * n + i]! += 0.5;
      rhs[i]! += v;
      rhs[j]! += v;
    }
  }
  const c = solve({ rows: n, cols: n, data: normal }, { rows: n, cols: 1, data: rhs }).data;
  const out = new Float64Array(kept + n);
  let p = 0;
  k = 0;
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++, k++) {
      if (!present[k]) continue;
      out[p++] = Math.SQRT2 * (-0.5 * condensed[k]! - 0.5 * (c[i]! + c[j]!));
    }
  }
  for (let i = 0; i < n; i++) out[kept + i] = -c[i]!;
  return out;
}
