// Every reference case of the peers (test/fixtures/reference) run through the case handlers with
// each kernel mode forced — plain TS, WASM FMA, WASM mul+add, and WASM on a 2-thread worker pool —
// and compared with the peer's value within the case's tolerance. engine/linalg dispatches its
// products and symmetric eigendecompositions through engine/linalg/wasm (setKernelMode/setThreads),
// so these cases exercise the fast kernels end to end.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { allCaseHandlers, runCase } from '../../../engine/cases';
import { closePool, setKernelMode, setThreads, type KernelMode } from '../../../engine/linalg/wasm';

const ROOT = join(__dirname, '..', '..', 'fixtures', 'reference');
const CASES = readdirSync(ROOT)
  .filter((d) => existsSync(join(ROOT, d, 'expected.json')))
  .filter((d) => (JSON.parse(readFileSync(join(ROOT, d, 'expected.json'), 'utf8')) as { metric: string }).metric in allCaseHandlers)
  .sort();

test('the reference set has cases for the kernel modes to run', () => {
  assert.ok(CASES.length >= 70, `${CASES.length} cases`);
});

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

const MODES: Array<{ mode: KernelMode; threads: number }> = [
  { mode: 'js', threads: 1 },
  { mode: 'wasm-fma', threads: 1 },
  { mode: 'wasm-simd', threads: 1 },
  { mode: 'wasm', threads: 2 },
];

for (const { mode, threads } of MODES) {
  test(`reference cases with kernels forced to ${mode} on ${threads} thread(s)`, async () => {
    setKernelMode(mode);
    setThreads(threads);
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
      setThreads(undefined);
      await closePool();
    }
  });
}
