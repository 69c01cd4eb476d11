/**
 * samples/random-cnn: the committed network is what make-sample.ts writes (seeded, deterministic),
 * the spec checks clean, and a run scores its four layers against EVC and IT plus the lesioned
 * copies of conv2 and every layer after it (conv1 is upstream of the lesion), with Δ recorded.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { runSpec } from '../../../engine/run/execute';
import { checkSpec } from '../../../engine/spec';
import { createFileIntrospector } from '../../../engine/spec/introspector';

const SAMPLE = resolve('samples/random-cnn');

test('make-sample.ts regenerates the committed network and images byte for byte', () => {
  // The script writes next to itself; run a copy placed at the same depth so its imports resolve.
  const copy = join(resolve('samples'), `.regen-${process.pid}`);
  cpSync(join(SAMPLE, 'make-sample.ts'), join(copy, 'make-sample.ts'));
  try {
    execFileSync(process.execPath, [resolve('node_modules/tsx/dist/cli.mjs'), join(copy, 'make-sample.ts')], { stdio: 'pipe', timeout: 120_000 });
    assert.ok(readFileSync(join(copy, 'model', 'random-cnn.onnx')).equals(readFileSync(join(SAMPLE, 'model', 'random-cnn.onnx'))));
    for (const name of ['image01.png', 'image47.png', 'image92.png']) assert.ok(readFileSync(join(copy, 'data', 'images', name)).equals(readFileSync(join(SAMPLE, 'data', 'images', name))), name);
  } finally {
    rmSync(copy, { recursive: true, force: true });
  }
});

test('the sample spec checks clean and runs with the lesion downstream of conv2 only', async () => {
  const file = join(SAMPLE, 'random-cnn.simspec.yaml');
  const checked = await checkSpec(readFileSync(file, 'utf8'), file, createFileIntrospector());
  assert.deepEqual(checked.problems.filter((p) => p.severity !== 'information'), []);
  const results = await runSpec(file, { write: false });
  assert.deepEqual([...new Set(results.scores.map((s) => s.layer))], ['conv1', 'conv2', 'conv2.lesioned', 'conv3', 'conv3.lesioned', 'fc1', 'fc1.lesioned']);
  assert.equal(results.stimuli, 92);
  const lesion = results.derived.rsa!.lesion as { units: number[]; of: number; effects: { layer: string; region: string }[] };
  assert.equal(lesion.of, 32);
  assert.equal(lesion.units.length, 16);
  assert.deepEqual(lesion.effects.map((e) => `${e.layer}/${e.region}`), ['conv2/EVC', 'conv2/IT', 'conv3/EVC', 'conv3/IT', 'fc1/EVC', 'fc1/IT']);
});
