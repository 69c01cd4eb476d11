// Metric axioms on training data (Williams et al. 2021, Prop. 1; docs/metrics.md §4.1, §5.4) for
// every group and α ∈ {0, 0.5, 1}, on seeded random data; plus the Gram-route / feature-route
// identities of §4.5 and the netrep test identities quoted in §7.1.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Matrix } from '../../../engine/core/matrix';
import { shapeDistance, type ShapeOptions } from '../../../engine/metrics/shape';
import { centerColumns, crossProduct, multiply, nuclearNorm, frobeniusNorm, singularValues } from '../../../engine/linalg';
import { addRowVector, close, permuteColumns, randomMatrix, randomOrthogonal, scaled } from './helpers';

const settings: Array<{ name: string; options: ShapeOptions }> = [];
for (const score of ['angular', 'euclidean'] as const) {
  settings.push({ name: `permutation ${score}`, options: { group: 'permutation', score } });
  settings.push({ name: `orthogonal ${score}`, options: { group: 'orthogonal', score } });
  settings.push({ name: `linear α=0.5 ${score}`, options: { group: 'linear', alpha: 0.5, score } });
  settings.push({ name: `linear α=0 ${score}`, options: { group: 'linear', alpha: 0, score } });
}

/** A copy of x moved by an element of the setting's group (plus a translation, removed by centring). */
function transformed(x: Matrix, options: ShapeOptions, seed: number): Matrix {
  const p = x.cols;
  const shift = Array.from({ length: p }, (_, j) => 3 - j);
  if (options.group === 'permutation') return addRowVector(permuteColumns(x, Array.from({ length: p }, (_, j) => (j * 3 + 1) % p)), shift);
  const q = randomOrthogonal(p, seed);
  // netrep's variance-preserving factor s makes the Euclidean score at α < 1 depend on the total
  // variance, so only the angular score at α = 0 is invariant to every invertible linear map (§4.2).
  if (options.group === 'orthogonal' || options.alpha !== 0 || options.score === 'euclidean') return addRowVector(multiply(x, q), shift);
  const w = randomMatrix(p, p, seed + 1);
  for (let j = 0; j < p; j++) w.data[j * p + j] = w.data[j * p + j]! + 3;
  return addRowVector(multiply(x, w), shift);
}

test('zero distance to a G-transformed copy, for each G and α', () => {
  for (const { name, options } of settings) {
    for (let seed = 1; seed <= 3; seed++) {
      const x = randomMatrix(15, 5, 100 + seed, 0.5);
      const d = shapeDistance(x, transformed(x, options, seed), options).distance;
      close(d, 0, 1e-9, `${name} seed ${seed}`);
    }
  }
});

test('symmetry and the triangle inequality on training rows', () => {
  for (const { name, options } of settings) {
    for (let seed = 1; seed <= 4; seed++) {
      const [a, b, c] = [randomMatrix(12, 4, seed, 1), randomMatrix(12, 4, seed + 50), randomMatrix(12, 4, seed + 90, -0.5)];
      const ab = shapeDistance(a, b, options).distance;
      const ba = shapeDistance(b, a, options).distance;
      const bc = shapeDistance(b, c, options).distance;
      const ac = shapeDistance(a, c, options).distance;
      close(ab, ba, 1e-10, `${name} symmetry seed ${seed}`);
      assert.ok(ac <= ab + bc + 1e-10, `${name} triangle seed ${seed}: ${ac} > ${ab} + ${bc}`);
      assert.ok(ab > 1e-3, `${name}: independent data should be at a positive distance`);
    }
  }
});

test('netrep §7.1: triangle inequality for n = 31, p = 30 at α ∈ {0, 0.5, 1}', () => {
  const [a, b, c] = [randomMatrix(31, 30, 7), randomMatrix(31, 30, 8), randomMatrix(31, 30, 9)];
  for (const alpha of [0, 0.5, 1]) {
    for (const score of ['angular', 'euclidean'] as const) {
      const o: ShapeOptions = alpha === 1 ? { group: 'orthogonal', score } : { group: 'linear', alpha, score };
      const d = (u: Matrix, v: Matrix) => shapeDistance(u, v, o).distance;
      assert.ok(d(a, c) <= d(a, b) + d(b, c) + 1e-9, `α=${alpha} ${score}`);
    }
  }
});

test('netrep §7.1: Y = XQ uncentred is 0 at α = 1; Y = XW + v is 0 at α = 0 and > 0 at α = 1', () => {
  const x = randomMatrix(20, 4, 11, 1);
  close(shapeDistance(x, multiply(x, randomOrthogonal(4, 12)), { group: 'orthogonal', center: false }).distance, 0, 1e-7, 'XQ uncentred');
  const w = randomMatrix(4, 4, 13);
  const y = addRowVector(multiply(x, w), [1, 2, 3, 4]);
  close(shapeDistance(x, y, { group: 'linear', alpha: 0 }).distance, 0, 1e-6, 'XW + v at α = 0');
  assert.ok(shapeDistance(x, y, { group: 'orthogonal' }).distance > 0.01);
});

test('netrep §7.1: orthonormal X, Y uncentred at α = 1 give arccos(mean cosine of the principal angles)', () => {
  const qx = randomOrthogonal(10, 21);
  const qy = randomOrthogonal(10, 22);
  const take = (q: Matrix) => ({ rows: 10, cols: 3, data: Float64Array.from({ length: 30 }, (_, t) => q.data[Math.floor(t / 3) * 10 + (t % 3)]!) });
  const x = take(qx);
  const y = take(qy);
  const cosines = singularValues(crossProduct(x, y));
  const mean = cosines.reduce((s, v) => s + v, 0) / 3;
  close(shapeDistance(x, y, { group: 'orthogonal', center: false }).distance, Math.acos(mean), 1e-10, 'principal angles');
});

test('p ≥ n − 1: α = 0 gives 0 for two unrelated full-rank networks (§4.3); α = 1 does not', () => {
  const x = randomMatrix(40, 40, 31);
  const y = randomMatrix(40, 40, 32);
  close(shapeDistance(x, y, { group: 'linear', alpha: 0 }).distance, 0, 1e-6, 'α = 0');
  assert.ok(shapeDistance(x, y, { group: 'orthogonal' }).distance > 0.5);
});

test('Gram route and feature route agree to 1e-9 wherever both apply (§4.5)', () => {
  const x = randomMatrix(40, 10, 41, 2);
  const y = randomMatrix(40, 15, 42, -1);
  for (const alpha of [0, 0.3, 0.5, 1]) {
    for (const score of ['angular', 'euclidean'] as const) {
      for (const center of [true, false]) {
        const base: ShapeOptions = alpha === 1 ? { group: 'orthogonal', score, center } : { group: 'linear', alpha, score, center };
        const feature = shapeDistance(x, y, { ...base, route: 'feature' });
        const gram = shapeDistance(x, y, { ...base, route: 'gram' });
        assert.equal(feature.route.x, 'feature');
        assert.equal(gram.route.y, 'gram');
        const scale = score === 'euclidean' ? Math.max(1, feature.distance) : 1;
        close(gram.distance, feature.distance, 1e-9 * scale, `α=${alpha} ${score} center=${center}`);
      }
    }
  }
});

test('wide networks (p > n) take the Gram route and match ‖X̃ᵀỸ‖_* computed in feature space', () => {
  const x = randomMatrix(20, 60, 51, 1);
  const y = randomMatrix(20, 45, 52);
  const r = shapeDistance(x, y, { group: 'orthogonal' });
  assert.deepEqual(r.route, { x: 'gram', y: 'gram' });
  assert.deepEqual(r.rank, { x: 19, y: 19 });
  const xc = centerColumns(x).centered;
  const yc = centerColumns(y).centered;
  const want = Math.acos(nuclearNorm(crossProduct(xc, yc)) / (frobeniusNorm(xc) * frobeniusNorm(yc)));
  close(r.distance, want, 1e-10, 'angular Procrustes');
  const e = shapeDistance(x, y, { group: 'orthogonal', score: 'euclidean' }).distance;
  const wantE = Math.sqrt(frobeniusNorm(xc) ** 2 + frobeniusNorm(yc) ** 2 - 2 * nuclearNorm(crossProduct(xc, yc)));
  close(e, wantE, 1e-9 * wantE, 'euclidean Procrustes');
});

test('angular scores ignore isotropic scale at α ∈ {0, 1} and for permutations', () => {
  const x = randomMatrix(25, 6, 61);
  const y = randomMatrix(25, 6, 62);
  for (const o of [{ group: 'orthogonal' }, { group: 'linear', alpha: 0 }, { group: 'permutation' }] as ShapeOptions[]) {
    close(shapeDistance(scaled(x, 7), y, o).distance, shapeDistance(x, y, o).distance, 1e-10, String(o.group));
  }
});

test('PCA reduction and random projection keep d(X, X) = 0 and are reported', () => {
  const x = randomMatrix(30, 50, 71);
  const pca = shapeDistance(x, x, { group: 'linear', alpha: 0.5, reduce: { method: 'pca', components: 10 } });
  close(pca.distance, 0, 1e-7, 'pca');
  assert.deepEqual(pca.reduction?.components, { x: 10, y: 10 });
  const rp = shapeDistance(x, x, { group: 'orthogonal', reduce: { method: 'random-projection', components: 12, seed: 3 } });
  close(rp.distance, 0, 1e-7, 'random projection');
  assert.equal(rp.reduction?.seed, 3);
  const y = randomMatrix(30, 50, 72);
  assert.ok(shapeDistance(x, y, { group: 'orthogonal', reduce: { method: 'pca', components: 10 } }).distance > 0.1);
});
