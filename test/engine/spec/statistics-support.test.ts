/**
 * The table of statistics each family computes (engine/spec/statisticsSupport.ts) covers every
 * registered family — a new family must say what it computes, or `check` could not warn about what
 * it drops — and the README's table says the same.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { FAMILY_IDS } from '../../../engine/families';
import { STATISTICS_SUPPORT } from '../../../engine/spec/statisticsSupport';

test('every registered family declares the statistics it computes', () => {
  const missing = FAMILY_IDS.filter((id) => !(id in STATISTICS_SUPPORT));
  assert.deepEqual(missing, [], 'add a line to STATISTICS_SUPPORT (engine/spec/statisticsSupport.ts) and to the README table');
});

test("the README's table agrees with STATISTICS_SUPPORT", () => {
  const readme = readFileSync('README.md', 'utf8');
  const start = readme.indexOf('| family | bootstrap interval | permutation p | leave-one-subject-out ceiling |');
  assert.ok(start >= 0, 'the table is in the README');
  const lines = readme.slice(start).split('\n').slice(2);
  const rows = lines.slice(0, lines.findIndex((line) => !line.startsWith('|')));
  const seen = new Set<string>();
  for (const row of rows) {
    const [families, bootstrap, permutation, ceiling] = row.split('|').slice(1, -1).map((cell) => cell.trim());
    for (const family of families!.split(',').map((f) => f.trim())) {
      const support = STATISTICS_SUPPORT[family];
      assert.ok(support, `README lists ${family}`);
      seen.add(family);
      assert.equal(bootstrap!.startsWith('yes'), support.bootstrap, `${family} bootstrap`);
      assert.equal(permutation!.startsWith('yes'), support.permutation, `${family} permutation`);
      assert.equal(ceiling!.startsWith('yes'), support.subjectCeiling, `${family} ceiling`);
      assert.equal(/not with `cv`/.test(bootstrap!), support.bootstrap && !support.resamplingWithCv, `${family} bootstrap with cv`);
    }
  }
  assert.deepEqual([...seen].sort(), Object.keys(STATISTICS_SUPPORT).sort());
});
