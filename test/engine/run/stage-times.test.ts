/**
 * With the stage timer on, a run's results carry timings.stageMilliseconds (the bench's breakdown):
 * the stages that ran are present, and their exclusive times never add up to more than the run's
 * total (an invariance of exclusive accounting). Off, the field is absent.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeNpy } from '../../../engine/io/npyWriter';
import { runSpec } from '../../../engine/run/execute';
import { enableStageTimes } from '../../../engine/core/stageTimer';
import { NumpyRandomState } from '../../../engine/stats/random';

function setup(): string {
  const dir = mkdtempSync(join(tmpdir(), 'simspec-stages-'));
  const rng = new NumpyRandomState(5);
  const n = 20;
  for (const [name, units] of [['layer', 6], ['brain', 4]] as const) {
    writeNpy(join(dir, `${name}.npy`), [n, units], Float64Array.from({ length: n * units }, () => rng.randomSample()));
  }
  writeFileSync(join(dir, 's.simspec.yaml'), `simspec: 1
model:
  layers:
    layer: { file: layer.npy }
brain:
  V1: { file: brain.npy }
comparisons:
  - name: rsa
    metric: rsa
    compare: spearman
    statistics:
      bootstrap: { over: stimuli, samples: 20, seed: 0 }
`);
  return join(dir, 's.simspec.yaml');
}

test('stage times in the results: load, metric and resampling, summing to at most the total', async () => {
  const spec = setup();
  enableStageTimes(true);
  try {
    const results = await runSpec(spec, { write: false });
    const timings = results.timings as typeof results.timings & { stageMilliseconds?: Record<string, number> };
    const stages = timings.stageMilliseconds;
    assert.ok(stages, 'stageMilliseconds present');
    for (const name of ['load', 'metric', 'resampling']) assert.ok((stages[name] ?? -1) >= 0, `${name} recorded`);
    const sum = Object.values(stages).reduce((a, b) => a + b, 0);
    assert.ok(sum <= timings.totalMilliseconds + 1, `stages ${sum} ms ≤ total ${timings.totalMilliseconds} ms`);
  } finally {
    enableStageTimes(false);
  }
  const plain = await runSpec(spec, { write: false });
  assert.equal('stageMilliseconds' in plain.timings, false);
});
