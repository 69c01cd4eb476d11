/**
 * Activations of small ONNX models built here (engine/model/build.ts) and run with onnxruntime-web
 * (engine/model/run.ts) equal a direct TypeScript computation of the same layers on the same input
 * tensor, to float32 rounding; the graph reader's static shapes equal the shapes the runtime returns.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { buildModel, heUniform, seededUniform } from '../../../engine/model/build';
import { readGraph, unitsOf } from '../../../engine/model/graph';
import { listImageFolder, readImage, resizeAndCrop, writeTensor, type Preprocessing } from '../../../engine/model/images';
import { runModel } from '../../../engine/model/run';

const images = listImageFolder(join(__dirname, '..', '..', 'fixtures', 'model', 'images'));
const pre: Preprocessing = { size: 10, crop: 8, mean: [0.5, 0.4, 0.3], std: [0.2, 0.25, 0.3], channelOrder: 'RGB', layout: 'NCHW' };

function inputTensor(): Float32Array {
  const out = new Float32Array(images.length * 3 * 64);
  images.forEach((f, i) => writeTensor(resizeAndCrop(readImage(f), pre), pre, out, i * 192));
  return out;
}

/** Direct computations, float64 over the float32 inputs. */
function conv(x: Float32Array | Float64Array, n: number, c: number, h: number, w: number, weight: Float32Array, bias: Float32Array, k: number, oc: number, pad: number, stride: number) {
  const oh = Math.floor((h + 2 * pad - k) / stride) + 1;
  const ow = Math.floor((w + 2 * pad - k) / stride) + 1;
  const out = new Float64Array(n * oc * oh * ow);
  for (let b = 0; b < n; b++)
    for (let o = 0; o < oc; o++)
      for (let y = 0; y < oh; y++)
        for (let xx = 0; xx < ow; xx++) {
          let s = bias[o]!;
          for (let ci = 0; ci < c; ci++)
            for (let ky = 0; ky < k; ky++)
              for (let kx = 0; kx < k; kx++) {
                const iy = y * stride + ky - pad;
                const ix = xx * stride + kx - pad;
                if (iy < 0 || iy >= h || ix < 0 || ix >= w) continue;
                s += x[((b * c + ci) * h + iy) * w + ix]! * weight[((o * c + ci) * k + ky) * k + kx]!;
              }
          out[((b * oc + o) * oh + y) * ow + xx] = s;
        }
  return { data: out, oh, ow };
}
const relu = (a: Float64Array) => a.map((v) => Math.max(0, v));
function maxpool2(x: Float64Array, n: number, c: number, h: number, w: number) {
  const oh = Math.floor(h / 2);
  const ow = Math.floor(w / 2);
  const out = new Float64Array(n * c * oh * ow);
  for (let b = 0; b < n * c; b++)
    for (let y = 0; y < oh; y++)
      for (let xx = 0; xx < ow; xx++)
        out[(b * oh + y) * ow + xx] = Math.max(x[(b * h + 2 * y) * w + 2 * xx]!, x[(b * h + 2 * y) * w + 2 * xx + 1]!, x[(b * h + 2 * y + 1) * w + 2 * xx]!, x[(b * h + 2 * y + 1) * w + 2 * xx + 1]!);
  return out;
}
function gemm(x: Float64Array, n: number, inF: number, weight: Float32Array, bias: Float32Array, outF: number) {
  // weight stored outF × inF (transB = 1), as torch.nn.Linear exports.
  const out = new Float64Array(n * outF);
  for (let b = 0; b < n; b++)
    for (let o = 0; o < outF; o++) {
      let s = bias[o]!;
      for (let i = 0; i < inF; i++) s += x[b * inF + i]! * weight[o * inF + i]!;
      out[b * outF + o] = s;
    }
  return out;
}

function assertClose(got: Float64Array, want: Float64Array, what: string) {
  assert.equal(got.length, want.length, `${what}: length`);
  let worst = 0;
  for (let i = 0; i < got.length; i++) worst = Math.max(worst, Math.abs(got[i]! - want[i]!) / (1 + Math.abs(want[i]!)));
  assert.ok(worst < 1e-5, `${what}: max relative difference ${worst}`);
}

function cnn(seed: number) {
  const next = seededUniform(seed);
  const w1 = heUniform(4 * 3 * 3 * 3, 27, next);
  const b1 = heUniform(4, 27, next);
  const w2 = heUniform(5 * 64, 64, next);
  const b2 = heUniform(5, 64, next);
  const bytes = buildModel({
    input: { name: 'image', shape: ['N', 3, 8, 8] },
    nodes: [
      { op: 'Conv', inputs: ['image', 'w1', 'b1'], output: 'conv1', attributes: { kernel_shape: [3, 3], pads: [1, 1, 1, 1], strides: [1, 1] } },
      { op: 'Relu', inputs: ['conv1'], output: 'relu1' },
      { op: 'MaxPool', inputs: ['relu1'], output: 'pool1', attributes: { kernel_shape: [2, 2], strides: [2, 2] } },
      { op: 'Flatten', inputs: ['pool1'], output: 'flat', attributes: { axis: 1 } },
      { op: 'Gemm', inputs: ['flat', 'w2', 'b2'], output: 'fc', attributes: { transB: 1 } },
    ],
    initializers: { w1: { dims: [4, 3, 3, 3], data: w1 }, b1: { dims: [4], data: b1 }, w2: { dims: [5, 64], data: w2 }, b2: { dims: [5], data: b2 } },
    outputs: ['fc'],
  });
  return { bytes, w1, b1, w2, b2 };
}

test('Conv → Relu → MaxPool → Flatten → Gemm: every intermediate tensor equals the direct computation', async () => {
  const { bytes, w1, b1, w2, b2 } = cnn(1);
  const graph = readGraph(bytes, 'cnn.onnx');
  assert.equal(graph.input?.name, 'image');
  assert.deepEqual(graph.tensors.get('conv1')?.shape, ['N', 4, 8, 8]);
  assert.deepEqual(graph.tensors.get('pool1')?.shape, ['N', 4, 4, 4]);
  assert.deepEqual(graph.tensors.get('fc')?.shape, ['N', 5]);
  assert.equal(unitsOf(graph.tensors.get('flat')!), 64);
  let calls = 0;
  const got = await runModel({ graph, file: 'cnn.onnx', images, preprocessing: pre, tensors: ['conv1', 'pool1', 'fc'], batchSize: 2, progress: () => calls++ });
  assert.equal(calls, Math.ceil(images.length / 2));
  const n = images.length;
  const x = inputTensor();
  const c1 = conv(x, n, 3, 8, 8, w1, b1, 3, 4, 1, 1);
  const p1 = maxpool2(relu(c1.data), n, 4, 8, 8);
  const fc = gemm(p1, n, 64, w2, b2, 5);
  assert.deepEqual(got.get('conv1')!.shape, [n, 4, 8, 8]);
  assertClose(got.get('conv1')!.data, c1.data, 'conv1');
  assertClose(got.get('pool1')!.data, p1, 'pool1');
  assert.deepEqual(got.get('fc')!.shape, [n, 5]);
  assertClose(got.get('fc')!.data, fc, 'fc');
});

test('a strided convolution and global average pooling equal the direct computation; batch size does not change the values', async () => {
  const next = seededUniform(7);
  const w = heUniform(6 * 3 * 3 * 3, 27, next);
  const b = heUniform(6, 27, next);
  const bytes = buildModel({
    input: { name: 'x', shape: ['batch', 3, 8, 8] },
    nodes: [
      { op: 'Conv', inputs: ['x', 'w', 'b'], output: 'c', attributes: { kernel_shape: [3, 3], strides: [2, 2] } },
      { op: 'GlobalAveragePool', inputs: ['c'], output: 'gap' },
    ],
    initializers: { w: { dims: [6, 3, 3, 3], data: w }, b: { dims: [6], data: b } },
    outputs: ['gap'],
  });
  const graph = readGraph(bytes, 'm.onnx');
  assert.deepEqual(graph.tensors.get('c')?.shape, ['batch', 6, 3, 3]);
  const n = images.length;
  const c = conv(inputTensor(), n, 3, 8, 8, w, b, 3, 6, 0, 2);
  const gap = new Float64Array(n * 6);
  for (let i = 0; i < n * 6; i++) for (let k = 0; k < 9; k++) gap[i] += c.data[i * 9 + k]! / 9;
  const one = await runModel({ graph, file: 'm.onnx', images, preprocessing: pre, tensors: ['c', 'gap'], batchSize: 1 });
  const all = await runModel({ graph, file: 'm.onnx', images, preprocessing: pre, tensors: ['c', 'gap'], batchSize: 64 });
  assertClose(one.get('c')!.data, c.data, 'c');
  assertClose(one.get('gap')!.data, gap, 'gap');
  assert.deepEqual(one.get('gap')!.shape, [n, 6, 1, 1]);
  assert.deepEqual(Array.from(all.get('gap')!.data), Array.from(one.get('gap')!.data));
});

test('a cancelled run stops between batches', async () => {
  const { bytes } = cnn(2);
  const controller = new AbortController();
  const run = runModel({ graph: readGraph(bytes, 'cnn.onnx'), file: 'cnn.onnx', images, preprocessing: pre, tensors: ['fc'], batchSize: 1, signal: controller.signal, progress: () => controller.abort() });
  await assert.rejects(run, { name: 'CancelledError' });
});

test('bad input: not an ONNX file, an input that is not an image tensor', async () => {
  assert.throws(() => readGraph(new TextEncoder().encode('hello world, not protobuf at all'), 'bad.onnx'), (e: Error) => /bad\.onnx/.test(e.message) && /ONNX/.test(e.message));
  const bytes = buildModel({ input: { name: 'v', shape: ['N', 7] }, nodes: [{ op: 'Relu', inputs: ['v'], output: 'r' }], initializers: {}, outputs: ['r'] });
  await assert.rejects(runModel({ graph: readGraph(bytes, 'vec.onnx'), file: 'vec.onnx', images, preprocessing: pre, tensors: ['r'] }), (e: Error) => /vec\.onnx/.test(e.message) && /input `v`/.test(e.message));
});
