// WASM SIMD GEMM macro-kernel (AssemblyScript). Built twice by scripts/build-wasm.mjs:
// with relaxed-simd (f64x2.relaxed_madd, fused on x86 FMA / ARM) and without (f64x2 mul + add).
// Design: docs/performance.md §6 — Goto-style blocking, packing done in TypeScript
// (engine/linalg/wasm/gemm.ts). A 4×4 f64 micro-kernel keeps 8 f64x2 accumulators, 2 B vectors and
// the A broadcast in xmm registers (V8 uses xmm0–15; larger tiles spill). The k loop is not
// unrolled by hand: TurboFan unrolls it and manual unrolling halved the speed in the measurements.
//
// Packed layouts (f64, byte addresses into the imported memory):
//   A block (mc×kc): mc/4 panels; panel i holds rows 4i..4i+3 k-major: pa[k*4 + r].
//   B block (kc×nc): nc/4 panels; panel j holds columns 4j..4j+3 k-major: pb[k*4 + c].
//   C (mc×nc tile of a row-major array with leading dimension ldc): C += A·B.

@inline function madd(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) {
    return f64x2.relaxed_madd(a, b, c);
  } else {
    return f64x2.add(f64x2.mul(a, b), c);
  }
}

/** C[0..3][0..3] += Apanel(4×kc) · Bpanel(kc×4); ldcBytes = row stride of C in bytes. */
@inline function micro(pa: usize, pb: usize, pc: usize, kc: i32, ldcBytes: usize): void {
  let c00 = f64x2.splat(0.0);
  let c01 = f64x2.splat(0.0);
  let c10 = f64x2.splat(0.0);
  let c11 = f64x2.splat(0.0);
  let c20 = f64x2.splat(0.0);
  let c21 = f64x2.splat(0.0);
  let c30 = f64x2.splat(0.0);
  let c31 = f64x2.splat(0.0);
  for (let k = 0; k < kc; k++) {
    const b0 = v128.load(pb);
    const b1 = v128.load(pb, 16);
    let a = v128.load64_splat(pa);
    c00 = madd(a, b0, c00);
    c01 = madd(a, b1, c01);
    a = v128.load64_splat(pa, 8);
    c10 = madd(a, b0, c10);
    c11 = madd(a, b1, c11);
    a = v128.load64_splat(pa, 16);
    c20 = madd(a, b0, c20);
    c21 = madd(a, b1, c21);
    a = v128.load64_splat(pa, 24);
    c30 = madd(a, b0, c30);
    c31 = madd(a, b1, c31);
    pa += 32;
    pb += 32;
  }
  let p = pc;
  v128.store(p, f64x2.add(v128.load(p), c00));
  v128.store(p, f64x2.add(v128.load(p, 16), c01), 16);
  p += ldcBytes;
  v128.store(p, f64x2.add(v128.load(p), c10));
  v128.store(p, f64x2.add(v128.load(p, 16), c11), 16);
  p += ldcBytes;
  v128.store(p, f64x2.add(v128.load(p), c20));
  v128.store(p, f64x2.add(v128.load(p, 16), c21), 16);
  p += ldcBytes;
  v128.store(p, f64x2.add(v128.load(p), c30));
  v128.store(p, f64x2.add(v128.load(p, 16), c31), 16);
}

/**
 * C(mc×nc) += A(mc×kc)·B(kc×nc) over packed panels; mc, nc multiples of 4.
 * diag: for a symmetric product whose upper triangle alone is wanted, the global row offset of this
 * C tile minus its global column offset; tiles entirely below the diagonal are skipped. Pass a large
 * negative number (e.g. -2^30) to compute every tile.
 */
export function macro(ap: usize, bp: usize, cp: usize, mc: i32, nc: i32, kc: i32, ldc: i32, diag: i32): void {
  const ldcBytes = (<usize>ldc) << 3;
  const panelBytes = (<usize>kc) << 5; // kc * 4 * 8
  for (let jr = 0; jr < nc; jr += 4) {
    const pb = bp + (<usize>(jr >> 2)) * panelBytes;
    for (let ir = 0; ir < mc; ir += 4) {
      if (jr + 4 <= diag + ir) continue;
      micro(ap + (<usize>(ir >> 2)) * panelBytes, pb, cp + (<usize>ir) * ldcBytes + ((<usize>jr) << 3), kc, ldcBytes);
    }
  }
}
