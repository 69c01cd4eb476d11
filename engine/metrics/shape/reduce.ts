/**
 * Dimension reduction applied per network before a shape metric (docs/metrics.md §4.3, §4.4).
 *
 * - PCA to k components, fitted on training rows: training data become U_k diag(σ_k) (the top k
 *   directions of the factor), held-out rows (x − μ_train)V_k. Discards variance, so it changes the
 *   metric; it is the remedy when p ≥ n − 1 (α = 0 would give 0 for any two full-rank networks).
 * - Seeded Gaussian random projection R (p × k, entries N(0, 1/k)), drawn from numpy's legacy
 *   `RandomState(seed).standard_normal((p, k))` stream (polar Box–Muller), so the same seed and
 *   width give the same map in numpy. It depends only on (seed, p, k), so two networks of equal
 *   width get the same map and d(X, X) = 0 still holds. Johnson–Lindenstrauss: approximately
 *   preserves the geometry; not a fitted map, so no train/test leakage.
 */
import type { Matrix } from '../../core/matrix';
import { SimspecError } from '../../core/errors';
import { NumpyRandomState } from '../../stats/random';
import { multiply } from '../../linalg';

/** numpy `RandomState(seed).standard_normal(count)` (legacy polar method, pairs cached). */
export function numpyStandardNormal(seed: number, count: number): Float64Array {
  const rng = new NumpyRandomState(seed);
  const out = new Float64Array(count);
  let cached: number | null = null;
  for (let k = 0; k < count; k++) {
    if (cached !== null) {
      out[k] = cached;
      cached = null;
      continue;
    }
    let x1: number;
    let x2: number;
    let r2: number;
    do {
      x1 = 2 * rng.randomSample() - 1;
      x2 = 2 * rng.randomSample() - 1;
      r2 = x1 * x1 + x2 * x2;
    } while (r2 >= 1 || r2 === 0);
    const f = Math.sqrt((-2 * Math.log(r2)) / r2);
    cached = f * x1;
    out[k] = f * x2;
  }
  return out;
}

export function gaussianProjectionMatrix(width: number, components: number, seed: number): Matrix {
  const data = numpyStandardNormal(seed, width * components);
  const scale = 1 / Math.sqrt(components);
  for (let i = 0; i < data.length; i++) data[i] = data[i]! * scale;
  return { rows: width, cols: components, data };
}

export function randomlyProject(x: Matrix, components: number, seed: number, label: string): Matrix {
  if (components > x.cols) {
    throw new SimspecError(`cannot project ${x.cols} columns up to ${components}`, {
      variable: label,
      expected: `reduce.components ≤ ${x.cols}`,
      code: 'spec.range',
    });
  }
  return multiply(x, gaussianProjectionMatrix(x.cols, components, seed));
}
