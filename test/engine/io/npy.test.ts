import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { readArray, readNpy, readNpyColumns, readNpyHeader, readNpyRows, listVariables } from '../../../engine/io';
import { expected, fixture, rejectsWith, assertClose } from './helpers';

const npyFiles = readdirSync(fixture('npy')).filter((f) => f.endsWith('.npy'));

test('every npy fixture reads back as numpy wrote it (dtype, shape, C-order values)', async () => {
  assert.ok(npyFiles.length >= 20, 'fixtures present');
  for (const name of npyFiles) {
    const want = expected[`npy/${name}`]!;
    const got = await readNpy(fixture('npy', name));
    assert.deepEqual([...got.shape], want.shape, name);
    assert.equal(got.dtype, want.dtype, name);
    assertClose(got.data, want.data);
  }
});

test('big-endian and little-endian files of the same dtype agree', async () => {
  for (const code of ['i2', 'i4', 'i8', 'u2', 'u4', 'u8', 'f2', 'f4', 'f8']) {
    const le = await readNpy(fixture('npy', `${code}_le.npy`));
    const be = await readNpy(fixture('npy', `${code}_be.npy`));
    assert.deepEqual(Array.from(be.data), Array.from(le.data), code);
    assert.equal(be.dtype, le.dtype);
  }
});

test('Fortran-order 3-D array comes back in C order (value = C position)', async () => {
  const a = await readNpy(fixture('npy', 'fortran_3d.npy'));
  assert.deepEqual([...a.shape], [2, 3, 4]);
  assert.deepEqual(Array.from(a.data), Array.from({ length: 24 }, (_, i) => i));
});

test('header-only introspection and a row range read without the rest', async () => {
  const header = await readNpyHeader(fixture('npy', 'f8_le.npy'));
  assert.deepEqual(header.shape, [2, 3]);
  assert.equal(header.type.dtype, 'float64');
  assert.equal(header.fortranOrder, false);
  const row = await readNpyRows(fixture('npy', 'f8_le.npy'), 1, 1);
  assert.deepEqual([...row.shape], [1, 3]);
  assert.deepEqual(Array.from(row.data), expected['npy/f8_le.npy']!.data.slice(3));
  const info = await listVariables(fixture('npy', 'version2.npy'));
  assert.deepEqual(info, [{ name: 'arr_0', kind: 'numeric', shape: [4], dtype: 'float32' }]);
});

test('truncated npy names the missing bytes', async () => {
  await rejectsWith(readArray(fixture('bad', 'truncated.npy')), 'io.truncated', /truncated\.npy/, /truncated \.npy file/, /expected 48 data bytes/);
});

test('bad magic', async () => {
  await rejectsWith(readArray(fixture('bad', 'badmagic.npy')), 'io.npy', /badmagic\.npy/, /bad magic/, /numpy\.save/);
});

test('unsupported dtypes: complex, pickled object, structured, datetime', async () => {
  await rejectsWith(readArray(fixture('bad', 'complex.npy')), 'io.dtype', /complex\.npy/, /'<c16' \(complex numbers\)/, /expected a real numeric/);
  await rejectsWith(readArray(fixture('bad', 'object.npy')), 'io.dtype', /'\|O' \(Python objects, stored pickled\)/);
  await rejectsWith(readArray(fixture('bad', 'structured.npy')), 'io.dtype', /structured array/);
  await rejectsWith(readArray(fixture('bad', 'datetime.npy')), 'io.dtype', /datetime/);
  const [info] = await listVariables(fixture('bad', 'complex.npy'));
  assert.match(info!.unsupported!, /complex/);
});

test('column blocks of C- and Fortran-order files equal the same columns of the whole array', async () => {
  for (const name of ['f8_le.npy', 'fortran_be_i4.npy', 'i2_be.npy']) {
    const whole = expected[`npy/${name}`]!;
    const [rows, cols] = whole.shape as [number, number];
    const block = await readNpyColumns(fixture('npy', name), 1, 2);
    assert.deepEqual([...block.shape], [rows, 2]);
    const want: number[] = [];
    for (let r = 0; r < rows; r++) want.push(whole.data[r * cols + 1]!, whole.data[r * cols + 2]!);
    assert.deepEqual(Array.from(block.data), want, name);
  }
  await rejectsWith(readNpyColumns(fixture('npy', 'f8_le.npy'), 2, 2), 'io.index', /columns 2\.\.3 are out of range/);
});
