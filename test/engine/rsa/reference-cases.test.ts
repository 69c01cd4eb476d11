// Every reference case of the groups rdm, rdm_compare and noise_ceiling, run through the RSA case
// handlers and compared with the peer's value within the case's tolerance.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { readNpy } from '../../../engine/io';
import { caseHandlers } from '../../../engine/cases/rsa';
import type { NDArray } from '../../../engine/core/matrix';
import type { ReferenceCase } from '../../../engine/cases/types';

const ROOT = join(__dirname, '..', '..', 'fixtures', 'reference');
const GROUPS = new Set(['rdm', 'rdm_compare', 'noise_ceiling']);

interface Expected {
  name: string;
  group: string;
  metric: string;
  params: Record<string, unknown>;
  inputs: Record<string, { file: string; shape: number[] }>;
  value: unknown;
  tolerance: { rtol: number; atol: number };
}

function flatten(v: unknown, path = ''): Array<[string, number]> {
  if (typeof v === 'number') return [[path, v]];
  if (Array.isArray(v)) return v.flatMap((x, i) => flatten(x, `${path}[${i}]`));
  if (v && typeof v === 'object') return Object.entries(v).flatMap(([k, x]) => flatten(x, `${path}.${k}`));
  throw new Error(`unexpected value at ${path}: ${String(v)}`);
}

const cases = readdirSync(ROOT)
  .filter((d) => existsSync(join(ROOT, d, 'expected.json')))
  .map((d) => ({ dir: join(ROOT, d), expected: JSON.parse(readFileSync(join(ROOT, d, 'expected.json'), 'utf8')) as Expected }))
  .filter((c) => GROUPS.has(c.expected.group));

test('the three RSA groups have reference cases', () => {
  const count = (g: string) => cases.filter((c) => c.expected.group === g).length;
  assert.deepEqual([count('rdm'), count('rdm_compare'), count('noise_ceiling')], [12, 18, 5]);
});

for (const { dir, expected } of cases) {
  test(`reference case ${expected.name} (${expected.group})`, async () => {
    const inputs: Record<string, NDArray> = {};
    for (const [role, { file }] of Object.entries(expected.inputs)) inputs[role] = await readNpy(join(dir, file));
    const handler = caseHandlers[expected.metric];
    assert.ok(handler, `no handler for metric ${expected.metric}`);
    const referenceCase: ReferenceCase = { name: expected.name, group: expected.group, metric: expected.metric, params: expected.params, inputs, dir };
    const got = flatten(handler(referenceCase));
    const want = flatten(expected.value);
    assert.equal(got.length, want.length, 'value shape');
    const { rtol, atol } = expected.tolerance;
    for (let k = 0; k < want.length; k++) {
      const [path, w] = want[k]!;
      const g = got[k]![1];
      assert.ok(Math.abs(g - w) <= atol + rtol * Math.abs(w), `${expected.name}${path}: got ${g}, want ${w} (diff ${Math.abs(g - w)})`);
    }
  });
}
