/**
 * Scalar and vector numerics shared by the Householder and Givens methods of engine/linalg (QR,
 * symmetric eigen, Golub–Kahan SVD), written once in the manner of ml-matrix's src/dc/util.js:
 *
 *   scaledNorm2        ‖x[offset .. offset+len)‖₂ by running rescaling (LAPACK dlassq): no square
 *                      overflows or underflows, so 1e±300 entries give their true norm
 *   hypot2             √(x² + y²) the same way (Math.hypot is slow in V8)
 *   transposeSquare    transposed copy of a row-major n×n array
 *   applyGivensChain   a chain of adjacent-column Givens rotations over every row of an n×n
 *                      row-major array, in either direction, one carried value per row
 *
 * Each keeps the exact arithmetic of the copies it replaces (in qr.ts, eigen.ts and
 * svd-golub-kahan.ts), so results are bit-identical to before.
 */

/** √(Σ x[i]²) over x[offset .. offset+len); NaN if an entry is NaN, Infinity if one is infinite. */
export function scaledNorm2(x: Float64Array, offset = 0, len = x.length - offset): number {
  let scale = 0;
  let sumSquares = 1;
  for (let i = offset; i < offset + len; i++) {
    const v = x[i]!;
    if (v !== v) return NaN;
    if (v === 0) continue;
    const av = Math.abs(v);
    if (scale < av) {
      const r = scale / av;
      sumSquares = 1 + sumSquares * r * r;
      scale = av;
    } else {
      const r = av / scale;
      sumSquares += r * r;
    }
  }
  return scale === Infinity ? Infinity : scale * Math.sqrt(sumSquares);
}

/** √(x² + y²) without overflow or underflow. */
export function hypot2(x: number, y: number): number {
  const ax = Math.abs(x);
  const ay = Math.abs(y);
  const big = ax > ay ? ax : ay;
  if (big === 0) return 0;
  const small = ax > ay ? ay : ax;
  const q = small / big;
  return big * Math.sqrt(1 + q * q);
}

/** The transpose of the row-major n×n x, as a new array. */
export function transposeSquare(x: Float64Array, n: number): Float64Array {
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) out[j * n + i] = x[i * n + j]!;
  return out;
}

/**
 * Rotations of adjacent columns (k, k+1) of the row-major n×n x, applied in sequence from column
 * `from` to column `to` (either direction; rotation k uses cos[k], sin[k]):
 *   ascending (from < to),  k = from … to−1:  x_k ← c·x_k + s·x_{k+1},  x_{k+1} ← c·x_{k+1} − s·x_k
 *     (the QR sweep on a bidiagonal, Golub–Kahan SVD);
 *   descending (from > to), k = from−1 … to:  x_{k+1} ← s·x_k + c·x_{k+1},  x_k ← c·x_k − s·x_{k+1}
 *     (the QL sweep on a tridiagonal, tql2).
 * Either way the column just left is final and the other one is carried to the next rotation, so
 * each entry is read and written once per chain; four rows run together so that their independent
 * chains hide the multiply-add latency a single chain is bound by, and each (c, s) load serves four.
 */
export function applyGivensChain(x: Float64Array, n: number, from: number, to: number, cos: Float64Array, sin: Float64Array): void {
  if (from === to) return;
  const step = from < to ? 1 : -1;
  // Rotation index for a step that brings in column p: p − 1 ascending, p descending.
  const shift = step > 0 ? -1 : 0;
  const end = to + step;
  let row = 0;
  for (; row + 3 * n < n * n; row += 4 * n) {
    const r0 = row;
    const r1 = row + n;
    const r2 = row + 2 * n;
    const r3 = row + 3 * n;
    let c0 = x[r0 + from]!, c1 = x[r1 + from]!, c2 = x[r2 + from]!, c3 = x[r3 + from]!;
    let left = from;
    for (let p = from + step; p !== end; p += step) {
      const c = cos[p + shift]!;
      const s = sin[p + shift]!;
      const x0 = x[r0 + p]!, x1 = x[r1 + p]!, x2 = x[r2 + p]!, x3 = x[r3 + p]!;
      x[r0 + left] = c * c0 + s * x0;
      x[r1 + left] = c * c1 + s * x1;
      x[r2 + left] = c * c2 + s * x2;
      x[r3 + left] = c * c3 + s * x3;
      c0 = c * x0 - s * c0;
      c1 = c * x1 - s * c1;
      c2 = c * x2 - s * c2;
      c3 = c * x3 - s * c3;
      left = p;
    }
    x[r0 + to] = c0;
    x[r1 + to] = c1;
    x[r2 + to] = c2;
    x[r3 + to] = c3;
  }
  for (; row < n * n; row += n) {
    let carried = x[row + from]!;
    let left = from;
    for (let p = from + step; p !== end; p += step) {
      const c = cos[p + shift]!;
      const s = sin[p + shift]!;
      const incoming = x[row + p]!;
      x[row + left] = c * carried + s * incoming;
      carried = c * incoming - s * carried;
      left = p;
    }
    x[row + to] = carried;
  }
}
