/**
 * Scale-out on a real SLURM scheduler: slurmctld + slurmd started here by scripts/slurm-cluster.sh.
 * Skipped with a message when SLURM is not installed locally; under CI=true its absence fails.
 * - one process vs a job array of 8 shards throttled to 2, merged by the dependent job: byte-identical;
 * - a failing shard: the merge job never runs, `status` names the shard, `submit --resubmit` redoes
 *   that index alone, and the final file is byte-identical;
 * - submission as `nobody` with a shared output folder.
 * Prints the wall time, per-shard times and predicted cost per shard (figures, not assertions).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { BIN, KERNELS, setup, simspec, SPEC } from './fixture';

const slurmPresent = spawnSync('sh', ['-c', 'command -v sbatch && command -v slurmctld'], { encoding: 'utf8' }).status === 0;
const skip = !slurmPresent && process.env.CI !== 'true' ? 'SLURM (sbatch, slurmctld) is not installed: run `bash scripts/slurm-cluster.sh install`' : false;

function clusterEnv(): NodeJS.ProcessEnv {
  execFileSync('bash', [resolve('scripts/slurm-cluster.sh'), 'up'], { stdio: ['ignore', 'ignore', 'inherit'], timeout: 180_000 });
  const line = execFileSync('bash', [resolve('scripts/slurm-cluster.sh'), 'env'], { encoding: 'utf8' });
  const conf = /SLURM_CONF=(\S+)/.exec(line)?.[1]?.replace(/^['"]|['"]$/g, '');
  assert.ok(conf, `no SLURM_CONF in ${line}`);
  process.env.SLURM_CONF = conf;
  return process.env;
}

async function waitForQueueToEmpty(jobIds: string[], minutes = 5): Promise<void> {
  const deadline = Date.now() + minutes * 60_000;
  for (;;) {
    const out = execFileSync('squeue', ['-h', '-j', jobIds.join(','), '-o', '%i'], { encoding: 'utf8' }).trim();
    if (!out) return;
    if (Date.now() > deadline) throw new Error(`jobs still queued after ${minutes} min: ${out}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

function jobIdsOf(stdout: string): string[] {
  const m = /array job (\d+).*merge job (\d+)/.exec(stdout);
  assert.ok(m, `no job ids in: ${stdout}`);
  return [m[1]!, m[2]!];
}

let dir = '';
let reference: Buffer;

test('SLURM: an array of 8 shards throttled to 2 and its merge job write the one-process file', { skip, timeout: 900_000 }, async () => {
  assert.ok(slurmPresent, 'CI=true: SLURM must be installed (.ci/run runs scripts/slurm-cluster.sh install)');
  clusterEnv();
  dir = setup();
  let started = Date.now();
  const one = simspec(dir, 'run', SPEC, '--no-cache', '--quiet', '--out', 'one.json');
  assert.equal(one.status, 0, one.stderr);
  const oneSeconds = (Date.now() - started) / 1000;
  reference = readFileSync(join(dir, 'one.json'));
  started = Date.now();
  const submitted = simspec(dir, 'submit', SPEC, '--slurm', '--shards', '8', '--max-parallel', '2', '--no-cache', '--shards-dir', 'array8', '--out', resolve(dir, 'array8.json'));
  assert.equal(submitted.status, 0, submitted.stderr);
  const jobs = jobIdsOf(submitted.stdout);
  await waitForQueueToEmpty(jobs);
  const arraySeconds = (Date.now() - started) / 1000;
  assert.ok(existsSync(join(dir, 'array8.json')), `no merged file; merge log: ${readIfThere(join(dir, 'array8/logs/merge.out'))}`);
  assert.ok(readFileSync(join(dir, 'array8.json')).equals(reference), 'the merged file differs from one process');
  // Figures for the report: per-shard wall time (from the shard files) against the plan's estimate.
  const plan = JSON.parse(simspec(dir, 'plan', SPEC, '--shards', '8', '--json').stdout);
  let shardSum = 0;
  for (let index = 0; index < 8; index++) {
    const shard = JSON.parse(readFileSync(join(dir, 'array8', `shard-${String(index).padStart(4, '0')}-of-0008.json`), 'utf8'));
    shardSum += shard.run.milliseconds / 1000;
    console.log(`# shard ${index}: ${shard.cells.length} cells, predicted ${plan.shards[index].seconds.toFixed(2)} s, took ${(shard.run.milliseconds / 1000).toFixed(2)} s (cells ${(shard.run.cellMilliseconds.reduce((a: number, b: number) => a + b, 0) / 1000).toFixed(2)} s)`);
  }
  console.log(`# one process ${oneSeconds.toFixed(1)} s; 8 shards %2 on SLURM ${arraySeconds.toFixed(1)} s wall (submit to merged), shard processes ${shardSum.toFixed(1)} s in all, overhead ≈ ${(arraySeconds - shardSum / 2).toFixed(1)} s over total/2`);
});

function readIfThere(path: string): string {
  return existsSync(path) ? readFileSync(path, 'utf8') : '(none)';
}

test('SLURM: a failing shard stops the merge; status names it; --resubmit redoes it alone', { skip, timeout: 900_000 }, async () => {
  assert.ok(dir, 'needs the first test');
  const folder = join(dir, 'faulty');
  // Shard 1 cannot publish its file: a folder stands where its file must go (rename fails).
  mkdirSync(join(folder, 'shard-0001-of-0003.json'), { recursive: true });
  const submitted = simspec(dir, 'submit', SPEC, '--slurm', '--shards', '3', '--no-cache', '--shards-dir', 'faulty', '--out', resolve(dir, 'faulty.json'));
  assert.equal(submitted.status, 0, submitted.stderr);
  const jobs = jobIdsOf(submitted.stdout);
  await waitForQueueToEmpty(jobs);
  assert.equal(existsSync(join(dir, 'faulty.json')), false, 'the merge job must not have run');
  assert.equal(existsSync(join(folder, 'logs', 'merge.out')), false, 'the merge job must not have started');
  const status = simspec(dir, 'status', SPEC, '--shards-dir', 'faulty');
  assert.equal(status.status, 1);
  assert.match(status.stdout, /2 of 3 shards complete/);
  assert.match(status.stdout, /shard-0001-of-0003/);
  assert.doesNotMatch(status.stdout, /shard-000[02]-of-0003/);
  assert.match(status.stdout, /--resubmit/);
  rmSync(join(folder, 'shard-0001-of-0003.json'), { recursive: true });
  const again = simspec(dir, 'submit', SPEC, '--slurm', '--resubmit', '--no-cache', '--shards-dir', 'faulty', '--out', resolve(dir, 'faulty.json'));
  assert.equal(again.status, 0, again.stderr);
  assert.match(again.stdout, /indices 1\b/);
  await waitForQueueToEmpty(jobIdsOf(again.stdout));
  assert.ok(readFileSync(join(dir, 'faulty.json')).equals(reference), 'the final file differs from one process');
});

test('SLURM: submission as nobody with a shared output folder', { skip, timeout: 900_000 }, async () => {
  assert.ok(dir, 'needs the first test');
  const shared = join(dir, 'shared');
  mkdirSync(shared, { recursive: true });
  chmodSync(dir, 0o777);
  chmodSync(shared, 0o777);
  for (const name of readdirSync(dir)) if (name.endsWith('.yaml')) chmodSync(join(dir, name), 0o644);
  const result = spawnSync('setpriv', ['--reuid=nobody', '--regid=nogroup', '--clear-groups', process.execPath, BIN, 'submit', SPEC, '--slurm', '--shards', '2', '--no-cache', '--shards-dir', shared, '--out', join(shared, 'nobody.json')], { cwd: dir, encoding: 'utf8', env: { ...process.env, HOME: shared, SIMSPEC_KERNELS: KERNELS } });
  assert.equal(result.status, 0, result.stderr);
  await waitForQueueToEmpty(jobIdsOf(result.stdout));
  assert.ok(existsSync(join(shared, 'nobody.json')), `no merged file; merge log: ${readIfThere(join(shared, 'logs/merge.out'))}`);
  assert.ok(readFileSync(join(shared, 'nobody.json')).equals(reference));
});
