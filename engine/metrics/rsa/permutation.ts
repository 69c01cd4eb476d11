/**
 * Stimulus-label permutation test for an RDM comparison (Kriegeskorte et al. 2008;
 * docs/metrics.md §2.5, §8 item 31).
 *   Draw π (NumpyRandomState(seed).permutation(n), one per iteration), permute the rows AND columns
 *   of RDM a together (a_ij ← a_π(i)π(j)), recompute the statistic against b.
 *   p = (1 + #{stat_perm ≥ stat_obs})/(1 + B)  [choose; never 0]  (≤ for bures_metric, a distance).
 * Never permute condensed entries independently: entries sharing a condition are dependent, and
 * shuffling them separately gives p-values far too small.
 * Returns the null distribution (for a histogram), B, the seed, and the observed statistic.
 * The draws and the p-value are engine/inference's (one implementation for every family).
 * Cancellable: the AbortSignal is checked every iteration (CancelledError), progress reported.
 */
import { SimspecError } from '../../core/errors';
import { forEachPermutation, permutationPValue } from '../../inference/permutation';
import { canonicalCompareMethod, compareRdms, isSimilarity, type CompareMethod } from './compare';
import { conditionsFromPairs, subsampleCondensed } from './condensed';
import { comparePrepared, isDotMethod, prepareVector } from './prepared';

export interface PermutationTestInput {
  /** The RDM whose condition labels are permuted (condensed). */
  rdmA: Float64Array;
  rdmB: Float64Array;
  method: string;
  iterations: number;
  seed: number;
  signal?: AbortSignal;
  onProgress?: (done: number, total: number) => void;
}

export interface PermutationTestResult {
  method: CompareMethod;
  observed: number;
  p: number;
  iterations: number;
  seed: number;
  /** Statistic under each permutation, in draw order. */
  nullDistribution: Float64Array;
  /** Which tail counts as "at least as extreme". */
  tail: 'greater' | 'less';
}

export function permutationTest(input: PermutationTestInput): PermutationTestResult {
  const method = canonicalCompareMethod(input.method);
  const { rdmA, rdmB, iterations: B, seed } = input;
  if (rdmA.length !== rdmB.length) {
    throw new SimspecError(`the RDMs have ${rdmA.length} and ${rdmB.length} pairs`, { expected: 'RDMs over the same conditions', code: 'rsa.compare-length' });
  }
  if (!Number.isInteger(B) || B < 1) throw new SimspecError(`permutation iterations = ${B}`, { expected: 'an integer ≥ 1', code: 'rsa.permutation-iterations' });
  const n = conditionsFromPairs(rdmA.length);
  const hasNaN = rdmA.some(Number.isNaN) || rdmB.some(Number.isNaN);
  const observed = compareRdms(rdmA, rdmB, method).value;
  const nullDistribution = new Float64Array(B);
  // Fast path: transforms commute with permutations of the entries, so prepare once, permute after.
  const fast = isDotMethod(method) && !hasNaN;
  const preparedA = fast ? prepareVector(rdmA, method) : rdmA;
  const preparedB = fast ? prepareVector(rdmB, method) : rdmB;
  const progressStep = Math.max(1, Math.floor(B / 100));
  const tail = isSimilarity(method) ? 'greater' : 'less';
  forEachPermutation(
    n,
    B,
    seed,
    (pi, b) => {
      const permuted = subsampleCondensed(preparedA, n, pi);
      nullDistribution[b] = fast ? comparePrepared(permuted, preparedB, method) : compareRdms(permuted, rdmB, method).value;
      if ((b + 1) % progressStep === 0 || b + 1 === B) input.onProgress?.(b + 1, B);
    },
    input.signal,
  );
  // An undefined observed statistic (constant RDM) has no p-value; NaN null values never count.
  const p = permutationPValue(nullDistribution, observed, tail);
  return { method, observed, p, iterations: B, seed, nullDistribution, tail };
}
