// WASM symmetric eigendecomposition (engine/linalg/wasm/eigen.ts) for both modules: a matrix built
// as Q·diag(λ)·Qᵀ from a known spectrum (Q a product of Householder reflections) must give back λ
// ascending; every pair must satisfy A·v = λ·v and VᵀV = I to rounding; repeated eigenvalues, n = 0,
// 1, 2, a matrix past the 128-column rotation block, entries near 1e±300 (power-of-two scaling);
// non-finite input gives NaN.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Matrix } from '../../../engine/core/matrix';
import { relaxedSimdAvailable, setKernelMode, symmetricEigen, symmetricEigenvalues, type KernelMode } from '../../../engine/linalg/wasm';

function seeded(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32 - 0.5;
  };
}

/** Q·diag(lambda)·Qᵀ with Q = H1·H2·H3 (Householder reflections of random unit vectors). */
function withSpectrum(lambda: number[], seed: number): Matrix {
  const n = lambda.length;
  const next = seeded(seed);
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i++) a[i * n + i] = lambda[i]!;
  for (let r = 0; r < 3; r++) {
    const v = Float64Array.from({ length: n }, next);
    const norm = Math.hypot(...v);
    for (let i = 0; i < n; i++) v[i]! /= norm;
    // A ← H A H with H = I − 2vvᵀ
    const av = new Float64Array(n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) av[i] += a[i * n + j]! * v[j]!;
    let vav = 0;
    for (let i = 0; i < n; i++) vav += v[i]! * av[i]!;
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) a[i * n + j] += -2 * v[i]! * av[j]! - 2 * av[i]! * v[j]! + 4 * vav * v[i]! * v[j]!;
  }
  return { rows: n, cols: n, data: a };
}

function check(a: Matrix, want: number[], label: string): void {
  const n = a.rows;
  const { values, vectors } = symmetricEigen(a);
  const scale = Math.max(...want.map(Math.abs)) || 1;
  const sorted = [...want].sort((x, y) => x - y);
  for (let i = 0; i < n; i++) assert.ok(Math.abs(values[i]! - sorted[i]!) <= 1e-12 * scale * n, `${label}: λ${i} ${values[i]} vs ${sorted[i]}`);
  const only = symmetricEigenvalues(a);
  for (let i = 0; i < n; i++) assert.ok(Math.abs(only[i]! - sorted[i]!) <= 1e-12 * scale * n, `${label}: values-only λ${i}`);
  const v = vectors.data;
  for (let j = 0; j < n; j++) {
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let k = 0; k < n; k++) s += a.data[i * n + k]! * v[k * n + j]!;
      assert.ok(Math.abs(s - values[j]! * v[i * n + j]!) <= 1e-12 * scale * n, `${label}: residual (${i}, ${j})`);
    }
    for (let l = j; l < n; l++) {
      let s = 0;
      for (let k = 0; k < n; k++) s += v[k * n + j]! * v[k * n + l]!;
      assert.ok(Math.abs(s - (j === l ? 1 : 0)) <= 1e-12 * n, `${label}: orthogonality (${j}, ${l})`);
    }
  }
}

for (const mode of ['wasm-fma', 'wasm-simd'] as KernelMode[]) {
  test(`${mode}: symmetricEigen recovers a known spectrum with orthonormal eigenvectors`, { skip: mode === 'wasm-fma' && !relaxedSimdAvailable() }, () => {
    setKernelMode(mode);
    try {
      assert.equal(symmetricEigen({ rows: 0, cols: 0, data: new Float64Array(0) }).values.length, 0);
      check({ rows: 1, cols: 1, data: Float64Array.of(-3) }, [-3], '1×1');
      check(withSpectrum([2, -1], 1), [2, -1], '2×2');
      check(withSpectrum([5, 5, 5, 1, 1, -2, 0], 2), [5, 5, 5, 1, 1, -2, 0], 'repeated');
      const wide = Array.from({ length: 150 }, (_, i) => (i % 7) - 3 + i / 1000);
      check(withSpectrum(wide, 3), wide, '150×150');
      check(withSpectrum([1e300, -2e300, 3e299, 5e299], 5), [1e300, -2e300, 3e299, 5e299], 'huge');
      check(withSpectrum([1e-300, -2e-300, 3e-301, 5e-301], 6), [1e-300, -2e-300, 3e-301, 5e-301], 'tiny');
      const zero = symmetricEigen({ rows: 3, cols: 3, data: new Float64Array(9) });
      assert.deepEqual([...zero.values], [0, 0, 0]);
      const bad = withSpectrum([1, 2, 3], 4);
      bad.data[4] = NaN;
      assert.ok(symmetricEigen(bad).values.every(Number.isNaN));
      assert.ok(symmetricEigenvalues(bad).every(Number.isNaN));
    } finally {
      setKernelMode(undefined);
    }
  });
}
