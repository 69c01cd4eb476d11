/**
 * Classical (Torgerson) multidimensional scaling of a K × K distance matrix (docs/metrics.md §6.3):
 *
 *   B = −½ H (D∘D) H,  H = I − 11ᵀ/K;  eigh(B) = VΛVᵀ;  coordinates = V_k Λ_k^½ (top positive λ)
 *
 * Deterministic. Eigenvector signs are fixed so each vector's largest-|·| entry is positive (first
 * such entry on ties). Reported: all eigenvalues (descending) and the share of negative eigenvalue
 * mass Σ|λ<0| / Σ|λ| — angular and held-out shape distances are not Euclidean (held-out ones need not
 * even be metric), so this share says how faithful a flat map can be. Exact (zero stress) only for a
 * Euclidean D with k ≥ its dimension. Say whether D holds training or test distances.
 */
import type { Matrix } from '../../core/matrix';
import { SimspecError } from '../../core/errors';
import { symmetricEigen } from '../../linalg';

export interface MdsResult {
  /** K × k coordinates. */
  coordinates: Matrix;
  /** Eigenvalues of B, descending. */
  eigenvalues: number[];
  /** Σ|λ_i| over negative λ divided by Σ|λ_i|. */
  negativeEigenvalueShare: number;
  /** Share of the positive eigenvalue mass captured by the k dimensions kept. */
  positiveMassExplained: number;
}

export function classicalMds(distances: Matrix, dimensions = 2, label = 'distances'): MdsResult {
  const k = distances.rows;
  if (distances.cols !== k) {
    throw new SimspecError(`a ${distances.rows} × ${distances.cols} distance matrix is not square`, { variable: label, expected: 'a K × K matrix', code: 'data.shape' });
  }
  for (let i = 0; i < k; i++) {
    for (let j = 0; j < k; j++) {
      const d = distances.data[i * k + j]!;
      if (!Number.isFinite(d) || Math.abs(d - distances.data[j * k + i]!) > 1e-9 * (1 + Math.abs(d)) || (i === j && Math.abs(d) > 1e-12)) {
        throw new SimspecError(`entry (${i}, ${j}) breaks symmetry, finiteness or a zero diagonal`, {
          variable: label,
          expected: 'a symmetric matrix of finite distances with a zero diagonal',
          code: 'data.value',
        });
      }
    }
  }
  if (!Number.isInteger(dimensions) || dimensions < 1) {
    throw new SimspecError(`cannot embed in ${dimensions} dimensions`, { variable: 'dimensions', expected: 'an integer ≥ 1', code: 'spec.range' });
  }
  // B = −½ H D² H by row/column means of D².
  const d2 = new Float64Array(k * k);
  for (let t = 0; t < k * k; t++) d2[t] = distances.data[t]! ** 2;
  const rowMeans = new Float64Array(k);
  let grand = 0;
  for (let i = 0; i < k; i++) {
    let s = 0;
    for (let j = 0; j < k; j++) s += d2[i * k + j]!;
    rowMeans[i] = s / k;
    grand += s;
  }
  grand /= k * k;
  const b = new Float64Array(k * k);
  for (let i = 0; i < k; i++) {
    for (let j = 0; j < k; j++) b[i * k + j] = -0.5 * (d2[i * k + j]! - rowMeans[i]! - rowMeans[j]! + grand);
  }
  for (let i = 0; i < k; i++) for (let j = i + 1; j < k; j++) b[j * k + i] = b[i * k + j] = 0.5 * (b[i * k + j]! + b[j * k + i]!);
  const eig = symmetricEigen({ rows: k, cols: k, data: b });
  const order = Array.from({ length: k }, (_, t) => k - 1 - t); // descending
  const eigenvalues = order.map((j) => eig.values[j]!);
  let negative = 0;
  let absolute = 0;
  let positive = 0;
  for (const l of eigenvalues) {
    absolute += Math.abs(l);
    if (l < 0) negative += -l;
    else positive += l;
  }
  const kept = Math.min(dimensions, k);
  const coordinates = new Float64Array(k * kept);
  let captured = 0;
  for (let c = 0; c < kept; c++) {
    const j = order[c]!;
    const lambda = eig.values[j]!;
    if (!(lambda > 0)) continue; // non-positive directions get zero coordinates
    captured += lambda;
    let best = 0;
    for (let i = 1; i < k; i++) if (Math.abs(eig.vectors.data[i * k + j]!) > Math.abs(eig.vectors.data[best * k + j]!) + 1e-12) best = i;
    const sign = eig.vectors.data[best * k + j]! < 0 ? -1 : 1;
    const root = Math.sqrt(lambda);
    for (let i = 0; i < k; i++) coordinates[i * kept + c] = sign * eig.vectors.data[i * k + j]! * root;
  }
  return {
    coordinates: { rows: k, cols: kept, data: coordinates },
    eigenvalues,
    negativeEigenvalueShare: absolute === 0 ? 0 : negative / absolute,
    positiveMassExplained: positive === 0 ? 0 : captured / positive,
  };
}
