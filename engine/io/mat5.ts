/**
 * MATLAB Level 5 MAT-file reader (MathWorks, "MAT-File Format", R2019b): 128-byte header, then
 * tagged data elements; miCOMPRESSED elements are zlib streams holding one miMATRIX each (inflated
 * never past the size the inner tag declares, within the file's decompression budget:
 * engine/io/limits.ts). Numeric, logical and char arrays, structs and cells are parsed into a DataNode tree;
 * numeric payloads stay as references into the inflated bytes until read, so introspection never
 * converts data. Numbers are stored column-major and are returned in C order; MATLAB shapes keep
 * their ≥2 dimensions, and dtype is the MATLAB class (double → float64, even when MATLAB stored
 * the values in a narrower type to save space). Sparse, complex, object, function and opaque
 * (string/table/datetime object) arrays are reported as unsupported. v7.3 files are HDF5 and are
 * routed to the HDF5 reader by the caller (`isMat73`).
 *
 * mat-for-js was evaluated and not used: GPL-3.0 (the extension is MIT), it converts every array
 * to nested JS arrays (no introspection without conversion, vector shapes squeezed, dtype lost) and
 * took 2.4 s on Kriegeskorte_Neuron2008_supplementalData.mat.
 */
import { Unzlib } from 'fflate';
import { SimspecError } from '../core/errors';
import { decodeElements, fortranToC, product, type ElementType, type NumericDtype } from './dtype';
import { DecompressionBudget, formatBytes, inflateAtMost } from './limits';
import type { DataNode } from './tree';

/** The first `bytes` (or a few more) inflated bytes of a zlib stream, inflating 4 KiB of input at a time. */
function inflatePrefix(data: Uint8Array, bytes: number, reader: { corrupt(problem: string): SimspecError }): Uint8Array {
  const pieces: Uint8Array[] = [];
  let have = 0;
  const inflater = new Unzlib((chunk) => { pieces.push(chunk); have += chunk.length; });
  try {
    for (let pos = 0; pos < data.length && have < bytes; pos += 4096) inflater.push(data.subarray(pos, pos + 4096), pos + 4096 >= data.length);
  } catch (e) {
    throw reader.corrupt(`compressed element cannot be inflated (${(e as Error).message})`);
  }
  const out = new Uint8Array(have);
  let o = 0;
  for (const piece of pieces) { out.set(piece, o); o += piece.length; }
  return out;
}

const MI: Record<number, NumericDtype | undefined> = {
  1: 'int8', 2: 'uint8', 3: 'int16', 4: 'uint16', 5: 'int32', 6: 'uint32', 7: 'float32', 9: 'float64', 12: 'int64', 13: 'uint64',
};
const MI_MATRIX = 14;
const MI_COMPRESSED = 15;
const MI_UTF8 = 16;
const MI_UTF16 = 17;
const MI_UTF32 = 18;
const SIZE: Record<NumericDtype, number> = {
  bool: 1, int8: 1, uint8: 1, int16: 2, uint16: 2, int32: 4, uint32: 4, int64: 8, uint64: 8, float16: 2, float32: 4, float64: 8,
};
const CLASS: Record<number, NumericDtype | undefined> = {
  6: 'float64', 7: 'float32', 8: 'int8', 9: 'uint8', 10: 'int16', 11: 'uint16', 12: 'int32', 13: 'uint32', 14: 'int64', 15: 'uint64',
};
const MX_CELL = 1, MX_STRUCT = 2, MX_OBJECT = 3, MX_CHAR = 4, MX_SPARSE = 5;

const HDF5_SIGNATURE = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a];

/** A v7.3 MAT-file: 'MATLAB 7.3' header text and an HDF5 superblock after a 512-byte user block. */
export function isMat73(bytes: Uint8Array): boolean {
  const text = new TextDecoder('latin1').decode(bytes.subarray(0, 19));
  return text.startsWith('MATLAB 7.3') || HDF5_SIGNATURE.every((b, i) => bytes[512 + i] === b);
}

interface Element { type: number; data: Uint8Array }

class Reader {
  readonly le: boolean;
  constructor(readonly file: string, littleEndian: boolean) { this.le = littleEndian; }

  corrupt(problem: string, variable?: string): SimspecError {
    return new SimspecError(`corrupt MAT-file: ${problem}`, { file: this.file, variable, expected: 'a complete MAT v5 file as written by MATLAB save or scipy.io.savemat', code: 'io.mat' });
  }

  /** Data elements in bytes[start, end): (type, payload) pairs, honouring the small-element format. */
  *elements(bytes: Uint8Array, start: number, end: number, variable?: string): Generator<Element & { next: number }> {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    let p = start;
    while (p < end) {
      if (p + 8 > end) throw this.corrupt(`truncated element tag at byte ${p}`, variable);
      const first = view.getUint32(p, this.le);
      if (first >>> 16 !== 0) {
        // Small data element: 2-byte size, 2-byte type, up to 4 bytes of data in the tag itself.
        const type = first & 0xffff;
        const n = first >>> 16;
        if (n > 4) throw this.corrupt(`small element at byte ${p} claims ${n} bytes`, variable);
        yield { type, data: bytes.subarray(p + 4, p + 4 + n), next: p + 8 };
        p += 8;
        continue;
      }
      const n = view.getUint32(p + 4, this.le);
      if (p + 8 + n > end) throw this.corrupt(`truncated element at byte ${p} (needs ${n} bytes, ${end - p - 8} left)`, variable);
      const next = first === MI_COMPRESSED ? p + 8 + n : p + 8 + Math.ceil(n / 8) * 8;
      yield { type: first, data: bytes.subarray(p + 8, p + 8 + n), next };
      p = next;
    }
  }

  subelements(data: Uint8Array, variable?: string): Element[] {
    return [...this.elements(data, 0, data.length, variable)];
  }

  ints(e: Element | undefined, what: string, variable?: string): number[] {
    if (!e) throw this.corrupt(`missing ${what}`, variable);
    const dtype = MI[e.type];
    if (!dtype || dtype.startsWith('float')) throw this.corrupt(`${what} has element type ${e.type}`, variable);
    return Array.from(decodeElements(e.data, 0, Math.floor(e.data.length / SIZE[dtype]), this.type(dtype)));
  }

  type(dtype: NumericDtype): ElementType { return { dtype, size: SIZE[dtype], littleEndian: this.le }; }

  text(e: Element): string {
    const decoder = e.type === MI_UTF8 || e.type === 1 || e.type === 2 ? new TextDecoder('utf-8')
      : e.type === MI_UTF16 || e.type === 4 ? new TextDecoder(this.le ? 'utf-16le' : 'utf-16be') : undefined;
    if (decoder) return decoder.decode(e.data);
    if (e.type === MI_UTF32) {
      const v = new DataView(e.data.buffer, e.data.byteOffset, e.data.byteLength);
      let s = '';
      for (let i = 0; i + 4 <= e.data.length; i += 4) s += String.fromCodePoint(v.getUint32(i, this.le));
      return s;
    }
    throw this.corrupt(`char data has element type ${e.type}`);
  }

  /** Parse the payload of one miMATRIX element. */
  matrix(data: Uint8Array, variable: string): { name: string; node: DataNode } {
    if (data.length === 0) return { name: '', node: emptyNumeric() };
    const parts = this.subelements(data, variable);
    const flags = this.ints(parts[0], 'array flags', variable);
    const flagWord = flags[0]! >>> 0;
    const mxClass = flagWord & 0xff;
    const complex = (flagWord & 0x800) !== 0;
    const logical = (flagWord & 0x200) !== 0;
    const shape = this.ints(parts[1], 'dimensions', variable);
    const name = parts[2] ? new TextDecoder('latin1').decode(parts[2].data) : '';
    const here = variable || name;
    const count = product(shape);

    if (mxClass === MX_CHAR) {
      const chars = parts[3] ? [...this.text(parts[3])] : [];
      return { name, node: { kind: 'string', shape, strings: charRows(chars, shape) } };
    }
    if (mxClass === MX_CELL) {
      const elements = parts.slice(3).map((p, k) => {
        if (p.type !== MI_MATRIX) throw this.corrupt(`cell element ${k} is not a matrix`, here);
        return this.matrix(p.data, `${here}{${k}}`).node;
      });
      if (elements.length !== count) throw this.corrupt(`cell array of shape (${shape.join(', ')}) holds ${elements.length} elements`, here);
      return { name, node: { kind: 'cell', shape, elements: fortranOrderToC(elements, shape) } };
    }
    if (mxClass === MX_STRUCT) {
      const fieldLength = this.ints(parts[3], 'field name length', here)[0]!;
      const namesElement = parts[4];
      if (!namesElement || fieldLength <= 0) throw this.corrupt('missing struct field names', here);
      const fields: string[] = [];
      for (let p = 0; p + fieldLength <= namesElement.data.length; p += fieldLength) {
        const raw = namesElement.data.subarray(p, p + fieldLength);
        const zero = raw.indexOf(0);
        fields.push(new TextDecoder('latin1').decode(zero >= 0 ? raw.subarray(0, zero) : raw));
      }
      const values = parts.slice(5);
      if (values.length !== count * fields.length) throw this.corrupt(`struct of shape (${shape.join(', ')}) with ${fields.length} fields holds ${values.length} values`, here);
      const elements: Record<string, DataNode>[] = [];
      for (let k = 0; k < count; k++) {
        const element: Record<string, DataNode> = {};
        fields.forEach((f, j) => { element[f] = this.matrix(values[k * fields.length + j]!.data, `${here}.${f}`).node; });
        elements.push(element);
      }
      return { name, node: { kind: 'struct', shape, fields, elements: fortranOrderToC(elements, shape) } };
    }
    const dtype = CLASS[mxClass];
    const unsupported = (reason: string): { name: string; node: DataNode } => ({ name, node: { kind: 'unsupported', shape, reason } });
    if (mxClass === MX_SPARSE) return unsupported('sparse matrix; save it with full(...) or as a dense array');
    if (mxClass === MX_OBJECT) return unsupported('MATLAB object');
    if (!dtype) return unsupported(mxClass === 16 ? 'function handle' : mxClass === 17 ? 'MATLAB opaque object (string, table, datetime, ...)' : `MATLAB class ${mxClass}`);
    if (complex) return { name, node: { kind: 'unsupported', shape, dtype, reason: 'complex numbers' } };
    const real = parts[3];
    if (!real) throw this.corrupt('numeric array without data', here);
    const stored = MI[real.type];
    if (!stored) throw this.corrupt(`numeric data has element type ${real.type}`, here);
    if (real.data.length < count * SIZE[stored]) throw this.corrupt(`numeric data has ${real.data.length} bytes, shape (${shape.join(', ')}) needs ${count * SIZE[stored]}`, here);
    const storage = this.type(stored);
    return {
      name,
      node: { kind: 'numeric', shape, dtype: logical ? 'bool' : dtype, read: () => fortranToC(decodeElements(real.data, 0, count, storage), shape) },
    };
  }
}

function emptyNumeric(): DataNode {
  return { kind: 'numeric', shape: [0, 0], dtype: 'float64', read: () => new Float64Array(0) };
}

/** Rows of a column-major char array as strings (trailing blanks kept, as MATLAB pads rows). */
function charRows(chars: string[], shape: number[]): string[] {
  const rows = shape[0] ?? 0;
  if (rows === 0) return [];
  const cols = chars.length / rows;
  const out: string[] = [];
  for (let i = 0; i < rows; i++) {
    let s = '';
    for (let j = 0; j < cols; j++) s += chars[i + rows * j] ?? '';
    out.push(s);
  }
  return out;
}

/** Reorder a column-major element list into C order of `shape`. */
function fortranOrderToC<T>(items: T[], shape: number[]): T[] {
  const index = fortranToC(Float64Array.from(items, (_, k) => k), shape);
  return Array.from(index, (k) => items[k]!);
}

/** Parse every top-level variable of a MAT v5 file held in memory. */
export function parseMat5(bytes: Uint8Array, file: string): Map<string, DataNode> {
  const header = (problem: string) => new SimspecError(`not a MAT v5 file: ${problem}`, {
    file, expected: "a 128-byte header starting 'MATLAB 5.0 MAT-file' with endian mark 'IM' or 'MI' (v4 files are not supported)", code: 'io.mat',
  });
  if (bytes.length < 128) throw header('shorter than its 128-byte header');
  const mark = String.fromCharCode(bytes[126]!, bytes[127]!);
  if (mark !== 'IM' && mark !== 'MI') throw header(`endian mark is ${JSON.stringify(mark)}`);
  const text = new TextDecoder('latin1').decode(bytes.subarray(0, 10));
  if (!text.startsWith('MATLAB')) throw header('header text does not start with MATLAB');
  const reader = new Reader(file, mark === 'IM');
  const budget = new DecompressionBudget(file);
  const roots = new Map<string, DataNode>();
  for (const element of reader.elements(bytes, 128, bytes.length)) {
    let matrix = element;
    if (element.type === MI_COMPRESSED) {
      // The inner element's tag (its first 8 inflated bytes) declares its size: charge it to the
      // file's budget, then never inflate past it (a bomb fails before its memory is taken).
      const tag = inflatePrefix(element.data, 8, reader);
      if (tag.length < 8) throw reader.corrupt('compressed element is shorter than one element tag');
      const declared = 8 + Math.ceil(new DataView(tag.buffer, tag.byteOffset, 8).getUint32(4, reader.le) / 8) * 8;
      budget.charge(declared, 'a compressed MAT-file element');
      const inflated = inflateAtMost(
        element.data,
        declared,
        true,
        () => reader.corrupt(`compressed element inflates past the ${formatBytes(declared)} its tag declares`),
        (reason) => reader.corrupt(`compressed element cannot be inflated (${reason})`),
      );
      const inner = reader.subelements(inflated);
      if (inner.length !== 1) throw reader.corrupt('compressed element does not hold exactly one matrix');
      matrix = { ...inner[0]!, next: element.next };
    }
    if (matrix.type !== MI_MATRIX) continue; // MATLAB writes nothing else at top level; skip rather than guess
    const { name, node } = reader.matrix(matrix.data, '');
    if (name && !name.startsWith('__')) roots.set(name, node);
  }
  return roots;
}
