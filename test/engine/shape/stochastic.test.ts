// Gaussian stochastic shape metric (Duong et al. 2023; §4.7, §7.1 values) and its properties.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { matrixFromRows, type Matrix } from '../../../engine/core/matrix';
import { buresSquared, gaussianStochasticDistance, type GaussianRepresentation } from '../../../engine/metrics/shape';
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
