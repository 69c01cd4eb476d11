/**
 * `model.in_silico` (engine/run/onnx.ts inSilicoRecord) on simulated data with a known answer: a
 * region whose units all respond as 2·y₀ + noise, where y₀ is the first output of a linear network.
 * Fitted on 40 generated images, the experiment ranks 12 new images; the images listed as driving
 * the region most are those with the largest y₀ computed directly, those listed as suppressing it the
 * smallest, with a high cross-validated r and a fold spread (confidence) that is finite and small.
 */
/// <reference path="../../../engine/model/pngjs.d.ts" />
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { stringify } from 'yaml';
import { buildModel, heUniform, seededUniform } from '../../../engine/model/build';
import { readGraph } from '../../../engine/model/graph';
import { listImageFolder, type Preprocessing } from '../../../engine/model/images';
import { runModel } from '../../../engine/model/run';
import { writeNpy } from '../../../engine/io/npyWriter';
import { runSpec } from '../../../engine/run/execute';

const dir = mkdtempSync(join(tmpdir(), 'simspec-insilico-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));
const rand = seededUniform(21);
const gauss = () => Math.sqrt(-2 * Math.log(rand() + 1e-12)) * Math.cos(2 * Math.PI * rand());
function images(folder: string, count: number): void {
  mkdirSync(join(dir, folder));
  for (let k = 0; k < count; k++) {
    const data = Buffer.alloc(8 * 8 * 4, 255);
    for (let i = 0; i < 64; i++) for (let c = 0; c < 3; c++) data[i * 4 + c] = Math.floor(rand() * 256);
    writeFileSync(join(dir, folder, `im${String(k).padStart(2, '0')}.png`), PNG.sync.write({ width: 8, height: 8, data }));
  }
}
images('stimuli', 40);
images('new', 12);
const next = seededUniform(8);
const net = buildModel({
  input: { name: 'x', shape: ['N', 3, 8, 8] },
  nodes: [
    { op: 'Flatten', inputs: ['x'], output: 'flat', attributes: { axis: 1 } },
    { op: 'Gemm', inputs: ['flat', 'w', 'b'], output: 'y', attributes: { transB: 1 } },
  ],
  initializers: { w: { dims: [6, 192], data: heUniform(6 * 192, 192, next) }, b: { dims: [6], data: new Float32Array(6) } },
  outputs: ['y'],
});
writeFileSync(join(dir, 'net.onnx'), net);
const pre: Preprocessing = { mean: [0.5, 0.5, 0.5], std: [0.25, 0.25, 0.25], channelOrder: 'RGB', layout: 'NCHW' };

test('the images predicted to drive / suppress the region are those with the largest / smallest true response', async () => {
  const graph = readGraph(net, 'net.onnx');
  const y = (await runModel({ graph, file: 'net.onnx', images: listImageFolder(join(dir, 'stimuli')), preprocessing: pre, tensors: ['y'] })).get('y')!;
  writeNpy(join(dir, 'region.npy'), [40, 10], Float64Array.from({ length: 400 }, (_, k) => 2 * y.data[Math.floor(k / 10) * 6]! + 0.05 * gauss()));
  const newFiles = listImageFolder(join(dir, 'new'));
  const truth = (await runModel({ graph, file: 'net.onnx', images: newFiles, preprocessing: pre, tensors: ['y'] })).get('y')!;
  const byTruth = newFiles.map((f, j) => ({ name: `new/${f.split('/').pop()}`, value: truth.data[j * 6]! })).sort((a, b) => b.value - a.value);
  const file = join(dir, 'spec.simspec.yaml');
  writeFileSync(file, stringify({
    simspec: 1,
    model: { onnx: 'net.onnx', stimuli: { images: 'stimuli', mean: pre.mean, std: pre.std }, layers: { out: { output: 'y' } }, in_silico: { images: 'new', layer: 'out', region: 'R', alpha: 0.01, folds: 5, top: 3 } },
    brain: { R: { file: 'region.npy' } },
    comparisons: [{ name: 'c', metric: 'rsa' }],
  }));
  const results = await runSpec(file, { write: false });
  const record = results.inSilico!;
  assert.equal(record.images, 12);
  assert.ok(record.cvR > 0.95, `cv r ${record.cvR}`);
  assert.deepEqual(record.drive.map((d) => d.image), byTruth.slice(0, 3).map((t) => t.name));
  assert.deepEqual(record.suppress.map((d) => d.image), byTruth.slice(-3).reverse().map((t) => t.name));
  for (const d of [...record.drive, ...record.suppress]) assert.ok(Number.isFinite(d.sd) && d.sd < 0.2 * Math.abs(d.predicted) + 0.05, `sd ${d.sd} for ${d.predicted}`);
  // The prediction is on the region's scale: ≈ 2·y₀.
  for (const d of record.drive) assert.ok(Math.abs(d.predicted - 2 * byTruth.find((t) => t.name === d.image)!.value) < 0.2);
});

test('check: in_silico naming an unknown layer, an unknown region and a missing folder is reported on each key', async () => {
  const { checkSpec } = await import('../../../engine/spec');
  const { createFileIntrospector } = await import('../../../engine/spec/introspector');
  const file = join(dir, 'bad.simspec.yaml');
  const text = stringify({
    simspec: 1,
    model: { onnx: 'net.onnx', stimuli: { images: 'stimuli' }, layers: { out: { output: 'y' } }, in_silico: { images: 'nowhere', layer: 'ot', region: 'Q' } },
    brain: { R: { file: 'region.npy' } },
    comparisons: [{ name: 'c', metric: 'rsa' }],
  });
  writeFileSync(file, text);
  const problems = (await checkSpec(text, file, createFileIntrospector())).problems.filter((p) => p.severity === 'error');
  assert.deepEqual(problems.map((p) => [p.code, p.path?.join('.')]).sort(), [
    ['data.missing-file', 'model.in_silico.images'],
    ['model.in-silico-layer', 'model.in_silico.layer'],
    ['model.in-silico-region', 'model.in_silico.region'],
  ]);
});
