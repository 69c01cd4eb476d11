/**
 * Loads the AssemblyScript WASM SIMD kernels (assembly/, built by scripts/build-wasm.mjs and embedded
 * as base64 in modules.generated.ts) and owns their linear memory.
 *
 * Two modules are shipped: `fma` uses f64x2.relaxed_madd (one fused multiply-add per lane) and
 * `simd` uses f64x2 mul + add. A module containing a relaxed-simd opcode fails validation as a
 * whole where relaxed-simd is off (Node 20 without --experimental-wasm-relaxed-simd), so we validate
 * first; on Node we try to switch the flag on with v8.setFlagsFromString before compiling (it works
 * in workers too, docs/performance.md §5.1) and fall back to the mul+add module. FMA results differ
 * from mul+add in the last bits: results are not bit-reproducible across hosts.
 *
 * Memory: the kernels import one memory; `ensureBytes` grows it (growing detaches old views, so
 * views are always taken afresh through `f64()`). wasm32 memory is capped at 4 GiB and never
 * shrinks; `releaseKernels()` drops the instances so the memory can be collected.
 */
import { KERNELS_FMA_BASE64, KERNELS_FMA_SHARED_BASE64, KERNELS_SIMD_BASE64, KERNELS_SIMD_SHARED_BASE64 } from './modules.generated';

export type KernelVariant = 'fma' | 'simd';

interface KernelExports {
  macro(ap: number, bp: number, cp: number, mc: number, nc: number, kc: number, ldc: number, diag: number): void;
  [name: string]: unknown;
}

export interface WasmKernels {
  readonly variant: KernelVariant;
  /** The compiled module (workers instantiate it on the same shared memory). */
  readonly module: WebAssembly.Module;
  readonly shared: boolean;
  readonly exports: KernelExports;
  readonly memory: WebAssembly.Memory;
  /** Grow the memory to at least `bytes`; returns the current Float64Array view of all of it. */
  ensureBytes(bytes: number): Float64Array;
  /** A fresh Float64Array view of the whole memory (invalidated by the next grow). */
  f64(): Float64Array;
}

const PAGE = 65536;
const MAX_PAGES = 65536; // 4 GiB

let relaxedChecked: boolean | undefined;
const modules = new Map<string, WebAssembly.Module>();
const instances = new Map<string, WasmKernels>();

function decode(base64: string): Uint8Array<ArrayBuffer> {
  if (typeof Buffer !== 'undefined') {
    const buf = Buffer.from(base64, 'base64');
    const out = new Uint8Array(buf.length);
    out.set(buf);
    return out;
  }
  const bin = atob(base64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

/** Is plain WASM SIMD (f64x2) available in this runtime? */
export function simdAvailable(): boolean {
  return typeof WebAssembly === 'object' && WebAssembly.validate(decode(KERNELS_SIMD_BASE64));
}

/** Is relaxed-simd available (after trying to enable it on Node 20)? */
export function relaxedSimdAvailable(): boolean {
  if (relaxedChecked !== undefined) return relaxedChecked;
  const bytes = decode(KERNELS_FMA_BASE64);
  if (typeof WebAssembly !== 'object') return (relaxedChecked = false);
  if (!WebAssembly.validate(bytes)) enableRelaxedSimdFlag();
  relaxedChecked = WebAssembly.validate(bytes);
  return relaxedChecked;
}

/** node:v8 when running on Node (require keeps it out of non-Node bundles), else undefined. */
function nodeV8(): typeof import('node:v8') | undefined {
  try {
    if (typeof process === 'undefined' || !process.versions?.node) return undefined;
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require('node:v8') as typeof import('node:v8');
  } catch {
    return undefined;
  }
}

function enableRelaxedSimdFlag(): void {
  try {
    nodeV8()?.setFlagsFromString('--experimental-wasm-relaxed-simd');
  } catch {
    // flag unknown (newer V8 has relaxed-simd on by default): validation decides
  }
}

/**
 * Compile with the optimizing compiler up front. By default V8 compiles wasm lazily with its
 * baseline compiler (Liftoff) and tiers up in the background, so the first eigendecomposition of
 * a run took 2.5× as long (n = 800: 1.36 s instead of 0.55 s). Our modules are a few KB, so eager
 * TurboFan compilation costs ~7 ms. The flags are set around this compile only and restored to
 * V8's defaults, unless the user passed them (then they are left alone).
 */
function compileEagerly(bytes: Uint8Array<ArrayBuffer>): WebAssembly.Module {
  const v8 = nodeV8();
  const userFlags = v8 ? `${process.execArgv?.join(' ') ?? ''} ${process.env?.NODE_OPTIONS ?? ''}` : '';
  const toggle = v8 !== undefined && !/liftoff|wasm-lazy-compilation/.test(userFlags);
  if (toggle) {
    v8.setFlagsFromString('--no-liftoff');
    v8.setFlagsFromString('--no-wasm-lazy-compilation');
  }
  try {
    return new WebAssembly.Module(bytes);
  } finally {
    if (toggle) {
      v8.setFlagsFromString('--liftoff');
      v8.setFlagsFromString('--wasm-lazy-compilation');
    }
  }
}

/** The best variant this runtime runs, or undefined when WASM SIMD is unavailable. */
export function bestVariant(): KernelVariant | undefined {
  if (relaxedSimdAvailable()) return 'fma';
  return simdAvailable() ? 'simd' : undefined;
}

/**
 * The (cached) kernels of one variant; throws if the runtime cannot compile it. `shared`: the
 * build importing a shared memory (SharedArrayBuffer-backed), which worker threads instantiate too.
 * `purpose`: 'eigen' gives a second instance with its own memory, so the eigensolver can keep its
 * matrix in wasm memory while its trailing updates run on the products' GEMM (whose packing
 * buffers start at byte 0 of the products' memory).
 */
export function loadKernels(variant: KernelVariant, shared = false, purpose: 'products' | 'eigen' = 'products'): WasmKernels {
  const key = `${variant}${shared ? ':shared' : ''}${purpose === 'eigen' ? ':eigen' : ''}`;
  const cached = instances.get(key);
  if (cached) return cached;
  if (variant === 'fma' && !relaxedSimdAvailable()) {
    throw new Error('relaxed-simd WebAssembly is not available in this runtime');
  }
  const moduleKey = `${variant}${shared ? ':shared' : ''}`;
  let module = modules.get(moduleKey);
  if (!module) {
    const base64 = shared
      ? variant === 'fma' ? KERNELS_FMA_SHARED_BASE64 : KERNELS_SIMD_SHARED_BASE64
      : variant === 'fma' ? KERNELS_FMA_BASE64 : KERNELS_SIMD_BASE64;
    module = compileEagerly(decode(base64));
    modules.set(moduleKey, module);
  }
  const memory = new WebAssembly.Memory({ initial: 16, maximum: MAX_PAGES, shared } as WebAssembly.MemoryDescriptor);
  const instance = new WebAssembly.Instance(module, { env: { memory } });
  let view = new Float64Array(memory.buffer);
  const kernels: WasmKernels = {
    variant,
    module,
    shared,
    exports: instance.exports as unknown as KernelExports,
    memory,
    ensureBytes(bytes: number): Float64Array {
      const have = memory.buffer.byteLength;
      if (bytes > have) {
        const pages = Math.ceil((bytes - have) / PAGE);
        if (have / PAGE + pages > MAX_PAGES) {
          throw new RangeError(`WASM kernels need ${bytes} bytes, more than the 4 GiB of wasm32 memory`);
        }
        memory.grow(pages);
      }
      return kernels.f64();
    },
    f64(): Float64Array {
      if (view.buffer !== memory.buffer || view.length * 8 !== memory.buffer.byteLength) view = new Float64Array(memory.buffer);
      return view;
    },
  };
  instances.set(key, kernels);
  return kernels;
}

/** Is SharedArrayBuffer (and so the worker pool) available here? */
export function sharedMemoryAvailable(): boolean {
  return typeof SharedArrayBuffer === 'function' && typeof Atomics === 'object';
}

/** Drop the instances (their memory is released with them). The compiled modules stay cached. */
export function releaseKernels(): void {
  instances.clear();
}
