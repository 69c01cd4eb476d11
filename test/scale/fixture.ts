/** The scale-out tests' spec: the synthetic sample's data, a subset of its comparisons, and RSA with resampling. */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const SPEC = 'sweep.simspec.yaml';
export const BIN = resolve('bin/simspec.js');
const SAMPLE = resolve('samples/synthetic-encoding');

export const KERNELS = 'wasm-fma';

export function simspec(cwd: string, ...args: string[]): { status: number | null; stdout: string; stderr: string } {
  // The kernels pinned: by default each process picks FMA or mul+add by timing (engine/linalg/wasm/calibrate.ts),
  // and a loaded machine may pick differently in different processes (last-bit differences).
  const result = spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: 'utf8', timeout: 300_000, env: { ...process.env, SIMSPEC_KERNELS: 'wasm-fma' } });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** The sample's data with a spec of a subset of its comparisons plus RSA with resampling. */
export function setup(): string {
  const dir = mkdtempSync(join(tmpdir(), 'simspec-scale-'));
  for (const part of ['model', 'brain', 'labels.csv']) cpSync(join(SAMPLE, part), join(dir, part), { recursive: true });
  writeFileSync(join(dir, 'sweep.simspec.yaml'), `simspec: 1
title: scale-out test
stimuli:
  count: 200
  labels: labels.csv
model:
  layers:
    layer1: { file: model/layer1.npy }
    layer2: { file: model/layer2.npy }
    layer3: { file: model/layer3.npy }
    layer4: { file: model/layer4.npy }
brain:
  V1: { file: brain/V1.npy, kind: repeats }
  IT: { file: brain/IT.npy, kind: repeats }
comparisons:
  - name: rsa_resampled
    metric: rsa
    compare: spearman
    statistics:
      bootstrap: { over: stimuli, samples: 40, seed: 7 }
      permutation: { samples: 40, seed: 11 }
  - name: ridge
    metric: regression
    method: ridge
    alphas: [1, 100, 10000]
    layers: [layer1, layer2]
    cv: { scheme: kfold, folds: 3, shuffle: true, seed: 3 }
  - name: shape_orthogonal
    metric: shape
    group: orthogonal
    reduce: { method: pca, components: 20 }
    mds: true
  - name: cka
    metric: cka
output: results/sweep.results.json
`);
  return dir;
}

