/**
 * Eigenvalues and eigenvectors of a symmetric tridiagonal matrix by divide and conquer (Cuppen's
 * method with the Gu–Eisenstat eigenvectors, the scheme of LAPACK dstedc / dlaed0–dlaed4):
 *
 * - split T at the middle: T = diag(T₁ − |ρ|·e_k e_kᵀ, T₂ − |ρ|·e_1 e_1ᵀ) + |ρ|·v·vᵀ,
 *   v = (e_k; sign(ρ)·e_1), ρ the coupling entry; solve both halves recursively (blocks of at
 *   most LEAF rows by implicit QL, engine/linalg/eigen.ts);
 * - the halves' eigenvectors Q = diag(Q₁, Q₂) turn T into D + ρ'·z·zᵀ (z = Qᵀv/‖Qᵀv‖, ρ' = 2|ρ|);
 * - deflation: a component with ρ'|z_j| ≤ tol, or two poles closer than the tolerance once a plane
 *   rotation zeroes one of their z entries, gives an eigenpair of T directly (tol = 8·ε·max(|D|, |z|));
 * - the K remaining eigenvalues are the roots of the secular equation 1 + ρ'·Σ z_j²/(d_j − λ) = 0,
 *   one in each gap, found by a bracketed rational (two-pole) interpolation from the nearer pole, so
 *   that every difference d_j − λ_i is formed accurately (λ_i = d_origin + τ_i);
 * - Gu & Eisenstat (SIAM J. Matrix Anal. Appl. 16, 1995): ẑ is recomputed from the computed roots
 *   (Löwner's formula), so the vectors ẑ_j/(d_j − λ_i) are orthogonal to working precision however
 *   close the roots are;
 * - the new eigenvectors are Q·U, two products on the GEMM kernels (gemmDispatch): the columns of Q
 *   with entries only in the top half, in both, or only in the bottom half are grouped so that each
 *   half multiplies only the columns that are nonzero in it (LAPACK dlaed3's column types).
 *
 * The flops are the products' (~4n³/3 in total, on the fast kernels) instead of the ~3n³·(sweeps)
 * of scalar plane rotations that QL spends on the eigenvectors (measurements: docs/performance.md §3.1).
 */
import { qlImplicit } from './eigen';
import { gemmDispatch } from './wasm/dispatch';

const EPSILON = 2 ** -52;
/** Subproblems of at most this order are solved by implicit QL (LAPACK's SMLSIZ is 25). */
const LEAF = 32;
const MAX_SECULAR_ITERATIONS = 100;

export interface TridiagonalEigen {
  /** Eigenvalues, ascending. */
  readonly values: Float64Array;
  /** n×n row-major; column j is the unit eigenvector of values[j]. */
  readonly vectors: Float64Array;
}

/**
 * Eigen-decomposition of the symmetric tridiagonal matrix with diagonal `diagonal` (n) and
 * off-diagonal `offDiagonal` (offDiagonal[i] = T[i][i+1], n − 1 entries used). Inputs are not modified.
 * The caller scales the matrix to moderate magnitude (the wasm eigensolver scales by a power of two).
 */
export function tridiagonalEigenDC(diagonal: ArrayLike<number>, offDiagonal: ArrayLike<number>, n: number): TridiagonalEigen {
  const d = Float64Array.from({ length: n }, (_, i) => diagonal[i]!);
  const e = Float64Array.from({ length: Math.max(0, n - 1) }, (_, i) => offDiagonal[i]!);
  const z = new Float64Array(n * n);
  const work: Workspace = { q: new Float64Array(n <= LEAF ? 0 : n * n), a: new Float64Array(n <= LEAF ? 0 : n * n), u: new Float64Array(0) };
  solve(d, e, z, n, 0, n, work);
  // Blocks keep their eigenpairs unordered (kept roots first, then deflated pairs): sort once here.
  const order = Int32Array.from({ length: n }, (_, i) => i).sort((x, y) => d[x]! - d[y]!);
  const values = new Float64Array(n);
  for (let c = 0; c < n; c++) values[c] = d[order[c]!]!;
  const vectors = work.q.length === n * n ? work.q : new Float64Array(n * n);
  for (let r = 0; r < n; r++) {
    const row = r * n;
    for (let c = 0; c < n; c++) vectors[row + c] = z[row + order[c]!]!;
  }
  return { values, vectors };
}

/** Scratch reused by every merge: q (the block's eigenvectors), a (gathered columns), u (Uᵀ). */
interface Workspace {
  q: Float64Array;
  a: Float64Array;
  u: Float64Array;
}

/** Solves the block [s, s + size): on return d[s..] and z's diagonal block hold its eigenpairs (column c ↔ d[s + c], any order). */
function solve(d: Float64Array, e: Float64Array, z: Float64Array, ld: number, s: number, size: number, work: Workspace): void {
  if (size <= LEAF) {
    leaf(d, e, z, ld, s, size);
    return;
  }
  const n1 = size >> 1;
  const rho = e[s + n1 - 1]!;
  d[s + n1 - 1] -= Math.abs(rho);
  d[s + n1] -= Math.abs(rho);
  solve(d, e, z, ld, s, n1, work);
  solve(d, e, z, ld, s + n1, size - n1, work);
  merge(d, z, ld, s, n1, size - n1, rho, work);
}

function leaf(d: Float64Array, e: Float64Array, z: Float64Array, ld: number, s: number, size: number): void {
  const dl = d.slice(s, s + size);
  const el = new Float64Array(size);
  for (let i = 1; i < size; i++) el[i] = e[s + i - 1]!;
  const v = new Float64Array(size * size);
  for (let i = 0; i < size; i++) v[i * size + i] = 1;
  qlImplicit(dl, el, size, v);
  for (let c = 0; c < size; c++) d[s + c] = dl[c]!;
  for (let r = 0; r < size; r++) z.set(v.subarray(r * size, r * size + size), (s + r) * ld + s);
}

/**
 * Root i (0-based) of 1 + Σ_j w_j/(d_j − λ) = 0 for ascending poles d (strictly increasing) and
 * positive weights w (w_j = ρ'·z_j²): λ ∈ (d_i, d_{i+1}), or (d_{K−1}, d_{K−1} + Σw) for the last.
 * Works in the variable τ = λ − d_origin from the nearer pole, keeping a bracket [lo, hi] on which
 * f changes sign, and steps to the root of a model with the two nearest poles whose weights and
 * constants match the values and slopes of the two partial sums at the current τ (Li's "middle way",
 * as in LAPACK dlaed4); a step outside the bracket is replaced by bisection.
 */
function secularRoot(d: Float64Array, w: Float64Array, k: number, i: number, delta: Float64Array): { origin: number; tau: number } {
  const last = i === k - 1;
  if (k === 1) return { origin: 0, tau: w[0]! }; // 1 + w/(d − λ) = 0
  let origin: number;
  let lo: number;
  let hi: number;
  let fMid = 0;
  if (!last) {
    const gap = d[i + 1]! - d[i]!;
    const mid = gap / 2;
    let f = 1;
    for (let j = 0; j < k; j++) f += w[j]! / (d[j]! - d[i]! - mid);
    fMid = f;
    if (f >= 0) {
      origin = i;
      lo = 0;
      hi = mid;
    } else {
      origin = i + 1;
      lo = mid - gap;
      hi = 0;
    }
  } else {
    origin = i;
    lo = 0;
    hi = 0;
    for (let j = 0; j < k; j++) hi += w[j]!;
  }
  const base = d[origin]!;
  for (let j = 0; j < k; j++) delta[j] = d[j]! - base;
  // Poles of the model: P below the root (pole i), R above it (pole i+1; none for the last root).
  const P = last ? (i > 0 ? delta[i - 1]! : 0) : delta[i]!;
  const R = last ? 0 : delta[i + 1]!;
  const split = last ? i - 1 : i; // ψ: j ≤ split, φ: j > split
  let tau = (lo + hi) / 2;
  if (!last) {
    // Start from the root of the two nearest poles' terms plus the others frozen at the midpoint
    // (dlaed4's initial guess): usually within a few ulps after two or three model steps.
    const xMid = origin === i ? hi : lo;
    const c = fMid - w[i]! / (P - xMid) - w[i + 1]! / (R - xMid);
    const guess = quadraticRootIn(c, -(c * (P + R) + w[i]! + w[i + 1]!), c * P * R + w[i]! * R + w[i + 1]! * P, lo, hi);
    if (guess > lo && guess < hi) tau = guess;
  }
  for (let iteration = 0; iteration < MAX_SECULAR_ITERATIONS; iteration++) {
    let psi = 0;
    let dpsi = 0;
    let phi = 0;
    let dphi = 0;
    for (let j = 0; j <= split; j++) {
      const inv = 1 / (delta[j]! - tau);
      const t = w[j]! * inv;
      psi += t;
      dpsi += t * inv;
    }
    for (let j = split + 1; j < k; j++) {
      const inv = 1 / (delta[j]! - tau);
      const t = w[j]! * inv;
      phi += t;
      dphi += t * inv;
    }
    const f = 1 + psi + phi;
    if (f === 0) break;
    if (f < 0) lo = tau;
    else hi = tau;
    if (Math.abs(f) <= EPSILON * (8 * (Math.abs(psi) + Math.abs(phi)) + 1 + Math.abs(tau) * (dpsi + dphi))) break;
    if (!(hi - lo > 2 * EPSILON * Math.max(Math.abs(lo), Math.abs(hi)))) break;
    let next = NaN;
    if (iteration < 40) {
      let a2: number;
      let a1: number;
      let a0: number;
      if (!last) {
        // ψ ≈ a + b/(P − x), φ ≈ A + B/(R − x): c(P − x)(R − x) + b(R − x) + B(P − x) = 0
        const b = dpsi * (P - tau) * (P - tau);
        const B = dphi * (R - tau) * (R - tau);
        const c = 1 + (psi - b / (P - tau)) + (phi - B / (R - tau));
        a2 = c;
        a1 = -(c * (P + R) + b + B);
        a0 = c * P * R + b * R + B * P;
      } else {
        // ψ (poles below the last) ≈ a + b/(P − x); the last pole's own term −r/x exactly (phi = −r/τ)
        const r = w[i]!;
        const b = split >= 0 ? dpsi * (P - tau) * (P - tau) : 0;
        const a = split >= 0 ? psi - b / (P - tau) : 0;
        a2 = -(1 + a);
        a1 = (1 + a) * P + b + r;
        a0 = -r * P;
      }
      next = quadraticRootIn(a2, a1, a0, lo, hi);
    }
    if (!(next > lo && next < hi)) next = (lo + hi) / 2;
    if (next === tau) break;
    tau = next;
  }
  return { origin, tau };
}

/** The root of a2·x² + a1·x + a0 strictly inside (lo, hi), or NaN (stable formulas, no cancellation). */
function quadraticRootIn(a2: number, a1: number, a0: number, lo: number, hi: number): number {
  const disc = a1 * a1 - 4 * a2 * a0;
  if (!(disc >= 0)) return NaN;
  const q = -0.5 * (a1 + (a1 >= 0 ? 1 : -1) * Math.sqrt(disc));
  const x1 = q / a2;
  const x2 = a0 / q;
  if (x1 > lo && x1 < hi) return x1;
  if (x2 > lo && x2 < hi) return x2;
  return NaN;
}

/**
 * Merges the solved halves [s, s+n1) and [s+n1, s+n1+n2) coupled by rho (see the file comment).
 * d[s..] and z's diagonal block hold the halves' eigenpairs (each half's columns in any order); on
 * return they hold those of the whole block: the K secular roots first (ascending), then the
 * deflated pairs.
 */
function merge(d: Float64Array, zMat: Float64Array, ld: number, s: number, n1: number, n2: number, rho: number, work: Workspace): void {
  const n = n1 + n2;
  // The block's eigenvectors (block diagonal), copied out: deflation rotates columns, and the
  // products below write the new ones into the block.
  const q = work.q;
  for (let r = 0; r < n1; r++) {
    const o = (s + r) * ld + s;
    q.set(zMat.subarray(o, o + n1), r * n);
    q.fill(0, r * n + n1, r * n + n);
  }
  for (let r = n1; r < n; r++) {
    const o = (s + r) * ld + s + n1;
    q.fill(0, r * n, r * n + n1);
    q.set(zMat.subarray(o, o + n2), r * n + n1);
  }
  const dl = d.slice(s, s + n);
  const z = new Float64Array(n);
  const sign = rho < 0 ? -1 : 1;
  const invRoot2 = Math.SQRT1_2;
  for (let c = 0; c < n1; c++) z[c] = q[(n1 - 1) * n + c]! * invRoot2;
  for (let c = n1; c < n; c++) z[c] = sign * q[n1 * n + c]! * invRoot2;
  const weight = 2 * Math.abs(rho);

  const perm = Int32Array.from({ length: n }, (_, i) => i).sort((x, y) => dl[x]! - dl[y]!);
  let dMax = 0;
  let zMax = 0;
  for (let c = 0; c < n; c++) {
    dMax = Math.max(dMax, Math.abs(dl[c]!));
    zMax = Math.max(zMax, Math.abs(z[c]!));
  }
  const tol = 8 * EPSILON * Math.max(dMax, zMax);
  // Column types: 1 = nonzero only in the top n1 rows, 3 = only in the bottom n2, 2 = both.
  const type = new Uint8Array(n);
  for (let c = 0; c < n; c++) type[c] = c < n1 ? 1 : 3;
  const kept: number[] = [];
  const deflated: number[] = [];
  let prev = -1;
  for (let t = 0; t < n; t++) {
    const j = perm[t]!;
    if (weight * Math.abs(z[j]!) <= tol) {
      deflated.push(j);
      continue;
    }
    if (prev < 0) {
      prev = j;
      continue;
    }
    let sn = z[prev]!;
    let cs = z[j]!;
    const tau = Math.hypot(cs, sn);
    const gap = dl[j]! - dl[prev]!;
    cs /= tau;
    sn = -sn / tau;
    if (Math.abs(gap * cs * sn) <= tol) {
      // Rotate the pair so that z[prev] = 0: prev becomes an eigenpair.
      z[j] = tau;
      z[prev] = 0;
      for (let r = 0; r < n; r++) {
        const x = q[r * n + prev]!;
        const y = q[r * n + j]!;
        q[r * n + prev] = cs * x + sn * y;
        q[r * n + j] = cs * y - sn * x;
      }
      const dp = dl[prev]!;
      const dj = dl[j]!;
      dl[prev] = dp * cs * cs + dj * sn * sn;
      dl[j] = dp * sn * sn + dj * cs * cs;
      if (type[prev] !== type[j]) {
        type[prev] = 2;
        type[j] = 2;
      }
      deflated.push(prev);
      prev = j;
    } else {
      kept.push(prev);
      prev = j;
    }
  }
  if (prev >= 0) kept.push(prev);

  const k = kept.length;
  const poles = new Float64Array(k);
  const weights = new Float64Array(k);
  const zk = new Float64Array(k);
  for (let i = 0; i < k; i++) {
    poles[i] = dl[kept[i]!]!;
    zk[i] = z[kept[i]!]!;
    weights[i] = weight * zk[i]! * zk[i]!;
  }
  // Roots: λ_i = base[i] + tau[i], base[i] the nearer pole; λ_i − d_j = (base[i] − d_j) + tau[i].
  const base = new Float64Array(k);
  const tau = new Float64Array(k);
  const delta = new Float64Array(k);
  for (let i = 0; i < k; i++) {
    const root = secularRoot(poles, weights, k, i, delta);
    base[i] = poles[root.origin]!;
    tau[i] = root.tau;
  }
  // Gu–Eisenstat: ẑ_j² = Π_i (λ_i − d_j) / (ρ'·Π_{i≠j} (d_i − d_j)), as a product of positive ratios.
  const zhat = new Float64Array(k);
  for (let j = 0; j < k; j++) {
    const dj = poles[j]!;
    let prod = (base[k - 1]! - dj + tau[k - 1]!) / weight;
    for (let i = 0; i < j; i++) prod *= (base[i]! - dj + tau[i]!) / (poles[i]! - dj);
    for (let i = j; i < k - 1; i++) prod *= (base[i]! - dj + tau[i]!) / (poles[i + 1]! - dj);
    zhat[j] = (zk[j]! < 0 ? -1 : 1) * Math.sqrt(Math.max(prod, 0));
  }
  // The kept columns in type order (1, 2, 3): the top rows multiply the first k1 + k2 of them, the
  // bottom rows the last k2 + k3, each a contiguous range.
  const ordered: number[] = [];
  for (const wanted of [1, 2, 3]) for (let j = 0; j < k; j++) if (type[kept[j]!] === wanted) ordered.push(j);
  let k1 = 0;
  let k3 = 0;
  for (const j of ordered) {
    if (type[kept[j]!] === 1) k1++;
    else if (type[kept[j]!] === 3) k3++;
  }
  // Uᵀ (k×k): row i = the unit eigenvector ẑ_j/(d_j − λ_i) of D + ρ'ẑẑᵀ, entries in type order.
  if (work.u.length < k * k) work.u = new Float64Array(k * k);
  const zo = new Float64Array(k);
  const po = new Float64Array(k);
  for (let c = 0; c < k; c++) {
    zo[c] = zhat[ordered[c]!]!;
    po[c] = poles[ordered[c]!]!;
  }
  fillUt(work.u, k, zo, po, base, tau);
  const ut = work.u;
  for (let r = 0; r < n; r++) zMat.fill(0, (s + r) * ld + s, (s + r) * ld + s + k);
  // Top rows: Q[0..n1, ordered[0..k1+k2]]·U[0..k1+k2, :]; bottom rows: Q[n1..n, ordered[k1..k]]·U[k1..k, :].
  halfProduct(q, n, 0, n1, kept, ordered, 0, k - k3, ut, k, work.a, zMat, s * ld + s, ld);
  halfProduct(q, n, n1, n, kept, ordered, k1, k, ut, k, work.a, zMat, (s + n1) * ld + s, ld);
  for (let i = 0; i < k; i++) d[s + i] = base[i]! + tau[i]!;
  // Deflated pairs after the roots.
  const nd = deflated.length;
  for (let t = 0; t < nd; t++) d[s + k + t] = dl[deflated[t]!]!;
  for (let r = 0; r < n; r++) {
    const o = (s + r) * ld + s + k;
    const qr = r * n;
    for (let t = 0; t < nd; t++) zMat[o + t] = q[qr + deflated[t]!]!;
  }
}

/** ut[i·k + c] = zo[c]/(po[c] − λ_i), each row normalised (λ_i = base[i] + tau[i]). */
function fillUt(ut: Float64Array, k: number, zo: Float64Array, po: Float64Array, base: Float64Array, tau: Float64Array): void {
  for (let i = 0; i < k; i++) {
    const row = i * k;
    const bi = base[i]!;
    const ti = tau[i]!;
    let norm = 0;
    for (let c = 0; c < k; c++) {
      const x = zo[c]! / (po[c]! - bi - ti);
      ut[row + c] = x;
      norm += x * x;
    }
    const inv = 1 / Math.sqrt(norm);
    for (let c = 0; c < k; c++) ut[row + c] *= inv;
  }
}

/**
 * C[r0..r1, :] += Q[r0..r1, kept[ordered[c0..c1]]]·U[c0..c1, :] (U given as Uᵀ, row-major k×k):
 * one GEMM on the gathered columns of Q, written straight into the block of zMat at cOffset.
 */
function halfProduct(
  q: Float64Array,
  n: number,
  r0: number,
  r1: number,
  kept: number[],
  ordered: number[],
  c0: number,
  c1: number,
  ut: Float64Array,
  k: number,
  scratch: Float64Array,
  c: Float64Array,
  cOffset: number,
  ldc: number,
): void {
  const rows = r1 - r0;
  const inner = c1 - c0;
  if (rows === 0 || inner === 0 || k === 0) return;
  const columns = new Int32Array(inner);
  for (let t = 0; t < inner; t++) columns[t] = kept[ordered[c0 + t]!]!;
  for (let r = 0; r < rows; r++) {
    const src = (r0 + r) * n;
    const dst = r * inner;
    for (let t = 0; t < inner; t++) scratch[dst + t] = q[src + columns[t]!]!;
  }
  // B(c, i) = U[ordered c][i] = ut[i·k + c]
  gemmDispatch(rows, k, inner, { data: scratch, rowStride: inner, colStride: 1 }, { data: ut, rowStride: 1, colStride: k, offset: c0 }, c, false, { cOffset, ldc });
}
