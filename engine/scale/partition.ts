/**
 * Splitting a plan's cells among N shards: contiguous runs in the plan's key order, balanced by the
 * cost model's estimate. Contiguity keeps cells that share inputs (the layers of one comparison, the
 * draws of one cell) on one machine, where the on-disk cache and the run's shared products serve
 * them; balance keeps the array's wall time near total/N.
 *
 * The split minimises the largest shard's cost over all contiguous splits (the "linear partition"
 * problem), by binary search on the bottleneck with a greedy feasibility test: O(K log(total/ε)) for
 * K cells. Ties and zero-cost cells are split so that no shard is empty while there are at least N
 * cells, since an empty array task would still occupy a scheduler slot.
 */

export interface CostedCell {
  /** Stable key; cells arrive sorted by it. */
  key: string;
  /** Estimated seconds (any positive unit works: only ratios matter). */
  seconds: number;
}

/**
 * Boundaries of N contiguous shards over `costs` (in order): shard i holds cells
 * [starts[i], starts[i + 1]). Every shard gets at least one cell when costs.length ≥ shards.
 */
export function partitionContiguous(costs: readonly number[], shards: number): number[] {
  if (!Number.isInteger(shards) || shards < 1) throw new RangeError(`shards must be a positive integer, got ${shards}`);
  const k = costs.length;
  const starts = new Array<number>(shards + 1).fill(k);
  starts[0] = 0;
  if (k === 0) return starts;
  const weights = costs.map((c) => (Number.isFinite(c) && c > 0 ? c : 0));
  // A floor per cell so that cells of zero estimated cost are still spread, never piled on one shard.
  const total0 = weights.reduce((a, b) => a + b, 0);
  const floor = total0 > 0 ? total0 / (1000 * k) : 1;
  const w = weights.map((c) => c + floor);
  const total = w.reduce((a, b) => a + b, 0);
  const fits = (limit: number): boolean => {
    let used = 1;
    let sum = 0;
    for (const c of w) {
      if (c > limit) return false;
      if (sum + c > limit) {
        used++;
        sum = c;
        if (used > shards) return false;
      } else sum += c;
    }
    return true;
  };
  let lo = Math.max(...w);
  let hi = total;
  for (let iteration = 0; iteration < 100 && hi - lo > 1e-9 * total; iteration++) {
    const mid = (lo + hi) / 2;
    if (fits(mid)) hi = mid;
    else lo = mid;
  }
  // Greedy fill under the bottleneck `hi`, but leave at least one cell for every remaining shard.
  let shard = 0;
  let sum = 0;
  for (let i = 0; i < k; i++) {
    const remainingCells = k - i;
    const remainingShards = shards - shard - 1;
    const mustStart = shard < shards - 1 && i > starts[shard]! && remainingCells <= remainingShards;
    if (shard < shards - 1 && i > starts[shard]! && (sum + w[i]! > hi || mustStart)) {
      shard++;
      starts[shard] = i;
      sum = 0;
    }
    sum += w[i]!;
  }
  for (let s = shard + 1; s < shards; s++) starts[s] = k;
  starts[shards] = k;
  return starts;
}

/** The cells of shard `index` (0-based) of `of`. */
export function cellsOfShard<T extends CostedCell>(cells: readonly T[], index: number, of: number): T[] {
  if (!Number.isInteger(index) || index < 0 || index >= of) throw new RangeError(`shard index ${index} is outside 0…${of - 1}`);
  const starts = partitionContiguous(cells.map((c) => c.seconds), of);
  return cells.slice(starts[index]!, starts[index + 1]!);
}
