/**
 * `stimuli.select` and a source's `units`: a run with a selection gives exactly the scores of a run
 * on files that hold only the selected stimuli and units (written here by the test), and the results
 * record what was used. Unit reliabilities are numpy's (test/fixtures/selection, made by
 * make_reliability.py). `check` and the run refuse bad selections with the same message.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { stringify } from 'yaml';
import { decodeNpy } from '../../../engine/io';
import { writeNpy } from '../../../engine/io/npyWriter';
import type { NDArray } from '../../../engine/core/matrix';
import { runSpec, SpecProblemsError } from '../../../engine/run/execute';
import { unitReliability } from '../../../engine/run/select';
import { checkSpec } from '../../../engine/spec';
import { createFileIntrospector } from '../../../engine/spec/introspector';
import { seededRandom } from '../../helpers/seededRandom';

const FIXTURES = resolve('test/fixtures/selection');
const dir = mkdtempSync(join(tmpdir(), 'simspec-selection-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));
const rand = seededRandom(1406);
const gaussian = (count: number) => Float64Array.from({ length: count }, () => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand()));

const repeats: NDArray = decodeNpy(readFileSync(join(FIXTURES, 'repeats.npy')), 'repeats.npy');
const numpy = JSON.parse(readFileSync(join(FIXTURES, 'reliability.json'), 'utf8')) as { reliability: number[]; reliability_animal_face: number[] };
const numpyReliability = numpy.reliability;
const [STIMULI, REPEATS, UNITS] = repeats.shape as [number, number, number];
const MODEL_UNITS = 7;
const model = gaussian(STIMULI * MODEL_UNITS);
const categories = Array.from({ length: STIMULI }, (_, i) => ['animal', 'face', 'place'][i % 3]!);
const isTest = Array.from({ length: STIMULI }, (_, i) => (i % 4 === 1 ? 'True' : 'False'));
copyFileSync(join(FIXTURES, 'repeats.npy'), join(dir, 'repeats.npy'));
writeNpy(join(dir, 'model.npy'), [STIMULI, MODEL_UNITS], model);
writeFileSync(join(dir, 'labels.csv'), `category,test\n${categories.map((c, i) => `${c},${isTest[i]}`).join('\n')}\n`);

/** The files a user would have written by hand: rows (stimuli) and units already chosen. */
function writeSubset(name: string, stimuli: number[], units: number[]): void {
  writeNpy(join(dir, `${name}-model.npy`), [stimuli.length, MODEL_UNITS], Float64Array.from(stimuli.flatMap((s) => Array.from(model.subarray(s * MODEL_UNITS, (s + 1) * MODEL_UNITS)))));
  const data = new Float64Array(stimuli.length * REPEATS * units.length);
  stimuli.forEach((s, i) => {
    for (let k = 0; k < REPEATS; k++) units.forEach((u, j) => (data[(i * REPEATS + k) * units.length + j] = repeats.data[(s * REPEATS + k) * UNITS + u]!));
  });
  writeNpy(join(dir, `${name}-repeats.npy`), [stimuli.length, REPEATS, units.length], data);
  writeFileSync(join(dir, `${name}-labels.csv`), `category,test\n${stimuli.map((s) => `${categories[s]},${isTest[s]}`).join('\n')}\n`);
}

const COMPARISONS = [
  { name: 'rsa', metric: 'rsa', rdm: 'correlation', compare: 'pearson' },
  { name: 'cka', metric: 'cka' },
  { name: 'ridge', metric: 'regression', cv: { scheme: 'kfold', folds: 2 }, alphas: [0.1, 10] },
  { name: 'grouped', metric: 'regression', cv: { scheme: 'group-kfold', folds: 2, group: 'category' }, alphas: [1] },
];

async function run(name: string, spec: Record<string, unknown>) {
  const file = join(dir, `${name}.simspec.yaml`);
  writeFileSync(file, stringify({ simspec: 1, ...spec, statistics: { noise_ceiling: false } }));
  return runSpec(file, { write: false });
}

const values = (results: Awaited<ReturnType<typeof run>>) => results.scores.map((s) => [s.comparison, s.value]);

test('unit reliability (odd vs even repeats, Spearman–Brown) equals numpy on the fixture', () => {
  const got = unitReliability(repeats);
  numpyReliability.forEach((want, u) => assert.ok(Math.abs(got[u]! - want) <= 1e-12, `unit ${u}: got ${got[u]}, numpy ${want}`));
});

test('units by reliability (no stimulus selection) keep the units numpy rates ≥ 0.3', async () => {
  const reliable = numpyReliability.flatMap((r, u) => (r >= 0.3 ? [u] : []));
  const all = Array.from({ length: STIMULI }, (_, i) => i);
  writeSubset('reliable', all, reliable);
  const comparisons = COMPARISONS.slice(0, 3);
  const selected = await run('select-reliable', { model: { layers: { m: { file: 'model.npy' } } }, brain: { r: { file: 'repeats.npy', kind: 'repeats', units: { reliability: { min: 0.3, method: 'split-half' } } } }, comparisons });
  const subset = await run('subset-reliable', { model: { layers: { m: { file: 'reliable-model.npy' } } }, brain: { r: { file: 'reliable-repeats.npy', kind: 'repeats' } }, comparisons });
  assert.deepEqual(values(selected), values(subset));
  const kept = selected.selection!.units!.brain.r![0]!;
  assert.deepEqual(kept.indices, reliable);
  kept.reliability!.forEach((r, u) => assert.ok(Math.abs(r! - numpyReliability[u]!) <= 1e-12));
  assert.equal(selected.selection!.stimuli, undefined);
});

test('stimuli.select by a label column and units by reliability equal a run on pre-subset files', async () => {
  const stimuli = categories.flatMap((c, i) => (c !== 'place' ? [i] : []));
  // The threshold is judged on the selected stimuli (as on a pre-subset file): numpy's values for them.
  const reliable = numpy.reliability_animal_face.flatMap((r, u) => (r >= 0.3 ? [u] : []));
  assert.ok(reliable.length > 2 && reliable.length < UNITS, 'the threshold keeps some units and drops others');
  writeSubset('filtered', stimuli, reliable);
  const selected = await run('select-filter', {
    stimuli: { labels: 'labels.csv', select: { category: ['animal', 'face'] } },
    model: { layers: { m: { file: 'model.npy' } } },
    brain: { r: { file: 'repeats.npy', kind: 'repeats', units: { reliability: { min: 0.3 } } } },
    comparisons: COMPARISONS,
  });
  const subset = await run('subset-filter', {
    stimuli: { labels: 'filtered-labels.csv' },
    model: { layers: { m: { file: 'filtered-model.npy' } } },
    brain: { r: { file: 'filtered-repeats.npy', kind: 'repeats' } },
    comparisons: COMPARISONS,
  });
  assert.deepEqual(values(selected), values(subset));
  assert.equal(selected.stimuli, stimuli.length);
  assert.deepEqual(selected.selection?.stimuli, { of: STIMULI, count: stimuli.length, indices: stimuli });
  const kept = selected.selection?.units?.brain.r;
  assert.equal(kept?.length, 1);
  assert.deepEqual(kept![0]!.indices, reliable);
  assert.equal(kept![0]!.of, UNITS);
  assert.equal(kept![0]!.threshold, 0.3);
});

test('stimuli.select by indices (in the order given) and explicit unit indices equal pre-subset files', async () => {
  const stimuli = [17, 2, 5, 29, 11, 0, 8, 23, 14, 20];
  const units = [6, 0, 3, 9];
  writeSubset('indexed', stimuli, units);
  const comparisons = COMPARISONS.slice(0, 3);
  const selected = await run('select-indices', { stimuli: { count: STIMULI, select: stimuli }, model: { layers: { m: { file: 'model.npy' } } }, brain: { r: { file: 'repeats.npy', kind: 'repeats', units } }, comparisons });
  const subset = await run('subset-indices', { model: { layers: { m: { file: 'indexed-model.npy' } } }, brain: { r: { file: 'indexed-repeats.npy', kind: 'repeats' } }, comparisons });
  assert.deepEqual(values(selected), values(subset));
  assert.deepEqual(selected.selection?.units?.brain.r?.[0]?.indices, units);
  assert.equal(selected.stimuli, stimuli.length, 'the results count the stimuli used, not `stimuli.count`');
});

test('a boolean label column selects the rows marked true (True/1/yes)', async () => {
  const stimuli = isTest.flatMap((t, i) => (t === 'True' ? [i] : []));
  writeSubset('boolean', stimuli, Array.from({ length: UNITS }, (_, u) => u));
  const comparisons = COMPARISONS.slice(0, 2);
  const selected = await run('select-boolean', { stimuli: { labels: 'labels.csv', select: { test: true } }, model: { layers: { m: { file: 'model.npy' } } }, brain: { r: { file: 'repeats.npy', kind: 'repeats' } }, comparisons });
  const subset = await run('subset-boolean', { model: { layers: { m: { file: 'boolean-model.npy' } } }, brain: { r: { file: 'boolean-repeats.npy', kind: 'repeats' } }, comparisons });
  assert.deepEqual(values(selected), values(subset));
  assert.equal(selected.selection?.stimuli?.count, stimuli.length);
});

async function refusals(name: string, spec: Record<string, unknown>) {
  const file = join(dir, `${name}.simspec.yaml`);
  const text = stringify({ simspec: 1, ...spec, comparisons: [{ name: 'c', metric: 'rsa' }] });
  writeFileSync(file, text);
  const problems = (await checkSpec(text, file, createFileIntrospector())).problems.filter((p) => p.severity === 'error');
  let runError: unknown;
  try {
    await runSpec(file, { write: false });
  } catch (e) {
    runError = e;
  }
  assert.ok(runError instanceof SpecProblemsError, name);
  assert.deepEqual(runError.problems.filter((p) => p.severity === 'error').map((p) => p.message), problems.map((p) => p.message));
  return problems;
}

test('bad selections are refused by check and run alike, on the key at fault', async () => {
  const layers = { m: { file: 'model.npy' } };
  const region = { file: 'repeats.npy', kind: 'repeats' };
  let problems = await refusals('bad-index', { stimuli: { select: [0, 30] }, model: { layers }, brain: { r: region } });
  assert.deepEqual(problems.map((p) => [p.path, p.message]), [[['stimuli', 'select', 1], '`stimuli.select` index 30 is out of range: there are 30 stimuli (0 to 29).']]);
  problems = await refusals('bad-column', { stimuli: { labels: 'labels.csv', select: { categry: 'animal' } }, model: { layers }, brain: { r: region } });
  assert.deepEqual(problems.map((p) => p.path), [['stimuli', 'select', 'categry']]);
  assert.match(problems[0]!.message, /no column `categry`; did you mean `category`\?/);
  problems = await refusals('no-match', { stimuli: { labels: 'labels.csv', select: { category: 'tool' } }, model: { layers }, brain: { r: region } });
  assert.match(problems[0]!.message, /`stimuli.select` matches no stimulus \(category = tool\): at least 2 stimuli are needed/);
  problems = await refusals('no-labels', { stimuli: { select: { category: 'animal' } }, model: { layers }, brain: { r: region } });
  assert.match(problems[0]!.message, /`stimuli.labels` is not set/);
  problems = await refusals('unit-range', { model: { layers }, brain: { r: { ...region, units: [1, 10] } } });
  assert.deepEqual(problems.map((p) => [p.path, p.message]), [[['brain', 'r', 'units', 1], 'Unit index 10 is out of range: this source has 10 units (0 to 9).']]);
  problems = await refusals('reliability-plain', { model: { layers: { m: { file: 'model.npy', units: { reliability: { min: 0.3 } } } } }, brain: { r: region } });
  assert.deepEqual(problems.map((p) => p.path), [['model', 'layers', 'm', 'units', 'reliability']]);
  assert.match(problems[0]!.message, /needs repeats/);
});

test('a re-run served from the cache records the same selection (and the same scores)', async () => {
  const file = join(dir, 'cached.simspec.yaml');
  writeFileSync(file, stringify({ simspec: 1, stimuli: { labels: 'labels.csv', select: { category: 'face' } }, model: { layers: { m: { file: 'model.npy' } } }, brain: { r: { file: 'repeats.npy', kind: 'repeats', units: { reliability: { min: 0.3 } } } }, comparisons: COMPARISONS.slice(0, 2) }));
  const cacheFolder = join(dir, 'cache');
  const first = await runSpec(file, { write: false, cacheFolder });
  const second = await runSpec(file, { write: false, cacheFolder });
  assert.ok(second.scores.every((s) => s.fromCache));
  assert.deepEqual(values(second), values(first));
  assert.deepEqual(second.selection, first.selection);
  assert.ok(first.selection?.units?.brain.r?.[0]?.indices.length);
});
