import { test } from 'node:test';
import assert from 'node:assert/strict';
import { listVariables, readArray, readStrings, readTable } from '../../../engine/io';
import { fixture, rejectsWith } from './helpers';

test('csv and tsv numeric matrices, with and without a header row', async () => {
  const m = await readArray(fixture('text', 'matrix.csv'));
  assert.deepEqual([...m.shape], [2, 3]);
  assert.deepEqual(Array.from(m.data), [1, 2, 3, 4, 5.5, -0.6]);
  const h = await readArray(fixture('text', 'header.csv'));
  assert.deepEqual([...h.shape], [2, 3]);
  assert.deepEqual(Array.from(h.data), [1, 2, 3, 4, 5, 6]);
  assert.deepEqual(Array.from((await readArray(fixture('text', 'header.csv'), 'b')).data), [2, 5]);
  assert.deepEqual(Array.from((await readArray(fixture('text', 'header.csv'), 'data.c')).data), [3, 6]);
  await rejectsWith(readArray(fixture('text', 'header.csv'), 'B'), 'io.variable', /no column 'B'/, /did you mean 'b'/);
  assert.deepEqual(Array.from((await readArray(fixture('text', 'matrix.tsv'))).data), [1, 2, 3, 4]);
  const [info] = await listVariables(fixture('text', 'header.csv'));
  assert.deepEqual(info!.fields!.map((f) => f.name), ['a', 'b', 'c']);
});

test('label tables: named string columns, quoted fields', async () => {
  for (const name of ['labels.csv', 'labels.tsv']) {
    const table = await readTable(fixture('text', name));
    assert.deepEqual(table.columns, ['index', 'category', 'name']);
    assert.deepEqual(table.rows, [['0', 'face', 'monkey face'], ['1', 'body', 'hand, left']]);
    assert.deepEqual(await readStrings(fixture('text', name), 'category'), ['face', 'body']);
  }
  const [info] = await listVariables(fixture('text', 'labels.tsv'));
  assert.equal(info!.kind, 'table');
});

test('csv with ragged rows', async () => {
  await rejectsWith(readArray(fixture('bad', 'ragged.csv')), 'io.csv', /ragged\.csv/, /line 2 has 2 fields, line 1 has 3/, /expected 3 fields on every line/);
});

test('csv with a non-numeric cell names line:column', async () => {
  await rejectsWith(readArray(fixture('bad', 'nonnumeric.csv')), 'io.csv', /nonnumeric\.csv/, /"x5" at 2:2 \(line:column\)/);
});

test('json: a nested numeric array, or an object of arrays and objects', async () => {
  const m = await readArray(fixture('text', 'matrix.json'));
  assert.deepEqual([...m.shape], [2, 2]);
  assert.deepEqual(Array.from(m.data), [1, 2, 3, 4.5]);
  const file = fixture('text', 'object.json');
  assert.deepEqual(Array.from((await readArray(file, 'X')).data), [1, 2, 3, 4, 5, 6]);
  assert.deepEqual([...(await readArray(file, 'y')).shape], [2]);
  assert.deepEqual(Array.from((await readArray(file, 'meta.inner')).data), [0.5]);
  assert.deepEqual((await listVariables(file)).map((v) => v.name), ['X', 'y', 'meta']);
  await rejectsWith(readArray(fixture('bad', 'ragged.json')), 'io.json', /not a rectangular array/);
});
