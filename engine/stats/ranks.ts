/**
 * Average ranks (scipy.stats.rankdata, method='average'): ties share the mean of their 1-based ranks.
 * O(N log N). The sum of ranks is always N(N+1)/2, with or without ties; only their variance shrinks
 * with ties — which is why Spearman (tie-corrected denominator) and rho-a (tie-free denominator)
 * differ on categorical RDMs (docs/metrics.md §2.3).
 */

/**
 * Indices that sort `values` ascending (stable), with the sorted values. A bottom-up merge sort on
 * parallel typed arrays: sequential memory access and no comparator callback, which matters for the
 * ~10⁶-pair RDMs of 1,500 images. NaN must have been removed by the caller.
 */
export function sortWithOrder(values: ArrayLike<number>): { order: Uint32Array; sorted: Float64Array } {
  const n = values.length;
  let keys = Float64Array.from(values);
  let order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  let keysOut = new Float64Array(n);
  let orderOut = new Uint32Array(n);
  // Insertion-sort runs of 16 first: fewer merge passes.
  const run = 16;
  for (let lo = 0; lo < n; lo += run) {
    const hi = Math.min(lo + run, n);
    for (let i = lo + 1; i < hi; i++) {
      const k = keys[i]!;
      const o = order[i]!;
      let j = i - 1;
      while (j >= lo && keys[j]! > k) {
        keys[j + 1] = keys[j]!;
        order[j + 1] = order[j]!;
        j--;
      }
      keys[j + 1] = k;
      order[j + 1] = o;
    }
  }
  for (let width = run; width < n; width *= 2) {
    for (let lo = 0; lo < n; lo += 2 * width) {
      const mid = Math.min(lo + width, n);
      const hi = Math.min(lo + 2 * width, n);
      let i = lo;
      let j = mid;
      let k = lo;
      while (i < mid && j < hi) {
        if (keys[j]! < keys[i]!) {
          keysOut[k] = keys[j]!;
          orderOut[k++] = order[j++]!;
        } else {
          keysOut[k] = keys[i]!;
          orderOut[k++] = order[i++]!;
        }
      }
      while (i < mid) {
        keysOut[k] = keys[i]!;
        orderOut[k++] = order[i++]!;
      }
      while (j < hi) {
        keysOut[k] = keys[j]!;
        orderOut[k++] = order[j++]!;
      }
    }
    [keys, keysOut] = [keysOut, keys];
    [order, orderOut] = [orderOut, order];
  }
  return { order, sorted: keys };
}

/** Indices that sort `values` ascending (stable). */
export function argsort(values: ArrayLike<number>): Uint32Array {
  return sortWithOrder(values).order;
}

/** Average ranks 1..N of `values` (ties share the mean of their ranks). */
export function averageRanks(values: ArrayLike<number>): Float64Array {
  const n = values.length;
  const { order, sorted } = sortWithOrder(values);
  const ranks = new Float64Array(n);
  let start = 0;
  while (start < n) {
    let end = start + 1;
    while (end < n && sorted[end] === sorted[start]) end++;
    // Positions start..end−1 (0-based) hold ranks start+1..end; their mean is (start + end + 1)/2.
    const rank = (start + end + 1) / 2;
    for (let k = start; k < end; k++) ranks[order[k]!] = rank;
    start = end;
  }
  return ranks;
}

/** Dense ranks 0..(u−1) of `values` (equal values share a rank) and the number u of distinct values. */
export function denseRanks(values: ArrayLike<number>): { ranks: Float64Array; distinct: number } {
  const { order, sorted } = sortWithOrder(values);
  const ranks = new Float64Array(values.length);
  let u = 0;
  for (let k = 0; k < sorted.length; k++) {
    if (k > 0 && sorted[k] !== sorted[k - 1]) u++;
    ranks[order[k]!] = u;
  }
  return { ranks, distinct: sorted.length === 0 ? 0 : u + 1 };
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

/**
 * Rank once, rank many resamples: the sorted order of a NaN-free vector and its tie groups (members
 * of group g are order[groupStarts[g]] … order[groupStarts[g + 1] − 1], ascending by value). A
 * bootstrap sample of stimuli is the full vector with each entry repeated a whole number of times,
 * so its average ranks follow from this order by one weighted pass (weightedAverageRanks), O(N),
 * instead of a fresh O(N log N) sort per sample.
 */
export interface PresortedTies {
  order: Uint32Array;
  groupStarts: Uint32Array;
}

/** Sort `values` (NaN removed by the caller) once and record its tie groups. */
export function presortTies(values: ArrayLike<number>): PresortedTies {
  const { order, sorted } = sortWithOrder(values);
  const n = sorted.length;
  const starts: number[] = [];
  for (let k = 0; k < n; k++) if (k === 0 || sorted[k] !== sorted[k - 1]) starts.push(k);
  starts.push(n);
  return { order, groupStarts: Uint32Array.from(starts) };
}

/**
 * Average ranks in the vector where entry k appears weights[k] times (whole numbers ≥ 0): every copy
 * of entry k gets ranks[k], exactly the value averageRanks gives each copy in the expanded vector —
 * a group of total weight W above `below` smaller copies has rank (below + (below + W) + 1)/2, the
 * same integer arithmetic as averageRanks, so the ranks are bit-identical. Entries of weight 0 get
 * the rank their group would have (unused by callers). Writes into and returns `out`.
 */
export function weightedAverageRanks(ties: PresortedTies, weights: ArrayLike<number>, out: Float64Array = new Float64Array(ties.order.length)): Float64Array {
  const { order, groupStarts } = ties;
  let below = 0;
  for (let g = 0; g + 1 < groupStarts.length; g++) {
    const start = groupStarts[g]!;
    const end = groupStarts[g + 1]!;
    if (end === start + 1) {
      // A value without ties (most of a continuous RDM): one read, the same arithmetic.
      const k = order[start]!;
      const w = weights[k]!;
      out[k] = (below + (below + w) + 1) / 2;
      below += w;
      continue;
    }
    let weight = 0;
    for (let k = start; k < end; k++) weight += weights[order[k]!]!;
    const rank = (below + (below + weight) + 1) / 2;
    for (let k = start; k < end; k++) out[order[k]!] = rank;
    below += weight;
  }
  return out;
}

/**
 * The two stimuli of every entry of a condensed RDM over `conditions` stimuli (squareform order),
 * listed in a presorted order: entry order[t] is the pair (first[t], second[t]), first < second.
 * Made once per sorted RDM, it lets pairWeightedAverageRanks read a bootstrap draw's pair weights
 * from the stimulus counts in sorted order instead of gathering a weight per entry.
 */
export interface SortedPairStimuli {
  first: Uint16Array | Uint32Array;
  second: Uint16Array | Uint32Array;
}

export function sortedPairStimuli(ties: Pick<PresortedTies, 'order'>, conditions: number): SortedPairStimuli {
  const n = ties.order.length;
  const make = (length: number) => (conditions <= 0xffff ? new Uint16Array(length) : new Uint32Array(length));
  // Row and column of each condensed entry, then laid out in the sorted order.
  const rowOf = make(n);
  const columnOf = make(n);
  let k = 0;
  for (let i = 0; i < conditions; i++) {
    for (let j = i + 1; j < conditions; j++, k++) {
      rowOf[k] = i;
      columnOf[k] = j;
    }
  }
  const first = make(n);
  const second = make(n);
  for (let t = 0; t < n; t++) {
    const entry = ties.order[t]!;
    first[t] = rowOf[entry]!;
    second[t] = columnOf[entry]!;
  }
  return { first, second };
}

/**
 * weightedAverageRanks for a bootstrap draw of stimuli, whose weight of entry (i, j) is
 * counts[i]·counts[j]: the weights are formed in sorted order from `pairs` (sortedPairStimuli of
 * the same ties) — the same products summed in the same order, so the ranks are bit-identical. `out`
 * may be a Float32Array when every rank is exact in it: ranks are multiples of ½ no larger than the
 * number of sampled pairs + 1, exact in float32 below 2²³ (the caller checks).
 */
export function pairWeightedAverageRanks(ties: PresortedTies, pairs: SortedPairStimuli, counts: Float64Array, out: Float64Array | Float32Array): Float64Array | Float32Array {
  const { order, groupStarts } = ties;
  const { first, second } = pairs;
  let below = 0;
  for (let g = 0; g + 1 < groupStarts.length; g++) {
    const start = groupStarts[g]!;
    const end = groupStarts[g + 1]!;
    if (end === start + 1) {
      const w = counts[first[start]!]! * counts[second[start]!]!;
      out[order[start]!] = (below + (below + w) + 1) / 2;
      below += w;
      continue;
    }
    let weight = 0;
    for (let k = start; k < end; k++) weight += counts[first[k]!]! * counts[second[k]!]!;
    const rank = (below + (below + weight) + 1) / 2;
    for (let k = start; k < end; k++) out[order[k]!] = rank;
    below += weight;
  }
  return out;
}
