// Every reference case of the groups shape, cka and cca (netrep 0.0.2 LinearMetric /
// PermutationMetric / LinearCKA and numpy CKA/CCA/SVCCA), run through engine/cases/shape.ts and
// compared with the peer's value within the case's tolerance, path by path.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { readNpy } from '../../../engine/io';
import { caseHandlers } from '../../../engine/cases/shape';
import { ndarrayToMatrix, type NDArray } from '../../../engine/core/matrix';
import { shapeDistance } from '../../../engine/metrics/shape';
import { unbiasedLinearCka } from '../../../engine/metrics/cka';
import type { ReferenceCase } from '../../../engine/cases/types';

const ROOT = join(__dirname, '..', '..', 'fixtures', 'reference');
const GROUPS = new Set(['shape', 'cka', 'cca']);

interface Expected {
  name: string;
  group: string;
  metric: string;
  params: Record<string, unknown>;
  inputs: Record<string, { file: string; shape: number[] }>;
  value: unknown;
  tolerance: { rtol: number; atol: number };
}

function flatten(v: unknown, path = ''): Map<string, number> {
  const out = new Map<string, number>();
  const walk = (x: unknown, p: string): void => {
    if (typeof x === 'number') out.set(p, x);
    else if (Array.isArray(x)) x.forEach((e, i) => walk(e, `${p}[${i}]`));
    else if (x && typeof x === 'object') for (const [k, e] of Object.entries(x)) walk(e, `${p}.${k}`);
    else throw new Error(`unexpected value at ${p}: ${String(x)}`);
  };
  walk(v, path);
  return out;
}

const cases = readdirSync(ROOT)
  .filter((d) => existsSync(join(ROOT, d, 'expected.json')))
  .map((d) => ({ dir: join(ROOT, d), expected: JSON.parse(readFileSync(join(ROOT, d, 'expected.json'), 'utf8')) as Expected }))
  .filter((c) => GROUPS.has(c.expected.group));

test('the shape, cka and cca groups have their reference cases', () => {
  const count = (g: string) => cases.filter((c) => c.expected.group === g).length;
  assert.deepEqual([count('shape'), count('cka'), count('cca')], [19, 6, 2]);
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
    assert.deepEqual([...got.keys()].sort(), [...want.keys()].sort(), 'value shape');
    const { rtol, atol } = expected.tolerance;
    for (const [path, w] of want) {
      const g = got.get(path)!;
      assert.ok(Math.abs(g - w) <= atol + rtol * Math.abs(w), `${expected.name}${path}: got ${g}, want ${w} (diff ${Math.abs(g - w)})`);
    }
  });
}

// The same netrep LinearMetric cases through the n × n Gram route (§4.5), forced: the route used
// for p ≥ n must reproduce netrep too, not only agree with the feature route.

for (const { dir, expected } of cases.filter((c) => c.expected.metric === 'shape_metric' && typeof c.expected.params.alpha === 'number')) {
  test(`reference case ${expected.name} through the Gram route`, async () => {
    const x = ndarrayToMatrix(await readNpy(join(dir, expected.inputs.X!.file)));
    const y = ndarrayToMatrix(await readNpy(join(dir, expected.inputs.Y!.file)));
    const p = expected.params;
    const alpha = p.alpha as number;
    const r = shapeDistance(x, y, {
      group: alpha > 1 - 1e-7 ? 'orthogonal' : 'linear',
      alpha: alpha > 1 - 1e-7 ? 1 : alpha,
      center: p.center_columns !== false,
      score: p.score_method === 'euclidean' ? 'euclidean' : 'angular',
      route: 'gram',
    });
    assert.deepEqual(r.route, { x: 'gram', y: 'gram' });
    const want = expected.value as number;
    const { rtol, atol } = expected.tolerance;
    assert.ok(Math.abs(r.distance - want) <= atol + rtol * Math.abs(want), `got ${r.distance}, want ${want}`);
  });
}

// The unbiased CKA cases through both of its forms (feature-space and U-centred Gram).
for (const { dir, expected } of cases.filter((c) => c.expected.metric === 'cka_linear_unbiased')) {
  test(`reference case ${expected.name} through both unbiased-CKA forms`, async () => {
    const x = ndarrayToMatrix(await readNpy(join(dir, expected.inputs.X!.file)));
    const y = ndarrayToMatrix(await readNpy(join(dir, expected.inputs.Y!.file)));
    const want = expected.value as number;
    const { rtol, atol } = expected.tolerance;
    for (const route of ['feature', 'gram'] as const) {
      const got = unbiasedLinearCka(x, y, { route });
      assert.ok(Math.abs(got - want) <= atol + rtol * Math.abs(want), `${route}: got ${got}, want ${want}`);
    }
  });
}
