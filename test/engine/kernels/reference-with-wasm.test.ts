// A selection of the peers' reference cases (CKA, shape metrics, RDMs, RidgeCV, RSA comparisons)
// run through the case handlers with each kernel mode forced — plain TS, WASM FMA, WASM mul+add —
// and compared with the peer's value within the case's tolerance. Once engine/linalg dispatches its
// products to the WASM kernels (setKernelMode is shared), these cases exercise them end to end.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCase } from '../../../engine/cases';
import { setKernelMode, type KernelMode } from '../../../engine/linalg/wasm';

const ROOT = join(__dirname, '..', '..', 'fixtures', 'reference');
const CASES = [
  'cka_linear_unbiased',
  'cka_wide_linear_biased',
  'shape_linear_alpha0p5_angular',
  'shape_linear_cv_alpha1p0_angular',
  'shape_netrep_linear_cka',
  'rdm_rsa_correlation',
  'rdm_pdist_euclidean',
  'compare_rsa_bures',
  'ridgecv_loo_per_target',
  'ridgecv_loo_wide',
  'pls_regression',
  'svcca_99',
];

function flatten(v: unknown): Map<string, number> {
  const out = new Map<string, number>();
  const walk = (x: unknown, p: string): void => {
    if (typeof x === 'number') out.set(p, x);
    else if (Array.isArray(x)) x.forEach((e, i) => walk(e, `${p}[${i}]`));
    else if (x && typeof x === 'object') for (const [k, e] of Object.entries(x)) walk(e, `${p}.${k}`);
  };
  walk(v, '');
  return out;
}

for (const mode of ['js', 'wasm-fma', 'wasm-simd'] as KernelMode[]) {
  test(`reference cases with kernels forced to ${mode}`, async () => {
    setKernelMode(mode);
    try {
      for (const name of CASES) {
        const dir = join(ROOT, name);
        assert.ok(existsSync(join(dir, 'expected.json')), `missing case ${name}`);
        const expected = JSON.parse(readFileSync(join(dir, 'expected.json'), 'utf8')) as {
          value: unknown;
          tolerance: { rtol: number; atol: number };
        };
        const got = flatten(await runCase(dir));
        const want = flatten(expected.value);
        const { rtol, atol } = expected.tolerance;
        for (const [path, w] of want) {
          const g = got.get(path);
          assert.ok(g !== undefined, `${name}${path}: missing`);
          assert.ok(Math.abs(g - w) <= atol + rtol * Math.abs(w), `${name}${path}: got ${g}, want ${w}`);
        }
      }
    } finally {
      setKernelMode(undefined);
    }
  });
}
