/**
 * A NaN score always carries its reason (issue 13, item 5): in the table `simspec run` prints, in
 * the results JSON (`reason`, declared in schemas/results.schema.json) and in `score`. The input is
 * a constant model RDM, for which every rank correlation is undefined (its variance is 0) — a fact
 * of the formula, not a number taken from simspec.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { assertClean, npy, scratch, simspec } from './harness';

const PAIRS = 15; // 6 stimuli
const varying = Array.from({ length: PAIRS }, (_, i) => ((i * 7) % 11) / 10 + 0.05);

function constantModelFolder(): { dir: string; spec: string } {
  const dir = scratch();
  writeFileSync(join(dir, 'model.npy'), npy([PAIRS], new Array(PAIRS).fill(0.5)));
  writeFileSync(join(dir, 'brain.npy'), npy([PAIRS], varying));
  const spec = join(dir, 'test.simspec.yaml');
  writeFileSync(spec, ['simspec: 1', 'model:', '  layers:', '    m: { file: model.npy, kind: rdm }', 'brain:', '  b: { file: brain.npy, kind: rdm }', 'comparisons:', '  - name: c', '    metric: rsa', 'output: out.results.json', ''].join('\n'));
  return { dir, spec };
}

test('run: a NaN score shows `NaN [1]` and its reason under the table, and `reason` in the results JSON', async () => {
  const { dir, spec } = constantModelFolder();
  const outcome = await simspec(['run', '--no-cache', spec], { cwd: dir });
  assertClean(outcome, 0, /NaN \[1\]/, /^\[1\] c, m × b: NaN because .*constant/m);
  const results = JSON.parse(readFileSync(join(dir, 'out.results.json'), 'utf8'));
  const [score] = results.scores;
  assert.equal(score.value, null, 'NaN is written as null');
  assert.match(score.reason, /constant/);
});

test('run: a finite score carries no reason', async () => {
  const { dir, spec } = constantModelFolder();
  writeFileSync(join(dir, 'model.npy'), npy([PAIRS], varying.map((v, i) => v + (i % 3) / 7)));
  assertClean(await simspec(['run', '--no-cache', spec], { cwd: dir }), 0);
  const [score] = JSON.parse(readFileSync(join(dir, 'out.results.json'), 'utf8')).scores;
  assert.equal(typeof score.value, 'number');
  assert.equal(score.reason, undefined);
});

test('score: the same NaN prints its reason on stderr and in the JSON', async () => {
  const { dir } = constantModelFolder();
  const outcome = await simspec(['score', '--metric', 'rsa', join(dir, 'model.npy'), join(dir, 'brain.npy')], { cwd: dir });
  assertClean(outcome, 0, /warning: the score is NaN: .*constant/);
  assert.match(JSON.parse(outcome.stdout).reason, /constant/);
});

test('schemas/results.schema.json declares `reason` on a score', () => {
  const schema = JSON.parse(readFileSync('schemas/results.schema.json', 'utf8'));
  assert.equal(schema.$defs.score.properties.reason.type, 'string');
});
