// Symmetric eigendecomposition kernels (AssemblyScript, WASM SIMD): EISPACK tred2 (Householder
// tridiagonalisation with accumulation) and tql2 (implicit QL with Wilkinson-type shifts), as in
// JAMA and engine/linalg/eigen.ts, with f64x2 inner loops (docs/performance.md §3 "AS" rows).
//
// Storage: W = Vᵀ, row-major n×n at `w` (row j of W is column j of JAMA's V), so every O(n³) inner
// loop — the Householder updates, the accumulation dot/axpy and the Givens rotations — runs along a
// contiguous row. d and e are n-vectors. All pointers are byte addresses in the imported memory.

@inline function ld(p: usize): f64 {
  return load<f64>(p);
}
@inline function st(p: usize, v: f64): void {
  store<f64>(p, v);
}

@inline function el(base: usize, k: i32): usize {
  return base + ((<usize>k) << 3);
}
@inline function at(base: usize, rowBytes: usize, r: i32, c: i32): usize {
  return base + (<usize>r) * rowBytes + ((<usize>c) << 3);
}

@inline function madd(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) {
    return f64x2.relaxed_madd(a, b, c);
  } else {
    return f64x2.add(f64x2.mul(a, b), c);
  }
}

@inline function hsum(v: v128): f64 {
  return f64x2.extract_lane(v, 0) + f64x2.extract_lane(v, 1);
}

/** Σ x[k]·y[k], k < len. */
function dot(x: usize, y: usize, len: i32): f64 {
  let acc0 = f64x2.splat(0.0);
  let acc1 = f64x2.splat(0.0);
  let k = 0;
  for (; k + 4 <= len; k += 4) {
    const o = (<usize>k) << 3;
    acc0 = madd(v128.load(x + o), v128.load(y + o), acc0);
    acc1 = madd(v128.load(x + o, 16), v128.load(y + o, 16), acc1);
  }
  let s = hsum(f64x2.add(acc0, acc1));
  for (; k < len; k++) s += ld(x + ((<usize>k) << 3)) * ld(y + ((<usize>k) << 3));
  return s;
}

/** y[k] += a·x[k], k < len. */
function axpy(a: f64, x: usize, y: usize, len: i32): void {
  const va = f64x2.splat(a);
  let k = 0;
  for (; k + 2 <= len; k += 2) {
    const o = (<usize>k) << 3;
    v128.store(y + o, madd(va, v128.load(x + o), v128.load(y + o)));
  }
  for (; k < len; k++) {
    const o = (<usize>k) << 3;
    st(y + o, ld(y + o) + a * ld(x + o));
  }
}

function hypot2(x: f64, y: f64): f64 {
  const ax = Math.abs(x);
  const ay = Math.abs(y);
  const big = ax > ay ? ax : ay;
  if (big == 0) return 0;
  const small = ax > ay ? ay : ax;
  const q = small / big;
  return big * Math.sqrt(1 + q * q);
}

/**
 * tred2 on W (symmetric input, full square). On return d = diagonal, e[1..n-1] = subdiagonal and,
 * with accumulate ≠ 0, W = the transposed orthogonal transformation; without, d = diagonal only.
 */
export function tred2(w: usize, d: usize, e: usize, n: i32, accumulate: i32): void {
  if (n == 0) return;
  const rowBytes = (<usize>n) << 3;
  for (let j = 0; j < n; j++) st(el(d, j), ld(at(w, rowBytes, n - 1, j)));

  for (let i = n - 1; i > 0; i--) {
    let scale: f64 = 0;
    let h: f64 = 0;
    for (let k = 0; k < i; k++) scale += Math.abs(ld(el(d, k)));
    if (scale == 0) {
      st(el(e, i), ld(el(d, i - 1)));
      for (let j = 0; j < i; j++) {
        st(el(d, j), ld(at(w, rowBytes, j, i - 1)));
        st(at(w, rowBytes, j, i), 0);
        st(at(w, rowBytes, i, j), 0);
      }
    } else {
      for (let k = 0; k < i; k++) {
        const v = ld(el(d, k)) / scale;
        st(el(d, k), v);
        h += v * v;
      }
      let f = ld(el(d, i - 1));
      let g = Math.sqrt(h);
      if (f > 0) g = -g;
      st(el(e, i), scale * g);
      h -= f * g;
      st(el(d, i - 1), f - g);
      for (let j = 0; j < i; j++) st(el(e, j), 0);

      // e[j] += Σ_{k≥j} W[j][k]·d[k];  e[k] += W[j][k]·d[j] (k > j)  — lower triangle in W's rows
      let j = 0;
      // Rows j and j+1 together (shared loads and stores of d and e); row j's update of e[j+1]
      // is applied before row j+1 reads it, as in the one-row loop.
      for (; j + 1 < i; j += 2) {
        const f0 = ld(el(d, j));
        const f1 = ld(el(d, j + 1));
        st(at(w, rowBytes, i, j), f0);
        st(at(w, rowBytes, i, j + 1), f1);
        const row0 = at(w, rowBytes, j, 0);
        const row1 = row0 + rowBytes;
        let g0 = ld(el(e, j)) + ld(row0 + ((<usize>j) << 3)) * f0;
        const v01 = ld(row0 + ((<usize>(j + 1)) << 3));
        g0 += v01 * ld(el(d, j + 1));
        st(el(e, j + 1), ld(el(e, j + 1)) + v01 * f0);
        let g1 = ld(el(e, j + 1)) + ld(row1 + ((<usize>(j + 1)) << 3)) * f1;
        const start = j + 2;
        const len = i - start;
        const r0 = row0 + ((<usize>start) << 3);
        const r1 = row1 + ((<usize>start) << 3);
        const dp = el(d, start);
        const ep = el(e, start);
        const vf0 = f64x2.splat(f0);
        const vf1 = f64x2.splat(f1);
        let acc0 = f64x2.splat(0.0);
        let acc1 = f64x2.splat(0.0);
        let k = 0;
        for (; k + 2 <= len; k += 2) {
          const o = (<usize>k) << 3;
          const a0 = v128.load(r0 + o);
          const a1 = v128.load(r1 + o);
          const dv = v128.load(dp + o);
          acc0 = madd(a0, dv, acc0);
          acc1 = madd(a1, dv, acc1);
          v128.store(ep + o, madd(a1, vf1, madd(a0, vf0, v128.load(ep + o))));
        }
        g0 += hsum(acc0);
        g1 += hsum(acc1);
        for (; k < len; k++) {
          const o = (<usize>k) << 3;
          const a0 = ld(r0 + o);
          const a1 = ld(r1 + o);
          const dk = ld(dp + o);
          g0 += a0 * dk;
          g1 += a1 * dk;
          st(ep + o, ld(ep + o) + a0 * f0 + a1 * f1);
        }
        st(el(e, j), g0);
        st(el(e, j + 1), g1);
      }
      for (; j < i; j++) {
        f = ld(el(d, j));
        st(at(w, rowBytes, i, j), f);
        const row = at(w, rowBytes, j, 0);
        g = ld(el(e, j)) + ld(row + ((<usize>j) << 3)) * f;
        const len = i - 1 - j;
        const start = j + 1;
        // SIMD over k: g += W[j][k]·d[k]; e[k] += W[j][k]·f
        const vf = f64x2.splat(f);
        let acc = f64x2.splat(0.0);
        let k = 0;
        const rp = row + ((<usize>start) << 3);
        const dp = el(d, start);
        const ep = el(e, start);
        for (; k + 2 <= len; k += 2) {
          const o = (<usize>k) << 3;
          const a = v128.load(rp + o);
          acc = madd(a, v128.load(dp + o), acc);
          v128.store(ep + o, madd(a, vf, v128.load(ep + o)));
        }
        g += hsum(acc);
        for (; k < len; k++) {
          const o = (<usize>k) << 3;
          const a = ld(rp + o);
          g += a * ld(dp + o);
          st(ep + o, ld(ep + o) + a * f);
        }
        st(el(e, j), g);
      }
      f = 0;
      for (let j = 0; j < i; j++) {
        const ej = ld(el(e, j)) / h;
        st(el(e, j), ej);
        f += ej * ld(el(d, j));
      }
      const hh = f / (h + h);
      for (let j = 0; j < i; j++) st(el(e, j), ld(el(e, j)) - hh * ld(el(d, j)));
      // W[j][k] -= f·e[k] + g·d[k], k = j..i-1
      for (let j = 0; j < i; j++) {
        f = ld(el(d, j));
        g = ld(el(e, j));
        const len = i - j;
        const rp = at(w, rowBytes, j, j);
        const ep = el(e, j);
        const dp = el(d, j);
        const vf = f64x2.splat(-f);
        const vg = f64x2.splat(-g);
        let k = 0;
        for (; k + 2 <= len; k += 2) {
          const o = (<usize>k) << 3;
          v128.store(rp + o, madd(vg, v128.load(dp + o), madd(vf, v128.load(ep + o), v128.load(rp + o))));
        }
        for (; k < len; k++) {
          const o = (<usize>k) << 3;
          st(rp + o, ld(rp + o) - (f * ld(ep + o) + g * ld(dp + o)));
        }
        st(el(d, j), ld(at(w, rowBytes, j, i - 1)));
        st(at(w, rowBytes, j, i), 0);
      }
    }
    st(el(d, i), h);
  }

  if (accumulate == 0) {
    for (let j = 0; j < n; j++) st(el(d, j), ld(at(w, rowBytes, j, j)));
    st(el(e, 0), 0);
    return;
  }

  for (let i = 0; i < n - 1; i++) {
    st(at(w, rowBytes, i, n - 1), ld(at(w, rowBytes, i, i)));
    st(at(w, rowBytes, i, i), 1);
    const h = ld(el(d, i + 1));
    const next = at(w, rowBytes, i + 1, 0);
    if (h != 0) {
      for (let k = 0; k <= i; k++) st(el(d, k), ld(next + ((<usize>k) << 3)) / h);
      // Rows j … j+3 together: each load of the reflector (next) and of d serves four rows.
      const len = i + 1;
      let j = 0;
      for (; j + 3 <= i; j += 4) {
        const r0 = at(w, rowBytes, j, 0);
        const r1 = r0 + rowBytes;
        const r2 = r1 + rowBytes;
        const r3 = r2 + rowBytes;
        let a0 = f64x2.splat(0.0);
        let a1 = f64x2.splat(0.0);
        let a2 = f64x2.splat(0.0);
        let a3 = f64x2.splat(0.0);
        let k = 0;
        for (; k + 2 <= len; k += 2) {
          const o = (<usize>k) << 3;
          const x = v128.load(next + o);
          a0 = madd(x, v128.load(r0 + o), a0);
          a1 = madd(x, v128.load(r1 + o), a1);
          a2 = madd(x, v128.load(r2 + o), a2);
          a3 = madd(x, v128.load(r3 + o), a3);
        }
        let g0 = hsum(a0);
        let g1 = hsum(a1);
        let g2 = hsum(a2);
        let g3 = hsum(a3);
        if (k < len) {
          const o = (<usize>k) << 3;
          const x = ld(next + o);
          g0 += x * ld(r0 + o);
          g1 += x * ld(r1 + o);
          g2 += x * ld(r2 + o);
          g3 += x * ld(r3 + o);
        }
        const n0 = f64x2.splat(-g0);
        const n1 = f64x2.splat(-g1);
        const n2 = f64x2.splat(-g2);
        const n3 = f64x2.splat(-g3);
        k = 0;
        for (; k + 2 <= len; k += 2) {
          const o = (<usize>k) << 3;
          const dv = v128.load(d + o);
          v128.store(r0 + o, madd(n0, dv, v128.load(r0 + o)));
          v128.store(r1 + o, madd(n1, dv, v128.load(r1 + o)));
          v128.store(r2 + o, madd(n2, dv, v128.load(r2 + o)));
          v128.store(r3 + o, madd(n3, dv, v128.load(r3 + o)));
        }
        if (k < len) {
          const o = (<usize>k) << 3;
          const dk = ld(d + o);
          st(r0 + o, ld(r0 + o) - g0 * dk);
          st(r1 + o, ld(r1 + o) - g1 * dk);
          st(r2 + o, ld(r2 + o) - g2 * dk);
          st(r3 + o, ld(r3 + o) - g3 * dk);
        }
      }
      for (; j <= i; j++) {
        const row = at(w, rowBytes, j, 0);
        const g = dot(next, row, len);
        axpy(-g, d, row, len);
      }
    }
    for (let k = 0; k <= i; k++) st(next + ((<usize>k) << 3), 0);
  }
  for (let j = 0; j < n; j++) {
    st(el(d, j), ld(at(w, rowBytes, j, n - 1)));
    st(at(w, rowBytes, j, n - 1), 0);
  }
  st(at(w, rowBytes, n - 1, n - 1), 1);
  st(el(e, 0), 0);
}

/**
 * tql2 / tql1 on (d, e[1..n-1]): eigenvalues overwrite d (unsorted). With vectors ≠ 0 the
 * rotations are applied to the rows of W (columns of V), a column block of W at a time so the block
 * stays in cache through a sweep. cs, sn: n-vector scratch. Returns 0, or -1 if an eigenvalue needed
 * more than maxIterations QL sweeps.
 */
export function tql2(d: usize, e: usize, n: i32, w: usize, vectors: i32, cs: usize, sn: usize, maxIterations: i32): i32 {
  return ql(d, e, n, w, vectors, cs, sn, maxIterations, false);
}

/**
 * tql2 with the eigenvector rows kept in strip layout (see toStrips): each rotation chain runs down
 * a contiguous strip of 8 columns with the carried row in registers — one load and one store per
 * element and rotation, sequential in memory.
 */
export function tql2Strips(d: usize, e: usize, n: i32, strips: usize, cs: usize, sn: usize, maxIterations: i32): i32 {
  return ql(d, e, n, strips, 1, cs, sn, maxIterations, true);
}

function ql(d: usize, e: usize, n: i32, w: usize, vectors: i32, cs: usize, sn: usize, maxIterations: i32, stripped: bool): i32 {
  if (n == 0) return 0;
  const EPS: f64 = 2.220446049250313e-16;
  for (let i = 1; i < n; i++) st(el(e, i - 1), ld(el(e, i)));
  st(el(e, n - 1), 0);
  let f: f64 = 0;
  let tst1: f64 = 0;
  for (let l = 0; l < n; l++) {
    tst1 = Math.max(tst1, Math.abs(ld(el(d, l))) + Math.abs(ld(el(e, l))));
    let m = l;
    while (m < n - 1 && Math.abs(ld(el(e, m))) > EPS * tst1) m++;
    if (m > l) {
      let iterations = 0;
      do {
        if (++iterations > maxIterations) return -1;
        let g = ld(el(d, l));
        let p = (ld(el(d, l + 1)) - g) / (2 * ld(el(e, l)));
        let r = hypot2(p, 1);
        if (p < 0) r = -r;
        st(el(d, l), ld(el(e, l)) / (p + r));
        st(el(d, l + 1), ld(el(e, l)) * (p + r));
        const dl1 = ld(el(d, l + 1));
        let h = g - ld(el(d, l));
        for (let i = l + 2; i < n; i++) st(el(d, i), ld(el(d, i)) - h);
        f += h;
        p = ld(el(d, m));
        let c: f64 = 1;
        let c2 = c;
        let c3 = c;
        const el1 = ld(el(e, l + 1));
        let s: f64 = 0;
        let s2: f64 = 0;
        for (let i = m - 1; i >= l; i--) {
          c3 = c2;
          c2 = c;
          s2 = s;
          g = c * ld(el(e, i));
          h = c * p;
          r = hypot2(p, ld(el(e, i)));
          st(el(e, i + 1), s * r);
          s = ld(el(e, i)) / r;
          c = p / r;
          p = c * ld(el(d, i)) - s * g;
          st(el(d, i + 1), h + s * (c * g + s * ld(el(d, i))));
          st(cs + ((<usize>i) << 3), c);
          st(sn + ((<usize>i) << 3), s);
        }
        if (vectors != 0) {
          if (stripped) rotateStrips(w, n, l, m, cs, sn);
          else rotateRows(w, n, l, m, cs, sn);
        }
        p = (-s * s2 * c3 * el1 * ld(el(e, l))) / dl1;
        st(el(e, l), s * p);
        st(el(d, l), c * p);
      } while (Math.abs(ld(el(e, l))) > EPS * tst1);
    }
    st(el(d, l), ld(el(d, l)) + f);
    st(el(e, l), 0);
  }
  return 0;
}

/** For i = top−1 … bottom: W_{i+1} ← s_i·W_i + c_i·W_{i+1}, W_i ← c_i·W_i − s_i·W_{i+1} (rows of W). */
function rotateRows(w: usize, n: i32, bottom: i32, top: i32, cs: usize, sn: usize): void {
  const rowBytes = (<usize>n) << 3;
  const BLOCK = 128; // columns per pass: (top-bottom+1) rows × 1 KiB stay in L1/L2
  for (let c0 = 0; c0 < n; c0 += BLOCK) {
    const len = min(BLOCK, n - c0);
    const colOff = (<usize>c0) << 3;
    for (let i = top - 1; i >= bottom; i--) {
      const c = ld(cs + ((<usize>i) << 3));
      const s = ld(sn + ((<usize>i) << 3));
      const vc = f64x2.splat(c);
      const vs = f64x2.splat(s);
      const vns = f64x2.splat(-s);
      const ri = w + (<usize>i) * rowBytes + colOff;
      const rj = ri + rowBytes;
      let k = 0;
      for (; k + 2 <= len; k += 2) {
        const o = (<usize>k) << 3;
        const x = v128.load(ri + o);
        const y = v128.load(rj + o);
        v128.store(rj + o, madd(vs, x, f64x2.mul(vc, y)));
        v128.store(ri + o, madd(vns, y, f64x2.mul(vc, x)));
      }
      for (; k < len; k++) {
        const o = (<usize>k) << 3;
        const x = ld(ri + o);
        const y = ld(rj + o);
        st(rj + o, s * x + c * y);
        st(ri + o, c * x - s * y);
      }
    }
  }
}

/** Copies row-major W (n×n) into strips: strip s holds columns 8s..8s+7 of every row, row-major (n×8), zero-padded. */
export function toStrips(w: usize, strips: usize, n: i32): void {
  const stripCount = (n + 7) >> 3;
  for (let s = 0; s < stripCount; s++) {
    const base = strips + (<usize>s) * (<usize>n) * 64;
    for (let r = 0; r < n; r++) {
      const row = w + (<usize>r) * ((<usize>n) << 3);
      for (let c = 0; c < 8; c++) {
        const col = (s << 3) + c;
        st(base + (<usize>r) * 64 + ((<usize>c) << 3), col < n ? ld(row + ((<usize>col) << 3)) : 0);
      }
    }
  }
}

/** Inverse of toStrips. */
export function fromStrips(strips: usize, w: usize, n: i32): void {
  const stripCount = (n + 7) >> 3;
  for (let s = 0; s < stripCount; s++) {
    const base = strips + (<usize>s) * (<usize>n) * 64;
    for (let r = 0; r < n; r++) {
      const row = w + (<usize>r) * ((<usize>n) << 3);
      for (let c = 0; c < 8; c++) {
        const col = (s << 3) + c;
        if (col < n) st(row + ((<usize>col) << 3), ld(base + (<usize>r) * 64 + ((<usize>c) << 3)));
      }
    }
  }
}

/** rotateRows on the strip layout: the chain of one sweep runs down each strip, carried row in registers. */
function rotateStrips(strips: usize, n: i32, bottom: i32, top: i32, cs: usize, sn: usize): void {
  const stripCount = (n + 7) >> 3;
  for (let s = 0; s < stripCount; s++) {
    let p = strips + (<usize>s) * (<usize>n) * 64 + (<usize>top) * 64;
    let k0 = v128.load(p);
    let k1 = v128.load(p, 16);
    let k2 = v128.load(p, 32);
    let k3 = v128.load(p, 48);
    for (let i = top - 1; i >= bottom; i--) {
      const vc = f64x2.splat(ld(cs + ((<usize>i) << 3)));
      const vs = f64x2.splat(ld(sn + ((<usize>i) << 3)));
      const q = p - 64;
      const x0 = v128.load(q);
      const x1 = v128.load(q, 16);
      const x2 = v128.load(q, 32);
      const x3 = v128.load(q, 48);
      v128.store(p, madd(vs, x0, f64x2.mul(vc, k0)));
      v128.store(p, madd(vs, x1, f64x2.mul(vc, k1)), 16);
      v128.store(p, madd(vs, x2, f64x2.mul(vc, k2)), 32);
      v128.store(p, madd(vs, x3, f64x2.mul(vc, k3)), 48);
      k0 = f64x2.sub(f64x2.mul(vc, x0), f64x2.mul(vs, k0));
      k1 = f64x2.sub(f64x2.mul(vc, x1), f64x2.mul(vs, k1));
      k2 = f64x2.sub(f64x2.mul(vc, x2), f64x2.mul(vs, k2));
      k3 = f64x2.sub(f64x2.mul(vc, x3), f64x2.mul(vs, k3));
      p = q;
    }
    v128.store(p, k0);
    v128.store(p, k1, 16);
    v128.store(p, k2, 32);
    v128.store(p, k3, 48);
  }
}

// ---------------------------------------------------------------------------------------------
// Blocked Householder tridiagonalisation (LAPACK dsytrd/dlatrd, UPLO = 'L', written for the upper
// triangle of a row-major matrix — the same numbers, since row r of the upper triangle is column r
// of the lower one). engine/linalg/wasm/eigen.ts drives it: this kernel reduces one panel of nb
// columns and returns the panel's reflectors V and the matching W (A22·v corrections), and the
// caller applies the rank-2nb trailing update A22 ← A22 − V·Wᵀ − W·Vᵀ on the GEMM kernel.
//
// Panel buffer P (row-major, 3·nb doubles a row, one row per matrix index): P[r][j] = V_j[r],
// P[r][nb + j] = W_j[r]; the caller copies V again into P[r][2nb + j] so that [V W] and [W V]ᵀ are
// both plain strided operands of one GEMM.

/** √(Σ x[k]²), k < len, scaled by max|x| so that no square overflows or underflows (dnrm2's aim). */
function scaledNorm2(x: usize, len: i32): f64 {
  let big: f64 = 0;
  for (let k = 0; k < len; k++) big = Math.max(big, Math.abs(ld(el(x, k))));
  if (big == 0 || !isFinite(big)) return big;
  let sum: f64 = 0;
  for (let k = 0; k < len; k++) {
    const q = ld(el(x, k)) / big;
    sum += q * q;
  }
  return big * Math.sqrt(sum);
}

/**
 * y[q] = Σ_q' S[q][q']·v[q'] for the symmetric S = A[r0.., r0..] (len×len) of which only the upper
 * triangle (row-major rows of A) is read: each element is loaded once and serves both the row dot
 * product and the column axpy. Two rows at a time share the loads of v and y.
 */
function symvUpper(a: usize, rowBytes: usize, r0: i32, len: i32, v: usize, y: usize): void {
  for (let q = 0; q < len; q++) st(el(y, q), 0);
  let q = 0;
  for (; q + 1 < len; q += 2) {
    const d0 = a + (<usize>(r0 + q)) * rowBytes + ((<usize>(r0 + q)) << 3); // &S[q][q]
    const d1 = d0 + rowBytes + 8; // &S[q+1][q+1]
    const v0 = ld(el(v, q));
    const v1 = ld(el(v, q + 1));
    const s01 = ld(d0 + 8);
    let g0 = ld(d0) * v0 + s01 * v1;
    let g1 = s01 * v0 + ld(d1) * v1;
    const start = q + 2;
    const rest = len - start;
    const r0p = d0 + 16;
    const r1p = d1 + 8;
    const vp = el(v, start);
    const yp = el(y, start);
    const vf0 = f64x2.splat(v0);
    const vf1 = f64x2.splat(v1);
    let acc0 = f64x2.splat(0.0);
    let acc1 = f64x2.splat(0.0);
    let k = 0;
    for (; k + 2 <= rest; k += 2) {
      const o = (<usize>k) << 3;
      const x0 = v128.load(r0p + o);
      const x1 = v128.load(r1p + o);
      const vv = v128.load(vp + o);
      acc0 = madd(x0, vv, acc0);
      acc1 = madd(x1, vv, acc1);
      v128.store(yp + o, madd(x1, vf1, madd(x0, vf0, v128.load(yp + o))));
    }
    g0 += hsum(acc0);
    g1 += hsum(acc1);
    for (; k < rest; k++) {
      const o = (<usize>k) << 3;
      const x0 = ld(r0p + o);
      const x1 = ld(r1p + o);
      const vk = ld(vp + o);
      g0 += x0 * vk;
      g1 += x1 * vk;
      st(yp + o, ld(yp + o) + x0 * v0 + x1 * v1);
    }
    st(el(y, q), ld(el(y, q)) + g0);
    st(el(y, q + 1), ld(el(y, q + 1)) + g1);
  }
  if (q < len) {
    const dq = a + (<usize>(r0 + q)) * rowBytes + ((<usize>(r0 + q)) << 3);
    st(el(y, q), ld(el(y, q)) + ld(dq) * ld(el(v, q)));
  }
}

/**
 * Reduces columns k … k+width−1 (1 ≤ width ≤ nb, k + width ≤ n − 1) of the symmetric A (upper triangle of
 * row-major n×n at `a`, already updated for every earlier panel). For each column gi: brings row gi
 * up to date with this panel's earlier reflectors, stores d[gi] = A[gi][gi], forms the Householder
 * reflector H = I − τ·v·vᵀ (dlarfg: v[gi+1] = 1, β = −sign(α)·‖(α, x)‖) that zeroes A[gi][gi+2..],
 * keeps v in row gi of A (1 at gi+1), e[gi+1] = β, tau[gi] = τ, and P's columns as described above.
 * s: n + 2·nb doubles of scratch.
 */
export function tridiagonalPanel(a: usize, n: i32, k: i32, width: i32, nb: i32, p: usize, s: usize, d: usize, e: usize, tau: usize): void {
  const rowBytes = (<usize>n) << 3;
  const pRowBytes = (<usize>(3 * nb)) << 3;
  const vOff: usize = 0;
  const wOff = (<usize>nb) << 3;
  const t1 = s + rowBytes; // Wᵀv (nb)
  const t2 = t1 + ((<usize>nb) << 3); // Vᵀv (nb)
  for (let i = 0; i < width; i++) {
    const gi = k + i;
    const row = at(a, rowBytes, gi, 0);
    const pgi = p + (<usize>gi) * pRowBytes;
    if (i > 0) {
      // A[gi][c] −= Σ_j V_j[c]·W_j[gi] + W_j[c]·V_j[gi]  (c ≥ gi)
      for (let c = gi; c < n; c++) {
        const pc = p + (<usize>c) * pRowBytes;
        let sum: f64 = 0;
        for (let j = 0; j < i; j++) {
          sum += ld(el(pc + vOff, j)) * ld(el(pgi + wOff, j)) + ld(el(pc + wOff, j)) * ld(el(pgi + vOff, j));
        }
        st(el(row, c), ld(el(row, c)) - sum);
      }
    }
    st(el(d, gi), ld(el(row, gi)));
    const x = el(row, gi + 1);
    const len = n - gi - 1;
    const alpha = ld(x);
    const xnorm = scaledNorm2(x + 8, len - 1);
    let t: f64 = 0;
    let beta = alpha;
    if (xnorm != 0) {
      beta = -hypot2(alpha, xnorm);
      if (alpha < 0) beta = -beta;
      t = (beta - alpha) / beta;
      const divisor = alpha - beta;
      for (let c = 1; c < len; c++) st(el(x, c), ld(el(x, c)) / divisor);
    }
    st(el(e, gi + 1), beta);
    st(el(tau, gi), t);
    st(x, 1);
    for (let c = k; c <= gi; c++) {
      const pc = p + (<usize>c) * pRowBytes;
      st(el(pc + vOff, i), 0);
      st(el(pc + wOff, i), 0);
    }
    for (let c = 0; c < len; c++) st(el(p + (<usize>(gi + 1 + c)) * pRowBytes + vOff, i), ld(el(x, c)));
    if (t == 0) {
      for (let c = 0; c < len; c++) st(el(p + (<usize>(gi + 1 + c)) * pRowBytes + wOff, i), 0);
      continue;
    }
    // s = A22·v, A22 = A[gi+1.., gi+1..] as it was at the start of the panel
    symvUpper(a, rowBytes, gi + 1, len, x, s);
    if (i > 0) {
      for (let j = 0; j < i; j++) {
        st(el(t1, j), 0);
        st(el(t2, j), 0);
      }
      for (let c = 0; c < len; c++) {
        const pc = p + (<usize>(gi + 1 + c)) * pRowBytes;
        const vc = ld(el(x, c));
        for (let j = 0; j < i; j++) {
          st(el(t1, j), ld(el(t1, j)) + ld(el(pc + wOff, j)) * vc);
          st(el(t2, j), ld(el(t2, j)) + ld(el(pc + vOff, j)) * vc);
        }
      }
      for (let c = 0; c < len; c++) {
        const pc = p + (<usize>(gi + 1 + c)) * pRowBytes;
        let sum: f64 = 0;
        for (let j = 0; j < i; j++) sum += ld(el(pc + vOff, j)) * ld(el(t1, j)) + ld(el(pc + wOff, j)) * ld(el(t2, j));
        st(el(s, c), ld(el(s, c)) - sum);
      }
    }
    // w = τ·s − ½τ²(sᵀv)·v
    let sv: f64 = 0;
    for (let c = 0; c < len; c++) sv += ld(el(s, c)) * ld(el(x, c));
    const half = -0.5 * t * t * sv;
    for (let c = 0; c < len; c++) {
      st(el(p + (<usize>(gi + 1 + c)) * pRowBytes + wOff, i), t * ld(el(s, c)) + half * ld(el(x, c)));
    }
  }
}
