/**
 * `simspec export RESULTS --format csv [--out FILE]` as users run it: the tidy CSV read back
 * equals, number for number, what the results file holds (score values and statistics, per-split,
 * per-unit and per-split × per-unit regression scores, per-unit and per-split ceilings), and bad
 * input ends in one clear error line.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { readArray } from '../../engine/io';
import { writeNpy } from '../../engine/io/npyWriter';

const BIN = resolve('bin/simspec.js');
const FIXTURE = resolve('test/fixtures/rsa-ceiling');

function simspec(args: string[], cwd: string) {
  const result = spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: 'utf8' });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** A minimal CSV reader for this table (fields never hold quotes, commas or line breaks here). */
function readCsv(text: string): Record<string, string>[] {
  const [header, ...lines] = text.trimEnd().split('\n');
  const columns = header!.split(',');
  return lines.map((line) => {
    const fields = line.split(',');
    assert.equal(fields.length, columns.length, line);
    return Object.fromEntries(columns.map((c, i) => [c, fields[i]!]));
  });
}

const dir = mkdtempSync(join(tmpdir(), 'simspec-export-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));

async function writeRun(): Promise<string> {
  const repeats = await readArray(join(FIXTURE, 'repeats.npy'));
  const [n, r, u] = repeats.shape as [number, number, number];
  const model = new Float64Array(n * 6);
  for (let i = 0; i < n; i++) for (let j = 0; j < 6; j++) model[i * 6 + j] = repeats.data[i * r * u + j]! + Math.cos(3 * i + j);
  writeNpy(join(dir, 'model.npy'), [n, 6], model);
  writeFileSync(join(dir, 'region.npy'), readFileSync(join(FIXTURE, 'repeats.npy')));
  writeFileSync(
    join(dir, 'export.simspec.yaml'),
    `simspec: 1
model:
  layers:
    m: { file: model.npy }
brain:
  region: { file: region.npy, kind: repeats }
comparisons:
  - name: enc
    metric: regression
    alphas: [0.1, 1, 10]
    direction: both
    cv: { scheme: kfold, folds: 7 }
    ceiling: split-half
    ceiling_normalization: r/c
  - name: rsa
    metric: rsa
    statistics: { noise_ceiling: split-half }
output: results.json
`,
  );
  const run = simspec(['run', 'export.simspec.yaml', '--no-cache', '--quiet'], dir);
  assert.equal(run.code, 0, run.stderr);
  return join(dir, 'results.json');
}

test('the CSV read back holds every number of the results file, in full precision', async () => {
  const resultsFile = await writeRun();
  const results = JSON.parse(readFileSync(resultsFile, 'utf8'));
  const out = simspec(['export', 'results.json', '--format', 'csv', '--out', 'tidy.csv'], dir);
  assert.equal(out.code, 0, out.stderr);
  const text = readFileSync(join(dir, 'tidy.csv'), 'utf8');
  assert.equal(simspec(['export', 'results.json'], dir).stdout, text, 'stdout and --out agree');
  const rows = readCsv(text);
  assert.deepEqual(Object.keys(rows[0]!), ['comparison', 'metric', 'layer', 'region', 'quantity', 'subject', 'direction', 'split', 'unit', 'value']);
  const find = (comparison: string, quantity: string, where: Record<string, string> = {}) =>
    rows.filter((r) => r.comparison === comparison && r.quantity === quantity && Object.entries(where).every(([k, v]) => r[k] === v));
  const one = (comparison: string, quantity: string, where: Record<string, string> = {}) => {
    const found = find(comparison, quantity, where);
    assert.equal(found.length, 1, `${comparison} ${quantity} ${JSON.stringify(where)}`);
    return Number(found[0]!.value);
  };

  const [enc, rsa] = results.scores;
  assert.equal(one('enc', 'value'), enc.value);
  assert.equal(one('enc', 'raw'), enc.raw.value);
  assert.equal(one('enc', 'ceiling_lower'), enc.noiseCeiling.lower);
  assert.equal(one('enc', 'alpha_min'), enc.alpha.min);
  assert.equal(one('enc', 'alpha_max'), enc.alpha.max);
  for (const direction of ['model_to_brain', 'brain_to_model']) {
    const d = enc.details[direction];
    d.perSplit.forEach((v: number, k: number) => assert.equal(one('enc', 'split_value', { direction, split: String(k) }), v));
    d.perTarget.forEach((v: number | null, unit: number) => {
      const cell = find('enc', 'unit_value', { direction, unit: String(unit) })[0]!.value;
      assert.equal(cell === '' ? null : Number(cell), v);
    });
    const cells = find('enc', 'split_unit_value', { direction });
    assert.equal(cells.length, d.perSplitPerTarget.length * d.perSplitPerTarget[0].length);
    for (const c of cells) assert.equal(c.value === '' ? null : Number(c.value), d.perSplitPerTarget[Number(c.split)][Number(c.unit)]);
  }
  enc.details.ceilingPerUnit.forEach((v: number, unit: number) => assert.equal(one('enc', 'unit_ceiling', { unit: String(unit) }), v));
  assert.equal(one('rsa', 'value'), rsa.value);
  assert.equal(one('rsa', 'ceiling_upper'), rsa.noiseCeiling.upper);
  rsa.details.ceilingSplits[0].spearmanBrown.forEach((v: number, k: number) => assert.equal(one('rsa', 'ceiling_split', { split: String(k) }), v));
  // The split-half ceiling of the RSA is the mean of its exported splits (a definition, not our output).
  const splits = find('rsa', 'ceiling_split').map((r) => Number(r.value));
  assert.ok(Math.abs(splits.reduce((a, b) => a + b, 0) / splits.length - rsa.noiseCeiling.upper) < 1e-12);
});

test('export refuses what it cannot read or must not overwrite, with one error line and no stack trace', async () => {
  writeFileSync(join(dir, 'not-results.json'), '{"hello": 1}');
  writeFileSync(join(dir, 'notes.txt'), 'my notes');
  const cases: [string[], number, RegExp][] = [
    [['export', 'not-results.json'], 1, /not-results\.json.*not a simspec results file/],
    [['export', 'missing.json'], 1, /missing\.json.*cannot read the results file/],
    [['export', 'results.json', '--format', 'parquet'], 2, /--format parquet is not supported/],
    [['export', 'results.json', '--out', 'results.json'], 2, /will not write the export here: it is the results file being exported/],
    [['export', 'results.json', '--out', 'notes.txt'], 2, /not a simspec CSV export/],
  ];
  for (const [args, code, message] of cases) {
    const r = simspec(args, dir);
    assert.equal(r.code, code, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, message);
    assert.doesNotMatch(r.stderr, /\n\s+at .+:\d+:\d+\)?/);
  }
  assert.equal(readFileSync(join(dir, 'notes.txt'), 'utf8'), 'my notes');
});
