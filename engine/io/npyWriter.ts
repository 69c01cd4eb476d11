/**
 * Minimal NumPy .npy writer (format 1.0, C order, little-endian '<f8' or '<f4'), for generated
 * samples and results. The header is padded with spaces so that the data start on a 64-byte
 * boundary, as numpy.lib.format writes it; `numpy.load` and our `readNpy` both read the output.
 */
import { writeFileSync } from 'node:fs';

export type NpyFloatType = '<f8' | '<f4';

export function encodeNpy(shape: readonly number[], data: ArrayLike<number>, descr: NpyFloatType = '<f8'): Uint8Array {
  const count = shape.reduce((a, b) => a * b, 1);
  if (count !== data.length) throw new RangeError(`shape (${shape.join(', ')}) needs ${count} values, got ${data.length}`);
  const shapeText = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  let header = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${shapeText}, }`;
  const unpadded = 10 + header.length + 1;
  header += ' '.repeat((64 - (unpadded % 64)) % 64) + '\n';
  const itemSize = descr === '<f8' ? 8 : 4;
  const bytes = new Uint8Array(10 + header.length + count * itemSize);
  bytes.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0], 0);
  new DataView(bytes.buffer).setUint16(8, header.length, true);
  for (let i = 0; i < header.length; i++) bytes[10 + i] = header.charCodeAt(i);
  const view = new DataView(bytes.buffer, 10 + header.length);
  for (let i = 0; i < count; i++) {
    if (itemSize === 8) view.setFloat64(i * 8, data[i]!, true);
    else view.setFloat32(i * 4, data[i]!, true);
  }
  return bytes;
}

export function writeNpy(path: string, shape: readonly number[], data: ArrayLike<number>, descr: NpyFloatType = '<f8'): void {
  writeFileSync(path, encodeNpy(shape, data, descr));
}
