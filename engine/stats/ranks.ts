/**
 * Average ranks (scipy.stats.rankdata, method='average'): ties share the mean of their 1-based ranks.
 * O(N log N). The sum of ranks is always N(N+1)/2, with or without ties; only their variance shrinks
 * with ties — which is why Spearman (tie-corrected denominator) and rho-a (tie-free denominator)
 * differ on categorical RDMs (metrics-reference.md §2.3).
 */

/** Indices that sort `values` ascending (stable). NaN must have been removed by the caller. */
export function argsort(values: ArrayLike<number>): Uint32Array {
  const n = values.length;
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  // Ties are broken by index, so the order is stable whatever the engine's sort does.
  order.sort((a, b) => {
    const d = values[a]! - values[b]!;
    return d !== 0 ? d : a - b;
  });
  return order;
}

/** Average ranks 1..N of `values`. */
export function averageRanks(values: ArrayLike<number>): Float64Array {
  const n = values.length;
  const order = argsort(values);
  const ranks = new Float64Array(n);
  let start = 0;
  while (start < n) {
    let end = start + 1;
    const v = values[order[start]!]!;
    while (end < n && values[order[end]!]! === v) end++;
    // Positions start..end−1 (0-based) hold ranks start+1..end; their mean is (start + end + 1)/2.
    const rank = (start + end + 1) / 2;
    for (let k = start; k < end; k++) ranks[order[k]!] = rank;
    start = end;
  }
  return ranks;
}

/** Σ t(t−1)/2 over the tie groups of `values` (number of tied pairs). */
export function tiedPairCount(values: ArrayLike<number>): number {
  const sorted = Float64Array.from(values).sort();
  let count = 0;
  let run = 1;
  for (let k = 1; k <= sorted.length; k++) {
    if (k < sorted.length && sorted[k] === sorted[k - 1]) run++;
    else {
      count += (run * (run - 1)) / 2;
      run = 1;
    }
  }
  return count;
}
