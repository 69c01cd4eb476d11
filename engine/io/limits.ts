/**
 * Bounds on what reading one data file may cost, so that a small hostile file (a decompression
 * bomb, a lying header, JSON nested thousands deep, a "file" that is really /proc/self/mem) ends in
 * a SimspecError within milliseconds instead of exhausting memory, the stack or the clock. The
 * README's "Reliability" paragraph lists these limits; keep the two in step.
 */
import { constants } from 'node:fs';
import { open, realpath, stat } from 'node:fs/promises';
import { freemem } from 'node:os';
import { inflateRawSync, inflateSync } from 'node:zlib';
import { SimspecError } from '../core/errors';

/** Environment variable that overrides the decompression cap (bytes), e.g. for a machine with little memory. */
export const DECOMPRESSED_CAP_VARIABLE = 'SIMSPEC_MAX_DECOMPRESSED_BYTES';
/** Floor of the decompression cap, so that a busy machine can still read ordinary compressed data. */
const MIN_DECOMPRESSED_CAP = 256 * 2 ** 20;
/** Nesting depth of JSON data files: real data nests a few levels (a 4-D array, a list of structs). */
export const MAX_JSON_DEPTH = 64;
/** Text data files (.csv, .tsv, .json) are read whole; past this size use .npy. */
export const MAX_TEXT_BYTES = 512 * 2 ** 20;


/**
 * Most bytes one file may inflate to in total: half the memory available to this process
 * (cgroup-aware where Node knows it), at least 256 MiB, or SIMSPEC_MAX_DECOMPRESSED_BYTES.
 */
export function decompressedCap(): number {
  const configured = Number(process.env[DECOMPRESSED_CAP_VARIABLE]);
  if (Number.isFinite(configured) && configured > 0) return Math.floor(configured);
  const processAvailable = (process as { availableMemory?: () => number }).availableMemory?.();
  const available = Math.min(freemem(), processAvailable && processAvailable > 0 ? processAvailable : Infinity);
  return Math.max(MIN_DECOMPRESSED_CAP, Math.floor(available / 2));
}

function capText(): string {
  return `the decompression cap of ${formatBytes(decompressedCap())} (half the available memory; set ${DECOMPRESSED_CAP_VARIABLE} to change it)`;
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} bytes`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) { value /= 1024; unit++; }
  return `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}

/**
 * A budget for one file's decompression: every declared size is charged before inflating, so a
 * file whose members together exceed the cap fails before any of them is inflated past it.
 */
export class DecompressionBudget {
  private remaining: number;
  constructor(readonly file: string) {
    this.remaining = decompressedCap();
  }

  charge(bytes: number, what: string, variable?: string): void {
    if (!Number.isFinite(bytes) || bytes < 0) {
      throw new SimspecError(`${what} declares an impossible size (${bytes})`, { file: this.file, variable, expected: 'a size in bytes', code: 'io.limit' });
    }
    if (bytes > this.remaining) {
      throw new SimspecError(`${what} declares ${formatBytes(bytes)} uncompressed, past ${capText()}`, {
        file: this.file, variable, expected: `at most ${formatBytes(this.remaining)} more of uncompressed data`, code: 'io.limit',
      });
    }
    this.remaining -= bytes;
  }
}

/**
 * Inflate a raw DEFLATE (`zlib: false`) or zlib stream, stopping as soon as the output would pass
 * `declared` bytes (node's zlib aborts mid-stream at maxOutputLength): never inflates past what the
 * header declared. Throws `tooLarge()` on overflow and `corrupt(reason)` on a bad stream.
 */
export function inflateAtMost(data: Uint8Array, declared: number, zlib: boolean, tooLarge: () => Error, corrupt: (reason: string) => Error): Uint8Array {
  try {
    const inflate = zlib ? inflateSync : inflateRawSync;
    const out = inflate(data, { maxOutputLength: Math.max(1, declared) });
    return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ERR_BUFFER_TOO_LARGE' || error instanceof RangeError) throw tooLarge();
    throw corrupt((error as Error).message);
  }
}

/**
 * The deepest nesting of `[`/`{` in JSON text outside strings, found by a linear scan; throws past
 * MAX_JSON_DEPTH so that no recursive reader (JSON.parse's consumers, flattening) overflows the stack.
 */
export function requireJsonDepth(text: string, file: string): void {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > MAX_JSON_DEPTH) {
        throw new SimspecError(`JSON nested deeper than ${MAX_JSON_DEPTH} levels (at character ${i})`, {
          file, expected: `arrays and objects nested at most ${MAX_JSON_DEPTH} deep`, code: 'io.json',
        });
      }
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
}

/** Largest file read whole into memory (a Node Buffer's limit is 2 GiB − 1 on some platforms). */
export const MAX_WHOLE_FILE_BYTES = 2 ** 31 - 1;
const SYSTEM_ROOTS = ['/proc/', '/sys/', '/dev/'];

/**
 * A data file that a reader may open itself (e.g. `.npy` read straight into its final array): its real
 * path is not under /proc, /sys or /dev, and it is a regular file. Returns the real path.
 */
export async function requireRegularDataFile(file: string, what = 'data file'): Promise<string> {
  let real: string;
  try {
    real = await realpath(file);
  } catch {
    throw new SimspecError('file not found', { file, expected: `an existing ${what} (paths are relative to the spec)`, code: 'io.missing' });
  }
  const fail = (problem: string) => new SimspecError(problem, { file, expected: `a regular ${what}`, code: 'io.read' });
  if (SYSTEM_ROOTS.some((root) => real.startsWith(root))) throw fail(`refusing to read ${real} (a system pseudo-file, not data)`);
  let isFile = false;
  try {
    isFile = (await stat(real)).isFile();
  } catch (error) {
    throw fail(`cannot read the file (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  if (!isFile) throw fail('not a regular file');
  return real;
}

/**
 * The bytes of a regular file, at most `maxBytes`: the real path must not be under /proc, /sys or
 * /dev (a `.csv` symlinked to /proc/self/mem), the opened file must be a regular file, and it is
 * read in chunks so a file that grows or lies about its size still stops at the limit.
 */
export async function readFileBounded(file: string, maxBytes: number, what = 'data file'): Promise<Buffer> {
  const fail = (problem: string, expected = `a regular ${what}`) => new SimspecError(problem, { file, expected, code: 'io.read' });
  let real: string;
  try {
    real = await realpath(file);
  } catch {
    throw new SimspecError('file not found', { file, expected: `an existing ${what} (paths are relative to the spec)`, code: 'io.missing' });
  }
  if (SYSTEM_ROOTS.some((root) => real.startsWith(root))) throw fail(`refusing to read ${real} (a system pseudo-file, not data)`);
  let handle;
  try {
    handle = await open(real, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (error) {
    throw fail(`cannot open the file (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  try {
    const st = await handle.stat();
    if (!st.isFile()) throw fail('not a regular file');
    if (st.size > maxBytes) throw fail(`the file is ${formatBytes(st.size)}, past the limit of ${formatBytes(maxBytes)} for reading it whole`, `a ${what} of at most ${formatBytes(maxBytes)}`);
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const chunk = Buffer.allocUnsafe(Math.min(Math.max(st.size - total + 1, 65536), 8 * 2 ** 20));
      let bytesRead: number;
      try {
        ({ bytesRead } = await handle.read(chunk, 0, chunk.length, null));
      } catch (error) {
        throw fail(`cannot read the file (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
      }
      if (bytesRead === 0) break;
      total += bytesRead;
      if (total > maxBytes) throw fail(`the file is larger than the limit of ${formatBytes(maxBytes)} for reading it whole`, `a ${what} of at most ${formatBytes(maxBytes)}`);
      chunks.push(chunk.subarray(0, bytesRead));
    }
    return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, total);
  } finally {
    await handle.close();
  }
}

/**
 * UTF-8 text, strictly: a byte sequence that is not UTF-8 is an error naming the byte offset of the
 * first bad byte (never a silent U+FFFD). A leading byte-order mark is dropped.
 */
export function decodeUtf8Strict(bytes: Uint8Array, file: string, what = 'file'): string {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    const offset = firstInvalidUtf8(bytes);
    throw new SimspecError(`the ${what} is not valid UTF-8: bad byte 0x${(bytes[offset] ?? 0).toString(16).padStart(2, '0')} at byte offset ${offset}`, {
      file, expected: 'UTF-8 text (save the file as UTF-8)', code: 'io.encoding',
    });
  }
}

/** Offset of the first byte that starts an invalid UTF-8 sequence (bytes.length if none). */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i]!;
    let need: number;
    let min: number;
    if (b < 0x80) { i++; continue; }
    else if (b >= 0xc2 && b <= 0xdf) { need = 1; min = 0x80; }
    else if (b >= 0xe0 && b <= 0xef) { need = 2; min = 0x800; }
    else if (b >= 0xf0 && b <= 0xf4) { need = 3; min = 0x10000; }
    else return i;
    let code = b & (0x3f >> need);
    for (let k = 1; k <= need; k++) {
      const c = bytes[i + k];
      if (c === undefined || (c & 0xc0) !== 0x80) return i;
      code = (code << 6) | (c & 0x3f);
    }
    if (code < min || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) return i;
    i += need + 1;
  }
  return bytes.length;
}
