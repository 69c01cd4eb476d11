/**
 * The one general dense product kernel: C += op(A)·op(B) for any strides, in plain TypeScript.
 *
 * Goto-style blocking (docs/performance.md §4/§6): B is packed into k-major panels NR = 4 columns
 * wide, A into k-major panels MR = 3 rows tall, and a 3×4 register-blocked micro-kernel (12
 * accumulators, the best shape for plain JS) sweeps them. Because packing reads through explicit
 * strides, the same kernel computes AB, AᵀB and ABᵀ without materialising a transpose.
 * Padding lanes of partial panels are zero and are never written back, so NaN/Inf in the inputs
 * propagate exactly as in the naive triple loop.
 *
 * This file is the swap point for a later WASM SIMD kernel: everything else calls `gemmStrided`.
 */

const MR = 3;
const NR = 4;
const KC = 256;
const MC = 192; // multiple of MR
const NC = 4096; // multiple of NR

/** Read access to a logical rows×cols operand stored at data[offset + i * rowStride + j * colStride]. */
export interface StridedOperand {
  readonly data: Float64Array;
  readonly rowStride: number;
  readonly colStride: number;
  /** Index of entry (0, 0); default 0. Lets a sub-block be used without copying. */
  readonly offset?: number;
}

export interface GemmOptions {
  /** C += alpha·A·B (default 1); applied while packing A, so it costs nothing in the kernel. */
  readonly alpha?: number;
  /** Index of C(0, 0) in c (default 0). */
  readonly cOffset?: number;
  /** Leading dimension of C: C(i, j) = c[cOffset + i·ldc + j] (default n). */
  readonly ldc?: number;
}

/**
 * c (m×n, row-major from options.cOffset with leading dimension options.ldc ?? n) += alpha·A(m×k)·B(k×n).
 * With `upperOnly`, only entries with j ≥ i are guaranteed (tiles wholly below the diagonal are
 * skipped); the caller mirrors. Used by the symmetric Gram.
 */
export function gemmStrided(
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
  const alpha = options.alpha ?? 1;
  const cOffset = options.cOffset ?? 0;
  const ldc = options.ldc ?? n;
  const kcMax = Math.min(KC, k);
  const ncMax = Math.min(NC, roundUp(n, NR));
  const mcMax = Math.min(MC, roundUp(m, MR));
  const packedB = new Float64Array(kcMax * roundUp(ncMax, NR));
  const packedA = new Float64Array(kcMax * roundUp(mcMax, MR));
  const edge = new Float64Array(MR * NR);

  for (let jc = 0; jc < n; jc += NC) {
    const nc = Math.min(NC, n - jc);
    for (let pc = 0; pc < k; pc += KC) {
      const kc = Math.min(KC, k - pc);
      packB(b, pc, kc, jc, nc, packedB);
      for (let ic = 0; ic < m; ic += MC) {
        const mc = Math.min(MC, m - ic);
        // Whole row block strictly below the diagonal of this column block: nothing to do.
        if (upperOnly && jc + nc - 1 < ic) continue;
        packA(a, ic, mc, pc, kc, packedA, alpha);
        macroKernel(mc, nc, kc, packedA, packedB, c, cOffset, ic, jc, ldc, upperOnly, edge);
      }
    }
  }
}

function roundUp(x: number, multiple: number): number {
  return Math.ceil(x / multiple) * multiple;
}

/** B(pc..pc+kc, jc..jc+nc) → panels of NR columns, each k-major: out[panel*kc*NR + p*NR + col]. */
function packB(b: StridedOperand, pc: number, kc: number, jc: number, nc: number, out: Float64Array): void {
  const { data, rowStride, colStride } = b;
  const base = b.offset ?? 0;
  let o = 0;
  for (let j0 = 0; j0 < nc; j0 += NR) {
    const width = Math.min(NR, nc - j0);
    if (width === NR) {
      let src = base + pc * rowStride + (jc + j0) * colStride;
      for (let p = 0; p < kc; p++) {
        out[o] = data[src]!;
        out[o + 1] = data[src + colStride]!;
        out[o + 2] = data[src + 2 * colStride]!;
        out[o + 3] = data[src + 3 * colStride]!;
        o += NR;
        src += rowStride;
      }
    } else {
      for (let p = 0; p < kc; p++) {
        const src = base + (pc + p) * rowStride + (jc + j0) * colStride;
        for (let jj = 0; jj < NR; jj++) out[o + jj] = jj < width ? data[src + jj * colStride]! : 0;
        o += NR;
      }
    }
  }
}

/** A(ic..ic+mc, pc..pc+kc) → panels of MR rows, each k-major: out[panel*kc*MR + p*MR + row]. */
function packA(a: StridedOperand, ic: number, mc: number, pc: number, kc: number, out: Float64Array, alpha: number): void {
  const { data, rowStride, colStride } = a;
  const base = a.offset ?? 0;
  let o = 0;
  for (let i0 = 0; i0 < mc; i0 += MR) {
    const height = Math.min(MR, mc - i0);
    if (height === MR) {
      let src = base + (ic + i0) * rowStride + pc * colStride;
      for (let p = 0; p < kc; p++) {
        out[o] = data[src]!;
        out[o + 1] = data[src + rowStride]!;
        out[o + 2] = data[src + 2 * rowStride]!;
        o += MR;
        src += colStride;
      }
    } else {
      for (let p = 0; p < kc; p++) {
        const src = base + (ic + i0) * rowStride + (pc + p) * colStride;
        for (let ii = 0; ii < MR; ii++) out[o + ii] = ii < height ? data[src + ii * rowStride]! : 0;
        o += MR;
      }
    }
  }
  if (alpha !== 1) for (let i = 0; i < o; i++) out[i] *= alpha;
}

function macroKernel(
  mc: number,
  nc: number,
  kc: number,
  packedA: Float64Array,
  packedB: Float64Array,
  c: Float64Array,
  cOffset: number,
  ic: number,
  jc: number,
  ldc: number,
  upperOnly: boolean,
  edge: Float64Array,
): void {
  for (let j0 = 0; j0 < nc; j0 += NR) {
    const width = Math.min(NR, nc - j0);
    const bOffset = (j0 / NR) * kc * NR;
    const column = jc + j0;
    for (let i0 = 0; i0 < mc; i0 += MR) {
      const row = ic + i0;
      // Tile wholly below the diagonal (its last column is left of its first row).
      if (upperOnly && column + NR - 1 < row) continue;
      const height = Math.min(MR, mc - i0);
      const aOffset = (i0 / MR) * kc * MR;
      if (height === MR && width === NR) {
        microKernel3x4(kc, packedA, aOffset, packedB, bOffset, c, cOffset + row * ldc + column, ldc);
      } else {
        edge.fill(0);
        microKernel3x4(kc, packedA, aOffset, packedB, bOffset, edge, 0, NR);
        for (let ii = 0; ii < height; ii++) {
          for (let jj = 0; jj < width; jj++) c[cOffset + (row + ii) * ldc + column + jj] += edge[ii * NR + jj]!;
        }
      }
    }
  }
}

function microKernel3x4(
  kc: number,
  pa: Float64Array,
  aOffset: number,
  pb: Float64Array,
  bOffset: number,
  c: Float64Array,
  cOffset: number,
  ldc: number,
): void {
  let c00 = 0, c01 = 0, c02 = 0, c03 = 0;
  let c10 = 0, c11 = 0, c12 = 0, c13 = 0;
  let c20 = 0, c21 = 0, c22 = 0, c23 = 0;
  let ia = aOffset;
  let ib = bOffset;
  for (let p = 0; p < kc; p++) {
    const a0 = pa[ia]!, a1 = pa[ia + 1]!, a2 = pa[ia + 2]!;
    const b0 = pb[ib]!, b1 = pb[ib + 1]!, b2 = pb[ib + 2]!, b3 = pb[ib + 3]!;
    c00 += a0 * b0; c01 += a0 * b1; c02 += a0 * b2; c03 += a0 * b3;
    c10 += a1 * b0; c11 += a1 * b1; c12 += a1 * b2; c13 += a1 * b3;
    c20 += a2 * b0; c21 += a2 * b1; c22 += a2 * b2; c23 += a2 * b3;
    ia += MR;
    ib += NR;
  }
  let o = cOffset;
  c[o] += c00; c[o + 1] += c01; c[o + 2] += c02; c[o + 3] += c03;
  o += ldc;
  c[o] += c10; c[o + 1] += c11; c[o + 2] += c12; c[o + 3] += c13;
  o += ldc;
  c[o] += c20; c[o + 1] += c21; c[o + 2] += c22; c[o + 3] += c23;
}
