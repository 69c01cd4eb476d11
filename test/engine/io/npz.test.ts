import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { listVariables, readArray } from '../../../engine/io';
import { ALGONAUTS, assertClose, expected, fixture, rejectsWith } from './helpers';

for (const kind of ['stored', 'deflated']) {
  test(`${kind} npz: listing reads headers only, every key reads back as numpy wrote it`, async () => {
    const file = fixture('npz', `${kind}.npz`);
    assert.deepEqual(await listVariables(file), [
      { name: 'alpha', kind: 'numeric', shape: [2, 3], dtype: 'float64' },
      { name: 'beta', kind: 'numeric', shape: [3], dtype: 'int16' },
      { name: 'gamma', kind: 'numeric', shape: [3, 4], dtype: 'float32' },
    ]);
    for (const key of ['alpha', 'beta', 'gamma']) {
      const want = expected[`npz/${key}`]!;
      const got = await readArray(file, key);
      assert.deepEqual([...got.shape], want.shape);
      assert.equal(got.dtype, want.dtype);
      assertClose(got.data, want.data);
    }
    // A key may carry the member's '.npy' suffix.
    assert.deepEqual(Array.from((await readArray(file, 'gamma.npy')).data), expected['npz/gamma']!.data);
  });
}

test('a single-array npz needs no key', async () => {
  const got = await readArray(fixture('npz', 'single.npz'));
  assert.deepEqual(Array.from(got.data), expected['npz/single.npz']!.data);
});

test('real samples: Algonauts fMRI RDM stacks', async () => {
  const evc = await readArray(join(ALGONAUTS, '92images', 'fmri_EVC_RDMs.npz'), 'Net_RDM');
  assert.deepEqual([...evc.shape], [15, 92, 92]);
  const it = await readArray(join(ALGONAUTS, '78images', 'fmri_IT_RDMs.npz'), 'arr_0');
  assert.deepEqual([...it.shape], [15, 78, 78]);
  // Invariants of an RDM stack: zero diagonal, symmetric (to rounding, as stored).
  for (const [a, n] of [[evc, 92], [it, 78]] as const) {
    for (let s = 0; s < 15; s++) {
      const base = s * n * n;
      for (let i = 0; i < n; i++) {
        assert.equal(a.data[base + i * n + i], 0);
        for (let j = 0; j < i; j++) assert.ok(Math.abs(a.data[base + i * n + j]! - a.data[base + j * n + i]!) < 1e-12);
      }
    }
  }
  const [info] = await listVariables(join(ALGONAUTS, '92images', 'fmri_IT_RDMs.npz'));
  assert.deepEqual(info!.shape, [15, 92, 92]);
});

test('missing key lists the available keys with a did-you-mean', async () => {
  await rejectsWith(readArray(fixture('npz', 'stored.npz'), 'alpah'), 'io.variable',
    /stored\.npz, variable 'alpah'/, /available: alpha, beta, gamma/, /did you mean 'alpha'\?/);
});

test('an archive of several arrays needs a key', async () => {
  await rejectsWith(readArray(fixture('npz', 'stored.npz')), 'io.variable', /holds 3 arrays/, /one of: alpha, beta, gamma/);
});

test('npz that is not a zip', async () => {
  await rejectsWith(readArray(fixture('bad', 'notzip.npz'), 'x'), 'io.zip', /notzip\.npz/, /not a valid \.npz \(zip\) archive/, /numpy\.savez/);
  await rejectsWith(listVariables(fixture('bad', 'notzip.npz')), 'io.zip');
});

test('npz with a corrupt deflate stream', async () => {
  await rejectsWith(readArray(fixture('bad', 'corrupt_deflate.npz'), 'alpha'), 'io.zip', /corrupt_deflate\.npz/, /member 'alpha\.npy'/);
});
