/**
 * Workloads W1–W5 of issue 7 and W6 of issue 11: deterministic data (written once to /tmp/simspec-bench as .npy), a
 * simspec spec per workload run by the real CLI (dist/cli.js), and the equivalent peer computation
 * (bench/peers/*.py) on the same files. Both run under /usr/bin/time for wall time and peak RSS,
 * including process start and loading the data. simspec runs with --no-cache: a re-run must
 * compute, not read the scores of the previous one from the on-disk cache.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeNpy } from '../engine/io/npyWriter';
import { peerEnvironment, type PythonInfo } from './python';

export const BENCH_DIR = process.env.SIMSPEC_BENCH_DIR ?? '/tmp/simspec-bench';
const ROOT = join(__dirname, '..');

function xorshift(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 2 ** 32 - 0.5;
  };
}

/** Latent stimulus factors (n×k), shared by model layers and brain regions so scores are non-trivial. */
function latent(n: number, k: number, seed: number): Float64Array {
  const next = xorshift(seed);
  return Float64Array.from({ length: n * k }, next);
}

/** n×cols responses = latent·loadings + noise·N, written as .npy unless already there. */
function responses(path: string, z: Float64Array, n: number, k: number, cols: number, seed: number, noise: number): void {
  if (existsSync(path)) return;
  const next = xorshift(seed);
  const loadings = Float64Array.from({ length: k * cols }, next);
  const data = new Float64Array(n * cols);
  for (let i = 0; i < n; i++) {
    const row = i * cols;
    for (let j = 0; j < cols; j++) data[row + j] = noise * next();
    for (let c = 0; c < k; c++) {
      const w = z[i * k + c]!;
      const off = c * cols;
      for (let j = 0; j < cols; j++) data[row + j] += w * loadings[off + j]!;
    }
  }
  writeNpy(path, [n, cols], data);
}

/**
 * n×maxRepeats×cols responses with between minRepeats and maxRepeats repeats per stimulus (the rest
 * NaN, as a recording with missing trials is stored): each repeat is latent·loadings plus its own noise.
 */
function repeatedResponses(path: string, z: Float64Array, n: number, k: number, cols: number, seed: number, noise: number, minRepeats: number, maxRepeats: number): void {
  if (existsSync(path)) return;
  const next = xorshift(seed);
  const loadings = Float64Array.from({ length: k * cols }, next);
  const data = new Float64Array(n * maxRepeats * cols).fill(NaN);
  for (let i = 0; i < n; i++) {
    const count = minRepeats + Math.floor((next() + 0.5) * (maxRepeats - minRepeats + 1));
    for (let r = 0; r < Math.min(count, maxRepeats); r++) {
      const row = (i * maxRepeats + r) * cols;
      for (let j = 0; j < cols; j++) {
        let v = noise * next();
        for (let c = 0; c < k; c++) v += z[i * k + c]! * loadings[c * cols + j]!;
        data[row + j] = v;
      }
    }
  }
  writeNpy(path, [n, maxRepeats, cols], data);
}

interface Source {
  name: string;
  cols: number;
  seed: number;
  /** Stored as stimuli × repeats × units with this many repeats per stimulus (NaN-padded): `kind: repeats`. */
  repeats?: { min: number; max: number };
}

export interface Workload {
  id: string;
  title: string;
  n: number;
  layers: Source[];
  regions: Source[];
  /** YAML of the comparisons block (list items), indented by 2. */
  comparisons: string;
  /** Peer runs: script and its comparisons (paths are filled in). */
  peers: Array<{ script: string; needsSklearn?: boolean; comparisons: Array<Record<string, unknown>> }>;
  /** Relative tolerance of the value check. */
  tolerance: number;
  /** Why values may legitimately differ from the peer. */
  note?: string;
}

const ALPHAS = Array.from({ length: 12 }, (_, i) => 10 ** (i - 1)); // 0.1 … 1e10

export function workloads(scale: number): Workload[] {
  const s = (x: number) => Math.max(8, Math.round(x * scale));
  const boots = Math.max(10, Math.round(1000 * scale));
  return [
    {
      id: 'W1',
      title: `RSA: model ${s(1000)}×${s(20000)}, brain ${s(1000)}×${s(500)}, correlation RDM, Spearman, ${boots} bootstraps`,
      n: s(1000),
      layers: [{ name: 'layer', cols: s(20000), seed: 11 }],
      regions: [{ name: 'region', cols: s(500), seed: 12 }],
      comparisons: `  - name: rsa\n    metric: rsa\n    rdm: correlation\n    compare: spearman\n    statistics:\n      bootstrap: { over: stimuli, samples: ${boots}, seed: 0 }\n`,
      peers: [{ script: 'rsa.py', comparisons: [{ name: 'rsa', bootstrap: boots }] }],
      tolerance: 1e-9,
    },
    {
      id: 'W2',
      title: `shape: ${s(1000)}×${s(2000)} vs ${s(1000)}×${s(500)}, linear α ∈ {0, 0.5, 1}, angular, 5-fold`,
      n: s(1000),
      layers: [{ name: 'layer', cols: s(2000), seed: 21 }],
      regions: [{ name: 'region', cols: s(500), seed: 22 }],
      comparisons: [0, 0.5, 1]
        .map((a) => `  - name: shape_a${a}\n    metric: shape\n    group: linear\n    alpha: ${a}\n    score: angular\n    cv: { scheme: kfold, folds: 5 }\n`)
        .join(''),
      peers: [{ script: 'shape.py', comparisons: [0, 0.5, 1].map((a) => ({ name: `shape_a${a}`, alpha: a, folds: 5 })) }],
      tolerance: 1e-6,
      note:
        'values differ by design: with units ≥ training rows simspec first reduces each network to n_train − 1 PCA components per fold (docs/metrics.md §4.4); netrep whitens the rank-deficient p×p scatter',
    },
    {
      id: 'W3',
      title: `ridge: n=${s(1000)}, p=${s(4096)}, q=${s(200)}, 12 α, leave-one-out α per target, 5-fold`,
      n: s(1000),
      layers: [{ name: 'layer', cols: s(4096), seed: 31 }],
      regions: [{ name: 'region', cols: s(200), seed: 32 }],
      comparisons: `  - name: ridge\n    metric: regression\n    method: ridge\n    alphas: [${ALPHAS.join(', ')}]\n    alpha_selection: loo-per-target\n    score: pearson\n    aggregate: median\n    cv: { scheme: kfold, folds: 5 }\n`,
      peers: [{ script: 'ridge.py', needsSklearn: true, comparisons: [{ name: 'ridge', alphas: ALPHAS, per_target: true, folds: 5 }] }],
      tolerance: 1e-6,
    },
    {
      id: 'W4',
      title: `CKA: ${s(2000)}×${s(20000)} vs ${s(2000)}×${s(500)}, unbiased linear`,
      n: s(2000),
      layers: [{ name: 'layer', cols: s(20000), seed: 41 }],
      regions: [{ name: 'region', cols: s(500), seed: 42 }],
      comparisons: `  - name: cka\n    metric: cka\n    estimator: unbiased\n    kernel: linear\n`,
      peers: [{ script: 'cka.py', comparisons: [{ name: 'cka' }] }],
      tolerance: 1e-9,
    },
    {
      id: 'W5',
      title: `full spec: 8 layers (${s(1000)}×${s(2048)}) × 2 regions (${s(300)}, ${s(200)} units) × RSA + ridge + Procrustes + CKA`,
      n: s(1000),
      layers: Array.from({ length: 8 }, (_, i) => ({ name: `layer${i + 1}`, cols: s(2048), seed: 51 + i })),
      regions: [
        { name: 'V4', cols: s(300), seed: 61 },
        { name: 'IT', cols: s(200), seed: 62 },
      ],
      comparisons:
        `  - name: rsa\n    metric: rsa\n    rdm: correlation\n    compare: spearman\n` +
        `  - name: ridge\n    metric: regression\n    method: ridge\n    alphas: [${ALPHAS.join(', ')}]\n    alpha_selection: loo\n    score: pearson\n    aggregate: median\n    cv: { scheme: kfold, folds: 5 }\n` +
        `  - name: procrustes\n    metric: shape\n    group: orthogonal\n    score: angular\n` +
        `  - name: cka\n    metric: cka\n    estimator: unbiased\n    kernel: linear\n`,
      peers: [
        { script: 'rsa.py', comparisons: [{ name: 'rsa' }] },
        { script: 'ridge.py', needsSklearn: true, comparisons: [{ name: 'ridge', alphas: ALPHAS, per_target: false, folds: 5 }] },
        { script: 'procrustes.py', comparisons: [{ name: 'procrustes' }] },
        { script: 'cka.py', comparisons: [{ name: 'cka' }] },
      ],
      tolerance: 1e-6,
    },
    {
      id: 'W6',
      title: `RSA bootstrap: 2 layers (${s(640)}×${s(784)}, ${s(640)}×${s(1040)}) vs ${s(640)} stimuli × 6–10 repeats (NaN-padded) × ${s(50)} units, correlation RDM, Spearman, ${boots} bootstraps over stimuli`,
      n: s(640),
      layers: [
        { name: 'layer_a', cols: s(784), seed: 71 },
        { name: 'layer_b', cols: s(1040), seed: 72 },
      ],
      regions: [{ name: 'neurons', cols: s(50), seed: 73, repeats: { min: 6, max: 10 } }],
      comparisons: `  - name: rsa\n    metric: rsa\n    rdm: correlation\n    compare: spearman\n    statistics:\n      bootstrap: { over: stimuli, samples: ${boots}, seed: 0 }\n`,
      peers: [{ script: 'rsa_bootstrap.py', comparisons: [{ name: 'rsa', bootstrap: boots, seed: 0 }] }],
      tolerance: 1e-9,
    },
  ];
}

/** Writes the data and the spec of a workload; returns the spec path. */
export function prepare(w: Workload, scale: number): { spec: string; dir: string } {
  const dir = join(BENCH_DIR, `${w.id}-scale${scale}`);
  mkdirSync(dir, { recursive: true });
  const k = 20;
  const z = latent(w.n, k, 7);
  for (const src of [...w.layers, ...w.regions]) {
    if (src.repeats) repeatedResponses(join(dir, `${src.name}.npy`), z, w.n, k, src.cols, src.seed, 2.0, src.repeats.min, src.repeats.max);
    else responses(join(dir, `${src.name}.npy`), z, w.n, k, src.cols, src.seed, 1.0);
  }
  const spec =
    `simspec: 1\ntitle: bench ${w.id}\nstimuli: { count: ${w.n} }\n` +
    `model:\n  name: bench\n  layers:\n${w.layers.map((l) => `    ${l.name}: { file: ${l.name}.npy }\n`).join('')}` +
    `brain:\n${w.regions.map((r) => `  ${r.name}: { file: ${r.name}.npy${r.repeats ? ', kind: repeats' : ''} }\n`).join('')}` +
    `comparisons:\n${w.comparisons}output: results.json\n`;
  const specPath = join(dir, `${w.id}.simspec.yaml`);
  writeFileSync(specPath, spec);
  return { spec: specPath, dir };
}

export interface Timed {
  seconds: number;
  /** User + system CPU seconds of the process (on a shared machine, steadier than wall time). */
  cpuSeconds: number;
  peakMiB: number;
  ok: boolean;
  error?: string;
  values: Map<string, number>;
  /** Seconds per stage (load, products, decompositions, resampling, metric, write, other). */
  stages: Record<string, number>;
}

/** Stage names in the order the breakdown prints them. */
export const STAGES = ['load', 'products', 'decompositions', 'resampling', 'metric', 'write', 'other'] as const;

function timed(command: string, args: string[], env: NodeJS.ProcessEnv): { seconds: number; cpuSeconds: number; peakMiB: number; status: number | null; stdout: string; stderr: string } {
  const useTime = existsSync('/usr/bin/time');
  const t = performance.now();
  const run = useTime
    ? spawnSync('/usr/bin/time', ['-f', '@@time %e %M %U %S', command, ...args], { env, encoding: 'utf8', maxBuffer: 1 << 26 })
    : spawnSync(command, args, { env, encoding: 'utf8', maxBuffer: 1 << 26 });
  const wall = (performance.now() - t) / 1000;
  const match = /@@time ([\d.]+) (\d+) ([\d.]+) ([\d.]+)/.exec(run.stderr ?? '');
  return {
    seconds: match ? Number(match[1]) : wall,
    peakMiB: match ? Number(match[2]) / 1024 : NaN,
    cpuSeconds: match ? Number(match[3]) + Number(match[4]) : NaN,
    status: run.status,
    stdout: run.stdout ?? '',
    stderr: (run.stderr ?? '').replace(/@@time.*\n?/, ''),
  };
}

export function runSimspec(w: Workload, spec: string, dir: string, env: NodeJS.ProcessEnv): Timed {
  const out = join(dir, 'results.json');
  const run = timed(process.execPath, [join(ROOT, 'bin', 'simspec.js'), 'run', spec, '--out', out, '--quiet', '--no-cache'], { ...env, SIMSPEC_STAGE_TIMES: '1' });
  const values = new Map<string, number>();
  if (run.status !== 0) return { seconds: run.seconds, cpuSeconds: run.cpuSeconds, peakMiB: run.peakMiB, ok: false, error: run.stderr.trim().split('\n').slice(-3).join(' | '), values, stages: {} };
  const results = JSON.parse(readFileSync(out, 'utf8')) as {
    scores: Array<{ comparison: string; layer: string; region: string; value: number; ci?: { lower: number; upper: number; standardError?: number } }>;
  };
  // Timings live in the run-facts sidecar (`<output>.run.json`, engine/run/results.ts), so that the
  // results file itself is identical between runs.
  const runFacts = JSON.parse(readFileSync(`${out}.run.json`, 'utf8')) as { timings?: { totalMilliseconds: number; stageMilliseconds?: Record<string, number> } };
  for (const s of results.scores) {
    const key = `${s.comparison}/${s.layer}/${s.region}`;
    values.set(key, s.value);
    if (s.ci) {
      values.set(`${key}#ci_lower`, s.ci.lower);
      values.set(`${key}#ci_upper`, s.ci.upper);
      if (s.ci.standardError !== undefined) values.set(`${key}#standard_error`, s.ci.standardError);
    }
  }
  // The engine's stage timer (engine/core/stageTimer.ts) covers the run; what the process spent
  // outside it (start, spec check, writing the results) is 'other'.
  const stages: Record<string, number> = {};
  let inRun = 0;
  for (const [name, ms] of Object.entries(runFacts.timings?.stageMilliseconds ?? {})) {
    stages[name] = ms / 1000;
    inRun += ms / 1000;
  }
  stages.other = Math.max(0, run.seconds - inRun);
  return { seconds: run.seconds, cpuSeconds: run.cpuSeconds, peakMiB: run.peakMiB, ok: true, values, stages };
}

export function runPeers(w: Workload, dir: string, python: { all?: PythonInfo; numpyOnly?: PythonInfo }, threads: number): Timed | undefined {
  let seconds = 0;
  let cpuSeconds = 0;
  let peakMiB = 0;
  const values = new Map<string, number>();
  const stages: Record<string, number> = {};
  const env = peerEnvironment(threads);
  for (const peer of w.peers) {
    const py = peer.needsSklearn ? python.all : python.all ?? python.numpyOnly;
    if (!py) return undefined;
    const layers = Object.fromEntries(w.layers.map((l) => [l.name, join(dir, `${l.name}.npy`)]));
    const regions = Object.fromEntries(w.regions.map((r) => [r.name, join(dir, `${r.name}.npy`)]));
    const cfg = { comparisons: peer.comparisons.map((c) => ({ ...c, layers, regions })) };
    const run = timed(py.path, [join(__dirname, 'peers', peer.script), JSON.stringify(cfg)], env);
    if (run.status !== 0) return { seconds, cpuSeconds, peakMiB, ok: false, error: `${peer.script}: ${run.stderr.trim().split('\n').slice(-2).join(' | ')}`, values, stages };
    seconds += run.seconds;
    cpuSeconds += run.cpuSeconds;
    peakMiB = Math.max(peakMiB, run.peakMiB);
    const output = JSON.parse(run.stdout) as { values: Record<string, number>; stages?: Record<string, number> };
    for (const [k, v] of Object.entries(output.values)) values.set(k, v);
    // Peer scripts time their own stages; the rest of the process (interpreter start, imports) is 'other'.
    let inScript = 0;
    for (const [name, s] of Object.entries(output.stages ?? {})) {
      stages[name] = (stages[name] ?? 0) + s;
      inScript += s;
    }
    stages.other = (stages.other ?? 0) + Math.max(0, run.seconds - inScript);
  }
  return { seconds, cpuSeconds, peakMiB, ok: true, values, stages };
}
