/**
 * The CLI's scale-out commands (engine/cli.ts dispatches here): `plan`, `run --shard/--processes`,
 * `merge`, `submit --slurm` and `status`.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { SimspecError } from '../core/errors';
import { formatScoreTable } from '../run/table';
import { arrayIndexFromEnvironment, ARRAY_INDEX_VARIABLES } from './arrayIndex';
import { formatBytes, formatPlan, planSpec, shardsOf } from './plan';
import { describeShardProblems, mergeShards, runShard, shardCountIn } from './sharded';
import { readShards } from './shardFiles';
import { queueState, slurmScripts, submitToSlurm } from './slurm';
import { defaultShardFolder, readSubmission, submissionFile, type Submission } from './submission';

interface ParsedArgs {
  positional: string[];
  options: Map<string, string[]>;
  flags: Set<string>;
}

export const SCALE_VALUE_OPTIONS = ['--shards', '--shard', '--of', '--shards-dir', '--processes', '--max-parallel', '--partition', '--time', '--mem'];

export const SCALE_USAGE = `  simspec plan SPEC [--shards N] [--json]
      The cells (comparison × layer × region) with estimated time and memory, the plan hash, and
      the split into N shards.
  simspec run SPEC --shard I|auto --of N [--shards-dir DIR]
      Score only shard I of N and write it to DIR (default SPEC's folder/.simspec-shards/NAME);
      auto reads ${ARRAY_INDEX_VARIABLES.join(', ')}.
  simspec run SPEC --processes P
      Run P shards as child processes and merge them (a workstation's cores, no scheduler).
  simspec merge SPEC [--shards DIR] [--of N] [--out FILE]
      Check every shard against the plan and write the results file (byte-identical to one run).
  simspec submit SPEC --slurm [--shards N] [--max-parallel K] [--partition P] [--time T]
                 [--mem auto|SIZE] [--dry-run] [--resubmit]
      A SLURM job array of the shards and a dependent merge job.
  simspec status SPEC [--shards DIR]
      Shards done, missing or refused, and the queue's view of the submitted jobs.`;

function usage(message: string): Error {
  const error = new Error(message);
  error.name = 'UsageError';
  return error;
}

function positiveInteger(parsed: ParsedArgs, name: string): number | undefined {
  const raw = parsed.options.get(name)?.at(-1);
  if (raw === undefined) return undefined;
  if (!/^[1-9]\d*$/.test(raw)) throw usage(`${name} needs a positive integer, got '${raw}'`);
  return Number(raw);
}

export function shardRunRequested(parsed: ParsedArgs): boolean {
  return parsed.options.has('--shard') || parsed.options.has('--processes');
}


function shardFolder(parsed: ParsedArgs, specFile: string, option = '--shards-dir'): string {
  return resolve(parsed.options.get(option)?.at(-1) ?? parsed.options.get('--shards-dir')?.at(-1) ?? defaultShardFolder(specFile));
}

function comparisonsOf(parsed: ParsedArgs): { comparisons?: string[] } {
  const only = parsed.options.get('--comparison');
  return only ? { comparisons: only } : {};
}

/** Arguments a child or a SLURM task passes on: the comparisons and the cache choice. */
function passedOn(parsed: ParsedArgs, cacheFolder: string | undefined): string[] {
  const args = (parsed.options.get('--comparison') ?? []).flatMap((c) => ['--comparison', c]);
  return [...args, ...(cacheFolder ? ['--cache', cacheFolder] : ['--no-cache'])];
}

/** This program's own command line (node, its flags, the script), to run it again as a child or a task. */
function selfCommand(): string[] {
  return [process.execPath, ...process.execArgv, resolve(process.argv[1]!)];
}

export async function runScaleCommand(command: 'plan' | 'run' | 'merge' | 'submit' | 'status', specFile: string, parsed: ParsedArgs, cacheFolder: string | undefined): Promise<number> {
  switch (command) {
    case 'plan': return commandPlan(specFile, parsed);
    case 'run': return parsed.options.has('--processes') ? commandProcesses(specFile, parsed, cacheFolder) : commandShard(specFile, parsed, cacheFolder);
    case 'merge': return commandMerge(specFile, parsed, cacheFolder);
    case 'submit': return commandSubmit(specFile, parsed);
    case 'status': return commandStatus(specFile, parsed);
  }
}

async function commandPlan(specFile: string, parsed: ParsedArgs): Promise<number> {
  const plan = await planSpec(specFile, comparisonsOf(parsed));
  const of = positiveInteger(parsed, '--shards');
  const shards = of ? shardsOf(plan, of) : undefined;
  if (parsed.flags.has('--json')) {
    console.log(JSON.stringify({ planHash: plan.planHash, cells: plan.cells, ...(shards ? { shards: shards.map((s) => ({ index: s.index, cells: s.cells.map((c) => c.key), seconds: s.seconds, peakBytes: s.peakBytes })) } : {}) }, null, 2));
  } else console.log(formatPlan(plan, shards));
  return 0;
}

async function commandShard(specFile: string, parsed: ParsedArgs, cacheFolder: string | undefined): Promise<number> {
  const raw = parsed.options.get('--shard')!.at(-1)!;
  const of = positiveInteger(parsed, '--of');
  if (of === undefined) throw usage('--shard needs --of N (the number of shards)');
  let index: number;
  if (raw === 'auto') {
    let found;
    try {
      found = arrayIndexFromEnvironment();
    } catch (error) {
      throw new SimspecError((error as Error).message, { file: specFile, code: 'shard.index' });
    }
    if (!found) throw new SimspecError('--shard auto: no array index in the environment', { file: specFile, expected: `one of ${ARRAY_INDEX_VARIABLES.join(', ')}`, code: 'shard.index' });
    index = found.index;
  } else if (/^\d+$/.test(raw)) index = Number(raw);
  else throw usage(`--shard needs an index or 'auto', got '${raw}'`);
  const folder = shardFolder(parsed, specFile);
  const outcome = await runShard(specFile, { index, of, folder, ...comparisonsOf(parsed), ...(cacheFolder ? { cacheFolder } : {}) });
  console.error(`shard ${index} of ${of}: ${outcome.cells} cells in ${(outcome.milliseconds / 1000).toFixed(2)} s → ${outcome.path}`);
  return 0;
}

async function commandMerge(specFile: string, parsed: ParsedArgs, cacheFolder: string | undefined): Promise<number> {
  const folder = shardFolder(parsed, specFile, '--shards');
  let of = positiveInteger(parsed, '--of');
  if (of === undefined) {
    let names: string[] = [];
    try {
      names = readdirSync(folder);
    } catch {
      throw new SimspecError('cannot read the shard folder', { file: folder, code: 'merge.folder' });
    }
    of = shardCountIn(names);
    if (of === undefined) throw new SimspecError('cannot tell how many shards the folder holds (none, or several splits)', { file: folder, expected: 'shard-I-of-N files of one N, or --of N', code: 'merge.folder' });
  }
  const out = parsed.options.get('--out')?.at(-1);
  const results = await mergeShards(specFile, { folder, of, ...comparisonsOf(parsed), ...(out ? { output: out } : {}), ...(cacheFolder ? { cacheFolder } : {}) });
  if (!parsed.flags.has('--quiet')) console.log(formatScoreTable(results));
  for (const warning of results.warnings) console.error(`warning: ${warning}`);
  console.error(`results: ${results.outputPath} (merged from ${of} shards)`);
  return 0;
}

async function commandProcesses(specFile: string, parsed: ParsedArgs, cacheFolder: string | undefined): Promise<number> {
  const processes = positiveInteger(parsed, '--processes')!;
  const plan = await planSpec(specFile, comparisonsOf(parsed));
  const of = Math.max(1, Math.min(processes, plan.cells.length));
  const folder = parsed.options.has('--shards-dir') ? shardFolder(parsed, specFile) : join(defaultShardFolder(specFile), `local-${process.pid}`);
  mkdirSync(folder, { recursive: true });
  const [node, ...self] = selfCommand();
  const started = Date.now();
  const codes = await Promise.all(
    Array.from({ length: of }, (_, index) =>
      new Promise<number>((done) => {
        const child = spawn(node!, [...self, 'run', specFile, '--shard', String(index), '--of', String(of), '--shards-dir', folder, ...passedOn(parsed, cacheFolder)], { stdio: ['ignore', 'inherit', 'inherit'] });
        child.on('error', () => done(1));
        child.on('exit', (code, signal) => done(code ?? (signal ? 128 : 1)));
      }),
    ),
  );
  const failed = codes.flatMap((code, index) => (code === 0 ? [] : [index]));
  if (failed.length) throw new SimspecError(`shard(s) ${failed.join(', ')} of ${of} failed; the others are kept in the shard folder`, { file: folder, expected: `rerun them with simspec run ${specFile} --shard I --of ${of} --shards-dir ${folder}, then simspec merge ${specFile} --shards ${folder}`, code: 'run.processes' });
  const out = parsed.options.get('--out')?.at(-1);
  const results = await mergeShards(specFile, { folder, of, ...comparisonsOf(parsed), ...(out ? { output: out } : {}), ...(cacheFolder ? { cacheFolder } : {}) });
  if (!parsed.flags.has('--quiet')) console.log(formatScoreTable(results));
  for (const warning of results.warnings) console.error(`warning: ${warning}`);
  console.error(`results: ${results.outputPath} (${of} processes, ${((Date.now() - started) / 1000).toFixed(2)} s)`);
  return 0;
}

function parseMemoryMiB(text: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*([KMGT]?)i?B?$/i.exec(text.trim());
  if (!m) throw usage(`--mem needs auto or a size such as 4G or 500M, got '${text}'`);
  const factor = { '': 1, K: 1 / 1024, M: 1, G: 1024, T: 1024 * 1024 }[m[2]!.toUpperCase() as '' | 'K' | 'M' | 'G' | 'T'];
  return Math.ceil(Number(m[1]) * factor);
}

function parseTimeSeconds(text: string): number {
  const m = /^(?:(\d+)-)?(\d+)(?::(\d+))?(?::(\d+))?$/.exec(text.trim());
  if (!m) throw usage(`--time needs minutes, H:MM:SS or D-HH:MM:SS, got '${text}'`);
  const parts = [m[2], m[3], m[4]].filter((x) => x !== undefined).map(Number);
  const days = Number(m[1] ?? 0) * 86400;
  if (parts.length === 1) return days + (m[1] ? parts[0]! * 3600 : parts[0]! * 60);
  if (parts.length === 2) return days + parts[0]! * 3600 + parts[1]! * 60;
  return days + parts[0]! * 3600 + parts[1]! * 60 + parts[2]!;
}


async function commandSubmit(specFile: string, parsed: ParsedArgs): Promise<number> {
  if (!parsed.flags.has('--slurm')) throw usage('submit needs --slurm (the only scheduler simspec submits to)');
  const plan = await planSpec(specFile, comparisonsOf(parsed));
  const folder = shardFolder(parsed, specFile);
  const previous = readSubmission(folder);
  const of = positiveInteger(parsed, '--shards') ?? previous?.of ?? Math.min(plan.cells.length, 8);
  const shards = shardsOf(plan, of);
  let indices: number[] | undefined;
  if (parsed.flags.has('--resubmit')) {
    const scan = readShards(folder, plan.planHash, of);
    indices = [...new Set(scan.problems.flatMap((p) => ('index' in p ? [p.index] : [])))].sort((a, b) => a - b);
    if (indices.length === 0) {
      console.error(`every shard of ${of} is complete; nothing to resubmit (merge with: simspec merge ${specFile} --shards ${folder})`);
      return 0;
    }
  }
  const memArg = parsed.options.get('--mem')?.at(-1) ?? 'auto';
  // Headroom: 1.5× the estimated peak (the model leaves out allocator slack and V8's heap growth).
  const memoryMiB = memArg === 'auto' ? Math.max(512, Math.ceil((1.5 * Math.max(...shards.map((s) => s.peakBytes))) / 2 ** 20)) : parseMemoryMiB(memArg);
  const timeArg = parsed.options.get('--time')?.at(-1);
  // Time: 3× the slowest shard's estimate plus 5 minutes for start-up and loading, at least 10 minutes.
  const timeSeconds = timeArg ? parseTimeSeconds(timeArg) : Math.max(600, Math.ceil(3 * Math.max(...shards.map((s) => s.seconds)) + 300));
  const self = selfCommand();
  const extra = passedOn(parsed, undefined).filter((a) => a !== '--no-cache');
  const cache = parsed.options.get('--cache')?.at(-1);
  const scripts = slurmScripts({
    name: basename(defaultShardFolder(specFile)),
    shards: of,
    ...(parsed.options.has('--max-parallel') ? { maxParallel: positiveInteger(parsed, '--max-parallel')! } : {}),
    ...(parsed.options.has('--partition') ? { partition: parsed.options.get('--partition')!.at(-1)! } : {}),
    timeSeconds,
    memoryMiB,
    mergeMemoryMiB: memoryMiB,
    mergeTimeSeconds: Math.max(600, Math.ceil(timeSeconds / 2)),
    shardDir: folder,
    workingDir: process.cwd(),
    shardCommand: [...self, 'run', resolve(specFile), '--shard', '{index}', '--of', String(of), '--shards-dir', folder, ...extra, ...(cache ? ['--cache', resolve(cache)] : parsed.flags.has('--no-cache') ? ['--no-cache'] : [])],
    mergeCommand: [...self, 'merge', resolve(specFile), '--shards', folder, '--of', String(of), '--quiet', ...extra, ...(parsed.options.has('--out') ? ['--out', resolve(parsed.options.get('--out')!.at(-1)!)] : [])],
    ...(indices ? { indices } : {}),
  });
  mkdirSync(join(folder, 'logs'), { recursive: true });
  const shardScript = join(folder, 'shards.sbatch');
  const mergeScript = join(folder, 'merge.sbatch');
  writeFileSync(shardScript, scripts.shards);
  writeFileSync(mergeScript, scripts.merge);
  console.error(`plan ${plan.planHash.slice(0, 16)}: ${plan.cells.length} cells in ${of} shards; per shard at most ${formatBytes(memoryMiB * 2 ** 20)} and ${Math.ceil(timeSeconds / 60)} min`);
  if (parsed.flags.has('--dry-run')) {
    console.log(`# ${shardScript}\n${scripts.shards}\n# ${mergeScript}\n${scripts.merge}`);
    return 0;
  }
  const jobs = submitToSlurm(shardScript, mergeScript);
  const submission: Submission = { ...jobs, of, folder, submitted: new Date().toISOString(), planHash: plan.planHash, ...(indices ? { indices } : {}) };
  writeFileSync(submissionFile(folder), JSON.stringify(submission, null, 2) + '\n');
  console.log(`submitted: array job ${jobs.arrayJobId}${indices ? ` (indices ${indices.join(',')})` : ''}, merge job ${jobs.mergeJobId} (afterok)`);
  console.log(`watch: simspec status ${specFile}${parsed.options.has('--shards-dir') ? ` --shards-dir ${folder}` : ''}   (or squeue -j ${jobs.arrayJobId},${jobs.mergeJobId})`);
  return 0;
}

async function commandStatus(specFile: string, parsed: ParsedArgs): Promise<number> {
  const plan = await planSpec(specFile, comparisonsOf(parsed));
  const folder = shardFolder(parsed, specFile, '--shards');
  const submission = readSubmission(folder);
  const of = positiveInteger(parsed, '--of') ?? submission?.of ?? shardCountIn(existsSync(folder) ? readdirSync(folder) : []);
  if (of === undefined) throw new SimspecError('no shards and no submission in the shard folder', { file: folder, expected: 'simspec submit or simspec run --shard first', code: 'status.none' });
  const scan = readShards(folder, plan.planHash, of);
  const queue = submission ? queueState([submission.arrayJobId, submission.mergeJobId]) : [];
  const queued = new Map<number, string>();
  for (const task of queue) {
    if (task.jobId !== submission!.arrayJobId) continue;
    for (const index of task.index !== undefined ? [task.index] : task.pendingRange ?? []) queued.set(index, task.state.toLowerCase());
  }
  console.log(`${scan.shards.length} of ${of} shards complete (plan ${plan.planHash.slice(0, 16)})`);
  for (const problem of scan.problems) {
    const index = 'index' in problem ? problem.index : undefined;
    const state = index !== undefined ? queued.get(index) : undefined;
    if (state) console.log(`shard ${index}: ${state}`);
    else console.log(describeShardProblems(specFile, folder, of, [problem]).split('\n')[0]);
  }
  const mergeQueued = queue.find((t) => t.jobId === submission?.mergeJobId);
  if (submission) console.log(`merge job ${submission.mergeJobId}: ${mergeQueued ? `${mergeQueued.state.toLowerCase()}${mergeQueued.reason && mergeQueued.reason !== 'None' ? ` (${mergeQueued.reason})` : ''}` : 'not in the queue (finished, or cancelled because a shard failed)'}`);
  const failed = scan.problems.filter((p) => 'index' in p && !queued.has(p.index));
  if (failed.length && (queue.length === 0 || !mergeQueued)) console.log(`recompute the missing shards: simspec submit ${specFile} --slurm --resubmit${parsed.options.has('--shards-dir') ? ` --shards-dir ${folder}` : ''}`);
  return scan.problems.length ? 1 : 0;
}
