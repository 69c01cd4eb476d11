// Stochastic shape metrics (Duong et al. 2023; docs/metrics.md §4.7, §7.1 values): Gaussian/Bures
// and energy distance.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { matrixFromRows, type Matrix, type NDArray } from '../../../engine/core/matrix';
import { buresSquared, energyStochasticDistance, gaussianStochasticDistance, type GaussianRepresentation } from '../../../engine/metrics/shape';
import { multiply, multiplyTransposed, crossProduct } from '../../../engine/linalg';
import { close, randomMatrix, randomOrthogonal } from './helpers';

const X = matrixFromRows([[1, 0], [-1, 0], [0, 1], [0, -1]]);
const I = matrixFromRows([[1, 0], [0, 1]]);
const D = matrixFromRows([[1, 0], [0, 4]]);

test('§7.1 Bures: B²(diag(1, 4), I) = 1', () => {
  close(buresSquared(D, I), 1, 1e-12, 'Bures');
});

test('§7.1 Gaussian stochastic: means X, covariances I vs diag(1, 4): α = 0 → √2, 1 → 1, 2 → 0', () => {
  const a: GaussianRepresentation = { means: X, covariances: [I, I, I, I] };
  const b: GaussianRepresentation = { means: X, covariances: [D, D, D, D] };
  close(gaussianStochasticDistance(a, b, { alpha: 0 }).distance, Math.SQRT2, 1e-6, 'α = 0');
  close(gaussianStochasticDistance(a, b, { alpha: 1 }).distance, 1, 1e-6, 'α = 1');
  close(gaussianStochasticDistance(a, b, { alpha: 2 }).distance, 0, 1e-6, 'α = 2');
});

function randomGaussians(n: number, p: number, seed: number): GaussianRepresentation {
  const covariances: Matrix[] = [];
  for (let i = 0; i < n; i++) {
    const f = randomMatrix(p, p, seed * 100 + i);
    const c = multiplyTransposed(f, f);
    for (let k = 0; k < p; k++) c.data[k * p + k] = c.data[k * p + k]! + 0.1;
    covariances.push(c);
  }
  return { means: randomMatrix(n, p, seed), covariances };
}

test('a rotated copy (μQ, QᵀΣQ) is at distance 0 for every α; symmetric', () => {
  const a = randomGaussians(6, 3, 1);
  const q = randomOrthogonal(3, 2);
  const b: GaussianRepresentation = { means: multiply(a.means, q), covariances: a.covariances.map((c) => multiply(crossProduct(q, c), q)) };
  for (const alpha of [0, 0.5, 1, 2]) close(gaussianStochasticDistance(a, b, { alpha }).distance, 0, 1e-5, `α = ${alpha}`);
  const c = randomGaussians(6, 3, 3);
  close(gaussianStochasticDistance(a, c).distance, gaussianStochasticDistance(c, a).distance, 1e-6, 'symmetry');
});

test('d_α ≥ √((1 − α/2)·d_0² + (α/2)·d_2²) (the minimum of a mixture is at least the mixture of minima)', () => {
  const a = randomGaussians(5, 3, 4);
  const b = randomGaussians(5, 3, 5);
  const d0 = gaussianStochasticDistance(a, b, { alpha: 0 }).distance;
  const d2 = gaussianStochasticDistance(a, b, { alpha: 2 }).distance;
  for (const alpha of [0.5, 1, 1.5]) {
    const d = gaussianStochasticDistance(a, b, { alpha }).distance;
    assert.ok(d >= Math.sqrt((1 - alpha / 2) * d0 ** 2 + (alpha / 2) * d2 ** 2) - 1e-9, `α = ${alpha}`);
  }
});

// Energy-distance stochastic metric (§4.7).

function repeats(n: number, r: number, p: number, seed: number, shift = 0): NDArray {
  const noise = randomMatrix(n * r, p, seed);
  const means = randomMatrix(n, p, 999);
  const data = new Float64Array(n * r * p);
  for (let i = 0; i < n; i++) for (let a = 0; a < r; a++) for (let k = 0; k < p; k++) {
    data[(i * r + a) * p + k] = 3 * means.data[i * p + k]! + 0.5 * noise.data[(i * r + a) * p + k]! + (k === 0 ? shift : 0);
  }
  return { shape: [n, r, p], data, dtype: 'float64' };
}

test('energy metric: identical inputs give a negative raw value clipped to 0 [parity]; a rotated copy gives 0', () => {
  const x = repeats(8, 4, 3, 1);
  const self = energyStochasticDistance(x, x);
  assert.ok(self.raw < 0);
  assert.equal(self.distance, 0);
  const q = randomOrthogonal(3, 5);
  const rotated: NDArray = { shape: x.shape, data: multiply({ rows: 32, cols: 3, data: x.data }, q).data, dtype: 'float64' };
  assert.equal(energyStochasticDistance(x, rotated).distance, 0);
  close(energyStochasticDistance(x, rotated).raw, self.raw, 1e-6, 'the fit undoes the rotation');
});

test('energy metric: shifted distributions are farther than a fresh sample of the same ones; symmetric', () => {
  const x = repeats(8, 5, 3, 2);
  const same = repeats(8, 5, 3, 3);
  const shifted = repeats(8, 5, 3, 4, 2);
  const dSame = energyStochasticDistance(x, same).distance;
  const dShift = energyStochasticDistance(x, shifted).distance;
  assert.ok(dShift > dSame + 0.3, `${dShift} vs ${dSame}`);
  close(energyStochasticDistance(shifted, x).distance, dShift, 1e-4, 'symmetry');
});
