// WASM SIMD product kernels (engine/linalg/wasm) against a naive triple loop, for both modules
// (relaxed-simd FMA and plain mul+add), on awkward shapes: empty, 1, odd, not a multiple of the
// 4×4 tile, of MC = 192 or of KC = 256, and with NaN/±Inf entries. The tolerance is the standard
// forward error bound of a length-k dot product, |ĉ − c| ≤ γ_k·(|A||B|), γ_k ≈ k·2⁻⁵³ (Higham 2002,
// §3.1), with a factor 2 margin — an invariance of floating point, not a number taken from our output.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, existsSync } from 'node:fs';
import type { Matrix } from '../../../engine/core/matrix';
import {
  crossGram,
  gemmDispatch,
  crossProduct,
  gram,
  kernelVariant,
  multiply,
  multiplyTransposed,
  relaxedSimdAvailable,
  setKernelMode,
  simdAvailable,
  type KernelMode,
} from '../../../engine/linalg/wasm';
import { sourceHashOfAssembly } from './source-hash';
import { SOURCE_HASH } from '../../../engine/linalg/wasm/modules.generated';

function seeded(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32 - 0.5;
  };
}

function random(rows: number, cols: number, seed: number): Matrix {
  const next = seeded(seed);
  const data = new Float64Array(rows * cols);
  for (let i = 0; i < data.length; i++) data[i] = next();
  return { rows, cols, data };
}

const at = (m: Matrix, i: number, j: number): number => m.data[i * m.cols + j]!;

/** Naive C = op(A)·op(B) and the bound matrix |op(A)|·|op(B)|. */
function naive(m: number, n: number, k: number, a: (i: number, l: number) => number, b: (l: number, j: number) => number) {
  const c = new Float64Array(m * n);
  const abs = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      let t = 0;
      for (let l = 0; l < k; l++) {
        s += a(i, l) * b(l, j);
        t += Math.abs(a(i, l) * b(l, j));
      }
      c[i * n + j] = s;
      abs[i * n + j] = t;
    }
  }
  return { c, abs };
}

function assertClose(got: Matrix, want: { c: Float64Array; abs: Float64Array }, k: number, label: string): void {
  assert.equal(got.data.length, want.c.length, `${label}: size`);
  const gamma = 2 * (k + 2) * 2 ** -53;
  for (let i = 0; i < want.c.length; i++) {
    const g = got.data[i]!;
    const w = want.c[i]!;
    if (Number.isNaN(w)) assert.ok(Number.isNaN(g), `${label}: entry ${i} should be NaN, got ${g}`);
    else if (!Number.isFinite(w)) assert.equal(g, w, `${label}: entry ${i}`);
    else assert.ok(Math.abs(g - w) <= gamma * want.abs[i]! + 1e-300, `${label}: entry ${i}: ${g} vs ${w}`);
  }
}

function checkAll(x: Matrix, y: Matrix, z: Matrix, label: string): void {
  // x: r×p, y: r×q (AᵀB), z: s×p (ABᵀ); w = yᵀ-shaped p×t for AB
  const { rows: r, cols: p } = x;
  assertClose(gram(x), naive(r, r, p, (i, l) => at(x, i, l), (l, j) => at(x, j, l)), p, `${label} gram`);
  assertClose(crossGram(x), naive(p, p, r, (i, l) => at(x, l, i), (l, j) => at(x, l, j)), r, `${label} crossGram`);
  assertClose(crossProduct(x, y), naive(p, y.cols, r, (i, l) => at(x, l, i), (l, j) => at(y, l, j)), r, `${label} crossProduct`);
  assertClose(multiplyTransposed(x, z), naive(r, z.rows, p, (i, l) => at(x, i, l), (l, j) => at(z, j, l)), p, `${label} multiplyTransposed`);
  const w = random(p, 3, 99);
  assertClose(multiply(x, w), naive(r, 3, p, (i, l) => at(x, i, l), (l, j) => at(w, l, j)), p, `${label} multiply`);
}

const SHAPES: Array<[number, number]> = [
  [0, 5],
  [5, 0],
  [1, 1],
  [1, 9],
  [7, 1],
  [3, 5],
  [17, 13],
  [193, 37], // rows past MC = 192
  [9, 257], // k past KC = 256
  [198, 300],
];

const MODES: Array<{ mode: KernelMode; available: () => boolean; variant: string }> = [
  { mode: 'wasm-fma', available: relaxedSimdAvailable, variant: 'fma' },
  { mode: 'wasm-simd', available: simdAvailable, variant: 'simd' },
];

test('Node 20+ runs WASM SIMD, and relaxed-simd after enabling its flag', () => {
  assert.ok(simdAvailable());
  assert.ok(relaxedSimdAvailable());
});

test('the embedded modules were built from the current assembly/ sources', () => {
  assert.equal(SOURCE_HASH, sourceHashOfAssembly(), 'run node scripts/build-wasm.mjs');
});

for (const { mode, available, variant } of MODES) {
  test(`${mode}: products match the naive loop on awkward shapes`, { skip: !available() }, () => {
    setKernelMode(mode);
    try {
      assert.equal(kernelVariant(), variant);
      for (const [r, p] of SHAPES) {
        checkAll(random(r, p, r * 31 + p), random(r, 6, r + 7), random(5, p, p + 11), `${r}×${p}`);
      }
    } finally {
      setKernelMode(undefined);
    }
  });

  test(`${mode}: NaN and ±Inf propagate as in the naive loop`, { skip: !available() }, () => {
    setKernelMode(mode);
    try {
      const x = random(11, 262, 5);
      x.data[3 * 262 + 100] = NaN;
      x.data[6 * 262 + 5] = Infinity;
      x.data[8 * 262 + 260] = -Infinity;
      const y = random(11, 7, 6);
      y.data[2 * 7 + 4] = Infinity;
      checkAll(x, y, random(5, 262, 8), 'non-finite');
      const g = gram(x);
      assert.ok(Number.isNaN(at(g, 3, 0)) && Number.isNaN(at(g, 0, 3)) && Number.isFinite(at(g, 0, 1)));
      assert.equal(at(g, 6, 6), Infinity);
    } finally {
      setKernelMode(undefined);
    }
  });
}

test('the fma module fuses multiply-add (on x86-64 CPUs with FMA) and the simd module rounds the product', () => {
  // a·b − 1 with a = 1 + 2⁻³⁰, b = 1 − 2⁻³⁰ is exactly −2⁻⁶⁰; a separately rounded product gives 1 − 1 = 0.
  const a = 1 + 2 ** -30;
  const b = 1 - 2 ** -30;
  const left: Matrix = { rows: 1, cols: 2, data: Float64Array.of(-1, a) };
  const right: Matrix = { rows: 2, cols: 1, data: Float64Array.of(1, b) };
  try {
    setKernelMode('wasm-simd');
    assert.equal(multiply(left, right).data[0], 0);
    if (relaxedSimdAvailable()) {
      setKernelMode('wasm-fma');
      const got = multiply(left, right).data[0];
      const cpuHasFma = existsSync('/proc/cpuinfo') && / fma /.test(readFileSync('/proc/cpuinfo', 'utf8')) && process.arch === 'x64';
      if (cpuHasFma) assert.equal(got, -(2 ** -60));
      else assert.ok(got === 0 || got === -(2 ** -60));
    }
  } finally {
    setKernelMode(undefined);
  }
});

test('SIMSPEC_KERNELS=js selects the plain TypeScript kernels', () => {
  setKernelMode('js');
  try {
    assert.equal(kernelVariant(), undefined);
    const x = random(6, 5, 1);
    assertClose(gram(x), naive(6, 6, 5, (i, l) => at(x, i, l), (l, j) => at(x, j, l)), 5, 'js gram');
  } finally {
    setKernelMode(undefined);
  }
});

test('gemmDispatch honours gemmStrided options: alpha, C offset and leading dimension, operand offsets', () => {
  for (const mode of ['wasm-fma', 'wasm-simd'] as KernelMode[]) {
    setKernelMode(mode);
    try {
      // A = rows 2..8 of a 10×13 matrix, columns 1..11 (offset 2·13 + 1, row stride 13); B = Aᵀ-shaped view of another.
      const big = random(10, 13, 21);
      const other = random(12, 9, 22);
      const m = 7;
      const n = 5;
      const k = 9;
      const a = { data: big.data, rowStride: 13, colStride: 1, offset: 2 * 13 + 1 };
      const b = { data: other.data, rowStride: 1, colStride: 9, offset: 9 }; // B(l, j) = other[9 + j·9 + l]
      const ldc = 8;
      const cOffset = 3;
      const c = new Float64Array(cOffset + m * ldc).fill(1);
      gemmDispatch(m, n, k, a, b, c, false, { alpha: -0.5, cOffset, ldc });
      for (let i = 0; i < m; i++) {
        for (let j = 0; j < ldc; j++) {
          let want = 1;
          if (j < n) {
            let s = 0;
            for (let l = 0; l < k; l++) s += big.data[a.offset + i * 13 + l]! * other.data[b.offset + j * 9 + l]!;
            want += -0.5 * s;
          }
          assert.ok(Math.abs(c[cOffset + i * ldc + j]! - want) < 1e-13, `${mode} (${i}, ${j})`);
        }
      }
      assert.equal(c[0], 1);
    } finally {
      setKernelMode(undefined);
    }
  }
});
