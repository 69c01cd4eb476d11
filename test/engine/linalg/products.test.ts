import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SimspecError } from '../../../engine/core/errors';
import type { Matrix } from '../../../engine/core/matrix';
import { crossGram, crossProduct, gram, multiply, multiplyTransposed, multiplyVector, transpose } from '../../../engine/linalg';
import { assertProductClose, EPS, fromMl, maxAbsDifference, naiveProduct, randomMatrix, toMl } from './helpers';

// (m, k, n): awkward sizes — empty, 1×1, not multiples of the 3×4 micro-tile, and sizes crossing
// the KC = 256 and MC = 192 cache blocks.
const SHAPES: [number, number, number][] = [
  [0, 0, 0], [0, 3, 2], [3, 0, 2], [2, 3, 0], [1, 1, 1], [1, 5, 1], [2, 1, 7], [3, 4, 5],
  [7, 13, 11], [5, 9, 4], [13, 257, 6], [194, 300, 9], [10, 3, 197],
];

test('multiply, crossProduct and multiplyTransposed agree with a naive triple loop', () => {
  SHAPES.forEach(([m, k, n], s) => {
    const a = randomMatrix(m, k, 10 + s);
    const b = randomMatrix(k, n, 50 + s);
    assertProductClose(multiply(a, b), naiveProduct(a, b, false, false), k, `multiply ${m}×${k}·${k}×${n}`);
    const at = randomMatrix(k, m, 90 + s);
    assertProductClose(crossProduct(at, b), naiveProduct(at, b, true, false), k, `crossProduct ${k}×${m}ᵀ·${k}×${n}`);
    const bt = randomMatrix(n, k, 130 + s);
    assertProductClose(multiplyTransposed(a, bt), naiveProduct(a, bt, false, true), k, `multiplyTransposed ${m}×${k}·(${n}×${k})ᵀ`);
  });
});

test('gram and crossGram agree with the naive product and are exactly symmetric', () => {
  for (const [n, p] of [[0, 4], [4, 0], [1, 1], [2, 3], [5, 7], [11, 2], [197, 260], [9, 300]] as const) {
    const x = randomMatrix(n, p, 7 * n + p);
    const g = gram(x);
    assertProductClose(g, naiveProduct(x, x, false, true), p, `gram ${n}×${p}`);
    const c = crossGram(x);
    assertProductClose(c, naiveProduct(x, x, true, false), n, `crossGram ${n}×${p}`);
    for (const s of [g, c]) {
      for (let i = 0; i < s.rows; i++) for (let j = 0; j < i; j++) assert.equal(s.data[i * s.cols + j], s.data[j * s.cols + i]);
    }
  }
});

test('products match ml-matrix (reference implementation) on awkward shapes', () => {
  for (const [m, k, n] of [[1, 1, 1], [5, 7, 3], [13, 257, 6], [194, 300, 9], [4, 2, 197]] as const) {
    const a = randomMatrix(m, k, 400 + m);
    const b = randomMatrix(k, n, 500 + n);
    const tol = 4 * k * EPS; // entries are < 1 in magnitude, so |Σ a·b| ≤ k
    assert.ok(maxAbsDifference(multiply(a, b).data, fromMl(toMl(a).mmul(toMl(b))).data) <= tol, `multiply ${m}×${k}×${n}`);
    const c = randomMatrix(m, n, 600 + k);
    assert.ok(maxAbsDifference(crossProduct(a, c).data, fromMl(toMl(a).transpose().mmul(toMl(c))).data) <= 4 * m * EPS, `crossProduct ${m}×${k}×${n}`);
    const bt = transpose(b);
    assert.ok(maxAbsDifference(multiplyTransposed(a, bt).data, fromMl(toMl(a).mmul(toMl(b))).data) <= tol, `multiplyTransposed ${m}×${k}×${n}`);
    assert.ok(maxAbsDifference(gram(a).data, fromMl(toMl(a).mmul(toMl(a).transpose())).data) <= tol, `gram ${m}×${k}`);
  }
});

test('products match ml-matrix (reference implementation)', () => {
  const a = randomMatrix(23, 41, 1, 10);
  const b = randomMatrix(41, 17, 2, 0.1);
  const scale = 41 * 10 * 0.1;
  assert.ok(maxAbsDifference(multiply(a, b).data, fromMl(toMl(a).mmul(toMl(b))).data) <= 1e-13 * scale);
  const c = randomMatrix(23, 17, 3);
  assert.ok(maxAbsDifference(crossProduct(a, c).data, fromMl(toMl(a).transpose().mmul(toMl(c))).data) <= 1e-13 * 23 * 10);
  assert.ok(maxAbsDifference(gram(a).data, fromMl(toMl(a).mmul(toMl(a).transpose())).data) <= 1e-12 * 41 * 100);
  const v = Float64Array.from({ length: 41 }, (_, i) => Math.sin(i));
  const want = toMl(a).mmul(new (toMl(a).constructor as typeof import('ml-matrix').Matrix)([Array.from(v)]).transpose());
  assert.ok(maxAbsDifference(multiplyVector(a, v), want.to1DArray()) <= 1e-13 * 41 * 10);
});

test('NaN and Inf propagate as in the naive product', () => {
  const a = randomMatrix(8, 9, 4);
  const b = randomMatrix(9, 7, 5);
  a.data[2 * 9 + 3] = NaN;
  b.data[4 * 7 + 5] = Infinity;
  const got = multiply(a, b);
  const want = naiveProduct(a, b, false, false);
  assertProductClose(got, want, 9, 'NaN/Inf multiply');
  // Row 2 is all NaN; column 5 is ±Inf or NaN, never finite.
  for (let j = 0; j < 7; j++) assert.ok(Number.isNaN(got.data[2 * 7 + j]!));
  for (let i = 0; i < 8; i++) assert.ok(!Number.isFinite(got.data[i * 7 + 5]!));
  const x = randomMatrix(6, 5, 6);
  x.data[4 * 5 + 1] = NaN;
  const g = gram(x);
  for (let i = 0; i < 6; i++) {
    for (let j = 0; j < 6; j++) assert.equal(Number.isNaN(g.data[i * 6 + j]!), i === 4 || j === 4, `gram (${i}, ${j})`);
  }
});

test('mismatched shapes throw SimspecError', () => {
  const a: Matrix = randomMatrix(3, 4, 1);
  assert.throws(() => multiply(a, a), SimspecError);
  assert.throws(() => crossProduct(a, transpose(a)), SimspecError);
  assert.throws(() => multiplyTransposed(a, transpose(a)), SimspecError);
  assert.throws(() => multiplyVector(a, new Float64Array(3)), SimspecError);
});
