// The exact linear-assignment solver against exhaustive search (square and rectangular, ties).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { solveLinearAssignment } from '../../../engine/metrics/common/assignment';
import { NumpyRandomState } from '../../../engine/stats/random';

function permutations(n: number): number[][] {
  if (n === 0) return [[]];
  return permutations(n - 1).flatMap((p) => Array.from({ length: n }, (_, k) => [...p.slice(0, k), n - 1, ...p.slice(k)]));
}

test('optimal total equals exhaustive search, min and max, square and rectangular, with ties', () => {
  const rng = new NumpyRandomState(5);
  for (let t = 0; t < 200; t++) {
    const rows = 1 + rng.randomInterval(5);
    const cols = 1 + rng.randomInterval(5);
    const data = new Float64Array(rows * cols);
    const integers = t % 2 === 0; // integer costs make ties common
    for (let k = 0; k < data.length; k++) data[k] = integers ? rng.randomInterval(4) : rng.randomSample() * 10 - 5;
    const cost = { rows, cols, data };
    for (const maximize of [false, true]) {
      const r = solveLinearAssignment(cost, { maximize });
      let best = maximize ? -Infinity : Infinity;
      for (const p of permutations(Math.max(rows, cols))) {
        let s = 0;
        for (let i = 0; i < rows; i++) if (p[i]! < cols) s += data[i * cols + p[i]!]!;
        best = maximize ? Math.max(best, s) : Math.min(best, s);
      }
      assert.ok(Math.abs(r.total - best) < 1e-9, `trial ${t} maximize=${maximize}: ${r.total} vs ${best}`);
      const used = new Set<number>();
      for (let i = 0; i < rows; i++) {
        const j = r.rowToColumn[i]!;
        if (rows <= cols) assert.ok(j >= 0 && !used.has(j));
        if (j >= 0) used.add(j);
      }
      assert.equal(used.size, Math.min(rows, cols));
    }
  }
});

test('non-finite costs are refused', () => {
  assert.throws(() => solveLinearAssignment({ rows: 1, cols: 2, data: Float64Array.from([1, NaN]) }), /non-finite/);
});
