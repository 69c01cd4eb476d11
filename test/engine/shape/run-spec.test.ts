// End to end: a spec using the shape, CKA and CCA keys of the schema passes `checkSpec` and runs
// through runSpec with these runners; the scores equal the metrics called directly.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeNpy } from '../../../engine/io/npyWriter';
import { runSpec } from '../../../engine/run/execute';
import { registerRunner } from '../../../engine/families';
import { shapeRunner } from '../../../engine/families/shape';
import { ckaRunner } from '../../../engine/families/cka';
import { ccaRunner } from '../../../engine/families/cca';
import { crossValidatedShapeDistance, shapeDistance } from '../../../engine/metrics/shape';
import { unbiasedLinearCka } from '../../../engine/metrics/cka';
import { pwcca } from '../../../engine/metrics/cca';
import { kFoldSplits } from '../../../engine/stats/cv';
import { randomMatrix, close } from './helpers';

test('a spec with shape, cka and cca comparisons runs end to end', async () => {
  for (const runner of [shapeRunner, ckaRunner, ccaRunner]) registerRunner(runner);
  const dir = mkdtempSync(join(tmpdir(), 'simspec-shape-'));
  const x = randomMatrix(40, 12, 1, 1);
  const y = randomMatrix(40, 8, 2);
  writeNpy(join(dir, 'layer.npy'), [40, 12], x.data);
  writeNpy(join(dir, 'region.npy'), [40, 8], y.data);
  writeFileSync(
    join(dir, 'test.simspec.yaml'),
    [
      'simspec: 1',
      'model:',
      '  layers:',
      '    conv: { file: layer.npy }',
      'brain:',
      '  IT: { file: region.npy }',
      'comparisons:',
      '  - name: partial',
      '    metric: shape',
      '    group: linear',
      '    alpha: 0.5',
      '    whitening: scale-free',
      '    zero_pad: true',
      '    warping: true',
      '  - name: procrustes-cv',
      '    metric: shape',
      '    group: orthogonal',
      '    cv: { scheme: kfold, folds: 5, shuffle: true, seed: 2 }',
      '  - name: cka',
      '    metric: cka',
      '    estimator: unbiased',
      '    epsilon: kornblith',
      '  - name: pwcca',
      '    metric: cca',
      '    method: pwcca',
      '    weights_from: brain',
      'output: results.json',
      '',
    ].join('\n'),
  );
  const results = await runSpec(join(dir, 'test.simspec.yaml'), { write: false });
  const value = (name: string) => results.scores.find((s) => s.comparison === name)!.value;
  close(value('partial'), shapeDistance(x, y, { group: 'linear', alpha: 0.5, whitening: 'scale-free' }).distance, 1e-12, 'partial');
  close(value('procrustes-cv'), crossValidatedShapeDistance(x, y, kFoldSplits(40, 5, { shuffle: true, seed: 2 }), { group: 'orthogonal' }).distance, 1e-12, 'cv');
  close(value('cka'), unbiasedLinearCka(x, y), 1e-12, 'cka');
  close(value('pwcca'), pwcca(x, y, { weightsFrom: 'y' }).pwcca, 1e-12, 'pwcca');
  assert.ok(results.scores.find((s) => s.comparison === 'partial')!.details!.warping);
});
