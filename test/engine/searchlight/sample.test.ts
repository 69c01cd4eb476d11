/**
 * The searchlight sample's generator (scripts/make-searchlight-sample.ts) on a small grid: the spec
 * it writes checks clean, runs, and its maps recover the two planted regions — each layer's group
 * peak lies in the region that follows it, the best-layer map names the right layer at both region
 * centres, and the sign-flip TFCE gives each region's peak the smallest FWE p the permutations allow.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeSearchlightSample, SMALL } from '../../../scripts/make-searchlight-sample';
import { readNifti } from '../../../engine/io/nifti';
import { runSpec } from '../../../engine/run/execute';
import { checkSpec } from '../../../engine/spec';
import { createFileIntrospector } from '../../../engine/spec/introspector';

test('the small searchlight sample recovers its two planted regions (peaks, best layer, FWE p)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'simspec-sl-sample-'));
  try {
    const options = { ...SMALL, subjects: 6 };
    makeSearchlightSample(dir, options, { radius: 2, permutations: 63 });
    const file = join(dir, 'searchlight.simspec.yaml');
    const errors = (await checkSpec(readFileSync(file, 'utf8'), file, createFileIntrospector())).problems.filter((p) => p.severity === 'error');
    assert.deepEqual(errors, []);
    const results = await runSpec(file, {});
    const derived = results.derived!.searchlight as { layers: Record<string, { peak: { voxel: number[] }; minimumPFwe: number }>; files: { name: string; file: string }[] };
    for (const [r, layer] of ['early', 'late'].entries()) {
      const { centre, radius } = options.regions[r]!;
      const peak = derived.layers[layer]!.peak.voxel;
      const distance = Math.hypot(peak[0]! - centre[0], peak[1]! - centre[1], peak[2]! - centre[2]);
      assert.ok(distance < radius, `${layer} peak at ${peak} is ${distance.toFixed(2)} voxels from the centre of its planted region (${centre}, radius ${radius})`);
      // 6 subjects: 64 sign patterns; with 63 draws the observed maximum gets p ≤ (1 + ties)/64.
      assert.ok(derived.layers[layer]!.minimumPFwe < 0.1, `${layer} minimum FWE p ${derived.layers[layer]!.minimumPFwe}`);
    }
    const best = derived.files.find((f) => f.name === 'best-layer')!;
    const volume = await readNifti(join(dir, 'results', best.file));
    const [nx, ny] = options.dims;
    for (const [r, code] of [[0, 1], [1, 2]] as const) {
      const [i, j, k] = options.regions[r]!.centre;
      assert.equal(volume.data[i + nx * (j + ny * k)], code, `best layer at region ${r}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
