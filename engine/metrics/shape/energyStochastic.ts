/**
 * Energy-distance stochastic shape metric (Duong et al. 2023, ICLR; netrep
 * `EnergyStochasticMetric`; docs/metrics.md §4.7). Inputs are n × r × p: r repeated responses per
 * stimulus. With T ∈ O(p) acting on Y's samples (rows convention, yT):
 *
 *   E_xy(i) = mean over all r_x·r_y pairs (a, b) of ‖x_i^a − y_i^b T‖
 *   E_xx(i) = mean over pairs a < b of ‖x_i^a − x_i^b‖   (E_yy likewise)
 *   d = √max(0, mean_i E_xy − ½(mean_i E_xx + mean_i E_yy))      (half the energy distance, rooted)
 *
 * Fit: T minimises Σ_i Σ_ab ‖x_i^a − y_i^b T‖ by iteratively reweighted least squares (weights
 * 1/max(‖residual‖, 1e-6), each step a weighted Procrustes), started from Procrustes on the
 * per-stimulus means. [parity] For identical inputs the raw value is negative (E_xy includes the
 * a = b pairs at distance 0) and d(X, X) = 0 only because of the clip. Invariant to rotations of
 * either network; translations are NOT removed (no centring, as netrep). A metric when the fit is
 * optimal (the IRLS objective is convex in T's embedding but O(p) is not: an upper bound otherwise).
 */
import type { Matrix, NDArray } from '../../core/matrix';
import { SimspecError } from '../../core/errors';
import { multiplyTransposed, thinSvd } from '../../linalg';

export interface EnergyStochasticOptions {
  maxIterations?: number;
  /** Stop when the objective improves by less than tolerance·objective (default 1e-10). */
  tolerance?: number;
}

export interface EnergyStochasticResult {
  distance: number;
  /** p × p orthogonal map applied to Y's samples. */
  transform: Matrix;
  iterations: number;
  /** mean_i E_xy − ½(mean_i E_xx + mean_i E_yy) before the clip (negative for identical inputs). */
  raw: number;
}

function shape3(a: NDArray, label: string): [number, number, number] {
  if (a.shape.length !== 3) {
    throw new SimspecError(`${label} has shape (${a.shape.join(', ')})`, { variable: label, expected: 'stimuli × repeats × units', code: 'data.shape' });
  }
  return a.shape as unknown as [number, number, number];
}

function distance(a: Float64Array, ai: number, b: Float64Array, bi: number, p: number): number {
  let s = 0;
  for (let k = 0; k < p; k++) s += (a[ai + k]! - b[bi + k]!) ** 2;
  return Math.sqrt(s);
}

export function energyStochasticDistance(x: NDArray, y: NDArray, options: EnergyStochasticOptions = {}): EnergyStochasticResult {
  const [n, rx, px] = shape3(x, 'X');
  const [ny, ry, py] = shape3(y, 'Y');
  if (n !== ny) throw new SimspecError(`X has ${n} stimuli but Y has ${ny}`, { variable: 'Y', expected: `${n} stimuli`, code: 'data.rows' });
  if (rx < 2 || ry < 2) throw new SimspecError('the energy distance needs at least 2 repeats per stimulus', { expected: '≥ 2 repeats', code: 'data.shape' });
  const p = Math.max(px, py);
  const pad = (a: NDArray, r: number, w: number): Float64Array => {
    const out = new Float64Array(n * r * p);
    for (let t = 0; t < n * r; t++) out.set(a.data.subarray(t * w, (t + 1) * w), t * p);
    return out;
  };
  const xs = pad(x, rx, px);
  const ys = pad(y, ry, py);
  let t: Matrix = { rows: p, cols: p, data: new Float64Array(p * p) };
  const applyT = (): Float64Array => {
    const out = new Float64Array(n * ry * p);
    for (let row = 0; row < n * ry; row++) {
      for (let j = 0; j < p; j++) {
        let s = 0;
        for (let k = 0; k < p; k++) s += ys[row * p + k]! * t.data[k * p + j]!;
        out[row * p + j] = s;
      }
    }
    return out;
  };
  /** Weighted Procrustes: T = UVᵀ from svd(Σ w_k y_kᵀ x_k). */
  const weightedProcrustes = (weight: (i: number, a: number, b: number) => number): Matrix => {
    const c = new Float64Array(p * p);
    for (let i = 0; i < n; i++) {
      for (let a = 0; a < rx; a++) {
        const xi = (i * rx + a) * p;
        for (let b = 0; b < ry; b++) {
          const w = weight(i, a, b);
          if (w === 0) continue;
          const yi = (i * ry + b) * p;
          for (let k = 0; k < p; k++) {
            const yk = w * ys[yi + k]!;
            for (let j = 0; j < p; j++) c[k * p + j] = c[k * p + j]! + yk * xs[xi + j]!;
          }
        }
      }
    }
    const { u, v } = thinSvd({ rows: p, cols: p, data: c });
    return multiplyTransposed(u, v);
  };
  const crossObjective = (moved: Float64Array): number => {
    let s = 0;
    for (let i = 0; i < n; i++) for (let a = 0; a < rx; a++) for (let b = 0; b < ry; b++) s += distance(xs, (i * rx + a) * p, moved, (i * ry + b) * p, p);
    return s;
  };
  // Start: Procrustes on the pairwise sums (equal weights), i.e. on the means.
  t = weightedProcrustes(() => 1);
  let moved = applyT();
  let value = crossObjective(moved);
  const maxIterations = options.maxIterations ?? 200;
  const tolerance = options.tolerance ?? 1e-10;
  let iterations = 0;
  for (; iterations < maxIterations; iterations++) {
    const current = moved;
    const next = weightedProcrustes((i, a, b) => 1 / Math.max(distance(xs, (i * rx + a) * p, current, (i * ry + b) * p, p), 1e-6));
    const previousT = t;
    t = next;
    const nextMoved = applyT();
    const nextValue = crossObjective(nextMoved);
    if (nextValue > value) {
      t = previousT;
      break;
    }
    const improvement = value - nextValue;
    moved = nextMoved;
    value = nextValue;
    if (!(improvement > tolerance * value)) break;
  }
  const within = (s: Float64Array, r: number): number => {
    let total = 0;
    for (let i = 0; i < n; i++) {
      let sum = 0;
      for (let a = 0; a < r; a++) for (let b = a + 1; b < r; b++) sum += distance(s, (i * r + a) * p, s, (i * r + b) * p, p);
      total += sum / ((r * (r - 1)) / 2);
    }
    return total / n;
  };
  const exy = value / (n * rx * ry);
  const raw = exy - 0.5 * (within(xs, rx) + within(ys, ry));
  return { distance: Math.sqrt(Math.max(raw, 0)), transform: t, iterations: iterations + 1, raw };
}
