import { test } from 'node:test';
import assert from 'node:assert/strict';
import { matrixFromRows } from '../../../engine/core/matrix';
import { SimspecError } from '../../../engine/core/errors';
import {
  add, centerColumns, columnMeans, crossGram, frobeniusInner, frobeniusNorm, nuclearNorm, scale, spectralNorm, subtract, symmetrize,
  trace, transpose,
} from '../../../engine/linalg';
import { EPS, maxAbs, randomMatrix } from './helpers';

test('transpose is an involution and moves (i, j) to (j, i)', () => {
  for (const [r, c] of [[0, 3], [1, 1], [3, 70], [45, 33]] as const) {
    const a = randomMatrix(r, c, r + c);
    const t = transpose(a);
    assert.deepEqual([t.rows, t.cols], [c, r]);
    for (let i = 0; i < r; i++) for (let j = 0; j < c; j++) assert.equal(t.data[j * r + i], a.data[i * c + j]);
    assert.deepEqual(transpose(t), a);
  }
});

test('centerColumns: known means, centred columns sum to ~0 even with a large offset', () => {
  const { centered, means } = centerColumns(matrixFromRows([[1, 2], [3, 6], [5, 10]]));
  assert.deepEqual(Array.from(means), [3, 6]);
  assert.deepEqual(Array.from(centered.data), [-2, -4, 0, 0, 2, 4]);
  const x = randomMatrix(50, 4, 3);
  const shifted = { rows: 50, cols: 4, data: x.data.map((v) => v + 1e8) };
  const c = centerColumns(shifted).centered;
  const residualMeans = columnMeans(c);
  assert.ok(maxAbs(residualMeans) <= 1e-8 * EPS * 1e8 * 50, `means ${Array.from(residualMeans)}`);
  assert.deepEqual(columnMeans({ rows: 0, cols: 2, data: new Float64Array(0) }), new Float64Array(2));
});

test('elementwise helpers', () => {
  const a = matrixFromRows([[1, 2], [3, 4]]);
  const b = matrixFromRows([[0.5, -1], [2, 0]]);
  assert.deepEqual(Array.from(add(a, b).data), [1.5, 1, 5, 4]);
  assert.deepEqual(Array.from(add(a, b, 2).data), [2, 0, 7, 4]);
  assert.deepEqual(Array.from(subtract(a, b).data), [0.5, 3, 1, 4]);
  assert.deepEqual(Array.from(scale(a, -2).data), [-2, -4, -6, -8]);
  assert.equal(trace(a), 5);
  assert.deepEqual(Array.from(symmetrize(a).data), [1, 2.5, 2.5, 4]);
  assert.equal(frobeniusInner(a, b), 0.5 - 2 + 6);
  assert.throws(() => add(a, randomMatrix(2, 3, 1)), SimspecError);
  assert.throws(() => trace(randomMatrix(2, 3, 1)), SimspecError);
});

test('norms: Frobenius² = tr(AᵀA), nuclear and spectral from known spectra, overflow-safe', () => {
  const a = randomMatrix(9, 6, 4);
  const f = frobeniusNorm(a);
  assert.ok(Math.abs(f * f - trace(crossGram(a))) <= 1e-13 * f * f);
  assert.equal(frobeniusNorm(matrixFromRows([[3, 4]])), 5);
  assert.ok(Math.abs(frobeniusNorm(matrixFromRows([[1e200, 1e200]])) - Math.SQRT2 * 1e200) <= 1e186);
  assert.ok(Math.abs(frobeniusNorm(matrixFromRows([[3e-200, 4e-200]])) - 5e-200) <= 1e-214);
  assert.ok(Number.isNaN(frobeniusNorm(matrixFromRows([[1, NaN]]))));
  // diag(-3, 2) rotated: σ = {3, 2}.
  const c = Math.cos(0.3);
  const s = Math.sin(0.3);
  const r = matrixFromRows([[-3 * c, 2 * s], [-3 * -s, 2 * c]]);
  assert.ok(Math.abs(nuclearNorm(r) - 5) <= 8 * EPS);
  assert.ok(Math.abs(spectralNorm(r) - 3) <= 8 * EPS);
  assert.equal(nuclearNorm({ rows: 0, cols: 4, data: new Float64Array(0) }), 0);
  // ‖A‖_* ≥ ‖A‖_F ≥ ‖A‖₂ for any A.
  assert.ok(nuclearNorm(a) >= f && f >= spectralNorm(a));
});
