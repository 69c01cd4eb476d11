// CCA family: invariances, the α = 0 shape-metric identity, SVCCA rules and PWCCA's stated side.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { canonicalCorrelations, meanCanonicalCorrelation, svcca, pwcca, componentsForVariance } from '../../../engine/metrics/cca';
import { shapeDistance } from '../../../engine/metrics/shape';
import { multiply } from '../../../engine/linalg';
import { SimspecError } from '../../../engine/core/errors';
import { addRowVector, close, hstack, randomMatrix, scaled } from '../shape/helpers';

test('mean CCA is invariant to invertible linear maps and equals cos of the α = 0 shape angle', () => {
  const x = randomMatrix(50, 6, 1, 1);
  const y = randomMatrix(50, 6, 2);
  const w = randomMatrix(6, 6, 3);
  for (let j = 0; j < 6; j++) w.data[j * 7] = w.data[j * 7]! + 3;
  const moved = addRowVector(multiply(x, w), [1, 2, 3, 4, 5, 6]);
  close(meanCanonicalCorrelation(moved, y), meanCanonicalCorrelation(x, y), 1e-12, 'invariance');
  close(Math.acos(meanCanonicalCorrelation(x, y)), shapeDistance(x, y, { group: 'linear', alpha: 0 }).distance, 1e-9, 'α = 0 identity (§4.1)');
});

test('CCA refuses p ≥ n − 1 (every ρ would be 1) and reports ranks', () => {
  assert.throws(() => canonicalCorrelations(randomMatrix(20, 19, 4), randomMatrix(20, 3, 5)), SimspecError);
  const x = randomMatrix(30, 4, 6);
  const r = canonicalCorrelations(hstack(x, x), randomMatrix(30, 5, 7));
  assert.deepEqual(r.rank, { x: 4, y: 5 });
  assert.equal(r.canonicalCorrelations.length, 4);
});

test('SVCCA: variance rule counts components by cumulative fraction (not ReSi\'s 1-PC bug); fixed k', () => {
  assert.equal(componentsForVariance(Float64Array.from([3, 2, 1]), 0.99), 3);
  assert.equal(componentsForVariance(Float64Array.from([3, 2, 1]), 9 / 14), 1);
  assert.equal(componentsForVariance(Float64Array.from([3, 2, 1]), 13 / 14), 2);
  const x = randomMatrix(60, 12, 8);
  const y = randomMatrix(60, 10, 9);
  const fixed = svcca(x, y, { components: 4 });
  assert.deepEqual(fixed.k, { x: 4, y: 4 });
  assert.equal(fixed.canonicalCorrelations.length, 4);
  close(svcca(scaled(x, 5), y, { components: 4 }).svcca, fixed.svcca, 1e-12, 'scale invariance');
});

test('PWCCA: weights sum to 1, the side is stated, and swapping inputs swaps the side', () => {
  const x = randomMatrix(40, 5, 10, 2);
  const y = randomMatrix(40, 7, 11);
  const a = pwcca(x, y, { weightsFrom: 'x' });
  close(a.weights.reduce((s, v) => s + v, 0), 1, 1e-12, 'weights');
  assert.equal(a.weightsFrom, 'x');
  close(pwcca(y, x, { weightsFrom: 'y' }).pwcca, a.pwcca, 1e-12, 'swap');
  const b = pwcca(x, y, { weightsFrom: 'y' });
  assert.ok(Math.abs(a.pwcca - b.pwcca) > 1e-6, 'asymmetric in general');
  const w = randomMatrix(5, 5, 12);
  for (let j = 0; j < 5; j++) w.data[j * 6] = w.data[j * 6]! + 3;
  close(pwcca(x, multiply(x, w)).pwcca, 1, 1e-9, 'a linear copy gives 1');
});
