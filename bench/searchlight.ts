/**
 * Searchlight RSA at fMRI size (issue 16): a 64 × 64 × 40 grid with an ellipsoid mask of about
 * 60 000 voxels, 92 stimuli, radius 3 voxels (123-voxel spheres), 8 model layers, 1 subject —
 * simspec's spheres and maps (engine/metrics/searchlight) against rsatoolbox's
 * get_volume_searchlight(truncate_at_boundary=True) + get_searchlight_RDMs +
 * evaluate_models_searchlight(eval_fixed, spearman) on the same data (bench/peers/searchlight.py).
 *
 *   npx tsx bench/searchlight.ts                 # rsatoolbox on 2000 centres, extrapolated
 *   npx tsx bench/searchlight.ts --peer-centres=N
 *   SIMSPEC_RSATOOLBOX=/path/to/rsatoolbox/src   # PYTHONPATH of the peer (default /tmp/rsatoolbox-src/src:/tmp/rsatoolbox-meta)
 *
 * Prints time per stage, peak RSS (sampled every 5 ms here, getrusage in the peer), the ratio, and
 * the check that both give the same values on the centres the peer ran.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeNpy } from '../engine/io/npyWriter';
import { NumpyRandomState } from '../engine/stats/random';
import { prepareLayerRdm, searchlightMaps, searchlightSpheres } from '../engine/metrics/searchlight';
import { rdmFromResponses } from '../engine/metrics/rsa';
import { findPython, peerEnvironment, pinnedInEnvironment } from './python';

const dims: [number, number, number] = [64, 64, 40];
const n = 92;
const layersCount = 8;
const radius = 3;
const peerCentres = Number(process.argv.find((a) => a.startsWith('--peer-centres='))?.split('=')[1] ?? 2000);

const rng = new NumpyRandomState(16);
const gaussian = (): number => Math.sqrt(-2 * Math.log(1 - rng.randomSample())) * Math.cos(2 * Math.PI * rng.randomSample());
const [nx, ny, nz] = dims;
const grid = nx * ny * nz;
const mask = new Uint8Array(grid);
for (let k = 0; k < nz; k++)
  for (let j = 0; j < ny; j++)
    for (let i = 0; i < nx; i++) {
      const r = ((i - 31.5) / 28.8) ** 2 + ((j - 31.5) / 28.8) ** 2 + ((k - 19.5) / 18) ** 2;
      if (r <= 1) mask[i + nx * (j + ny * k)] = 1;
    }
const masked = mask.reduce((a, b) => a + b, 0);
// Data: stimuli × grid voxels (NIfTI order), a smooth-ish signal from 10 latent dimensions plus noise.
const latent = Float64Array.from({ length: n * 10 }, gaussian);
const data = new Float64Array(n * grid);
for (let v = 0; v < grid; v++) {
  if (!mask[v]) continue;
  const load = Float64Array.from({ length: 10 }, () => 0.3 * gaussian());
  for (let s = 0; s < n; s++) {
    let x = gaussian();
    for (let d = 0; d < 10; d++) x += load[d]! * latent[s * 10 + d]!;
    data[s * grid + v] = x;
  }
}
const layers = Array.from({ length: layersCount }, () => {
  const w = Float64Array.from({ length: 10 * 50 }, gaussian);
  const x = new Float64Array(n * 50);
  for (let s = 0; s < n; s++) for (let u = 0; u < 50; u++) {
    let v = gaussian();
    for (let d = 0; d < 10; d++) v += latent[s * 10 + d]! * w[d * 50 + u]!;
    x[s * 50 + u] = v;
  }
  return rdmFromResponses({ rows: n, cols: 50, data: x }, 'correlation').condensed;
});

const mib = (b: number) => (b / 2 ** 20).toFixed(0);
let peakRss = process.memoryUsage().rss;
const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 5);
console.log(`searchlight bench: ${dims.join(' × ')} grid, ${masked} masked voxels, ${n} stimuli, radius ${radius} voxels, ${layersCount} layers, 1 subject`);
console.log(`inputs: data ${mib(data.byteLength)} MiB (float64, whole grid); rss before ${mib(process.memoryUsage().rss)} MiB`);

let t = performance.now();
const spheres = searchlightSpheres(dims, mask, { radius, voxelSize: [1, 1, 1], threshold: 0, minVoxels: 2 });
const tSpheres = performance.now() - t;
t = performance.now();
const prepared = layers.map((l) => prepareLayerRdm(l, 'spearman'));
const { maps } = searchlightMaps(data, n, grid, spheres, prepared, { method: 'correlation', compare: 'spearman' });
const tMaps = performance.now() - t;
clearInterval(sampler);
peakRss = Math.max(peakRss, process.memoryUsage().rss);
const ours = (tSpheres + tMaps) / 1000;
console.log(`simspec: spheres ${(tSpheres / 1000).toFixed(2)} s (${spheres.centres.length} centres, ${spheres.members.length} members), RDMs + ${layersCount}-layer Spearman maps ${(tMaps / 1000).toFixed(1)} s (${((tMaps * 1000) / spheres.centres.length).toFixed(0)} µs per centre); total ${ours.toFixed(1)} s, peak RSS ${mib(peakRss)} MiB`);

const python = findPython().all;
const peerPath = process.env.SIMSPEC_RSATOOLBOX ?? '/tmp/rsatoolbox-src/src:/tmp/rsatoolbox-meta';
if (!python) {
  console.log('no python3 with numpy/scipy: rsatoolbox not timed');
  process.exit(0);
}
const dir = mkdtempSync(join(tmpdir(), 'simspec-sl-bench-'));
try {
  // The peer reads C order over (x, y, z): reorder the voxels.
  const cData = new Float64Array(n * grid);
  const cMask = new Float64Array(grid);
  for (let k = 0; k < nz; k++) for (let j = 0; j < ny; j++) for (let i = 0; i < nx; i++) {
    const v = i + nx * (j + ny * k);
    const c = (i * ny + j) * nz + k;
    cMask[c] = mask[v]!;
    for (let s = 0; s < n; s++) cData[s * grid + c] = data[s * grid + v]!;
  }
  writeNpy(join(dir, 'data.npy'), [n, grid], cData);
  writeNpy(join(dir, 'mask.npy'), dims, cMask);
  writeNpy(join(dir, 'layers.npy'), [layersCount, layers[0]!.length], Float64Array.from(layers.flatMap((l) => Array.from(l))));
  const pinned = pinnedInEnvironment();
  const run = spawnSync(python.path, [join(__dirname, 'peers', 'searchlight.py'), dir, String(radius), String(peerCentres)], {
    encoding: 'utf8',
    env: { ...peerEnvironment(1), PYTHONPATH: [peerPath, process.env.PYTHONPATH].filter(Boolean).join(':') },
    maxBuffer: 64 * 2 ** 20,
  });
  if (run.status !== 0) {
    console.log(`rsatoolbox failed: ${run.stderr.split('\n').slice(-5).join(' | ')}`);
    process.exit(0);
  }
  const peer = JSON.parse(run.stdout.trim().split('\n').at(-1)!) as { centres: number; spheres_s: number; ran: number; rdms_s: number; eval_s: number; peak_rss_mib: number; values: number[][]; rsatoolbox: string; blas: string | null };
  const perCentre = (peer.rdms_s + peer.eval_s) / peer.ran;
  const extrapolated = peer.spheres_s + perCentre * peer.centres;
  const rdmBytes = peer.centres * ((n * (n - 1)) / 2) * 8;
  console.log(
    `rsatoolbox ${peer.rsatoolbox} (python ${python.path}, numpy ${python.numpy}, BLAS core ${peer.blas ?? python.blasCore ?? 'unknown'}${pinned.length ? `; removed ${pinned.join(' ')}` : ''}): ` +
      `get_volume_searchlight ${peer.spheres_s.toFixed(1)} s (${peer.centres} centres); on ${peer.ran} centres get_searchlight_RDMs ${peer.rdms_s.toFixed(1)} s + evaluate_models_searchlight ${peer.eval_s.toFixed(1)} s = ${(perCentre * 1e6).toFixed(0)} µs per centre; ` +
      `extrapolated to every centre: ${extrapolated.toFixed(0)} s; peak RSS on ${peer.ran} centres ${peer.peak_rss_mib.toFixed(0)} MiB, and all RDMs in memory at full size would be ${mib(rdmBytes)} MiB more`,
  );
  // Same numbers: the peer's first centres (C order) vs our maps at those voxels.
  const ourIndex = new Map<number, number>();
  spheres.centres.forEach((v, c) => ourIndex.set(v, c));
  let worst = 0;
  const cCentres = JSON.parse(readFileSync(join(dir, 'centres.json'), 'utf8')) as number[];
  cCentres.forEach((c, m) => {
    const i = Math.floor(c / (ny * nz));
    const j = Math.floor(c / nz) % ny;
    const k = c % nz;
    const ours = ourIndex.get(i + nx * (j + ny * k))!;
    for (let l = 0; l < layersCount; l++) worst = Math.max(worst, Math.abs(maps[l]![ours]! - peer.values[m]![l]!));
  });
  console.log(`agreement on the ${cCentres.length} centres the peer ran: max |diff| ${worst.toExponential(2)} (maps are float32)`);
  console.log(`bench searchlight: simspec ${ours.toFixed(1)} s, peak ${mib(peakRss)} MiB; rsatoolbox ${extrapolated.toFixed(0)} s (extrapolated from ${peer.ran} of ${peer.centres} centres); ratio ${(extrapolated / ours).toFixed(1)}×`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
