/**
 * Cancel during a long run: the real worker bundle (client/runWorker.ts) runs a spec with a very
 * long bootstrap, started and cancelled through engine/run/protocol.ts exactly as the extension and
 * the CLI do it; after the first bootstrap progress the run is cancelled (the shared flag). The
 * engine must stop by itself (reply 'cancelled', not a terminated thread), and the earlier results
 * file must be byte-for-byte unchanged with no temporary file left behind.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { repoRoot } from './environment';
import { startRunWorker, type RunHandle } from '../../engine/run/protocol';

const data = join(repoRoot, 'samples', 'kriegeskorte2008', 'data', 'Kriegeskorte_Neuron2008_supplementalData.mat');

test('Cancel stops a long bootstrap through the signal and leaves the earlier results file unchanged', { timeout: 120_000 }, async (t) => {
  const work = mkdtempSync(join(tmpdir(), 'simspec-cancel-'));
  t.after(() => rmSync(work, { recursive: true, force: true }));
  await build({
    entryPoints: [join(repoRoot, 'client', 'runWorker.ts')], outfile: join(work, 'runWorker.js'), bundle: true, platform: 'node', format: 'cjs', target: 'node20', logLevel: 'warning',
    define: { 'import.meta.url': 'importMetaUrl' }, banner: { js: "const importMetaUrl = require('url').pathToFileURL(__filename).href;" },
  });
  const spec = join(work, 'long.simspec.yaml');
  writeFileSync(spec, [
    'simspec: 1', 'stimuli: { count: 92 }',
    'model:', '  layers:', `    mIT: { file: ${JSON.stringify(data)}, key: 'RDMs_mIT_hIT_fig1[0].RDM', kind: rdm }`,
    'brain:', `  hIT: { file: ${JSON.stringify(data)}, key: 'RDMs_mIT_hIT_fig1[1].RDM', kind: rdm }`,
    'comparisons:', '  - name: long_bootstrap', '    metric: rsa', '    compare: pearson',
    '    statistics:', '      bootstrap: { over: [stimuli], samples: 2000000, seed: 1 }',
    'output: long.results.json', '',
  ].join('\n'));
  const output = join(work, 'long.results.json');
  const earlier = '{"format":"simspec-results","note":"earlier run"}\n';
  writeFileSync(output, earlier);

  let cancelledAt = 0;
  const run: RunHandle = startRunWorker(join(work, 'runWorker.js'), spec, {}, {
    onProgress: (progress) => {
      if (/bootstrap/.test(progress.message) && !cancelledAt) {
        cancelledAt = Date.now();
        run.cancel();
      }
    },
  });
  const outcome = await run.outcome;
  const stopMilliseconds = Date.now() - cancelledAt;
  console.log(`cancel → stopped in ${stopMilliseconds} ms`);
  assert.ok(cancelledAt > 0, 'the run never reached the bootstrap');
  assert.equal(outcome.status, 'cancelled', JSON.stringify(outcome));
  assert.equal(outcome.status === 'cancelled' && outcome.via, 'signal', 'the engine did not stop by itself; the thread had to be terminated');
  assert.equal(readFileSync(output, 'utf8'), earlier);
  assert.deepEqual(readdirSync(work).filter((f) => f.endsWith('.tmp')), []);
});
