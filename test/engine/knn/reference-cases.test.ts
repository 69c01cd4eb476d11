// Every reference case of group `knn` (mutual k-NN alignment and CKNNA computed by the paper's own
// code, minyoungg/platonic-rep metrics.py; generator test/fixtures/reference/make_knn_reference.py),
// run through the family's case handlers and compared with the peer's value within the case's
// tolerance. The handlers see metric, params and inputs only, never `value`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { knnCaseHandlers } from '../../../engine/families/knn';
import { assertWithinTolerance, referenceCases, toReferenceCase } from '../../helpers/referenceCases';

const cases = referenceCases(['knn']);

test('the knn group has its reference cases (both scores, ties at and away from the k-th neighbour)', () => {
  const names = cases.map((c) => c.expected.name);
  assert.equal(cases.filter((c) => c.expected.metric === 'mutual_knn').length, 8);
  assert.equal(cases.filter((c) => c.expected.metric === 'cknna').length, 10);
  for (const name of ['knn_cknna_n100_k10_swapped', 'knn_mutual_ties_clusters', 'knn_mutual_ties_boundary', 'knn_cknna_ties_clusters', 'knn_cknna_ties_boundary']) {
    assert.ok(names.includes(name), name);
  }
});

for (const loaded of cases) {
  const { expected } = loaded;
  test(`reference case ${expected.name} (${expected.metric})`, async () => {
    const handler = knnCaseHandlers[expected.metric];
    assert.ok(handler, `no handler for metric ${expected.metric}`);
    const got = handler(await toReferenceCase(loaded));
    assert.equal(typeof got, 'number');
    assertWithinTolerance(got, expected.value, expected.tolerance, expected.name);
  });
}
