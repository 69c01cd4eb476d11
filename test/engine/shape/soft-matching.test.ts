// Soft matching (Khosla & Williams 2023) and its exact transport solver: Birkhoff identity with the
// permutation shape distance, zero for relabelled units, metric axioms, and OT = assignment on
// replicated units (an independent exact route) for small widths.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { softMatchingDistance, shapeDistance } from '../../../engine/metrics/shape';
import { solveLinearAssignment, solveTransport } from '../../../engine/metrics/common/assignment';
import { NumpyRandomState } from '../../../engine/stats/random';
import { close, permuteColumns, randomMatrix, addRowVector } from './helpers';

test('p = q: soft matching = Euclidean permutation shape distance / √p (Birkhoff)', () => {
  for (let seed = 1; seed <= 4; seed++) {
    const x = randomMatrix(20, 6, seed, 1);
    const y = randomMatrix(20, 6, seed + 10);
    const perm = shapeDistance(x, y, { group: 'permutation', score: 'euclidean' }).distance;
    close(softMatchingDistance(x, y).distance, perm / Math.sqrt(6), 1e-10, `seed ${seed}`);
  }
});

test('relabelled (and shifted) units give 0; the plan has marginals 1/p and 1/q', () => {
  const x = randomMatrix(15, 5, 21);
  close(softMatchingDistance(x, addRowVector(permuteColumns(x, [3, 1, 4, 0, 2]), [1, 2, 3, 4, 5])).distance, 0, 1e-7, 'relabelled');
  const r = softMatchingDistance(x, randomMatrix(15, 7, 22));
  for (let i = 0; i < 5; i++) close(r.plan.data.slice(i * 7, i * 7 + 7).reduce((a, b) => a + b, 0), 1 / 5, 1e-15, `row ${i}`);
  for (let j = 0; j < 7; j++) {
    let s = 0;
    for (let i = 0; i < 5; i++) s += r.plan.data[i * 7 + j]!;
    close(s, 1 / 7, 1e-15, `column ${j}`);
  }
});

test('metric axioms across different widths', () => {
  for (let seed = 1; seed <= 5; seed++) {
    const [a, b, c] = [randomMatrix(12, 3, seed), randomMatrix(12, 5, seed + 30), randomMatrix(12, 4, seed + 60)];
    const d = (u: typeof a, v: typeof a) => softMatchingDistance(u, v).distance;
    close(d(a, b), d(b, a), 1e-12, 'symmetry');
    assert.ok(d(a, c) <= d(a, b) + d(b, c) + 1e-12, 'triangle');
    assert.ok(d(a, b) > 0);
  }
});

test('exact OT equals an assignment over lcm(p, q) replicated units', () => {
  const rng = new NumpyRandomState(9);
  const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));
  for (let t = 0; t < 60; t++) {
    const p = 1 + rng.randomInterval(5);
    const q = 1 + rng.randomInterval(5);
    const data = new Float64Array(p * q).map(() => (t % 2 ? rng.randomInterval(3) : rng.randomSample() * 4 - 1));
    const ot = solveTransport({ rows: p, cols: q, data }, new Array(p).fill(q), new Array(q).fill(p));
    const l = (p * q) / gcd(p, q);
    const big = { rows: l, cols: l, data: new Float64Array(l * l) };
    for (let a = 0; a < l; a++) for (let b = 0; b < l; b++) big.data[a * l + b] = data[Math.floor(a / (l / p)) * q + Math.floor(b / (l / q))]!;
    close(ot.cost / (p * q), solveLinearAssignment(big).total / l, 1e-12, `trial ${t} (${p}×${q})`);
  }
});
