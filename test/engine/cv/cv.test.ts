import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  approximateMode,
  explicitSplits,
  groupKFoldSplits,
  kFoldSplits,
  leaveOneOutSplits,
  resolveShuffleSplitSizes,
  shuffleSplits,
  stratifiedShuffleSplits,
} from '../../../engine/stats/cv';
import { NumpyRandomState } from '../../../engine/stats/random';
import { SimspecError } from '../../../engine/core/errors';

const list = (a: Int32Array) => Array.from(a);
// numpy fixtures (docs/metrics.md §7.4): RandomState(1).permutation(10), then a second call.
const PERM1 = [2, 9, 6, 4, 0, 3, 1, 7, 8, 5];
const PERM2 = [9, 5, 3, 0, 8, 4, 2, 1, 6, 7];

test('split sizes at train 0.9 match §7.4', () => {
  for (const [n, nTrain, nTest] of [[2560, 2304, 256], [3200, 2880, 320], [135, 121, 14], [315, 283, 32]] as const) {
    assert.deepEqual(resolveShuffleSplitSizes(n, 0.9, undefined), { nTrain, nTest });
  }
});

test('KFold without shuffle equals the peer folds of the ridge_kfold5 reference case', () => {
  const ref = JSON.parse(readFileSync(join('test/fixtures/reference/ridge_kfold5/expected.json'), 'utf8'));
  const folds = kFoldSplits(100, 5);
  assert.equal(folds.length, ref.params.folds.length);
  folds.forEach((f, k) => {
    assert.deepEqual(list(f.train), ref.params.folds[k].train);
    assert.deepEqual(list(f.test), ref.params.folds[k].test);
  });
});

test('KFold: the first n % k folds get one extra row', () => {
  assert.deepEqual(kFoldSplits(7, 3).map((f) => list(f.test)), [[0, 1, 2], [3, 4], [5, 6]]);
});

test('KFold(shuffle, seed 1) on 10 rows = contiguous blocks of RandomState(1).permutation(10), sorted', () => {
  const folds = kFoldSplits(10, 5, { shuffle: true, seed: 1 });
  for (let f = 0; f < 5; f++) {
    assert.deepEqual(list(folds[f]!.test), PERM1.slice(2 * f, 2 * f + 2).sort((a, b) => a - b));
    assert.equal(folds[f]!.train.length, 8);
  }
});

test('ShuffleSplit(seed 1) on 10 rows follows numpy permutations draw for draw', () => {
  const splits = shuffleSplits(10, { nSplits: 2, testSize: 0.2, seed: 1 });
  assert.deepEqual(list(splits[0]!.test), PERM1.slice(0, 2));
  assert.deepEqual(list(splits[0]!.train), PERM1.slice(2));
  assert.deepEqual(list(splits[1]!.test), PERM2.slice(0, 2));
  // Re-seeded per call, as sklearn with an integer random_state.
  assert.deepEqual(list(shuffleSplits(10, { nSplits: 1, testSize: 0.2, seed: 1 })[0]!.test), [2, 9]);
  // train_size=0.5 leaves 5 test rows: test = perm[:5], train = perm[5:10].
  const half = shuffleSplits(10, { nSplits: 1, trainSize: 0.5, seed: 1 })[0]!;
  assert.deepEqual(list(half.test), PERM1.slice(0, 5));
  assert.deepEqual(list(half.train), PERM1.slice(5));
});

test('approximate_mode: proportional floors plus largest remainders; deterministic without ties', () => {
  const rng = new NumpyRandomState(0);
  // 0.25·3 = 0.75, 0.25·3, 0.5·3 = 1.5 → floors (0, 0, 1), two leftovers to the 0.75 pair.
  assert.deepEqual(list(approximateMode([1, 1, 2], 3, rng)), [1, 1, 1]);
  // 2/8·5 = 1.25, 1.25, 2.5 → (1, 1, 2), one leftover to the 0.5 remainder.
  assert.deepEqual(list(approximateMode([2, 2, 4], 5, rng)), [1, 1, 3]);
  const tie = list(approximateMode([5, 5], 9, new NumpyRandomState(3)));
  assert.ok(String(tie) === '5,4' || String(tie) === '4,5');
});

test('approximate_mode draws choice(tied) even when every tied class gets one', () => {
  const a = new NumpyRandomState(7);
  approximateMode([1, 1, 2], 3, a); // tie {0, 1} gets both → permutation(2): one uint32
  const b = new NumpyRandomState(7);
  b.nextUint32();
  assert.equal(a.nextUint32(), b.nextUint32());
  const c = new NumpyRandomState(7);
  approximateMode([2, 2, 4], 5, c); // single-class "tie" → permutation(1): no draw
  assert.equal(c.nextUint32(), new NumpyRandomState(7).nextUint32());
});

test('StratifiedShuffleSplit follows the sklearn algorithm on a small two-class case', () => {
  const labels = ['b', 'a', 'b', 'a', 'a', 'b', 'a', 'b'];
  const [split] = stratifiedShuffleSplits(labels, { nSplits: 1, trainSize: 0.5, seed: 1 });
  // Derivation: classes sorted (a, b); approximate_mode([4, 4], 4) = (2, 2) and ([2, 2], 4) = (2, 2)
  // exactly (no draws); per class permutation(4) of its rows in original order, 2 train then 2 test;
  // then permutation of train and of test.
  const rng = new NumpyRandomState(1);
  const rows = { a: [1, 3, 4, 6], b: [0, 2, 5, 7] };
  const train: number[] = [];
  const testRows: number[] = [];
  for (const c of ['a', 'b'] as const) {
    const perm = rng.permutation(4);
    train.push(rows[c][perm[0]!]!, rows[c][perm[1]!]!);
    testRows.push(rows[c][perm[2]!]!, rows[c][perm[3]!]!);
  }
  const trainArray = Int32Array.from(train);
  const testArray = Int32Array.from(testRows);
  rng.shuffle(trainArray);
  rng.shuffle(testArray);
  assert.deepEqual(list(split!.train), list(trainArray));
  assert.deepEqual(list(split!.test), list(testArray));
});

test('StratifiedShuffleSplit at 0.9 on 135 stimuli: 121/14, disjoint, class shares within one', () => {
  const labels = Array.from({ length: 135 }, (_, i) => `c${i % 8}`);
  const splits = stratifiedShuffleSplits(labels, { nSplits: 10, trainSize: 0.9, seed: 1 });
  for (const s of splits) {
    assert.equal(s.train.length, 121);
    assert.equal(s.test.length, 14);
    const all = new Set([...s.train, ...s.test]);
    assert.equal(all.size, 135);
    for (let c = 0; c < 8; c++) {
      const count = labels.filter((l) => l === `c${c}`).length;
      const inTrain = list(s.train).filter((i) => labels[i] === `c${c}`).length;
      assert.ok(Math.abs(inTrain - (count * 121) / 135) < 1);
    }
  }
  // Same seed, same splits (every model and layer sees the same folds).
  const again = stratifiedShuffleSplits(labels, { nSplits: 10, trainSize: 0.9, seed: 1 });
  assert.deepEqual(list(again[9]!.test), list(splits[9]!.test));
});

test('StratifiedShuffleSplit rejects a class with one stimulus', () => {
  assert.throws(() => stratifiedShuffleSplits(['a', 'a', 'b'], { nSplits: 1, trainSize: 0.5, seed: 1 }), SimspecError);
});

test('GroupKFold keeps groups together and balances fold sizes greedily', () => {
  const groups = [0, 0, 0, 1, 1, 2, 2, 2, 2, 3];
  const folds = groupKFoldSplits(groups, 2);
  // Sizes g2 = 4, g0 = 3, g1 = 2, g3 = 1: g2 → fold0 (4, 0), g0 → fold1 (4, 3), g1 → fold1 (4, 5), g3 → fold0 (5, 5).
  assert.deepEqual(list(folds[0]!.test), [5, 6, 7, 8, 9]);
  assert.deepEqual(list(folds[1]!.test), [0, 1, 2, 3, 4]);
  assert.deepEqual(list(folds[1]!.train), [5, 6, 7, 8, 9]);
});

test('leave-one-out and explicit splits', () => {
  const loo = leaveOneOutSplits(4);
  assert.deepEqual(list(loo[2]!.test), [2]);
  assert.deepEqual(list(loo[2]!.train), [0, 1, 3]);
  const ex = explicitSplits(5, [{ train: [4, 0, 1], test: [3, 2] }]);
  assert.deepEqual(list(ex[0]!.train), [4, 0, 1]);
  assert.throws(() => explicitSplits(5, [{ train: [0, 1], test: [1] }]), SimspecError);
  assert.throws(() => explicitSplits(5, [{ train: [0, 5], test: [1] }]), SimspecError);
  assert.throws(() => kFoldSplits(3, 4), SimspecError);
});
