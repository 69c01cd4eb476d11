/**
 * Which shard this process is, when a scheduler's job array launched it. Each scheduler names the
 * index differently; `simspec run --shard auto` reads the first one that is set:
 *
 * - SLURM job arrays: `SLURM_ARRAY_TASK_ID`, taken as the shard index itself (simspec's scripts
 *   use `--array=0-(N-1)`, and a resubmission `--array=3,5` keeps the indices of the shards it redoes).
 * - Kubernetes Indexed Jobs: `JOB_COMPLETION_INDEX` (0-based).
 * - AWS Batch array jobs: `AWS_BATCH_JOB_ARRAY_INDEX` (0-based).
 */

export interface ArrayIndex {
  index: number;
  /** The variable it came from, for messages. */
  source: string;
}

const SOURCES = ['SLURM_ARRAY_TASK_ID', 'JOB_COMPLETION_INDEX', 'AWS_BATCH_JOB_ARRAY_INDEX'] as const;

export function arrayIndexFromEnvironment(env: NodeJS.ProcessEnv = process.env): ArrayIndex | undefined {
  for (const name of SOURCES) {
    const raw = env[name];
    if (raw === undefined || raw === '') continue;
    if (!/^\d+$/.test(raw.trim())) throw new RangeError(`${name}=${JSON.stringify(raw)} is not a non-negative integer`);
    return { index: Number(raw.trim()), source: name };
  }
  return undefined;
}

export const ARRAY_INDEX_VARIABLES: readonly string[] = SOURCES;
