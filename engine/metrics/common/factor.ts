/**
 * One network's centred data as a thin factorisation X̃ = U diag(σ) Vᵀ (U: n × r orthonormal,
 * σ descending), computed once per network and reused by every pair (netrep re-whitens per pair,
 * §8 item 9). Two routes give the same (U, σ) (docs/metrics.md §4.5):
 *
 * - feature route (p < n): thin SVD of the n × p centred matrix; also yields V (p × r), needed to
 *   map held-out rows. Costs O(np²).
 * - Gram route (p ≥ n): K̄ = X̃X̃ᵀ accumulated over column blocks, each block centred BEFORE it is
 *   multiplied (double-centring a raw Gram cancels catastrophically on offset data, §8 item 29);
 *   eigh(K̄) = U diag(σ²) Uᵀ, keeping directions with σ² > n·ε·σ²_max. F = U diag(σ) is the factor;
 *   nothing ever takes √ of eigenvalues of a product of two Grams (§8 item 27). Costs O(n²p + n³)
 *   time and O(n²) memory beyond the input: a p × p matrix is never formed.
 */
import type { Matrix } from '../../core/matrix';
import { centerColumns, gram, symmetricEigen, thinSvd } from '../../linalg';

export type FactorRoute = 'feature' | 'gram';
export type RouteChoice = 'auto' | FactorRoute;

export interface NetworkFactor {
  /** n, the number of rows factorised. */
  rows: number;
  /** p, the number of columns of the data (before any padding). */
  width: number;
  /** n × r, orthonormal columns. */
  u: Matrix;
  /** r singular values of the centred (and, if asked, rescaled) data, descending. */
  sigma: Float64Array;
  /** p × r right singular vectors (feature route only). */
  v: Matrix | null;
  /** Column means subtracted (null when centring is off). */
  means: Float64Array | null;
  /** The data were divided by this before factorising (1, or ‖X̃‖ in the scale-free mode). */
  divisor: number;
  route: FactorRoute;
  /** Directions above the relative rank threshold max(n, p)·ε·σ_max. */
  rank: number;
}

export interface FactorOptions {
  center?: boolean;
  route?: RouteChoice;
  /**
   * The centred Gram of `x` (`centredGram(x, true)`) when the caller already holds it — the run's
   * one product per representation (docs/performance.md §7.2). Used by the Gram route when centring;
   * the factor is then the same, bit for bit, as from its own product.
   */
  centredGram?: () => CentredGram;
}

export interface CentredGram {
  gram: Matrix;
  means: Float64Array | null;
}

/**
 * How many centred Grams `centredGram` has formed in this process: the test of "one product per
 * representation per run" reads it before and after a run (docs/performance.md §7.2).
 */
export const gramProducts = { centred: 0 };

/** Columns per centred block: about 16 MB of block, whatever n is. */
function gramBlockColumns(n: number): number {
  return Math.max(32, Math.floor(2 ** 21 / Math.max(n, 1)));
}

export function chooseRoute(rows: number, cols: number, choice: RouteChoice = 'auto'): FactorRoute {
  if (choice !== 'auto') return choice;
  return cols < rows ? 'feature' : 'gram';
}

export function factorizeNetwork(x: Matrix, options: FactorOptions = {}): NetworkFactor {
  const center = options.center ?? true;
  const route = chooseRoute(x.rows, x.cols, options.route);
  if (route === 'feature') return featureFactor(x, center);
  return gramFactor(x, center && options.centredGram ? options.centredGram() : centredGram(x, center));
}

/** The scale-free mode of §4.2 [choose]: divide X̃ by ‖X̃‖ (= ‖σ‖) so 0 < α < 1 ignores data scale. */
export function scaleFreeFactor(factor: NetworkFactor): NetworkFactor {
  let norm2 = 0;
  for (const s of factor.sigma) norm2 += s * s;
  const norm = Math.sqrt(norm2);
  if (!(norm > 0)) return factor;
  return { ...factor, sigma: factor.sigma.map((s) => s / norm), divisor: factor.divisor * norm };
}

function numericalRank(sigma: Float64Array, rows: number, cols: number): number {
  const top = sigma.length > 0 ? sigma[0]! : 0;
  const threshold = Math.max(rows, cols) * Number.EPSILON * top;
  let r = 0;
  while (r < sigma.length && sigma[r]! > threshold) r++;
  return r;
}

function featureFactor(x: Matrix, center: boolean): NetworkFactor {
  let data = x;
  let means: Float64Array | null = null;
  if (center) {
    const c = centerColumns(x);
    data = c.centered;
    means = c.means;
  }
  const svd = thinSvd(data);
  return {
    rows: x.rows,
    width: x.cols,
    u: svd.u,
    sigma: Float64Array.from(svd.s),
    v: svd.v,
    means,
    divisor: 1,
    route: 'feature',
    rank: numericalRank(svd.s, x.rows, x.cols),
  };
}

/** X̃X̃ᵀ accumulated over column blocks, each centred before use. */
export function centredGram(x: Matrix, center = true): CentredGram {
  gramProducts.centred++;
  const n = x.rows;
  const k = new Float64Array(n * n);
  const means = center ? new Float64Array(x.cols) : null;
  const blockColumns = gramBlockColumns(n);
  for (let j0 = 0; j0 < x.cols; j0 += blockColumns) {
    const b = Math.min(blockColumns, x.cols - j0);
    const block = new Float64Array(n * b);
    for (let i = 0; i < n; i++) {
      const row = i * x.cols + j0;
      for (let j = 0; j < b; j++) block[i * b + j] = x.data[row + j]!;
    }
    if (means) {
      for (let j = 0; j < b; j++) {
        let s = 0;
        for (let i = 0; i < n; i++) s += block[i * b + j]!;
        const m = s / n;
        means[j0 + j] = m;
        for (let i = 0; i < n; i++) block[i * b + j] = block[i * b + j]! - m;
      }
    }
    const g = gram({ rows: n, cols: b, data: block });
    for (let t = 0; t < n * n; t++) k[t] = k[t]! + g.data[t]!;
  }
  // Symmetrise before eigh (§4.5 numerical cautions).
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const m = 0.5 * (k[i * n + j]! + k[j * n + i]!);
      k[i * n + j] = m;
      k[j * n + i] = m;
    }
  }
  return { gram: { rows: n, cols: n, data: k }, means };
}

function gramFactor(x: Matrix, product: CentredGram): NetworkFactor {
  const n = x.rows;
  const { gram: k, means } = product;
  const eig = symmetricEigen(k);
  const lambdaMax = Math.max(eig.values[n - 1] ?? 0, 0);
  const threshold = n * Number.EPSILON * lambdaMax;
  const kept: number[] = [];
  for (let j = n - 1; j >= 0; j--) {
    if (eig.values[j]! > threshold && eig.values[j]! > 0) kept.push(j);
  }
  const r = kept.length;
  const u = new Float64Array(n * r);
  const sigma = new Float64Array(r);
  kept.forEach((j, c) => {
    sigma[c] = Math.sqrt(eig.values[j]!);
    for (let i = 0; i < n; i++) u[i * r + c] = eig.vectors.data[i * n + j]!;
  });
  return {
    rows: n,
    width: x.cols,
    u: { rows: n, cols: r, data: u },
    sigma,
    v: null,
    means,
    divisor: 1,
    route: 'gram',
    rank: r,
  };
}

/** The first k directions of a factor (PCA to k components of the rows it was fitted on). */
export function truncateFactor(factor: NetworkFactor, k: number): NetworkFactor {
  const r = Math.min(k, factor.sigma.length);
  const n = factor.u.rows;
  const u = new Float64Array(n * r);
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < r; c++) u[i * r + c] = factor.u.data[i * factor.u.cols + c]!;
  }
  let v: Matrix | null = null;
  if (factor.v) {
    const p = factor.v.rows;
    const vd = new Float64Array(p * r);
    for (let i = 0; i < p; i++) {
      for (let c = 0; c < r; c++) vd[i * r + c] = factor.v.data[i * factor.v.cols + c]!;
    }
    v = { rows: p, cols: r, data: vd };
  }
  return {
    ...factor,
    u: { rows: n, cols: r, data: u },
    sigma: factor.sigma.slice(0, r),
    v,
    width: k,
    rank: Math.min(factor.rank, r),
  };
}
