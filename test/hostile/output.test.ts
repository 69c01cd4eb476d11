/**
 * Output safety (issue 13, "Data loss"): the results file is never written over the spec, an input,
 * a file that is not a simspec results file, a FIFO (standing in for a device node), a folder, or
 * under /proc; a spec alone never writes outside its folder (that needs --out); stale temporaries of
 * a killed run are removed. Each case: exit 2 with a message naming the path and the way out, the
 * victim byte for byte unchanged, no stack trace, within 10 s and bounded memory.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { assertClean, BRAIN_RDM, MODEL_RDM, pearson, scratch, simspec, specFolder } from './harness';

const noCache = ['--no-cache', '--quiet'];

test('output: the spec itself → refused (exit 2), the spec unchanged', async () => {
  const { spec } = specFolder('test.simspec.yaml');
  const before = readFileSync(spec);
  const outcome = await simspec(['run', spec, ...noCache]);
  assertClean(outcome, 2, /test\.simspec\.yaml/, /it is the spec/);
  assert.deepEqual(readFileSync(spec), before);
});

test('output: an input data file → refused (exit 2), the input unchanged', async () => {
  const { spec, model } = specFolder('model.npy');
  const before = readFileSync(model);
  const outcome = await simspec(['run', spec, ...noCache]);
  assertClean(outcome, 2, /model\.npy/, /an input of this run/);
  assert.deepEqual(readFileSync(model), before);
});

test('output: a FIFO (a device node without root) → refused at once, still a FIFO', async () => {
  const { spec, dir } = specFolder('pipe.json');
  execFileSync('mkfifo', [join(dir, 'pipe.json')]);
  const outcome = await simspec(['run', spec, ...noCache]);
  assertClean(outcome, 2, /pipe\.json/, /named pipe/);
  assert.ok(statSync(join(dir, 'pipe.json')).isFIFO());
});

test('output: a folder → refused (exit 2), the folder untouched', async () => {
  const { spec, dir } = specFolder('results');
  mkdirSync(join(dir, 'results'));
  writeFileSync(join(dir, 'results', 'keep.txt'), 'x');
  const outcome = await simspec(['run', spec, ...noCache]);
  assertClean(outcome, 2, /results/, /it is a folder/);
  assert.deepEqual(readdirSync(join(dir, 'results')), ['keep.txt']);
});

test('output: an empty path → refused (it names the spec folder itself)', async () => {
  const { spec } = specFolder('');
  const outcome = await simspec(['run', spec, ...noCache]);
  assertClean(outcome, 2, /will not write the results here/, /folder/);
});

test('output: an existing file that is not a results file → refused, unchanged', async () => {
  const { spec, dir } = specFolder('notes.json');
  writeFileSync(join(dir, 'notes.json'), '{"my": "notes"}\n');
  const outcome = await simspec(['run', spec, ...noCache]);
  assertClean(outcome, 2, /notes\.json/, /not a simspec results file/, /--out/);
  assert.equal(readFileSync(join(dir, 'notes.json'), 'utf8'), '{"my": "notes"}\n');
});

test('output: ../ outside the spec folder needs --out: refused without it, nothing created; written with it', async () => {
  const outside = scratch();
  const { spec } = specFolder(join(outside, 'new-folder', 'x.json'));
  const refused = await simspec(['run', spec, ...noCache]);
  assertClean(refused, 2, /outside the spec's folder/, /--out/);
  assert.equal(existsSync(join(outside, 'new-folder')), false, 'no folder created outside the spec folder');

  const target = join(outside, 'chosen.json');
  const written = await simspec(['run', spec, '--out', target, ...noCache]);
  assertClean(written, 0);
  const results = JSON.parse(readFileSync(target, 'utf8'));
  assert.equal(results.format, 'simspec-results');
  assert.ok(Math.abs(results.scores[0].value - pearson(MODEL_RDM, BRAIN_RDM)) < 1e-12);
});

test('--out into a missing folder outside the spec folder → refused (folders are created only inside it)', async () => {
  const outside = scratch();
  const { spec } = specFolder();
  const outcome = await simspec(['run', spec, '--out', join(outside, 'a', 'b', 'r.json'), ...noCache]);
  assertClean(outcome, 2, /does not exist/);
  assert.equal(existsSync(join(outside, 'a')), false);
});

test('output: a missing subfolder inside the spec folder is created', async () => {
  const { spec, dir } = specFolder('out/deeper/r.json');
  assertClean(await simspec(['run', spec, ...noCache]), 0);
  assert.equal(JSON.parse(readFileSync(join(dir, 'out', 'deeper', 'r.json'), 'utf8')).format, 'simspec-results');
});

test('--out under /proc, or under a file → refused before anything is created', async () => {
  const { spec, model } = specFolder();
  assertClean(await simspec(['run', spec, '--out', '/proc/self/simspec.json', ...noCache]), 2, /\/proc/);
  assertClean(await simspec(['run', spec, '--out', join(model, 'r.json'), ...noCache]), 2, /model\.npy/);
});

test('an earlier results file is replaced; our temporaries older than an hour are removed, newer ones kept', async () => {
  const { spec, dir } = specFolder('r.json');
  assertClean(await simspec(['run', spec, ...noCache]), 0);
  const stale = join(dir, '.r.json.12345.1700000000000.tmp');
  const fresh = join(dir, `.r.json.12346.${Date.now()}.tmp`);
  const foreign = join(dir, '.other.json.12345.1700000000000.tmp');
  for (const file of [stale, fresh, foreign]) writeFileSync(file, 'partial');
  const hoursAgo = Date.now() / 1000 - 2 * 3600;
  utimesSync(stale, hoursAgo, hoursAgo);
  utimesSync(foreign, hoursAgo, hoursAgo);
  assertClean(await simspec(['run', spec, ...noCache]), 0);
  assert.equal(existsSync(stale), false, 'stale temporary removed');
  assert.equal(existsSync(fresh), true, 'a temporary younger than an hour may belong to a running write');
  assert.equal(existsSync(foreign), true, 'only temporaries of this results file are ours to remove');
});

test('check reports a refused output: too', async () => {
  const { spec } = specFolder('model.npy');
  const outcome = await simspec(['check', spec]);
  assertClean(outcome, 1, /output: .*model\.npy.*an input of this run/);
});
