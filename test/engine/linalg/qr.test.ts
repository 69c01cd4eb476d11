import { test } from 'node:test';
import assert from 'node:assert/strict';
import { multiply, thinQr } from '../../../engine/linalg';
import { EPS, maxAbs, maxAbsDifference, orthogonalityError, randomMatrix } from './helpers';

test('thinQr: Q orthonormal, R upper triangular, Q·R = A on tall, wide, square and empty shapes', () => {
  for (const [m, n] of [[0, 0], [0, 3], [3, 0], [1, 1], [1, 4], [5, 1], [6, 6], [40, 7], [7, 40], [100, 60], [200, 100], [90, 150], [65, 65]] as const) {
    const a = randomMatrix(m, n, 31 * m + n);
    const { q, r } = thinQr(a);
    const k = Math.min(m, n);
    assert.deepEqual([q.rows, q.cols, r.rows, r.cols], [m, k, k, n], `${m}×${n} shapes`);
    for (let i = 0; i < k; i++) for (let j = 0; j < Math.min(i, n); j++) assert.equal(r.data[i * n + j], 0, `${m}×${n}: R(${i}, ${j})`);
    assert.ok(orthogonalityError(q) <= 20 * Math.max(m, 1) * EPS, `${m}×${n}: orthogonality`);
    if (m * n > 0) assert.ok(maxAbsDifference(multiply(q, r).data, a.data) <= 20 * Math.max(m, n) * EPS * maxAbs(a.data), `${m}×${n}: Q·R`);
  }
});

test('thinQr: LAPACK dlarfg sign convention, R₀₀ = −sign(a₀₀)·‖a_:,0‖', () => {
  // Column (3, 4): ‖·‖ = 5, a₀₀ > 0 → R₀₀ = −5 and Q's first column = −(0.6, 0.8).
  const { q, r } = thinQr({ rows: 2, cols: 1, data: Float64Array.of(3, 4) });
  assert.ok(Math.abs(r.data[0]! + 5) <= 4 * EPS * 5);
  assert.ok(maxAbsDifference(q.data, [-0.6, -0.8]) <= 4 * EPS);
  const negative = thinQr({ rows: 2, cols: 1, data: Float64Array.of(-3, 4) });
  assert.ok(Math.abs(negative.r.data[0]! - 5) <= 4 * EPS * 5);
});

test('thinQr: rank-deficient input keeps Q orthonormal and Q·R = A', () => {
  const a = multiply(randomMatrix(30, 2, 1), randomMatrix(2, 6, 2));
  const { q, r } = thinQr(a);
  assert.ok(orthogonalityError(q) <= 600 * EPS);
  assert.ok(maxAbsDifference(multiply(q, r).data, a.data) <= 600 * EPS * maxAbs(a.data));
  for (let i = 2; i < 6; i++) assert.ok(Math.abs(r.data[i * 6 + i]!) <= 1e-13 * maxAbs(a.data), `R(${i}, ${i})`);
});
