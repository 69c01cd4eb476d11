/**
 * Symmetric eigendecomposition on the WASM SIMD kernels, same contract as engine/linalg/eigen.ts:
 * the input is symmetrised ((A + Aᵀ)/2), eigenvalues ascending, column j of `vectors` the unit
 * eigenvector of values[j], signs as the algorithm produces them, all-NaN output for a non-finite
 * input.
 *
 * Order n ≥ 1000 (blocking.minOrder): LAPACK's blocked scheme. The tridiagonalisation reduces panels
 * of 32 columns in wasm (assembly/eigen.ts tridiagonalPanel, dlatrd) and applies each panel's
 * rank-64 trailing update A22 ← A22 − V·Wᵀ − W·Vᵀ as one GEMM on the products' kernels (dsytrd);
 * Q = H_0·…·H_{n−2} is then formed in place from blocks of 64 reflectors in compact WY form, two
 * GEMMs per block (dorgtr); tql2 rotates Q into the eigenvectors. Half the reduction's flops and
 * all of Q's run on the GEMM kernel instead of rank-1/rank-2 updates. The eigensolver keeps its
 * matrix in its own wasm instance, so the GEMM's packing buffers never overlap it.
 * Smaller orders: EISPACK tred2 + tql2 in wasm, as before (assembly/eigen.ts).
 *
 * Eigenvectors from order 320 on (blocking.divideConquerMinOrder): the blocked reduction without
 * forming Q, the tridiagonal's eigenvectors Z by divide and conquer (engine/linalg/tridiagonal-dc.ts,
 * LAPACK dstedc: its merges are GEMMs), then V = Q·Z by applying the reflectors to Z in compact-WY
 * blocks on the GEMM kernel (applyQ, dormtr) — the QL rotations (~3n³ scalar flops per sweep set,
 * two thirds of eigh's time at n = 1000) are gone. Eigenvalues only: unchanged (tql1).
 * The blocked path differs from tred2 in the last bits (a different, equally stable sequence of
 * reflections); both are backward stable (test/engine/kernels/wasm-eigen-blocked.test.ts).
 */
import type { Matrix } from '../../core/matrix';
import { requireSquare } from '../basics';
import type { SymmetricEigen } from '../eigen';
import { powerOfTwoExponent, scaleByPowerOfTwo } from '../scaling';
import { tridiagonalEigenDC } from '../tridiagonal-dc';
import { gemmDispatch } from './dispatch';
import { packPanels } from './gemm';
import { loadKernels, type KernelVariant, type WasmKernels } from './loader';

const MAX_QL_ITERATIONS = 300;

interface EigenExports {
  tred2(w: number, d: number, e: number, n: number, accumulate: number): void;
  tridiagonalPanel(a: number, n: number, k: number, width: number, nb: number, p: number, s: number, d: number, e: number, tau: number): void;
  tql2(d: number, e: number, n: number, w: number, vectors: number, cs: number, sn: number, maxIterations: number): number;
  tql2Strips(d: number, e: number, n: number, strips: number, cs: number, sn: number, maxIterations: number): number;
  toStrips(w: number, strips: number, n: number): void;
  fromStrips(strips: number, w: number, n: number): void;
}

/**
 * Blocking of the tridiagonalisation and of the back-transformation: panels of `panel` columns
 * (the trailing update is a GEMM of inner dimension 2·panel), Q formed from blocks of
 * `reflectorBlock` reflectors (two GEMMs of inner dimension reflectorBlock each);
 * matrices of order below `minOrder` take the unblocked tred2 (the GEMM updates do not pay there).
 */
export interface EigenBlocking {
  panel: number;
  reflectorBlock: number;
  minOrder: number;
  /** Eigenvectors of orders from this one come from divide and conquer on the tridiagonal (tridiagonal-dc.ts) and the reflectors applied to them on GEMM (applyQ), not from QL rotations. */
  divideConquerMinOrder: number;
}

// minOrder: CPU-time measurements on the shared 2-vCPU AMD EPYC (FMA module, 2026-12-04): blocked vs
// tred2 eigh n = 500 0.106 vs 0.086 s, n = 1000 0.619 vs 0.618 s, n = 1500 3.13 vs 3.54 s; the
// GEMM updates only pay once the trailing matrix no longer fits in cache.
// divideConquerMinOrder: CPU time of eigh on the same shared machine (FMA module, loaded, 2026-12-05),
// divide and conquer vs QL vectors: n = 200 9.0 vs 6.6 ms, n = 300 19.9 vs 19.2 ms, n = 500 76 vs
// 83 ms, n = 1000 491 vs 787 ms (bench/eigen-dc.ts; the bench's kernel table prints both at 500 and 1000).
const DEFAULT_BLOCKING: EigenBlocking = { panel: 32, reflectorBlock: 64, minOrder: 1000, divideConquerMinOrder: 320 };
const blocking: EigenBlocking = { ...DEFAULT_BLOCKING };

/** Tests and bench only: change the blocking (undefined fields keep their value; no argument: defaults). */
export function setEigenBlocking(options?: Partial<EigenBlocking>): void {
  if (options === undefined) {
    Object.assign(blocking, DEFAULT_BLOCKING);
    return;
  }
  if (options.panel !== undefined) blocking.panel = Math.max(1, Math.floor(options.panel));
  if (options.reflectorBlock !== undefined) blocking.reflectorBlock = Math.max(1, Math.floor(options.reflectorBlock));
  if (options.minOrder !== undefined) blocking.minOrder = Math.max(0, Math.floor(options.minOrder));
  if (options.divideConquerMinOrder !== undefined) blocking.divideConquerMinOrder = Math.max(0, Math.floor(options.divideConquerMinOrder));
}

/** Current blocking (bench and tests print it). */
export function eigenBlocking(): EigenBlocking {
  return { ...blocking };
}

/** Offsets (in doubles) of the eigensolver's buffers in its wasm memory. */
interface Layout {
  n: number;
  nb: number;
  w: number; // n×n: A, then Qᵀ, then Vᵀ (eigenvector j in row j)
  d: number;
  e: number;
  tau: number;
  scratch: number; // n + 2nb
  panel: number; // n × 3nb
  cs: number;
  sn: number;
  strips: number; // n × 8⌈n/8⌉ when QL vectors are wanted; Z (n×n) with divide and conquer
  packA: number; // ⌈n/4⌉·4 × max(2nb, reflectorBlock): −[V W] (or −X·Tᵀ) in the GEMM kernel's 4-row panels
  packB: number; // the same size: [W V]ᵀ (or Yᵀ) in 4-column panels
  end: number;
}

const roundUp4 = (x: number): number => (x + 3) & ~3;

/** Row and column blocks of the in-place trailing update (the products' MC, and a B block that stays in L2). */
const UPDATE_ROWS = 192;
const UPDATE_COLS = 256;
/** macro's `diag` argument when every tile is wanted. */
const NO_DIAGONAL = -(2 ** 30);

function layout(n: number, vectors: boolean, divideConquer = false): Layout {
  const nb = Math.max(1, Math.min(blocking.panel, n - 1));
  const w = 0;
  const d = w + n * n;
  const e = d + n;
  const tau = e + n;
  const scratch = tau + n;
  const panel = scratch + n + 2 * nb;
  const cs = panel + n * 3 * nb;
  const sn = cs + n;
  const strips = sn + n;
  // Divide and conquer: the region holds Z (n×n, row stride n) plus slack for the padded rows of
  // the last 4-row tiles of applyQ's in-place update.
  const packA = strips + (vectors ? n * 8 * Math.ceil(n / 8) : divideConquer ? n * n + 4 * n + 8 : 0);
  const packWidth = Math.max(2 * nb, blocking.reflectorBlock);
  const packB = packA + roundUp4(n) * packWidth;
  const end = packB + roundUp4(n) * packWidth;
  return { n, nb, w, d, e, tau, scratch, panel, cs, sn, strips, packA, packB, end };
}

/**
 * A = Q·T·Qᵀ by panels (LAPACK dsytrd, lower variant on the upper triangle of row-major W): the
 * wasm kernel reduces a panel (assembly/eigen.ts tridiagonalPanel) and the trailing matrix takes the
 * rank-2nb update A22 ← A22 − [V W]·[W V]ᵀ on the GEMM kernel (upper triangle only). On return
 * d = diagonal, e[i] = T[i−1][i] (e[0] = 0, the tred2/tql2 convention), tau and the rows of W hold
 * the reflectors (row i: v_i, with v_i[i+1] = 1).
 */
function blockedTridiagonalise(kernels: WasmKernels, ex: EigenExports, L: Layout): void {
  const { n, nb } = L;
  const ldp = 3 * nb;
  let mem = kernels.f64();
  mem[L.e] = 0;
  for (let k = 0; k < n - 1; k += nb) {
    const width = Math.min(nb, n - 1 - k);
    ex.tridiagonalPanel(8 * L.w, n, k, width, nb, 8 * L.panel, 8 * L.scratch, 8 * L.d, 8 * L.e, 8 * L.tau);
    mem = kernels.f64();
    const start = k + width;
    const m = n - start;
    if (m <= 0) continue;
    // P[r][2nb + j] = V_j[r]: then [V W] = P[:, 0..2w) and [W V]ᵀ = P[:, nb..nb+2w)ᵀ for a full panel.
    const rowBase = L.panel + start * ldp;
    for (let r = 0; r < m; r++) {
      const o = rowBase + r * ldp;
      for (let j = 0; j < width; j++) mem[o + 2 * nb + j] = mem[o + j]!;
    }
    if (width === nb) {
      trailingUpdateInPlace(kernels, L, start, m, rowBase);
    } else {
      // Last, narrower panel: V and W are not adjacent, two products.
      gemmDispatch(m, m, width, { data: mem, rowStride: ldp, colStride: 1, offset: rowBase },
        { data: mem, rowStride: 1, colStride: ldp, offset: rowBase + nb }, mem, true, { alpha: -1, cOffset: L.w + start * n + start, ldc: n });
      gemmDispatch(m, m, width, { data: mem, rowStride: ldp, colStride: 1, offset: rowBase + nb },
        { data: mem, rowStride: 1, colStride: ldp, offset: rowBase }, mem, true, { alpha: -1, cOffset: L.w + start * n + start, ldc: n });
    }
    mem = kernels.f64();
  }
  mem[L.d + n - 1] = mem[L.w + (n - 1) * n + (n - 1)]!;
}

/**
 * A22 ← A22 − [V W]·[W V]ᵀ (upper triangle) with the GEMM macro-kernel of the eigensolver's own wasm
 * instance writing straight into A: a panel's update has inner dimension 2nb only, so the products'
 * route (a zeroed C buffer in the other memory, then added back) would move C through memory three
 * more times than the flops need. The padded rows and columns of the last 4×4 tiles add exact zeros
 * past the trailing block: into the lower triangle of the next row or into d/e/tau behind A, which
 * leaves every value unchanged.
 */
function trailingUpdateInPlace(kernels: WasmKernels, L: Layout, start: number, m: number, rowBase: number): void {
  const { n, nb } = L;
  const ldp = 3 * nb;
  const kc = 2 * nb;
  const mem = kernels.f64();
  packPanels(mem, ldp, 1, 0, m, 0, kc, mem, L.packA, rowBase);
  packPanels(mem, ldp, 1, 0, m, 0, kc, mem, L.packB, rowBase + nb);
  for (let i = L.packA, end = L.packA + roundUp4(m) * kc; i < end; i++) mem[i] = -mem[i]!;
  const { macro } = kernels.exports;
  for (let jc = 0; jc < m; jc += UPDATE_COLS) {
    const nc = Math.min(UPDATE_COLS, m - jc);
    for (let ic = 0; ic < jc + nc; ic += UPDATE_ROWS) {
      const mc = Math.min(UPDATE_ROWS, m - ic);
      macro(8 * (L.packA + ic * kc), 8 * (L.packB + jc * kc), 8 * (L.w + (start + ic) * n + start + jc), roundUp4(mc), roundUp4(nc), kc, n, ic - jc);
    }
  }
}

/**
 * Overwrites the reflector storage with Qᵀ (row i = column i of Q = H_0·H_1·…·H_{n−2}), by blocks
 * of nb reflectors from the last to the first (LAPACK dorgtr/dorgqr): with the block as
 * I − Y·T·Yᵀ (dlarft, forward), the rows and columns it touches take
 * Qᵀ_sub ← Qᵀ_sub − (Qᵀ_sub·Y)·Tᵀ·Yᵀ, two GEMMs. A block's reflectors are copied out before its
 * rows are overwritten; what the later blocks have not touched is identity.
 */
function formQTransposed(kernels: WasmKernels, L: Layout): void {
  const n = L.n;
  const { macro } = kernels.exports;
  const nb = blocking.reflectorBlock;
  const reflectors = n - 1;
  let mem = kernels.f64();
  for (let j0 = Math.floor((reflectors - 1) / nb) * nb; j0 >= 0; j0 -= nb) {
    const j1 = Math.min(j0 + nb, reflectors);
    const bs = j1 - j0;
    const m = n - j0 - 1; // indices j0+1 … n−1
    const first = j0 + 1;
    // Y (m × bs): column c is v_{j0+c} on indices first…n−1.
    const y = new Float64Array(m * bs);
    for (let c = 0; c < bs; c++) {
      const i = j0 + c;
      const row = L.w + i * n;
      for (let g = i + 1; g < n; g++) y[(g - first) * bs + c] = mem[row + g]!;
    }
    // T (bs × bs, upper): T[i][i] = τ_i, T[0:i, i] = −τ_i·T[0:i, 0:i]·(Y[:, 0:i]ᵀ·y_i)   (dlarft)
    const t = new Float64Array(bs * bs);
    const z = new Float64Array(bs);
    for (let i = 0; i < bs; i++) {
      const taui = mem[L.tau + j0 + i]!;
      t[i * bs + i] = taui;
      if (taui === 0 || i === 0) continue;
      z.fill(0, 0, i);
      for (let r = i; r < m; r++) {
        const yi = y[r * bs + i]!;
        if (yi === 0) continue;
        for (let j = 0; j < i; j++) z[j] += y[r * bs + j]! * yi;
      }
      for (let j = 0; j < i; j++) {
        let sum = 0;
        for (let l = j; l < i; l++) sum += t[j * bs + l]! * z[l]!;
        t[j * bs + i] = -taui * sum;
      }
    }
    // What the later blocks left as identity: rows first…j1 and columns first…j1.
    for (let r = first; r <= j1 && r < n; r++) {
      const o = L.w + r * n;
      mem.fill(0, o + first, o + n);
      mem[o + r] = 1;
    }
    for (let r = j1 + 1; r < n; r++) mem.fill(0, L.w + r * n + first, L.w + r * n + j1 + 1);
    const sub = L.w + first * n + first;
    const x = new Float64Array(m * bs);
    gemmDispatch(m, bs, m, { data: mem, rowStride: n, colStride: 1, offset: sub }, { data: y, rowStride: bs, colStride: 1 }, x);
    const xt = new Float64Array(m * bs);
    gemmDispatch(m, bs, bs, { data: x, rowStride: bs, colStride: 1 }, { data: t, rowStride: 1, colStride: bs }, xt);
    mem = kernels.f64();
    // Qᵀ_sub −= (X·Tᵀ)·Yᵀ straight into wasm memory (see trailingUpdateInPlace).
    packPanels(xt, bs, 1, 0, m, 0, bs, mem, L.packA);
    packPanels(y, bs, 1, 0, m, 0, bs, mem, L.packB);
    for (let i = L.packA, end = L.packA + roundUp4(m) * bs; i < end; i++) mem[i] = -mem[i]!;
    for (let jc = 0; jc < m; jc += UPDATE_COLS) {
      const nc = Math.min(UPDATE_COLS, m - jc);
      for (let ic = 0; ic < m; ic += UPDATE_ROWS) {
        const mc = Math.min(UPDATE_ROWS, m - ic);
        macro(8 * (L.packA + ic * bs), 8 * (L.packB + jc * bs), 8 * (sub + ic * n + jc), roundUp4(mc), roundUp4(nc), bs, n, NO_DIAGONAL);
      }
    }
  }
  mem.fill(0, L.w, L.w + n);
  mem[L.w] = 1;
  for (let r = 1; r < n; r++) mem[L.w + r * n] = 0;
}

/**
 * Z ← Q·Z in place for Q = H_0·H_1·…·H_{n−2} as left by blockedTridiagonalise (reflector i in row i
 * of W, 1 at column i+1; LAPACK dormtr): blocks of `reflectorBlock` reflectors from the last to the
 * first, each I − Y·T·Yᵀ in compact WY form (dlarft, forward), applied as
 * Z_sub ← Z_sub − Y·(T·(Yᵀ·Z_sub)) — three products on the GEMM kernels, 2n³ flops in all, where
 * forming Q (dorgtr) and then multiplying Q·Z would take 10n³/3. The rows of W are the blocks' Yᵀ
 * as they stand once the entries left of each reflector (diagonal and lower triangle, no longer
 * needed: d, e and τ are saved) are zeroed; T comes from the Gram YᵀY, also one product.
 */
function applyQ(kernels: WasmKernels, L: Layout, zv: Float64Array): void {
  const n = L.n;
  const nb = blocking.reflectorBlock;
  const reflectors = n - 1;
  const z = L.strips;
  let mem = kernels.f64();
  for (let i = 0; i < reflectors; i++) mem.fill(0, L.w + i * n, L.w + i * n + i + 1);
  mem.set(zv.subarray(0, n * n), z);
  mem.fill(0, z + n * n, L.packA);
  const t = new Float64Array(nb * nb);
  const g = new Float64Array(nb * nb);
  const w1 = new Float64Array(nb * n);
  const w2 = new Float64Array(nb * n);
  const { macro } = kernels.exports;
  for (let j0 = Math.floor((reflectors - 1) / nb) * nb; j0 >= 0; j0 -= nb) {
    const bs = Math.min(nb, reflectors - j0);
    const first = j0 + 1;
    const m = n - first;
    mem = kernels.f64();
    const offset = L.w + j0 * n + first;
    // G = YᵀY (upper triangle), then T (dlarft): T[i][i] = τ_i, T[0:i, i] = −τ_i·T[0:i, 0:i]·G[0:i, i]
    g.fill(0, 0, bs * bs);
    gemmDispatch(bs, bs, m, { data: mem, rowStride: n, colStride: 1, offset }, { data: mem, rowStride: 1, colStride: n, offset }, g, true, { ldc: bs });
    t.fill(0, 0, bs * bs);
    mem = kernels.f64();
    for (let i = 0; i < bs; i++) {
      const taui = mem[L.tau + j0 + i]!;
      t[i * bs + i] = taui;
      for (let j = 0; j < i; j++) {
        let sum = 0;
        for (let l = j; l < i; l++) sum += t[j * bs + l]! * g[l * bs + i]!;
        t[j * bs + i] = -taui * sum;
      }
    }
    // W1 = Yᵀ·Z_sub (bs×n), W2 = T·W1
    w1.fill(0, 0, bs * n);
    gemmDispatch(bs, n, m, { data: mem, rowStride: n, colStride: 1, offset }, { data: mem, rowStride: n, colStride: 1, offset: z + first * n }, w1);
    w2.fill(0, 0, bs * n);
    gemmDispatch(bs, n, bs, { data: t, rowStride: bs, colStride: 1 }, { data: w1, rowStride: n, colStride: 1 }, w2);
    // Z_sub −= Y·W2 with the macro-kernel straight into Z (see trailingUpdateInPlace): −Y in 4-row
    // panels, W2's columns in 4-column panels. Padded tile rows and columns add exact zeros (into
    // the next row of Z, or the slack behind it).
    mem = kernels.f64();
    packPanels(mem, 1, n, 0, m, 0, bs, mem, L.packA, offset);
    for (let i = L.packA, end = L.packA + roundUp4(m) * bs; i < end; i++) mem[i] = -mem[i]!;
    packPanels(w2, 1, n, 0, n, 0, bs, mem, L.packB);
    for (let jc = 0; jc < n; jc += UPDATE_COLS) {
      const nc = Math.min(UPDATE_COLS, n - jc);
      for (let ic = 0; ic < m; ic += UPDATE_ROWS) {
        const mc = Math.min(UPDATE_ROWS, m - ic);
        macro(8 * (L.packA + ic * bs), 8 * (L.packB + jc * bs), 8 * (z + (first + ic) * n + jc), roundUp4(mc), roundUp4(nc), bs, n, NO_DIAGONAL);
      }
    }
  }
  zv.set(kernels.f64().subarray(z, z + n * n));
}

interface RunResult {
  mem: Float64Array;
  n: number;
  d: number;
  exponent: number;
  /** Divide and conquer: eigenvalues ascending (scaled) and the eigenvectors in output layout. */
  sorted?: { values: Float64Array; vectors: Float64Array };
}

/** Runs the reduction + tql2 (or divide and conquer) in wasm memory on (A + Aᵀ)/2 scaled by 2^exponent (max|a| ≈ 1 when far from it, scaling.ts). */
function run(variant: KernelVariant, a: Matrix, vectors: boolean): RunResult {
  const kernels = loadKernels(variant, false, 'eigen');
  const n = a.rows;
  const divideConquer = vectors && n >= Math.max(3, blocking.divideConquerMinOrder);
  const L = layout(n, vectors && !divideConquer, divideConquer); // no QL strips with divide and conquer
  let mem = kernels.ensureBytes(8 * L.end);
  const w = L.w;
  const src = a.data;
  for (let i = 0; i < n; i++) {
    mem[w + i * n + i] = src[i * n + i]!;
    for (let j = i + 1; j < n; j++) {
      const v = 0.5 * (src[i * n + j]! + src[j * n + i]!);
      mem[w + i * n + j] = v;
      mem[w + j * n + i] = v;
    }
  }
  const matrix = mem.subarray(w, w + n * n);
  const exponent = powerOfTwoExponent(matrix);
  scaleByPowerOfTwo(matrix, exponent);
  const ex = kernels.exports as unknown as EigenExports;
  const blocked = n >= Math.max(3, blocking.minOrder) || divideConquer;
  if (blocked) {
    blockedTridiagonalise(kernels, ex, L);
    if (vectors && !divideConquer) formQTransposed(kernels, L);
  } else {
    ex.tred2(8 * w, 8 * L.d, 8 * L.e, n, vectors && !divideConquer ? 1 : 0);
  }
  if (divideConquer) {
    // Eigenvectors Z of T by divide and conquer (GEMM-rich), then V = Q·Z by applying the reflectors.
    let mem0 = kernels.f64();
    const diagonal = mem0.slice(L.d, L.d + n);
    const offDiagonal = mem0.slice(L.e + 1, L.e + n);
    const tri = tridiagonalEigenDC(diagonal, offDiagonal, n);
    applyQ(kernels, L, tri.vectors);
    mem0 = kernels.f64();
    return { mem: mem0, n, d: L.d, exponent, sorted: { values: tri.values, vectors: tri.vectors } };
  }
  let status: number;
  if (vectors) {
    // QL rotations run on a copy of W in 8-column strips (assembly/eigen.ts toStrips): ~1.5× faster.
    ex.toStrips(8 * w, 8 * L.strips, n);
    status = ex.tql2Strips(8 * L.d, 8 * L.e, n, 8 * L.strips, 8 * L.cs, 8 * L.sn, MAX_QL_ITERATIONS);
    ex.fromStrips(8 * L.strips, 8 * w, n);
  } else {
    status = ex.tql2(8 * L.d, 8 * L.e, n, 8 * w, 0, 8 * L.cs, 8 * L.sn, MAX_QL_ITERATIONS);
  }
  if (status !== 0) throw new Error(`symmetricEigen: QL iteration did not converge (n = ${n})`);
  mem = kernels.f64();
  return { mem, n, d: L.d, exponent };
}

function allFinite(data: Float64Array): boolean {
  for (let i = 0; i < data.length; i++) if (!Number.isFinite(data[i]!)) return false;
  return true;
}

export function wasmSymmetricEigen(variant: KernelVariant, a: Matrix): SymmetricEigen {
  requireSquare(a, 'symmetricEigen');
  const n = a.rows;
  if (!allFinite(a.data)) {
    return { values: new Float64Array(n).fill(NaN), vectors: { rows: n, cols: n, data: new Float64Array(n * n).fill(NaN) } };
  }
  const { mem, d, exponent, sorted } = run(variant, a, true);
  if (sorted) {
    scaleByPowerOfTwo(sorted.values, -exponent);
    return { values: sorted.values, vectors: { rows: n, cols: n, data: sorted.vectors } };
  }
  const order = Int32Array.from({ length: n }, (_, i) => i).sort((x, y) => mem[d + x]! - mem[d + y]!);
  const values = new Float64Array(n);
  const vectors = new Float64Array(n * n);
  for (let j = 0; j < n; j++) {
    const src = order[j]!;
    values[j] = mem[d + src]!;
    const row = src * n; // row src of W = eigenvector src
    for (let i = 0; i < n; i++) vectors[i * n + j] = mem[row + i]!;
  }
  scaleByPowerOfTwo(values, -exponent);
  return { values, vectors: { rows: n, cols: n, data: vectors } };
}

export function wasmSymmetricEigenvalues(variant: KernelVariant, a: Matrix): Float64Array {
  requireSquare(a, 'symmetricEigenvalues');
  const n = a.rows;
  if (!allFinite(a.data)) return new Float64Array(n).fill(NaN);
  const { mem, d, exponent } = run(variant, a, false);
  const values = mem.slice(d, d + n);
  scaleByPowerOfTwo(values, -exponent);
  return values.sort();
}
