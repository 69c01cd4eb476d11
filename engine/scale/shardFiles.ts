/**
 * Shard files: what one shard of a sharded run leaves in the shard folder, and how the merge reads
 * them back. Durability matters more than speed here — shards run on other machines, may be killed
 * at any instant (time limit, out-of-memory killer, SIGKILL), and share the folder over a network
 * file system. So a shard is published in two steps, each atomic:
 *
 * 1. `shard-000I-of-000N.json` written to a temporary name, fsync'd, renamed, and the folder fsync'd;
 * 2. `shard-000I-of-000N.done`, the completion marker, holding the SHA-256 of the exact bytes of
 *    step 1's file and the plan hash — written the same way, last.
 *
 * The merge accepts a shard only when its marker exists and the file's bytes hash to what the marker
 * says: a shard killed mid-write leaves a temporary file or an unmarked file, never one the merge
 * would take; a file replaced afterwards (by another plan's shard) no longer matches its marker.
 */
import { closeSync, fsyncSync, openSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { SimspecError } from '../core/errors';

export const SHARD_FORMAT = 'simspec-shard';

export interface ShardIdentity {
  index: number;
  of: number;
}

export interface ShardFile<Cell = unknown> {
  format: typeof SHARD_FORMAT;
  version: 1;
  planHash: string;
  shard: ShardIdentity;
  /** Keys of the cells this shard was assigned, in plan order. */
  cellKeys: string[];
  /** One entry per assigned cell, in the same order. */
  cells: Cell[];
  /** Host facts and timings (never part of the merged scores). */
  run: { host: string; startedAt: string; milliseconds: number; cellMilliseconds: number[]; kernels?: string };
}

export interface ShardMarker {
  sha256: string;
  planHash: string;
  shard: ShardIdentity;
}

export function shardBaseName(index: number, of: number): string {
  const width = Math.max(4, String(of).length);
  return `shard-${String(index).padStart(width, '0')}-of-${String(of).padStart(width, '0')}`;
}

const TEMPORARY = /^\.shard-.*\.tmp$/;

/** Write bytes durably at `path`: temporary file in the same folder, fsync, rename, fsync the folder. */
export function writeDurably(path: string, bytes: string | Uint8Array): void {
  const folder = join(path, '..');
  const temporary = join(folder, `.${path.slice(folder.length + 1)}.${process.pid}.${Date.now()}.tmp`);
  const fd = openSync(temporary, 'wx', 0o644);
  try {
    const buffer = typeof bytes === 'string' ? Buffer.from(bytes, 'utf8') : bytes;
    let written = 0;
    while (written < buffer.length) written += writeSync(fd, buffer, written, buffer.length - written);
    fsyncSync(fd);
  } catch (error) {
    closeSync(fd);
    rmSync(temporary, { force: true });
    throw error;
  }
  closeSync(fd);
  try {
    renameSync(temporary, path);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  }
  try {
    const dirFd = openSync(folder, 'r');
    try {
      fsyncSync(dirFd);
    } finally {
      closeSync(dirFd);
    }
  } catch {
    // Some file systems refuse fsync on a directory; the rename itself is still atomic there.
  }
}

function sha256(bytes: string | Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Publish a shard: its file, then its completion marker. */
export function writeShard(folder: string, shard: ShardFile): string {
  const base = shardBaseName(shard.shard.index, shard.shard.of);
  const bytes = JSON.stringify(shard);
  const path = join(folder, `${base}.json`);
  // A marker from an earlier attempt must not vouch for the new file while it is being replaced.
  rmSync(join(folder, `${base}.done`), { force: true });
  writeDurably(path, bytes);
  const marker: ShardMarker = { sha256: sha256(bytes), planHash: shard.planHash, shard: shard.shard };
  writeDurably(join(folder, `${base}.done`), JSON.stringify(marker));
  return path;
}

export type ShardProblem =
  | { kind: 'missing'; index: number }
  | { kind: 'unfinished'; index: number; file: string }
  | { kind: 'corrupt'; index: number; file: string; reason: string }
  | { kind: 'stale'; index: number; file: string; planHash: string }
  | { kind: 'foreign'; file: string; reason: string };

export interface ShardScan<Cell> {
  shards: ShardFile<Cell>[];
  problems: ShardProblem[];
}

/**
 * Read every shard of an N-way split for `planHash` from `folder`. A shard counts only when it is
 * marked complete, its bytes match its marker, and it belongs to this plan; everything else is a
 * named problem. Shard files of other split sizes are ignored (an earlier submission with another N).
 */
export function readShards<Cell>(folder: string, planHash: string, of: number): ShardScan<Cell> {
  const shards: ShardFile<Cell>[] = [];
  const problems: ShardProblem[] = [];
  let names: string[];
  try {
    names = readdirSync(folder);
  } catch {
    throw new SimspecError('cannot read the shard folder', { file: folder, expected: 'the folder given to `simspec run --shard … --shards-dir` or `simspec submit`', code: 'merge.folder' });
  }
  for (let index = 0; index < of; index++) {
    const base = shardBaseName(index, of);
    const file = join(folder, `${base}.json`);
    const markerFile = join(folder, `${base}.done`);
    if (!names.includes(`${base}.json`)) {
      problems.push({ kind: 'missing', index });
      continue;
    }
    if (!names.includes(`${base}.done`)) {
      problems.push({ kind: 'unfinished', index, file });
      continue;
    }
    let bytes: Buffer;
    let marker: ShardMarker;
    try {
      if (!statSync(file).isFile()) throw new Error('not a regular file');
      bytes = readFileSync(file);
      marker = JSON.parse(readFileSync(markerFile, 'utf8')) as ShardMarker;
    } catch (error) {
      problems.push({ kind: 'corrupt', index, file, reason: (error as Error).message });
      continue;
    }
    if (marker.sha256 !== sha256(bytes)) {
      problems.push({ kind: 'corrupt', index, file, reason: 'its content does not match its completion marker' });
      continue;
    }
    let shard: ShardFile<Cell>;
    try {
      shard = JSON.parse(bytes.toString('utf8')) as ShardFile<Cell>;
    } catch (error) {
      problems.push({ kind: 'corrupt', index, file, reason: (error as Error).message });
      continue;
    }
    if (shard.format !== SHARD_FORMAT || shard.shard?.index !== index || shard.shard?.of !== of || !Array.isArray(shard.cells) || !Array.isArray(shard.cellKeys) || shard.cells.length !== shard.cellKeys.length) {
      problems.push({ kind: 'corrupt', index, file, reason: 'not a simspec shard file of this split' });
      continue;
    }
    if (shard.planHash !== planHash) {
      problems.push({ kind: 'stale', index, file, planHash: shard.planHash });
      continue;
    }
    shards.push(shard);
  }
  return { shards, problems };
}

/** Remove temporary files a killed shard left behind (older than `minutes`). */
export function removeStaleTemporaries(folder: string, minutes = 60): number {
  let removed = 0;
  let names: string[] = [];
  try {
    names = readdirSync(folder);
  } catch {
    return 0;
  }
  const cutoff = Date.now() - minutes * 60_000;
  for (const name of names) {
    if (!TEMPORARY.test(name)) continue;
    try {
      const path = join(folder, name);
      if (statSync(path).mtimeMs < cutoff) {
        rmSync(path, { force: true });
        removed++;
      }
    } catch {
      // raced with another process: nothing to do
    }
  }
  return removed;
}
