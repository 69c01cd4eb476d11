/**
 * `axes:` on a source (engine/io/axes.ts). The invariance: the same numbers stored in any axis order,
 * with the order declared, give bit-identical scores to the engine's own layout (no `axes`). Also
 * `transpose` (deprecated alias, warned), `transpose` on repeats (refused, naming `axes`), and the
 * stimulus-count diagnostic naming the axis and suggesting the `axes` to write.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { writeNpy } from '../../../engine/io/npyWriter';
import { permuteAxes } from '../../../engine/core/ndarray';
import { arrangeAxes, toEngineLayout, type AxisArrangement } from '../../../engine/io/axes';
import { runSpec, SpecProblemsError } from '../../../engine/run/execute';
import { checkSpec } from '../../../engine/spec';
import { createFileIntrospector } from '../../../engine/spec/introspector';
import { seededRandom } from '../../helpers/seededRandom';

const dir = mkdtempSync(join(tmpdir(), 'simspec-axes-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));
const rand = seededRandom(14);
const gaussian = (count: number) => Float64Array.from({ length: count }, () => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand()));

const STIMULI = 12;
const REPEATS = 4;
const UNITS = 6;
const SUBJECTS = 3;
// Engine layout: stimuli × repeats × units (one NaN repeat: missing values travel with their axis).
const repeats = { shape: [STIMULI, REPEATS, UNITS], data: gaussian(STIMULI * REPEATS * UNITS), dtype: 'float64' };
repeats.data[2 * REPEATS * UNITS + 1 * UNITS + 3] = Number.NaN;
const subjects = { shape: [SUBJECTS, STIMULI, UNITS], data: gaussian(SUBJECTS * STIMULI * UNITS), dtype: 'float64' };
writeNpy(join(dir, 'model.npy'), [STIMULI, 5], gaussian(STIMULI * 5));
writeNpy(join(dir, 'repeats.npy'), repeats.shape, repeats.data);
writeNpy(join(dir, 'subjects.npy'), subjects.shape, subjects.data);

function permutations<T>(items: readonly T[]): T[][] {
  if (items.length <= 1) return [items.slice()];
  return items.flatMap((item, i) => permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [item, ...rest]));
}

const COMPARISONS = [
  { name: 'rsa', metric: 'rsa', rdm: 'correlation', compare: 'spearman' },
  { name: 'cka', metric: 'cka' },
  { name: 'procrustes', metric: 'shape', group: 'orthogonal' },
];

async function scoresOf(name: string, region: Record<string, unknown>): Promise<{ values: unknown[]; warnings: string[] }> {
  const file = join(dir, `${name}.simspec.yaml`);
  writeFileSync(file, stringify({ simspec: 1, model: { layers: { m: { file: 'model.npy' } } }, brain: { r: region }, comparisons: COMPARISONS, statistics: { noise_ceiling: false } }));
  const results = await runSpec(file, { write: false });
  return { values: results.scores.map((s) => [s.comparison, s.value, s.perSubject ?? null]), warnings: results.warnings };
}

test('arrangeAxes: the permutation puts named axes in engine order, stable within a name', () => {
  const arranged = arrangeAxes(['units', 'subjects', 'stimuli', 'units', 'subjects'], [2, 3, 4, 5, 6]) as AxisArrangement;
  assert.deepEqual(arranged.order, [1, 4, 2, 0, 3]);
  assert.deepEqual(arranged.shape, [3, 6, 4, 2, 5]);
  assert.equal(arranged.lengths.units, 10);
  assert.equal(arranged.lengths.repeats, 1);
  assert.match(arrangeAxes(['units', 'stimuli'], [2, 3, 4]) as string, /names 2 axes \(units, stimuli\) but the array has 3/);
  assert.match(arrangeAxes(['units', 'neurons'], [2, 3]) as string, /unknown axis name `neurons`/);
  // toEngineLayout is numpy's transpose: element [i, j, k] of the result is stored[order…].
  const stored = { shape: [2, 3], data: Float64Array.from([1, 2, 3, 4, 5, 6]), dtype: 'float64' };
  assert.deepEqual(Array.from(toEngineLayout(stored, arrangeAxes(['units', 'stimuli'], [2, 3]) as AxisArrangement).data), [1, 4, 2, 5, 3, 6]);
});

test('every storage order of a repeats array, declared with `axes`, gives the scores of the engine layout', async () => {
  const reference = await scoresOf('repeats-reference', { file: 'repeats.npy', kind: 'repeats' });
  const names = ['stimuli', 'repeats', 'units'];
  for (const order of permutations([0, 1, 2])) {
    const stored = permuteAxes(repeats, order);
    const file = `repeats-${order.join('')}.npy`;
    writeNpy(join(dir, file), stored.shape, stored.data);
    // `kind` left out: a `repeats` axis implies `kind: repeats`.
    const got = await scoresOf(`repeats-${order.join('')}`, { file, axes: order.map((axis) => names[axis]) });
    assert.deepEqual(got.values, reference.values, `axes ${order.map((axis) => names[axis]).join(', ')}`);
  }
});

test('every storage order of a subjects × stimuli × units array gives the scores of `subjects: 0`', async () => {
  const reference = await scoresOf('subjects-reference', { file: 'subjects.npy', subjects: 0 });
  assert.equal((reference.values[0] as unknown[])[2] !== null, true, 'per-subject scores exist');
  const names = ['subjects', 'stimuli', 'units'];
  for (const order of permutations([0, 1, 2])) {
    const stored = permuteAxes(subjects, order);
    const file = `subjects-${order.join('')}.npy`;
    writeNpy(join(dir, file), stored.shape, stored.data);
    const got = await scoresOf(`subjects-${order.join('')}`, { file, axes: order.map((axis) => names[axis]) });
    assert.deepEqual(got.values, reference.values, `axes ${order.map((axis) => names[axis]).join(', ')}`);
  }
});

test('`transpose: true` still reads units × stimuli, with a deprecation warning naming `axes`', async () => {
  const plain = { shape: [STIMULI, UNITS], data: gaussian(STIMULI * UNITS), dtype: 'float64' };
  writeNpy(join(dir, 'plain.npy'), plain.shape, plain.data);
  const stored = permuteAxes(plain, [1, 0]);
  writeNpy(join(dir, 'plain-t.npy'), stored.shape, stored.data);
  const reference = await scoresOf('plain', { file: 'plain.npy' });
  const viaAxes = await scoresOf('plain-axes', { file: 'plain-t.npy', axes: ['units', 'stimuli'] });
  const viaTranspose = await scoresOf('plain-transpose', { file: 'plain-t.npy', transpose: true });
  assert.deepEqual(viaAxes.values, reference.values);
  assert.deepEqual(viaTranspose.values, reference.values);
  assert.deepEqual(viaAxes.warnings, []);
  assert.equal(viaTranspose.warnings.length, 1);
  assert.match(viaTranspose.warnings[0]!, /`transpose` is deprecated: write `axes: \[units, stimuli\]`/);
});

async function problemsOf(name: string, region: Record<string, unknown>, extra: Record<string, unknown> = {}) {
  const file = join(dir, `${name}.simspec.yaml`);
  const text = stringify({ simspec: 1, ...extra, model: { layers: { m: { file: 'model.npy' } } }, brain: { r: region }, comparisons: [{ name: 'c', metric: 'rsa' }] });
  writeFileSync(file, text);
  const problems = (await checkSpec(text, file, createFileIntrospector())).problems.filter((p) => p.severity === 'error');
  let runError: unknown;
  try {
    await runSpec(file, { write: false });
  } catch (e) {
    runError = e;
  }
  return { problems, runError };
}

test('`transpose` on kind: repeats is refused on `transpose`, naming `axes` (check and run)', async () => {
  const { problems, runError } = await problemsOf('repeats-transpose', { file: 'repeats.npy', kind: 'repeats', transpose: true });
  assert.deepEqual(problems.map((p) => [p.code, p.path?.at(-1)]), [['data.shape', 'transpose']]);
  assert.match(problems[0]!.message, /`transpose` applies only to a 2-D response matrix; for `kind: repeats` say which axis is which with `axes`, e\.g\. `axes: \[units, stimuli, repeats\]`/);
  assert.ok(runError instanceof SpecProblemsError && runError.problems.some((p) => p.message === problems[0]!.message));
});

test('a stimulus-count mismatch names the axis read as stimuli and suggests the `axes` to write', async () => {
  // Neurons × stimuli × repeats stored without `axes`: the first axis (6 units) is read as stimuli.
  const stored = permuteAxes(repeats, [2, 0, 1]);
  writeNpy(join(dir, 'neurons-first.npy'), stored.shape, stored.data);
  const without = await problemsOf('neurons-first', { file: 'neurons-first.npy', kind: 'repeats' }, { stimuli: { count: STIMULI } });
  assert.equal(without.problems.length, 1);
  assert.match(without.problems[0]!.message, /Region `r` has 6 stimuli but `stimuli.count` has 12: .* Axis 1 of the stored shape \(6, 12, 4\) has 12: say which axis is which with `axes`, e\.g\. `axes: \[units, stimuli, repeats\]`/);
  // A wrong `axes` names the axis it read.
  const wrong = await problemsOf('neurons-wrong', { file: 'neurons-first.npy', axes: ['stimuli', 'units', 'repeats'] }, { stimuli: { count: STIMULI } });
  assert.match(wrong.problems[0]!.message, /Region `r` has 6 stimuli on axis 0 \(`stimuli`, length 6\) but `stimuli.count` has 12/);
  assert.deepEqual(wrong.problems[0]!.path, ['brain', 'r', 'axes']);
  // The suggested `axes` is right: with it, the spec checks clean and runs.
  const right = await problemsOf('neurons-right', { file: 'neurons-first.npy', axes: ['units', 'stimuli', 'repeats'] }, { stimuli: { count: STIMULI } });
  assert.deepEqual(right.problems, []);
  assert.equal(right.runError, undefined);
});

test('`axes` problems are reported on `axes`: wrong count, no stimuli, a time axis, both `axes` and `subjects`', async () => {
  const cases: [Record<string, unknown>, RegExp][] = [
    [{ file: 'repeats.npy', axes: ['stimuli', 'units'] }, /names 2 axes \(stimuli, units\) but the array has 3/],
    [{ file: 'repeats.npy', axes: ['units', 'units', 'repeats'] }, /exactly one `stimuli` axis, got 0/],
    [{ file: 'repeats.npy', axes: ['stimuli', 'time', 'units'] }, /names a `time` axis \(axis 1 \(`time`, length 4\)\)/],
    [{ file: 'repeats.npy', kind: 'responses', axes: ['stimuli', 'repeats', 'units'] }, /a `repeats` axis needs `kind: repeats`/],
  ];
  for (const [region, pattern] of cases) {
    const { problems, runError } = await problemsOf('axes-problem', region);
    assert.equal(problems.length, 1, JSON.stringify(region));
    assert.match(problems[0]!.message, pattern);
    assert.deepEqual(problems[0]!.path, ['brain', 'r', 'axes']);
    assert.ok(runError instanceof SpecProblemsError);
  }
  const both = await problemsOf('axes-subjects', { file: 'subjects.npy', subjects: 0, axes: ['subjects', 'stimuli', 'units'] });
  assert.deepEqual(both.problems.map((p) => p.path?.at(-1)), ['subjects']);
});
