// readNpy reads straight into the final Float64Array in blocks and can scan for non-finite values
// while it reads; decodeNpy can adopt an .npz member's bytes. The expectations are invariances:
// the values numpy wrote (make_fixtures.py), the bytes we wrote ourselves, and the index a plain
// Number.isFinite scan finds.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeNpy, readNpy } from '../../../engine/io';
import { encodeNpy } from '../../../engine/io/npyWriter';
import { expected, fixture, rejectsWith, assertClose } from './helpers';

const dir = mkdtempSync(join(tmpdir(), 'simspec-npy-read-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));

/** Deterministic values, every one distinct, so a misplaced block shows. */
function values(count: number): Float64Array {
  return Float64Array.from({ length: count }, (_, i) => Math.sin(i) * 1e3 + i * 1e-7);
}

function naiveFirst(data: ArrayLike<number>, allowNaN: boolean): number {
  for (let k = 0; k < data.length; k++) if (!Number.isFinite(data[k]!) && !(allowNaN && Number.isNaN(data[k]!))) return k;
  return -1;
}

// 8 MiB blocks (the default is larger): 2.5 M values span three blocks, with a ragged last one.
const BLOCK = 8 * 2 ** 20;
const COUNT = 2_500_003;
const ROWS = 1, COLS = COUNT;

test('a multi-block native f64 file reads back exactly what was written', async () => {
  const data = values(COUNT);
  const path = join(dir, 'big.npy');
  writeFileSync(path, encodeNpy([ROWS, COLS], data));
  for (const check of ['none', 'finite', 'no-infinity'] as const) {
    const got = await readNpy(path, { check, blockBytes: BLOCK });
    assert.deepEqual(got.shape, [ROWS, COLS]);
    assert.equal(got.dtype, 'float64');
    assert.ok(Buffer.from(got.data.buffer, got.data.byteOffset, got.data.byteLength).equals(Buffer.from(data.buffer)), check);
    assert.equal(got.firstNonFinite, check === 'none' ? undefined : -1, check);
  }
});

test('the fused check finds the first non-finite value wherever it lies, as a plain scan does', async () => {
  const blockValues = BLOCK / 8;
  const places = [0, 1, blockValues - 1, blockValues, blockValues + 1, 2 * blockValues + 5, COUNT - 1];
  for (const place of places) {
    for (const [bad, later] of [[NaN, Infinity], [Infinity, NaN], [-Infinity, -Infinity]] as const) {
      const data = values(COUNT);
      data[place] = bad;
      if (place + 3 < COUNT) data[place + 3] = later;
      const path = join(dir, `bad-${place}.npy`);
      writeFileSync(path, encodeNpy([ROWS, COLS], data));
      const finite = await readNpy(path, { check: 'finite', blockBytes: BLOCK });
      assert.equal(finite.firstNonFinite, naiveFirst(data, false), `finite, ${bad} at ${place}`);
      const noInfinity = await readNpy(path, { check: 'no-infinity', blockBytes: BLOCK });
      assert.equal(noInfinity.firstNonFinite, naiveFirst(data, true), `no-infinity, ${bad} at ${place}`);
      assert.ok(Number.isNaN(bad) || Object.is(finite.data[place], bad));
    }
  }
});

test('the check also runs on converted dtypes and Fortran order (index in C order)', async () => {
  const nonfinite = await readNpy(fixture('npy', 'nonfinite.npy'), { check: 'finite' });
  assert.equal(nonfinite.firstNonFinite, naiveFirst(expected['npy/nonfinite.npy']!.data, false));
  const allowNaN = await readNpy(fixture('npy', 'nonfinite.npy'), { check: 'no-infinity' });
  assert.equal(allowNaN.firstNonFinite, naiveFirst(expected['npy/nonfinite.npy']!.data, true));
  for (const name of ['f4_be.npy', 'f2_le.npy', 'fortran_3d.npy', 'i8_be.npy', 'f8_be.npy']) {
    const got = await readNpy(fixture('npy', name), { check: 'finite' });
    assert.equal(got.firstNonFinite, naiveFirst(got.data, false), name);
  }
  // A Fortran-order f64 file with one Inf: the index is the C-order position of that value.
  const c = values(12);
  c[7] = Infinity;
  const fortran = new Float64Array(12);
  for (let i = 0; i < 3; i++) for (let j = 0; j < 4; j++) fortran[j * 3 + i] = c[i * 4 + j]!;
  const bytes = encodeNpy([3, 4], fortran);
  const text = Buffer.from(bytes).toString('latin1').replace("'fortran_order': False", "'fortran_order': True ");
  const path = join(dir, 'fortran-inf.npy');
  writeFileSync(path, Buffer.from(text, 'latin1'));
  const got = await readNpy(path, { check: 'finite' });
  assertClose(got.data, c);
  assert.equal(got.firstNonFinite, 7);
});

test('a file shorter than its header says is a SimspecError naming the file and the bytes', async () => {
  const bytes = encodeNpy([100, 100], values(10_000));
  const path = join(dir, 'short.npy');
  writeFileSync(path, bytes.subarray(0, bytes.length - 8));
  await rejectsWith(readNpy(path), 'io.truncated', /short\.npy/, /expected 80000 data bytes for shape \(100, 100\) <f8, found 79992/);
  await rejectsWith(readNpy(path, { check: 'finite' }), 'io.truncated', /short\.npy/);
});

test('decodeNpy copies unless told to adopt the bytes; adopted aligned f64 is a view', () => {
  const bytes = new Uint8Array(readFileSync(fixture('npy', 'f8_le.npy')));
  const copied = decodeNpy(bytes, 'f8_le.npy');
  assert.notEqual(copied.data.buffer, bytes.buffer);
  const adopted = decodeNpy(bytes, 'f8_le.npy', undefined, { adopt: true, check: 'finite' });
  assert.equal(adopted.data.buffer, bytes.buffer);
  assert.deepEqual(Array.from(adopted.data), expected['npy/f8_le.npy']!.data);
  assert.equal(adopted.firstNonFinite, -1);
  // Misaligned within its buffer: still correct, through a copy.
  const shifted = new Uint8Array(bytes.length + 1);
  shifted.set(bytes, 1);
  const fromShifted = decodeNpy(shifted.subarray(1), 'f8_le.npy', undefined, { adopt: true });
  assert.notEqual(fromShifted.data.buffer, shifted.buffer);
  assert.deepEqual(Array.from(fromShifted.data), expected['npy/f8_le.npy']!.data);
});
