import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, rmSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SimspecError } from '../../../engine/core/errors';
import { introspectCached, listVariables, readArray, readNpy, requireFinite } from '../../../engine/io';
import { fixture, rejectsWith } from './helpers';

test('missing file', async () => {
  await rejectsWith(readArray(fixture('npy', 'no_such_file.npy')), 'io.missing', /no_such_file\.npy: file not found/);
  await rejectsWith(listVariables(fixture('hdf5', 'no_such_file.h5')), 'io.missing', /file not found/);
});

test('unknown extension lists the supported ones', async () => {
  await rejectsWith(readArray(fixture('text', 'unknown.xyz')), 'io.format', /unknown\.xyz: unknown data file extension '\.xyz'/, /\.npy, \.npz, \.mat, \.h5, \.hdf5, \.csv, \.tsv, \.json/);
});

test('a .npy has no variables to select', async () => {
  await rejectsWith(readArray(fixture('npy', 'f8_le.npy'), 'X'), 'io.variable', /variable 'X'/, /single array/);
});

test('introspectCached re-reads a file only after its mtime or size changes', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'simspec-io-'));
  try {
    const file = join(dir, 'data.npz');
    copyFileSync(fixture('npz', 'stored.npz'), file);
    const first = await introspectCached(file);
    assert.equal(first.length, 3);
    assert.equal(await introspectCached(file), first, 'same object from the cache');
    copyFileSync(fixture('npz', 'single.npz'), file);
    utimesSync(file, new Date(), new Date(Date.now() + 5000));
    const second = await introspectCached(file);
    assert.notEqual(second, first);
    assert.deepEqual(second.map((v) => v.name), ['arr_0']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('requireFinite names the first NaN/Inf by its index', async () => {
  const a = await readNpy(fixture('npy', 'nonfinite.npy'));
  assert.throws(() => requireFinite(a, { file: 'x.npy', variable: 'v' }), (e: unknown) => {
    assert.ok(e instanceof SimspecError);
    assert.equal(e.code, 'data.nonfinite');
    assert.match(e.message, /x\.npy, variable 'v': NaN at index \[1, 1\] \(2 non-finite values in all\) \(expected finite numbers only\)/);
    return true;
  });
  requireFinite(await readNpy(fixture('npy', 'f8_le.npy')), { file: 'ok.npy' });
});
