/**
 * RDMs computed inside a run from responses (with a noise precision) and from repeats (crossnobis)
 * equal rsatoolbox's reference RDMs for the same data: the run path (spec → loader → runner) adds
 * nothing and loses nothing.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { readNpy } from '../../../engine/io';
import { writeNpy } from '../../../engine/io/npyWriter';
import { runSpec } from '../../../engine/run/execute';

const REFERENCE = resolve('test/fixtures/reference');

function expectedOf(name: string): { value: number[]; tolerance: { rtol: number; atol: number } } {
  return JSON.parse(readFileSync(join(REFERENCE, name, 'expected.json'), 'utf8'));
}

function assertClose(got: number[] | undefined, want: number[], { rtol, atol }: { rtol: number; atol: number }): void {
  assert.ok(got && got.length === want.length, `expected ${want.length} entries`);
  want.forEach((w, k) => assert.ok(Math.abs(got[k]! - w) <= atol + rtol * Math.abs(w), `entry ${k}: got ${got[k]}, want ${w}`));
}

function spec(region: string, comparison: string, model: string): string {
  return `simspec: 1
model:
  layers:
    reference: ${model}
brain:
  region: ${region}
comparisons:
  - name: rsa
    metric: rsa
    compare: pearson
${comparison}`;
}

test('mahalanobis RDM with a noise precision from the spec equals rsatoolbox calc_rdm', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'simspec-maha-'));
  const expected = expectedOf('rdm_rsa_mahalanobis');
  writeNpy(join(dir, 'reference.npy'), [expected.value.length], expected.value);
  const text = spec(`{ file: ${REFERENCE}/rdm_rsa_mahalanobis/X.npy }`, `    rdm: mahalanobis\n    noise: { file: ${REFERENCE}/rdm_rsa_mahalanobis/precision.npy }\n`, '{ file: reference.npy, kind: rdm }');
  writeFileSync(join(dir, 'maha.simspec.yaml'), text);
  const results = await runSpec(join(dir, 'maha.simspec.yaml'), { write: false });
  assertClose(results.rdms?.brain.region, expected.value, expected.tolerance);
  assert.ok(Math.abs(results.scores[0]!.value - 1) < 1e-12);
});

test('crossnobis RDM from responses with repeats equals rsatoolbox calc_rdm with runs as folds', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'simspec-xnobis-'));
  const expected = expectedOf('rdm_rsa_crossnobis');
  const x = await readNpy(join(REFERENCE, 'rdm_rsa_crossnobis', 'X.npy'));
  const cond = (await readNpy(join(REFERENCE, 'rdm_rsa_crossnobis', 'cond.npy'))).data;
  const run = (await readNpy(join(REFERENCE, 'rdm_rsa_crossnobis', 'run.npy'))).data;
  const [rows, units] = x.shape as [number, number];
  const conditions = Math.max(...cond) + 1;
  const runs = Math.max(...run) + 1;
  // stimuli × repeats × units: the observation of condition c in run r goes to [c, r, :].
  const repeats = new Float64Array(conditions * runs * units);
  for (let i = 0; i < rows; i++) repeats.set(x.data.subarray(i * units, (i + 1) * units), (cond[i]! * runs + run[i]!) * units);
  writeNpy(join(dir, 'repeats.npy'), [conditions, runs, units], repeats);
  writeNpy(join(dir, 'reference.npy'), [expected.value.length], expected.value);
  writeFileSync(join(dir, 'xnobis.simspec.yaml'), spec('{ file: repeats.npy, kind: repeats }', '    rdm: crossnobis\n', '{ file: reference.npy, kind: rdm }'));
  const results = await runSpec(join(dir, 'xnobis.simspec.yaml'), { write: false });
  assertClose(results.rdms?.brain.region, expected.value, expected.tolerance);
});
