import { test } from 'node:test';
import assert from 'node:assert/strict';
import { NumpyRandomState } from '../../../engine/stats/random';

// Fixtures from numpy's legacy generator (docs/metrics.md §7.4).
test('RandomState(1).permutation(10) matches numpy', () => {
  const rng = new NumpyRandomState(1);
  assert.deepEqual(Array.from(rng.permutation(10)), [2, 9, 6, 4, 0, 3, 1, 7, 8, 5]);
  assert.deepEqual(Array.from(rng.permutation(10)), [9, 5, 3, 0, 8, 4, 2, 1, 6, 7]);
});

test('RandomState(1).choice(10, 3, replace=False) matches numpy', () => {
  assert.deepEqual(Array.from(new NumpyRandomState(1).choiceWithoutReplacement(10, 3)), [2, 9, 6]);
});

test('MT19937 reference output for seed 5489', () => {
  // First output of the reference mt19937ar.c with init_genrand(5489) is 3499211612.
  assert.equal(new NumpyRandomState(5489).nextUint32(), 3499211612);
});

test('seeds outside [0, 2^32) are rejected', () => {
  assert.throws(() => new NumpyRandomState(-1), /seed must be/);
});
