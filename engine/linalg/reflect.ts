/**
 * The shared inner kernel of Householder methods (QR, bidiagonalisation, forming Q/U/V): apply a
 * reflector-like rank-1 update to a run of columns of a column-major array,
 *   for j in [from, to):  c_j = factor · Σ_{i∈[start,end)} v_i·x_{i,j};   x_{·,j} += c_j · v
 * (column j occupies x[j*ld + i]; v_i is v[vBase + i]). Columns are handled four at a time so
 * every load of v serves four dot products and four updates.
 */
export function reflectColumns(
  x: Float64Array,
  ld: number,
  from: number,
  to: number,
  start: number,
  end: number,
  v: Float64Array,
  vBase: number,
  factor: number,
): void {
  let j = from;
  for (; j + 3 < to; j += 4) {
    const c0 = j * ld;
    const c1 = c0 + ld;
    const c2 = c1 + ld;
    const c3 = c2 + ld;
    let d0 = 0, d1 = 0, d2 = 0, d3 = 0;
    for (let i = start; i < end; i++) {
      const vi = v[vBase + i]!;
      d0 += vi * x[c0 + i]!;
      d1 += vi * x[c1 + i]!;
      d2 += vi * x[c2 + i]!;
      d3 += vi * x[c3 + i]!;
    }
    d0 *= factor;
    d1 *= factor;
    d2 *= factor;
    d3 *= factor;
    for (let i = start; i < end; i++) {
      const vi = v[vBase + i]!;
      x[c0 + i] += d0 * vi;
      x[c1 + i] += d1 * vi;
      x[c2 + i] += d2 * vi;
      x[c3 + i] += d3 * vi;
    }
  }
  for (; j < to; j++) {
    const c0 = j * ld;
    let d0 = 0;
    for (let i = start; i < end; i++) d0 += v[vBase + i]! * x[c0 + i]!;
    d0 *= factor;
    for (let i = start; i < end; i++) x[c0 + i] += d0 * v[vBase + i]!;
  }
}
