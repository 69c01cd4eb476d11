/**
 * NIfTI-1/-2 volumes (`.nii`, `.nii.gz`) on nifti-reader-js (header parsing, the affine from sform or
 * qform). Gzip goes through node's zlib with the decompression cap of engine/io/limits.ts, so a small
 * hostile `.nii.gz` cannot inflate past it. Voxels keep the file's own order (x fastest, then y, z),
 * so voxel index v = i + nx·(j + ny·k); a 4-D file is read as volumes × voxels (one row per volume, so
 * a source `{ file: betas.nii.gz }` is stimuli × voxels for the metrics), a 3-D one as 1 × voxels.
 * `readNiftiHeaderSync` reads only the header (a prefix of the stream) and is what checks use; both
 * it and `readNifti` refuse the same things with the same words, so check and run agree.
 */
import { closeSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
import { constants as zlibConstants, gunzipSync } from 'node:zlib';
import { SimspecError } from '../core/errors';
import { decompressedCap, formatBytes, readFileBounded, MAX_WHOLE_FILE_BYTES } from './limits';

export interface NiftiHeader {
  /** Spatial and later dimensions as stored (dim[1..dim[0]]), trailing 1s kept as written. */
  dims: number[];
  /** Voxel size in the units of the affine (pixdim[1..3]). */
  voxelSize: [number, number, number];
  /** 4 × 4 voxel → world (mm) matrix, row-major: sform when sform_code > 0, else qform, else pixdim scaling. */
  affine: number[][];
  datatypeCode: number;
  /** Voxels per volume (nx·ny·nz). */
  voxels: number;
  /** Volumes (product of dims past the third; 1 for a 3-D file). */
  volumes: number;
}

export interface NiftiVolume {
  header: NiftiHeader;
  /** volumes × voxels, voxels in the file's order (x fastest); scaled by scl_slope/scl_inter when set. */
  data: Float64Array;
}

type NiftiReader = typeof import('nifti-reader-js');
let reader: NiftiReader | undefined;
let loading: Promise<NiftiReader> | undefined;

/**
 * Load nifti-reader-js (an ES-module-only package, so a dynamic import from our CommonJS build). The
 * async readers await it themselves; `checkSemantics` awaits it before the families' synchronous
 * checks, which read headers with `readNiftiHeaderSync`.
 */
export function loadNiftiReader(): Promise<NiftiReader> {
  loading ??= import('nifti-reader-js').then((m) => (reader = m));
  return loading;
}

function niftiReader(): NiftiReader {
  if (!reader) throw new Error('internal: loadNiftiReader() must be awaited before reading a NIfTI header synchronously');
  return reader;
}

export function isNiftiPath(file: string): boolean {
  return /\.nii(\.gz)?$/i.test(file);
}

const GZIP = (b: Uint8Array) => b.length >= 2 && b[0] === 0x1f && b[1] === 0x8b;

function notNifti(file: string, why: string): SimspecError {
  return new SimspecError(`not a NIfTI file (${why})`, { file, expected: 'a NIfTI-1 or NIfTI-2 volume (.nii or .nii.gz)', code: 'io.nifti' });
}

const BYTES_PER_TYPE: Record<number, number> = { 2: 1, 4: 2, 8: 4, 16: 4, 64: 8, 256: 1, 512: 2, 768: 4, 1024: 8, 1280: 8 };

function toArrayBuffer(bytes: Uint8Array): ArrayBuffer {
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
}

/** The header of NIfTI bytes (the full file or at least its first 540 bytes, inflated). */
function parseHeader(bytes: Uint8Array, file: string): { header: NiftiHeader; raw: InstanceType<NiftiReader['NIFTI1']> | InstanceType<NiftiReader['NIFTI2']> } {
  const nifti = niftiReader();
  const buffer = toArrayBuffer(bytes.subarray(0, Math.min(bytes.length, 544)));
  if (!nifti.isNIFTI(buffer)) throw notNifti(file, bytes.length < 348 ? 'shorter than a NIfTI header' : 'no NIfTI magic');
  const raw = nifti.readHeader(buffer);
  if (!raw) throw notNifti(file, 'unreadable header');
  const rank = raw.dims[0]!;
  if (!(rank >= 1 && rank <= 7)) throw notNifti(file, `dim[0] = ${rank}`);
  const dims = raw.dims.slice(1, 1 + rank).map(Number);
  if (dims.some((d) => !Number.isInteger(d) || d < 1)) throw notNifti(file, `dimensions (${dims.join(', ')})`);
  if (!(raw.datatypeCode in BYTES_PER_TYPE) || raw.datatypeCode === 1280 /* uint64 */ || raw.datatypeCode === 1024 /* int64 */) {
    throw new SimspecError(`unsupported NIfTI datatype code ${raw.datatypeCode}`, { file, expected: 'uint8, int8, int16, uint16, int32, uint32, float32 or float64 voxels', code: 'io.dtype' });
  }
  const full = [...dims, 1, 1, 1];
  const voxels = full[0]! * full[1]! * full[2]!;
  const volumes = dims.slice(3).reduce((a, b) => a * b, 1);
  const pix = raw.pixDims.slice(1, 4).map((v) => Math.abs(Number(v)) || 1) as [number, number, number];
  const affine = raw.affine.map((row) => row.map(Number));
  const header: NiftiHeader = { dims, voxelSize: pix, affine, datatypeCode: raw.datatypeCode, voxels, volumes };
  return { header, raw };
}

/** The header only: a prefix of the file (inflated when gzipped). Synchronous, for checks. */
export function readNiftiHeaderSync(file: string): NiftiHeader {
  let prefix: Buffer;
  let fd: number;
  try {
    if (!statSync(file).isFile()) throw new Error('not a file');
    fd = openSync(file, 'r');
  } catch {
    throw new SimspecError('file not found', { file, expected: 'an existing NIfTI file (paths are relative to the spec)', code: 'io.missing' });
  }
  try {
    const head = Buffer.alloc(64 * 1024);
    const got = readSync(fd, head, 0, head.length, 0);
    prefix = head.subarray(0, got);
  } finally {
    closeSync(fd);
  }
  let bytes: Uint8Array = prefix;
  if (GZIP(prefix)) {
    try {
      bytes = gunzipSync(prefix, { finishFlush: zlibConstants.Z_SYNC_FLUSH, maxOutputLength: 1 << 20 });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ERR_BUFFER_TOO_LARGE') throw notNifti(file, `bad gzip stream: ${(e as Error).message}`);
      bytes = gunzipSync(prefix.subarray(0, 4096), { finishFlush: zlibConstants.Z_SYNC_FLUSH });
    }
  }
  return parseHeader(bytes, file).header;
}

/** Inflate a .nii.gz within the decompression cap. */
function inflate(bytes: Uint8Array, file: string): Uint8Array {
  const cap = Math.min(decompressedCap(), MAX_WHOLE_FILE_BYTES);
  try {
    const out = gunzipSync(bytes, { maxOutputLength: cap });
    return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ERR_BUFFER_TOO_LARGE' || e instanceof RangeError) {
      throw new SimspecError(`the gzip stream inflates past ${formatBytes(cap)} (the decompression cap)`, { file, expected: 'a smaller volume, or a larger SIMSPEC_MAX_DECOMPRESSED_BYTES', code: 'io.limit' });
    }
    throw notNifti(file, `bad gzip stream: ${(e as Error).message}`);
  }
}

/** Header and voxels of a NIfTI file (volumes × voxels, float64). */
export async function readNifti(file: string): Promise<NiftiVolume> {
  await loadNiftiReader();
  const stored = await readFileBounded(file, MAX_WHOLE_FILE_BYTES, 'NIfTI file');
  const bytes = GZIP(stored) ? inflate(stored, file) : new Uint8Array(stored.buffer, stored.byteOffset, stored.byteLength);
  return decodeNifti(bytes, file);
}

/** Decode NIfTI bytes (already inflated). */
export function decodeNifti(bytes: Uint8Array, file: string): NiftiVolume {
  const { header, raw } = parseHeader(bytes, file);
  const count = header.voxels * header.volumes;
  const width = BYTES_PER_TYPE[header.datatypeCode]!;
  const offset = Math.max(0, Math.floor(raw.vox_offset));
  if (offset + count * width > bytes.length) {
    throw new SimspecError(`the header declares ${count} voxels (${header.dims.join(' × ')}) at offset ${offset}, but the file holds ${bytes.length} bytes`, { file, expected: 'a complete NIfTI file', code: 'io.truncated' });
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset + offset, count * width);
  const le = raw.littleEndian;
  const data = new Float64Array(count);
  const get: (k: number) => number = {
    2: (k: number) => view.getUint8(k),
    256: (k: number) => view.getInt8(k),
    4: (k: number) => view.getInt16(k * 2, le),
    512: (k: number) => view.getUint16(k * 2, le),
    8: (k: number) => view.getInt32(k * 4, le),
    768: (k: number) => view.getUint32(k * 4, le),
    16: (k: number) => view.getFloat32(k * 4, le),
    64: (k: number) => view.getFloat64(k * 8, le),
  }[header.datatypeCode]!;
  const slope = Number(raw.scl_slope);
  const inter = Number(raw.scl_inter) || 0;
  const scaled = Number.isFinite(slope) && slope !== 0 && !(slope === 1 && inter === 0);
  for (let k = 0; k < count; k++) data[k] = scaled ? get(k) * slope + inter : get(k);
  return { header, data };
}

/** World (mm) coordinates of voxel (i, j, k) under the affine. */
export function voxelToWorld(affine: number[][], ijk: readonly number[]): [number, number, number] {
  const [i, j, k] = ijk as [number, number, number];
  return [0, 1, 2].map((r) => affine[r]![0]! * i + affine[r]![1]! * j + affine[r]![2]! * k + affine[r]![3]!) as [number, number, number];
}

/**
 * A NIfTI-1 single-file image (.nii, uncompressed) of float32 voxels in file order (x fastest), with
 * `affine` as sform (code 2, aligned) and pixdim from its column norms; `volumes` > 1 makes it 4-D.
 */
export function encodeNifti(dims: readonly [number, number, number], affine: number[][], data: ArrayLike<number>, volumes = 1, description = 'simspec'): Uint8Array {
  const voxels = dims[0] * dims[1] * dims[2];
  if (data.length !== voxels * volumes) throw new Error(`encodeNifti: ${data.length} values for ${voxels} voxels × ${volumes}`);
  const out = new Uint8Array(352 + data.length * 4);
  const v = new DataView(out.buffer);
  v.setInt32(0, 348, true);
  const rank = volumes > 1 ? 4 : 3;
  const dim = [rank, dims[0], dims[1], dims[2], volumes, 1, 1, 1];
  dim.forEach((d, k) => v.setInt16(40 + 2 * k, d, true));
  v.setInt16(70, 16, true); // float32
  v.setInt16(72, 32, true);
  const pix = [1, ...[0, 1, 2].map((c) => Math.hypot(affine[0]![c]!, affine[1]![c]!, affine[2]![c]!)), 1, 1, 1, 1];
  pix.forEach((p, k) => v.setFloat32(76 + 4 * k, p, true));
  v.setFloat32(108, 352, true); // vox_offset
  v.setFloat32(112, 1, true); // scl_slope
  v.setFloat32(116, 0, true);
  v.setUint8(123, 2 | 8); // xyzt_units: mm, s
  const text = new TextEncoder().encode(description.slice(0, 79));
  out.set(text, 148);
  v.setInt16(252, 0, true); // qform_code
  v.setInt16(254, 2, true); // sform_code: aligned
  for (let r = 0; r < 3; r++) for (let c = 0; c < 4; c++) v.setFloat32(280 + 4 * (r * 4 + c), affine[r]![c]!, true);
  out.set(new TextEncoder().encode('n+1\0'), 344);
  for (let k = 0; k < data.length; k++) v.setFloat32(352 + 4 * k, data[k]!, true);
  return out;
}

/** Most bytes of a NIfTI read synchronously (masks, for checks): past this, read it with `readNifti`. */
const MAX_SYNC_NIFTI_BYTES = 256 * 2 ** 20;

/**
 * Header and voxels, synchronously (brain masks, read by the searchlight family's check and run
 * alike). `loadNiftiReader()` must have been awaited.
 */
export function readNiftiSync(file: string): NiftiVolume {
  let stored: Buffer;
  try {
    const st = statSync(file);
    if (!st.isFile()) throw new Error('not a file');
    if (st.size > MAX_SYNC_NIFTI_BYTES) {
      throw new SimspecError(`a mask of ${formatBytes(st.size)} is larger than ${formatBytes(MAX_SYNC_NIFTI_BYTES)}`, { file, expected: 'a 3-D mask volume', code: 'io.limit' });
    }
    stored = readFileSync(file);
  } catch (e) {
    if (e instanceof SimspecError) throw e;
    throw new SimspecError('file not found', { file, expected: 'an existing NIfTI file (paths are relative to the spec)', code: 'io.missing' });
  }
  const bytes = GZIP(stored) ? inflate(stored, file) : new Uint8Array(stored.buffer, stored.byteOffset, stored.byteLength);
  return decodeNifti(bytes, file);
}
