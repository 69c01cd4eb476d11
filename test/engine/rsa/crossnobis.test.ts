// Crossnobis beyond the reference call: the per-run-precision route and rsatoolbox's default folds
// must reproduce the same rsatoolbox reference values when they are mathematically the same RDM.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SimspecError } from '../../../engine/core/errors';
import { ndarrayToMatrix, selectRows } from '../../../engine/core/matrix';
import { readNpy } from '../../../engine/io';
import { rdmFromResponses } from '../../../engine/metrics/rsa';
import { close } from './helpers';

const REF = join(__dirname, '..', '..', 'fixtures', 'reference');

async function load(name: string) {
  const dir = join(REF, name);
  const expected = JSON.parse(readFileSync(join(dir, 'expected.json'), 'utf8')) as { value: number[]; tolerance: { rtol: number; atol: number } };
  const x = ndarrayToMatrix(await readNpy(join(dir, 'X.npy')));
  const cond = (await readNpy(join(dir, 'cond.npy'))).data;
  const run = (await readNpy(join(dir, 'run.npy'))).data;
  return { expected, x, cond, run, dir };
}

test('per-run precisions all equal to Λ give the single-Λ crossnobis (mean over run pairs = mean over folds)', async () => {
  const { expected, x, cond, run, dir } = await load('rdm_rsa_crossnobis_precision');
  const precision = ndarrayToMatrix(await readNpy(join(dir, 'precision.npy')));
  const got = rdmFromResponses(x, 'crossnobis', { conditions: cond, runs: run, precision: [precision, precision, precision, precision] }).condensed;
  const { rtol, atol } = expected.tolerance;
  expected.value.forEach((w, k) => close(got[k]!, w, atol + rtol * Math.abs(w) + 1e-12, `pair ${k}`));
});

test('without run labels the k-th occurrence of a condition is fold k (rsatoolbox default folds)', async () => {
  const { expected, x, cond, run } = await load('rdm_rsa_crossnobis');
  // Order the observations by run, so that each condition's k-th occurrence lies in run k.
  const order = Array.from(run.keys()).sort((i, j) => run[i]! - run[j]! || i - j);
  const sorted = selectRows(x, order);
  const got = rdmFromResponses(sorted, 'crossnobis', { conditions: order.map((i) => cond[i]!) }).condensed;
  const { rtol, atol } = expected.tolerance;
  expected.value.forEach((w, k) => close(got[k]!, w, atol + rtol * Math.abs(w), `pair ${k}`));
  // Unbalanced conditions cannot be split into default folds.
  assert.throws(
    () => rdmFromResponses(selectRows(sorted, order.slice(1).map((_, i) => i + 1)), 'crossnobis', { conditions: order.slice(1).map((i) => cond[i]!) }),
    (e: unknown) => e instanceof SimspecError && e.code === 'rdm.crossnobis-unbalanced',
  );
});
