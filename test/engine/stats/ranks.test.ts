import { test } from 'node:test';
import assert from 'node:assert/strict';
import { argsort, averageRanks, denseRanks, tiedPairCount } from '../../../engine/stats/ranks';
import { NumpyRandomState } from '../../../engine/stats/random';

function tied(n: number, levels: number, seed: number): Float64Array {
  const rng = new NumpyRandomState(seed);
  return Float64Array.from({ length: n }, () => Math.floor(rng.randomSample() * levels) - levels / 2);
}

test('average ranks equal the definition #{<} + (#{=} + 1)/2, with and without ties', () => {
  for (const [n, levels, seed] of [[333, 7, 1], [200, 1e9, 2], [50, 1, 3], [1, 3, 4]] as const) {
    const v = tied(n, levels, seed);
    const got = averageRanks(v);
    for (let i = 0; i < n; i++) {
      let less = 0;
      let equal = 0;
      for (let j = 0; j < n; j++) {
        if (v[j]! < v[i]!) less++;
        else if (v[j] === v[i]) equal++;
      }
      assert.equal(got[i], less + (equal + 1) / 2, `n=${n} entry ${i}`);
    }
  }
  assert.deepEqual(Array.from(averageRanks([10, 20, 10, 30])), [1.5, 3, 1.5, 4]);
});

test('argsort is stable and sorts; dense ranks and tied-pair counts by definition', () => {
  const v = tied(500, 9, 5);
  const order = argsort(v);
  for (let k = 1; k < order.length; k++) {
    const a = v[order[k - 1]!]!;
    const b = v[order[k]!]!;
    assert.ok(a < b || (a === b && order[k - 1]! < order[k]!), `position ${k}`);
  }
  const { ranks, distinct } = denseRanks([5, -1, 5, 3]);
  assert.deepEqual(Array.from(ranks), [2, 0, 2, 1]);
  assert.equal(distinct, 3);
  assert.equal(tiedPairCount([1, 1, 1, 2, 2, 3]), 3 + 1);
});
