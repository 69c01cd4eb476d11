// The blocked symmetric eigensolver (engine/linalg/wasm/eigen.ts: LAPACK dsytrd-style panels with
// the trailing update on the GEMM kernel, Q formed from compact-WY blocks, then tql2) against known
// spectra and invariants, for both WASM modules:
// - A = U·diag(λ)·Uᵀ with U a random orthogonal matrix (QR of a seeded random matrix): the computed
//   eigenvalues equal λ (ascending) within c·n·ε·max|λ|;
// - backward error ‖A·V − V·Λ‖_F ≤ c·n·ε·‖A‖_F and orthogonality ‖VᵀV − I‖_F ≤ c·n·ε (the bounds
//   of a backward-stable Householder + QL solver, Golub & Van Loan §8.3);
// - repeated eigenvalues, 1e±300 entries, n = 1, 2, 63, 64, 65 and orders that cross the panel
//   width (default blocking and a small panel forced on small orders, so that partial last panels
//   and reflector blocks are exercised);
// - the blocked and the unblocked (tred2) paths agree on the eigenvalues, and on the eigenvectors
//   (up to sign) where the spectrum is well separated.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Matrix } from '../../../engine/core/matrix';
import { thinQr } from '../../../engine/linalg/qr';
import { relaxedSimdAvailable, setKernelMode, symmetricEigen, symmetricEigenvalues, type KernelMode } from '../../../engine/linalg/wasm';
import { eigenBlocking, setEigenBlocking } from '../../../engine/linalg/wasm/eigen';
import { EPS, randomMatrix } from '../linalg/helpers';

/** U·diag(λ)·Uᵀ, U orthogonal from the QR of a seeded random matrix. */
function withSpectrum(lambda: number[], seed: number): Matrix {
  const n = lambda.length;
  const u = thinQr(randomMatrix(n, n, seed)).q.data;
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = i; j < n; j++) {
      let s = 0;
      for (let k = 0; k < n; k++) s += u[i * n + k]! * lambda[k]! * u[j * n + k]!;
      a[i * n + j] = s;
      a[j * n + i] = s;
    }
  }
  return { rows: n, cols: n, data: a };
}

function frobenius(data: ArrayLike<number>): number {
  let big = 0;
  for (let i = 0; i < data.length; i++) big = Math.max(big, Math.abs(data[i]!));
  if (big === 0) return 0;
  let s = 0;
  for (let i = 0; i < data.length; i++) s += (data[i]! / big) ** 2;
  return big * Math.sqrt(s);
}

/** Checks values against `want` and the residual / orthogonality bounds; returns the decomposition. */
function check(a: Matrix, want: number[], label: string): ReturnType<typeof symmetricEigen> {
  const n = a.rows;
  const result = symmetricEigen(a);
  const { values, vectors } = result;
  const sorted = [...want].sort((x, y) => x - y);
  const scale = Math.max(...want.map(Math.abs)) || 1;
  const c = 10 * Math.max(n, 4) * EPS;
  for (let i = 0; i < n; i++) assert.ok(Math.abs(values[i]! - sorted[i]!) <= c * scale, `${label}: λ${i} = ${values[i]} vs ${sorted[i]}`);
  const only = symmetricEigenvalues(a);
  for (let i = 0; i < n; i++) assert.ok(Math.abs(only[i]! - sorted[i]!) <= c * scale, `${label}: values-only λ${i}`);
  const v = vectors.data;
  // Residual A·V − V·Λ, computed on A scaled to max|a| = 1 so that 1e±300 inputs neither overflow nor underflow.
  const norm = Math.max(...Array.from(a.data, Math.abs)) || 1;
  const residual = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let k = 0; k < n; k++) s += (a.data[i * n + k]! / norm) * v[k * n + j]!;
      residual[i * n + j] = s - (values[j]! / norm) * v[i * n + j]!;
    }
  }
  const aNorm = frobenius(Array.from(a.data, (x) => x / norm)) || 1;
  assert.ok(frobenius(residual) <= c * aNorm, `${label}: ‖AV − VΛ‖_F / ‖A‖_F = ${frobenius(residual) / aNorm}`);
  const gramMinusI = new Float64Array(n * n);
  for (let j = 0; j < n; j++) {
    for (let l = 0; l < n; l++) {
      let s = 0;
      for (let k = 0; k < n; k++) s += v[k * n + j]! * v[k * n + l]!;
      gramMinusI[j * n + l] = s - (j === l ? 1 : 0);
    }
  }
  assert.ok(frobenius(gramMinusI) <= c, `${label}: ‖VᵀV − I‖_F = ${frobenius(gramMinusI)}`);
  return result;
}

function spectrum(n: number, kind: 'distinct' | 'repeated'): number[] {
  if (kind === 'distinct') return Array.from({ length: n }, (_, i) => -1 + (2 * i) / Math.max(1, n - 1) + 0.1 * Math.sin(i));
  // Three clusters of exactly equal eigenvalues plus a zero block.
  return Array.from({ length: n }, (_, i) => [3, 3, -2, 0, 3, -2, 0.5][i % 7]!);
}

const MODES: KernelMode[] = ['wasm-fma', 'wasm-simd'];

for (const mode of MODES) {
  const skip = mode === 'wasm-fma' && !relaxedSimdAvailable();

  test(`${mode}: blocked eigensolver at the default panel sizes recovers known spectra (n = 130, 200)`, { skip }, () => {
    setKernelMode(mode);
    setEigenBlocking({ minOrder: 0 });
    try {
      const { panel, reflectorBlock } = eigenBlocking();
      assert.ok(panel < 130 && reflectorBlock < 130, 'several panels and reflector blocks at n = 130');
      for (const n of [130, 200]) {
        check(withSpectrum(spectrum(n, 'distinct'), n), spectrum(n, 'distinct'), `distinct n=${n}`);
        check(withSpectrum(spectrum(n, 'repeated'), n + 1), spectrum(n, 'repeated'), `repeated n=${n}`);
      }
    } finally {
      setEigenBlocking();
      setKernelMode(undefined);
    }
  });

  test(`${mode}: small panels cross every boundary: n = 1, 2, 3, 63, 64, 65 with panels of 8 and reflector blocks of 16`, { skip }, () => {
    setKernelMode(mode);
    setEigenBlocking({ panel: 8, reflectorBlock: 16, minOrder: 0 });
    try {
      check({ rows: 1, cols: 1, data: Float64Array.of(-3) }, [-3], '1×1');
      check(withSpectrum([2, -1], 1), [2, -1], '2×2');
      check(withSpectrum([4, 4, -1], 2), [4, 4, -1], '3×3 repeated');
      for (const n of [9, 17, 63, 64, 65]) {
        check(withSpectrum(spectrum(n, 'distinct'), n), spectrum(n, 'distinct'), `distinct n=${n}`);
        check(withSpectrum(spectrum(n, 'repeated'), n + 1), spectrum(n, 'repeated'), `repeated n=${n}`);
      }
      const zero = symmetricEigen({ rows: 5, cols: 5, data: new Float64Array(25) });
      assert.deepEqual([...zero.values], [0, 0, 0, 0, 0]);
    } finally {
      setEigenBlocking();
      setKernelMode(undefined);
    }
  });

  test(`${mode}: blocked eigensolver on entries near 1e300 and 1e-300 (power-of-two scaling)`, { skip }, () => {
    setKernelMode(mode);
    setEigenBlocking({ panel: 8, reflectorBlock: 16, minOrder: 0 });
    try {
      const base = spectrum(40, 'distinct');
      for (const factor of [1e300, 1e-300]) {
        const lambda = base.map((x) => x * factor);
        check(withSpectrum(lambda, 7), lambda, `×${factor}`);
      }
    } finally {
      setEigenBlocking();
      setKernelMode(undefined);
    }
  });

  test(`${mode}: blocked and unblocked (tred2) paths agree`, { skip }, () => {
    setKernelMode(mode);
    try {
      for (const n of [65, 150]) {
        const lambda = spectrum(n, 'distinct');
        const a = withSpectrum(lambda, 3 * n);
        setEigenBlocking({ panel: 16, reflectorBlock: 32, minOrder: 0 });
        const blocked = symmetricEigen(a);
        setEigenBlocking({ minOrder: 1e9 });
        const unblocked = symmetricEigen(a);
        setEigenBlocking();
        let gap = Infinity;
        for (let i = 1; i < n; i++) gap = Math.min(gap, unblocked.values[i]! - unblocked.values[i - 1]!);
        for (let j = 0; j < n; j++) {
          assert.ok(Math.abs(blocked.values[j]! - unblocked.values[j]!) <= 10 * n * EPS, `n=${n}: λ${j}`);
          // Well-separated eigenvalues: the same unit eigenvector up to sign, to ~ε·‖A‖/gap.
          let dot = 0;
          for (let i = 0; i < n; i++) dot += blocked.vectors.data[i * n + j]! * unblocked.vectors.data[i * n + j]!;
          assert.ok(Math.abs(Math.abs(dot) - 1) <= (100 * n * EPS) / gap, `n=${n}: |v${j}·u${j}| = ${Math.abs(dot)}`);
        }
      }
    } finally {
      setEigenBlocking();
      setKernelMode(undefined);
    }
  });
}

test('blocked eigensolver gives NaN for non-finite input', () => {
  setEigenBlocking({ panel: 8, minOrder: 0 });
  try {
    const bad = withSpectrum(spectrum(20, 'distinct'), 4);
    bad.data[27] = Infinity;
    assert.ok(symmetricEigen(bad).values.every(Number.isNaN));
    assert.ok(symmetricEigenvalues(bad).every(Number.isNaN));
  } finally {
    setEigenBlocking();
  }
});
