/**
 * WASM SIMD kernels behind the engine/linalg product API (same signatures as products.ts):
 * gram (X Xᵀ), crossGram (XᵀX), crossProduct (AᵀB), multiply (AB), multiplyTransposed (ABᵀ), and
 * symmetricEigen / symmetricEigenvalues (engine/linalg/eigen.ts contract).
 *
 * Which kernels serve: `SIMSPEC_KERNELS` = `js` | `wasm` | `wasm-fma` | `wasm-simd` (default: the
 * best WASM variant this runtime validates, else plain TS), or `setKernelMode` at run time (tests,
 * bench). `kernelVariant()` says which WASM module would run, undefined for the plain-TS path.
 */
import type { Matrix } from '../../core/matrix';
import { shapeError } from '../basics';
import type { StridedOperand } from '../gemm';
import type { SymmetricEigen } from '../eigen';
import { symmetricEigen as jsSymmetricEigen, symmetricEigenvalues as jsSymmetricEigenvalues } from '../eigen';
import { gemmDispatch, isForcedWasm, kernelVariant } from './dispatch';
import { wasmSymmetricEigen, wasmSymmetricEigenvalues } from './eigen';
import { loadKernels } from './loader';

export { gemmDispatch, kernelVariant, setKernelMode, type KernelMode } from './dispatch';
export { bestVariant, relaxedSimdAvailable, releaseKernels, sharedMemoryAvailable, simdAvailable, type KernelVariant } from './loader';
export { closePool, configuredThreads, setThreads } from '../pool';

/**
 * Start the worker pool (when threads > 1) and run a small product on every thread, so the first
 * real product does not pay for worker start-up and V8's tier-up. Cheap when single-threaded.
 */
export function warmKernels(): void {
  if (kernelVariant() === undefined) return;
  const x: Matrix = { rows: 256, cols: 256, data: new Float64Array(256 * 256).fill(0.5) };
  for (let r = 0; r < 3; r++) multiplyTransposed(x, x);
}

const asIs = (m: Matrix): StridedOperand => ({ data: m.data, rowStride: m.cols, colStride: 1 });
const transposed = (m: Matrix): StridedOperand => ({ data: m.data, rowStride: 1, colStride: m.cols });

/** A·B (A: m×k, B: k×n). */
export function multiply(a: Matrix, b: Matrix): Matrix {
  if (a.cols !== b.rows) throw shapeError('multiply', `A is ${a.rows}×${a.cols}, B is ${b.rows}×${b.cols}`, 'A.cols = B.rows');
  const c = new Float64Array(a.rows * b.cols);
  gemmDispatch(a.rows, b.cols, a.cols, asIs(a), asIs(b), c);
  return { rows: a.rows, cols: b.cols, data: c };
}

/** AᵀB (A: k×m, B: k×n) → m×n. */
export function crossProduct(a: Matrix, b: Matrix): Matrix {
  if (a.rows !== b.rows) throw shapeError('crossProduct', `A is ${a.rows}×${a.cols}, B is ${b.rows}×${b.cols}`, 'A.rows = B.rows');
  const c = new Float64Array(a.cols * b.cols);
  gemmDispatch(a.cols, b.cols, a.rows, transposed(a), asIs(b), c);
  return { rows: a.cols, cols: b.cols, data: c };
}

/** A·Bᵀ (A: m×k, B: n×k) → m×n. */
export function multiplyTransposed(a: Matrix, b: Matrix): Matrix {
  if (a.cols !== b.cols) {
    throw shapeError('multiplyTransposed', `A is ${a.rows}×${a.cols}, B is ${b.rows}×${b.cols}`, 'A.cols = B.cols');
  }
  const c = new Float64Array(a.rows * b.rows);
  gemmDispatch(a.rows, b.rows, a.cols, asIs(a), transposed(b), c);
  return { rows: a.rows, cols: b.rows, data: c };
}

/** X·Xᵀ (X: n×p) → n×n, exactly symmetric (upper triangle computed, mirrored). */
export function gram(x: Matrix): Matrix {
  const n = x.rows;
  const c = new Float64Array(n * n);
  gemmDispatch(n, n, x.cols, asIs(x), transposed(x), c, true);
  mirrorUpper(c, n);
  return { rows: n, cols: n, data: c };
}

/** XᵀX (X: n×p) → p×p, exactly symmetric. */
export function crossGram(x: Matrix): Matrix {
  const p = x.cols;
  const c = new Float64Array(p * p);
  gemmDispatch(p, p, x.rows, transposed(x), asIs(x), c, true);
  mirrorUpper(c, p);
  return { rows: p, cols: p, data: c };
}

function mirrorUpper(c: Float64Array, n: number): void {
  for (let i = 1; i < n; i++) {
    for (let j = 0; j < i; j++) c[i * n + j] = c[j * n + i]!;
  }
}

/** The WASM variant for an eigendecomposition of order n (small ones stay in TS by default, as products do). */
function eigenVariant(n: number) {
  const variant = kernelVariant();
  return variant !== undefined && (n >= 64 || isForcedWasm()) ? variant : undefined;
}

/** Symmetric eigendecomposition (values ascending, column j of vectors ↔ values[j]). */
export function symmetricEigen(a: Matrix): SymmetricEigen {
  const variant = eigenVariant(a.rows);
  return variant === undefined ? jsSymmetricEigen(a) : wasmSymmetricEigen(loadKernels(variant), a);
}

/** Eigenvalues only, ascending. */
export function symmetricEigenvalues(a: Matrix): Float64Array {
  const variant = eigenVariant(a.rows);
  return variant === undefined ? jsSymmetricEigenvalues(a) : wasmSymmetricEigenvalues(loadKernels(variant), a);
}
