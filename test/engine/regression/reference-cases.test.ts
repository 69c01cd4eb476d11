// Every reference case of the groups `regression` and `reliability`, run through the regression
// case handlers and compared with the peer's value within the case's tolerance. NIPALS iteration
// counts (extra.n_iter) and the α chosen per fold (extra.fold_alpha) are checked when present.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { readNpy } from '../../../engine/io';
import { caseHandlers } from '../../../engine/cases/regression';
import type { NDArray } from '../../../engine/core/matrix';
import type { ReferenceCase } from '../../../engine/cases/types';

const ROOT = join(__dirname, '..', '..', 'fixtures', 'reference');
const GROUPS = new Set(['regression', 'reliability']);

interface Expected {
  name: string;
  group: string;
  metric: string;
  params: Record<string, unknown>;
  inputs: Record<string, { file: string; shape: number[] }>;
  value: unknown;
  tolerance: { rtol: number; atol: number };
  extra?: Record<string, unknown>;
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

test('the regression and reliability groups have their 11 reference cases', () => {
  assert.equal(cases.filter((c) => c.expected.group === 'regression').length, 10);
  assert.equal(cases.filter((c) => c.expected.group === 'reliability').length, 1);
});

for (const { dir, expected } of cases) {
  test(`reference case ${expected.name} (${expected.group})`, async () => {
    const inputs: Record<string, NDArray> = {};
    for (const [role, { file }] of Object.entries(expected.inputs)) inputs[role] = await readNpy(join(dir, file));
    const handler = caseHandlers[expected.metric];
    assert.ok(handler, `no handler for metric ${expected.metric}`);
    const referenceCase: ReferenceCase = { name: expected.name, group: expected.group, metric: expected.metric, params: expected.params, inputs, dir };
    const result = handler(referenceCase) as Record<string, unknown>;
    const got = new Map(flatten(Object.fromEntries(Object.keys(expected.value as object).map((k) => [k, result[k]]))));
    const want = flatten(expected.value);
    assert.equal(got.size, want.length, 'value shape');
    const { rtol, atol } = expected.tolerance;
    let worst = 0;
    for (const [path, w] of want) {
      const g = got.get(path);
      assert.ok(g !== undefined, `missing ${path}`);
      worst = Math.max(worst, Math.abs(g - w) / (atol + rtol * Math.abs(w)));
      assert.ok(Math.abs(g - w) <= atol + rtol * Math.abs(w), `${expected.name}${path}: got ${g}, want ${w} (diff ${Math.abs(g - w)})`);
    }
    if (expected.extra?.n_iter) assert.deepEqual(result.n_iter, expected.extra.n_iter, 'NIPALS iterations per component');
    if (expected.extra?.fold_alpha) assert.deepEqual(result.fold_alpha, expected.extra.fold_alpha, 'α chosen in each fold');
  });
}
