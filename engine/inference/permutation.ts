/**
 * The permutation test, once for every family: draws π = RandomState(seed).permutation(n), one per
 * iteration (numpy-compatible, so a seed means the same permutations as numpy), and the p-value
 *   p = (1 + #{null at least as extreme as observed}) / (1 + B)   [never 0; Phipson & Smyth 2010]
 * where B counts the null values given (a caller leaves out draws whose statistic is undefined, or
 * keeps them as NaN, which never count as extreme) and "extreme" is ≥ for tail 'greater' and ≤ for
 * 'less'. Two-sided: p = min(1, 2·min(p_greater, p_less)), twice the smaller one-sided p-value, which
 * needs no centre of the null (a distance's null is not centred on 0; docs/metrics.md §2.6).
 * An undefined observed statistic has no p-value (NaN).
 * Cancellable: the signal is checked before every draw (CancelledError).
 */
import { CancelledError } from '../core/errors';
import { NumpyRandomState } from '../stats/random';

export type PermutationTail = 'greater' | 'less' | 'two-sided';

/** Call `visit` with each of `samples` seeded permutations of 0..n−1, in order. */
export function forEachPermutation(n: number, samples: number, seed: number, visit: (permutation: Int32Array, index: number) => void, signal?: AbortSignal): void {
  const rng = new NumpyRandomState(seed);
  for (let b = 0; b < samples; b++) {
    if (signal?.aborted) throw new CancelledError();
    visit(rng.permutation(n), b);
  }
}

/** Whether a null value counts as at least as extreme as the observed one. */
export function isAtLeastAsExtreme(value: number, observed: number, tail: 'greater' | 'less'): boolean {
  return tail === 'greater' ? value >= observed : value <= observed;
}

/** p = (1 + #extreme)/(1 + B) over the null values given; NaN when the observed statistic is undefined. */
export function permutationPValue(nullValues: ArrayLike<number>, observed: number, tail: PermutationTail): number {
  if (Number.isNaN(observed)) return Number.NaN;
  if (tail === 'two-sided') return Math.min(1, 2 * Math.min(permutationPValue(nullValues, observed, 'greater'), permutationPValue(nullValues, observed, 'less')));
  let extreme = 0;
  for (let b = 0; b < nullValues.length; b++) if (isAtLeastAsExtreme(nullValues[b]!, observed, tail)) extreme++;
  return (1 + extreme) / (1 + nullValues.length);
}
