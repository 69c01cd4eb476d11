/**
 * `model.activations`: one file whose every numeric variable is a layer, named by its key. Checked:
 * the layers found, a comparison narrowed by `layers:`, and a clear error for a name the file lacks.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { zipSync } from 'fflate';
import { encodeNpy, writeNpy } from '../../../engine/io/npyWriter';
import { runSpec } from '../../../engine/run/execute';
import { NumpyRandomState } from '../../../engine/stats/random';

function setup(): string {
  const dir = mkdtempSync(join(tmpdir(), 'simspec-acts-'));
  const rng = new NumpyRandomState(3);
  const n = 12;
  const layer = (units: number) => encodeNpy([n, units], Float64Array.from({ length: n * units }, () => rng.randomSample()));
  writeFileSync(join(dir, 'acts.npz'), zipSync({ 'conv1.npy': layer(5), 'conv2.npy': layer(7), 'fc.npy': layer(3) }));
  writeNpy(join(dir, 'brain.npy'), [n, 4], Float64Array.from({ length: n * 4 }, () => rng.randomSample()));
  return dir;
}

const spec = (layers = '') => `simspec: 1
model:
  activations: { file: acts.npz }
brain:
  V1: { file: brain.npy }
comparisons:
  - name: rsa
    metric: rsa
    compare: pearson
${layers}`;

test('every variable of the activations file is a layer', async () => {
  const dir = setup();
  writeFileSync(join(dir, 'a.simspec.yaml'), spec());
  const results = await runSpec(join(dir, 'a.simspec.yaml'), { write: false });
  assert.deepEqual(results.layers, ['conv1', 'conv2', 'fc']);
  assert.equal(results.scores.length, 3);
});

test('a comparison narrowed to some activation layers, and an unknown one', async () => {
  const dir = setup();
  writeFileSync(join(dir, 'b.simspec.yaml'), spec('    layers: [conv2]\n'));
  const results = await runSpec(join(dir, 'b.simspec.yaml'), { write: false });
  assert.deepEqual(results.scores.map((s) => s.layer), ['conv2']);
  writeFileSync(join(dir, 'c.simspec.yaml'), spec('    layers: [conv3]\n'));
  await assert.rejects(runSpec(join(dir, 'c.simspec.yaml'), { write: false }), (error: { problems?: { code: string; message: string }[] }) => {
    assert.deepEqual(error.problems?.map((p) => p.code), ['spec.unknown-name']);
    assert.match(error.problems![0]!.message, /No model layer is named `conv3`/);
    return true;
  });
});

test('the editor checks reach into the activations file: unknown layer names and a missing file', async () => {
  const { checkSpec } = await import('../../../engine/spec');
  const { createFileIntrospector } = await import('../../../engine/spec/introspector');
  const dir = setup();
  const io = createFileIntrospector();
  const text = spec('    layers: [conv3]\n');
  const unknown = (await checkSpec(text, join(dir, 'c.simspec.yaml'), io)).problems;
  assert.equal(unknown.length, 1);
  assert.equal(unknown[0]!.code, 'spec.unknown-name');
  assert.deepEqual(unknown[0]!.suggestions, ['conv1', 'conv2']);
  const missing = (await checkSpec(text.replace('acts.npz', 'nope.npz'), join(dir, 'c.simspec.yaml'), io)).problems;
  assert.deepEqual(missing.map((p) => p.code), ['data.missing-file']);
});
