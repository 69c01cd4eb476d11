/**
 * Kernel selection for the dense products: plain TypeScript (engine/linalg/gemm.ts), the WASM SIMD
 * kernels on this thread, or the WASM kernels split over the worker pool.
 *
 * `SIMSPEC_KERNELS` = `js` | `wasm` | `wasm-fma` | `wasm-simd` | `auto` (default `wasm`: the FMA
 * module where relaxed SIMD validates, else mul+add, else plain TS — chosen by feature, so the same
 * machine always gives the same bits; `auto`: the module a short timing found faster here,
 * calibrate.ts — opt-in, because FMA and mul+add differ in the last bits and a timing can flip with
 * the machine's load, which would make two runs, or two shards of one run, disagree), or
 * `setKernelMode` at run time (tests, bench). `SIMSPEC_THREADS` / `setThreads` (engine/linalg/pool)
 * choose the pool size. This module imports nothing that imports products.ts, so products.ts can
 * dispatch through it without an import cycle.
 */
import { startStage, stopStage } from '../../core/stageTimer';
import { gemmStrided, type GemmOptions, type StridedOperand } from '../gemm';
import { getPool } from '../pool';
import { wasmGemmParallel, wasmGemmStrided } from './gemm';
import { calibratedVariant } from './calibrate';
import { loadKernels, relaxedSimdAvailable, simdAvailable, type KernelVariant } from './loader';

export type KernelMode = 'js' | 'wasm' | 'wasm-fma' | 'wasm-simd' | 'auto';

/** Below this many multiply-adds a product runs on the calling thread (posting to workers costs ~0.1 ms). */
const PARALLEL_MIN_WORK = 1 << 22;
/**
 * Below this many multiply-adds (64³) the default mode keeps the plain-TS kernel: such products
 * take < 0.2 ms either way (WASM is still ~2-4× faster there), and their results stay bit-identical
 * to the TS kernel's — metric-internal products of small matrices (e.g. Bures' √A·B·√A, whose
 * square roots of rounding-level eigenvalues amplify a last-bit change to ~1e-9) keep the values
 * their tests were written against. Forced modes (`wasm-fma`, `wasm-simd`) use WASM at every size.
 */
export const WASM_MIN_WORK = 1 << 18;

let mode: KernelMode | undefined;

function envMode(): KernelMode {
  const value = typeof process !== 'undefined' ? process.env?.SIMSPEC_KERNELS : undefined;
  if (value === 'js' || value === 'wasm-fma' || value === 'wasm-simd' || value === 'auto') return value;
  return 'wasm';
}

/** Choose the kernels (undefined: back to SIMSPEC_KERNELS / the default). */
export function setKernelMode(next: KernelMode | undefined): void {
  mode = next;
}

/** True when a WASM variant is forced (wasm-fma / wasm-simd): WASM serves every size. */
export function isForcedWasm(): boolean {
  const m = mode ?? envMode();
  return m === 'wasm-fma' || m === 'wasm-simd';
}

/** The WASM variant that runs under the current mode, or undefined when plain TS runs. */
export function kernelVariant(): KernelVariant | undefined {
  const m = mode ?? envMode();
  if (m === 'js') return undefined;
  if (m === 'wasm-fma') return relaxedSimdAvailable() ? 'fma' : undefined;
  if (m === 'wasm-simd') return simdAvailable() ? 'simd' : undefined;
  if (m === 'auto') return calibratedVariant();
  return relaxedSimdAvailable() ? 'fma' : simdAvailable() ? 'simd' : undefined;
}

/**
 * c += alpha·A(m×k)·B(k×n), same contract as `gemmStrided` (upperOnly: only j ≥ i guaranteed),
 * on whichever kernels the mode selects. Products below WASM_MIN_WORK stay in plain TS unless a
 * WASM variant is forced (so tests exercise the kernels on every shape).
 */
export function gemmDispatch(
  m: number,
  n: number,
  k: number,
  a: StridedOperand,
  b: StridedOperand,
  c: Float64Array,
  upperOnly = false,
  options: GemmOptions = {},
): void {
  startStage('products'); // stage breakdown for the bench (engine/core/stageTimer.ts)
  try {
    dispatchProduct(m, n, k, a, b, c, upperOnly, options);
  } finally {
    stopStage();
  }
}

function dispatchProduct(m: number, n: number, k: number, a: StridedOperand, b: StridedOperand, c: Float64Array, upperOnly: boolean, options: GemmOptions): void {
  const variant = kernelVariant();
  const work = m * n * k;
  if (variant === undefined || (work < WASM_MIN_WORK && !isForcedWasm())) {
    gemmStrided(m, n, k, a, b, c, upperOnly, options);
    return;
  }
  const pool = work >= PARALLEL_MIN_WORK ? getPool(variant) : undefined;
  if (pool) wasmGemmParallel(pool.kernels, pool, m, n, k, a, b, c, upperOnly, options);
  else wasmGemmStrided(loadKernels(variant), m, n, k, a, b, c, upperOnly, options);
}
