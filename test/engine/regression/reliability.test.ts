// Split-half reliability, Spearman–Brown, Pospisil & Bair's r²_ER and ceiling normalisation:
// hand-computed values from the formulas (docs/metrics.md §3.5–3.6) and invariances.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { NDArray } from '../../../engine/core/matrix';
import { SimspecError } from '../../../engine/core/errors';
import { NumpyRandomState } from '../../../engine/stats/random';
import {
  averageRepeats,
  brainScoreSplitHalfSplits,
  normalizeByCeiling,
  spearmanBrown,
  splitHalfReliability,
} from '../../../engine/stats/reliability';
import { noiseCorrectedR2 } from '../../../engine/stats/reliabilityNoiseCorrected';
import { pearson } from '../../../engine/metrics/regression/scores';

function repeatsArray(stimuli: number, reps: number, units: number, f: (s: number, r: number, u: number) => number): NDArray {
  const data = new Float64Array(stimuli * reps * units);
  for (let s = 0; s < stimuli; s++) for (let r = 0; r < reps; r++) for (let u = 0; u < units; u++) data[(s * reps + r) * units + u] = f(s, r, u);
  return { shape: [stimuli, reps, units], data, dtype: 'float64' };
}

function noisyRepeats(seed: number): NDArray {
  const rng = new NumpyRandomState(seed);
  const signal = Array.from({ length: 30 * 4 }, () => rng.randomSample());
  return repeatsArray(30, 6, 4, (s, _r, u) => signal[s * 4 + u]! * (u + 1) + 0.3 * (rng.randomSample() - 0.5));
}

test('Spearman–Brown: 2r/(1+r)', () => {
  assert.equal(spearmanBrown(0.5), 2 / 3);
  assert.equal(spearmanBrown(1), 1);
  assert.equal(spearmanBrown(0), 0);
});

test('averageRepeats skips NaN repeats', () => {
  const a = repeatsArray(2, 3, 1, (s, r) => (s === 1 && r === 2 ? NaN : s * 10 + r));
  assert.deepEqual(Array.from(averageRepeats(a).data), [1, 10.5]);
});

test('split-half r_sb is invariant to affine rescaling of a unit and to swapping the halves', () => {
  const base = noisyRepeats(3);
  const rescaled: NDArray = { ...base, data: base.data.map((v, k) => (k % 4 === 2 ? 5 * v + 17 : v)) };
  const splits = [{ halfA: [0, 2, 4], halfB: [1, 3, 5] }];
  const a = splitHalfReliability(base, splits).splits[0]!;
  const b = splitHalfReliability(rescaled, splits).splits[0]!;
  const swapped = splitHalfReliability(base, [{ halfA: [1, 3, 5], halfB: [0, 2, 4] }]).splits[0]!;
  for (let u = 0; u < 4; u++) {
    assert.ok(Math.abs(a.rSb[u]! - b.rSb[u]!) < 1e-12);
    assert.ok(Math.abs(a.rSb[u]! - swapped.rSb[u]!) < 1e-12);
    assert.ok(Math.abs(a.rSb[u]! - spearmanBrown(a.r[u]!)) < 1e-15);
  }
});

test('Brain-Score repeat splits: ShuffleSplit(0.5, seed 1) — half A has ⌊R/2⌋ repeats, halves disjoint', () => {
  for (const r of [5, 6]) {
    const splits = brainScoreSplitHalfSplits(r);
    assert.equal(splits.length, 10);
    for (const s of splits) {
      assert.equal(s.halfA.length, Math.floor(r / 2));
      assert.equal(s.halfA.length + s.halfB.length, r);
      assert.equal(new Set([...Array.from(s.halfA), ...Array.from(s.halfB)]).size, r);
    }
  }
  // numpy fixture: RandomState(1).permutation(10) = [2, 9, 6, 4, 0, ...] → test half = first 5.
  assert.deepEqual(Array.from(brainScoreSplitHalfSplits(10)[0]!.halfB), [2, 9, 6, 4, 0]);
  assert.throws(() => brainScoreSplitHalfSplits(1), SimspecError);
});

test('r²_ER: hand-computed value from the Pospisil & Bair formula (not bounded by 1)', () => {
  // Stimuli means 2, 4, 6 with per-stimulus variances 2, 0, 2 → σ̂² = 4/3, R = 2;
  // ν = (0, 1, 3): cov = 6, SS_ν = 14/3, SS_y = 8 → (36 − 28/9)/(112/3 − 56/9) = 296/280.
  const reps = [[1, 3], [4, 4], [5, 7]];
  const repeats = repeatsArray(3, 2, 1, (s, r) => reps[s]![r]!);
  const result = noiseCorrectedR2(repeats, { rows: 3, cols: 1, data: Float64Array.of(0, 1, 3) });
  assert.ok(Math.abs(result.perUnit[0]! - 296 / 280) < 1e-14);
  assert.equal(result.nonPositiveDenominator, 0);
});

test('r²_ER reduces to Pearson r² without trial noise, and flags units without explainable variance', () => {
  const repeats = repeatsArray(5, 3, 2, (s, _r, u) => (u === 0 ? [1, 4, 2, 8, 5][s]! : 3));
  const predictions = { rows: 5, cols: 2, data: Float64Array.of(2, 1, 3, 2, 1, 3, 9, 4, 4, 5) };
  const result = noiseCorrectedR2(repeats, predictions);
  const r = pearson([1, 4, 2, 8, 5], [2, 3, 1, 9, 4]);
  assert.ok(Math.abs(result.perUnit[0]! - r * r) < 1e-14);
  assert.ok(Number.isNaN(result.perUnit[1]!));
  assert.equal(result.nonPositiveDenominator, 1);
});

test('r²_ER is invariant to affine changes of the predictions', () => {
  const repeats = noisyRepeats(8);
  const rng = new NumpyRandomState(9);
  const pred = { rows: 30, cols: 4, data: Float64Array.from({ length: 120 }, () => rng.randomSample()) };
  const a = noiseCorrectedR2(repeats, pred);
  const b = noiseCorrectedR2(repeats, { ...pred, data: pred.data.map((v) => -3 * v + 2) });
  a.perUnit.forEach((v, u) => assert.ok(Math.abs(v - b.perUnit[u]!) < 1e-10));
});

test('ceiling normalisation conventions', () => {
  assert.equal(normalizeByCeiling(0.4, 0.8, 'r/c'), 0.5);
  assert.equal(normalizeByCeiling(0.4, 0.8, '(r/c)^2'), 0.25);
  assert.ok(Math.abs(normalizeByCeiling(0.4, 0.8, 'r^2/c') - 0.2) < 1e-15);
});

test('Brain-Score preset: stratified 0.9 splits with seed 1, median-then-mean raw score, named (r/c)^2 normalisation', async () => {
  const { brainScorePreset } = await import('../../../engine/metrics/regression/brainScore');
  const { stratifiedShuffleSplits } = await import('../../../engine/stats/cv');
  const repeats = noisyRepeats(12);
  const labels = Array.from({ length: 30 }, (_, i) => ['a', 'b', 'c'][i % 3]!);
  const rng = new NumpyRandomState(13);
  const model = { rows: 30, cols: 8, data: Float64Array.from({ length: 240 }, () => rng.randomSample()) };
  const result = brainScorePreset(model, repeats, { labels, nComponents: 3, nSplits: 3 });
  const expectedSplits = stratifiedShuffleSplits(labels, { nSplits: 3, trainSize: 0.9, seed: 1 });
  result.splits.forEach((s, k) => assert.deepEqual(Array.from(s.test), Array.from(expectedSplits[k]!.test)));
  assert.equal(result.splits[0]!.train.length, 27);
  const medians = result.encoding.splits.map((s) => s.aggregate);
  assert.ok(Math.abs(result.raw - medians.reduce((a, b) => a + b, 0) / 3) < 1e-15);
  assert.equal(result.normalization, '(r/c)^2');
  assert.ok(Math.abs(result.normalized - (result.raw / result.ceiling) ** 2) < 1e-15);
  // A stimulus with every repeat missing cannot be averaged: clear error naming the variable.
  const broken: NDArray = { ...repeats, data: repeats.data.map((v, k) => (k < 6 * 4 ? NaN : v)) };
  assert.throws(() => brainScorePreset(model, broken, { labels, nComponents: 3, nSplits: 3, names: { brain: 'IT' } }), (e: unknown) => e instanceof SimspecError && e.variable === 'IT');
});
