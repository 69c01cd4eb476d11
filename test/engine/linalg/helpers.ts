// Shared helpers for the linalg tests: seeded random matrices, naive reference products and
// tolerance-aware comparisons. Not a test file itself.
import assert from 'node:assert/strict';
import { Matrix as MlMatrix } from 'ml-matrix';
import type { Matrix } from '../../../engine/core/matrix';
import { NumpyRandomState } from '../../../engine/stats/random';

export const EPS = 2 ** -52;

export function randomMatrix(rows: number, cols: number, seed: number, spread = 1): Matrix {
  const rng = new NumpyRandomState(seed);
  const data = new Float64Array(rows * cols);
  for (let i = 0; i < data.length; i++) data[i] = (rng.randomSample() - 0.5) * 2 * spread;
  return { rows, cols, data };
}

export function at(m: Matrix, i: number, j: number): number {
  return m.data[i * m.cols + j]!;
}

/** Naive C = op(A)·op(B) with the running sum of |a·b| for a rounding-error bound. */
export function naiveProduct(a: Matrix, b: Matrix, transposeA: boolean, transposeB: boolean): { c: Matrix; bound: Float64Array } {
  const m = transposeA ? a.cols : a.rows;
  const k = transposeA ? a.rows : a.cols;
  const n = transposeB ? b.rows : b.cols;
  const c = new Float64Array(m * n);
  const bound = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      let abs = 0;
      for (let p = 0; p < k; p++) {
        const x = transposeA ? at(a, p, i) : at(a, i, p);
        const y = transposeB ? at(b, j, p) : at(b, p, j);
        s += x * y;
        abs += Math.abs(x * y);
      }
      c[i * n + j] = s;
      bound[i * n + j] = abs;
    }
  }
  return { c: { rows: m, cols: n, data: c }, bound };
}

/** Entrywise |got − want| ≤ 2·k·ε·Σ|a||b| (the standard dot-product error bound, both sides). */
export function assertProductClose(got: Matrix, want: { c: Matrix; bound: Float64Array }, k: number, label: string): void {
  assert.equal(got.rows, want.c.rows, `${label}: rows`);
  assert.equal(got.cols, want.c.cols, `${label}: cols`);
  for (let i = 0; i < got.data.length; i++) {
    const g = got.data[i]!;
    const w = want.c.data[i]!;
    if (!Number.isFinite(w)) {
      assert.ok(Object.is(g, w), `${label}: entry ${i} should be ${w}, got ${g}`);
      continue;
    }
    const tol = 2 * Math.max(k, 1) * EPS * want.bound[i]!;
    assert.ok(Math.abs(g - w) <= tol, `${label}: entry ${i} got ${g}, want ${w} (tol ${tol})`);
  }
}

export function maxAbs(x: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < x.length; i++) m = Math.max(m, Math.abs(x[i]!));
  return m;
}

export function maxAbsDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  assert.equal(a.length, b.length, 'lengths differ');
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

/** max |QᵀQ − I| for the columns of q. */
export function orthogonalityError(q: Matrix): number {
  let worst = 0;
  for (let a = 0; a < q.cols; a++) {
    for (let b = a; b < q.cols; b++) {
      let s = 0;
      for (let i = 0; i < q.rows; i++) s += at(q, i, a) * at(q, i, b);
      worst = Math.max(worst, Math.abs(s - (a === b ? 1 : 0)));
    }
  }
  return worst;
}

export function toMl(m: Matrix): MlMatrix {
  const out = new MlMatrix(m.rows, m.cols);
  for (let i = 0; i < m.rows; i++) for (let j = 0; j < m.cols; j++) out.set(i, j, at(m, i, j));
  return out;
}

export function fromMl(m: MlMatrix): Matrix {
  return { rows: m.rows, cols: m.columns, data: Float64Array.from(m.to1DArray()) };
}

/** Random symmetric matrix (A + Aᵀ)/2. */
export function randomSymmetric(n: number, seed: number): Matrix {
  const a = randomMatrix(n, n, seed);
  const data = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) data[i * n + j] = 0.5 * (at(a, i, j) + at(a, j, i));
  return { rows: n, cols: n, data };
}

/** A random orthogonal n×n matrix: product of n Householder reflections of random vectors. */
export function randomOrthogonal(n: number, seed: number): Matrix {
  const q = new Float64Array(n * n);
  for (let i = 0; i < n; i++) q[i * n + i] = 1;
  const rng = new NumpyRandomState(seed);
  const v = new Float64Array(n);
  for (let r = 0; r < n; r++) {
    let norm2 = 0;
    for (let i = 0; i < n; i++) {
      v[i] = rng.randomSample() - 0.5;
      norm2 += v[i]! * v[i]!;
    }
    // Q ← Q·(I − 2vvᵀ/vᵀv)
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let j = 0; j < n; j++) s += q[i * n + j]! * v[j]!;
      const f = (2 * s) / norm2;
      for (let j = 0; j < n; j++) q[i * n + j] -= f * v[j]!;
    }
  }
  return { rows: n, cols: n, data: q };
}
