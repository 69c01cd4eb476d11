// The netrep LinearMetric worked example of docs/metrics.md §7.1 (values verified against netrep
// 0.0.2 there): X = [[1,0],[−1,0],[0,1],[0,−1]], Y = X·diag(1, 2), centred.
import { test } from 'node:test';
import { matrixFromRows } from '../../../engine/core/matrix';
import { factorizeNetwork, netrepWhiteningWeights, alignFactors, shapeDistance } from '../../../engine/metrics/shape';
import { angularLinearCka, linearCka } from '../../../engine/metrics/cka';
import { multiply } from '../../../engine/linalg';
import { addRowVector, close, hstack, permuteColumns, scaled, zerosMatrix } from './helpers';

const X = matrixFromRows([[1, 0], [-1, 0], [0, 1], [0, -1]]);
const Y = matrixFromRows([[1, 0], [-1, 0], [0, 2], [0, -2]]);
const linear = (alpha: number, score: 'angular' | 'euclidean') =>
  alpha === 1 ? ({ group: 'orthogonal', score } as const) : ({ group: 'linear', alpha, score } as const);

test('§7.1 distances at α ∈ {1, 0.5, 0}, both scores', () => {
  const table: Array<[number, number, number]> = [
    [1, Math.acos(3 / Math.sqrt(10)), Math.SQRT2],
    [0.5, 0.222781, 1.289763],
    [0, 0, 1.162278],
  ];
  for (const [alpha, angular, euclidean] of table) {
    close(shapeDistance(X, Y, linear(alpha, 'angular')).distance, angular, 1e-6, `angular α=${alpha}`);
    close(shapeDistance(X, Y, linear(alpha, 'euclidean')).distance, euclidean, 1e-6, `euclidean α=${alpha}`);
  }
  close(shapeDistance(X, Y, linear(1, 'angular')).distance, 0.321751, 1e-6, 'arccos(3/√10) printed value');
});

test('§7.1 intermediates at α = 0.5: Z_X = I, Z_Y = diag(1.192723, 0.945702), ‖X_wᵀY_w‖_* = 6.168256', () => {
  const fx = factorizeNetwork(X);
  const fy = factorizeNetwork(Y);
  const wx = netrepWhiteningWeights(fx.sigma, 2, 0.5);
  const wy = netrepWhiteningWeights(fy.sigma, 2, 0.5);
  // Z·V = s·V diag(h): X's scatter is 2I, so both of its directions get s·h = 1.
  for (const h of wx.h) close(wx.s * h, 1, 1e-12, 'Z_X');
  // Y's directions (descending σ): the 2nd column (σ² = 8) then the 1st (σ² = 2).
  close(wy.s * wy.h[0]!, 0.945702, 1e-6, 'Z_Y[1,1]');
  close(wy.s * wy.h[1]!, 1.192723, 1e-6, 'Z_Y[0,0]');
  const al = alignFactors(fx, fy, 0.5, 2);
  close(al.wx.s * al.wy.s * al.nuclear, 6.168256, 1e-6, 'nuclear norm');
  // X_wᵀY_w = Z_Xᵀ X̃ᵀỸ Z_Y with X̃ᵀỸ = diag(2, 4): diag(2·Z_Y[0,0], 4·Z_Y[1,1]) = diag(2.385447, 3.782809).
  close(2 * wy.s * wy.h[1]!, 2.385447, 2e-6, 'X_wᵀY_w[0,0]');
  close(4 * wy.s * wy.h[0]!, 3.782809, 2e-6, 'X_wᵀY_w[1,1]');
  close(2 * wy.s * wy.h[1]! + 4 * wy.s * wy.h[0]!, al.wx.s * al.wy.s * al.nuclear, 1e-12, 'nuclear norm = trace of the diagonal product');
});

test('§7.1 scale dependence of netrep whitening at α = 0.5 (and the scale-free mode)', () => {
  close(shapeDistance(scaled(X, 10), scaled(Y, 10), linear(0.5, 'angular')).distance, 0.308185, 1e-6, '(10X, 10Y)');
  close(shapeDistance(X, scaled(Y, 10), linear(0.5, 'angular')).distance, 0.308185, 1e-6, '(X, 10Y)');
  for (const alpha of [1, 0]) {
    const base = shapeDistance(X, Y, linear(alpha, 'angular')).distance;
    close(shapeDistance(scaled(X, 10), scaled(Y, 10), linear(alpha, 'angular')).distance, base, 1e-12, `α=${alpha} unchanged`);
  }
  const free = (a: typeof X, b: typeof Y) => shapeDistance(a, b, { group: 'linear', alpha: 0.5, whitening: 'scale-free' }).distance;
  close(free(scaled(X, 10), Y), free(X, Y), 1e-12, 'scale-free mode ignores scale');
  close(free(X, scaled(Y, 37)), free(X, Y), 1e-12, 'scale-free mode ignores scale');
});

test('§7.1 linear CKA = 20/√544 = 0.857493, angular 0.540420', () => {
  close(linearCka(X, Y), 20 / Math.sqrt(544), 1e-12, 'CKA');
  close(angularLinearCka(X, Y), 0.54042, 1e-6, 'angular CKA');
});

test('§7.1 zero distances: rotations at every α, cXQ + v at α = 1, padding, permuted columns', () => {
  const c = Math.cos(0.7);
  const s = Math.sin(0.7);
  const r = matrixFromRows([[c, -s], [s, c]]);
  const xr = multiply(X, r);
  for (const alpha of [0, 0.25, 0.5, 1]) {
    for (const score of ['angular', 'euclidean'] as const) {
      close(shapeDistance(X, xr, linear(alpha, score)).distance, 0, 1e-12, `X vs XR(0.7) α=${alpha} ${score} (small-distance residual, not arccos)`);
    }
  }
  const affine = addRowVector(scaled(xr, 3.5), [4, -2]);
  close(shapeDistance(X, affine, { group: 'orthogonal' }).distance, 0, 1e-12, 'cXQ + v, α = 1 angular');
  const padded = hstack(X, zerosMatrix(4, 1));
  for (const alpha of [0, 0.5, 1]) close(shapeDistance(X, padded, linear(alpha, 'angular')).distance, 0, 1e-12, `X vs [X, 0] α=${alpha}`);
  const z = matrixFromRows([[1, 5, 0], [-1, 2, 3], [0, 1, 1], [4, -1, 2]]);
  close(shapeDistance(z, permuteColumns(z, [2, 0, 1]), { group: 'permutation' }).distance, 0, 1e-12, 'permuted columns');
  close(shapeDistance(z, permuteColumns(z, [2, 0, 1]), { group: 'permutation', score: 'euclidean' }).distance, 0, 1e-12, 'permuted columns euclidean');
});
