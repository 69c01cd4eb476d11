// Every reference case of the groups `regression` and `reliability`, run through the regression
// case handlers and compared with the peer's value within the case's tolerance. NIPALS iteration
// counts (extra.n_iter) and the α chosen per fold (extra.fold_alpha) are checked when present.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { caseHandlers } from '../../../engine/cases/regression';
import { assertWithinTolerance, referenceCases, toReferenceCase } from '../../helpers/referenceCases';

const cases = referenceCases(['regression', 'reliability']);

test('the regression and reliability groups have their 11 reference cases', () => {
  assert.equal(cases.filter((c) => c.expected.group === 'regression').length, 10);
  assert.equal(cases.filter((c) => c.expected.group === 'reliability').length, 1);
});

for (const loaded of cases) {
  const { expected } = loaded;
  test(`reference case ${expected.name} (${expected.group})`, async () => {
    const handler = caseHandlers[expected.metric];
    assert.ok(handler, `no handler for metric ${expected.metric}`);
    const result = handler(await toReferenceCase(loaded)) as Record<string, unknown>;
    assertWithinTolerance(result, expected.value, expected.tolerance, expected.name);
    if (expected.extra?.n_iter) assert.deepEqual(result.n_iter, expected.extra.n_iter, 'NIPALS iterations per component');
    if (expected.extra?.fold_alpha) assert.deepEqual(result.fold_alpha, expected.extra.fold_alpha, 'α chosen in each fold');
  });
}
