/**
 * The kernel table of docs/performance.md §1–§3: ours vs numpy/OpenBLAS at the same thread count.
 * Gram X Xᵀ (1000×4096, 1000×20000), XᵀY (1000×4096), eigh (n = 500, 1000). Ours: the WASM SIMD
 * kernels (FMA module, mul+add module) and the plain-TS kernels; 2 threads through the worker pool
 * when it is available. Times are medians of 3 after a warm-up. Ratio = t_numpy / t_ours.
 * eigh rows of the WASM modules also show the QL-rotation eigenvectors (before divide and conquer).
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import type { Matrix } from '../engine/core/matrix';
import { crossProduct, gram, kernelVariant, setKernelMode, setThreads, symmetricEigen, symmetricEigenvalues, type KernelMode } from '../engine/linalg/wasm';
import { eigenBlocking, setEigenBlocking } from '../engine/linalg/wasm/eigen';
import { peerEnvironment, type PythonInfo } from './python';

const DEFAULT_DC_MIN_ORDER = eigenBlocking().divideConquerMinOrder;

function random(rows: number, cols: number, seed: number): Matrix {
  let s = seed >>> 0 || 1;
  const data = new Float64Array(rows * cols);
  for (let i = 0; i < data.length; i++) {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    data[i] = (s >>> 0) / 2 ** 32 - 0.5;
  }
  return { rows, cols, data };
}

function medianTime(f: () => void, repeats = 3): number {
  f();
  const times: number[] = [];
  for (let r = 0; r < repeats; r++) {
    const t = performance.now();
    f();
    times.push((performance.now() - t) / 1000);
  }
  return times.sort((a, b) => a - b)[Math.floor(repeats / 2)]!;
}

export interface KernelRow {
  kernel: string;
  ours: string;
  seconds: number;
  gflops: number;
  numpy?: number;
  ratio?: number;
}

export function numpyKernelTimes(python: PythonInfo | undefined, threads: number, quick: boolean): Record<string, number> {
  if (!python) return {};
  const cfg = quick ? { gram: [[1000, 4096]], xty: [[1000, 4096]], eigh: [500] } : {};
  const run = spawnSync(python.path, [join(__dirname, 'peers', 'kernels.py'), JSON.stringify(cfg)], { env: peerEnvironment(threads), encoding: 'utf8', maxBuffer: 1 << 24 });
  if (run.status !== 0) {
    console.error(`numpy kernel timing failed: ${run.stderr}`);
    return {};
  }
  return JSON.parse(run.stdout) as Record<string, number>;
}

/** Gram and XᵀY on the worker pool with `threads` threads (WASM FMA). */
export function pooledKernelRows(options: { quick: boolean; threads: number }): KernelRow[] {
  const rows: KernelRow[] = [];
  setKernelMode('wasm');
  setThreads(options.threads);
  const label = `wasm ${kernelVariant()} ${options.threads}T (pool)`;
  for (const [n, p] of options.quick ? [[1000, 4096]] : [[1000, 4096], [1000, 20000]]) {
    const x = random(n!, p!, 1);
    const t = medianTime(() => gram(x));
    rows.push({ kernel: `gram ${n}x${p}`, ours: label, seconds: t, gflops: (2 * n! * n! * p!) / t / 1e9 });
  }
  const x = random(1000, 4096, 2);
  const y = random(1000, 4096, 3);
  const t = medianTime(() => crossProduct(x, y));
  rows.push({ kernel: 'xty 1000x4096', ours: label, seconds: t, gflops: (2 * 4096 * 4096 * 1000) / t / 1e9 });
  setThreads(undefined);
  setKernelMode(undefined);
  return rows;
}

export function kernelTable(options: { quick: boolean; modes: KernelMode[] }): KernelRow[] {
  const rows: KernelRow[] = [];
  const grams: Array<[number, number]> = options.quick ? [[1000, 4096]] : [[1000, 4096], [1000, 20000]];
  for (const mode of options.modes) {
    setKernelMode(mode);
    const label = kernelVariant() ? `wasm ${kernelVariant()} 1T` : 'plain TS 1T';
    for (const [n, p] of grams) {
      if (mode === 'js' && p > 4096) continue; // ~10 s per call; the 4096 row shows the ratio
      const x = random(n, p, 1);
      const t = medianTime(() => gram(x), mode === 'js' ? 1 : 3);
      rows.push({ kernel: `gram ${n}x${p}`, ours: label, seconds: t, gflops: (2 * n * n * p) / t / 1e9 });
    }
    const x = random(1000, 4096, 2);
    const y = random(1000, 4096, 3);
    const t = medianTime(() => crossProduct(x, y), mode === 'js' ? 1 : 3);
    rows.push({ kernel: 'xty 1000x4096', ours: label, seconds: t, gflops: (2 * 4096 * 4096 * 1000) / t / 1e9 });
  }
  for (const mode of options.modes.filter((m) => m !== 'wasm-simd')) {
    setKernelMode(mode);
    const label = kernelVariant() ? `wasm ${kernelVariant()} 1T` : 'plain TS 1T (engine/linalg)';
    for (const n of options.quick ? [500] : [500, 1000]) {
      const a = random(n, n, 4);
      for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) a.data[i * n + j] = a.data[j * n + i]!;
      const flops = (4 / 3) * n ** 3 + 2 * n ** 3; // nominal: reduction + accumulation, rotations vary
      const t = medianTime(() => symmetricEigen(a));
      rows.push({ kernel: `eigh ${n}`, ours: label, seconds: t, gflops: flops / t / 1e9 });
      if (kernelVariant() !== undefined && n >= eigenBlocking().divideConquerMinOrder) {
        // Before/after of the divide-and-conquer eigenvectors: the same call with QL rotations.
        setEigenBlocking({ divideConquerMinOrder: Infinity });
        const tq = medianTime(() => symmetricEigen(a));
        setEigenBlocking({ divideConquerMinOrder: DEFAULT_DC_MIN_ORDER });
        rows.push({ kernel: `eigh ${n}`, ours: `${label} (QL vectors)`, seconds: tq, gflops: flops / tq / 1e9 });
      }
      const tv = medianTime(() => symmetricEigenvalues(a));
      rows.push({ kernel: `eigvalsh ${n}`, ours: label, seconds: tv, gflops: ((4 / 3) * n ** 3) / tv / 1e9 });
    }
  }
  setKernelMode(undefined);
  return rows;
}

/** numpy's matching time for a row: syrk for our symmetric Gram, gemm for products. */
export function attachNumpy(rows: KernelRow[], numpy: Record<string, number>): void {
  for (const row of rows) {
    const t = numpy[row.kernel];
    if (typeof t === 'number') {
      row.numpy = t;
      row.ratio = t / row.seconds;
    }
  }
}
