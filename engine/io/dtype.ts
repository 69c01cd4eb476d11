/**
 * Numeric element types shared by the binary readers (npy/npz, MAT v5, HDF5): parse numpy dtype
 * descriptors ('<f8', '>i4', '|b1', ...) and widen raw bytes of any supported type to float64.
 * Complex, object (pickled), structured, string and datetime dtypes are rejected with a
 * SimspecError: simspec compares real-valued responses, and guessing a conversion would hide data
 * problems.
 */
import { SimspecError } from '../core/errors';

export type NumericDtype =
  | 'bool' | 'int8' | 'uint8' | 'int16' | 'uint16' | 'int32' | 'uint32' | 'int64' | 'uint64'
  | 'float16' | 'float32' | 'float64';

export interface ElementType {
  dtype: NumericDtype;
  /** Bytes per element. */
  size: number;
  littleEndian: boolean;
}

const KIND_SIZE: Record<string, NumericDtype | undefined> = {
  b1: 'bool', i1: 'int8', u1: 'uint8', i2: 'int16', u2: 'uint16', i4: 'int32', u4: 'uint32',
  i8: 'int64', u8: 'uint64', f2: 'float16', f4: 'float32', f8: 'float64',
};

export const DTYPE_SIZE: Record<NumericDtype, number> = {
  bool: 1, int8: 1, uint8: 1, int16: 2, uint16: 2, int32: 4, uint32: 4, int64: 8, uint64: 8,
  float16: 2, float32: 4, float64: 8,
};

const SUPPORTED = 'a real numeric or bool dtype (bool, int8–int64, uint8–uint64, float16/32/64)';

/** Parse a numpy `descr` string such as '<f8'. Throws io.dtype for anything non-numeric. */
export function parseNumpyDescr(descr: string, file: string, variable?: string): ElementType {
  const m = /^([<>|=]?)([a-zA-Z])(\d*)$/.exec(descr);
  const context = { file, variable, expected: SUPPORTED, code: 'io.dtype' };
  if (!m) throw new SimspecError(`unsupported dtype ${JSON.stringify(descr)} (structured or unparsable)`, context);
  const [, order, kind, digits] = m;
  const key = `${kind}${digits}`;
  const dtype = KIND_SIZE[key];
  if (!dtype) {
    const what = kindName(kind!);
    throw new SimspecError(`unsupported dtype '${descr}'${what ? ` (${what})` : ''}`, context);
  }
  // '=' is native order; numpy writes '<' or '|' on every platform simspec runs on (little-endian).
  return { dtype, size: DTYPE_SIZE[dtype], littleEndian: order !== '>' };
}

function kindName(kind: string): string | undefined {
  switch (kind) {
    case 'c': return 'complex numbers';
    case 'O': return 'Python objects, stored pickled';
    case 'M': return 'datetime';
    case 'm': return 'timedelta';
    case 'U': case 'S': case 'a': return 'text';
    case 'V': return 'raw void / structured record';
    default: return undefined;
  }
}

/** IEEE 754 half precision to double. */
export function halfToDouble(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exponent = (h >> 10) & 0x1f;
  const fraction = h & 0x3ff;
  if (exponent === 0) return sign * fraction * 2 ** -24;
  if (exponent === 31) return fraction ? NaN : sign * Infinity;
  return sign * (1 + fraction / 1024) * 2 ** (exponent - 15);
}

/**
 * Widen `count` elements of type `type` starting at `bytes[offset]` into `out[outOffset...]`.
 * Uses a DataView so any alignment and either byte order works; 64-bit integers lose precision
 * beyond 2^53 exactly as numpy's astype(float64) does.
 */
const HOST_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

type TypedArrayConstructor = new (buffer: ArrayBufferLike, byteOffset: number, length: number) => ArrayLike<number>;
const NATIVE: Partial<Record<NumericDtype, TypedArrayConstructor>> = {
  int8: Int8Array, uint8: Uint8Array, int16: Int16Array, uint16: Uint16Array, int32: Int32Array,
  uint32: Uint32Array, float32: Float32Array, float64: Float64Array,
};

/**
 * Widen `count` elements of type `type` starting at `bytes[offset]` into `out[outOffset...]`.
 * Host-order types go through a typed-array view (copying first if misaligned); other orders,
 * bool, float16 and 64-bit integers through a DataView. 64-bit integers lose precision beyond
 * 2^53 exactly as numpy's astype(float64) does.
 */
export function decodeElements(
  bytes: Uint8Array, offset: number, count: number, type: ElementType,
  out: Float64Array = new Float64Array(count), outOffset = 0,
): Float64Array {
  const native = NATIVE[type.dtype];
  if (native && (type.size === 1 || type.littleEndian === HOST_LITTLE_ENDIAN)) {
    let start = bytes.byteOffset + offset;
    let buffer = bytes.buffer;
    if (start % type.size !== 0) {
      buffer = bytes.slice(offset, offset + count * type.size).buffer;
      start = 0;
    }
    out.set(new native(buffer, start, count) as unknown as ArrayLike<number>, outOffset);
    return out;
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset + offset, count * type.size);
  const le = type.littleEndian;
  const o = outOffset;
  switch (type.dtype) {
    case 'bool': for (let i = 0; i < count; i++) out[o + i] = view.getUint8(i) !== 0 ? 1 : 0; break;
    case 'int8': for (let i = 0; i < count; i++) out[o + i] = view.getInt8(i); break;
    case 'uint8': for (let i = 0; i < count; i++) out[o + i] = view.getUint8(i); break;
    case 'int16': for (let i = 0; i < count; i++) out[o + i] = view.getInt16(2 * i, le); break;
    case 'uint16': for (let i = 0; i < count; i++) out[o + i] = view.getUint16(2 * i, le); break;
    case 'int32': for (let i = 0; i < count; i++) out[o + i] = view.getInt32(4 * i, le); break;
    case 'uint32': for (let i = 0; i < count; i++) out[o + i] = view.getUint32(4 * i, le); break;
    case 'int64': for (let i = 0; i < count; i++) out[o + i] = Number(view.getBigInt64(8 * i, le)); break;
    case 'uint64': for (let i = 0; i < count; i++) out[o + i] = Number(view.getBigUint64(8 * i, le)); break;
    case 'float16': for (let i = 0; i < count; i++) out[o + i] = halfToDouble(view.getUint16(2 * i, le)); break;
    case 'float32': for (let i = 0; i < count; i++) out[o + i] = view.getFloat32(4 * i, le); break;
    case 'float64': for (let i = 0; i < count; i++) out[o + i] = view.getFloat64(8 * i, le); break;
  }
  return out;
}

export function product(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/**
 * Reorder column-major (Fortran / MATLAB) data of `shape` into row-major (C) order.
 * out[c-index(i0..ik)] = data[f-index(i0..ik)].
 */
export function fortranToC(data: Float64Array, shape: readonly number[]): Float64Array {
  const nonSingleton = shape.filter((d) => d > 1).length;
  if (nonSingleton <= 1) return data; // vectors and scalars are laid out the same either way
  const n = data.length;
  const out = new Float64Array(n);
  const k = shape.length;
  // Column-major strides; the last C dimension is walked in a tight loop, the others by odometer.
  const fStride = new Array<number>(k);
  let s = 1;
  for (let d = 0; d < k; d++) { fStride[d] = s; s *= shape[d]!; }
  const last = shape[k - 1]!;
  const lastStride = fStride[k - 1]!;
  const index = new Array<number>(k).fill(0);
  let f = 0;
  for (let c = 0; c < n; c += last) {
    for (let j = 0, q = f; j < last; j++, q += lastStride) out[c + j] = data[q]!;
    for (let d = k - 2; d >= 0; d--) {
      index[d]!++;
      f += fStride[d]!;
      if (index[d]! < shape[d]!) break;
      f -= fStride[d]! * shape[d]!;
      index[d] = 0;
    }
  }
  return out;
}
