/**
 * The panel header's run date (client/runFacts.ts): read from the `<output>.run.json` sidecar that a
 * real `simspec run` writes, and only when that sidecar belongs to the file's run.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { readRunDate, runFactsFile } from '../../client/runFacts';

test('the date of a run is its sidecar\'s, within the run\'s wall-clock window; an earlier run\'s sidecar or a broken one gives none', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'simspec-runfacts-'));
  cpSync(resolve('samples/kriegeskorte2008'), dir, { recursive: true });
  const results = join(dir, 'r.json');
  const before = Date.now();
  const run = spawnSync(process.execPath, [resolve('bin/simspec.js'), 'run', join(dir, 'kriegeskorte2008.simspec.yaml'), '--comparison', 'mIT_vs_hIT_spearman', '--no-cache', '--quiet', '--out', results], { encoding: 'utf8', timeout: 120_000 });
  assert.equal(run.status, 0, run.stderr);
  const after = Date.now();
  const date = await readRunDate(results);
  assert.ok(date, 'no date from the sidecar');
  const at = Date.parse(date);
  assert.ok(at >= before - 1000 && at <= after + 1000, `${date} is outside the run (${new Date(before).toISOString()} … ${new Date(after).toISOString()})`);
  // The results file rewritten after its sidecar: the sidecar is an earlier run's.
  const later = new Date(Date.now() + 60_000);
  utimesSync(results, later, later);
  assert.equal(await readRunDate(results), undefined);
  // A sidecar that is not run facts, or not JSON, gives no date; nor does a missing one.
  const newer = new Date(Date.now() + 120_000);
  for (const text of ['{"created": 5}', '{"format":"other","created":"2020-01-01T00:00:00.000Z"}', '{ not json']) {
    writeFileSync(runFactsFile(results), text);
    utimesSync(runFactsFile(results), newer, newer);
    assert.equal(await readRunDate(results), undefined, text);
  }
  assert.equal(await readRunDate(join(dir, 'missing.json')), undefined);
});
