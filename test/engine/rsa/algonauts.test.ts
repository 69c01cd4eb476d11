// Algonauts 2019 fMRI RDMs (92 images, 15 subjects) against docs/metrics.md §7.3: the
// Net2Brain/Algonauts noise ceilings (mean over subjects of squared Spearman) and the cross-dataset
// check against Kriegeskorte's RDMs.
import { test } from 'node:test';
import { join } from 'node:path';
import { readNpy, readNpz } from '../../../engine/io';
import type { Matrix, NDArray } from '../../../engine/core/matrix';
import { compareRdms, noiseCeiling, squareToCondensed } from '../../../engine/metrics/rsa';
import { close } from './helpers';

const SAMPLES = join(__dirname, '..', '..', '..', 'samples');

function condensedStack(a: NDArray, file: string): Matrix {
  const n = a.shape[a.shape.length - 1]!;
  const count = a.data.length / (n * n);
  const N = (n * (n - 1)) / 2;
  const data = new Float64Array(count * N);
  for (let r = 0; r < count; r++) {
    data.set(squareToCondensed({ rows: n, cols: n, data: a.data.subarray(r * n * n, (r + 1) * n * n) }, { file, variable: `Net_RDM[${r}]` }), r * N);
  }
  return { rows: count, cols: N, data };
}

async function roi(name: string): Promise<Matrix> {
  const file = join(SAMPLES, 'algonauts2019', 'data', '92images', `fmri_${name}_RDMs.npz`);
  return condensedStack(await readNpz(file, 'Net_RDM'), file);
}

test('Algonauts 2019 noise ceilings, 92 images (upper = vs plain mean, lower = vs leave-one-out mean, squared Spearman)', async () => {
  const want: Record<string, [number, number]> = { EVC: [0.068646, 0.158937], IT: [0.226445, 0.307513] };
  for (const [name, [lower, upper]] of Object.entries(want)) {
    const rdms = await roi(name);
    const nc = noiseCeiling(rdms, 'spearman', 'algonauts');
    close(nc.upper, upper, 1e-6, `${name} upper`);
    close(nc.lower, lower, 1e-6, `${name} lower`);
  }
});

test('Cichy IT mean RDM vs Kriegeskorte hIT (0.5569) and mIT (0.4864), Spearman', async () => {
  const it = await roi('IT');
  const mean = new Float64Array(it.cols);
  for (let s = 0; s < it.rows; s++) for (let k = 0; k < it.cols; k++) mean[k]! += it.data[s * it.cols + k]! / it.rows;
  const derived = join(SAMPLES, 'kriegeskorte2008', 'data', 'derived');
  const hit = condensedStack(await readNpy(join(derived, 'rdm_hIT_316voxels.npy')), 'hIT').data;
  const mit = condensedStack(await readNpy(join(derived, 'rdm_mIT_674neurons.npy')), 'mIT').data;
  close(compareRdms(mean, hit, 'spearman').value, 0.5569, 5.1e-5, 'vs hIT');
  close(compareRdms(mean, mit, 'spearman').value, 0.4864, 5.1e-5, 'vs mIT');
});
