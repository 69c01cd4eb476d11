// Rank once: ranks of a resample derived from one presort equal a fresh sort of the expanded vector
// (heavy ties, multiplicities, zero weights), and the RSA bootstrap built on them gives exactly the
// evaluations of the previous implementation, which re-sorted every draw (kept verbatim as the
// oracle in ./rsaBootstrapOracle.ts). Exact equality throughout: the arithmetic is the same.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Matrix } from '../../../engine/core/matrix';
import { rdmFromResponses } from '../../../engine/metrics/rsa';
import { bootstrapRsa, type BootstrapOver } from '../../../engine/metrics/rsa/bootstrap';
import { averageRanks, presortTies, weightedAverageRanks } from '../../../engine/stats/ranks';
import { NumpyRandomState } from '../../../engine/stats/random';
import { randomMatrix } from '../rsa/helpers';
import { bootstrapRsaResortingEveryDraw } from './rsaBootstrapOracle';

function expandedRanksAgree(values: Float64Array, weights: Float64Array): void {
  const expanded: number[] = [];
  const owner: number[] = [];
  values.forEach((v, k) => {
    for (let c = 0; c < weights[k]!; c++) {
      expanded.push(v);
      owner.push(k);
    }
  });
  const fresh = averageRanks(expanded);
  const fromPresort = weightedAverageRanks(presortTies(values), weights);
  owner.forEach((k, e) => assert.equal(fromPresort[k], fresh[e], `entry ${k} (value ${values[k]}, weight ${weights[k]})`));
}

test('ranks from one presort equal a fresh sort of the vector with multiplicities (heavy ties, zero weights)', () => {
  const rng = new NumpyRandomState(7);
  for (let trial = 0; trial < 40; trial++) {
    const n = 1 + (trial * 37) % 300;
    const levels = 1 + (trial % 6); // 1 level = all tied
    const values = Float64Array.from(rng.integers(levels, n), (x) => x * 0.25 - 0.5);
    const weights = Float64Array.from(rng.integers(4, n)); // 0..3 copies
    expandedRanksAgree(values, weights);
  }
});

test('ranks from one presort with unit weights are averageRanks (continuous values, and ±0, ±Infinity)', () => {
  const rng = new NumpyRandomState(3);
  const values = Float64Array.from(rng.integers(1000, 500), (x) => Math.sin(x));
  assert.deepEqual(weightedAverageRanks(presortTies(values), new Float64Array(500).fill(1)), averageRanks(values));
  const odd = Float64Array.from([0, -0, Infinity, -Infinity, 1, 1, -0, Infinity]);
  assert.deepEqual(weightedAverageRanks(presortTies(odd), new Float64Array(odd.length).fill(1)), averageRanks(odd));
});

const nCond = 14;
function subjectStack(count: number, seed: number): Matrix {
  const shared = randomMatrix(nCond, 20, seed);
  const N = (nCond * (nCond - 1)) / 2;
  const data = new Float64Array(count * N);
  for (let s = 0; s < count; s++) {
    const noisy = randomMatrix(nCond, 20, seed + 1 + s);
    const x = { rows: nCond, cols: 20, data: shared.data.map((v, k) => v + 0.8 * noisy.data[k]!) };
    data.set(rdmFromResponses(x, 'correlation').condensed, s * N);
  }
  return { rows: count, cols: N, data };
}
const subjects = subjectStack(4, 40);
const continuousModel = rdmFromResponses(randomMatrix(nCond, 20, 41), 'correlation').condensed;
// A categorical model RDM (two categories: 0 within, 1 between) — ties everywhere.
const categoricalModel = Float64Array.from({ length: subjects.cols }, (_, k) => {
  let i = 0;
  let r = k;
  while (r >= nCond - 1 - i) {
    r -= nCond - 1 - i;
    i++;
  }
  const j = i + 1 + r;
  return (i < nCond / 2) === (j < nCond / 2) ? 0 : 1;
});
// Subject RDMs with coarse, tied values.
const tiedSubjects: Matrix = { ...subjects, data: subjects.data.map((v) => Math.round(v * 4) / 4) };

for (const method of ['spearman', 'rho-a', 'corr', 'cosine', 'pearson', 'tau-a', 'tau-b']) {
  for (const over of ['stimuli', 'subjects', 'both'] as BootstrapOver[]) {
    test(`bootstrap ${method} over ${over}: identical to re-sorting every draw`, () => {
      for (const [label, subjectRdms, models] of [
        ['continuous', subjects, [continuousModel, categoricalModel]],
        ['tied', tiedSubjects, [categoricalModel]],
      ] as const) {
        const input = { modelRdms: models, subjectRdms, method, over, iterations: 60, seed: 11, twoFactorCorrection: over === 'both', noiseCeiling: !method.startsWith('tau') };
        const now = bootstrapRsa(input);
        const before = bootstrapRsaResortingEveryDraw(input);
        assert.deepEqual(now.evaluations, before.evaluations, label);
        assert.deepEqual(now.models, before.models, label);
        assert.equal(now.dropped, before.dropped);
        assert.deepEqual(now.noiseCeilingLower, before.noiseCeilingLower);
        assert.deepEqual(now.evaluationsStimuliOnly, before.evaluationsStimuliOnly);
        assert.deepEqual(now.evaluationsSubjectsOnly, before.evaluationsSubjectsOnly);
        assert.deepEqual(now.twoFactor, before.twoFactor);
      }
    });
  }
}

test('bootstrap with 3 stimuli (dropped draws) and with missing pairs (the re-sorting path) is unchanged', () => {
  const small = { rows: 2, cols: 3, data: Float64Array.from([0.1, 0.5, 0.3, 0.2, 0.2, 0.9]) };
  const input = { modelRdms: [Float64Array.from([0.3, 0.1, 0.2])], subjectRdms: small, method: 'spearman', over: 'stimuli' as const, iterations: 50, seed: 2 };
  const now = bootstrapRsa(input);
  assert.ok(now.dropped > 0);
  assert.deepEqual(now.evaluations, bootstrapRsaResortingEveryDraw(input).evaluations);
  const holed = { ...subjects, data: subjects.data.map((v, k) => (k % 17 === 3 ? Number.NaN : v)) };
  const withHoles = { modelRdms: [continuousModel], subjectRdms: holed, method: 'spearman', over: 'stimuli' as const, iterations: 30, seed: 5 };
  assert.deepEqual(bootstrapRsa(withHoles).evaluations, bootstrapRsaResortingEveryDraw(withHoles).evaluations);
});

test('bootstrap given the presorted subjects (shared across layers) gives the same evaluations', () => {
  const rows = Array.from({ length: subjects.rows }, (_, s) => subjects.data.subarray(s * subjects.cols, (s + 1) * subjects.cols));
  const input = { modelRdms: [continuousModel], subjectRdms: subjects, method: 'spearman', over: 'both' as const, iterations: 40, seed: 9, noiseCeiling: false };
  assert.deepEqual(bootstrapRsa({ ...input, subjectTies: rows.map((r) => presortTies(r)) }).evaluations, bootstrapRsaResortingEveryDraw(input).evaluations);
});
