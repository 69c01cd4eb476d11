// Coverage of the matrix families' bootstrap intervals (issue 14, problem 1; docs/metrics.md §2.6),
// a seeded miniature of bench/coverage.ts (same simulation: test/helpers/coverage.ts). For shape
// (Procrustes), CKA (unbiased and biased) and CCA (SVCCA), under the null and a known effect, every
// interval contains its point value and the coverage of E[θ̂_n] is in [0.85, 1] for a nominal 95%
// (60 datasets: the binomial SE at 0.95 is 0.028, so 0.85 is more than 3 SE below nominal). The
// pre-issue-14 resampling (draws with replacement, duplicated stimuli, plain percentile) is run on
// two cells to show this test fails on it: its intervals miss both the point value and the estimand.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { simulateCoverage, type CoverageCell } from '../../helpers/coverage';

const BAND = [0.85, 1] as const;
const base = { stimuli: 40, units: 6, datasets: 60, draws: 60, truthDatasets: 300, level: 0.95, seed: 140 };
const families: Pick<CoverageCell, 'metric' | 'params' | 'label'>[] = [
  { metric: 'shape', params: { group: 'orthogonal' }, label: 'Procrustes' },
  { metric: 'cka', params: {}, label: 'unbiased CKA' },
  { metric: 'cka', params: { estimator: 'biased' }, label: 'biased CKA' },
  { metric: 'cca', params: { method: 'svcca', components: 3 }, label: 'SVCCA' },
];

for (const family of families) {
  test(`${family.label}: intervals contain the point value; coverage in [${BAND.join(', ')}] under the null and a known effect`, async () => {
    for (const effect of [0, 1]) {
      const r = await simulateCoverage({ ...family, ...base, effect });
      assert.equal(r.undefinedIntervals, 0);
      assert.equal(r.containsPoint, 1, `${family.label}, effect ${effect}: ${JSON.stringify(r)}`);
      assert.ok(r.coverage >= BAND[0] && r.coverage <= BAND[1], `${family.label}, effect ${effect}: coverage ${r.coverage} (${JSON.stringify(r)})`);
    }
  });
}

test('the pre-issue-14 resampling (duplicated stimuli) fails the same checks', async () => {
  for (const family of [families[0]!, families[2]!]) {
    const r = await simulateCoverage({ ...family, ...base, datasets: 20, draws: 40, truthDatasets: 100, effect: 0, scheme: 'with-replacement' });
    assert.ok(r.containsPoint < 0.5 && r.coverage < BAND[0], `${family.label}: ${JSON.stringify(r)}`);
  }
});
