/**
 * Language service for `model.onnx` (server/service/onnx.ts): `output:` completes the graph's tensors
 * with operator and shape, hovers show a tensor's node, operator and shape, and diagnostics name a
 * missing tensor (did-you-mean quick fix) and a mismatched input size on the keys concerned. The
 * expected shapes are those of the network built here (Conv 3×3 pad 1 → [N, 4, 8, 8], MaxPool 2 → [N, 4, 4, 4], Gemm → [N, 5]).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { computeCompletions } from '../../server/service/completion';
import { computeDiagnostics } from '../../server/service/diagnostics';
import { computeHover } from '../../server/service/hover';
import { buildModel, heUniform, seededUniform } from '../../engine/model/build';
import { writeNpy } from '../../engine/io/npyWriter';
import { context, doc, withCursor } from './helpers';

const dir = mkdtempSync(join(tmpdir(), 'simspec-lsp-onnx-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));
cpSync(join(__dirname, '..', 'fixtures', 'model', 'images'), join(dir, 'images'), { recursive: true });
const next = seededUniform(1);
writeFileSync(
  join(dir, 'net.onnx'),
  buildModel({
    input: { name: 'image', shape: ['N', 3, 8, 8] },
    nodes: [
      { op: 'Conv', inputs: ['image', 'w1', 'b1'], output: 'conv1', name: 'features.0', attributes: { kernel_shape: [3, 3], pads: [1, 1, 1, 1] } },
      { op: 'Relu', inputs: ['conv1'], output: 'relu1' },
      { op: 'MaxPool', inputs: ['relu1'], output: 'pool1', attributes: { kernel_shape: [2, 2], strides: [2, 2] } },
      { op: 'Flatten', inputs: ['pool1'], output: 'flat', attributes: { axis: 1 } },
      { op: 'Gemm', inputs: ['flat', 'w2', 'b2'], output: 'fc', attributes: { transB: 1 } },
    ],
    initializers: { w1: { dims: [4, 3, 3, 3], data: heUniform(108, 27, next) }, b1: { dims: [4], data: heUniform(4, 27, next) }, w2: { dims: [5, 64], data: heUniform(320, 64, next) }, b2: { dims: [5], data: heUniform(5, 64, next) } },
    outputs: ['fc'],
  }),
);
writeNpy(join(dir, 'brain.npy'), [5, 3], new Float64Array(15).map((_, i) => Math.cos(i)));
const uri = pathToFileURL(join(dir, 'spec.simspec.yaml')).href;
const ctx = context();
const text = (layer: string, crop = 8) => `simspec: 1
model:
  onnx: net.onnx
  stimuli: { images: images, size: 10, crop: ${crop} }
  layers:
    early: { output: ${layer} }
brain:
  V1: { file: brain.npy }
comparisons:
  - name: c
    metric: rsa
`;

test('output: completes every tensor of the graph with its operator and shape', async () => {
  const { document, position } = withCursor(text('|'), uri);
  const list = await computeCompletions(document, position, ctx);
  const items = list.map((i) => [i.label, i.detail]);
  assert.deepEqual(items, [
    ['image', 'input [N, 3, 8, 8]'],
    ['conv1', 'Conv [N, 4, 8, 8]'],
    ['relu1', 'Relu [N, 4, 8, 8]'],
    ['pool1', 'MaxPool [N, 4, 4, 4]'],
    ['flat', 'Flatten [N, 64]'],
    ['fc', 'Gemm [N, 5]'],
  ]);
});

test('hover on a tensor shows its node, operator and shape; on onnx: the inputs and outputs', async () => {
  const onTensor = withCursor(text('co|nv1'), uri);
  const h = await computeHover(onTensor.document, onTensor.position, ctx);
  const value = h && typeof h.contents === 'object' && 'value' in h.contents ? h.contents.value : '';
  assert.match(value, /Tensor `conv1`: output of node `features\.0` \(\*\*Conv\*\*\), shape \[N, 4, 8, 8\]/);
  const onFile = withCursor(text('conv1').replace('onnx: net.onnx', 'onnx: net.o|nnx'), uri);
  const f = await computeHover(onFile.document, onFile.position, ctx);
  const fileValue = f && typeof f.contents === 'object' && 'value' in f.contents ? f.contents.value : '';
  assert.match(fileValue, /5 nodes/);
  assert.match(fileValue, /Input: `image` \[N, 3, 8, 8\]/);
});

test('diagnostics: a misspelt tensor on its value with a did-you-mean; a crop the input cannot take on crop', async () => {
  const misspelt = await computeDiagnostics(doc(text('pool_1'), uri), ctx);
  assert.deepEqual(misspelt.map((d) => [d.code, d.range.start.line, d.message]), [['model.unknown-tensor', 5, 'The network has no tensor `pool_1`. Did you mean `pool1`?']]);
  const crop = await computeDiagnostics(doc(text('pool1', 6), uri), ctx);
  assert.deepEqual(crop.map((d) => [d.code, d.range.start.line]), [['model.onnx-input-shape', 3]]);
  assert.deepEqual(await computeDiagnostics(doc(text('pool1'), uri), ctx), []);
});
