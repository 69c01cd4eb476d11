/**
 * Shard assignment: contiguous runs in plan order whose largest cost is the smallest possible
 * (checked against an exhaustive search over every contiguous split), no empty shard while there are
 * enough cells, and every cell assigned exactly once.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cellsOfShard, partitionContiguous } from '../../../engine/scale/partition';
import { arrayIndexFromEnvironment } from '../../../engine/scale/arrayIndex';
import { NumpyRandomState } from '../../../engine/stats/random';

/** The optimal bottleneck by brute force over all placements of N−1 cuts among K−1 gaps. */
function bestBottleneck(costs: number[], shards: number): number {
  const k = costs.length;
  let best = Infinity;
  const recurse = (start: number, left: number, worst: number) => {
    if (worst >= best) return;
    if (left === 1) {
      const sum = costs.slice(start).reduce((a, b) => a + b, 0);
      best = Math.min(best, Math.max(worst, sum));
      return;
    }
    let sum = 0;
    for (let end = start + 1; end <= k - (left - 1); end++) {
      sum += costs[end - 1]!;
      recurse(end, left - 1, Math.max(worst, sum));
    }
  };
  recurse(0, Math.min(shards, k), 0);
  return best;
}

test('the split is contiguous, complete, non-empty and optimal in its largest shard', () => {
  const rng = new NumpyRandomState(7);
  for (let trial = 0; trial < 200; trial++) {
    const k = 1 + rng.integers(12, 1)[0]!;
    const shards = 1 + rng.integers(6, 1)[0]!;
    const costs = Array.from(rng.integers(100, k), (c) => 1 + c);
    const starts = partitionContiguous(costs, shards);
    assert.equal(starts.length, shards + 1);
    assert.equal(starts[0], 0);
    assert.equal(starts[shards], k);
    for (let s = 0; s < shards; s++) assert.ok(starts[s]! <= starts[s + 1]!, 'boundaries are ordered');
    if (k >= shards) for (let s = 0; s < shards; s++) assert.ok(starts[s + 1]! > starts[s]!, `shard ${s} of ${shards} is empty for ${k} cells`);
    let worst = 0;
    for (let s = 0; s < shards; s++) worst = Math.max(worst, costs.slice(starts[s], starts[s + 1]).reduce((a, b) => a + b, 0));
    const optimum = bestBottleneck(costs, shards);
    // The cost floor that spreads zero-cost cells adds at most 0.1% of the total.
    assert.ok(worst <= optimum * 1.001 + 1e-9, `largest shard ${worst} > optimum ${optimum} for ${costs} in ${shards}`);
  }
});

test('cellsOfShard hands every cell to exactly one shard', () => {
  const cells = Array.from({ length: 23 }, (_, i) => ({ key: `c${String(i).padStart(2, '0')}`, seconds: (i % 5) + 0.5 }));
  for (const of of [1, 3, 8, 23, 30]) {
    const seen = Array.from({ length: of }, (_, i) => cellsOfShard(cells, i, of)).flat().map((c) => c.key);
    assert.deepEqual(seen, cells.map((c) => c.key));
  }
  assert.throws(() => cellsOfShard(cells, 3, 3), RangeError);
});

test('zero-cost cells are still spread over the shards', () => {
  const starts = partitionContiguous([0, 0, 0, 0, 0, 0], 3);
  assert.deepEqual(starts, [0, 2, 4, 6]);
});

test('the shard index comes from SLURM, Kubernetes Indexed Jobs or AWS Batch', () => {
  assert.deepEqual(arrayIndexFromEnvironment({ SLURM_ARRAY_TASK_ID: '5' }), { index: 5, source: 'SLURM_ARRAY_TASK_ID' });
  assert.deepEqual(arrayIndexFromEnvironment({ JOB_COMPLETION_INDEX: '2' }), { index: 2, source: 'JOB_COMPLETION_INDEX' });
  assert.deepEqual(arrayIndexFromEnvironment({ AWS_BATCH_JOB_ARRAY_INDEX: '0' }), { index: 0, source: 'AWS_BATCH_JOB_ARRAY_INDEX' });
  assert.equal(arrayIndexFromEnvironment({}), undefined);
  assert.throws(() => arrayIndexFromEnvironment({ SLURM_ARRAY_TASK_ID: 'x' }), RangeError);
});
