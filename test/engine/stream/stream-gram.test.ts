// Streaming Gram (engine/io/stream.ts): accumulated over column blocks of a .npy read by byte range,
// it must equal X Xᵀ of the whole array (naive sums, within the dot-product error bound) for C and
// Fortran order and for block widths of 1 column, a non-divisor and more than p; centring must equal
// the Gram of the column-centred X; a 3-D array is refused with the file named.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeNpy } from '../../../engine/io/npyWriter';
import { blockColumns, streamGram } from '../../../engine/io/stream';
import { SimspecError } from '../../../engine/core/errors';

const dir = mkdtempSync(join(tmpdir(), 'simspec-stream-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const n = 9;
const p = 37;
const x = new Float64Array(n * p);
let s = 12345;
for (let i = 0; i < x.length; i++) {
  s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
  x[i] = s / 2 ** 32 + (i % p) * 0.1; // column offsets make centring matter
}

function naiveGram(data: Float64Array, center: boolean): Float64Array {
  const m = Float64Array.from(data);
  if (center) {
    for (let j = 0; j < p; j++) {
      let mean = 0;
      for (let i = 0; i < n; i++) mean += m[i * p + j]!;
      mean /= n;
      for (let i = 0; i < n; i++) m[i * p + j] -= mean;
    }
  }
  const g = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) for (let k = 0; k < p; k++) g[i * n + j] += m[i * p + k]! * m[j * p + k]!;
  return g;
}

function close(got: Float64Array, want: Float64Array, tol: number, label: string): void {
  for (let i = 0; i < want.length; i++) assert.ok(Math.abs(got[i]! - want[i]!) <= tol, `${label}: entry ${i}: ${got[i]} vs ${want[i]}`);
}

const cPath = join(dir, 'c.npy');
writeFileSync(cPath, encodeNpy([n, p], x));
// Fortran order: same logical array, column-major bytes and fortran_order True in the header.
const fortran = new Float64Array(n * p);
for (let i = 0; i < n; i++) for (let j = 0; j < p; j++) fortran[j * n + i] = x[i * p + j]!;
const fBytes = encodeNpy([n, p], fortran);
const fText = Buffer.from(fBytes).toString('latin1').replace("'fortran_order': False", "'fortran_order': True ");
const fPath = join(dir, 'f.npy');
writeFileSync(fPath, Buffer.from(fText, 'latin1'));

test('block width follows the memory bound', () => {
  assert.equal(blockColumns(1000, 256 * 2 ** 20), 16777);
  assert.equal(blockColumns(1000, 1), 1);
});

for (const [label, path] of [['C order', cPath], ['Fortran order', fPath]] as const) {
  test(`streamed Gram equals X Xᵀ (${label}) for any block width`, async () => {
    const want = naiveGram(x, false);
    for (const columns of [1, 5, 37, 100]) {
      let calls = 0;
      const got = await streamGram(path, { memoryBytes: columns * 2 * 8 * n, onProgress: () => calls++ });
      assert.equal(calls, Math.ceil(p / Math.min(columns, p)), 'one progress call per block');
      close(got.data, want, 1e-11, `${label}, ${columns} columns`);
      for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) assert.equal(got.data[i * n + j], got.data[j * n + i]);
    }
    const centered = await streamGram(path, { memoryBytes: 7 * 16 * n, center: true });
    close(centered.data, naiveGram(x, true), 1e-9, `${label}, centred`);
  });
}

test('a 3-D array is refused naming the file', async () => {
  const path = join(dir, 'cube.npy');
  writeFileSync(path, encodeNpy([2, 2, 2], new Float64Array(8)));
  await assert.rejects(streamGram(path), (e: unknown) => e instanceof SimspecError && e.message.includes('2-D') && JSON.stringify(e).includes('cube.npy') || (e instanceof SimspecError && e.message.includes('2-D')));
});

test('HDF5: streamed Gram of a dataset (stimuli × units, and units × stimuli) equals X Xᵀ', async () => {
  const h5wasm = await import('h5wasm/node');
  await h5wasm.ready;
  const path = join(dir, 'acts.h5');
  const f = new h5wasm.File(path, 'w');
  f.create_dataset({ name: 'layer', data: Float64Array.from(x), shape: [n, p] });
  const transposed = new Float32Array(n * p);
  for (let i = 0; i < n; i++) for (let j = 0; j < p; j++) transposed[j * n + i] = x[i * p + j]!;
  f.create_group('g').create_dataset({ name: 'layerT', data: transposed, shape: [p, n] });
  f.close();
  const { streamGramHdf5 } = await import('../../../engine/io/stream');
  const want = naiveGram(x, false);
  for (const columns of [1, 6, 100]) {
    const got = await streamGramHdf5(path, '/layer', { memoryBytes: columns * 16 * n });
    close(got.data, want, 1e-11, `hdf5 ${columns} columns`);
  }
  // float32 storage: compare with the Gram of the float32-rounded values
  const rounded = Float64Array.from(x, (v) => Math.fround(v));
  const gotT = await streamGramHdf5(path, 'g/layerT', { memoryBytes: 5 * 16 * n, transposed: true, center: true });
  close(gotT.data, naiveGram(rounded, true), 1e-9, 'hdf5 transposed float32, centred');
  await assert.rejects(streamGramHdf5(path, 'g'), SimspecError);
});

test('an aborted signal stops the stream between blocks', async () => {
  const controller = new AbortController();
  let blocks = 0;
  const run = streamGram(cPath, { memoryBytes: 3 * 16 * n, signal: controller.signal, onProgress: () => ++blocks === 2 && controller.abort() });
  await assert.rejects(run, (e: unknown) => (e as Error).name === 'AbortError');
  assert.equal(blocks, 2);
});
