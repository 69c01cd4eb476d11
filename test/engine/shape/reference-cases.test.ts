// Every reference case of the groups shape, cka and cca (netrep 0.0.2 LinearMetric /
// PermutationMetric / LinearCKA and numpy CKA/CCA/SVCCA), run through engine/cases/shape.ts and
// compared with the peer's value within the case's tolerance, path by path.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { readNpy } from '../../../engine/io';
import { caseHandlers } from '../../../engine/cases/shape';
import { ndarrayToMatrix } from '../../../engine/core/matrix';
import { shapeDistance } from '../../../engine/metrics/shape';
import { unbiasedLinearCka } from '../../../engine/metrics/cka';
import { assertWithinTolerance, flattenNumbers, referenceCases, toReferenceCase } from '../../helpers/referenceCases';

const cases = referenceCases(['shape', 'cka', 'cca']);

test('the shape, cka and cca groups have their reference cases', () => {
  const count = (g: string) => cases.filter((c) => c.expected.group === g).length;
  assert.deepEqual([count('shape'), count('cka'), count('cca')], [19, 6, 2]);
});

for (const loaded of cases) {
  const { expected } = loaded;
  test(`reference case ${expected.name} (${expected.group})`, async () => {
    const handler = caseHandlers[expected.metric];
    assert.ok(handler, `no handler for metric ${expected.metric}`);
    const got = handler(await toReferenceCase(loaded));
    assert.deepEqual(flattenNumbers(got).map(([path]) => path).sort(), flattenNumbers(expected.value).map(([path]) => path).sort(), 'value shape');
    assertWithinTolerance(got, expected.value, expected.tolerance, expected.name);
  });
}

// The same netrep LinearMetric cases through the n × n Gram route (docs/metrics.md §4.5), forced:
// the route used for p ≥ n must reproduce netrep too, not only agree with the feature route.

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
