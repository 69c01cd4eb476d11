/**
 * Searchlight RSA against rsatoolbox and MNE on a generated volume (test/fixtures/searchlight,
 * made by make_reference.py there): sphere membership exactly as rsatoolbox's
 * get_volume_searchlight(truncate_at_boundary=True), sphere RDMs as get_searchlight_RDMs, values as
 * evaluate_models_searchlight(eval_fixed), the family through a spec (peaks, NIfTI maps beside the
 * results), and TFCE as MNE's permutation_cluster_1samp_test(threshold=dict(start, step), tail=1).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { readArray, readNpy } from '../../../engine/io';
import { readNifti } from '../../../engine/io/nifti';
import { searchlight, searchlightGeometry } from '../../../engine/families/searchlight';
import { prepareLayerRdm, searchlightMaps, sphereRdm } from '../../../engine/metrics/searchlight';
import { centreAdjacency, tfceMap } from '../../../engine/metrics/searchlight/group';
import { runSpec } from '../../../engine/run/execute';
import { checkSpec } from '../../../engine/spec';
import { createFileIntrospector } from '../../../engine/spec/introspector';

const DIR = join(__dirname, '..', '..', 'fixtures', 'searchlight');
const expected = JSON.parse(readFileSync(join(DIR, 'expected.json'), 'utf8'));

function params(extra: Record<string, unknown> = {}) {
  return searchlight.parse({ mask: 'mask.nii.gz', radius: 2, threshold: 0.5, min_voxels: 2, ...extra }, { index: 0 });
}

function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  assert.equal(a.length, b.length);
  let m = 0;
  for (let k = 0; k < a.length; k++) m = Math.max(m, Math.abs(a[k]! - b[k]!));
  return m;
}

test('sphere centres and members are exactly rsatoolbox get_volume_searchlight(radius 2, threshold 0.5, truncate_at_boundary=True)', async () => {
  await readNifti(join(DIR, 'mask.nii.gz'));
  const { spheres } = searchlightGeometry(params(), DIR);
  assert.deepEqual(Array.from(spheres.centres), expected.centres);
  const members = Array.from(spheres.centres, (_, c) => Array.from(spheres.members.subarray(spheres.offsets[c]!, spheres.offsets[c + 1]!)));
  assert.deepEqual(members, expected.members);
});

test('sphere RDMs and searchlight values equal rsatoolbox (correlation / euclidean × spearman / corr)', async () => {
  const bold = await readArray(join(DIR, 'bold.nii.gz'));
  const [n, width] = bold.shape as [number, number];
  const { spheres } = searchlightGeometry(params(), DIR);
  const layers = [readNpy(join(DIR, 'layer_a.npy')), readNpy(join(DIR, 'layer_b.npy'))];
  const rdms = (await Promise.all(layers)).map((a) => Float64Array.from(a.data));
  for (const method of ['correlation', 'euclidean'] as const) {
    const out = new Float64Array((n * (n - 1)) / 2);
    const scratch = new Float64Array(n * 64);
    for (let c = 0; c < 3; c++) {
      assert.ok(sphereRdm(bold.data, n, width, spheres.members.subarray(spheres.offsets[c]!, spheres.offsets[c + 1]!), method, out, scratch));
      const d = maxDiff(out, expected[`rdms_${method}_first3`][c]);
      assert.ok(d < 1e-12, `${method} RDM of centre ${c}: max |diff| ${d}`);
    }
    for (const compare of ['spearman', 'pearson'] as const) {
      const { maps } = searchlightMaps(bold.data, n, width, spheres, rdms.map((r) => prepareLayerRdm(r, compare)), { method, compare });
      const want = expected[`values_${method}_${compare === 'pearson' ? 'corr' : 'spearman'}`] as number[][];
      maps.forEach((map, l) => {
        const d = maxDiff(map, want[l]!);
        // maps are float32: within float32 rounding of values in [-1, 1]
        assert.ok(d < 1e-7, `${method}/${compare} layer ${l}: max |diff| ${d}`);
      });
    }
  }
});

test('the family through a spec: check passes, peaks match rsatoolbox, NIfTI maps beside the results', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'simspec-searchlight-'));
  try {
    const spec = {
      simspec: 1,
      model: { layers: { a: { file: join(DIR, 'layer_a.npy'), kind: 'rdm' }, b: { file: join(DIR, 'layer_b.npy'), kind: 'rdm' } } },
      brain: { bold: { file: join(DIR, 'bold.nii.gz') } },
      comparisons: [{ name: 'sl', metric: 'searchlight', mask: join(DIR, 'mask.nii.gz'), radius: 2, threshold: 0.5, min_voxels: 2, compare: 'spearman' }],
      output: 'out.results.json',
    };
    const file = join(dir, 'sl.simspec.yaml');
    writeFileSync(file, stringify(spec));
    const problems = (await checkSpec(stringify(spec), file, createFileIntrospector())).problems.filter((p) => p.severity === 'error');
    assert.deepEqual(problems, []);
    const results = await runSpec(file, {});
    const want = expected.values_correlation_spearman as number[][];
    for (const [l, layer] of ['a', 'b'].entries()) {
      const score = results.scores.find((s) => s.layer === layer)!;
      assert.ok(Math.abs(score.value - Math.max(...want[l]!)) < 1e-7, `${layer}: ${score.value}`);
    }
    const derived = results.derived!.sl as { files: { file: string }[]; searchlights: number };
    assert.equal(derived.searchlights, expected.centres.length);
    const mean = derived.files.find((f) => f.file.endsWith('sl.a.mean.nii'))!;
    assert.ok(mean && existsSync(join(dir, mean.file)));
    const volume = await readNifti(join(dir, mean.file));
    const mask = await readNifti(join(DIR, 'mask.nii.gz'));
    assert.deepEqual(volume.header.affine, mask.header.affine);
    expected.centres.forEach((v: number, c: number) => assert.ok(Math.abs(volume.data[v]! - want[0]![c]!) < 1e-6));
    // A second run (scores from the cache) to another output path writes its own maps there.
    const again = await runSpec(file, { output: join(dir, 'again.results.json') });
    const files = (again.derived!.sl as { files: { file: string }[] }).files;
    assert.equal(files.length, derived.files.length);
    for (const f of files) assert.ok(f.file.startsWith('again.results.json.') && existsSync(join(dir, f.file)), f.file);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('check reports a mask whose grid does not fit the volume, and a mask that is not NIfTI, on `mask`', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'simspec-searchlight-'));
  try {
    const { encodeNifti } = await import('../../../engine/io/nifti');
    writeFileSync(join(dir, 'small.nii'), encodeNifti([3, 3, 3], [[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1]], new Float32Array(27).fill(1)));
    writeFileSync(join(dir, 'bad.nii'), 'not a volume');
    for (const [mask, code] of [['small.nii', 'searchlight.mask-data'], ['bad.nii', 'io.nifti'], ['none.nii.gz', 'io.missing']] as const) {
      const text = stringify({
        simspec: 1,
        model: { layers: { a: { file: join(DIR, 'layer_a.npy'), kind: 'rdm' } } },
        brain: { bold: { file: join(DIR, 'bold.nii.gz') } },
        comparisons: [{ name: 'sl', metric: 'searchlight', mask }],
      });
      const file = join(dir, 'x.simspec.yaml');
      writeFileSync(file, text);
      const errors = (await checkSpec(text, file, createFileIntrospector())).problems.filter((p) => p.severity === 'error');
      assert.deepEqual(errors.map((e) => [e.code, e.path?.at(-1)]), [[code, 'mask']], mask);
      await assert.rejects(runSpec(file, { write: false }));
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('TFCE equals MNE permutation_cluster_1samp_test(threshold=dict(start=0.2, step=0.3), tail=1) on a 5 × 4 × 3 lattice', () => {
  const { shape, start, step, t, scores } = expected.tfce as { shape: [number, number, number]; start: number; step: number; t: number[]; scores: number[] };
  // MNE's arrays are C order over (x, y, z); the searchlight grid is NIfTI order. Map every lattice voxel.
  const [X, Y, Z] = shape;
  const centres: number[] = [];
  const map: number[] = [];
  const want: number[] = [];
  for (let k = 0; k < Z; k++)
    for (let j = 0; j < Y; j++)
      for (let i = 0; i < X; i++) {
        centres.push(i + X * (j + Y * k));
        map.push(t[(i * Y + j) * Z + k]!);
        want.push(scores[(i * Y + j) * Z + k]!);
      }
  const spheres = { dims: shape, centres: Int32Array.from(centres), offsets: new Int32Array(centres.length + 1), members: new Int32Array(0) };
  const got = tfceMap(map, centreAdjacency(spheres), { start, step, e: 0.5, h: 2 });
  const d = maxDiff(got, want);
  assert.ok(d < 1e-9, `max |diff| ${d}`);
  assert.ok(Math.max(...want) > 1, 'the case has real clusters');
});
