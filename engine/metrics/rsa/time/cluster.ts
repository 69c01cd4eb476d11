/**
 * Cluster-based permutation test over time for one-sample data (subjects × time points), the
 * sign-flip test of Maris & Oostenveld (2007) with the conventions of MNE-Python 1.3
 * `mne.stats.permutation_cluster_1samp_test` (no adjacency, t_power = 1, step_down_p = 0)
 * [parity], docs/timeresolved.md §4:
 *
 *   t_j       = mean_s(x_sj) / sqrt(var_s(x_sj, ddof 1) / S)                (ttest_1samp_no_p, sigma 0)
 *   threshold = t.ppf(1 − 0.05 / (1 + [tail = 0]), S − 1)  when not given; negated for tail −1
 *   clusters  = runs of consecutive time points with t > thr (tail 1), t < thr (tail −1), or,
 *               for tail 0, t > thr and t < −thr separately (positive clusters first, in time order)
 *   mass      = sum of t over the cluster
 *   H0        = [observed max mass] + for each sign flip, the permutation's cluster mass of largest |.|
 *               (0 when it has no cluster)
 *   p         = mean(H0 ≥ mass) (tail 1), mean(H0 ≤ mass) (tail −1), mean(|H0| ≥ |mass|) (tail 0)
 *
 * Sign flips ("orders", 1 = keep, 0 = flip, one row per permutation): exact enumeration when
 * 2^(S − [tail = 0]) − 1 < n_permutations, else drawn from numpy's RandomState(seed) exactly as MNE
 * draws them (engine/stats/random.ts reproduces the stream), so the same seed gives MNE's p-values.
 * The max-statistic correction over time points (familywise error, Nichols & Holmes 2002) uses
 * the same flips: p_j = mean over [identity] + flips of [max_k |t_k| ≥ |t_j|] (tail 0; signed max
 * for one tail).
 */
import { NumpyRandomState } from '../../../stats/random';
import { studentTCdf } from '../../../stats/distributions';

export type Tail = -1 | 0 | 1;

/** One-sample t per column of subjects × times (row-major), MNE's ttest_1samp_no_p (sigma 0). */
export function oneSampleT(x: Float64Array, subjects: number, times: number, signs?: Int8Array, out = new Float64Array(times)): Float64Array {
  for (let j = 0; j < times; j++) {
    let sum = 0;
    for (let s = 0; s < subjects; s++) sum += (signs ? signs[s]! : 1) * x[s * times + j]!;
    const mean = sum / subjects;
    let ss = 0;
    for (let s = 0; s < subjects; s++) {
      const d = (signs ? signs[s]! : 1) * x[s * times + j]! - mean;
      ss += d * d;
    }
    out[j] = mean / Math.sqrt(ss / (subjects - 1) / subjects);
  }
  return out;
}

/** Student t quantile (inverse CDF) by bisection on the CDF, to ~1e-12. */
export function studentTQuantile(p: number, df: number): number {
  if (!(p > 0 && p < 1)) return Number.NaN;
  let lo = -1e3;
  let hi = 1e3;
  for (let k = 0; k < 200; k++) {
    const mid = (lo + hi) / 2;
    if (studentTCdf(mid, df) < p) lo = mid;
    else hi = mid;
    if (hi - lo < 1e-13) break;
  }
  return (lo + hi) / 2;
}

/** MNE's default cluster-forming threshold for S subjects and a tail. */
export function defaultThreshold(subjects: number, tail: Tail): number {
  const pThresh = 0.05 / (1 + (tail === 0 ? 1 : 0));
  const threshold = -studentTQuantile(pThresh, subjects - 1);
  return tail < 0 ? -threshold : threshold;
}

export interface Cluster {
  /** First and last time index (inclusive). */
  start: number;
  end: number;
  /** Sum of t over the cluster. */
  mass: number;
}

/** Clusters of a t course (MNE `_find_clusters` without adjacency). */
export function findClusters(t: ArrayLike<number>, threshold: number, tail: Tail): Cluster[] {
  const out: Cluster[] = [];
  const scan = (inside: (v: number) => boolean) => {
    let start = -1;
    let mass = 0;
    for (let j = 0; j <= t.length; j++) {
      const v = j < t.length ? t[j]! : Number.NaN;
      if (j < t.length && inside(v)) {
        if (start < 0) {
          start = j;
          mass = 0;
        }
        mass += v;
      } else if (start >= 0) {
        out.push({ start, end: j - 1, mass });
        start = -1;
      }
    }
  };
  if (tail === 0) {
    scan((v) => v > threshold);
    scan((v) => v < -threshold);
  } else if (tail === 1) scan((v) => v > threshold);
  else scan((v) => v < threshold);
  return out;
}

/** The sign-flip orders MNE 1.3 uses (`_get_1samp_orders`), 1 = keep, 0 = flip; the identity is not among them. */
export function signFlipOrders(subjects: number, permutations: number, tail: Tail, seed: number): { orders: Uint8Array[]; exact: boolean } {
  const maxPerms = 2 ** (subjects - (tail === 0 ? 1 : 0)) - 1;
  const bits = (value: number): Uint8Array => {
    const row = new Uint8Array(subjects);
    for (let k = subjects - 1; k >= 0; k--) {
      row[k] = value % 2;
      value = Math.floor(value / 2);
    }
    return row;
  };
  if (maxPerms < permutations) {
    // bin_perm_rep(S)[1 : maxPerms + 1]: row r is r in binary, most significant bit first.
    return { orders: Array.from({ length: maxPerms }, (_, r) => bits(r + 1)), exact: true };
  }
  const rng = new NumpyRandomState(seed);
  if (subjects <= 20) {
    const chosen = rng.choiceWithoutReplacement(maxPerms, permutations - 1);
    return { orders: Array.from(chosen, (s) => bits(s + 1)), exact: false };
  }
  const use = subjects - (tail === 0 ? 1 : 0);
  const seen = new Set<string>();
  const orders: Uint8Array[] = [];
  while (orders.length < permutations - 1) {
    const signs = new Uint8Array(use);
    for (let k = 0; k < use; k++) signs[k] = rng.randomSample() < 0.5 ? 1 : 0;
    const key = signs.join('');
    if (seen.has(key)) continue;
    let row = new Uint8Array(subjects);
    row.set(signs);
    if (tail === 0 && rng.randomSample() < 0.5) row = row.map((v) => 1 - v);
    seen.add(key);
    orders.push(row);
  }
  return { orders, exact: false };
}

export interface ClusterTestOptions {
  tail: Tail;
  /** Cluster-forming t threshold; MNE's default when absent. */
  threshold?: number;
  /** Number of permutations including the identity (MNE `n_permutations`). */
  permutations: number;
  seed: number;
  /** Replay these flips instead of drawing them (one row per permutation, 1 = keep). */
  orders?: Uint8Array[];
  signal?: AbortSignal;
}

export interface ClusterTestResult {
  t: Float64Array;
  threshold: number;
  clusters: (Cluster & { p: number })[];
  /** Max-statistic FWE-corrected p per time point. */
  pFwe: Float64Array;
  /** Null distribution of the cluster mass (first entry: observed). Empty when there is no cluster. */
  h0: Float64Array;
  permutations: number;
  exact: boolean;
}

function pOf(value: number, h0: Float64Array, tail: Tail): number {
  let count = 0;
  for (const v of h0) if (tail === 1 ? v >= value : tail === -1 ? v <= value : Math.abs(v) >= Math.abs(value)) count++;
  return count / h0.length;
}

export function clusterPermutationTest(x: Float64Array, subjects: number, times: number, options: ClusterTestOptions): ClusterTestResult {
  const { tail } = options;
  const threshold = options.threshold ?? defaultThreshold(subjects, tail);
  const t = oneSampleT(x, subjects, times);
  const observed = findClusters(t, threshold, tail);
  const { orders, exact } = options.orders ? { orders: options.orders, exact: false } : signFlipOrders(subjects, options.permutations, tail, options.seed);
  const h0 = new Float64Array(orders.length + 1);
  const maxT = new Float64Array(orders.length + 1);
  const extreme = (values: ArrayLike<number>) => {
    let m = tail === 0 ? 0 : tail === 1 ? -Infinity : Infinity;
    for (let j = 0; j < values.length; j++) {
      const v = values[j]!;
      if (tail === 0) m = Math.max(m, Math.abs(v));
      else if (tail === 1) m = Math.max(m, v);
      else m = Math.min(m, v);
    }
    return m;
  };
  maxT[0] = extreme(t);
  const masses = observed.map((c) => c.mass);
  h0[0] = masses.length === 0 ? 0 : tail === 1 ? Math.max(...masses) : tail === -1 ? Math.min(...masses) : Math.max(...masses.map(Math.abs));
  const signs = new Int8Array(subjects);
  const tPerm = new Float64Array(times);
  orders.forEach((order, k) => {
    if (k % 64 === 0 && options.signal?.aborted) throw options.signal.reason ?? new Error('aborted');
    for (let s = 0; s < subjects; s++) signs[s] = 2 * order[s]! - 1;
    oneSampleT(x, subjects, times, signs, tPerm);
    maxT[k + 1] = extreme(tPerm);
    const found = findClusters(tPerm, threshold, tail);
    let best = 0;
    let bestAbs = -1;
    for (const c of found) {
      if (Math.abs(c.mass) > bestAbs) {
        bestAbs = Math.abs(c.mass);
        best = c.mass;
      }
    }
    h0[k + 1] = found.length === 0 ? 0 : best;
  });
  const pFwe = Float64Array.from(t, (v) => {
    let count = 0;
    for (const m of maxT) if (tail === 0 ? m >= Math.abs(v) : tail === 1 ? m >= v : m <= v) count++;
    return count / maxT.length;
  });
  return {
    t,
    threshold,
    clusters: observed.map((c) => ({ ...c, p: pOf(c.mass, h0, tail) })),
    pFwe,
    h0: observed.length === 0 ? new Float64Array(0) : h0,
    permutations: orders.length + 1,
    exact,
  };
}
