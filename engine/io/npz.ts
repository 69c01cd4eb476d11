/**
 * .npz archives (numpy.savez / savez_compressed): a zip of .npy members. Keys are the member
 * names without '.npy'; a selector may name a key with or without the suffix. Listing reads only
 * the zip directory and each member's .npy header (inflating just the header for deflated members).
 */
import { SimspecError } from '../core/errors';
import type { NDArray } from '../core/matrix';
import { product } from './dtype';
import { availableText } from './names';
import { decodeNpy, parseNpyHeader } from './npy';
import type { VariableInfo } from './types';
import { openZip, readZipDirectory, readZipEntry, readZipEntryPrefix, type ZipEntry } from './zip';

function keyOf(entry: ZipEntry): string {
  return entry.name.endsWith('.npy') ? entry.name.slice(0, -4) : entry.name;
}

export async function listNpz(file: string): Promise<VariableInfo[]> {
  const handle = await openZip(file);
  try {
    const entries = await readZipDirectory(handle, file);
    const out: VariableInfo[] = [];
    for (const entry of entries) {
      if (entry.name.endsWith('/')) continue;
      const key = keyOf(entry);
      let prefix = await readZipEntryPrefix(handle, entry, file, 4096);
      let header;
      try {
        header = parseNpyHeader(prefix, file, key);
      } catch (e) {
        if (!(e instanceof SimspecError)) throw e;
        if (e.code === 'io.truncated' && prefix.length < entry.uncompressedSize) {
          prefix = await readZipEntryPrefix(handle, entry, file, 1 << 20);
          header = parseNpyHeader(prefix, file, key);
        } else if (e.code === 'io.dtype') {
          out.push({ name: key, kind: 'numeric', shape: [], unsupported: e.message });
          continue;
        } else throw e;
      }
      out.push({ name: key, kind: 'numeric', shape: header.shape, dtype: header.type.dtype });
    }
    return out;
  } finally {
    await handle.close();
  }
}

export async function readNpz(file: string, key?: string): Promise<NDArray> {
  const handle = await openZip(file);
  try {
    const entries = (await readZipDirectory(handle, file)).filter((e) => !e.name.endsWith('/'));
    const keys = entries.map(keyOf);
    let entry: ZipEntry | undefined;
    if (key === undefined) {
      if (entries.length !== 1) {
        throw new SimspecError(`the archive holds ${entries.length} arrays, so a key is needed`, {
          file, expected: `one of: ${keys.join(', ')}`, code: 'io.variable',
        });
      }
      entry = entries[0];
    } else {
      const wanted = key.endsWith('.npy') ? key.slice(0, -4) : key;
      entry = entries.find((e) => keyOf(e) === wanted);
      if (!entry) {
        throw new SimspecError(`no array '${key}' in the archive; ${availableText(wanted, keys)}`, {
          file, variable: key, code: 'io.variable',
        });
      }
    }
    // The member's .npy header says how many bytes it holds; a zip header that declares more is a
    // lie (or a bomb) and is refused before anything is inflated.
    const header = parseNpyHeader(await readZipEntryPrefix(handle, entry!, file, 1 << 16), file, keyOf(entry!));
    const expected = header.dataOffset + product(header.shape) * header.type.size;
    if (entry!.uncompressedSize !== expected) {
      throw new SimspecError(`member '${entry!.name}' declares ${entry!.uncompressedSize} bytes but its .npy header (shape (${header.shape.join(', ')}), ${header.type.dtype}) describes ${expected}`, {
        file, variable: keyOf(entry!), expected: 'a zip size equal to the .npy header plus its data', code: 'io.zip',
      });
    }
    const bytes = await readZipEntry(handle, entry!, file);
    return decodeNpy(bytes, file, keyOf(entry!));
  } finally {
    await handle.close();
  }
}
