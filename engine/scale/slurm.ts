/**
 * SLURM submission of a sharded run: one job array whose task i runs `simspec run SPEC --shard i
 * --of N`, and one merge job that depends on the whole array (`afterok`), so it runs only when every
 * shard exited 0 and is cancelled by the scheduler (`--kill-on-invalid-dep=yes`) when one failed —
 * never a merge of an incomplete set. Scripts are written as readable files beside the shards, so a
 * user can read, edit and `sbatch` them by hand.
 *
 * Only the client commands are used (`sbatch --parsable`, `squeue`); no accounting database is
 * assumed (many clusters have none; `sacct` is then unavailable), so completion is read from the
 * shard folder's markers and the queue.
 */
import { execFile, execFileSync } from 'node:child_process';
import { SimspecError } from '../core/errors';

export interface SlurmJobOptions {
  /** A short name for the jobs (`simspec-<name>`). */
  name: string;
  shards: number;
  /** Array throttle: at most this many shards at once (`%K`). */
  maxParallel?: number;
  partition?: string;
  /** Wall-time limit per shard in seconds. */
  timeSeconds: number;
  /** Memory per shard in MiB. */
  memoryMiB: number;
  /** Memory of the merge job in MiB. */
  mergeMemoryMiB: number;
  /** Wall-time limit of the merge job in seconds. */
  mergeTimeSeconds: number;
  /** Folder of the shard files, markers and logs (absolute). */
  shardDir: string;
  /** Working directory of the jobs (absolute). */
  workingDir: string;
  /** The command that runs shard `$SLURM_ARRAY_TASK_ID` (argv; the index placeholder is `{index}`). */
  shardCommand: string[];
  /** The command that merges the shards (argv). */
  mergeCommand: string[];
  /** Only these array indices (a resubmission); default 0…shards−1. */
  indices?: number[];
}

/** sbatch's --time format, D-HH:MM:SS, rounded up to whole minutes (schedulers count minutes). */
export function slurmTime(seconds: number): string {
  const minutes = Math.max(1, Math.ceil(seconds / 60));
  const days = Math.floor(minutes / 1440);
  const hours = Math.floor((minutes % 1440) / 60);
  const rest = minutes % 60;
  const hhmm = `${String(hours).padStart(2, '0')}:${String(rest).padStart(2, '0')}:00`;
  return days > 0 ? `${days}-${hhmm}` : hhmm;
}

/** A single-quoted shell word (the scripts are bash). */
export function shellQuote(word: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/** `0-7%2`, or `3,5%2` for a resubmission of some indices. */
export function arraySpecification(shards: number, indices?: number[], maxParallel?: number): string {
  const list = indices && indices.length ? compressIndices(indices) : `0-${shards - 1}`;
  return maxParallel && maxParallel > 0 ? `${list}%${maxParallel}` : list;
}

/** [0,1,2,5,7,8] → "0-2,5,7-8". */
export function compressIndices(indices: readonly number[]): string {
  const sorted = [...new Set(indices)].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j]! + 1) j++;
    parts.push(i === j ? `${sorted[i]}` : `${sorted[i]}-${sorted[j]}`);
    i = j + 1;
  }
  return parts.join(',');
}

function header(lines: string[]): string {
  return ['#!/bin/bash', ...lines.map((l) => `#SBATCH ${l}`), 'set -euo pipefail'].join('\n');
}

/** The two batch scripts: the shard array and the merge. */
export function slurmScripts(options: SlurmJobOptions): { shards: string; merge: string } {
  const common = (memory: number, seconds: number) => [
    `--mem=${Math.max(1, Math.ceil(memory))}M`,
    `--time=${slurmTime(seconds)}`,
    '--cpus-per-task=1',
    `--chdir=${shellQuote(options.workingDir)}`,
    ...(options.partition ? [`--partition=${shellQuote(options.partition)}`] : []),
  ];
  const shardCommand = options.shardCommand.map((w) => (w === '{index}' ? '"$SLURM_ARRAY_TASK_ID"' : shellQuote(w))).join(' ');
  const shards = [
    header([
      `--job-name=${shellQuote(`simspec-${options.name}`)}`,
      `--array=${arraySpecification(options.shards, options.indices, options.maxParallel)}`,
      `--output=${shellQuote(`${options.shardDir}/logs/shard-%a.out`)}`,
      ...common(options.memoryMiB, options.timeSeconds),
    ]),
    '# One shard of the plan per array task; its results land in the shard folder atomically,',
    '# with a completion marker written last.',
    `exec ${shardCommand}`,
    '',
  ].join('\n');
  const merge = [
    header([
      `--job-name=${shellQuote(`simspec-${options.name}-merge`)}`,
      `--output=${shellQuote(`${options.shardDir}/logs/merge.out`)}`,
      ...common(options.mergeMemoryMiB, options.mergeTimeSeconds),
    ]),
    '# Submitted with --dependency=afterok:<array job> --kill-on-invalid-dep=yes: runs only when',
    '# every shard succeeded; checks every shard and writes the results file.',
    `exec ${options.mergeCommand.map(shellQuote).join(' ')}`,
    '',
  ].join('\n');
  return { shards, merge };
}

export interface SubmittedJobs {
  arrayJobId: string;
  mergeJobId: string;
}

function clientError(command: string, args: string[], error: unknown): SimspecError {
  const e = error as { code?: string; stderr?: string; message: string };
  if (e.code === 'ENOENT') return new SimspecError(`\`${command}\` is not on the PATH`, { expected: 'a SLURM client (run on a login node of the cluster)', code: 'slurm.missing' });
  return new SimspecError(`\`${command} ${args.join(' ')}\` failed: ${(e.stderr || e.message).trim().split('\n').slice(-3).join(' ')}`, { code: 'slurm.client' });
}

function runClient(command: string, args: string[]): string {
  try {
    return execFileSync(command, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 60_000 });
  } catch (error) {
    throw clientError(command, args, error);
  }
}

/** runClient without blocking the caller's thread (the extension host polls the queue). */
function runClientAsync(command: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(command, args, { encoding: 'utf8', timeout: 60_000 }, (error, stdout, stderr) => {
      if (error) reject(clientError(command, args, Object.assign(error, { stderr })));
      else resolve(stdout);
    });
  });
}

/** `sbatch --parsable` prints "jobid" or "jobid;cluster". */
export function parseSbatchOutput(output: string): string {
  const id = output.trim().split(/\r?\n/).pop()?.split(';')[0]?.trim() ?? '';
  if (!/^\d+$/.test(id)) throw new SimspecError(`sbatch printed no job id: ${JSON.stringify(output.trim())}`, { code: 'slurm.client' });
  return id;
}

/** Submit the array, then the merge as its dependent job. */
export function submitToSlurm(shardScript: string, mergeScript: string): SubmittedJobs {
  const arrayJobId = parseSbatchOutput(runClient('sbatch', ['--parsable', shardScript]));
  const mergeJobId = parseSbatchOutput(runClient('sbatch', ['--parsable', `--dependency=afterok:${arrayJobId}`, '--kill-on-invalid-dep=yes', mergeScript]));
  return { arrayJobId, mergeJobId };
}

export interface QueuedTask {
  jobId: string;
  /** Array index, when the line is one task (undefined for a pending range or a plain job). */
  index?: number;
  /** Pending range of array indices, e.g. [3, 7] for `12_[3-7%2]`. */
  pendingRange?: number[];
  state: string;
  reason: string;
}

/** Parse `squeue -h -o '%i|%T|%r'` lines (`12_3|RUNNING|None`, `12_[4-7%2]|PENDING|JobArrayTaskLimit`). */
export function parseSqueue(output: string): QueuedTask[] {
  const tasks: QueuedTask[] = [];
  for (const line of output.split(/\r?\n/)) {
    const [id, state, reason] = line.trim().split('|');
    if (!id || !state) continue;
    const m = /^(\d+)(?:_(\d+|\[([^\]]*)\]))?$/.exec(id);
    if (!m) continue;
    const task: QueuedTask = { jobId: m[1]!, state, reason: reason ?? '' };
    if (m[2] !== undefined && m[3] === undefined) task.index = Number(m[2]);
    if (m[3] !== undefined) task.pendingRange = expandIndices(m[3].replace(/%\d+$/, ''));
    tasks.push(task);
  }
  return tasks;
}

/** "0-2,5" → [0, 1, 2, 5]. */
export function expandIndices(text: string): number[] {
  const out: number[] = [];
  for (const part of text.split(',')) {
    const [a, b] = part.split('-').map((s) => Number(s.trim()));
    if (a === undefined || !Number.isInteger(a)) continue;
    const end = b !== undefined && Number.isInteger(b) ? b : a;
    for (let i = a; i <= end; i++) out.push(i);
  }
  return out;
}

/** The queue's view of some jobs; an empty list once they left the queue. */
export function queueState(jobIds: readonly string[]): QueuedTask[] {
  if (jobIds.length === 0) return [];
  try {
    return parseSqueue(runClient('squeue', ['-h', '-j', jobIds.join(','), '-o', '%i|%T|%r']));
  } catch (error) {
    if (forgottenJobs(error)) return [];
    throw error;
  }
}

/** squeue refuses (exit 1) a lone job id that the controller has already forgotten: the job left the queue. */
function forgottenJobs(error: unknown): boolean {
  return error instanceof SimspecError && error.code === 'slurm.client' && /Invalid job id specified/i.test(error.message);
}

/** queueState without blocking the caller's thread. */
export async function queueStateAsync(jobIds: readonly string[]): Promise<QueuedTask[]> {
  if (jobIds.length === 0) return [];
  try {
    return parseSqueue(await runClientAsync('squeue', ['-h', '-j', jobIds.join(','), '-o', '%i|%T|%r']));
  } catch (error) {
    if (forgottenJobs(error)) return [];
    throw error;
  }
}

/** Cancel jobs (a whole array by its id, and the merge job): `scancel`. */
export async function cancelJobs(jobIds: readonly string[]): Promise<void> {
  if (jobIds.length) await runClientAsync('scancel', [...jobIds]);
}

/** hasSlurm without blocking the caller's thread (the extension checks at start-up). */
export function hasSlurmAsync(): Promise<boolean> {
  return new Promise((resolve) => execFile('sbatch', ['--version'], { timeout: 10_000 }, (error) => resolve(!error)));
}

/** Is a SLURM client available here (as on a login node)? */
export function hasSlurm(): boolean {
  try {
    execFileSync('sbatch', ['--version'], { stdio: 'ignore', timeout: 10_000 });
    return true;
  } catch {
    return false;
  }
}
