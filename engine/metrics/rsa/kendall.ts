/**
 * Kendall's tau-a and tau-b in O(N log N) (Knight 1966), for RDM vectors of up to ~10⁶ pairs.
 *
 *   n₀ = N(N−1)/2,  n₁ = Σ t(t−1)/2 over tie groups of a,  n₂ likewise for b,
 *   n₃ = pairs tied in both,  n_d = discordant pairs
 *   n_c − n_d = n₀ − n₁ − n₂ + n₃ − 2 n_d
 *   tau-a = (n_c − n_d)/n₀                     (tied pairs count 0; rsatoolbox 'tau-a')
 *   tau-b = (n_c − n_d)/√((n₀ − n₁)(n₀ − n₂))  (scipy `kendalltau`, rsatoolbox 'kendall'/'tau-b')
 * Both are clipped to [−1, 1] as the peers do. n_d is the number of strict inversions of b after
 * sorting by (a, b): pairs tied in a are then in ascending b and are never counted.
 * Invariant to any strictly increasing transform of either vector; tau-a = tau-b without ties.
 * Counts stay exact in float64 (n₀ ≈ 6·10¹¹ for 1.1·10⁶ pairs).
 */
import { denseRanks, sortWithOrder, sortedPairStimuli, type SortedPairStimuli } from '../../stats/ranks';

export interface KendallCounts {
  /** n_c − n_d */
  concordantMinusDiscordant: number;
  totalPairs: number;
  tiedInA: number;
  tiedInB: number;
  tiedInBoth: number;
}

export function kendallCounts(a: Float64Array, b: Float64Array): KendallCounts {
  const n = a.length;
  // Replace both vectors by dense integer ranks and sort the combined key rankA·U_b + rankB with a
  // native numeric sort (exact in float64 while U_a·U_b < 2^53, i.e. for any RDM that fits in memory).
  const ra = denseRanks(a);
  const rb = denseRanks(b);
  const base = rb.distinct;
  const keys = new Float64Array(n);
  for (let k = 0; k < n; k++) keys[k] = ra.ranks[k]! * base + rb.ranks[k]!;
  keys.sort();
  const sortedB = new Float64Array(n);
  let tiedInA = 0;
  let tiedInBoth = 0;
  let runA = 1;
  let runBoth = 1;
  let previousA = -1;
  for (let k = 0; k < n; k++) {
    const key = keys[k]!;
    const rankA = Math.floor(key / base);
    sortedB[k] = key - rankA * base;
    if (k > 0) {
      if (rankA === previousA) {
        runA++;
        if (key === keys[k - 1]) runBoth++;
        else {
          tiedInBoth += (runBoth * (runBoth - 1)) / 2;
          runBoth = 1;
        }
      } else {
        tiedInA += (runA * (runA - 1)) / 2;
        tiedInBoth += (runBoth * (runBoth - 1)) / 2;
        runA = 1;
        runBoth = 1;
      }
    }
    previousA = rankA;
  }
  tiedInA += (runA * (runA - 1)) / 2;
  tiedInBoth += (runBoth * (runBoth - 1)) / 2;

  const discordant = mergeSortInversions(sortedB);
  // sortedB is now ascending: count ties in b.
  let tiedInB = 0;
  let runB = 1;
  for (let k = 1; k <= n; k++) {
    if (k < n && sortedB[k] === sortedB[k - 1]) runB++;
    else {
      tiedInB += (runB * (runB - 1)) / 2;
      runB = 1;
    }
  }
  return countsFromTies(n, tiedInA, tiedInB, tiedInBoth, discordant);
}

/** The counts of n paired values from their tied and discordant pair counts (concordant = all − ties − discordant). */
function countsFromTies(n: number, tiedInA: number, tiedInB: number, tiedInBoth: number, discordant: number): KendallCounts {
  const totalPairs = (n * (n - 1)) / 2;
  return {
    concordantMinusDiscordant: totalPairs - tiedInA - tiedInB + tiedInBoth - 2 * discordant,
    totalPairs,
    tiedInA,
    tiedInB,
    tiedInBoth,
  };
}

function clip(v: number): number {
  return Math.min(1, Math.max(-1, v));
}

export function kendallTauA(a: Float64Array, b: Float64Array): number {
  return tauAFromCounts(kendallCounts(a, b));
}

/** tau-b; NaN when either vector is constant (scipy returns NaN there too). */
export function kendallTauB(a: Float64Array, b: Float64Array): number {
  return tauBFromCounts(kendallCounts(a, b));
}

function tauAFromCounts(c: KendallCounts): number {
  return clip(c.concordantMinusDiscordant / c.totalPairs);
}

function tauBFromCounts(c: KendallCounts): number {
  const denominator = Math.sqrt((c.totalPairs - c.tiedInA) * (c.totalPairs - c.tiedInB));
  return denominator > 0 ? clip(c.concordantMinusDiscordant / denominator) : Number.NaN;
}

/**
 * Rank once for Kendall's τ on bootstrap draws of stimuli (issue 11): two complete RDMs sorted once
 * by (a, b). A draw is the full vectors with entry (i, j) repeated count_i·count_j times (pairs of
 * copies of one stimulus excluded, as the subsampled vectors exclude them), so its counts follow
 * from one pass over this order: tie runs of a and of (a, b) by their total weights, ties of b by
 * weight per b value, and the discordant pairs by a Fenwick tree over b's ranks (each entry's
 * weight times the weight already seen with a larger b). Every count is an integer below 2⁵³, so it
 * equals kendallCounts of the subsampled vectors exactly, and τ — the same expression of the same
 * numbers — is bit-identical. O(N log N) per draw without a sort.
 */
export interface KendallPresort {
  /** b's dense rank of each entry, in (a, b) order. */
  rankB: Uint32Array;
  /** 1 where the entry starts a new value of a (resp. of (a, b)) in that order. */
  newA: Uint8Array;
  newBoth: Uint8Array;
  distinctB: number;
  pairs: SortedPairStimuli;
}

export function presortKendall(a: Float64Array, b: Float64Array, conditions: number): KendallPresort {
  const n = a.length;
  const ra = denseRanks(a);
  const rb = denseRanks(b);
  const keys = new Float64Array(n);
  for (let k = 0; k < n; k++) keys[k] = ra.ranks[k]! * rb.distinct + rb.ranks[k]!;
  const { order, sorted } = sortWithOrder(keys);
  const rankB = new Uint32Array(n);
  const newA = new Uint8Array(n);
  const newBoth = new Uint8Array(n);
  for (let t = 0; t < n; t++) {
    rankB[t] = rb.ranks[order[t]!]!;
    newBoth[t] = t === 0 || sorted[t] !== sorted[t - 1] ? 1 : 0;
    newA[t] = t === 0 || ra.ranks[order[t]!] !== ra.ranks[order[t - 1]!] ? 1 : 0;
  }
  return { rankB, newA, newBoth, distinctB: rb.distinct, pairs: sortedPairStimuli({ order }, conditions) };
}

/** kendallCounts of the draw with stimulus counts `counts` (see KendallPresort). */
export function kendallCountsOfDraw(presort: KendallPresort, counts: Float64Array): KendallCounts {
  const { rankB, newA, newBoth, distinctB } = presort;
  const { first, second } = presort.pairs;
  const tree = new Float64Array(distinctB + 1); // Fenwick tree over b's ranks, 1-based
  const perB = new Float64Array(distinctB);
  let inserted = 0;
  let discordant = 0;
  let tiedInA = 0;
  let tiedInBoth = 0;
  let runA = 0;
  let runBoth = 0;
  for (let t = 0; t < rankB.length; t++) {
    if (newA[t]) {
      tiedInA += (runA * (runA - 1)) / 2;
      runA = 0;
    }
    if (newBoth[t]) {
      tiedInBoth += (runBoth * (runBoth - 1)) / 2;
      runBoth = 0;
    }
    const w = counts[first[t]!]! * counts[second[t]!]!;
    if (w === 0) continue;
    runA += w;
    runBoth += w;
    const r = rankB[t]!;
    let atMost = 0; // weight seen with b rank ≤ r
    for (let i = r + 1; i > 0; i -= i & -i) atMost += tree[i]!;
    discordant += w * (inserted - atMost);
    for (let i = r + 1; i <= distinctB; i += i & -i) tree[i] = tree[i]! + w;
    inserted += w;
    perB[r] = perB[r]! + w;
  }
  tiedInA += (runA * (runA - 1)) / 2;
  tiedInBoth += (runBoth * (runBoth - 1)) / 2;
  let tiedInB = 0;
  for (let r = 0; r < distinctB; r++) tiedInB += (perB[r]! * (perB[r]! - 1)) / 2;
  return countsFromTies(inserted, tiedInA, tiedInB, tiedInBoth, discordant);
}

/**
 * τ of a draw as compareRdms gives it on the subsampled vectors: NaN with fewer than 2 pairs or a
 * constant vector (compare.ts's exact check for τ), else tau-a or tau-b of the counts.
 */
export function kendallTauOfDraw(presort: KendallPresort, counts: Float64Array, method: 'tau-a' | 'tau-b'): number {
  const c = kendallCountsOfDraw(presort, counts);
  if (!(c.totalPairs > 0)) return Number.NaN;
  if (c.tiedInA === c.totalPairs || c.tiedInB === c.totalPairs) return Number.NaN;
  return method === 'tau-a' ? tauAFromCounts(c) : tauBFromCounts(c);
}

/** Number of pairs k < l with v[k] > v[l]; sorts v ascending in place (bottom-up merge sort). */
function mergeSortInversions(v: Float64Array): number {
  const n = v.length;
  let src: Float64Array = v;
  let dst: Float64Array = new Float64Array(n);
  let inversions = 0;
  for (let width = 1; width < n; width *= 2) {
    for (let lo = 0; lo < n; lo += 2 * width) {
      const mid = Math.min(lo + width, n);
      const hi = Math.min(lo + 2 * width, n);
      let i = lo;
      let j = mid;
      let k = lo;
      while (i < mid && j < hi) {
        if (src[j]! < src[i]!) {
          inversions += mid - i;
          dst[k++] = src[j++]!;
        } else dst[k++] = src[i++]!;
      }
      while (i < mid) dst[k++] = src[i++]!;
      while (j < hi) dst[k++] = src[j++]!;
    }
    [src, dst] = [dst, src];
  }
  if (src !== v) v.set(src);
  return inversions;
}
