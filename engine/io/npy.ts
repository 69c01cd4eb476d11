/**
 * NumPy .npy reader (format versions 1.0, 2.0, 3.0; numpy.lib.format). The header is a Python
 * dict literal: {'descr': '<f8', 'fortran_order': False, 'shape': (92, 92), }. Data are widened
 * to float64 and returned in C order whatever the file's order; `dtype` keeps the stored type.
 *
 * The header is parsed separately from the data (`parseNpyHeader`, `readNpyHeader`) so that
 * introspection never converts data, and so that a byte range (`readNpyRows`) can be read without
 * loading the whole file — the basis for streaming large activation matrices later.
 */
import { open, readFile } from 'node:fs/promises';
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

/** Decode a whole .npy held in memory. */
export function decodeNpy(bytes: Uint8Array, file: string, variable?: string): NDArray {
  const header = parseNpyHeader(bytes, file, variable);
  const count = product(header.shape);
  const needed = header.dataOffset + count * header.type.size;
  if (bytes.length < needed) {
    throw truncated(file, variable, `${count * header.type.size} data bytes for shape (${header.shape.join(', ')}) ${header.descr}, found ${bytes.length - header.dataOffset}`);
  }
  let data = decodeElements(bytes, header.dataOffset, count, header.type);
  if (header.fortranOrder) data = fortranToC(data, header.shape);
  return { shape: header.shape, data, dtype: header.type.dtype };
}

export async function readNpy(path: string): Promise<NDArray> {
  return decodeNpy(await readFile(path), path);
}

/** Read only the header (a few hundred bytes) of a .npy file on disk. */
export async function readNpyHeader(path: string): Promise<NpyHeader> {
  const handle = await open(path, 'r');
  try {
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
