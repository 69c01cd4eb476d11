/**
 * Prepared comparisons for loops (noise ceilings, bootstrap, permutation tests): for cosine, corr,
 * spearman and rho-a the similarity is a dot product of per-vector transforms, so each vector is
 * transformed once and every comparison costs N multiply-adds:
 *   cosine    v/‖v‖
 *   corr      (v − v̄)/‖v − v̄‖
 *   spearman  (r − r̄)/‖r − r̄‖,   r = average ranks
 *   rho-a     (r − r̄)·√(12/(N³ − N))
 * A permutation of the entries commutes with all four transforms (ranks of a permuted vector are the
 * permuted ranks), which the permutation test exploits. Other methods fall back to compareComplete.
 * A degenerate vector (constant, or zero for cosine) prepares to NaNs, so the comparison is NaN.
 */
import { isNearlyConstant } from '../../core/constant';
import { averageRanks } from '../../stats/ranks';
import { compareComplete, type CompareMethod } from './compare';

export function isDotMethod(method: CompareMethod): boolean {
  return method === 'cosine' || method === 'corr' || method === 'spearman' || method === 'rho-a';
}

export function prepareVector(v: Float64Array, method: CompareMethod): Float64Array {
  if (!isDotMethod(method)) return v;
  const n = v.length;
  const base = method === 'spearman' || method === 'rho-a' ? averageRanks(v) : Float64Array.from(v);
  if (method !== 'cosine') {
    let constant = true;
    for (let k = 1; k < n && constant; k++) if (v[k] !== v[0]) constant = false;
    // Pearson: constant within the relative tolerance of engine/core/constant.ts (ranks do not round).
    if (constant || (method === 'corr' && isNearlyConstant(v))) return base.fill(Number.NaN);
    let s = 0;
    for (let k = 0; k < n; k++) s += base[k]!;
    const m = s / n;
    for (let k = 0; k < n; k++) base[k]! -= m;
  }
  let scale: number;
  if (method === 'rho-a') scale = Math.sqrt(12 / (n * n * n - n));
  else {
    let ss = 0;
    for (let k = 0; k < n; k++) ss += base[k]! * base[k]!;
    scale = ss > 0 ? 1 / Math.sqrt(ss) : Number.NaN;
  }
  for (let k = 0; k < n; k++) base[k]! *= scale;
  return base;
}

/** Compare two vectors prepared with `prepareVector` for the same method. */
export function comparePrepared(a: Float64Array, b: Float64Array, method: CompareMethod): number {
  if (!isDotMethod(method)) return compareComplete(a, b, method);
  let s = 0;
  for (let k = 0; k < a.length; k++) s += a[k]! * b[k]!;
  return s;
}
