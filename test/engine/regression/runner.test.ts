// The regression comparison runner on the synthetic encoding sample: parameters map to the right
// estimator, splits and ceiling; both directions are reported separately; the normalised value is
// the named function of raw score and ceiling.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { readNpy } from '../../../engine/io';
import { ndarrayToMatrix, type Matrix } from '../../../engine/core/matrix';
import { averageRepeats } from '../../../engine/stats/reliability';
import { kFoldSplits } from '../../../engine/stats/cv';
import { regressionRunner, regressionSettings } from '../../../engine/families/regression';
import { crossValidatedEncoding } from '../../../engine/metrics/regression/crossValidate';
import { ridgeCvLooEstimator } from '../../../engine/metrics/regression/ridgeCvLoo';
import { brainScoreAlphas } from '../../../engine/metrics/regression/brainScore';
import type { ComparisonSpec } from '../../../engine/spec/types';
import type { LoadedRepresentation, RunContext } from '../../../engine/run/types';

const SAMPLE = join(__dirname, '..', '..', '..', 'samples', 'synthetic-encoding');

function context(): RunContext {
  const cache = new Map<string, unknown>();
  return {
    spec: { baseDir: SAMPLE } as RunContext['spec'],
    signal: new AbortController().signal,
    progress() {},
    shared: { get: <T>(key: string, compute: () => T): T => (cache.has(key) ? (cache.get(key) as T) : (cache.set(key, compute()), cache.get(key) as T)) },
    warn() {},
  };
}

function comparison(params: Record<string, unknown>): ComparisonSpec {
  return { name: 'encoding', metric: 'regression', params, layers: [], regions: [], statistics: { noiseCeiling: true, test: 'one-sided' }, index: 0 };
}

test('Brain-Score ALPHA_LIST has 99 values from 0.01 to 1e7', () => {
  const alphas = brainScoreAlphas();
  assert.equal(alphas.length, 99);
  assert.equal(alphas[0], 0.01);
  assert.equal(alphas[8], 100);
  assert.equal(alphas[98], 1e7);
});

test('preset brain-score: PLS-25, split-half ceiling, (r/c)^2; explicit keys override', () => {
  const s = regressionSettings(comparison({ preset: 'brain-score' }));
  assert.deepEqual([s.method, s.components, s.score, s.aggregate, s.ceiling, s.normalization], ['pls', 25, 'pearson', 'median', 'split-half', '(r/c)^2']);
  assert.equal(regressionSettings(comparison({ preset: 'brain-score', ceiling_normalization: 'r^2/c' })).normalization, 'r^2/c');
});

test('regression runner: ridge with LOO α, both directions, split-half ceiling, (r/c)^2', async () => {
  const layer = ndarrayToMatrix(await readNpy(join(SAMPLE, 'model', 'layer1.npy')));
  const repeats = await readNpy(join(SAMPLE, 'brain', 'IT.npy'));
  const responses = averageRepeats(repeats);
  const model: LoadedRepresentation = { name: 'layer1', role: 'model', kind: 'responses', stimuli: 200, subjects: [{ responses: layer }], hasSubjects: false, file: 'layer1.npy' };
  const brain: LoadedRepresentation = { name: 'IT', role: 'brain', kind: 'repeats', stimuli: 200, subjects: [{ responses, repeats }], hasSubjects: false, file: 'IT.npy' };
  const alphas = [1, 10, 100, 1000];
  const params = { method: 'ridge', alphas, direction: 'both', cv: { scheme: 'kfold', folds: 5 }, ceiling: 'split-half', ceiling_normalization: '(r/c)^2' };
  const score = await regressionRunner.run(comparison(params), model, brain, context());
  const folds = kFoldSplits(200, 5);
  assert.deepEqual(score.folds![2]!.test, Array.from(folds[2]!.test));
  const direct = crossValidatedEncoding(layer, responses, folds, ridgeCvLooEstimator({ alphas }));
  const details = score.details as Record<string, { value: number }> & { raw: number };
  assert.ok(Math.abs(details.raw - direct.mean) < 1e-12);
  assert.ok(details.brain_to_model && details.model_to_brain);
  assert.notEqual(details.brain_to_model.value, details.model_to_brain.value);
  const ceiling = score.noiseCeiling!.upper;
  assert.ok(ceiling > 0 && ceiling < 1);
  assert.ok(Math.abs(score.value - (direct.mean / ceiling) ** 2) < 1e-12);
  assert.match(score.measure, /ceiling-normalised \(r\/c\)\^2/);
});

test('regression runner: a brain region without repeats cannot have a split-half ceiling', async () => {
  const m: Matrix = { rows: 10, cols: 3, data: Float64Array.from({ length: 30 }, (_, k) => Math.sin(k)) };
  const rep = (role: 'model' | 'brain'): LoadedRepresentation => ({ name: role, role, kind: 'responses', stimuli: 10, subjects: [{ responses: m }], hasSubjects: false, file: `${role}.npy` });
  await assert.rejects(regressionRunner.run(comparison({ cv: { scheme: 'kfold', folds: 2 }, ceiling: 'split-half' }), rep('model'), rep('brain'), context()), /needs repeats/);
});
