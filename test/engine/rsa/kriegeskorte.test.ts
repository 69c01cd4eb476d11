// The 92-image data of Kriegeskorte et al. 2008 (shipped with rsatoolbox), against the verified
// numbers of docs/metrics.md §7.2 (rsatoolbox `compare` / `eval_fixed` on the same RDMs).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { readNpy } from '../../../engine/io';
import type { Matrix, NDArray } from '../../../engine/core/matrix';
import { compareRdms, evaluatePerSubject, noiseCeiling, squareToCondensed } from '../../../engine/metrics/rsa';
import { close } from './helpers';

const DIR = join(__dirname, '..', '..', '..', 'samples', 'kriegeskorte2008', 'data', 'derived');
const MODEL_NAMES = ['animacy', 'FaceBodyManmadeNatobj', 'monkeyIT', 'EVA', 'HMAX', 'V1', 'Silhouette', 'RADON'];

/** Condensed rows of a stack (..., n, n) of square RDMs. */
function condensedStack(a: NDArray): Matrix {
  const n = a.shape[a.shape.length - 1]!;
  const count = a.data.length / (n * n);
  const N = (n * (n - 1)) / 2;
  const data = new Float64Array(count * N);
  for (let r = 0; r < count; r++) {
    const square = { rows: n, cols: n, data: a.data.subarray(r * n * n, (r + 1) * n * n) };
    data.set(squareToCondensed(square, { file: 'kriegeskorte2008', variable: `rdm ${r}` }), r * N);
  }
  return { rows: count, cols: N, data };
}

const row = (m: Matrix, r: number) => m.data.subarray(r * m.cols, (r + 1) * m.cols);

test('mIT vs hIT (4,186 pairs): Pearson, Spearman, rho-a, tau-a, tau-b, cosine', async () => {
  const mit = row(condensedStack(await readNpy(join(DIR, 'rdm_mIT_674neurons.npy'))), 0);
  const hit = row(condensedStack(await readNpy(join(DIR, 'rdm_hIT_316voxels.npy'))), 0);
  assert.equal(mit.length, 4186);
  const want: Record<string, number> = { corr: 0.49121, spearman: 0.438924, 'rho-a': 0.438924, 'tau-a': 0.304048, 'tau-b': 0.304048, cosine: 0.995022 };
  for (const [method, value] of Object.entries(want)) close(compareRdms(mit, hit, method).value, value, 1e-6, method);
});

test('model RDMs vs the mean hIT RDM (Spearman)', async () => {
  const models = condensedStack(await readNpy(join(DIR, 'rdms_models.npy')));
  const hit = row(condensedStack(await readNpy(join(DIR, 'rdm_hIT_316voxels.npy'))), 0);
  const want: Record<string, number> = { animacy: 0.58819, FaceBodyManmadeNatobj: 0.40528, EVA: 0.35417, HMAX: 0.22173, Silhouette: 0.12468, RADON: 0.06121, V1: 0.03926 };
  for (const [name, value] of Object.entries(want)) {
    close(compareRdms(row(models, MODEL_NAMES.indexOf(name)), hit, 'spearman').value, value, 1e-5, name);
  }
});

// rsatoolbox eval_fixed on the 8 session RDMs: mean over RDMs per model, then the noise ceiling.
const EVAL_FIXED: Record<string, { models: number[]; nc: [number, number] }> = {
  corr: { models: [0.3142, 0.2297, 0.271, 0.1957, 0.1238, 0.0218, 0.0922, 0.0267], nc: [0.3462, 0.5398] },
  spearman: { models: [0.3106, 0.2243, 0.2403, 0.1837, 0.1312, 0.0224, 0.0775, 0.0294], nc: [0.328, 0.525] },
  'rho-a': { models: [0.269, 0.1665, 0.2403, 0.1837, 0.1312, 0.0224, 0.0775, 0.0294], nc: [0.328, 0.525] },
  'tau-a': { models: [0.1794, 0.111, 0.1621, 0.1236, 0.088, 0.0152, 0.0518, 0.0199], nc: [0.223, 0.3655] },
  cosine: { models: [0.7389, 0.8745, 0.9806, 0.9799, 0.9483, 0.9467, 0.9421, 0.7913], nc: [0.981, 0.9855] },
  corr_cov: { models: [0.3491, 0.2559, 0.2982, 0.2166, 0.1273, 0.0902, 0.1217, 0.033], nc: [0.3784, 0.5575] },
  cosine_cov: { models: [0.3505, 0.3076, 0.5594, 0.5415, 0.3202, 0.4241, 0.305, 0.1829], nc: [0.5878, 0.6995] },
};

test('rsatoolbox eval_fixed table on the 8 hIT session RDMs (7 methods × 8 models, with noise ceilings)', async () => {
  const models = condensedStack(await readNpy(join(DIR, 'rdms_models.npy')));
  const sessions = condensedStack(await readNpy(join(DIR, 'rdms_hIT_4subjects_2sessions.npy')));
  assert.equal(sessions.rows, 8);
  for (const [method, { models: want, nc }] of Object.entries(EVAL_FIXED)) {
    want.forEach((value, j) => close(evaluatePerSubject(row(models, j), sessions, method).mean, value, 5.1e-5, `${method} ${MODEL_NAMES[j]}`));
    const ceiling = noiseCeiling(sessions, method, 'rsatoolbox');
    close(ceiling.lower, nc[0], 5.1e-5, `${method} NC lower`);
    close(ceiling.upper, nc[1], 5.1e-5, `${method} NC upper`);
  }
  const corrNc = noiseCeiling(sessions, 'corr', 'rsatoolbox');
  close(corrNc.lower, 0.346157, 1e-6, 'corr NC lower (6 digits)');
  close(corrNc.upper, 0.539797, 1e-6, 'corr NC upper (6 digits)');
  const sem = [0.0471, 0.0319, 0.0318, 0.0311, 0.0278, 0.0344, 0.0254, 0.0305];
  sem.forEach((value, j) => close(evaluatePerSubject(row(models, j), sessions, 'corr').sem, value, 5.1e-5, `corr SEM ${MODEL_NAMES[j]}`));
});

test('eval_fixed corr with each subject’s two sessions averaged (4 RDMs)', async () => {
  const models = condensedStack(await readNpy(join(DIR, 'rdms_models.npy')));
  const sessions = condensedStack(await readNpy(join(DIR, 'rdms_hIT_4subjects_2sessions.npy')));
  const N = sessions.cols;
  const data = new Float64Array(4 * N);
  for (let s = 0; s < 4; s++) for (let k = 0; k < N; k++) data[s * N + k] = (sessions.data[2 * s * N + k]! + sessions.data[(2 * s + 1) * N + k]!) / 2;
  const subjects = { rows: 4, cols: N, data };
  [0.3871, 0.2816, 0.3335, 0.2591, 0.1521, 0.025, 0.1159, 0.0365].forEach((value, j) =>
    close(evaluatePerSubject(row(models, j), subjects, 'corr').mean, value, 5.1e-5, `corr (4 subjects) ${MODEL_NAMES[j]}`),
  );
  const nc = noiseCeiling(subjects, 'corr', 'rsatoolbox');
  close(nc.lower, 0.3944, 5.1e-5, 'NC lower');
  close(nc.upper, 0.6804, 5.1e-5, 'NC upper');
});
