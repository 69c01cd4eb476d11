/**
 * A spec with `model.onnx` end to end (engine/spec/onnx.ts, engine/run/onnx.ts): `check` reports
 * the network's problems on their keys before a run; a run scores the network's layers like data
 * files (the RDM of a layer equals the RDM of the same activations written to a .npy and scored
 * through `file:`), a re-run with the cache runs no inference, and a lesion reports
 * Δ = lesioned − intact for the layers it can reach only.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { buildModel, heUniform, seededUniform } from '../../../engine/model/build';
import { readGraph } from '../../../engine/model/graph';
import { listImageFolder } from '../../../engine/model/images';
import { runModel } from '../../../engine/model/run';
import { writeNpy } from '../../../engine/io/npyWriter';
import { runSpec } from '../../../engine/run/execute';
import { checkSpec } from '../../../engine/spec';
import { createFileIntrospector } from '../../../engine/spec/introspector';

const dir = mkdtempSync(join(tmpdir(), 'simspec-onnx-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));
cpSync(join(__dirname, '..', '..', 'fixtures', 'model', 'images'), join(dir, 'images'), { recursive: true });
const next = seededUniform(5);
const net = buildModel({
  input: { name: 'image', shape: ['N', 3, 8, 8] },
  nodes: [
    { op: 'Conv', inputs: ['image', 'w1', 'b1'], output: 'conv1', attributes: { kernel_shape: [3, 3], pads: [1, 1, 1, 1] } },
    { op: 'Relu', inputs: ['conv1'], output: 'relu1' },
    { op: 'MaxPool', inputs: ['relu1'], output: 'pool1', attributes: { kernel_shape: [2, 2], strides: [2, 2] } },
    { op: 'Flatten', inputs: ['pool1'], output: 'flat', attributes: { axis: 1 } },
    { op: 'Gemm', inputs: ['flat', 'w2', 'b2'], output: 'fc', attributes: { transB: 1 } },
  ],
  initializers: { w1: { dims: [4, 3, 3, 3], data: heUniform(108, 27, next) }, b1: { dims: [4], data: heUniform(4, 27, next) }, w2: { dims: [6, 64], data: heUniform(384, 64, next) }, b2: { dims: [6], data: heUniform(6, 64, next) } },
  outputs: ['fc'],
});
writeFileSync(join(dir, 'net.onnx'), net);
const n = listImageFolder(join(dir, 'images')).length;
const brain = new Float64Array(n * 7).map((_, i) => Math.sin(i * 1.7) + (i % 3));
writeNpy(join(dir, 'brain.npy'), [n, 7], brain);
const stimuli = { images: 'images', size: 10, crop: 8, mean: [0.5, 0.5, 0.5], std: [0.25, 0.25, 0.25] };

function spec(model: Record<string, unknown>, name: string, extra: Record<string, unknown> = {}): string {
  const file = join(dir, `${name}.simspec.yaml`);
  writeFileSync(file, stringify({ simspec: 1, model, brain: { V1: { file: 'brain.npy' } }, comparisons: [{ name: 'rsa', metric: 'rsa', compare: 'pearson' }], ...extra }));
  return file;
}

async function problems(file: string) {
  const { readFileSync } = await import('node:fs');
  return (await checkSpec(readFileSync(file, 'utf8'), file, createFileIntrospector())).problems.filter((p) => p.severity === 'error').map((p) => [p.code, p.path?.join('.')]);
}

test('check: unknown tensor (did you mean), missing folder, input size mismatch, lesion unit out of range, tensor without onnx', async () => {
  assert.deepEqual(await problems(spec({ onnx: 'net.onnx', stimuli, layers: { a: { output: 'relu_1' } } }, 'c1')), [['model.unknown-tensor', 'model.layers.a.output']]);
  assert.deepEqual(await problems(spec({ onnx: 'net.onnx', stimuli: { ...stimuli, images: 'nowhere' }, layers: { a: { output: 'relu1' } } }, 'c2')), [['data.missing-file', 'model.stimuli.images']]);
  assert.deepEqual(await problems(spec({ onnx: 'net.onnx', stimuli: { ...stimuli, crop: 6 }, layers: { a: { output: 'relu1' } } }, 'c3')), [['model.onnx-input-shape', 'model.stimuli.crop']]);
  assert.deepEqual(await problems(spec({ onnx: 'net.onnx', stimuli, layers: { a: { output: 'relu1' } }, lesion: { layer: 'a', units: [4], channels: true } }, 'c4')), [['model.lesion-units', 'model.lesion.units.0']]);
  assert.deepEqual(await problems(spec({ layers: { a: { output: 'relu1' } } }, 'c5')), [['model.no-onnx', 'model.layers.a.output']]);
  assert.deepEqual(await problems(spec({ onnx: 'missing.onnx', stimuli, layers: { a: { output: 'relu1' } } }, 'c6')), [['data.missing-file', 'model.onnx']]);
  // A layer with a statically known shape has a layout: a stimulus-count mismatch with the brain is reported.
  assert.deepEqual(await problems(spec({ onnx: 'net.onnx', stimuli, layers: { a: { output: 'relu1' } } }, 'c7', { stimuli: { count: n + 1 } })).then((p) => p.map((x) => x[0])), ['data.stimulus-count', 'data.stimulus-count']);
  assert.deepEqual(await problems(spec({ onnx: 'net.onnx', stimuli, layers: { a: { output: 'relu1' } } }, 'ok')), []);
});

test('run: a network layer scores as its activations written to a file; the cache serves a re-run without inference', async () => {
  const graph = readGraph(net, 'net.onnx');
  const acts = await runModel({ graph, file: 'net.onnx', images: listImageFolder(join(dir, 'images')), preprocessing: { size: 10, crop: 8, mean: [0.5, 0.5, 0.5], std: [0.25, 0.25, 0.25], channelOrder: 'RGB', layout: 'NCHW' }, tensors: ['pool1'] });
  writeNpy(join(dir, 'pool1.npy'), acts.get('pool1')!.shape, acts.get('pool1')!.data);
  const fromFile = await runSpec(spec({ layers: { pool: { file: 'pool1.npy' } } }, 'file'), { write: false });
  const cache = join(dir, 'cache');
  const messages: string[] = [];
  const fromNet = await runSpec(spec({ onnx: 'net.onnx', stimuli, layers: { pool: { output: 'pool1' } } }, 'net'), { write: false, cacheFolder: cache, onProgress: (e) => messages.push(e.message) });
  assert.equal(fromNet.scores[0]!.value, fromFile.scores[0]!.value);
  assert.ok(messages.some((m) => /running the network/.test(m)));
  messages.length = 0;
  // Another layer set of the same network and images: pool1 comes from the activation cache.
  const again = await runSpec(spec({ onnx: 'net.onnx', stimuli, layers: { pool: { output: 'pool1' } } }, 'net2', { comparisons: [{ name: 'other', metric: 'rsa', compare: 'spearman' }] }), { write: false, cacheFolder: cache, onProgress: (e) => messages.push(e.message) });
  assert.ok(Number.isFinite(again.scores[0]!.value));
  assert.ok(!messages.some((m) => /running the network/.test(m)), messages.join('\n'));
});

test('run with a lesion: Δ = lesioned − intact for the lesioned layer and those downstream, none upstream', async () => {
  const results = await runSpec(
    spec({ onnx: 'net.onnx', stimuli, layers: { conv: { output: 'conv1' }, pool: { output: 'pool1' }, fc: { output: 'fc' } }, lesion: { layer: 'pool', units: { fraction: 0.5, select: 'by-selectivity' }, channels: true } }, 'lesion', { statistics: { bootstrap: { samples: 30, seed: 2 } } }),
    { write: false },
  );
  const layers = [...new Set(results.scores.map((s) => s.layer))];
  assert.deepEqual(layers, ['conv', 'pool', 'pool.lesioned', 'fc', 'fc.lesioned']);
  const lesion = results.derived.rsa!.lesion as { units: number[]; of: number; effects: { layer: string; delta: number; intact: number; lesioned: number; ci?: { lower: number; upper: number } }[] };
  assert.equal(lesion.of, 4);
  assert.equal(lesion.units.length, 2);
  assert.deepEqual(lesion.effects.map((e) => e.layer), ['pool', 'fc']);
  for (const e of lesion.effects) {
    const intact = results.scores.find((s) => s.layer === e.layer)!.value;
    const lesioned = results.scores.find((s) => s.layer === `${e.layer}.lesioned`)!.value;
    assert.equal(e.delta, lesioned - intact);
    assert.ok(e.ci && e.ci.lower <= e.ci.upper);
  }
});
