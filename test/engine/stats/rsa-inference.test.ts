// Bootstrap and permutation test: reproducibility by seed, rsatoolbox sampling conventions replayed
// independently from the numpy-compatible generator, p-value formula, cancellation and progress.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CancelledError } from '../../../engine/core/errors';
import type { Matrix } from '../../../engine/core/matrix';
import { compareRdms, rdmFromResponses, subsampleCondensed } from '../../../engine/metrics/rsa';
import { bootstrapRsa } from '../../../engine/metrics/rsa/bootstrap';
import { permutationTest } from '../../../engine/metrics/rsa/permutation';
import { NumpyRandomState } from '../../../engine/stats/random';
import { close, randomMatrix } from '../rsa/helpers';

const n = 10;
function subjectStack(count: number, seed: number): Matrix {
  const shared = randomMatrix(n, 30, seed);
  const N = (n * (n - 1)) / 2;
  const data = new Float64Array(count * N);
  for (let s = 0; s < count; s++) {
    const noisy = randomMatrix(n, 30, seed + 1 + s);
    const x = { rows: n, cols: 30, data: shared.data.map((v, k) => v + 0.8 * noisy.data[k]!) };
    data.set(rdmFromResponses(x, 'correlation').condensed, s * N);
  }
  return { rows: count, cols: N, data };
}
const subjects = subjectStack(5, 100);
const model = rdmFromResponses(randomMatrix(n, 30, 100), 'correlation').condensed;
const other = rdmFromResponses(randomMatrix(n, 30, 555), 'correlation').condensed;
const row = (m: Matrix, r: number) => m.data.subarray(r * m.cols, (r + 1) * m.cols);

test('bootstrap: same seed → identical samples, another seed → different', () => {
  const run = (seed: number) => bootstrapRsa({ modelRdms: [model], subjectRdms: subjects, method: 'spearman', over: 'both', iterations: 40, seed });
  const a = run(1);
  const b = run(1);
  const c = run(2);
  assert.deepEqual(Array.from(a.evaluations[0]!), Array.from(b.evaluations[0]!));
  assert.notDeepEqual(Array.from(a.evaluations[0]!), Array.from(c.evaluations[0]!));
  assert.equal(a.iterations, 40);
  assert.equal(a.seed, 1);
});

test('bootstrap over stimuli: first sample replayed by hand (duplicates NaN, mean over subjects), variance × n/(n−1)', () => {
  const r = bootstrapRsa({ modelRdms: [model, other], subjectRdms: subjects, method: 'corr', over: 'stimuli', iterations: 30, seed: 9, noiseCeiling: false });
  const idx = new NumpyRandomState(9).integers(n, n);
  for (const [j, m] of [model, other].entries()) {
    let s = 0;
    for (let subj = 0; subj < subjects.rows; subj++) s += compareRdms(subsampleCondensed(m, n, idx), subsampleCondensed(row(subjects, subj), n, idx), 'corr').value;
    close(r.evaluations[j]![0]!, s / subjects.rows, 1e-12, `model ${j}, sample 0`);
  }
  assert.equal(r.correctionN, n);
  assert.equal(r.dof, n - 1);
  close(r.models[0]!.variance, (r.models[0]!.rawVariance * n) / (n - 1), 1e-15, 'correction');
  assert.ok(r.models[0]!.ciLow < r.models[0]!.mean && r.models[0]!.mean < r.models[0]!.ciHigh);
});

test('bootstrap with a whitened method (cosine_cov) compares on the full vectors with duplicate pairs masked', () => {
  const r = bootstrapRsa({ modelRdms: [model], subjectRdms: subjects, method: 'cosine_cov', over: 'both', iterations: 3, seed: 12 });
  const rng = new NumpyRandomState(12);
  const rdmIdx = rng.integers(subjects.rows, subjects.rows);
  const stimIdx = rng.integers(n, n);
  const sampledModel = subsampleCondensed(model, n, stimIdx);
  const want = Array.from(rdmIdx).reduce((s, i) => s + compareRdms(sampledModel, subsampleCondensed(row(subjects, i), n, stimIdx), 'cosine_cov').value, 0) / rdmIdx.length;
  close(r.evaluations[0]![0]!, want, 1e-12, 'sample 0');
  assert.ok(Number.isFinite(r.noiseCeilingLower![0]!) && Number.isFinite(r.noiseCeilingUpper![0]!));
});

test('two-factor bootstrap: the three resamplings of a draw replayed by hand, corrected variance within its clip bounds', () => {
  const r = bootstrapRsa({ modelRdms: [model], subjectRdms: subjects, method: 'corr', over: 'both', iterations: 40, seed: 8, twoFactorCorrection: true, noiseCeiling: false });
  const rng = new NumpyRandomState(8);
  const rdmIdx = rng.integers(subjects.rows, subjects.rows);
  const stimIdx = rng.integers(n, n);
  const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
  const sm = subsampleCondensed(model, n, stimIdx);
  close(r.evaluations[0]![0]!, mean(Array.from(rdmIdx, (i) => compareRdms(sm, subsampleCondensed(row(subjects, i), n, stimIdx), 'corr').value)), 1e-12, 'both');
  close(r.evaluationsSubjectsOnly![0]![0]!, mean(Array.from(rdmIdx, (i) => compareRdms(model, row(subjects, i), 'corr').value)), 1e-12, 'subjects only');
  close(r.evaluationsStimuliOnly![0]![0]!, mean([0, 1, 2, 3, 4].map((i) => compareRdms(sm, subsampleCondensed(row(subjects, i), n, stimIdx), 'corr').value)), 1e-12, 'stimuli only');
  const t = r.twoFactor![0]!;
  const nr = subjects.rows;
  const lowerBound = Math.max((nr / (nr - 1)) * t.varianceSubjects, (n / (n - 1)) * t.varianceStimuli);
  assert.ok(t.variance <= t.varianceBoth + 1e-15 && (t.variance >= lowerBound - 1e-15 || t.variance === t.varianceBoth));
  assert.equal(t.dof, Math.min(nr, n) - 1);
});

test('bootstrap over subjects: sample 0 = mean over the drawn subjects; noise ceiling per sample', () => {
  const r = bootstrapRsa({ modelRdms: [model], subjectRdms: subjects, method: 'spearman', over: 'subjects', iterations: 5, seed: 4 });
  const idx = new NumpyRandomState(4).integers(subjects.rows, subjects.rows);
  const want = Array.from(idx).reduce((s, i) => s + compareRdms(model, row(subjects, i), 'spearman').value, 0) / idx.length;
  close(r.evaluations[0]![0]!, want, 1e-12, 'sample 0');
  assert.equal(r.correctionN, subjects.rows);
  assert.ok(r.noiseCeilingUpper && r.noiseCeilingUpper.length === 5);
  assert.ok(r.upper!.mean >= r.lower!.mean);
});

test('bootstrap drops samples with fewer than 3 unique stimuli and counts them', () => {
  const n3 = 3;
  const tiny = { rows: 2, cols: 3, data: Float64Array.of(1, 2, 3, 1.5, 2.5, 2.9) };
  const r = bootstrapRsa({ modelRdms: [Float64Array.of(1, 2, 4)], subjectRdms: tiny, method: 'corr', over: 'stimuli', iterations: 50, seed: 3, noiseCeiling: false });
  const rng = new NumpyRandomState(3);
  let expected = 0;
  for (let b = 0; b < 50; b++) if (new Set(rng.integers(n3, n3)).size < 3) expected++;
  assert.ok(expected > 0);
  assert.equal(r.dropped, expected);
  assert.equal(r.evaluations[0]!.filter(Number.isNaN).length, expected);
});

test('permutation test: first null value replayed by hand, p = (1 + #{≥ obs})/(1 + B), reproducible by seed', () => {
  const a = row(subjects, 0);
  const b = row(subjects, 1);
  for (const method of ['spearman', 'corr', 'tau-a'] as const) {
    const r = permutationTest({ rdmA: a, rdmB: b, method, iterations: 60, seed: 5 });
    const pi = new NumpyRandomState(5).permutation(n);
    close(r.nullDistribution[0]!, compareRdms(subsampleCondensed(a, n, pi), b, method).value, 1e-12, `${method} null[0]`);
    close(r.observed, compareRdms(a, b, method).value, 0, 'observed');
    const extreme = r.nullDistribution.filter((v) => v >= r.observed).length;
    close(r.p, (1 + extreme) / 61, 0, 'p');
    assert.equal(r.nullDistribution.length, 60);
  }
  const s1 = permutationTest({ rdmA: a, rdmB: b, method: 'corr', iterations: 30, seed: 1 });
  const s1b = permutationTest({ rdmA: a, rdmB: b, method: 'corr', iterations: 30, seed: 1 });
  const s2 = permutationTest({ rdmA: a, rdmB: b, method: 'corr', iterations: 30, seed: 2 });
  assert.deepEqual(Array.from(s1.nullDistribution), Array.from(s1b.nullDistribution));
  assert.notDeepEqual(Array.from(s1.nullDistribution), Array.from(s2.nullDistribution));
  // Related RDMs (shared structure) are significant; the smallest possible p is 1/(B + 1).
  assert.ok(s1.p <= 2 / 31, `p = ${s1.p}`);
});

test('permutation test of a constant RDM: NaN statistic and NaN p, not a crash', () => {
  const flat = new Float64Array(model.length).fill(1);
  const r = permutationTest({ rdmA: flat, rdmB: other, method: 'spearman', iterations: 5, seed: 1 });
  assert.ok(Number.isNaN(r.observed) && Number.isNaN(r.p));
});

test('bootstrap and permutation are cancellable and report progress', () => {
  for (const run of [
    (signal: AbortSignal, onProgress: (d: number, t: number) => void) =>
      bootstrapRsa({ modelRdms: [model], subjectRdms: subjects, method: 'corr', over: 'both', iterations: 200, seed: 1, signal, onProgress }),
    (signal: AbortSignal, onProgress: (d: number, t: number) => void) =>
      permutationTest({ rdmA: model, rdmB: other, method: 'corr', iterations: 200, seed: 1, signal, onProgress }),
  ]) {
    const controller = new AbortController();
    const seen: number[] = [];
    assert.throws(
      () =>
        run(controller.signal, (done) => {
          seen.push(done);
          if (done >= 20) controller.abort();
        }),
      (e: unknown) => e instanceof CancelledError,
    );
    assert.ok(seen.length > 0 && seen[seen.length - 1]! < 200);
    const complete: Array<[number, number]> = [];
    run(new AbortController().signal, (d, t) => complete.push([d, t]));
    assert.deepEqual(complete[complete.length - 1], [200, 200]);
  }
});
