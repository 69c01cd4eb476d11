import { test } from 'node:test';
import assert from 'node:assert/strict';
import { listVariables, readArray, readStrings } from '../../../engine/io';
import { fixture, rejectsWith } from './helpers';

// Fixtures written by make_hdf5_fixtures.ts; the values below are the ones written there.
const plain = fixture('hdf5', 'plain.h5');
const v73 = fixture('hdf5', 'v73.mat');

test('plain HDF5: every dataset listed by path with shape and dtype', async () => {
  assert.deepEqual(await listVariables(plain), [
    { name: '/names', kind: 'string', shape: [2], dtype: 'char' },
    { name: '/responses/counts', kind: 'numeric', shape: [3], dtype: 'int16' },
    { name: '/responses/deeper/v', kind: 'numeric', shape: [3, 2], dtype: 'uint8' },
    { name: '/responses/it', kind: 'numeric', shape: [2, 2], dtype: 'float32' },
    { name: '/top', kind: 'numeric', shape: [2, 3], dtype: 'float64' },
  ]);
});

test('plain HDF5: datasets read by path, with or without the leading slash', async () => {
  const it = await readArray(plain, '/responses/it');
  assert.deepEqual([...it.shape], [2, 2]);
  assert.deepEqual(Array.from(it.data), [1.5, -2, 3, 4]);
  assert.deepEqual(Array.from((await readArray(plain, 'responses/deeper/v')).data), [1, 2, 3, 4, 5, 6]);
  assert.deepEqual(Array.from((await readArray(plain, '/responses/counts')).data), [7, -8, 9]);
  assert.deepEqual(await readStrings(plain, '/names'), ['alpha', 'beta']);
  await rejectsWith(readArray(plain, '/responses/IT'), 'io.variable', /no dataset '\/responses\/IT'/, /did you mean '\/responses\/it'/);
  await rejectsWith(readArray(plain, '/responses'), 'io.kind', /is a group, not a dataset/);
});

test('MAT v7.3 is detected and read through HDF5 with MATLAB shapes in C order', async () => {
  const info = new Map((await listVariables(v73)).map((v) => [v.name, v]));
  assert.deepEqual([...info.keys()].sort(), ['c', 'flags', 'label', 'matrix', 'models', 's']);
  assert.deepEqual(info.get('matrix'), { name: 'matrix', kind: 'numeric', shape: [3, 4], dtype: 'float64' });
  assert.equal(info.get('models')!.kind, 'struct');
  assert.deepEqual(info.get('models')!.shape, [1, 2]);
  // matrix(i, j) = 4 i + j, so C order is 0..11.
  const m = await readArray(v73, 'matrix');
  assert.deepEqual(Array.from(m.data), Array.from({ length: 12 }, (_, k) => k));
  assert.equal((await readArray(v73, 'flags')).dtype, 'bool');
  assert.deepEqual(await readStrings(v73, 'label'), ['hello']);
  assert.deepEqual(Array.from((await readArray(v73, 's.a')).data), [1, 2, 3]);
  assert.deepEqual(await readStrings(v73, 's.tag'), ['xy']);
  const rdms = await readArray(v73, 'models[*].RDM');
  assert.deepEqual([...rdms.shape], [1, 2, 2, 2]);
  // Second RDM is MATLAB [0 3; 2 0] (stored column-major as 0, 2, 3, 0).
  assert.deepEqual(Array.from(rdms.data), [0, 1, 1, 0, 0, 3, 2, 0]);
  assert.deepEqual(await readStrings(v73, 'models[*].name'), ['first', 'second']);
  assert.deepEqual(await readStrings(v73, 'c[0]'), ['first']);
});

test('corrupt HDF5 gives one clear error', async () => {
  await rejectsWith(readArray(fixture('bad', 'corrupt.h5'), '/top'), 'io.hdf5', /corrupt\.h5/, /cannot open as HDF5/, /expected a valid HDF5 file/);
});
