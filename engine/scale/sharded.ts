/**
 * A sharded run: each shard scores its contiguous run of the plan's cells through the normal
 * executor (engine/run/execute.ts runCells) and publishes them durably (engine/scale/shardFiles.ts);
 * the merge checks every shard against the plan, replays the cells in plan order and finishes,
 * assembles and writes through the one-machine run's own code — so the results file is
 * byte-identical to `simspec run` on one machine.
 *
 * Random draws do not depend on the shard: a family seeds each cell's bootstrap and permutation
 * streams from the comparison's seeds (the same stream for every layer of a comparison), so a cell
 * draws the same numbers whichever process scores it.
 */
import { mkdirSync } from 'node:fs';
import { hostname } from 'node:os';
import { resolve } from 'node:path';
import { SimspecError } from '../core/errors';
import { runCells, runSpec, type CellRecord, type RunOptions } from '../run/execute';
import type { Results } from '../run/results';
import { kernelVariant } from '../linalg/wasm/dispatch';
import { planSpec, shardsOf, type ScalePlan } from './plan';
import { readShards, removeStaleTemporaries, shardBaseName, writeShard, type ShardFile, type ShardProblem } from './shardFiles';

export interface ShardRunOptions extends Pick<RunOptions, 'comparisons' | 'cacheFolder' | 'threads' | 'signal' | 'onProgress'> {
  index: number;
  of: number;
  folder: string;
}

/** Score shard `index` of `of` and publish it in `folder`; returns the shard file's path. */
export async function runShard(specFile: string, options: ShardRunOptions): Promise<{ path: string; plan: ScalePlan; cells: number; milliseconds: number }> {
  const started = Date.now();
  const startedAt = new Date(started).toISOString();
  const plan = await planSpec(specFile, options.comparisons ? { comparisons: options.comparisons } : {});
  if (!Number.isInteger(options.index) || options.index < 0 || options.index >= options.of) {
    throw new SimspecError(`shard ${options.index} is outside 0…${options.of - 1}`, { file: specFile, expected: `--shard I --of N with 0 ≤ I < N`, code: 'shard.index' });
  }
  const mine = shardsOf(plan, options.of)[options.index]!.cells;
  const runOptions: RunOptions & { cells: ReadonlySet<string> } = { cells: new Set(mine.map((c) => c.key)) };
  for (const key of ['comparisons', 'cacheFolder', 'threads', 'signal', 'onProgress'] as const) if (options[key] !== undefined) (runOptions as unknown as Record<string, unknown>)[key] = options[key];
  const records = await runCells(specFile, runOptions);
  mkdirSync(options.folder, { recursive: true });
  removeStaleTemporaries(options.folder);
  const shard: ShardFile<CellRecord> = {
    format: 'simspec-shard',
    version: 1,
    planHash: plan.planHash,
    shard: { index: options.index, of: options.of },
    cellKeys: records.map((r) => r.key),
    cells: records,
    run: { host: hostname(), startedAt, milliseconds: Date.now() - started, cellMilliseconds: records.map((r) => r.milliseconds), kernels: kernelsInUse() },
  };
  const path = writeShard(options.folder, shard);
  return { path, plan, cells: records.length, milliseconds: Date.now() - started };
}

/**
 * The dense kernels this process runs (engine/linalg/wasm/calibrate.ts): by default each process
 * times the FMA and mul+add modules once and keeps the faster, and the two differ in the last bits.
 * Shards that chose differently (another CPU, a loaded node) would merge into a file that is not
 * byte-identical to one run, so the merge refuses a mix; SIMSPEC_KERNELS pins the choice everywhere.
 */
function kernelsInUse(): string {
  return `${process.env.SIMSPEC_KERNELS || 'wasm'}:${kernelVariant() ?? 'js'}`;
}

/** What is wrong with a shard folder, said per shard, with the command that recomputes only those shards. */
export function describeShardProblems(specFile: string, folder: string, of: number, problems: ShardProblem[]): string {
  const lines = problems.map((p) => {
    switch (p.kind) {
      case 'missing': return `${shardBaseName(p.index, of)}: missing`;
      case 'unfinished': return `${p.file}: not marked complete (the shard was killed or is still running)`;
      case 'corrupt': return `${p.file}: refused: ${p.reason}`;
      case 'stale': return `${p.file}: refused: made from another plan (${p.planHash.slice(0, 16)}): the spec, its data or the engine changed since`;
      case 'foreign': return `${p.file}: ${p.reason}`;
    }
  });
  const indices = [...new Set(problems.flatMap((p) => ('index' in p ? [p.index] : [])))].sort((a, b) => a - b);
  if (indices.length) {
    lines.push(`recompute only these: ${indices.map((i) => `simspec run ${specFile} --shard ${i} --of ${of} --shards-dir ${folder}`).join(' ; ')}`);
    lines.push(`  (on SLURM: simspec submit ${specFile} --slurm --shards ${of} --resubmit)`);
  }
  return lines.join('\n');
}

/** How many shards a folder was split into (from its file names), when the caller did not say. */
export function shardCountIn(names: string[]): number | undefined {
  const counts = new Set(names.flatMap((n) => { const m = /^shard-\d+-of-(\d+)\.(?:json|done)$/.exec(n); return m ? [Number(m[1])] : []; }));
  return counts.size === 1 ? [...counts][0] : undefined;
}

export interface MergeOptions extends Pick<RunOptions, 'comparisons' | 'output' | 'cacheFolder' | 'signal' | 'onProgress'> {
  folder: string;
  of: number;
}

/** Check every shard against the plan, then finish, assemble and write as a one-machine run does. */
export async function mergeShards(specFile: string, options: MergeOptions): Promise<Results> {
  const plan = await planSpec(specFile, options.comparisons ? { comparisons: options.comparisons } : {});
  const scan = readShards<CellRecord>(options.folder, plan.planHash, options.of);
  if (scan.problems.length) {
    throw new SimspecError(`${scan.problems.length} of ${options.of} shard(s) cannot be merged:\n${describeShardProblems(specFile, options.folder, options.of, scan.problems)}`, { file: options.folder, code: 'merge.shards' });
  }
  const kernels = kernelsInUse();
  for (const shard of scan.shards) {
    if (shard.run?.kernels !== undefined && shard.run.kernels !== kernels) {
      throw new SimspecError(`the shard ran the ${shard.run.kernels} kernels, this merge ${kernels}: their last bits differ, so the file would not be byte-identical to one run`, { file: resolve(options.folder, `${shardBaseName(shard.shard.index, options.of)}.json`), expected: 'the same SIMSPEC_KERNELS (wasm-fma, wasm-simd or js) for every shard and the merge; rerun with it set', code: 'merge.kernels' });
    }
  }
  const expected = shardsOf(plan, options.of);
  const cells = new Map<string, CellRecord>();
  for (const shard of scan.shards) {
    const assigned = expected[shard.shard.index]!.cells.map((c) => c.key);
    const file = resolve(options.folder, `${shardBaseName(shard.shard.index, options.of)}.json`);
    if (assigned.join('\n') !== shard.cellKeys.join('\n') || shard.cells.some((c, i) => c?.key !== shard.cellKeys[i])) {
      throw new SimspecError('the shard does not hold the cells the plan assigns to it', { file, expected: `${assigned.length} cells from ${assigned[0] ?? '—'}`, code: 'merge.cells' });
    }
    for (const cell of shard.cells) {
      if (cells.has(cell.key)) throw new SimspecError(`cell ${cell.key.replaceAll('\u0000', ' / ')} appears in two shards`, { file, code: 'merge.duplicate-cell' });
      cells.set(cell.key, cell);
    }
  }
  const missing = plan.cells.filter((c) => !cells.has(c.key));
  if (missing.length) throw new SimspecError(`${missing.length} cell(s) of the plan are in no shard, first ${missing[0]!.comparison} / ${missing[0]!.layer} / ${missing[0]!.region}`, { file: options.folder, code: 'merge.missing-cell' });
  const runOptions: RunOptions = { precomputed: cells };
  for (const key of ['comparisons', 'output', 'cacheFolder', 'signal', 'onProgress'] as const) if (options[key] !== undefined) (runOptions as unknown as Record<string, unknown>)[key] = options[key];
  return runSpec(specFile, runOptions);
}
