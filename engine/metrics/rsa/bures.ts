/**
 * Bures similarity and Bures metric between two RDMs (rsatoolbox `compare(method='bures' |
 * 'bures_metric')`, docs/metrics.md §2.3).
 *
 *   G = −½ H D H per RDM (the implied second-moment matrix of centred patterns)
 *   F = tr[(G₁^½ G₂ G₁^½)^½]         (fidelity; negative eigenvalues clipped to 0 in both roots)
 *   bures        = F / √(tr G₁ · tr G₂)      (normalised Bures similarity, 1 = identical)
 *   bures_metric = tr G₁ + tr G₂ − 2F         (squared Bures distance)
 * On squared-euclidean RDMs, bures = ‖X̃ᵀỸ‖_* / (‖X̃‖‖Ỹ‖) (netrep α = 1 angular cosine).
 * Numerics: G is rank-deficient (H removes one direction), so √ of rounding-level eigenvalues
 * (~1e-16 → ~1e-8) enter F; agreement with any peer is meaningful to ~1e-8 only.
 * Invariances: relabelling conditions consistently in both RDMs; bures is scale-free.
 */
import type { Matrix } from '../../core/matrix';
import { multiply, symmetricEigen, symmetricEigenvalues } from '../../linalg';
import { doubleCentredKernel } from './compare-cov';

function trace(m: Matrix): number {
  let t = 0;
  for (let i = 0; i < m.rows; i++) t += m.data[i * m.cols + i]!;
  return t;
}

/** A^½ of a symmetric matrix, negative eigenvalues clipped to 0. */
function symmetricSqrt(a: Matrix): Matrix {
  const { values, vectors } = symmetricEigen(a);
  const n = a.rows;
  const out = new Float64Array(n * n);
  for (let k = 0; k < n; k++) {
    const s = Math.sqrt(Math.max(values[k]!, 0));
    if (s === 0) continue;
    for (let i = 0; i < n; i++) {
      const vik = vectors.data[i * n + k]! * s;
      if (vik === 0) continue;
      for (let j = 0; j < n; j++) out[i * n + j]! += vik * vectors.data[j * n + k]!;
    }
  }
  return { rows: n, cols: n, data: out };
}

export interface BuresParts {
  fidelity: number;
  traceA: number;
  traceB: number;
}

export function buresParts(a: Float64Array, b: Float64Array): BuresParts {
  const g1 = doubleCentredKernel(a);
  const g2 = doubleCentredKernel(b);
  const root = symmetricSqrt(g1);
  const inner = multiply(multiply(root, g2), root);
  // Symmetrise against rounding before the eigen-decomposition.
  const n = inner.rows;
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const m = (inner.data[i * n + j]! + inner.data[j * n + i]!) / 2;
      inner.data[i * n + j] = m;
      inner.data[j * n + i] = m;
    }
  }
  const values = symmetricEigenvalues(inner);
  let fidelity = 0;
  for (let k = 0; k < values.length; k++) fidelity += Math.sqrt(Math.max(values[k]!, 0));
  return { fidelity, traceA: trace(g1), traceB: trace(g2) };
}

export function buresSimilarity(a: Float64Array, b: Float64Array): number {
  const { fidelity, traceA, traceB } = buresParts(a, b);
  return fidelity / Math.sqrt(traceA * traceB);
}

export function buresMetric(a: Float64Array, b: Float64Array): number {
  const { fidelity, traceA, traceB } = buresParts(a, b);
  return traceA + traceB - 2 * fidelity;
}
