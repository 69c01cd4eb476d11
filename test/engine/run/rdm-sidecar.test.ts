// RDMs over more than 400 stimuli go to `<output>.rdms.npz` (engine/run/rdmSidecar.ts), named by
// the results file; each array is the RDM of the data (checked against rdmFromResponses of the file).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readArray } from '../../../engine/io';
import { writeNpy } from '../../../engine/io/npyWriter';
import { rdmFromResponses } from '../../../engine/metrics/rsa';
import { runSpec } from '../../../engine/run/execute';

test('an RSA run over 401 stimuli writes its RDMs to the sidecar and names it in the results', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'simspec-sidecar-'));
  try {
    const n = 401;
    const model = Float64Array.from({ length: n * 4 }, (_, k) => Math.sin(k * 0.37) + Math.cos(k * 1.3));
    const brain = Float64Array.from({ length: n * 3 }, (_, k) => Math.sin(k * 0.11) * 2 + Math.cos(k * 0.7));
    writeNpy(join(dir, 'model.npy'), [n, 4], model);
    writeNpy(join(dir, 'brain.npy'), [n, 3], brain);
    writeFileSync(join(dir, 'big.simspec.yaml'), 'simspec: 1\nmodel:\n  layers:\n    m: { file: model.npy }\nbrain:\n  v: { file: brain.npy }\ncomparisons:\n  - name: rsa\n    metric: rsa\noutput: results.json\n');
    await runSpec(join(dir, 'big.simspec.yaml'), {});
    const results = JSON.parse(readFileSync(join(dir, 'results.json'), 'utf8'));
    assert.equal(results.rdms, undefined);
    assert.deepEqual(results.rdmSidecar, { file: 'results.json.rdms.npz', stimuli: n, model: ['m'], brain: ['v'] });
    for (const [key, data, cols] of [['model/m', model, 4], ['brain/v', brain, 3]] as const) {
      const stored = await readArray(join(dir, 'results.json.rdms.npz'), key);
      const want = rdmFromResponses({ rows: n, cols, data }, 'correlation').condensed;
      assert.deepEqual(stored.shape, [(n * (n - 1)) / 2]);
      assert.ok(stored.data.every((v, k) => v === want[k]), `${key} equals the data's RDM`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
