/**
 * The searchlight sample (samples/searchlight/README.md): a synthetic fMRI-like dataset with two
 * planted regions that follow two different model layers. Seeded (NumpyRandomState, Gaussians by
 * Box–Muller), so the same options write the same files.
 *
 *   npx tsx scripts/make-searchlight-sample.ts            # 40 × 48 × 40, 92 stimuli, 8 subjects
 *   npx tsx scripts/make-searchlight-sample.ts --small    # 14 × 14 × 10, 24 stimuli, 5 subjects
 *
 * writes samples/searchlight/data/ (not committed: 8 × 28 MB). `makeSearchlightSample` is also
 * called by test/engine/searchlight/sample.test.ts on a small grid in a temp folder.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { encodeNifti } from '../engine/io/nifti';
import { writeNpy } from '../engine/io/npyWriter';
import { NumpyRandomState } from '../engine/stats/random';

export interface SampleOptions {
  dims: [number, number, number];
  stimuli: number;
  subjects: number;
  /** Centres (voxel ijk) and radius (voxels) of the planted regions: the first follows layer `early`, the second `late`. */
  regions: { centre: [number, number, number]; radius: number }[];
  /** Latent dimensions of each layer's stimulus space. */
  latent: number;
  /** Signal amplitude in the planted regions, relative to unit noise. */
  signal: number;
  seed: number;
}

export const FULL: SampleOptions = {
  dims: [40, 48, 40],
  stimuli: 92,
  subjects: 8,
  regions: [{ centre: [12, 30, 20], radius: 4 }, { centre: [28, 16, 20], radius: 4 }],
  latent: 6,
  signal: 0.6,
  seed: 16,
};

export const SMALL: SampleOptions = {
  dims: [14, 14, 10],
  stimuli: 24,
  subjects: 5,
  regions: [{ centre: [4, 4, 5], radius: 3 }, { centre: [9, 9, 5], radius: 3 }],
  latent: 4,
  signal: 0.8,
  seed: 16,
};

/** Write mask.nii.gz, sub-XX.nii.gz (x × y × z × stimuli, float32), early.npy / late.npy (stimuli × 32) and the spec. */
export function makeSearchlightSample(dir: string, o: SampleOptions, spec: { radius: number; permutations: number } = { radius: 3, permutations: 200 }): void {
  mkdirSync(join(dir, 'data'), { recursive: true });
  const rng = new NumpyRandomState(o.seed);
  const gaussian = (): number => Math.sqrt(-2 * Math.log(1 - rng.randomSample())) * Math.cos(2 * Math.PI * rng.randomSample());
  const [nx, ny, nz] = o.dims;
  const voxels = nx * ny * nz;
  const n = o.stimuli;
  const affine = [[3, 0, 0, -1.5 * nx], [0, 3, 0, -1.5 * ny], [0, 0, 3, -1.5 * nz], [0, 0, 0, 1]];
  // Mask: an ellipsoid filling most of the grid.
  const mask = new Float32Array(voxels);
  for (let k = 0; k < nz; k++)
    for (let j = 0; j < ny; j++)
      for (let i = 0; i < nx; i++) {
        const r = ((i - (nx - 1) / 2) / (nx / 2)) ** 2 + ((j - (ny - 1) / 2) / (ny / 2)) ** 2 + ((k - (nz - 1) / 2) / (nz / 2)) ** 2;
        if (r <= 1) mask[i + nx * (j + ny * k)] = 1;
      }
  writeFileSync(join(dir, 'data', 'mask.nii.gz'), gzipSync(encodeNifti(o.dims, affine, mask, 1, 'simspec searchlight sample mask')));
  // Two stimulus spaces, one per layer; each layer is a random linear read-out of its space plus noise.
  const spaces = o.regions.map(() => Float64Array.from({ length: n * o.latent }, gaussian));
  const units = 32;
  for (const [l, name] of ['early', 'late'].entries()) {
    const out = new Float64Array(n * units);
    const w = Float64Array.from({ length: o.latent * units }, gaussian);
    for (let s = 0; s < n; s++)
      for (let u = 0; u < units; u++) {
        let v = 0.2 * gaussian();
        for (let d = 0; d < o.latent; d++) v += spaces[l]![s * o.latent + d]! * w[d * units + u]!;
        out[s * units + u] = v;
      }
    writeNpy(join(dir, 'data', `${name}.npy`), [n, units], out);
  }
  // Region membership (with a smooth weight falling to 0 at the radius).
  const weight = o.regions.map(({ centre, radius }) => {
    const w = new Float64Array(voxels);
    for (let v = 0; v < voxels; v++) {
      const i = v % nx;
      const j = Math.floor(v / nx) % ny;
      const k = Math.floor(v / (nx * ny));
      const d = Math.hypot(i - centre[0], j - centre[1], k - centre[2]);
      if (d < radius && mask[v]) w[v] = 1 - (d / radius) ** 2 / 2;
    }
    return w;
  });
  const brain: Record<string, { file: string }> = {};
  for (let s = 0; s < o.subjects; s++) {
    const data = new Float32Array(voxels * n); // NIfTI order: volume (stimulus) slowest
    // Each subject reads the stimulus spaces with its own voxel weights.
    for (let v = 0; v < voxels; v++) {
      const offset = 100 + 5 * gaussian();
      const loads = o.regions.map((_, r) => (weight[r]![v]! > 0 ? Float64Array.from({ length: o.latent }, gaussian) : undefined));
      for (let t = 0; t < n; t++) {
        let x = offset + gaussian();
        for (let r = 0; r < o.regions.length; r++) {
          const load = loads[r];
          if (!load) continue;
          let dot = 0;
          for (let d = 0; d < o.latent; d++) dot += load[d]! * spaces[r]![t * o.latent + d]!;
          x += o.signal * weight[r]![v]! * dot;
        }
        data[t * voxels + v] = mask[v] ? x : 0;
      }
    }
    const name = `sub-${String(s + 1).padStart(2, '0')}`;
    writeFileSync(join(dir, 'data', `${name}.nii.gz`), gzipSync(encodeNifti(o.dims, affine, data, n, `simspec searchlight sample ${name}`), { level: 1 }));
    brain[name.replace('-', '')] = { file: `data/${name}.nii.gz` };
  }
  const yaml = [
    'simspec: 1',
    `title: Searchlight sample (synthetic; ${o.dims.join(' × ')} voxels, ${n} stimuli, ${o.subjects} subjects)`,
    `stimuli: { count: ${n} }`,
    'model:',
    '  name: two synthetic layers',
    '  layers:',
    '    early: { file: data/early.npy }',
    '    late: { file: data/late.npy }',
    'brain:',
    ...Object.entries(brain).map(([k, v]) => `  ${k}: { file: ${v.file} }`),
    'comparisons:',
    '  - name: searchlight',
    '    metric: searchlight',
    '    mask: data/mask.nii.gz',
    `    radius: ${spec.radius}`,
    '    min_voxels: 10',
    '    rdm: correlation',
    '    compare: spearman',
    `    permutations: ${spec.permutations}`,
    '    correction: tfce',
    'output: results/searchlight.results.json',
    '',
  ].join('\n');
  writeFileSync(join(dir, 'searchlight.simspec.yaml'), yaml);
}

if (require.main === module) {
  const small = process.argv.includes('--small');
  makeSearchlightSample(join(__dirname, '..', 'samples', 'searchlight'), small ? SMALL : FULL, small ? { radius: 2, permutations: 100 } : { radius: 3, permutations: 200 });
  console.log(`wrote samples/searchlight/data (${small ? 'small' : 'full'})`);
}
