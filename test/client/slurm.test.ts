/**
 * The extension's *Submit Spec to SLURM* command (client/slurm.ts), with the `vscode` module faked
 * at the module boundary (test/helpers/fakeVscode.ts) and everything else real: the CLI submits to
 * the single-node SLURM cluster of scripts/slurm-cluster.sh, the shards and the merge job run there,
 * and the command watches the shard folder and the queue.
 * - submit → progress → merged results: progress lines count up to N of N, the status bar shows
 *   k/N, the merged file (opened in the panel) is byte-identical to one `simspec run`;
 * - a failing shard: the command names it, offers a resubmission, which completes the run;
 * - Cancel: both jobs leave the queue (scancel), no results file is written;
 * - the context key follows whether `sbatch` is on the PATH.
 * The SLURM tests are skipped with a message when SLURM is not installed; under CI=true its absence
 * fails (as in test/scale/slurm.test.ts). The progress logic itself is tested without a cluster.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fakeOutputChannel, FakeUri, installFakeVscode } from '../helpers/fakeVscode';
import { writeShard, type ShardFile } from '../../engine/scale/shardFiles';
import { parseSqueue } from '../../engine/scale/slurm';
import { describeProgress, submissionProgress, type Submission } from '../../engine/scale/submission';

const fake = installFakeVscode();
// Loaded after the fake is installed: the module imports `vscode`.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const slurm = require('../../client/slurm') as typeof import('../../client/slurm');

const BIN = resolve('bin/simspec.js');
const SAMPLE = resolve('samples/synthetic-encoding');
const KERNELS = 'wasm-fma';

const slurmPresent = spawnSync('sh', ['-c', 'command -v sbatch && command -v slurmctld'], { encoding: 'utf8' }).status === 0;
const skip = !slurmPresent && process.env.CI !== 'true' ? 'SLURM (sbatch, slurmctld) is not installed: run `bash scripts/slurm-cluster.sh install`' : false;

function shardOf(index: number, of: number, planHash: string): ShardFile {
  return { format: 'simspec-shard', version: 1, planHash, shard: { index, of }, cellKeys: [], cells: [], run: { host: 'test', startedAt: '', milliseconds: 0, cellMilliseconds: [] } };
}

test('progress: complete, stale, running, pending and failed shards, and the merge job, from the folder and squeue lines', () => {
  const folder = mkdtempSync(join(tmpdir(), 'simspec-progress-'));
  const submission: Submission = { arrayJobId: '12', mergeJobId: '13', of: 5, folder, submitted: '', planHash: 'a'.repeat(64) };
  writeShard(folder, shardOf(0, 5, submission.planHash!));
  writeShard(folder, shardOf(1, 5, 'b'.repeat(64))); // made from another plan: not complete
  writeShard(folder, shardOf(4, 5, submission.planHash!));
  const queue = parseSqueue('12_2|RUNNING|None\n12_[3%2]|PENDING|JobArrayTaskLimit\n13|PENDING|Dependency\n99_1|RUNNING|None\n');
  const state = submissionProgress(submission, submission.planHash!, queue);
  assert.deepEqual(state.complete, [0, 4]);
  assert.deepEqual(state.running, [2]);
  assert.deepEqual(state.pending, [3]);
  assert.deepEqual(state.failed, [1]);
  assert.deepEqual(state.problems.map((p) => p.kind), ['stale']);
  assert.equal(state.merge, 'queued');
  assert.equal(state.mergeReason, 'Dependency');
  assert.equal(describeProgress(state), '2 of 5 shards complete · 1 running · 1 pending · 1 failed');
  // The queue emptied: every shard without a complete file failed; the merge job is gone.
  const after = submissionProgress(submission, submission.planHash!, []);
  assert.deepEqual(after.failed, [1, 2, 3]);
  assert.deepEqual(after.problems.map((p) => p.kind), ['stale', 'missing', 'missing']);
  assert.equal(after.merge, 'gone');
});

test('submit arguments: shards, throttle and partition; a resubmission keeps the earlier split', () => {
  assert.deepEqual(slurm.submitArguments('/d/a.simspec.yaml', { shards: 3, maxParallel: 2, partition: 'gpu', extraArguments: ['--no-cache'] }), ['submit', '/d/a.simspec.yaml', '--slurm', '--shards', '3', '--max-parallel', '2', '--partition', 'gpu', '--no-cache']);
  assert.deepEqual(slurm.submitArguments('/d/a.simspec.yaml', { shards: 3 }, true), ['submit', '/d/a.simspec.yaml', '--slurm', '--resubmit']);
});

function clusterUp(): void {
  execFileSync('bash', [resolve('scripts/slurm-cluster.sh'), 'up'], { stdio: ['ignore', 'ignore', 'inherit'], timeout: 60_000 });
  const line = execFileSync('bash', [resolve('scripts/slurm-cluster.sh'), 'env'], { encoding: 'utf8' });
  const conf = /SLURM_CONF=(\S+)/.exec(line)?.[1]?.replace(/^['"]|['"]$/g, '');
  assert.ok(conf, `no SLURM_CONF in ${line}`);
  process.env.SLURM_CONF = conf;
  // Every process of a run uses the same kernels, so the merged file can be compared byte for byte.
  process.env.SIMSPEC_KERNELS = KERNELS;
}

/** The synthetic sample's data and a small spec: RSA with resampling draws, and CKA, on three layers. */
function workspace(bootstrapSamples = 20): { dir: string; spec: string; results: string } {
  const dir = mkdtempSync(join(tmpdir(), 'simspec-slurm-client-'));
  for (const part of ['model', 'brain', 'labels.csv']) cpSync(join(SAMPLE, part), join(dir, part), { recursive: true });
  const spec = join(dir, 'sweep.simspec.yaml');
  writeFileSync(spec, `simspec: 1
title: submit from the editor
stimuli:
  count: 200
  labels: labels.csv
model:
  layers:
    layer1: { file: model/layer1.npy }
    layer2: { file: model/layer2.npy }
    layer3: { file: model/layer3.npy }
brain:
  V1: { file: brain/V1.npy, kind: repeats }
  IT: { file: brain/IT.npy, kind: repeats }
comparisons:
  - name: rsa_resampled
    metric: rsa
    compare: spearman
    statistics:
      bootstrap: { over: stimuli, samples: ${bootstrapSamples}, seed: 7 }
      permutation: { samples: 20, seed: 11 }
  - name: cka
    metric: cka
output: results/sweep.results.json
`);
  mkdirSync(join(dir, 'results'));
  return { dir, spec, results: join(dir, 'results', 'sweep.results.json') };
}

function oneProcess(dir: string, spec: string): Buffer {
  const run = spawnSync(process.execPath, [BIN, 'run', spec, '--no-cache', '--quiet', '--out', join(dir, 'one.json')], { cwd: dir, encoding: 'utf8', timeout: 300_000 });
  assert.equal(run.status, 0, run.stderr);
  return readFileSync(join(dir, 'one.json'));
}

function deps(shown: string[], lines: string[]) {
  return {
    context: { subscriptions: [] as { dispose(): void }[], extensionUri: FakeUri.file(resolve('.')) } as never,
    panels: { show: (file: string) => void shown.push(file) } as never,
    output: fakeOutputChannel(lines) as never,
    cliPath: BIN,
    pollMilliseconds: 300,
  };
}

function queued(jobIds: string[]): string {
  return execFileSync('squeue', ['-h', '-j', jobIds.join(','), '-o', '%i'], { encoding: 'utf8' }).trim();
}

test('Submit Spec to SLURM: progress up to 3 of 3, then the merged results (same bytes as one process) open in the panel', { skip, timeout: 900_000 }, async () => {
  assert.ok(slurmPresent, 'CI=true: SLURM must be installed (.ci/run runs scripts/slurm-cluster.sh install)');
  clusterUp();
  const { dir, spec, results } = workspace();
  const reference = oneProcess(dir, spec);
  const shown: string[] = [];
  const lines: string[] = [];
  const found = await slurm.registerSlurm(deps(shown, lines));
  assert.equal(found, true);
  assert.equal(fake.context.get(slurm.SLURM_CONTEXT_KEY), true);
  const started = Date.now();
  const watched = fake.execute(slurm.SUBMIT_COMMAND, FakeUri.file(spec), { shards: 3, maxParallel: 2, extraArguments: ['--no-cache'] });
  // A second submission of the same spec while the first is watched is refused (it would overwrite the record).
  assert.equal(await fake.execute(slurm.SUBMIT_COMMAND, FakeUri.file(spec), { shards: 3 }), undefined);
  assert.match(fake.messages.at(-1)!.text, /already submitted/);
  const outcome = (await watched) as import('../../client/slurm').SlurmOutcome;
  const seconds = (Date.now() - started) / 1000;
  assert.equal(outcome.status, 'done', `${outcome.message}\n${lines.join('\n')}`);
  assert.equal(outcome.results, results);
  assert.deepEqual(shown, [results], 'the merged results open in the panel');
  assert.ok(readFileSync(results).equals(reference), 'the merged file differs from one process');
  // Progress counts up and ends with every shard complete; the status bar followed it and is gone.
  const counts = outcome.reported.map((l) => Number(/^(\d+) of 3 shards complete/.exec(l)?.[1]));
  assert.ok(counts.every((c) => Number.isInteger(c)), outcome.reported.join('\n'));
  assert.deepEqual([...counts].sort((a, b) => a - b), counts, 'complete shards never go down');
  assert.equal(counts.at(-1), 3);
  const run = fake.progress.at(-1)!;
  assert.ok(Math.abs(run.reports.reduce((a, r) => a + (r.increment ?? 0), 0) - 100) < 1e-9, 'the progress bar reaches 100 %');
  const bar = fake.statusBarItems.at(-1)!;
  assert.equal(bar.texts.at(-1), '$(server-process) simspec 3/3');
  assert.equal(bar.disposed, true);
  assert.equal(queued([outcome.submission!.arrayJobId, outcome.submission!.mergeJobId]), '');
  console.log(`# submit → merged file: ${seconds.toFixed(1)} s; progress lines: ${outcome.reported.join(' | ')}`);
});

test('Submit Spec to SLURM: a failing shard is named, and the offered resubmission completes the run', { skip, timeout: 900_000 }, async () => {
  clusterUp();
  const { dir, spec, results } = workspace();
  const reference = oneProcess(dir, spec);
  // Shard 1 cannot publish its file: a folder stands where its file must go (rename fails).
  const blocker = join(dir, '.simspec-shards', 'sweep', 'shard-0001-of-0003.json');
  mkdirSync(blocker, { recursive: true });
  const shown: string[] = [];
  const lines: string[] = [];
  fake.answer(/shards failed/, (message) => {
    assert.deepEqual(message.items, ['Resubmit Failed Shards']);
    rmSync(blocker, { recursive: true });
    return 'Resubmit Failed Shards';
  });
  const before = fake.messages.length;
  const outcome = await slurm.submitAndWatch(deps(shown, lines), spec, results, { shards: 3, extraArguments: ['--no-cache'] });
  const failure = fake.messages.slice(before).find((m) => m.severity === 'error');
  assert.ok(failure, `no error shown; output:\n${lines.join('\n')}`);
  assert.match(failure.text, /1 of 3 shards failed/);
  assert.match(failure.text, /shard-0001-of-0003/);
  assert.doesNotMatch(failure.text, /shard-000[02]-of-0003/);
  assert.equal(outcome.status, 'done', `${outcome.message}\n${lines.join('\n')}`);
  assert.deepEqual(outcome.submission!.indices, [1], 'only the failed index was resubmitted');
  assert.deepEqual(shown, [results]);
  assert.ok(readFileSync(results).equals(reference), 'the final file differs from one process');
});

test('Submit Spec to SLURM: Cancel runs scancel on the array and the merge job; no results are written', { skip, timeout: 900_000 }, async () => {
  clusterUp();
  const { spec, results } = workspace(100_000);
  const shown: string[] = [];
  const lines: string[] = [];
  fake.onReport = (run) => {
    if (run.reports.some((r) => /running/.test(r.message ?? ''))) run.cancel();
  };
  let outcome;
  try {
    outcome = await slurm.submitAndWatch(deps(shown, lines), spec, results, { shards: 2, extraArguments: ['--no-cache'] });
  } finally {
    fake.onReport = undefined;
  }
  assert.equal(outcome.status, 'cancelled', `${outcome.message}\n${lines.join('\n')}`);
  const jobs = [outcome.submission!.arrayJobId, outcome.submission!.mergeJobId];
  const deadline = Date.now() + 60_000;
  while (queued(jobs) !== '') {
    assert.ok(Date.now() < deadline, `still queued 60 s after scancel: ${queued(jobs)}`);
    await new Promise((r) => setTimeout(r, 300));
  }
  // Gone from the queue with no shard marked complete: the jobs were killed, not finished.
  assert.deepEqual(readdirSync(outcome.submission!.folder).filter((n) => n.endsWith('.done')), []);
  assert.equal(existsSync(results), false);
  assert.deepEqual(shown, []);
});

test('the command is offered only where sbatch answers: the context key is false without it on the PATH', async () => {
  const path = process.env.PATH;
  process.env.PATH = '/nonexistent';
  try {
    const found = await slurm.registerSlurm(deps([], []));
    assert.equal(found, false);
    assert.equal(fake.context.get(slurm.SLURM_CONTEXT_KEY), false);
  } finally {
    process.env.PATH = path;
  }
});
