/**
 * New Spec from Sample: every bundled sample copied into an empty workspace passes `simspec check`
 * there (its data, and a sibling sample's data it reads, came along), and existing files are kept.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { copySampleInto, listSampleSpecs } from '../../client/samples';
import { checkSpec } from '../../engine/spec';
import { createFileIntrospector } from '../../engine/spec/introspector';

const SAMPLES = resolve('samples');

test('every sample spec is listed and, copied alone into a workspace, checks clean', async () => {
  const samples = await listSampleSpecs(SAMPLES);
  assert.ok(samples.some((s) => s.spec === 'algonauts2019-92images.simspec.yaml'));
  for (const sample of samples) {
    const workspace = mkdtempSync(join(tmpdir(), 'simspec-sample-'));
    const copied = await copySampleInto(SAMPLES, sample, workspace);
    const { problems } = await checkSpec(readFileSync(copied, 'utf8'), copied, createFileIntrospector());
    assert.deepEqual(problems.filter((p) => p.severity === 'error').map((p) => p.message), [], `${sample.folder}/${sample.spec}`);
  }
});

test('copying never overwrites a file the user already has', async () => {
  const workspace = mkdtempSync(join(tmpdir(), 'simspec-sample-'));
  const sample = (await listSampleSpecs(SAMPLES)).find((s) => s.folder === 'kriegeskorte2008')!;
  const mine = join(workspace, 'kriegeskorte2008', sample.spec);
  await copySampleInto(SAMPLES, sample, workspace);
  writeFileSync(mine, 'simspec: 1 # mine\n');
  await copySampleInto(SAMPLES, sample, workspace);
  assert.equal(readFileSync(mine, 'utf8'), 'simspec: 1 # mine\n');
});
