/**
 * Minimal ZIP reader for .npz archives: the central directory is read from the end of the file
 * and each member is read on its own, so listing an archive of large arrays touches only a few
 * kilobytes. Methods 0 (stored, np.savez) and 8 (deflate, np.savez_compressed) are supported,
 * with ZIP64 sizes and offsets (numpy writes ZIP64 for members past 2 GiB). Inflation is fflate's;
 * the CRC-32 of each member is checked so corruption never passes silently. Sizes are distrusted:
 * a record pointing past the end of the file is corrupt, the local and central headers must agree,
 * and a member is never inflated past the size it declares nor past the decompression cap
 * (engine/io/limits.ts).
 */
import { open, type FileHandle } from 'node:fs/promises';
import { Inflate } from 'fflate';
import { SimspecError } from '../core/errors';
import { DecompressionBudget, formatBytes, inflateAtMost } from './limits';

export interface ZipEntry {
  name: string;
  method: number;
  compressedSize: number;
  uncompressedSize: number;
  crc32: number;
  localHeaderOffset: number;
}

const EOCD = 0x06054b50;
const EOCD64_LOCATOR = 0x07064b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;

function notZip(file: string, detail: string): SimspecError {
  return new SimspecError(`not a valid .npz (zip) archive: ${detail}`, {
    file, expected: 'a zip archive written by numpy.savez or numpy.savez_compressed', code: 'io.zip',
  });
}

async function readAt(handle: FileHandle, position: number, length: number): Promise<Uint8Array> {
  const buffer = new Uint8Array(length);
  const { bytesRead } = await handle.read(buffer, 0, length, position);
  return buffer.subarray(0, bytesRead);
}

export async function readZipDirectory(handle: FileHandle, file: string): Promise<ZipEntry[]> {
  const { size } = await handle.stat();
  const tailLength = Math.min(size, 22 + 0xffff + 20);
  const tail = await readAt(handle, size - tailLength, tailLength);
  const tv = new DataView(tail.buffer, tail.byteOffset, tail.byteLength);
  let eocd = -1;
  for (let i = tail.length - 22; i >= 0; i--) {
    if (tv.getUint32(i, true) === EOCD) { eocd = i; break; }
  }
  if (eocd < 0) throw notZip(file, 'no end-of-central-directory record');
  let count = tv.getUint16(eocd + 10, true);
  let cdSize = tv.getUint32(eocd + 12, true);
  let cdOffset = tv.getUint32(eocd + 16, true);
  if ((count === 0xffff || cdOffset === 0xffffffff) && eocd >= 20 && tv.getUint32(eocd - 20, true) === EOCD64_LOCATOR) {
    const eocd64Offset = Number(tv.getBigUint64(eocd - 20 + 8, true));
    const rec = await readAt(handle, eocd64Offset, 56);
    const rv = new DataView(rec.buffer, rec.byteOffset, rec.byteLength);
    if (rec.length < 56) throw notZip(file, 'truncated ZIP64 record');
    count = Number(rv.getBigUint64(32, true));
    cdSize = Number(rv.getBigUint64(40, true));
    cdOffset = Number(rv.getBigUint64(48, true));
  }
  if (!(cdOffset >= 0 && cdSize >= 0 && cdOffset + cdSize <= size)) throw notZip(file, 'the central directory lies past the end of the file (truncated?)');
  const cd = await readAt(handle, cdOffset, cdSize);
  if (cd.length < cdSize) throw notZip(file, 'truncated central directory');
  const v = new DataView(cd.buffer, cd.byteOffset, cd.byteLength);
  const entries: ZipEntry[] = [];
  let p = 0;
  for (let k = 0; k < count; k++) {
    if (p + 46 > cd.length || v.getUint32(p, true) !== CENTRAL) throw notZip(file, 'corrupt central directory');
    const nameLength = v.getUint16(p + 28, true);
    const extraLength = v.getUint16(p + 30, true);
    const commentLength = v.getUint16(p + 32, true);
    const entry: ZipEntry = {
      name: new TextDecoder().decode(cd.subarray(p + 46, p + 46 + nameLength)),
      method: v.getUint16(p + 10, true),
      crc32: v.getUint32(p + 16, true),
      compressedSize: v.getUint32(p + 20, true),
      uncompressedSize: v.getUint32(p + 24, true),
      localHeaderOffset: v.getUint32(p + 42, true),
    };
    // ZIP64 extended information: only the fields saturated in the fixed header are present.
    let e = p + 46 + nameLength;
    const extraEnd = e + extraLength;
    while (e + 4 <= extraEnd) {
      const id = v.getUint16(e, true);
      const len = v.getUint16(e + 2, true);
      if (id === 0x0001) {
        let q = e + 4;
        if (entry.uncompressedSize === 0xffffffff) { entry.uncompressedSize = Number(v.getBigUint64(q, true)); q += 8; }
        if (entry.compressedSize === 0xffffffff) { entry.compressedSize = Number(v.getBigUint64(q, true)); q += 8; }
        if (entry.localHeaderOffset === 0xffffffff) { entry.localHeaderOffset = Number(v.getBigUint64(q, true)); }
      }
      e += 4 + len;
    }
    entries.push(entry);
    p = extraEnd + commentLength;
  }
  return entries;
}

async function dataOffset(handle: FileHandle, entry: ZipEntry, file: string): Promise<number> {
  const local = await readAt(handle, entry.localHeaderOffset, 30);
  const lv = new DataView(local.buffer, local.byteOffset, local.byteLength);
  if (local.length < 30 || lv.getUint32(0, true) !== LOCAL) throw notZip(file, `corrupt local header of '${entry.name}'`);
  // Sizes in the local header (unless deferred to a data descriptor, flag bit 3, or saturated for
  // ZIP64) must be the central directory's: a reader trusting the other one could be misled.
  const deferred = (lv.getUint16(6, true) & 0x8) !== 0;
  const localCompressed = lv.getUint32(18, true);
  const localUncompressed = lv.getUint32(22, true);
  const disagrees = (local: number, central: number) => local !== 0xffffffff && local !== central;
  if (!deferred && (disagrees(localCompressed, entry.compressedSize) || disagrees(localUncompressed, entry.uncompressedSize))) {
    throw notZip(file, `the local and central headers of '${entry.name}' declare different sizes`);
  }
  const start = entry.localHeaderOffset + 30 + lv.getUint16(26, true) + lv.getUint16(28, true);
  const { size } = await handle.stat();
  if (start + entry.compressedSize > size) throw notZip(file, `member '${entry.name}' is truncated (declares ${entry.compressedSize} compressed bytes past the end of the file)`);
  return start;
}

function checkMethod(entry: ZipEntry, file: string): void {
  if (entry.method !== 0 && entry.method !== 8) {
    throw new SimspecError(`member '${entry.name}' uses zip compression method ${entry.method}`, {
      file, expected: 'stored (0) or deflate (8), as numpy writes', code: 'io.zip',
    });
  }
}

/** Whole uncompressed content of one member, CRC-checked. */
export async function readZipEntry(handle: FileHandle, entry: ZipEntry, file: string, budget = new DecompressionBudget(file)): Promise<Uint8Array> {
  checkMethod(entry, file);
  const start = await dataOffset(handle, entry, file);
  if (entry.method === 0 && entry.compressedSize !== entry.uncompressedSize) throw notZip(file, `stored member '${entry.name}' declares different compressed and uncompressed sizes`);
  budget.charge(entry.uncompressedSize, `member '${entry.name}'`);
  const raw = await readAt(handle, start, entry.compressedSize);
  if (raw.length < entry.compressedSize) throw notZip(file, `member '${entry.name}' is truncated`);
  let out: Uint8Array;
  if (entry.method === 0) out = raw;
  else {
    out = inflateAtMost(
      raw,
      entry.uncompressedSize,
      false,
      () => notZip(file, `member '${entry.name}' inflates past the ${formatBytes(entry.uncompressedSize)} its header declares`),
      (reason) => notZip(file, `corrupt deflate data in member '${entry.name}' (${reason})`),
    );
  }
  if (out.length !== entry.uncompressedSize || crc32(out) !== entry.crc32) {
    throw notZip(file, `member '${entry.name}' fails its CRC-32 check (corrupt data)`);
  }
  return out;
}

/**
 * The first `minBytes` (or more) uncompressed bytes of a member, inflating only as much as
 * needed — enough for an .npy header without touching the data.
 */
export async function readZipEntryPrefix(handle: FileHandle, entry: ZipEntry, file: string, minBytes: number): Promise<Uint8Array> {
  checkMethod(entry, file);
  const start = await dataOffset(handle, entry, file);
  if (entry.method === 0) return readAt(handle, start, Math.min(minBytes, entry.compressedSize));
  const pieces: Uint8Array[] = [];
  let have = 0;
  const inflater = new Inflate((chunk) => { pieces.push(chunk); have += chunk.length; });
  const chunkSize = 16384;
  try {
    for (let pos = 0; pos < entry.compressedSize && have < minBytes; pos += chunkSize) {
      const piece = await readAt(handle, start + pos, Math.min(chunkSize, entry.compressedSize - pos));
      inflater.push(piece, pos + chunkSize >= entry.compressedSize);
    }
  } catch (e) {
    throw notZip(file, `corrupt deflate data in member '${entry.name}' (${(e as Error).message})`);
  }
  const out = new Uint8Array(have);
  let o = 0;
  for (const p of pieces) { out.set(p, o); o += p.length; }
  return out;
}

export async function openZip(file: string): Promise<FileHandle> {
  return open(file, 'r');
}

let crcTable: Uint32Array | undefined;
export function crc32(bytes: Uint8Array): number {
  if (!crcTable) {
    crcTable = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c >>> 0;
    }
  }
  let c = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) c = crcTable[(c ^ bytes[i]!) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
