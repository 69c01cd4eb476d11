/**
 * Sphere invariants (engine/metrics/searchlight): a radius in mm on isotropic s-mm voxels is the
 * radius r/s in voxels; on anisotropic voxels every member is strictly within the radius in mm and
 * every in-mask voxel strictly within it is a member (brute force); no member lies outside the mask;
 * `min_voxels` and `threshold` drop exactly the centres whose sphere falls short.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { searchlightSpheres, voxelIjk } from '../../../engine/metrics/searchlight';
import { seededRandom } from '../../helpers/seededRandom';

const dims: [number, number, number] = [9, 8, 7];
const rand = seededRandom(5);
const mask = Uint8Array.from({ length: 9 * 8 * 7 }, () => (rand() < 0.7 ? 1 : 0));

function members(s: ReturnType<typeof searchlightSpheres>, c: number): number[] {
  return Array.from(s.members.subarray(s.offsets[c]!, s.offsets[c + 1]!));
}

test('radius in mm on isotropic voxels equals radius / voxel size in voxels', () => {
  const mm = searchlightSpheres(dims, mask, { radius: 5, voxelSize: [2.5, 2.5, 2.5], threshold: 0, minVoxels: 1 });
  const vox = searchlightSpheres(dims, mask, { radius: 2, voxelSize: [1, 1, 1], threshold: 0, minVoxels: 1 });
  assert.deepEqual(mm, vox);
});

test('anisotropic voxels: members are exactly the in-mask voxels strictly within the radius (brute force)', () => {
  const size: [number, number, number] = [2, 2.5, 3];
  const radius = 6;
  const s = searchlightSpheres(dims, mask, { radius, voxelSize: size, threshold: 0, minVoxels: 1 });
  const total = dims[0] * dims[1] * dims[2];
  assert.equal(s.centres.length, mask.reduce((a, b) => a + b, 0));
  s.centres.forEach((v, c) => {
    const [i, j, k] = voxelIjk(v, dims);
    const want: number[] = [];
    for (let w = 0; w < total; w++) {
      if (!mask[w]) continue;
      const [a, b, d] = voxelIjk(w, dims);
      if (Math.hypot((a - i) * size[0], (b - j) * size[1], (d - k) * size[2]) < radius) want.push(w);
    }
    assert.deepEqual(members(s, c), want);
  });
});

test('min_voxels and threshold drop exactly the centres whose sphere falls short', () => {
  const all = searchlightSpheres(dims, mask, { radius: 2, voxelSize: [1, 1, 1], threshold: 0, minVoxels: 1 });
  const some = searchlightSpheres(dims, mask, { radius: 2, voxelSize: [1, 1, 1], threshold: 0, minVoxels: 15 });
  const kept = Array.from(all.centres).filter((_, c) => members(all, c).length >= 15);
  assert.deepEqual(Array.from(some.centres), kept);
  assert.ok(kept.length > 0 && kept.length < all.centres.length);
  // threshold: proportion of the in-grid sphere inside the mask
  const strict = searchlightSpheres(dims, mask, { radius: 2, voxelSize: [1, 1, 1], threshold: 0.8, minVoxels: 1 });
  const expected = Array.from(all.centres).filter((v) => {
    const [i, j, k] = voxelIjk(v, dims);
    let grid = 0;
    let inside = 0;
    for (let w = 0; w < mask.length; w++) {
      const [a, b, d] = voxelIjk(w, dims);
      if (Math.hypot(a - i, b - j, d - k) < 2) {
        grid++;
        inside += mask[w]!;
      }
    }
    return inside / grid >= 0.8;
  });
  assert.deepEqual(Array.from(strict.centres), expected);
});
