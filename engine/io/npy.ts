/**
 * NumPy .npy reader (format versions 1.0, 2.0, 3.0; numpy.lib.format). The header is a Python
 * dict literal: {'descr': '<f8', 'fortran_order': False, 'shape': (92, 92), }. Data are widened
 * to float64 and returned in C order whatever the file's order; `dtype` keeps the stored type.
 *
 * The header is parsed separately from the data (`parseNpyHeader`, `readNpyHeader`) so that
 * introspection never converts data, and so that a byte range (`readNpyRows`) can be read without
 * loading the whole file — the basis for streaming large activation matrices later.
 */
import { open, type FileHandle } from 'node:fs/promises';
import { SimspecError } from '../core/errors';
import type { NDArray } from '../core/matrix';
import { decodeElements, fortranToC, parseNumpyDescr, product, type ElementType } from './dtype';

export interface NpyHeader {
  descr: string;
  type: ElementType;
  fortranOrder: boolean;
  shape: number[];
  /** Byte offset of the first element. */
  dataOffset: number;
}

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

export function isNpyMagic(bytes: Uint8Array): boolean {
  return MAGIC.every((b, i) => bytes[i] === b);
}

/** Parse the header at the start of `bytes` (which need only hold the header itself). */
export function parseNpyHeader(bytes: Uint8Array, file: string, variable?: string): NpyHeader {
  const context = { file, variable, code: 'io.npy' };
  if (bytes.length < 10 || !isNpyMagic(bytes)) {
    throw new SimspecError('not a .npy file: bad magic bytes', { ...context, expected: 'a file starting with \\x93NUMPY (numpy.save output)' });
  }
  const major = bytes[6]!;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let headerLength: number;
  let headerStart: number;
  if (major === 1) { headerLength = view.getUint16(8, true); headerStart = 10; }
  else if (major === 2 || major === 3) {
    if (bytes.length < 12) throw truncated(file, variable, 'a complete .npy header');
    headerLength = view.getUint32(8, true); headerStart = 12;
  } else {
    throw new SimspecError(`unsupported .npy format version ${major}.${bytes[7]}`, { ...context, expected: 'version 1.0, 2.0 or 3.0' });
  }
  if (bytes.length < headerStart + headerLength) throw truncated(file, variable, `a header of ${headerLength} bytes`);
  const text = new TextDecoder(major === 3 ? 'utf-8' : 'latin1').decode(bytes.subarray(headerStart, headerStart + headerLength));

  const descrMatch = /'descr'\s*:\s*('([^']*)'|\[)/.exec(text);
  const orderMatch = /'fortran_order'\s*:\s*(True|False)/.exec(text);
  const shapeMatch = /'shape'\s*:\s*\(([^)]*)\)/.exec(text);
  if (!descrMatch || !orderMatch || !shapeMatch) {
    throw new SimspecError('malformed .npy header', { ...context, expected: "a header dict with 'descr', 'fortran_order' and 'shape'" });
  }
  if (descrMatch[2] === undefined) {
    throw new SimspecError('unsupported dtype: structured array (record fields)', { file, variable, code: 'io.dtype', expected: 'a plain numeric array' });
  }
  const descr = descrMatch[2];
  const type = parseNumpyDescr(descr, file, variable);
  const shape = shapeMatch[1]!.split(',').map((s) => s.trim()).filter((s) => s.length > 0).map((s) => Number(s.replace(/L$/, '')));
  if (shape.some((d) => !Number.isInteger(d) || d < 0)) {
    throw new SimspecError(`malformed .npy shape (${shapeMatch[1]})`, context);
  }
  return { descr, type, fortranOrder: orderMatch[1] === 'True', shape, dataOffset: headerStart + headerLength };
}

export interface DecodeNpyOptions extends NpyReadOptions {
  /**
   * The bytes are the caller's to give away (e.g. a freshly inflated .npz member): when the data are
   * native-endian float64 in C order at an 8-byte-aligned offset, the result is a view on them, no
   * copy. Without it the result never shares memory with `bytes`.
   */
  adopt?: boolean;
}

/** Decode a whole .npy held in memory (an .npz member; files on disk go through `readNpy`). */
export function decodeNpy(bytes: Uint8Array, file: string, variable?: string, options: DecodeNpyOptions = {}): NpyArray {
  const header = parseNpyHeader(bytes, file, variable);
  const count = product(header.shape);
  const needed = header.dataOffset + count * header.type.size;
  if (bytes.length < needed) {
    throw truncated(file, variable, `${count * header.type.size} data bytes for shape (${header.shape.join(', ')}) ${header.descr}, found ${bytes.length - header.dataOffset}`);
  }
  const check = options.check ?? 'none';
  const start = bytes.byteOffset + header.dataOffset;
  let data: Float64Array;
  if (options.adopt && isNativeFloat64(header.type) && !header.fortranOrder && start % 8 === 0) {
    data = new Float64Array(bytes.buffer, start, count);
  } else {
    data = decodeElements(bytes, header.dataOffset, count, header.type);
    if (header.fortranOrder) data = fortranToC(data, header.shape);
  }
  return withCheck({ shape: header.shape, data, dtype: header.type.dtype }, check, check === 'none' ? -1 : firstNonFiniteIndex(data, 0, data.length, check));
}

/**
 * Read a whole .npy file from disk straight into its final Float64Array, at disk speed: the header is read first, then the data bytes land in place — for
 * native-endian float64 in C order, in the Float64Array's own memory, with no intermediate buffer
 * and no per-element conversion; other dtypes are read once and widened in one pass. Peak memory is
 * the result plus, for non-f64 dtypes, the raw bytes. With `check`, the non-finite scan runs on each
 * block while the next block is being read (see `NpyReadOptions`).
 */
export async function readNpy(path: string, options: NpyReadOptions = {}): Promise<NpyArray> {
  const handle = await open(path, 'r');
  try {
    const fileSize = (await handle.stat()).size;
    const header = await readHeaderFrom(handle, path);
    const count = product(header.shape);
    const dataBytes = count * header.type.size;
    if (fileSize < header.dataOffset + dataBytes) {
      throw truncated(path, undefined, `${dataBytes} data bytes for shape (${header.shape.join(', ')}) ${header.descr}, found ${Math.max(0, fileSize - header.dataOffset)}`);
    }
    const check = options.check ?? 'none';
    if (isNativeFloat64(header.type) && !header.fortranOrder) {
      const data = new Float64Array(count);
      const firstNonFinite = await readFloat64InPlace(handle, path, header.dataOffset, data, check, options.blockBytes ?? READ_BLOCK_BYTES);
      return withCheck({ shape: header.shape, data, dtype: header.type.dtype }, check, firstNonFinite);
    }
    const bytes = new Uint8Array(dataBytes);
    await readFully(handle, path, bytes, header.dataOffset);
    let data = decodeElements(bytes, 0, count, header.type);
    if (header.fortranOrder) data = fortranToC(data, header.shape);
    return withCheck({ shape: header.shape, data, dtype: header.type.dtype }, check, check === 'none' ? -1 : firstNonFiniteIndex(data, 0, data.length, check));
  } finally {
    await handle.close();
  }
}

/**
 * What `readNpy` / `decodeNpy` scan for while reading: 'finite' finds the first NaN or ±Inf,
 * 'no-infinity' the first ±Inf (NaN allowed: missing repeats, RDM diagonals). The index (C order)
 * is returned as `firstNonFinite` so that the caller words the error with its own context (which
 * spec key, what kind of source); -1 when every value passed.
 */
export type NonFiniteCheck = 'none' | 'finite' | 'no-infinity';

export interface NpyReadOptions {
  check?: NonFiniteCheck;
  /** Bytes per block of a checked float64 read (a multiple of 8; default READ_BLOCK_BYTES). */
  blockBytes?: number;
}

export interface NpyArray extends NDArray {
  /** C-order index of the first value failing `check`, -1 if none; absent when no check ran. */
  firstNonFinite?: number;
}

const HOST_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

function isNativeFloat64(type: ElementType): boolean {
  return type.dtype === 'float64' && type.littleEndian === HOST_LITTLE_ENDIAN;
}

function withCheck(array: NDArray, check: NonFiniteCheck, firstNonFinite: number): NpyArray {
  return check === 'none' ? array : { ...array, firstNonFinite };
}

/** First index in [start, end) of `data` failing `check`, or -1. */
export function firstNonFiniteIndex(data: Float64Array, start: number, end: number, check: NonFiniteCheck): number {
  if (check === 'finite') {
    // x − x is 0 for finite x and NaN for NaN and ±Inf: one subtraction and compare per value.
    for (let k = start; k < end; k++) { const v = data[k]!; if (v - v !== 0) return k; }
  } else if (check === 'no-infinity') {
    for (let k = start; k < end; k++) { const v = data[k]!; if (v === Infinity || v === -Infinity) return k; }
  }
  return -1;
}

/**
 * Block size of the checked in-place read. Each block is scanned while libuv reads the next one, so
 * the scan costs little beyond the read. Blocks are large because each read is a round trip to the
 * thread pool: on a loaded machine every wake-up can wait a scheduler slice, and 8 MiB blocks (40
 * reads for 320 MB) measured ~2× slower than 64 MiB ones (bench/load.ts).
 */
export const READ_BLOCK_BYTES = 64 * 2 ** 20;

async function readFloat64InPlace(handle: FileHandle, path: string, position: number, data: Float64Array, check: NonFiniteCheck, blockBytes: number): Promise<number> {
  const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  if (check === 'none') {
    await readFully(handle, path, bytes, position);
    return -1;
  }
  const block = Math.max(8, blockBytes - (blockBytes % 8));
  let firstBad = -1;
  let scanned = 0;
  let offset = 0;
  let pending = bytes.length > 0 ? readFully(handle, path, bytes.subarray(0, Math.min(block, bytes.length)), position) : undefined;
  try {
    while (pending) {
      await pending;
      offset = Math.min(offset + block, bytes.length);
      pending = offset < bytes.length ? readFully(handle, path, bytes.subarray(offset, Math.min(offset + block, bytes.length)), position + offset) : undefined;
      const end = offset / 8;
      if (firstBad < 0) firstBad = firstNonFiniteIndex(data, scanned, end, check);
      scanned = end;
    }
  } finally {
    pending?.catch(() => undefined); // abandoned by an error: never an unhandled rejection
  }
  return firstBad;
}

/** Fill `target` from `position`; reads of more than 1 GiB are split (the kernel caps one read near 2 GiB). */
async function readFully(handle: FileHandle, path: string, target: Uint8Array, position: number): Promise<void> {
  const maxRead = 2 ** 30;
  let done = 0;
  while (done < target.length) {
    const { bytesRead } = await handle.read(target, done, Math.min(maxRead, target.length - done), position + done);
    if (bytesRead === 0) throw truncated(path, undefined, `${target.length} bytes from offset ${position}, the file ended after ${done}`);
    done += bytesRead;
  }
}

async function readHeaderFrom(handle: FileHandle, path: string): Promise<NpyHeader> {
  let size = 4096;
  for (;;) {
    const buffer = new Uint8Array(size);
    const { bytesRead } = await handle.read(buffer, 0, size, 0);
    const bytes = buffer.subarray(0, bytesRead);
    try {
      return parseNpyHeader(bytes, path);
    } catch (e) {
      // A header longer than what we read: read more, unless the file itself ended.
      if (e instanceof SimspecError && e.code === 'io.truncated' && bytesRead === size) { size *= 16; continue; }
      throw e;
    }
  }
}

/** Read only the header (a few hundred bytes) of a .npy file on disk. */
export async function readNpyHeader(path: string): Promise<NpyHeader> {
  const handle = await open(path, 'r');
  try {
    return await readHeaderFrom(handle, path);
  } finally {
    await handle.close();
  }
}

/**
 * Rows [rowStart, rowStart + rowCount) along axis 0 of a C-order .npy, read from disk without
 * loading the rest. The result has shape (rowCount, ...shape[1:]).
 */
export async function readNpyRows(path: string, rowStart: number, rowCount: number): Promise<NDArray> {
  const header = await readNpyHeader(path);
  const [rows = 1, ...rest] = header.shape;
  if (header.fortranOrder) {
    throw new SimspecError('row-range reading needs a C-order array', { file: path, expected: 'fortran_order False', code: 'io.layout' });
  }
  if (rowStart < 0 || rowCount < 0 || rowStart + rowCount > rows) {
    throw new SimspecError(`rows ${rowStart}..${rowStart + rowCount - 1} are out of range`, { file: path, expected: `rows within 0..${rows - 1}`, code: 'io.index' });
  }
  const rowElements = product(rest);
  const byteCount = rowCount * rowElements * header.type.size;
  const handle = await open(path, 'r');
  try {
    const buffer = new Uint8Array(byteCount);
    const { bytesRead } = await handle.read(buffer, 0, byteCount, header.dataOffset + rowStart * rowElements * header.type.size);
    if (bytesRead < byteCount) throw truncated(path, undefined, `${byteCount} bytes for rows ${rowStart}..${rowStart + rowCount - 1}`);
    return { shape: [rowCount, ...rest], data: decodeElements(buffer, 0, rowCount * rowElements, header.type), dtype: header.type.dtype };
  } finally {
    await handle.close();
  }
}

function truncated(file: string, variable: string | undefined, expected: string): SimspecError {
  return new SimspecError('truncated .npy file', { file, variable, expected, code: 'io.truncated' });
}

/**
 * Columns [colStart, colStart + colCount) of a 2-D .npy (rows × cols), read from disk without
 * the other columns: one contiguous read for Fortran order, one read per row for C order. The
 * result has shape (rows, colCount), C order. For streaming Gram matrices over feature blocks.
 */
export async function readNpyColumns(path: string, colStart: number, colCount: number): Promise<NDArray> {
  const header = await readNpyHeader(path);
  if (header.shape.length !== 2) {
    throw new SimspecError(`column blocks need a 2-D array, got shape (${header.shape.join(', ')})`, { file: path, expected: 'a 2-D array', code: 'io.shape' });
  }
  const [rows, cols] = header.shape as [number, number];
  if (colStart < 0 || colCount < 0 || colStart + colCount > cols) {
    throw new SimspecError(`columns ${colStart}..${colStart + colCount - 1} are out of range`, { file: path, expected: `columns within 0..${cols - 1}`, code: 'io.index' });
  }
  const size = header.type.size;
  const out = new Float64Array(rows * colCount);
  const handle = await open(path, 'r');
  try {
    if (header.fortranOrder) {
      const bytes = new Uint8Array(rows * colCount * size);
      const { bytesRead } = await handle.read(bytes, 0, bytes.length, header.dataOffset + colStart * rows * size);
      if (bytesRead < bytes.length) throw truncated(path, undefined, `${bytes.length} bytes for columns ${colStart}..${colStart + colCount - 1}`);
      const block = decodeElements(bytes, 0, rows * colCount, header.type);
      return { shape: [rows, colCount], data: fortranToC(block, [rows, colCount]), dtype: header.type.dtype };
    }
    const segment = new Uint8Array(colCount * size);
    for (let r = 0; r < rows; r++) {
      const { bytesRead } = await handle.read(segment, 0, segment.length, header.dataOffset + (r * cols + colStart) * size);
      if (bytesRead < segment.length) throw truncated(path, undefined, `row ${r} of ${rows}`);
      decodeElements(segment, 0, colCount, header.type, out, r * colCount);
    }
    return { shape: [rows, colCount], data: out, dtype: header.type.dtype };
  } finally {
    await handle.close();
  }
}
