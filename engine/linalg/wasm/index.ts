/**
 * WASM SIMD kernels behind the engine/linalg product API (same signatures as products.ts):
 * gram (X Xᵀ), crossGram (XᵀX), crossProduct (AᵀB), multiply (AB), multiplyTransposed (ABᵀ), and
 * symmetricEigen / symmetricEigenvalues (engine/linalg/eigen.ts contract).
 *
 * Which kernels serve: `SIMSPEC_KERNELS` = `js` | `wasm` | `wasm-fma` | `wasm-simd` (default: the
 * WASM variant calibrate.ts measured faster in this process, else plain TS), or `setKernelMode` at run time (tests,
 * bench). `kernelVariant()` says which WASM module would run, undefined for the plain-TS path.
 */
import type { Matrix } from '../../core/matrix';
import { timeStage } from '../../core/stageTimer';
import type { SymmetricEigen } from '../eigen';
import { symmetricEigen as jsSymmetricEigen, symmetricEigenvalues as jsSymmetricEigenvalues } from '../eigen';
import { isForcedWasm, kernelVariant } from './dispatch';
import { wasmSymmetricEigen, wasmSymmetricEigenvalues } from './eigen';

export { gemmDispatch, kernelVariant, setKernelMode, type KernelMode } from './dispatch';
export { calibrate, PLAIN_SIMD_MARGIN, type Calibration } from './calibrate';
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

// The products are engine/linalg's own: they already go through gemmDispatch, which picks the WASM
// kernels (or plain TS) per call; one implementation of the wrappers, not two.
export { crossGram, crossProduct, gram, multiply, multiplyTransposed } from '../products';
import { multiplyTransposed } from '../products';

/** The WASM variant for an eigendecomposition of order n (small ones stay in TS by default, as products do). */
function eigenVariant(n: number) {
  const variant = kernelVariant();
  return variant !== undefined && (n >= 64 || isForcedWasm()) ? variant : undefined;
}

/** Symmetric eigendecomposition (values ascending, column j of vectors ↔ values[j]). */
export function symmetricEigen(a: Matrix): SymmetricEigen {
  const variant = eigenVariant(a.rows);
  return timeStage('decompositions', () => (variant === undefined ? jsSymmetricEigen(a) : wasmSymmetricEigen(variant, a)));
}

/** Eigenvalues only, ascending. */
export function symmetricEigenvalues(a: Matrix): Float64Array {
  const variant = eigenVariant(a.rows);
  return timeStage('decompositions', () => (variant === undefined ? jsSymmetricEigenvalues(a) : wasmSymmetricEigenvalues(variant, a)));
}
