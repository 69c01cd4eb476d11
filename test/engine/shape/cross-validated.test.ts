// Cross-validated shape distances (docs/metrics.md §4.4): invariances that must hold on held-out
// rows, the rank-deficient remedy (PCA on training rows, stated in the output), and the warping
// index (§6.1).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { crossValidatedShapeDistance, crossValidatedShapeDistanceFromFits, fitShapeNetwork, shapeDistance, warpingIndex, type ShapeOptions } from '../../../engine/metrics/shape';
import { kFoldSplits } from '../../../engine/stats/cv';
import { SimspecError } from '../../../engine/core/errors';
import { hstack, close, permuteColumns, randomMatrix, randomOrthogonal, scaled, addRowVector } from './helpers';
import { multiply } from '../../../engine/linalg';

const groups: ShapeOptions[] = [
  { group: 'permutation' },
  { group: 'orthogonal' },
  { group: 'linear', alpha: 0.5 },
  { group: 'linear', alpha: 0 },
];

test('held-out rows: d(X, X) = 0 and symmetry for every group (CV splitters from engine/stats/cv)', () => {
  const x = randomMatrix(60, 8, 1, 1);
  const y = randomMatrix(60, 6, 2);
  const folds = kFoldSplits(60, 5, { shuffle: true, seed: 0 });
  for (const o of groups) {
    const self = crossValidatedShapeDistance(x, x, folds, o);
    close(self.distance, 0, 1e-7, `${o.group} α=${o.alpha} self`);
    const xy = crossValidatedShapeDistance(x, y, folds, o).distance;
    const yx = crossValidatedShapeDistance(y, x, folds, o).distance;
    close(xy, yx, 1e-9, `${o.group} α=${o.alpha} symmetry`);
    assert.ok(xy > 0.05);
  }
});

test('a G-transformed copy stays at distance 0 on held-out rows (the fitted map transfers)', () => {
  const x = randomMatrix(50, 5, 3, 2);
  const folds = kFoldSplits(50, 5);
  const rotated = addRowVector(multiply(x, randomOrthogonal(5, 4)), [1, 2, 3, 4, 5]);
  close(crossValidatedShapeDistance(x, rotated, folds, { group: 'orthogonal' }).distance, 0, 1e-7, 'orthogonal');
  close(crossValidatedShapeDistance(x, rotated, folds, { group: 'linear', alpha: 0.5 }).distance, 0, 1e-7, 'α = 0.5');
  const w = randomMatrix(5, 5, 5);
  for (let j = 0; j < 5; j++) w.data[j * 6] = w.data[j * 6]! + 3;
  close(crossValidatedShapeDistance(x, multiply(x, w), folds, { group: 'linear', alpha: 0 }).distance, 0, 1e-6, 'α = 0 linear map');
  close(crossValidatedShapeDistance(x, permuteColumns(x, [4, 2, 0, 1, 3]), folds, { group: 'permutation', score: 'euclidean' }).distance, 0, 1e-12, 'permutation');
});

test('p ≥ n_train: PCA to n_train − 1 on training rows is applied and stated; column order no longer matters [avoid §4.4]', () => {
  // netrep's null block made this score move over 0.401–0.405 (α = 1) and 1.52–1.68 (α = 0.5).
  const n = 50;
  const x = randomMatrix(n, 60, 11);
  const y = hstack(randomMatrix(n, 30, 12), randomMatrix(n, 30, 13));
  const fold = [{ train: Array.from({ length: 40 }, (_, i) => i), test: Array.from({ length: 10 }, (_, i) => 40 + i) }];
  for (const o of [{ group: 'orthogonal' }, { group: 'linear', alpha: 0.5 }] as ShapeOptions[]) {
    const r = crossValidatedShapeDistance(x, y, fold, o);
    assert.equal(r.reduction?.method, 'pca');
    assert.match(r.reduction!.reason, /training rows/);
    assert.deepEqual(r.folds[0]!.components, { x: 39, y: 39 });
    const order = Array.from({ length: 60 }, (_, j) => (j * 7) % 60);
    const permuted = crossValidatedShapeDistance(permuteColumns(x, order), y, fold, o).distance;
    close(permuted, r.distance, 1e-9, `${o.group} α=${o.alpha}`);
  }
});

test('an explicit PCA reduction is fitted per fold and named', () => {
  const x = randomMatrix(40, 30, 21);
  const y = randomMatrix(40, 20, 22);
  const r = crossValidatedShapeDistance(x, y, kFoldSplits(40, 4), { group: 'linear', alpha: 0, reduce: { method: 'pca', components: 5 } });
  assert.equal(r.reduction?.fittedOn, 'training rows of each fold');
  assert.deepEqual(r.folds[0]!.components, { x: 5, y: 5 });
  assert.equal(r.folds.length, 4);
});

test('folds are validated', () => {
  const x = randomMatrix(10, 3, 1);
  assert.throws(() => crossValidatedShapeDistance(x, x, [{ train: [0, 1, 2], test: [2, 3] }]), SimspecError);
  assert.throws(() => crossValidatedShapeDistance(x, x, [{ train: [0, 1, 2], test: [10] }]), SimspecError);
  assert.throws(() => crossValidatedShapeDistance(x, x, []), SimspecError);
});

test('warping index §6.1: W < 0 when networks agree where the variance is', () => {
  const n = 200;
  const shared = scaled(randomMatrix(n, 1, 31), 10);
  const x = hstack(shared, scaled(randomMatrix(n, 1, 32), 0.1));
  const y = hstack(shared, scaled(randomMatrix(n, 1, 33), 0.1));
  const w = warpingIndex(x, y);
  assert.ok(w.orthogonalDistance < 0.05, `d_orth = ${w.orthogonalDistance}`);
  assert.ok(w.linearDistance > 0.5, `d_lin = ${w.linearDistance}`);
  assert.ok(w.warpingIndex < 0);
  close(w.warpingIndex, w.orthogonalDistance - w.linearDistance, 0, 'definition');
  close(w.curve.find((c) => c.alpha === 0.5)!.distance, shapeDistance(x, y, { group: 'linear', alpha: 0.5 }).distance, 1e-12, 'curve');
});

test('warping index: W > 0 for a linearly warped copy; refused when p ≥ n − 1 on training rows', () => {
  const x = randomMatrix(40, 4, 41);
  const warp = multiply(x, { rows: 4, cols: 4, data: Float64Array.from([3, 0.5, 0, 0, 0, 1, 0, 0, 0, 0.2, 0.3, 0, 0, 0, 0, 1]) });
  const w = warpingIndex(x, warp);
  close(w.linearDistance, 0, 1e-6, 'd_lin');
  assert.ok(w.warpingIndex > 0.05);
  const wide = randomMatrix(20, 19, 42);
  assert.throws(() => warpingIndex(wide, randomMatrix(20, 5, 43)), (e: unknown) => e instanceof SimspecError && /meaningless/.test(e.message));
  const cv = warpingIndex(wide, randomMatrix(20, 5, 43), { folds: kFoldSplits(20, 4) });
  assert.equal(cv.regime, 'held-out rows (cross-validated)');
});

test('per-network fits (netrep partial_fit) are reusable across pairs and α', () => {
  const x = randomMatrix(45, 9, 51, 1);
  const y = randomMatrix(45, 6, 52);
  const folds = kFoldSplits(45, 3);
  const fx = fitShapeNetwork(x, folds, { group: 'linear' });
  const fy = fitShapeNetwork(y, folds, { group: 'linear' });
  for (const o of [{ group: 'linear', alpha: 0 }, { group: 'linear', alpha: 0.5, score: 'euclidean' }, { group: 'orthogonal' }] as ShapeOptions[]) {
    close(crossValidatedShapeDistanceFromFits(fx, fy, o).distance, crossValidatedShapeDistance(x, y, folds, o).distance, 1e-12, JSON.stringify(o));
  }
  assert.throws(() => crossValidatedShapeDistanceFromFits(fx, fitShapeNetwork(y, folds, { group: 'permutation' }), { group: 'linear' }), SimspecError);
});

test('automatic PCA keeps at most the training rank (repeated stimuli)', () => {
  const base = randomMatrix(20, 50, 61);
  // Rows 20..39 repeat rows 0..19: any training set has rank ≤ 19 although n_train = 32.
  const x = { rows: 40, cols: 50, data: new Float64Array([...base.data, ...base.data]) };
  const y = randomMatrix(40, 5, 62);
  const r = crossValidatedShapeDistance(x, y, kFoldSplits(40, 5), { group: 'orthogonal' });
  assert.ok(r.folds.every((f) => f.components.x <= 19));
  assert.ok(Number.isFinite(r.distance));
});
