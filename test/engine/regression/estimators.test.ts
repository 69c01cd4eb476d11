// Estimator properties that do not need a peer: leave-one-out closed forms against brute-force
// refits (docs/metrics.md §7.4), primal = dual ridge, invariances, and clear errors on bad inputs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Matrix } from '../../../engine/core/matrix';
import { selectRows } from '../../../engine/core/matrix';
import { SimspecError } from '../../../engine/core/errors';
import { NumpyRandomState } from '../../../engine/stats/random';
import { kFoldSplits } from '../../../engine/stats/cv';
import { centerProblem } from '../../../engine/metrics/regression/design';
import { olsFitPredict } from '../../../engine/metrics/regression/ols';
import { ridgeFitPredict, ridgeEstimator, ridgePath } from '../../../engine/metrics/regression/ridge';
import { leaveOneOutResiduals, ridgeCvLooFitPredict } from '../../../engine/metrics/regression/ridgeCvLoo';
import { ridgeCvKFoldFitPredict } from '../../../engine/metrics/regression/ridgeCvKFold';
import { fitPls, plsFitPredict } from '../../../engine/metrics/regression/pls';
import { pearsonPerTarget } from '../../../engine/metrics/regression/scores';
import { bothDirections, crossValidatedEncoding } from '../../../engine/metrics/regression/crossValidate';

function gaussian(rng: NumpyRandomState): number {
  const u = rng.randomSample() || Number.MIN_VALUE;
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng.randomSample());
}

function randomMatrix(rows: number, cols: number, seed: number, offset = 3): Matrix {
  const rng = new NumpyRandomState(seed);
  const data = new Float64Array(rows * cols);
  for (let i = 0; i < data.length; i++) data[i] = gaussian(rng) + offset * ((i % cols) % 3);
  return { rows, cols, data };
}

/** Y = X·B + noise, so scores sit in an informative range. */
function responses(x: Matrix, q: number, seed: number): Matrix {
  const b = randomMatrix(x.cols, q, seed + 1, 0);
  const noise = randomMatrix(x.rows, q, seed + 2, 0);
  const out = new Float64Array(x.rows * q);
  for (let i = 0; i < x.rows; i++) for (let j = 0; j < q; j++) {
    let s = 5 * noise.data[i * q + j]! + j;
    for (let k = 0; k < x.cols; k++) s += x.data[i * x.cols + k]! * b.data[k * q + j]!;
    out[i * q + j] = s;
  }
  return { rows: x.rows, cols: q, data: out };
}

function maxAbsDiff(a: Matrix, b: Matrix): number {
  let m = 0;
  for (let i = 0; i < a.data.length; i++) m = Math.max(m, Math.abs(a.data[i]! - b.data[i]!));
  return m;
}

function maxAbs(a: Matrix): number {
  return a.data.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
}

function without(n: number, i: number): number[] {
  return Array.from({ length: n }, (_, k) => k).filter((k) => k !== i);
}

for (const [label, n, p] of [['SVD mode (n > p)', 30, 8], ['eigen mode (p > n)', 20, 45]] as const) {
  test(`leave-one-out closed form equals brute-force refits, ${label}`, () => {
    const x = randomMatrix(n, p, 11);
    const y = responses(x, 3, 12);
    for (const alpha of [0.1, 1, 10]) {
      const closed = leaveOneOutResiduals(x, y, alpha);
      const scale = maxAbs(y);
      for (let i = 0; i < n; i++) {
        const rest = without(n, i);
        const refit = ridgeFitPredict(selectRows(x, rest), selectRows(y, rest), selectRows(x, [i]), alpha);
        for (let t = 0; t < 3; t++) {
          const brute = y.data[i * 3 + t]! - refit.predictions.data[t]!;
          assert.ok(Math.abs(closed.data[i * 3 + t]! - brute) <= 1e-12 * scale, `α=${alpha} row ${i}: ${closed.data[i * 3 + t]} vs ${brute}`);
        }
      }
    }
  });
}

test('both LOO modes agree with each other', () => {
  const x = randomMatrix(25, 10, 3);
  const y = responses(x, 2, 4);
  const a = leaveOneOutResiduals(x, y, 1, 'svd');
  const b = leaveOneOutResiduals(x, y, 1, 'eigen');
  assert.ok(maxAbsDiff(a, b) <= 1e-11 * maxAbs(a));
});

test('RidgeCV picks the α with the smallest brute-force LOO error; ties go to the first α', () => {
  const x = randomMatrix(30, 6, 21);
  const y = responses(x, 2, 22);
  const alphas = [0.01, 1, 30, 1000];
  const brute = alphas.map((alpha) => {
    let s = 0;
    for (let i = 0; i < 30; i++) {
      const rest = without(30, i);
      const pred = ridgeFitPredict(selectRows(x, rest), selectRows(y, rest), selectRows(x, [i]), alpha).predictions;
      for (let t = 0; t < 2; t++) s += (y.data[i * 2 + t]! - pred.data[t]!) ** 2;
    }
    return -s / 60;
  });
  const best = alphas[brute.indexOf(Math.max(...brute))];
  const fit = ridgeCvLooFitPredict(x, y, x, { alphas });
  assert.equal(fit.alpha, best);
  assert.ok(Math.abs((fit.bestScore as number) - Math.max(...brute)) <= 1e-10 * Math.abs(Math.max(...brute)));
  // Duplicated α list: the first of equal scores wins, so the result is identical.
  const twice = ridgeCvLooFitPredict(x, y, x, { alphas: [best!, best!] });
  assert.equal(twice.alpha, best);
});

test('ridge: dual and primal routes agree to 1e-9 when both apply', () => {
  for (const [n, p] of [[40, 15], [15, 40]] as const) {
    const x = randomMatrix(n, p, 31);
    const y = responses(x, 4, 32);
    const xTest = randomMatrix(7, p, 33);
    const primal = ridgeFitPredict(x, y, xTest, 2.5, {}, 'primal').predictions;
    const dual = ridgeFitPredict(x, y, xTest, 2.5, {}, 'dual').predictions;
    assert.ok(maxAbsDiff(primal, dual) <= 1e-9 * maxAbs(primal), `${n}×${p}`);
  }
});

test('ridge path (one decomposition, all α) equals separate fits', () => {
  for (const [n, p] of [[30, 10], [12, 30]] as const) {
    const x = randomMatrix(n, p, 41);
    const y = responses(x, 3, 42);
    const xTest = randomMatrix(5, p, 43);
    const path = ridgePath(centerProblem(x, y, xTest));
    const problem = centerProblem(x, y, xTest);
    for (const alpha of [0.3, 30]) {
      const direct = ridgeFitPredict(x, y, xTest, alpha).predictions;
      const viaPath = path.predict(alpha);
      for (let i = 0; i < 5; i++) for (let j = 0; j < 3; j++) viaPath.data[i * 3 + j] += problem.yMean[j]!;
      assert.ok(maxAbsDiff(direct, viaPath) <= 1e-9 * maxAbs(direct));
    }
  }
});

test('himalaya-style k-fold α: exact ties go to the larger α; the choice minimises brute-force k-fold error', () => {
  const x = randomMatrix(40, 5, 51);
  const y = responses(x, 2, 52);
  // Constant predictors: every α predicts the training mean exactly, so all CV scores tie exactly
  // and himalaya's 1e-10·log α slope picks the largest α.
  const constant: Matrix = { rows: 40, cols: 5, data: new Float64Array(200).fill(2) };
  const fit = ridgeCvKFoldFitPredict(constant, y, constant, { alphas: [0.1, 10, 1000, 1], folds: 5 });
  assert.deepEqual(fit.info.alpha, [1000, 1000]);
  const chosen = ridgeCvKFoldFitPredict(x, y, x, { alphas: [0.01, 1, 100, 1e4], folds: 5, localAlpha: false });
  const folds = kFoldSplits(40, 5);
  const cvError = (alpha: number) =>
    folds.reduce((s, f) => {
      const pred = ridgeFitPredict(selectRows(x, f.train), selectRows(y, f.train), selectRows(x, f.test), alpha).predictions;
      const truth = selectRows(y, f.test);
      return s + truth.data.reduce((a, v, k) => a + (v - pred.data[k]!) ** 2, 0) / f.test.length;
    }, 0);
  const errors = [0.01, 1, 100, 1e4].map(cvError);
  assert.equal((chosen.info.alpha as number[])[0], [0.01, 1, 100, 1e4][errors.indexOf(Math.min(...errors))]);
});

test('permuting the training stimuli consistently leaves predictions unchanged', () => {
  const x = randomMatrix(35, 12, 61);
  const y = responses(x, 3, 62);
  const xTest = randomMatrix(6, 12, 63);
  const perm = new NumpyRandomState(5).permutation(35);
  const xp = selectRows(x, perm);
  const yp = selectRows(y, perm);
  const fits = [
    (a: Matrix, b: Matrix) => olsFitPredict(a, b, xTest).predictions,
    (a: Matrix, b: Matrix) => ridgeFitPredict(a, b, xTest, 3).predictions,
    (a: Matrix, b: Matrix) => ridgeCvLooFitPredict(a, b, xTest, { alphas: [0.1, 1, 10, 100] }).predictions,
    (a: Matrix, b: Matrix) => plsFitPredict(a, b, xTest, { nComponents: 4 }).predictions,
  ];
  for (const fit of fits) {
    const base = fit(x, y);
    assert.ok(maxAbsDiff(base, fit(xp, yp)) <= 1e-9 * maxAbs(base));
  }
});

test('an affine change of the targets leaves per-target Pearson r unchanged', () => {
  const x = randomMatrix(30, 10, 71);
  const y = responses(x, 4, 72);
  const scaled: Matrix = { rows: y.rows, cols: y.cols, data: y.data.map((v, k) => 3.7 * v - 100 * (k % 4)) };
  const splits = kFoldSplits(30, 5);
  for (const estimator of [ridgeEstimator(2)]) {
    const a = crossValidatedEncoding(x, y, splits, estimator);
    const b = crossValidatedEncoding(x, scaled, splits, estimator);
    for (let s = 0; s < 5; s++) {
      a.splits[s]!.perTarget.forEach((v, j) => assert.ok(Math.abs(v - b.splits[s]!.perTarget[j]!) <= 1e-12));
    }
  }
});

test('both directions use the same splits and report separately', () => {
  const x = randomMatrix(30, 6, 81);
  const y = responses(x, 9, 82);
  const both = bothDirections(x, y, kFoldSplits(30, 3), ridgeEstimator(1));
  assert.equal(both.modelToBrain.perTargetMean.length, 9);
  assert.equal(both.brainToModel.perTargetMean.length, 6);
  assert.equal(both.brainToModel.direction, 'brain_to_model');
});

test('OLS on a singular design (duplicated column) is the minimum-norm solution: same fit as without the duplicate', () => {
  const base = randomMatrix(25, 5, 91);
  const y = responses(base, 2, 92);
  const dup: Matrix = { rows: 25, cols: 6, data: new Float64Array(25 * 6) };
  for (let i = 0; i < 25; i++) {
    for (let j = 0; j < 5; j++) dup.data[i * 6 + j] = base.data[i * 5 + j]!;
    dup.data[i * 6 + 5] = base.data[i * 5]!;
  }
  const test5 = randomMatrix(4, 5, 93);
  const test6: Matrix = { rows: 4, cols: 6, data: new Float64Array(24) };
  for (let i = 0; i < 4; i++) {
    for (let j = 0; j < 5; j++) test6.data[i * 6 + j] = test5.data[i * 5 + j]!;
    test6.data[i * 6 + 5] = test5.data[i * 5]!;
  }
  const a = olsFitPredict(base, y, test5);
  const b = olsFitPredict(dup, y, test6);
  assert.equal(b.info.rank, 5);
  assert.ok(maxAbsDiff(a.predictions, b.predictions) <= 1e-9 * maxAbs(a.predictions));
});

test('OLS with p > n interpolates the training rows (ridge α → 0⁺ limit)', () => {
  const x = randomMatrix(12, 30, 95);
  const y = responses(x, 2, 96);
  const fit = olsFitPredict(x, y, x);
  assert.ok(maxAbsDiff(fit.predictions, y) <= 1e-8 * maxAbs(y));
});

test('a constant target unit gives NaN Pearson r with a note, and the median skips it', () => {
  const x = randomMatrix(20, 4, 101);
  const y = responses(x, 3, 102);
  for (let i = 0; i < 20; i++) y.data[i * 3 + 1] = 7;
  const result = crossValidatedEncoding(x, y, kFoldSplits(20, 4), ridgeEstimator(1));
  assert.ok(Number.isNaN(result.perTargetMean[1]!));
  assert.ok(!Number.isNaN(result.mean));
  assert.match(result.notes[0]!, /constant.*NaN/);
  assert.equal(result.splits[0]!.nanTargets, 1);
});

test('NaN in responses → SimspecError naming the variable', () => {
  const x = randomMatrix(20, 4, 111);
  const y = responses(x, 2, 112);
  y.data[7] = NaN;
  assert.throws(
    () => crossValidatedEncoding(x, y, kFoldSplits(20, 4), ridgeEstimator(1), { names: { brain: 'IT', model: 'conv5' } }),
    (e: unknown) => e instanceof SimspecError && e.variable === 'IT' && /NaN at row 3/.test(e.message),
  );
});

test('PLS: more components than stimuli, units or rank → clear SimspecError', () => {
  const x = randomMatrix(20, 6, 121);
  const y = responses(x, 2, 122);
  assert.throws(() => fitPls(x, y, { nComponents: 7 }), (e: unknown) => e instanceof SimspecError && /min\(n_train, units\) = 6/.test(e.message));
  assert.throws(() => fitPls(selectRows(x, [0, 1, 2, 3, 4]), selectRows(y, [0, 1, 2, 3, 4]), { nComponents: 6 }), SimspecError);
  const lowRank: Matrix = { rows: 20, cols: 6, data: x.data.map((v, k) => (k % 6 < 3 ? v : x.data[k - 3]!)) };
  assert.throws(() => fitPls(lowRank, y, { nComponents: 5 }), (e: unknown) => e instanceof SimspecError && /rank is 3/.test(e.message));
});

test('α ≤ 0 is rejected', () => {
  const x = randomMatrix(10, 3, 131);
  assert.throws(() => ridgeFitPredict(x, x, x, 0), SimspecError);
  assert.throws(() => ridgeCvLooFitPredict(x, x, x, { alphas: [1, -1] }), SimspecError);
});

test('Pearson r per target is unchanged by scaling predictions', () => {
  const a = randomMatrix(10, 3, 141);
  const b = randomMatrix(10, 3, 142);
  const r1 = pearsonPerTarget(a, b);
  const r2 = pearsonPerTarget(a, { rows: 10, cols: 3, data: b.data.map((v) => 2 * v + 1) });
  r1.forEach((v, j) => assert.ok(Math.abs(v - r2[j]!) < 1e-14));
});

test('PLS: the Gram route (p > n) takes the same NIPALS iterations and gives the same predictions as the direct route', () => {
  const x = randomMatrix(30, 80, 151);
  const y = responses(x, 6, 152);
  const xTest = randomMatrix(5, 80, 153);
  const direct = fitPls(x, y, { nComponents: 8, route: 'direct' });
  const viaGram = fitPls(x, y, { nComponents: 8, route: 'gram' });
  assert.deepEqual(viaGram.nIter, direct.nIter);
  const a = plsFitPredict(x, y, xTest, { nComponents: 8, route: 'direct' }).predictions;
  const b = plsFitPredict(x, y, xTest, { nComponents: 8, route: 'gram' }).predictions;
  assert.ok(maxAbsDiff(a, b) <= 1e-9 * maxAbs(a), `max diff ${maxAbsDiff(a, b)}`);
});

test('Brain-Score language Pearson variant: 0 for a constant input, else within ~1e-8 of scipy semantics', async () => {
  const { pearson, pearsonWithNormEpsilon } = await import('../../../engine/metrics/regression/scores');
  assert.equal(pearsonWithNormEpsilon([1, 1, 1], [1, 2, 3]), 0);
  assert.ok(Number.isNaN(pearson([1, 1, 1], [1, 2, 3])));
  const a = [1, 4, 2, 8, 5];
  const b = [2, 3, 1, 9, 4];
  const exact = pearson(a, b);
  const shrunk = pearsonWithNormEpsilon(a, b);
  assert.ok(Math.abs(shrunk) < Math.abs(exact) && Math.abs(exact - shrunk) < 1e-8);
});
