// Spec-level statistics end to end (issue 14): `interval: bca`, the SE convention and the draws in
// the results of a matrix family; regression's spec-level bootstrap/permutation and RSA's `bca`
// are warnings that `check` reports first, in the words the run uses.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeNpy } from '../../../engine/io/npyWriter';
import { runSpec } from '../../../engine/run/execute';
import { checkSpec } from '../../../engine/spec';
import { createFileIntrospector } from '../../../engine/spec/introspector';
import { decodeFloat32Base64 } from '../../../engine/inference/bootstrap';
import { numpyStandardNormal } from '../../../engine/metrics/shape';

/** `check` words a run's warning as a sentence: "regression does not run …" → "Regression does not run ….". */
const asSentence = (warning: string) => `${warning[0]!.toUpperCase()}${warning.slice(1)}.`;

test('shape with BCa: convention named, draws kept; regression and RSA-bca warnings agree between check and run', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'simspec-stats-'));
  writeNpy(join(dir, 'layer.npy'), [30, 6], numpyStandardNormal(1, 180));
  writeNpy(join(dir, 'region.npy'), [30, 5], numpyStandardNormal(2, 150));
  const file = join(dir, 'stats.simspec.yaml');
  const text = [
    'simspec: 1',
    'model:',
    '  layers:',
    '    conv: { file: layer.npy }',
    'brain:',
    '  IT: { file: region.npy }',
    'statistics:',
    '  bootstrap: { samples: 40, seed: 3, interval: bca, ci: 0.9 }',
    '  permutation: { samples: 20, seed: 4 }',
    'comparisons:',
    '  - name: procrustes',
    '    metric: shape',
    '    group: orthogonal',
    '  - name: ridge',
    '    metric: regression',
    '    cv: { scheme: kfold, folds: 3 }',
    '  - name: rsa',
    '    metric: rsa',
    'output: results.json',
    '',
  ].join('\n');
  writeFileSync(file, text);
  const problems = (await checkSpec(text, file, createFileIntrospector())).problems;
  const regressionWarning = problems.find((p) => p.code === 'spec.regression-resampling');
  const rsaWarning = problems.find((p) => p.code === 'spec.bootstrap-bca-rsa');
  assert.ok(regressionWarning && rsaWarning, JSON.stringify(problems));
  assert.equal(regressionWarning.severity, 'warning');
  assert.ok(problems.every((p) => p.severity !== 'error'), JSON.stringify(problems));

  const results = await runSpec(file, { write: false });
  const score = (name: string) => results.scores.find((s) => s.comparison === name)!;
  assert.ok(score('ridge').warnings!.some((w) => asSentence(w) === regressionWarning.message), JSON.stringify(score('ridge').warnings));
  assert.equal(score('ridge').ci, undefined);
  assert.ok(score('rsa').warnings!.some((w) => asSentence(w) === rsaWarning.message), JSON.stringify(score('rsa').warnings));

  const shape = score('procrustes');
  assert.match(shape.ci!.method, /BCa over stimuli \(half-samples\), centred/);
  assert.ok(shape.ci!.lower <= shape.value && shape.value <= shape.ci!.upper);
  assert.equal(shape.ci!.standardErrorConvention, score('rsa').ci!.standardErrorConvention);
  const draws = decodeFloat32Base64(shape.ci!.draws!.values);
  assert.equal(draws.length, 40);
  assert.equal(shape.ci!.draws!.count, 40);
  // The draws are half-sample values as computed: a Procrustes distance on 15 of 30 stimuli, each
  // below the full-sample distance on average (the alignment fits fewer rows).
  assert.ok(draws.reduce((a, b) => a + b, 0) / draws.length < shape.value);
  // Two-sided by default (statistics.test), for the shape family as for RSA.
  assert.match(shape.p!.test, /two-sided/);
  // The results file keeps the draws (written and read back).
  const written = await runSpec(file, {});
  const saved = JSON.parse(readFileSync(written.outputPath!, 'utf8')) as typeof results;
  assert.equal(saved.scores.find((s) => s.comparison === 'procrustes')!.ci!.draws!.values, shape.ci!.draws!.values);
});
