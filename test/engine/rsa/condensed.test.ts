import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SimspecError } from '../../../engine/core/errors';
import { matrixFromRows } from '../../../engine/core/matrix';
import { condensedToSquare, conditionsFromPairs, pairIndex, squareToCondensed, subsampleCondensed } from '../../../engine/metrics/rsa';

test('condensed order is scipy squareform order: (0,1), (0,2), ..., (1,2), ...', () => {
  const sq = matrixFromRows([
    [0, 1, 2, 3],
    [1, 0, 4, 5],
    [2, 4, 0, 6],
    [3, 5, 6, 0],
  ]);
  assert.deepEqual(Array.from(squareToCondensed(sq)), [1, 2, 3, 4, 5, 6]);
  assert.deepEqual(Array.from(condensedToSquare(Float64Array.of(1, 2, 3, 4, 5, 6)).data), Array.from(sq.data));
  assert.equal(pairIndex(1, 3, 4), 4);
  assert.equal(pairIndex(3, 1, 4), 4);
});

test('n is recovered from N = n(n−1)/2, non-triangular lengths are rejected', () => {
  assert.equal(conditionsFromPairs(4186), 92);
  assert.equal(conditionsFromPairs(1), 2);
  assert.equal(conditionsFromPairs(1124250), 1500);
  for (const bad of [0, 2, 4185, 10.5]) {
    assert.throws(() => conditionsFromPairs(bad, { file: 'rdm.npy' }), (e: unknown) => e instanceof SimspecError && e.message.includes('rdm.npy') && e.code === 'rdm.condensed-length');
  }
});

test('a NaN diagonal is accepted; non-square, asymmetric and non-zero diagonals are rejected naming the file', () => {
  const nanDiag = matrixFromRows([
    [NaN, 1, 2],
    [1, NaN, 3],
    [2, 3, NaN],
  ]);
  assert.deepEqual(Array.from(squareToCondensed(nanDiag)), [1, 2, 3]);
  const where = { file: 'brain.mat', variable: 'RDM' };
  const expectCode = (code: string) => (e: unknown) => e instanceof SimspecError && e.code === code && e.message.includes('brain.mat') && e.message.includes("'RDM'");
  assert.throws(() => squareToCondensed(matrixFromRows([[0, 1, 2], [1, 0, 3]]), where), expectCode('rdm.not-square'));
  assert.throws(() => squareToCondensed(matrixFromRows([[0, 1], [1.5, 0]]), where), expectCode('rdm.asymmetric'));
  assert.throws(() => squareToCondensed(matrixFromRows([[1, 0.2], [0.2, 1]]), where), expectCode('rdm.diagonal'));
});

test('subsampling by stimulus indices: duplicates become NaN, others follow the indices', () => {
  const v = Float64Array.of(1, 2, 3, 4, 5, 6); // n = 4
  const sub = subsampleCondensed(v, 4, [3, 0, 0]);
  // pairs (3,0) → d03 = 3, (3,0) → 3, (0,0) → NaN
  assert.deepEqual(Array.from(sub).map((x) => (Number.isNaN(x) ? 'NaN' : x)), [3, 3, 'NaN']);
});
