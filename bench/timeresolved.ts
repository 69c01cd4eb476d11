/**
 * Time-resolved RSA (`metric: rsa-time`) against the equivalent MNE + rsatoolbox script.
 *   npx tsx bench/timeresolved.ts [--stimuli=92 --sensors=300 --samples=700 --subjects=20 --layers=8
 *                                  --permutations=1000 --peer-subjects=2]
 *
 * Same synthetic data for both (scripts/make-timeresolved-meg.ts, float32 .npy). simspec runs the
 * spec with the CLI in a child process under /usr/bin/time (wall, peak RSS): per-(subject, time)
 * correlation RDMs made once, Spearman against every layer, the cluster test with `permutations`
 * sign flips per layer, the latency bootstrap (1000 draws; the peer script has none), no ceiling
 * and no temporal generalisation (the peer script has neither). The peer is the script a user
 * writes with rsatoolbox and MNE: for each subject and time sample, `calc_rdm(Dataset(x),
 * 'correlation')` and `compare(model_rdms, rdm, 'spearman')` (all layers at once), then
 * `permutation_cluster_1samp_test(scores[layer], n_permutations, tail=1, seed=0)` per layer. The
 * RDM/compare loop is timed on `--peer-subjects` subjects and extrapolated linearly to all subjects
 * (it is linear in subjects: one independent loop per subject); the cluster tests run on all
 * subjects. Both print where their time went. The peer runs without OPENBLAS pinning variables
 * (bench/python.ts) and prints the OpenBLAS core it used.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { peerEnvironment, pinnedInEnvironment } from './python';
import { plantedLayers } from '../scripts/make-timeresolved-meg';

const args = Object.fromEntries(process.argv.slice(2).map((a) => a.replace(/^--/, '').split('=') as [string, string]));
const stimuli = Number(args.stimuli ?? 92);
const sensors = Number(args.sensors ?? 300);
const samples = Number(args.samples ?? 700);
const subjects = Number(args.subjects ?? 20);
const layers = Number(args.layers ?? 8);
const permutations = Number(args.permutations ?? 1000);
const peerSubjects = Math.min(subjects, Number(args['peer-subjects'] ?? 2));
// The samples always span −100 … 600 ms (1 kHz for the full 700 samples), so planted latencies stay inside.
const rate = Math.round(samples / 0.7);

const dir = mkdtempSync(join(tmpdir(), 'simspec-bench-time-'));
try {
  console.log(`time-resolved RSA: ${stimuli} stimuli × ${sensors} sensors × ${samples} samples × ${subjects} subjects, ${layers} layers, ${permutations} sign flips`);
  const gen = spawnSync('npx', ['tsx', 'scripts/make-timeresolved-meg.ts', join(dir, 'data'), `--stimuli=${stimuli}`, `--sensors=${sensors}`, `--samples=${samples}`, `--subjects=${subjects}`, `--rate=${rate}`, `--layers=${layers}`], { encoding: 'utf8' });
  if (gen.status !== 0) throw new Error(gen.stderr);
  const names = plantedLayers(layers).map((p) => p.layer);
  const spec = [
    'simspec: 1',
    `stimuli: { count: ${stimuli} }`,
    'model:',
    '  layers:',
    ...names.map((n) => `    ${n}: { file: data/model/${n}.npy }`),
    'brain:',
    '  meg: { file: data/meg.npy, axes: [subjects, stimuli, units, time] }',
    'comparisons:',
    `  - { name: c, metric: rsa-time, layers: [${names.join(', ')}], regions: [meg], times: { rate: ${rate}, onset: -0.1 }, rdm: correlation, compare: spearman, tail: 1, permutations: ${permutations}, seed: 0, generalization: false }`,
    'statistics: { noise_ceiling: false }',
  ].join('\n');
  writeFileSync(join(dir, 'bench.simspec.yaml'), spec);

  // simspec: the CLI in a child process, peak RSS from GNU time.
  const ours = spawnSync('/usr/bin/time', ['-f', 'TIME %e %M', 'node', 'bin/simspec.js', 'run', join(dir, 'bench.simspec.yaml'), '--out', join(dir, 'results.json'), '--no-cache'], { encoding: 'utf8', env: { ...process.env, SIMSPEC_STAGE_TIMES: '1' } });
  const oursLine = /TIME ([\d.]+) (\d+)/.exec(ours.stderr);
  if (ours.status !== 0 || !oursLine) throw new Error(`simspec run failed: ${ours.stderr.slice(-2000)}`);
  const oursSeconds = Number(oursLine[1]);
  const oursMb = Number(oursLine[2]) / 1024;

  // The peer script.
  const peer = `
import json, resource, sys, time
import numpy as np
t0 = time.perf_counter()
from rsatoolbox.data import Dataset
from rsatoolbox.rdm import calc_rdm, compare, concat
from mne.stats import permutation_cluster_1samp_test
import mne
mne.set_log_level('ERROR')
t_import = time.perf_counter() - t0
d = sys.argv[1]; names = sys.argv[2].split(','); S_peer = int(sys.argv[3]); n_perm = int(sys.argv[4])
t0 = time.perf_counter()
meg = np.load(d + '/data/meg.npy', mmap_mode='r')
S, n, P, T = meg.shape
models = concat([calc_rdm(Dataset(np.load(d + '/data/model/' + m + '.npy').astype(float)), method='correlation') for m in names])
t_models = time.perf_counter() - t0
scores = np.zeros((len(names), S, T))
t0 = time.perf_counter()
for s in range(S_peer):
    x = np.asarray(meg[s], dtype=float)
    for t in range(T):
        rdm = calc_rdm(Dataset(x[:, :, t]), method='correlation')
        scores[:, s, t] = compare(models, rdm, method='spearman')[:, 0]
t_loop = time.perf_counter() - t0
for s in range(S_peer, S):
    scores[:, s, :] = scores[:, s % S_peer, :] + 0.01 * np.random.RandomState(s).randn(len(names), T)
t0 = time.perf_counter()
for l in range(len(names)):
    permutation_cluster_1samp_test(scores[l], n_permutations=n_perm, tail=1, seed=0, out_type='indices', verbose=False)
t_cluster = time.perf_counter() - t0
print(json.dumps({"import": t_import, "models": t_models, "loop": t_loop, "cluster": t_cluster, "S": S, "S_peer": S_peer, "maxrss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
`;
  writeFileSync(join(dir, 'peer.py'), peer);
  const env = { ...peerEnvironment(1), PYTHONPATH: '/tmp/rsatoolbox-src/src:/tmp/rsatoolbox-meta' };
  const core = spawnSync('/usr/bin/python3', ['-c', 'import numpy, ctypes, re\nnumpy.ones((64,64))@numpy.ones((64,64))\nfor line in open("/proc/self/maps"):\n    m = re.search(r"(/\\S*openblas\\S*\\.so\\S*)", line)\n    if m:\n        lib = ctypes.CDLL(m.group(1)); lib.openblas_get_corename.restype = ctypes.c_char_p; print(lib.openblas_get_corename().decode()); break'], { encoding: 'utf8', env });
  const run = spawnSync('/usr/bin/python3', [join(dir, 'peer.py'), dir, names.join(','), String(peerSubjects), String(permutations)], { encoding: 'utf8', env, maxBuffer: 1 << 26 });
  if (run.status !== 0) throw new Error(`peer failed: ${run.stderr.slice(-2000)}`);
  const p = JSON.parse(run.stdout.trim().split('\n').pop()!) as { import: number; models: number; loop: number; cluster: number; S: number; S_peer: number; maxrss_mb: number };
  const loopAll = (p.loop * p.S) / p.S_peer;
  // Python's import time (rsatoolbox, MNE) is left out of the peer's total; node's start-up stays in ours.
  const peerSeconds = p.models + loopAll + p.cluster;

  const results = JSON.parse(readFileSync(join(dir, 'results.json'), 'utf8')) as { scores: { layer: string; details: { peakLatency: { seconds: number } } }[]; timings?: { totalMilliseconds: number; stageMilliseconds?: Record<string, number> } };
  const stages = Object.entries(results.timings?.stageMilliseconds ?? {}).map(([k, v]) => `${k === 'products' ? 'brain RDMs (products)' : k === 'resampling' ? 'cluster tests + latency bootstrap (resampling)' : k === 'metric' ? 'scores, model RDMs (metric)' : k} ${(v / 1000).toFixed(1)} s`);
  const recovered = results.scores.map((s) => `${s.layer} ${(s.details.peakLatency.seconds * 1000).toFixed(0)} ms`).join(', ');
  console.log(`simspec: ${oursSeconds.toFixed(1)} s wall (CLI process, load + RDMs + scores + ${layers} cluster tests + latency bootstraps), peak RSS ${oursMb.toFixed(0)} MB`);
  if (stages.length) console.log(`  where: ${stages.join(', ')} (run total ${((results.timings?.totalMilliseconds ?? 0) / 1000).toFixed(1)} s)`);
  console.log(`  peak latencies found: ${recovered}; planted: ${plantedLayers(layers).map((x) => `${x.layer} ${(x.latency * 1000).toFixed(0)} ms`).join(', ')}`);
  console.log(`peer (rsatoolbox + MNE ${'1.3'}, numpy OpenBLAS core ${core.stdout.trim() || 'unknown'}${pinnedInEnvironment().length ? `; removed ${pinnedInEnvironment().join(' ')}` : ''}):`);
  console.log(`  imports ${p.import.toFixed(1)} s, model RDMs ${p.models.toFixed(1)} s, RDM+compare loop ${p.loop.toFixed(1)} s for ${p.S_peer} subject(s) → ${loopAll.toFixed(1)} s for ${p.S} (extrapolated ×${(p.S / p.S_peer).toFixed(1)}), ${layers} cluster tests ${p.cluster.toFixed(1)} s; peak RSS ${p.maxrss_mb.toFixed(0)} MB (memory-mapped data)`);
  console.log(`  total ${peerSeconds.toFixed(1)} s (extrapolated; imports not counted)`);
  console.log(`ratio peer ÷ simspec: time ${(peerSeconds / oursSeconds).toFixed(1)}×, peak memory ${(p.maxrss_mb / oursMb).toFixed(2)}×`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
