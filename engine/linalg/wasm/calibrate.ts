/**
 * Which WASM module serves the default mode (`SIMSPEC_KERNELS` unset or `wasm`): the FMA module
 * (f64x2.relaxed_madd) or the plain-SIMD one (f64x2 mul + add). Having FMA is not enough to be
 * faster: on the 2-vCPU AMD EPYC of issue 11 the mul+add module ran the Gram products faster than
 * the FMA one, on the Intel VM the FMA module was ~30 % faster. So the first product of a process
 * times a small GEMM on each module (a few ms, once per process) and keeps the choice.
 *
 * The choice must be stable, because FMA and mul+add results differ in the last bits: the FMA
 * module stays the default unless the mul+add module is faster by a clear margin (its best time
 * below PLAIN_SIMD_MARGIN × the FMA module's best time, best of several interleaved rounds), so a
 * noisy machine near the break-even point keeps one answer. `SIMSPEC_KERNELS=wasm-fma|wasm-simd`
 * forces a module and skips the calibration. Calibration runs only with `SIMSPEC_KERNELS=auto`: the
 * default picks by feature (engine/linalg/wasm/dispatch.ts), because even with the margin a loaded
 * machine flipped the choice between two processes (seen while 8 jobs shared 2 cores), and results
 * must not depend on the load — shards of one run on different processes must agree bit for bit.
 */
import { bestVariant, loadKernels, relaxedSimdAvailable, simdAvailable, type KernelVariant } from './loader';
import { wasmGemmStrided } from './gemm';

/** mul+add must take less than this fraction of the FMA module's time to be chosen. */
export const PLAIN_SIMD_MARGIN = 0.85;
const ROUNDS = 5;
/** C(96×96) += A(96×256)·B(256×96): one KC block, ~2.4 M multiply-adds, ~0.1-0.3 ms per call. */
const M = 96;
const K = 256;

export interface Calibration {
  readonly variant: KernelVariant;
  /** Best time of one calibration product per module, ms (absent when the module did not run). */
  readonly fmaMs?: number;
  readonly simdMs?: number;
}

let calibration: Calibration | undefined | null = null;

function timeProduct(variant: KernelVariant, a: Float64Array, b: Float64Array, c: Float64Array): number {
  const kernels = loadKernels(variant);
  const start = performance.now();
  wasmGemmStrided(kernels, M, M, K, { data: a, rowStride: K, colStride: 1 }, { data: b, rowStride: M, colStride: 1 }, c);
  return performance.now() - start;
}

/** Measures both modules (when both run here) and returns the choice; cached for the process. */
export function calibrate(): Calibration | undefined {
  if (calibration !== null) return calibration;
  const fallback = bestVariant();
  if (fallback === undefined || !simdAvailable() || !relaxedSimdAvailable()) {
    calibration = fallback === undefined ? undefined : { variant: fallback };
    return calibration;
  }
  const a = new Float64Array(M * K);
  const b = new Float64Array(K * M);
  for (let i = 0; i < a.length; i++) {
    a[i] = ((i * 7919) % 1000) / 1000 - 0.5;
    b[i] = ((i * 104729) % 1000) / 1000 - 0.5;
  }
  const c = new Float64Array(M * M);
  // One untimed call each (tier-up, memory growth), then interleaved rounds: a burst of load from
  // other processes hits both modules alike.
  timeProduct('fma', a, b, c);
  timeProduct('simd', a, b, c);
  let fmaMs = Infinity;
  let simdMs = Infinity;
  for (let round = 0; round < ROUNDS; round++) {
    fmaMs = Math.min(fmaMs, timeProduct('fma', a, b, c));
    simdMs = Math.min(simdMs, timeProduct('simd', a, b, c));
  }
  calibration = { variant: simdMs < PLAIN_SIMD_MARGIN * fmaMs ? 'simd' : 'fma', fmaMs, simdMs };
  return calibration;
}

/** The calibrated variant for the default mode, or undefined when WASM SIMD is unavailable. */
export function calibratedVariant(): KernelVariant | undefined {
  return calibrate()?.variant;
}

/** Tests only: forget the cached calibration. */
export function resetCalibration(): void {
  calibration = null;
}
