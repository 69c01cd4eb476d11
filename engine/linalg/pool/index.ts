/**
 * Worker pool for the WASM kernels: worker_threads sharing one WebAssembly.Memory (a
 * SharedArrayBuffer) with the calling thread. The caller packs operands into the shared memory and
 * hands each worker a list of macro-kernel calls on disjoint rows of C (engine/linalg/wasm/gemm.ts
 * `wasmGemmParallel`); it runs its own share meanwhile and then blocks in Atomics.wait until the
 * workers have counted themselves done — so the products stay synchronous functions.
 *
 * Threads: `setThreads(n)` or SIMSPEC_THREADS (default 1 = no pool). Workers are created on first
 * use (or by `warmKernels` in engine/linalg/wasm at start-up) and warmed at once with a few small
 * products on every thread, so V8's optimizing tier has compiled the kernel before the real work
 * (a fresh worker's first call ran ~2× slower, docs/performance.md §5.4); they are unref'd (they never keep a process alive) and are plain `eval`
 * workers, so no extra bundle file is needed. Where SharedArrayBuffer is unavailable (web
 * extension hosts without cross-origin isolation) everything runs single-threaded.
 */
import { Worker } from 'node:worker_threads';
import { wasmGemmParallel, type MacroExecutor } from '../wasm/gemm';
import { loadKernels, sharedMemoryAvailable, type KernelVariant, type WasmKernels } from '../wasm/loader';

const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
try { require('node:v8').setFlagsFromString('--experimental-wasm-relaxed-simd'); } catch {}
const instance = new WebAssembly.Instance(workerData.module, { env: { memory: workerData.memory } });
const macro = instance.exports.macro;
const flags = new Int32Array(workerData.flags);
parentPort.on('message', (calls) => {
  try {
    for (let i = 0; i < calls.length; i += 8) {
      macro(calls[i], calls[i + 1], calls[i + 2], calls[i + 3], calls[i + 4], calls[i + 5], calls[i + 6], calls[i + 7]);
    }
  } catch (error) {
    Atomics.store(flags, 1, 1);
  }
  Atomics.add(flags, 0, 1);
  Atomics.notify(flags, 0);
});
`;

export class KernelPool implements MacroExecutor {
  readonly parts: number;
  readonly kernels: WasmKernels;
  /** Calls of `execute` that posted work to workers (tests check the pool really ran). */
  parallelExecutions = 0;
  private readonly workers: Worker[] = [];
  private readonly flags: Int32Array;

  constructor(variant: KernelVariant, threads: number) {
    this.kernels = loadKernels(variant, true);
    this.parts = threads;
    this.flags = new Int32Array(new SharedArrayBuffer(8));
    for (let t = 1; t < threads; t++) {
      const worker = new Worker(WORKER_SOURCE, {
        eval: true,
        workerData: { module: this.kernels.module, memory: this.kernels.memory, flags: this.flags.buffer },
      });
      worker.unref();
      this.workers.push(worker);
    }
  }

  execute(parts: number[][]): void {
    const start = Atomics.load(this.flags, 0);
    const posted = Math.min(this.workers.length, parts.length - 1);
    for (let t = 0; t < posted; t++) this.workers[t]!.postMessage(parts[t + 1]);
    if (posted > 0) this.parallelExecutions++;
    const macro = this.kernels.exports.macro;
    const own = parts[0] ?? [];
    for (let i = 0; i < own.length; i += 8) macro(own[i]!, own[i + 1]!, own[i + 2]!, own[i + 3]!, own[i + 4]!, own[i + 5]!, own[i + 6]!, own[i + 7]!);
    for (;;) {
      const done = Atomics.load(this.flags, 0);
      if (done - start >= posted) break;
      Atomics.wait(this.flags, 0, done, 1000);
    }
    if (Atomics.exchange(this.flags, 1, 0) !== 0) throw new Error('a kernel worker failed');
  }

  /**
   * A few small products on every thread, so worker start-up and V8's tier-up of the kernel happen
   * now rather than inside the first real product (docs/performance.md §5.4).
   */
  warm(): void {
    const size = 128 * this.parts;
    const x = new Float64Array(size * 256).fill(0.5);
    const c = new Float64Array(size * size);
    const operand = { data: x, rowStride: 256, colStride: 1 };
    const transposed = { data: x, rowStride: 1, colStride: 256 };
    for (let r = 0; r < 3; r++) wasmGemmParallel(this.kernels, this, size, size, 256, operand, transposed, c);
  }

  close(): Promise<number[]> {
    return Promise.all(this.workers.map((w) => w.terminate()));
  }
}

let threadsSetting: number | undefined;
let pool: KernelPool | undefined;

function envThreads(): number {
  const value = Number(typeof process !== 'undefined' ? process.env?.SIMSPEC_THREADS : undefined);
  return Number.isInteger(value) && value >= 1 ? value : 1;
}

/** Threads for the kernels (1 = no pool). Changing it closes the current pool. */
export function setThreads(threads: number | undefined): void {
  if (threads !== undefined && (!Number.isInteger(threads) || threads < 1)) throw new RangeError(`threads must be a positive integer, got ${threads}`);
  threadsSetting = threads;
  if (pool && pool.parts !== configuredThreads()) {
    void pool.close();
    pool = undefined;
  }
}

export function configuredThreads(): number {
  return threadsSetting ?? envThreads();
}

/** The pool for this variant and thread count, or undefined when single-threaded. */
export function getPool(variant: KernelVariant): KernelPool | undefined {
  const threads = configuredThreads();
  if (threads <= 1 || !sharedMemoryAvailable()) return undefined;
  if (pool && (pool.parts !== threads || pool.kernels.variant !== variant)) {
    void pool.close();
    pool = undefined;
  }
  if (!pool) {
    pool = new KernelPool(variant, threads);
    pool.warm();
  }
  return pool;
}

/** Close the pool's workers (tests, shutdown). */
export async function closePool(): Promise<void> {
  const current = pool;
  pool = undefined;
  if (current) await current.close();
}
