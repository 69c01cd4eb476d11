/**
 * C += op(A)·op(B) on the WASM SIMD macro-kernel (assembly/gemm.ts), with Goto-style packing in
 * TypeScript (docs/performance.md §6): KC = 256, MC = 192, NC = as many columns of C as fit the C
 * budget. B(kc×nc) is packed into 4-column k-major panels and A(mc×kc) into 4-row k-major panels in
 * wasm memory; C lives in wasm memory padded to multiples of 4 and is added into the caller's array
 * at the end of each NC block. Padding lanes are zero and padded rows/columns of C are never copied
 * out, so NaN/Inf in the inputs propagate as in the naive triple loop.
 *
 * For the symmetric Gram (A = Xᵀ-shaped view of the same data as B, upperOnly) the packed B panels
 * double as the A panels and tiles wholly below the diagonal are skipped (about half the flops).
 * Same contract as the plain-TS `gemmStrided` (engine/linalg/gemm.ts), so either can serve.
 */
import type { GemmOptions, StridedOperand } from '../gemm';
import type { WasmKernels } from './loader';

let KC = 256;
let MC = 192; // multiple of 4
/** Bytes of wasm memory C may take; larger products are computed in column blocks. */
let C_BUDGET_BYTES = 256 * 1024 * 1024;
/** Widest column block of C (NC); Infinity = as wide as the C budget allows. */
let NC_MAX = Infinity;

/** Blocking parameters (bench/tuning only; the defaults are docs/performance.md §6's). */
export function setBlocking(options: { kc?: number; mc?: number; nc?: number; cBudgetBytes?: number }): void {
  if (options.kc !== undefined) KC = options.kc;
  if (options.mc !== undefined) MC = options.mc & ~3 || 4;
  if (options.nc !== undefined) NC_MAX = options.nc;
  if (options.cBudgetBytes !== undefined) C_BUDGET_BYTES = options.cBudgetBytes;
}
const NO_DIAGONAL = -(2 ** 30);

const roundUp4 = (x: number): number => (x + 3) & ~3;

/**
 * Packs rows i0..i0+count-1 of the logical matrix M(i, kk) = data[i*rowStride + kk*kStride],
 * k range p0..p0+kc-1, into 4-row k-major panels at dst[off..]; rows past `count` (up to the
 * multiple of 4) are zero.
 */
export function packPanels(
  data: Float64Array,
  rowStride: number,
  kStride: number,
  i0: number,
  count: number,
  p0: number,
  kc: number,
  dst: Float64Array,
  off: number,
  base0 = 0,
): void {
  const padded = roundUp4(count);
  for (let t = 0; t < padded; t += 4) {
    const base = off + t * kc;
    const rows = Math.min(4, count - t);
    if (rows === 4 && kStride === 1) {
      const o0 = base0 + (i0 + t) * rowStride + p0;
      const o1 = o0 + rowStride;
      const o2 = o1 + rowStride;
      const o3 = o2 + rowStride;
      for (let kk = 0, d = base; kk < kc; kk++, d += 4) {
        dst[d] = data[o0 + kk]!;
        dst[d + 1] = data[o1 + kk]!;
        dst[d + 2] = data[o2 + kk]!;
        dst[d + 3] = data[o3 + kk]!;
      }
    } else if (rows === 4 && rowStride === 1) {
      let o = base0 + i0 + t + p0 * kStride;
      for (let kk = 0, d = base; kk < kc; kk++, d += 4, o += kStride) {
        dst[d] = data[o]!;
        dst[d + 1] = data[o + 1]!;
        dst[d + 2] = data[o + 2]!;
        dst[d + 3] = data[o + 3]!;
      }
    } else {
      for (let r = 0; r < 4; r++) {
        if (r < rows) {
          const o = base0 + (i0 + t + r) * rowStride + p0 * kStride;
          for (let kk = 0; kk < kc; kk++) dst[base + kk * 4 + r] = data[o + kk * kStride]!;
        } else {
          for (let kk = 0; kk < kc; kk++) dst[base + kk * 4 + r] = 0;
        }
      }
    }
  }
}

/** c[cOffset + i·ldc + jc + j] += alpha·C(i, j) from the padded C block in wasm memory. */
function addOut(
  mem: Float64Array,
  cOff: number,
  ncp: number,
  c: Float64Array,
  m: number,
  n: number,
  nc: number,
  jc: number,
  upperOnly: boolean,
  options: GemmOptions,
): void {
  const alpha = options.alpha ?? 1;
  const ldc = options.ldc ?? n;
  const base = options.cOffset ?? 0;
  for (let i = 0; i < m; i++) {
    const src = cOff + i * ncp;
    const dst = base + i * ldc + jc;
    const j0 = upperOnly ? Math.max(0, i - jc) : 0;
    if (alpha === 1) for (let j = j0; j < nc; j++) c[dst + j] += mem[src + j]!;
    else for (let j = j0; j < nc; j++) c[dst + j] += alpha * mem[src + j]!;
  }
}

/**
 * c (m×n, row-major, leading dimension ldc = n) += A(m×k)·B(k×n) on the WASM kernels.
 * With `upperOnly`, only entries with j ≥ i are guaranteed (the caller mirrors).
 * options (as gemmStrided): alpha scales the product, cOffset/ldc place C inside a larger array;
 * operand `offset`s select sub-blocks without copying.
 */
export function wasmGemmStrided(
  kernels: WasmKernels,
  m: number,
  n: number,
  k: number,
  a: StridedOperand,
  b: StridedOperand,
  c: Float64Array,
  upperOnly = false,
  options: GemmOptions = {},
): void {
  const k0 = 0;
  const k1 = k;
  if (m === 0 || n === 0 || k1 <= k0) return;
  const mp = roundUp4(m);
  const nFull = roundUp4(n);
  const ncMax = Math.max(4, Math.min(nFull, Math.floor(Math.min(NC_MAX, C_BUDGET_BYTES / (8 * mp))) & ~3));
  // Packed B panels double as A panels for a symmetric product of one operand with itself.
  const shared =
    upperOnly && m === n && ncMax >= nFull && a.data === b.data && a.rowStride === b.colStride && a.colStride === b.rowStride &&
    (a.offset ?? 0) === (b.offset ?? 0);
  const bOff = 0;
  const aOff = bOff + ncMax * KC;
  const cOff = aOff + (shared ? 0 : MC * KC);
  const view0 = kernels.ensureBytes(8 * (cOff + mp * ncMax));
  void view0;
  const { macro } = kernels.exports;
  for (let jc = 0; jc < n; jc += ncMax) {
    const nc = Math.min(ncMax, n - jc);
    const ncp = roundUp4(nc);
    let mem = kernels.f64();
    mem.fill(0, cOff, cOff + mp * ncp);
    for (let pc = k0; pc < k1; pc += KC) {
      const kc = Math.min(KC, k1 - pc);
      // B(kk, j) = b.data[kk*rowStride + j*colStride]: its columns are rows of the transposed view.
      packPanels(b.data, b.colStride, b.rowStride, jc, nc, pc, kc, mem, bOff, b.offset ?? 0);
      for (let ic = 0; ic < m; ic += MC) {
        if (upperOnly && ic >= jc + nc) break; // every tile of this and later row blocks is below the diagonal
        const mc = Math.min(MC, m - ic);
        let ap: number;
        if (shared) {
          ap = bOff + ic * kc;
        } else {
          packPanels(a.data, a.rowStride, a.colStride, ic, mc, pc, kc, mem, aOff, a.offset ?? 0);
          ap = aOff;
        }
        macro(8 * ap, 8 * bOff, 8 * (cOff + ic * ncp), roundUp4(mc), ncp, kc, ncp, upperOnly ? ic - jc : NO_DIAGONAL);
      }
      mem = kernels.f64();
    }
    addOut(mem, cOff, ncp, c, m, n, nc, jc, upperOnly, options);
  }
}

/** Runs lists of macro-kernel calls (8 numbers each, flattened) in parallel; part 0 on the caller. */
export interface MacroExecutor {
  readonly parts: number;
  execute(parts: number[][]): void;
}

/**
 * wasmGemmStrided split over threads: on each k step the caller packs B and all of A into shared
 * wasm memory, then the row panels of C are divided into `executor.parts` contiguous ranges of
 * equal work (for the symmetric Gram, counting only the tiles on or above the diagonal) and every
 * thread runs the macro-kernel on its own rows — disjoint writes, so no reduction is needed.
 * `kernels` must be the shared-memory build the executor's workers instantiated.
 */
export function wasmGemmParallel(
  kernels: WasmKernels,
  executor: MacroExecutor,
  m: number,
  n: number,
  k: number,
  a: StridedOperand,
  b: StridedOperand,
  c: Float64Array,
  upperOnly = false,
  options: GemmOptions = {},
): void {
  if (m === 0 || n === 0 || k === 0) return;
  const mp = roundUp4(m);
  const nFull = roundUp4(n);
  const ncMax = Math.max(4, Math.min(nFull, Math.floor(Math.min(NC_MAX, C_BUDGET_BYTES / (8 * mp))) & ~3));
  const shared =
    upperOnly && m === n && ncMax >= nFull && a.data === b.data && a.rowStride === b.colStride && a.colStride === b.rowStride &&
    (a.offset ?? 0) === (b.offset ?? 0);
  const bOff = 0;
  const aOff = bOff + ncMax * KC;
  const cOff = aOff + (shared ? 0 : mp * KC);
  kernels.ensureBytes(8 * (cOff + mp * ncMax));
  const threads = executor.parts;
  for (let jc = 0; jc < n; jc += ncMax) {
    const nc = Math.min(ncMax, n - jc);
    const ncp = roundUp4(nc);
    const panelsM = mp / 4;
    const panelsN = ncp / 4;
    // Work per 4-row panel r: the 4×4 tiles the macro-kernel does not skip.
    const work = new Float64Array(panelsM);
    let total = 0;
    for (let r = 0; r < panelsM; r++) {
      const skipped = upperOnly ? Math.max(0, Math.min(panelsN, Math.floor((4 * r - jc) / 4))) : 0;
      work[r] = panelsN - skipped;
      total += work[r]!;
    }
    const bounds = [0];
    let acc = 0;
    for (let r = 0, part = 1; r < panelsM && part < threads; r++) {
      acc += work[r]!;
      if (acc >= (total * part) / threads) {
        bounds.push(r + 1);
        part++;
      }
    }
    while (bounds.length <= threads) bounds.push(panelsM);
    let mem = kernels.f64();
    mem.fill(0, cOff, cOff + mp * ncp);
    for (let pc = 0; pc < k; pc += KC) {
      const kc = Math.min(KC, k - pc);
      packPanels(b.data, b.colStride, b.rowStride, jc, nc, pc, kc, mem, bOff, b.offset ?? 0);
      if (!shared) packPanels(a.data, a.rowStride, a.colStride, 0, m, pc, kc, mem, aOff, a.offset ?? 0);
      const apBase = shared ? bOff : aOff;
      const parts: number[][] = [];
      for (let t = 0; t < threads; t++) {
        const calls: number[] = [];
        const r0 = 4 * bounds[t]!;
        const r1 = 4 * bounds[t + 1]!;
        for (let ic = r0; ic < r1; ic += MC) {
          if (upperOnly && ic >= jc + nc) break;
          const mc = Math.min(MC, r1 - ic);
          calls.push(8 * (apBase + ic * kc), 8 * bOff, 8 * (cOff + ic * ncp), mc, ncp, kc, ncp, upperOnly ? ic - jc : NO_DIAGONAL);
        }
        parts.push(calls);
      }
      executor.execute(parts);
      mem = kernels.f64();
    }
    addOut(mem, cOff, ncp, c, m, n, nc, jc, upperOnly, options);
  }
}
