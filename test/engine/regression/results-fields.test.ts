// What a regression run keeps in its results (issue 14): the raw score beside the normalised one,
// the α used and a note when it sits at the edge of its grid, per-unit ceilings (against numpy, on
// the fixture of test/fixtures/rsa-ceiling) and per-split × per-unit scores; and how the CLI table
// shows them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readArray } from '../../../engine/io';
import { writeNpy } from '../../../engine/io/npyWriter';
import { runSpec } from '../../../engine/run/execute';
import { formatScoreTable } from '../../../engine/run/table';

const fixture = join(__dirname, '..', '..', 'fixtures', 'rsa-ceiling');
const reference = JSON.parse(readFileSync(join(fixture, 'reference.json'), 'utf8')) as { shape: number[]; perUnitSplitHalf: number[] };

async function run(comparison: string) {
  const dir = mkdtempSync(join(tmpdir(), 'simspec-regression-fields-'));
  try {
    const repeats = await readArray(join(fixture, 'repeats.npy'));
    const [n, r, u] = repeats.shape as [number, number, number];
    // The model: repeat 0 of every stimulus plus a fixed perturbation, 2 × the units.
    const model = new Float64Array(n * 2 * u);
    for (let i = 0; i < n; i++) for (let j = 0; j < 2 * u; j++) model[i * 2 * u + j] = repeats.data[(i * r) * u + (j % u)]! + Math.sin(7 * i + j);
    writeNpy(join(dir, 'model.npy'), [n, 2 * u], model);
    const file = join(dir, 'fields.simspec.yaml');
    writeFileSync(file, `simspec: 1\nmodel:\n  layers:\n    m: { file: model.npy }\nbrain:\n  region: { file: ${join(fixture, 'repeats.npy')}, kind: repeats }\ncomparisons:\n  - name: enc\n    metric: regression\n    cv: { scheme: kfold, folds: 7 }\n${comparison}`);
    return await runSpec(file, { write: false });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('a ceiling-normalised score keeps its raw value and names the rule; the table shows both and one ceiling', async () => {
  const results = await run('    ceiling: split-half\n    ceiling_normalization: r/c\n    aggregate: mean\n');
  const score = results.scores[0]!;
  assert.ok(score.raw && score.noiseCeiling);
  assert.equal(score.raw.normalization, 'r/c');
  assert.ok(Math.abs(score.value - score.raw.value / score.noiseCeiling.upper) < 1e-12, 'value = raw / ceiling under r/c');
  assert.equal(score.noiseCeiling.lower, score.noiseCeiling.upper);
  const table = formatScoreTable(results);
  const [header, , row] = table.split('\n');
  assert.match(header!, /value\s+normalised by\s+raw\b/);
  assert.ok(row!.includes(`${score.value.toFixed(4)}  r/c`), row);
  assert.ok(row!.includes(score.raw.value.toFixed(4)), row);
  assert.ok(!row!.includes(`${score.noiseCeiling.upper.toFixed(4)}–`), `one ceiling, not a range: ${row}`);
  assert.ok(row!.includes(score.noiseCeiling.upper.toFixed(4)), row);
});

test('per-unit ceilings equal numpy split-half reliability per unit', async () => {
  const results = await run('    ceiling: split-half\n');
  const perUnit = results.scores[0]!.details!.ceilingPerUnit as number[];
  assert.equal(perUnit.length, reference.perUnitSplitHalf.length);
  perUnit.forEach((v, u) => assert.ok(Math.abs(v - reference.perUnitSplitHalf[u]!) < 1e-12, `unit ${u}: ${v} vs numpy ${reference.perUnitSplitHalf[u]}`));
  assert.equal(results.scores[0]!.raw, undefined, 'not normalised: no raw field');
});

test('per-split × per-unit scores are kept and agree with the per-split aggregate and the per-unit mean', async () => {
  const results = await run('    aggregate: mean\n');
  const d = results.scores[0]!.details!.model_to_brain as { perSplit: number[]; perTarget: (number | null)[]; perSplitPerTarget: (number | null)[][] };
  const [, , units] = reference.shape as [number, number, number];
  assert.equal(d.perSplitPerTarget.length, 7);
  d.perSplitPerTarget.forEach((split, k) => {
    assert.equal(split.length, units);
    const kept = split.filter((v): v is number => v !== null);
    assert.ok(Math.abs(kept.reduce((a, b) => a + b, 0) / kept.length - d.perSplit[k]!) < 1e-12, `split ${k}: mean over units = the split's aggregate`);
  });
  for (let u = 0; u < units; u++) {
    const kept = d.perSplitPerTarget.map((s) => s[u]).filter((v): v is number => v !== null && v !== undefined);
    assert.ok(Math.abs(kept.reduce((a, b) => a + b, 0) / kept.length - d.perTarget[u]!) < 1e-12, `unit ${u}: mean over splits = perTarget`);
  }
});

test('the α used is reported as its range; a choice at the grid edge is a warning that counts the splits', async () => {
  const results = await run('    alphas: [1000000, 10000000, 100000000]\n');
  const score = results.scores[0]!;
  const fits = (score.details!.model_to_brain as { fit: { alpha: number }[] }).fit.map((f) => f.alpha);
  assert.deepEqual(score.alpha, { min: Math.min(...fits), max: Math.max(...fits), grid: { min: 1e6, max: 1e8, count: 3 } });
  const atLow = fits.filter((a) => a === 1e6).length;
  const atHigh = fits.filter((a) => a === 1e8).length;
  assert.ok(atLow + atHigh > 0, 'this data picks an edge α in some split');
  const notes = (score.warnings ?? []).filter((w) => w.includes('edge of the grid'));
  assert.equal(notes.length, (atLow > 0 ? 1 : 0) + (atHigh > 0 ? 1 : 0));
  if (atLow) assert.ok(notes.some((w) => w.includes(`smallest candidate (α = 1000000) was chosen in ${atLow} of 7 splits`)), notes.join('\n'));
  if (atHigh) assert.ok(notes.some((w) => w.includes(`largest candidate (α = 100000000) was chosen in ${atHigh} of 7 splits`)), notes.join('\n'));
  assert.match(formatScoreTable(results), / α {2,}[\s\S]*\(of 1e6–1e8\)/);
});

test('a single α is reported without a grid and without an edge warning', async () => {
  const results = await run('    alphas: 10\n');
  const score = results.scores[0]!;
  assert.deepEqual(score.alpha, { min: 10, max: 10 });
  assert.ok(!(score.warnings ?? []).some((w) => w.includes('edge of the grid')));
});
