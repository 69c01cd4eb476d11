/**
 * Exact rescaling by powers of two. Products of two off-diagonal entries in QL/QR iterations and
 * sums of squares overflow near 1e154 and underflow near 1e-154, so the eigen and SVD kernels run
 * on data scaled to max|x| ≈ 1 when the input is far from that, and undo it on the results.
 * Multiplying by 2^k changes no significant bit (except for subnormals, which have few to lose).
 */

/** k such that 2^k·max|x| ≈ 1, or 0 when max|x| is within [2^-400, 2^400] (no scaling needed). */
export function powerOfTwoExponent(x: Float64Array): number {
  let largest = 0;
  for (let i = 0; i < x.length; i++) {
    const a = Math.abs(x[i]!);
    if (a > largest) largest = a;
  }
  if (largest === 0 || !Number.isFinite(largest) || (largest > 2 ** -400 && largest < 2 ** 400)) return 0;
  return -Math.round(Math.log2(largest));
}

/** x ← 2^k·x in place, in two half-steps so that 2^±1074 stays representable. */
export function scaleByPowerOfTwo(x: Float64Array, k: number): void {
  if (k === 0) return;
  const half = 2 ** Math.trunc(k / 2);
  const rest = 2 ** (k - Math.trunc(k / 2));
  for (let i = 0; i < x.length; i++) x[i] = x[i]! * half * rest;
}
