/**
 * Scale-out without a scheduler (engine/scale/): one process vs 3 shards merged vs `--processes 2`
 * on the synthetic sample, with a comparison that draws bootstrap and permutation samples — the
 * results files must be byte-identical (an invariance: how the cells are spread over processes must
 * not change a single byte). Then the faults: a stale shard (edited spec, changed data) refused by
 * name with the command that recomputes it, and a shard killed with SIGKILL mid-write leaves nothing
 * the merge accepts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { appendFileSync, cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { readShards, shardBaseName } from '../../engine/scale/shardFiles';

import { setup, simspec, SPEC } from './fixture';

let dir = '';
let reference: Buffer;

test('one process, 3 shards merged and --processes 2 write byte-identical results', { timeout: 600_000 }, () => {
  dir = setup();
  const one = simspec(dir, 'run', SPEC, '--no-cache', '--quiet', '--out', 'one.json');
  assert.equal(one.status, 0, one.stderr);
  reference = readFileSync(join(dir, 'one.json'));
  const parsed = JSON.parse(reference.toString('utf8'));
  // The resampling must have happened, or identical files would prove nothing about the draws.
  const rsa = parsed.scores.filter((s: { comparison: string }) => s.comparison === 'rsa_resampled');
  assert.equal(rsa.length, 8);
  for (const score of rsa) {
    assert.ok(score.ci && typeof score.p?.value === 'number' && score.nullDistribution?.length === 40, `no bootstrap interval or permutation null in ${JSON.stringify(score).slice(0, 300)}`);
  }
  assert.ok(parsed.derived.shape_orthogonal, 'the MDS map (a finish stage) is in the file');
  assert.equal('created' in parsed || 'timings' in parsed, false, 'host facts are in the sidecar, not the results');
  assert.ok(existsSync(join(dir, 'one.json.run.json')));

  for (let index = 0; index < 3; index++) {
    const shard = simspec(dir, 'run', SPEC, '--no-cache', '--shard', String(index), '--of', '3', '--shards-dir', 'shards3');
    assert.equal(shard.status, 0, shard.stderr);
  }
  // The resampled comparison's layers are spread over several shards, so identical files show that
  // the draws depend on the spec's seeds and not on which process drew them.
  const holding = [0, 1, 2].filter((index) => JSON.parse(readFileSync(join(dir, 'shards3', `${shardBaseName(index, 3)}.json`), 'utf8')).cellKeys.some((k: string) => k.startsWith('rsa_resampled\u0000')));
  assert.ok(holding.length >= 2, `rsa_resampled cells only in shard(s) ${holding}`);
  const merged = simspec(dir, 'merge', SPEC, '--shards', 'shards3', '--out', 'merged3.json', '--quiet');
  assert.equal(merged.status, 0, merged.stderr);
  assert.ok(readFileSync(join(dir, 'merged3.json')).equals(reference), 'merge of 3 shards differs from one process');

  const pooled = simspec(dir, 'run', SPEC, '--no-cache', '--quiet', '--processes', '2', '--out', 'pooled.json');
  assert.equal(pooled.status, 0, pooled.stderr);
  assert.ok(readFileSync(join(dir, 'pooled.json')).equals(reference), '--processes 2 differs from one process');
});

test('a shard from an edited spec or changed data is refused by name, with the command that recomputes it', { timeout: 300_000 }, () => {
  assert.ok(dir, 'needs the first test');
  // Edited spec: every shard is now stale.
  const specPath = join(dir, SPEC);
  const original = readFileSync(specPath, 'utf8');
  appendFileSync(specPath, '# edited\n');
  let merged = simspec(dir, 'merge', SPEC, '--shards', 'shards3', '--out', 'stale.json');
  assert.notEqual(merged.status, 0);
  assert.match(merged.stderr, new RegExp(`${shardBaseName(0, 3)}\\.json: refused: made from another plan`));
  assert.match(merged.stderr, /simspec run sweep\.simspec\.yaml --shard 2 --of 3/);
  assert.equal(existsSync(join(dir, 'stale.json')), false, 'nothing written');
  writeFileSync(specPath, original);
  // Changed data: one layer file's content.
  const layer = join(dir, 'model/layer1.npy');
  const bytes = readFileSync(layer);
  bytes[bytes.length - 1] ^= 1;
  writeFileSync(layer, bytes);
  merged = simspec(dir, 'merge', SPEC, '--shards', 'shards3', '--out', 'stale.json');
  assert.notEqual(merged.status, 0);
  assert.match(merged.stderr, /shard-0000-of-0003\.json: refused: made from another plan/);
  bytes[bytes.length - 1] ^= 1;
  writeFileSync(layer, bytes);
  // Restored: accepted again, and still identical.
  merged = simspec(dir, 'merge', SPEC, '--shards', 'shards3', '--out', 'again.json', '--quiet');
  assert.equal(merged.status, 0, merged.stderr);
  assert.ok(readFileSync(join(dir, 'again.json')).equals(reference));
});

test('a missing shard is named with the command that recomputes only it', { timeout: 300_000 }, () => {
  assert.ok(dir, 'needs the first test');
  cpSync(join(dir, 'shards3'), join(dir, 'partial'), { recursive: true });
  for (const ext of ['json', 'done']) spawnSync('rm', [join(dir, 'partial', `${shardBaseName(1, 3)}.${ext}`)]);
  const merged = simspec(dir, 'merge', SPEC, '--shards', 'partial', '--of', '3', '--out', 'partial.json');
  assert.notEqual(merged.status, 0);
  assert.match(merged.stderr, /shard-0001-of-0003: missing/);
  assert.match(merged.stderr, /simspec run sweep\.simspec\.yaml --shard 1 --of 3 --shards-dir \S*partial/);
  assert.doesNotMatch(merged.stderr, /--shard 0 --of 3/);
  const redo = simspec(dir, 'run', SPEC, '--no-cache', '--shard', '1', '--of', '3', '--shards-dir', 'partial');
  assert.equal(redo.status, 0, redo.stderr);
  const done = simspec(dir, 'merge', SPEC, '--shards', 'partial', '--out', 'partial.json', '--quiet');
  assert.equal(done.status, 0, done.stderr);
  assert.ok(readFileSync(join(dir, 'partial.json')).equals(reference));
});

test('a shard killed with SIGKILL while writing leaves nothing the merge accepts', { timeout: 120_000 }, async () => {
  const folder = mkdtempSync(join(tmpdir(), 'simspec-kill-'));
  // A shard big enough (~200 MB) that the kill lands while its file is being written.
  const script = `
    const { writeShard } = require(${JSON.stringify(resolve('engine/scale/shardFiles.ts'))});
    const cell = { key: 'k', values: Array.from({ length: 2e6 }, (_, i) => i / 7) };
    process.stdout.write('ready\\n');
    writeShard(${JSON.stringify(folder)}, { format: 'simspec-shard', version: 1, planHash: 'p', shard: { index: 0, of: 1 }, cellKeys: Array(10).fill('k'), cells: Array(10).fill(cell), run: { host: 'h', startedAt: '', milliseconds: 0, cellMilliseconds: [] } });
    process.stdout.write('written\\n');`;
  const child = spawn(process.execPath, ['--import', 'tsx', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  // Kill as soon as the temporary file exists (the write has started, the rename has not happened).
  await new Promise<void>((done, fail) => {
    const poll = setInterval(() => {
      if (readdirSync(folder).some((name) => name.endsWith('.tmp'))) {
        clearInterval(poll);
        child.kill('SIGKILL');
        done();
      } else if (child.exitCode !== null) {
        clearInterval(poll);
        fail(new Error(`the writer finished before it could be killed: ${output}`));
      }
    }, 1);
  });
  await new Promise((done) => child.on('close', done));
  assert.doesNotMatch(output, /written/);
  const scan = readShards(folder, 'p', 1);
  assert.equal(scan.shards.length, 0, 'no shard accepted');
  assert.equal(scan.problems.length, 1);
  assert.ok(['missing', 'unfinished'].includes(scan.problems[0]!.kind), JSON.stringify(scan.problems));
});
