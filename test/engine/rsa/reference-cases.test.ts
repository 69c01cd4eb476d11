// Every reference case of the groups rdm, rdm_compare and noise_ceiling, run through the RSA case
// handlers and compared with the peer's value within the case's tolerance.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { caseHandlers } from '../../../engine/cases/rsa';
import { assertWithinTolerance, referenceCases, toReferenceCase } from '../../helpers/referenceCases';

const cases = referenceCases(['rdm', 'rdm_compare', 'noise_ceiling']);

test('the three RSA groups have reference cases', () => {
  const count = (g: string) => cases.filter((c) => c.expected.group === g).length;
  assert.deepEqual([count('rdm'), count('rdm_compare'), count('noise_ceiling')], [12, 18, 5]);
});

for (const loaded of cases) {
  const { expected } = loaded;
  test(`reference case ${expected.name} (${expected.group})`, async () => {
    const handler = caseHandlers[expected.metric];
    assert.ok(handler, `no handler for metric ${expected.metric}`);
    assertWithinTolerance(handler(await toReferenceCase(loaded)), expected.value, expected.tolerance, expected.name);
  });
}
