/**
 * The NIfTI reader (engine/io/nifti.ts) against nibabel (test/fixtures/searchlight/make_nifti_cases.py):
 * values after scl_slope/scl_inter, a qform-only affine, a big-endian gzipped file, the voxel order
 * (volumes × voxels, x fastest), the header-only read used by checks, and the refusals: not NIfTI,
 * truncated, past the decompression cap.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { listVariables, readArray } from '../../../engine/io';
import { encodeNifti, loadNiftiReader, readNifti, readNiftiHeaderSync } from '../../../engine/io/nifti';
import { isSimspecError } from '../../../engine/core/errors';

const DIR = join(__dirname, '..', '..', 'fixtures', 'searchlight');
const want = JSON.parse(readFileSync(join(DIR, 'nifti_values.json'), 'utf8')) as Record<string, { shape: number[]; values: number[]; affine: number[][] }>;

/** nibabel's C-order value at (i, j, k, t) of `shape`. */
function cIndex(shape: number[], idx: number[]): number {
  return idx.reduce((acc, v, a) => acc * shape[a]! + v, 0);
}

for (const name of ['scaled.nii', 'big_endian.nii.gz']) {
  test(`${name}: values, shape and affine as nibabel reads them`, async () => {
    const { shape, values, affine } = want[name]!;
    const array = await readArray(join(DIR, name));
    const [nx, ny, nz, nt] = [shape[0]!, shape[1]!, shape[2]!, shape[3] ?? 1];
    assert.deepEqual(array.shape, [nt, nx * ny * nz]);
    for (let t = 0; t < nt; t++)
      for (let k = 0; k < nz; k++)
        for (let j = 0; j < ny; j++)
          for (let i = 0; i < nx; i++) {
            const got = array.data[t * nx * ny * nz + i + nx * (j + ny * k)]!;
            const expected = values[cIndex(shape, shape.length === 4 ? [i, j, k, t] : [i, j, k])]!;
            assert.ok(Math.abs(got - expected) <= 1e-6 * Math.max(1, Math.abs(expected)), `${name} (${i},${j},${k},${t}): ${got} vs ${expected}`);
          }
    const header = readNiftiHeaderSync(join(DIR, name));
    header.affine.forEach((row, r) => row.forEach((x, c) => assert.ok(Math.abs(x - affine[r]![c]!) < 1e-6, `affine[${r}][${c}]`)));
    assert.deepEqual((await listVariables(join(DIR, name)))[0]!.shape, [nt, nx * ny * nz]);
  });
}

test('not NIfTI, truncated, and past the decompression cap: clear SimspecErrors', async () => {
  await loadNiftiReader();
  const dir = mkdtempSync(join(tmpdir(), 'simspec-nifti-'));
  const previous = process.env.SIMSPEC_MAX_DECOMPRESSED_BYTES;
  try {
    writeFileSync(join(dir, 'text.nii'), 'hello '.repeat(100));
    const good = encodeNifti([4, 4, 4], [[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1]], new Float32Array(64 * 3), 3);
    writeFileSync(join(dir, 'short.nii'), good.subarray(0, 352 + 100));
    writeFileSync(join(dir, 'big.nii.gz'), gzipSync(encodeNifti([64, 64, 64], [[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1]], new Float32Array(64 ** 3 * 8), 8)));
    const codeOf = async (f: () => Promise<unknown>) => {
      try {
        await f();
        return 'no error';
      } catch (e) {
        assert.ok(isSimspecError(e), String(e));
        return e.code;
      }
    };
    assert.equal(await codeOf(() => readArray(join(dir, 'text.nii'))), 'io.nifti');
    assert.equal(await codeOf(async () => readNiftiHeaderSync(join(dir, 'text.nii'))), 'io.nifti');
    assert.equal(await codeOf(() => readArray(join(dir, 'short.nii'))), 'io.truncated');
    assert.deepEqual(readNiftiHeaderSync(join(dir, 'big.nii.gz')).dims, [64, 64, 64, 8]);
    process.env.SIMSPEC_MAX_DECOMPRESSED_BYTES = String(2 ** 20);
    assert.equal(await codeOf(() => readNifti(join(dir, 'big.nii.gz'))), 'io.limit');
  } finally {
    if (previous === undefined) delete process.env.SIMSPEC_MAX_DECOMPRESSED_BYTES;
    else process.env.SIMSPEC_MAX_DECOMPRESSED_BYTES = previous;
    rmSync(dir, { recursive: true, force: true });
  }
});
