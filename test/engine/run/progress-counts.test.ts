// Counted progress for resampling (issue 11 item 7): a run's progress events for an RSA comparison
// and for a generic pair family (CKA) carry "bootstrap d/B" and "permutation test d/P" counts that
// rise to exactly the spec's sample counts, and the text both hosts show has the count.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeNpy } from '../../../engine/io/npyWriter';
import { runSpec, type ProgressEvent } from '../../../engine/run/execute';
import { describeProgress, progressMessage } from '../../../engine/run/protocol';
import { registerRunner } from '../../../engine/families';
import { rsaRunner } from '../../../engine/families/rsa';
import { ckaRunner } from '../../../engine/families/cka';
import { randomMatrix } from '../rsa/helpers';

test('resampling progress carries done/total for RSA and the pair runner, ending at the sample counts', async () => {
  for (const runner of [rsaRunner, ckaRunner]) registerRunner(runner);
  const dir = mkdtempSync(join(tmpdir(), 'simspec-progress-'));
  writeNpy(join(dir, 'layer.npy'), [24, 10], randomMatrix(24, 10, 1).data);
  writeNpy(join(dir, 'region.npy'), [24, 6], randomMatrix(24, 6, 2).data);
  writeFileSync(
    join(dir, 'test.simspec.yaml'),
    [
      'simspec: 1',
      'model:',
      '  layers:',
      '    conv: { file: layer.npy }',
      'brain:',
      '  IT: { file: region.npy }',
      'statistics:',
      '  bootstrap: { samples: 37, seed: 1 }',
      '  permutation: { samples: 23, seed: 2 }',
      'comparisons:',
      '  - name: rsa',
      '    metric: rsa',
      '  - name: cka',
      '    metric: cka',
      'output: results.json',
      '',
    ].join('\n'),
  );
  const events: ProgressEvent[] = [];
  const results = await runSpec(join(dir, 'test.simspec.yaml'), { write: false, onProgress: (event) => events.push(event) });
  assert.equal(results.scores.length, 2);
  for (const comparison of ['rsa', 'cka']) {
    for (const [label, total] of [['bootstrap', 37], ['permutation test', 23]] as const) {
      const counted = events.filter((e) => e.message.startsWith(`${comparison}:`) && e.message.endsWith(label) && e.done !== undefined);
      assert.ok(counted.length > 0, `${comparison} ${label}: counted events`);
      for (const e of counted) assert.equal(e.total, total);
      const dones = counted.map((e) => e.done!);
      assert.deepEqual(dones, [...dones].sort((a, b) => a - b), 'counts rise');
      assert.equal(dones.at(-1), total, 'the last count is the sample count');
      assert.match(describeProgress(progressMessage(counted.at(-1)!)), new RegExp(`${label} ${total}/${total}$`));
    }
  }
  const fractions = events.map((e) => e.fraction);
  assert.deepEqual(fractions, [...fractions].sort((a, b) => a - b), 'the overall fraction never goes back');
});
