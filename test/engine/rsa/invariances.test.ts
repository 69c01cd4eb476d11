// Invariances and identities of the RDM comparisons (docs/metrics.md §2.3), on seeded random data.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SimspecError } from '../../../engine/core/errors';
import { matrixFromRows, type Matrix } from '../../../engine/core/matrix';
import { centerColumns, crossProduct, frobeniusNorm, identity, nuclearNorm } from '../../../engine/linalg';
import {
  COMPARE_METHODS,
  compareComplete,
  compareRdms,
  kendallCounts,
  pairCount,
  rdmFromResponses,
  subsampleCondensed,
  whitenedRdmVector,
} from '../../../engine/metrics/rsa';
import { averageRanks } from '../../../engine/stats/ranks';
import { NumpyRandomState } from '../../../engine/stats/random';
import { close, randomMatrix, randomVector, tiedVector } from './helpers';

const n = 12;
const X = randomMatrix(n, 20, 1);
const Y = randomMatrix(n, 15, 2);
const a = rdmFromResponses(X, 'correlation').condensed;
const b = rdmFromResponses(Y, 'correlation').condensed;

test('relabelling stimuli consistently in both RDMs leaves every comparison unchanged', () => {
  const perm = new NumpyRandomState(7).permutation(n);
  const pa = subsampleCondensed(a, n, perm);
  const pb = subsampleCondensed(b, n, perm);
  assert.notDeepEqual(Array.from(pa), Array.from(a));
  for (const method of COMPARE_METHODS) {
    const before = compareRdms(a, b, method).value;
    close(compareRdms(pa, pb, method).value, before, 1e-9 * Math.max(1, Math.abs(before)), method);
  }
});

test('correlation distance ignores positive scaling and shifts of each pattern', () => {
  const rng = new NumpyRandomState(3);
  const scaled = Float64Array.from(X.data);
  for (let i = 0; i < X.rows; i++) {
    const s = 0.1 + 5 * rng.randomSample();
    const shift = 10 * rng.randomSample() - 5;
    for (let c = 0; c < X.cols; c++) scaled[i * X.cols + c] = scaled[i * X.cols + c]! * s + shift;
  }
  const again = rdmFromResponses({ rows: X.rows, cols: X.cols, data: scaled }, 'correlation').condensed;
  a.forEach((v, k) => close(again[k]!, v, 1e-12, `pair ${k}`));
});

test('spearman = pearson of average ranks (with ties); rho-a = spearman and tau-a = tau-b without ties', () => {
  const ta = tiedVector(300, 6, 11);
  const tb = tiedVector(300, 4, 12);
  const ranked = compareRdms(averageRanks(ta), averageRanks(tb), 'corr').value;
  close(compareRdms(ta, tb, 'spearman').value, ranked, 1e-14, 'spearman vs pearson of ranks');
  // With ties rho-a is strictly smaller in magnitude than spearman (tie-free denominator).
  assert.ok(Math.abs(compareRdms(ta, tb, 'rho-a').value) < Math.abs(compareRdms(ta, tb, 'spearman').value));
  close(compareRdms(a, b, 'rho-a').value, compareRdms(a, b, 'spearman').value, 1e-12, 'rho-a without ties');
  close(compareRdms(a, b, 'tau-a').value, compareRdms(a, b, 'tau-b').value, 1e-14, 'tau-a without ties');
});

test('Knight O(N log N) Kendall counts equal the O(N²) definition, with ties', () => {
  for (const [levelsA, levelsB, seed] of [[5, 3, 21], [50, 50, 22], [2, 7, 23]] as const) {
    const va = tiedVector(257, levelsA, seed);
    const vb = tiedVector(257, levelsB, seed + 100);
    let cMinusD = 0;
    let tiedA = 0;
    let tiedB = 0;
    let tiedBoth = 0;
    for (let i = 0; i < va.length; i++) {
      for (let j = i + 1; j < va.length; j++) {
        const s = Math.sign(va[i]! - va[j]!) * Math.sign(vb[i]! - vb[j]!);
        cMinusD += s;
        if (va[i] === va[j]) tiedA++;
        if (vb[i] === vb[j]) tiedB++;
        if (va[i] === va[j] && vb[i] === vb[j]) tiedBoth++;
      }
    }
    const got = kendallCounts(va, vb);
    assert.deepEqual([got.concordantMinusDiscordant, got.tiedInA, got.tiedInB, got.tiedInBoth], [cMinusD, tiedA, tiedB, tiedBoth]);
  }
});

function squaredEuclideanRdm(m: Matrix): Float64Array {
  return rdmFromResponses(m, 'sqeuclidean', { convention: 'scipy' }).condensed;
}

test('on squared-euclidean RDMs: cosine_cov = linear CKA and bures = ‖X̃ᵀỸ‖_* / (‖X̃‖‖Ỹ‖)', () => {
  const xc = centerColumns(X).centered;
  const yc = centerColumns(Y).centered;
  const cka = frobeniusNorm(crossProduct(xc, yc)) ** 2 / (frobeniusNorm(crossProduct(xc, xc)) * frobeniusNorm(crossProduct(yc, yc)));
  const da = squaredEuclideanRdm(X);
  const db = squaredEuclideanRdm(Y);
  close(compareRdms(da, db, 'cosine_cov').value, cka, 1e-12, 'cosine_cov = CKA');
  const nbs = nuclearNorm(crossProduct(xc, yc)) / (frobeniusNorm(xc) * frobeniusNorm(yc));
  close(compareRdms(da, db, 'bures').value, nbs, 1e-7, 'bures = NBS');
  close(compareRdms(da, da, 'bures').value, 1, 1e-7, 'bures(a, a)');
  close(compareRdms(da, da, 'bures_metric').value, 0, 1e-6, 'bures_metric(a, a)');
});

test('the missing-pairs projection of cosine_cov equals double centring when nothing is missing', () => {
  const g = whitenedRdmVector(a);
  const projected = whitenedRdmVector(a, undefined, true);
  g.forEach((v, k) => close(projected[k]!, v, 1e-12, `entry ${k}`));
});

test('NaN pairs: intersection with the pair count, strict mode raises, ranks after dropping', () => {
  const holey = Float64Array.from(a);
  holey[3] = NaN;
  holey[40] = NaN;
  const keep = (v: Float64Array) => v.filter((_, k) => k !== 3 && k !== 40);
  for (const method of ['corr', 'spearman', 'tau-a', 'cosine'] as const) {
    const c = compareRdms(holey, b, method);
    assert.equal(c.pairs, pairCount(n) - 2);
    assert.equal(c.droppedPairs, 2);
    assert.match(c.warnings.join(' '), /2 of 66 pairs/);
    close(c.value, compareComplete(keep(holey), keep(b), method), 1e-14, method);
  }
  assert.throws(() => compareRdms(holey, b, 'corr', { strict: true, file: 'searchlight.npz' }), (e: unknown) => e instanceof SimspecError && e.code === 'rsa.nan-mask');
  // cosine_cov with missing pairs runs (rsatoolbox's weighted projection) and stays a cosine.
  const cc = compareRdms(holey, b, 'cosine_cov').value;
  assert.ok(cc > -1 && cc < 1 && cc !== compareRdms(a, b, 'cosine_cov').value);
});

test('a constant RDM gives NaN with a warning, not a crash; unknown methods are SimspecErrors', () => {
  const flat = new Float64Array(a.length).fill(0.5);
  for (const method of ['corr', 'spearman', 'rho-a', 'tau-a', 'tau-b', 'corr_cov'] as const) {
    const c = compareRdms(flat, b, method);
    assert.ok(Number.isNaN(c.value), method);
    assert.match(c.warnings.join(' '), /constant/);
  }
  assert.throws(() => compareRdms(a, b, 'manhattan'), (e: unknown) => e instanceof SimspecError && e.code === 'rsa.compare-method');
  close(compareRdms(a, b, 'pearson').value, compareRdms(a, b, 'corr').value, 0, 'pearson alias');
  close(compareRdms(a, b, 'kendall').value, compareRdms(a, b, 'tau-b').value, 0, 'kendall alias');
});

test('calc_rdm euclidean on [[0,0],[2,2]] is 4 (squared, divided by P = 2); mahalanobis with Λ = I is euclidean', () => {
  close(rdmFromResponses(matrixFromRows([[0, 0], [2, 2]]), 'euclidean').condensed[0]!, 4, 1e-14, 'euclidean');
  const e = rdmFromResponses(X, 'euclidean').condensed;
  const m = rdmFromResponses(X, 'mahalanobis', { precision: identity(X.cols) }).condensed;
  e.forEach((v, k) => close(m[k]!, v, 1e-12, `pair ${k}`));
});

test('averaging by a descriptor: rows follow ascending labels, which are reported', () => {
  const obs = matrixFromRows([[1, 0], [3, 0], [0, 0], [0, 4], [0, 2]]);
  const r = rdmFromResponses(obs, 'euclidean', { conditions: ['b', 'b', 'a', 'c', 'c'] });
  assert.deepEqual(r.labels, ['a', 'b', 'c']);
  // means: a = (0,0), b = (2,0), c = (0,3); squared distances / 2
  [2, 4.5, 6.5].forEach((want, k) => close(r.condensed[k]!, want, 1e-14, `pair ${k}`));
  const numeric = rdmFromResponses(obs, 'euclidean', { conditions: [10, 10, 2, 7, 7] });
  assert.deepEqual(numeric.labels, [2, 7, 10]);
});

test('rdmFromResponses rejects unknown methods and non-finite responses with SimspecErrors', () => {
  assert.throws(() => rdmFromResponses(X, 'sqeuclidean'), (e: unknown) => e instanceof SimspecError && e.code === 'rdm.method');
  const bad = { rows: 2, cols: 2, data: Float64Array.of(0, NaN, 1, 1) };
  assert.throws(() => rdmFromResponses(bad, 'correlation', { file: 'acts.npy' }), (e: unknown) => e instanceof SimspecError && e.code === 'data.nonfinite' && e.message.includes('acts.npy'));
  assert.ok(randomVector(3, 1).length === 3);
});

test('pdist euclidean stays accurate for near-duplicate patterns (no √ of rounding noise)', () => {
  const base = [1000, -2000, 3000.5, 42];
  const x = matrixFromRows([base, base.map((v, k) => (k === 0 ? v + 1e-6 : v)), [0, 0, 0, 0]]);
  const d = rdmFromResponses(x, 'euclidean', { convention: 'scipy' }).condensed;
  close(d[0]!, 1000 + 1e-6 - 1000, 1e-21, 'distance ≈ 1e-6 between rows 0 and 1');
  close(rdmFromResponses(matrixFromRows([base, base]), 'euclidean', { convention: 'scipy' }).condensed[0]!, 0, 0, 'identical rows');
});
