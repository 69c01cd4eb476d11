/**
 * Cross-validation splitters. Every splitter returns `Split[]`: 0-based row indices
 * `{ train: Int32Array, test: Int32Array }`, one entry per split, computed once so that every model,
 * layer and metric of a run sees the same folds.
 *
 * Peer conventions reproduced exactly [parity] (docs/metrics.md §3.2, §3.5 item 3, §7.4):
 * - `kFoldSplits`: scikit-learn `KFold`. Fold f tests a contiguous block of the (optionally
 *   shuffled) index order; the first n % k folds get one extra row. Train and test come out in
 *   ascending order (sklearn builds them from boolean masks). `shuffle` uses
 *   `RandomState(seed).shuffle(arange(n))`. himalaya's `cv=int` is the unshuffled variant.
 * - `shuffleSplits`: scikit-learn `ShuffleSplit`: per split perm = permutation(n),
 *   test = perm[:n_test], train = perm[n_test : n_test + n_train]. One generator for all splits,
 *   re-seeded per call (as sklearn does with an integer random_state, and as Brain-Score relies on).
 * - `stratifiedShuffleSplits`: scikit-learn `StratifiedShuffleSplit` (Brain-Score's default
 *   splitter): classes = sorted unique labels; n_i = approximate_mode(counts, n_train),
 *   t_i = approximate_mode(counts − n_i, n_test); per class permute its rows (kept in original
 *   order) and take n_i train then t_i test; finally permute train and test.
 * - `approximateMode`: sklearn `_approximate_mode`, including the `choice(tied, replace=False)` draw
 *   that happens even when every tied class receives one extra draw.
 * - Sizes (`resolveShuffleSplitSizes`): sklearn `_validate_shuffle_split`: a fraction f gives
 *   ceil(f·n) test rows or floor(f·n) train rows; the missing side is the complement.
 * - `groupKFoldSplits`: sklearn `GroupKFold` (greedy: groups by decreasing size, each to the
 *   currently lightest fold). [choose] Groups of equal size are taken in decreasing order of
 *   their sorted label position (what numpy's stable-for-small-inputs argsort reversed gives);
 *   numpy's unstable sort may order large tied sets differently.
 * - `leaveOneOutSplits`, `explicitSplits` (user-given indices, validated).
 */
import { SimspecError } from '../core/errors';
import { NumpyRandomState } from './random';

export interface Split {
  readonly train: Int32Array;
  readonly test: Int32Array;
}

export type Label = string | number;

/** How a splitter size is given: a fraction in (0, 1) or an integer count ≥ 1. */
export type SplitSize = number;

const where = (variable: string) => ({ variable, code: 'cv.invalid' });

function checkCount(n: number, variable: string): void {
  if (!Number.isInteger(n) || n < 1) {
    throw new SimspecError(`got ${n}`, { ...where(variable), expected: 'a positive integer' });
  }
}

function checkSeed(seed: number): void {
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) {
    throw new SimspecError(`seed ${seed} is not usable`, { ...where('cv.seed'), expected: 'an integer between 0 and 2^32 − 1' });
  }
}

/** Ascending indices not in `test` (a complement mask, as sklearn builds train sets). */
function complement(n: number, test: ArrayLike<number>): Int32Array {
  const mask = new Uint8Array(n);
  for (let k = 0; k < test.length; k++) mask[test[k]!] = 1;
  const out = new Int32Array(n - test.length);
  let j = 0;
  for (let i = 0; i < n; i++) if (!mask[i]) out[j++] = i;
  return out;
}

/** scikit-learn `KFold(n_splits, shuffle, random_state=seed)`; train and test ascending. */
export function kFoldSplits(n: number, nSplits: number, options: { shuffle?: boolean; seed?: number } = {}): Split[] {
  checkCount(n, 'cv.n');
  if (!Number.isInteger(nSplits) || nSplits < 2) {
    throw new SimspecError(`k-fold needs at least 2 folds, got ${nSplits}`, { ...where('cv.folds'), expected: 'an integer ≥ 2' });
  }
  if (nSplits > n) {
    throw new SimspecError(`cannot make ${nSplits} folds from ${n} stimuli`, { ...where('cv.folds'), expected: `at most ${n} folds` });
  }
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  if (options.shuffle) {
    checkSeed(options.seed ?? 0);
    new NumpyRandomState(options.seed ?? 0).shuffle(order);
  }
  const base = Math.floor(n / nSplits);
  const extra = n % nSplits;
  const splits: Split[] = [];
  let start = 0;
  for (let f = 0; f < nSplits; f++) {
    const size = base + (f < extra ? 1 : 0);
    const test = order.slice(start, start + size).sort();
    start += size;
    splits.push({ train: complement(n, test), test });
  }
  return splits;
}

/** sklearn `_validate_shuffle_split`: (n_train, n_test) from fractions or counts. */
export function resolveShuffleSplitSizes(
  n: number,
  trainSize: SplitSize | undefined,
  testSize: SplitSize | undefined,
  defaultTestSize = 0.1,
): { nTrain: number; nTest: number } {
  if (trainSize === undefined && testSize === undefined) testSize = defaultTestSize;
  const resolve = (size: number, variable: string, round: (x: number) => number): number => {
    if (size > 0 && size < 1) return round(size * n);
    if (Number.isInteger(size) && size >= 1 && size <= n) return size;
    throw new SimspecError(`size ${size} is neither a fraction in (0, 1) nor a count between 1 and ${n}`, {
      ...where(variable),
      expected: 'a fraction in (0, 1) or a whole number of stimuli',
    });
  };
  let nTest = testSize !== undefined ? resolve(testSize, 'cv.test', Math.ceil) : undefined;
  let nTrain = trainSize !== undefined ? resolve(trainSize, 'cv.train', Math.floor) : undefined;
  if (nTrain === undefined) nTrain = n - nTest!;
  if (nTest === undefined) nTest = n - nTrain;
  if (nTrain + nTest > n) {
    throw new SimspecError(`train (${nTrain}) + test (${nTest}) exceeds the ${n} stimuli`, { ...where('cv.train'), expected: `train + test ≤ ${n}` });
  }
  if (nTrain < 1 || nTest < 1) {
    throw new SimspecError(`split of ${n} stimuli leaves ${nTrain} train and ${nTest} test rows`, {
      ...where('cv.train'),
      expected: 'at least one train and one test row',
    });
  }
  return { nTrain, nTest };
}

export interface ShuffleSplitOptions {
  nSplits: number;
  trainSize?: SplitSize;
  testSize?: SplitSize;
  seed: number;
}

/** scikit-learn `ShuffleSplit(n_splits, train_size, test_size, random_state=seed)`. */
export function shuffleSplits(n: number, options: ShuffleSplitOptions): Split[] {
  checkCount(n, 'cv.n');
  checkCount(options.nSplits, 'cv.splits');
  checkSeed(options.seed);
  const { nTrain, nTest } = resolveShuffleSplitSizes(n, options.trainSize, options.testSize);
  const rng = new NumpyRandomState(options.seed);
  const splits: Split[] = [];
  for (let s = 0; s < options.nSplits; s++) {
    const perm = rng.permutation(n);
    splits.push({ test: perm.slice(0, nTest), train: perm.slice(nTest, nTest + nTrain) });
  }
  return splits;
}

/** Sorted unique labels (numbers numerically, strings by code unit) and each row's class index. */
export function encodeLabels(labels: readonly Label[]): { classes: Label[]; classOf: Int32Array } {
  const allNumbers = labels.every((l) => typeof l === 'number');
  const allStrings = labels.every((l) => typeof l === 'string');
  if (!allNumbers && !allStrings) {
    throw new SimspecError('labels mix numbers and text', { ...where('cv.stratify'), expected: 'labels that are all numbers or all text' });
  }
  const unique: Label[] = Array.from(new Set<Label>(labels));
  unique.sort((a, b) => (allNumbers ? (a as number) - (b as number) : a < b ? -1 : a > b ? 1 : 0));
  const index = new Map<Label, number>(unique.map((c, i) => [c, i]));
  const classOf = new Int32Array(labels.length);
  labels.forEach((l, i) => (classOf[i] = index.get(l)!));
  return { classes: unique, classOf };
}

/**
 * sklearn `_approximate_mode(class_counts, n_draws, rng)`: floor of the proportional allocation
 * counts/total·n_draws, leftovers to the largest fractional remainders; a tie set is resolved with
 * `rng.choice(tied, k, replace=False)` (= permutation(len)[:k]), drawn even when k = len.
 */
export function approximateMode(classCounts: ArrayLike<number>, nDraws: number, rng: NumpyRandomState): Int32Array {
  const k = classCounts.length;
  let total = 0;
  for (let i = 0; i < k; i++) total += classCounts[i]!;
  const continuous = new Float64Array(k);
  const floored = new Int32Array(k);
  let flooredSum = 0;
  for (let i = 0; i < k; i++) {
    continuous[i] = (classCounts[i]! / total) * nDraws;
    floored[i] = Math.floor(continuous[i]!);
    flooredSum += floored[i]!;
  }
  let needToAdd = Math.trunc(nDraws - flooredSum);
  if (needToAdd > 0) {
    const remainder = continuous.map((c, i) => c - floored[i]!);
    const values = Array.from(new Set(remainder)).sort((a, b) => b - a);
    for (const value of values) {
      const tied: number[] = [];
      for (let i = 0; i < k; i++) if (remainder[i] === value) tied.push(i);
      const addNow = Math.min(tied.length, needToAdd);
      const chosen = rng.permutation(tied.length).subarray(0, addNow);
      for (const c of chosen) floored[tied[c]!]! += 1;
      needToAdd -= addNow;
      if (needToAdd === 0) break;
    }
  }
  return floored;
}

/** scikit-learn `StratifiedShuffleSplit(n_splits, train_size, test_size, random_state=seed)`. */
export function stratifiedShuffleSplits(labels: readonly Label[], options: ShuffleSplitOptions): Split[] {
  const n = labels.length;
  checkCount(n, 'cv.n');
  checkCount(options.nSplits, 'cv.splits');
  checkSeed(options.seed);
  const { nTrain, nTest } = resolveShuffleSplitSizes(n, options.trainSize, options.testSize);
  const { classes, classOf } = encodeLabels(labels);
  const counts = new Int32Array(classes.length);
  for (const c of classOf) counts[c]!++;
  const smallest = counts.reduce((a, b) => Math.min(a, b), Infinity);
  if (smallest < 2) {
    const lonely = classes[counts.indexOf(smallest)];
    throw new SimspecError(`class '${lonely}' has only ${smallest} stimulus; stratified splitting needs at least 2 per class`, {
      ...where('cv.stratify'),
      expected: 'every label on at least 2 stimuli',
    });
  }
  if (nTrain < classes.length || nTest < classes.length) {
    throw new SimspecError(`${classes.length} classes do not fit into ${nTrain} train / ${nTest} test rows`, {
      ...where('cv.stratify'),
      expected: 'train and test sizes at least the number of classes',
    });
  }
  // Rows of each class in their original order (numpy's stable mergesort argsort).
  const classRows: number[][] = classes.map(() => []);
  classOf.forEach((c, i) => classRows[c]!.push(i));
  const rng = new NumpyRandomState(options.seed);
  const splits: Split[] = [];
  for (let s = 0; s < options.nSplits; s++) {
    const nI = approximateMode(counts, nTrain, rng);
    const remaining = counts.map((c, i) => c - nI[i]!);
    const tI = approximateMode(remaining, nTest, rng);
    const train: number[] = [];
    const test: number[] = [];
    for (let c = 0; c < classes.length; c++) {
      const perm = rng.permutation(counts[c]!);
      const rows = classRows[c]!;
      for (let j = 0; j < nI[c]!; j++) train.push(rows[perm[j]!]!);
      for (let j = nI[c]!; j < nI[c]! + tI[c]!; j++) test.push(rows[perm[j]!]!);
    }
    const trainArray = Int32Array.from(train);
    const testArray = Int32Array.from(test);
    rng.shuffle(trainArray);
    rng.shuffle(testArray);
    splits.push({ train: trainArray, test: testArray });
  }
  return splits;
}

/** sklearn `GroupKFold(n_splits)`: no group is split across train and test. Ascending indices. */
export function groupKFoldSplits(groups: readonly Label[], nSplits: number): Split[] {
  const n = groups.length;
  checkCount(n, 'cv.n');
  const { classes, classOf } = encodeLabels(groups);
  if (!Number.isInteger(nSplits) || nSplits < 2 || nSplits > classes.length) {
    throw new SimspecError(`cannot make ${nSplits} group folds from ${classes.length} groups`, {
      ...where('cv.folds'),
      expected: `an integer between 2 and the number of groups (${classes.length})`,
    });
  }
  const size = new Int32Array(classes.length);
  for (const g of classOf) size[g]!++;
  // Stable ascending argsort, reversed: largest groups first, equal sizes by decreasing index.
  const order = Array.from(size.keys()).sort((a, b) => size[a]! - size[b]! || a - b).reverse();
  const load = new Float64Array(nSplits);
  const foldOfGroup = new Int32Array(classes.length);
  for (const g of order) {
    let lightest = 0;
    for (let f = 1; f < nSplits; f++) if (load[f]! < load[lightest]!) lightest = f;
    load[lightest]! += size[g]!;
    foldOfGroup[g] = lightest;
  }
  const splits: Split[] = [];
  for (let f = 0; f < nSplits; f++) {
    const test: number[] = [];
    for (let i = 0; i < n; i++) if (foldOfGroup[classOf[i]!] === f) test.push(i);
    const testArray = Int32Array.from(test);
    splits.push({ train: complement(n, testArray), test: testArray });
  }
  return splits;
}

/** Leave-one-out: split i tests row i and trains on the rest (sklearn `LeaveOneOut`). */
export function leaveOneOutSplits(n: number): Split[] {
  checkCount(n, 'cv.n');
  if (n < 2) throw new SimspecError('leave-one-out needs at least 2 stimuli', { ...where('cv.n'), expected: 'n ≥ 2' });
  return Array.from({ length: n }, (_, i) => ({ train: complement(n, [i]), test: Int32Array.of(i) }));
}

/**
 * User-given train/test indices, validated: integers in [0, n), no duplicates, train and test
 * disjoint and both non-empty. Order is kept (it sets the order of predictions).
 */
export function explicitSplits(
  n: number,
  splits: readonly { train: ArrayLike<number>; test: ArrayLike<number> }[],
  context: { file?: string; variable?: string } = {},
): Split[] {
  const variable = context.variable ?? 'cv.splits';
  return splits.map((split, s) => {
    const seen = new Uint8Array(n);
    const convert = (indices: ArrayLike<number>, side: 'train' | 'test', mark: number): Int32Array => {
      if (indices.length === 0) {
        throw new SimspecError(`split ${s} has an empty ${side} set`, { file: context.file, variable, code: 'cv.invalid', expected: 'at least one row' });
      }
      const out = new Int32Array(indices.length);
      for (let k = 0; k < indices.length; k++) {
        const i = indices[k]!;
        if (!Number.isInteger(i) || i < 0 || i >= n) {
          throw new SimspecError(`split ${s} ${side} index ${i} is out of range`, {
            file: context.file,
            variable,
            code: 'cv.invalid',
            expected: `0-based integers below ${n}`,
          });
        }
        if (seen[i]) {
          throw new SimspecError(`split ${s} uses row ${i} twice (${seen[i] === mark ? side : 'train and test'})`, {
            file: context.file,
            variable,
            code: 'cv.invalid',
            expected: 'disjoint train and test sets without repeats',
          });
        }
        seen[i] = mark;
        out[k] = i;
      }
      return out;
    };
    const train = convert(split.train, 'train', 1);
    const test = convert(split.test, 'test', 2);
    return { train, test };
  });
}
