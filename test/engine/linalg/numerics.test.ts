// Shared numerics (engine/linalg/numerics.ts): the scaled 2-norm and hypot give the exact Pythagorean
// values at 1e±300 where a plain sum of squares overflows or underflows; the Givens chain equals the
// rotations applied one at a time (the definition), in both directions, and keeps every row's norm.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyGivensChain, hypot2, scaledNorm2, transposeSquare } from '../../../engine/linalg/numerics';

test('scaledNorm2 and hypot2: 3-4-5 at every scale, NaN and Infinity', () => {
  for (const scale of [1, 1e300, 1e-300, 2 ** -1070]) {
    assert.equal(hypot2(3 * scale, 4 * scale), 5 * scale);
    assert.equal(scaledNorm2(Float64Array.of(0, 3 * scale, 0, -4 * scale)), 5 * scale);
  }
  assert.equal(scaledNorm2(Float64Array.of(9, 2, 2, 1, 9), 1, 3), 3);
  assert.equal(hypot2(0, 0), 0);
  assert.ok(Number.isNaN(scaledNorm2(Float64Array.of(1, NaN, 2))));
  assert.equal(scaledNorm2(Float64Array.of(1, Infinity, -Infinity)), Infinity);
});

test('transposeSquare', () => {
  assert.deepEqual([...transposeSquare(Float64Array.of(1, 2, 3, 4, 5, 6, 7, 8, 9), 3)], [1, 4, 7, 2, 5, 8, 3, 6, 9]);
});

test('applyGivensChain equals the rotations applied one by one, ascending and descending, and keeps row norms', () => {
  const n = 9; // 9 rows: two groups of four and one single row
  const x0 = Float64Array.from({ length: n * n }, (_, i) => Math.sin(i * 1.7) * 3);
  const cos = Float64Array.from({ length: n }, (_, i) => Math.cos(0.3 + i));
  const sin = Float64Array.from({ length: n }, (_, i) => Math.sin(0.3 + i));
  const one = (x: Float64Array, row: number, k: number, descending: boolean) => {
    const a = x[row * n + k]!;
    const b = x[row * n + k + 1]!;
    const c = cos[k]!;
    const s = sin[k]!;
    if (descending) {
      x[row * n + k + 1] = s * a + c * b;
      x[row * n + k] = c * a - s * b;
    } else {
      x[row * n + k] = c * a + s * b;
      x[row * n + k + 1] = c * b - s * a;
    }
  };
  for (const [from, to] of [[1, 7], [8, 2], [0, 8], [3, 4], [5, 5]] as const) {
    const got = new Float64Array(x0);
    applyGivensChain(got, n, from, to, cos, sin);
    const want = new Float64Array(x0);
    for (let row = 0; row < n; row++) {
      if (from < to) for (let k = from; k < to; k++) one(want, row, k, false);
      else for (let k = from - 1; k >= to; k--) one(want, row, k, true);
    }
    for (let i = 0; i < n * n; i++) assert.ok(Math.abs(got[i]! - want[i]!) <= 1e-14 * 3, `${from}→${to}: entry ${i}`);
    for (let row = 0; row < n; row++) {
      const before = scaledNorm2(x0, row * n, n);
      assert.ok(Math.abs(scaledNorm2(got, row * n, n) - before) <= 1e-14 * before, `${from}→${to}: row ${row} norm`);
    }
  }
});
