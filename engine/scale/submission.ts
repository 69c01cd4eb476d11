/**
 * A SLURM submission as it is remembered beside its shards (`submission.json`, written by
 * `simspec submit --slurm`), and its progress: which shards are complete (their markers,
 * engine/scale/shardFiles.ts), which the queue still holds (running or pending), which left the
 * queue without a complete file (failed), and where the dependent merge job is. `simspec status`
 * prints this; the extension's *Submit Spec to SLURM* command (client/slurm.ts) polls it.
 *
 * Progress is read against the plan hash recorded at submission, not a plan computed again by the
 * reader: the extension host runs another bundle than the CLI that the jobs run, and the plan hash
 * names the engine build (engine/scale/plan.ts), so only the submitting CLI's hash matches the shards.
 */
import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { SimspecError } from '../core/errors';
import { readShards, type ShardProblem } from './shardFiles';
import type { QueuedTask } from './slurm';

export interface Submission {
  arrayJobId: string;
  mergeJobId: string;
  of: number;
  folder: string;
  submitted: string;
  /** The plan hash the shards must carry (absent in files written before it was recorded). */
  planHash?: string;
  /** The array indices of this submission (a resubmission names only some). */
  indices?: number[];
}

/** `<spec's folder>/.simspec-shards/<spec name>`: where shards go unless `--shards-dir` says otherwise. */
export function defaultShardFolder(specFile: string): string {
  const spec = resolve(specFile);
  return join(dirname(spec), '.simspec-shards', basename(spec).replace(/\.simspec\.ya?ml$|\.ya?ml$/i, ''));
}

export function submissionFile(folder: string): string {
  return join(folder, 'submission.json');
}

/** The submission recorded in a shard folder, or undefined when there is none. */
export function readSubmission(folder: string): Submission | undefined {
  const file = submissionFile(folder);
  if (!existsSync(file)) return undefined;
  let value: Partial<Submission>;
  try {
    value = JSON.parse(readFileSync(file, 'utf8')) as Partial<Submission>;
  } catch (error) {
    throw new SimspecError(`cannot read the submission record: ${(error as Error).message}`, { file, expected: 'the JSON written by simspec submit --slurm', code: 'status.submission' });
  }
  if (typeof value.arrayJobId !== 'string' || typeof value.mergeJobId !== 'string' || typeof value.of !== 'number' || typeof value.folder !== 'string') {
    throw new SimspecError('the submission record lacks its job ids or shard count', { file, expected: 'arrayJobId, mergeJobId, of and folder', code: 'status.submission' });
  }
  return value as Submission;
}

export type MergeState = 'queued' | 'running' | 'gone';

export interface ShardProgress {
  of: number;
  /** Indices whose shard file is complete and of this plan. */
  complete: number[];
  running: number[];
  pending: number[];
  /** Not complete and no longer in the queue: failed, killed, or cancelled. */
  failed: number[];
  /** The shard folder's problems for the failed indices (named in messages). */
  problems: ShardProblem[];
  merge: MergeState;
  /** The queue's reason for a waiting merge job (`Dependency`, `DependencyNeverSatisfied`…). */
  mergeReason?: string;
}

/** Where a submission stands, from the shard folder and the queue's view (engine/scale/slurm.ts queueState). */
export function submissionProgress(submission: Submission, planHash: string, queue: readonly QueuedTask[]): ShardProgress {
  const scan = readShards(submission.folder, planHash, submission.of);
  const complete = new Set(scan.shards.map((s) => s.shard.index));
  const queued = new Map<number, string>();
  for (const task of queue) {
    if (task.jobId !== submission.arrayJobId) continue;
    for (const index of task.index !== undefined ? [task.index] : task.pendingRange ?? []) queued.set(index, task.state.toUpperCase());
  }
  const running: number[] = [];
  const pending: number[] = [];
  const failed: number[] = [];
  for (let index = 0; index < submission.of; index++) {
    if (complete.has(index)) continue;
    const state = queued.get(index);
    if (state === undefined) failed.push(index);
    else if (state === 'PENDING' || state === 'CONFIGURING' || state === 'REQUEUED') pending.push(index);
    else running.push(index);
  }
  const mergeTask = queue.find((t) => t.jobId === submission.mergeJobId);
  const merge: MergeState = !mergeTask ? 'gone' : mergeTask.state.toUpperCase() === 'PENDING' ? 'queued' : 'running';
  const failedSet = new Set(failed);
  return {
    of: submission.of,
    complete: [...complete].sort((a, b) => a - b),
    running,
    pending,
    failed,
    problems: scan.problems.filter((p) => 'index' in p && failedSet.has(p.index)),
    merge,
    ...(mergeTask?.reason && mergeTask.reason !== 'None' ? { mergeReason: mergeTask.reason } : {}),
  };
}

/** One line: `3 of 8 shards complete · 2 running · 3 pending`. */
export function describeProgress(progress: ShardProgress): string {
  const parts = [`${progress.complete.length} of ${progress.of} shards complete`];
  if (progress.running.length) parts.push(`${progress.running.length} running`);
  if (progress.pending.length) parts.push(`${progress.pending.length} pending`);
  if (progress.failed.length) parts.push(`${progress.failed.length} failed`);
  if (progress.complete.length === progress.of && progress.merge !== 'gone') parts.push(progress.merge === 'running' ? 'merging' : 'merge queued');
  return parts.join(' · ');
}
