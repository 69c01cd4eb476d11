/**
 * Writes the random-cnn sample: model/random-cnn.onnx (a small convolutional network with seeded
 * random weights — NOT a trained network) and data/images/*.png (92 synthetic images, seeded).
 * Run from the repository root:  npx tsx samples/random-cnn/make-sample.ts
 * The outputs are deterministic: running it again rewrites the same bytes.
 *
 * Network (input [N, 3, 64, 64], NCHW, ImageNet normalisation in the spec):
 *   conv1  Conv 3→16, 5×5, stride 2, pad 2 → ReLU (relu1) → MaxPool 2×2 (pool1)   [N, 16, 16, 16]
 *   conv2  Conv 16→32, 3×3, pad 1 → ReLU (relu2) → MaxPool 2×2 (pool2)            [N, 32, 8, 8]
 *   conv3  Conv 32→64, 3×3, pad 1 → ReLU (relu3) → GlobalAveragePool → Flatten    [N, 64]
 *   fc1    Gemm 64→32 → ReLU (relu4);  fc2  Gemm 32→10 (logits)
 * Weights: He-uniform U(−√(6/fan_in), √(6/fan_in)) (Kaiming uniform for ReLU networks), biases
 * U(−0.1, 0.1), drawn in the order listed from one Mulberry32 stream seeded with 2019
 * (engine/model/build.ts).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
/// <reference path="../../engine/model/pngjs.d.ts" />
import { PNG } from 'pngjs';
import { buildModel, heUniform, seededUniform } from '../../engine/model/build';

const here = __dirname;
const next = seededUniform(2019);
const bias = (n: number) => Float32Array.from({ length: n }, () => (2 * next() - 1) * 0.1);
const w1 = heUniform(16 * 3 * 5 * 5, 3 * 25, next);
const b1 = bias(16);
const w2 = heUniform(32 * 16 * 9, 16 * 9, next);
const b2 = bias(32);
const w3 = heUniform(64 * 32 * 9, 32 * 9, next);
const b3 = bias(64);
const w4 = heUniform(32 * 64, 64, next);
const b4 = bias(32);
const w5 = heUniform(10 * 32, 32, next);
const b5 = bias(10);

const model = buildModel({
  input: { name: 'image', shape: ['N', 3, 64, 64] },
  nodes: [
    { op: 'Conv', inputs: ['image', 'conv1.weight', 'conv1.bias'], output: 'conv1', name: 'conv1', attributes: { kernel_shape: [5, 5], strides: [2, 2], pads: [2, 2, 2, 2] } },
    { op: 'Relu', inputs: ['conv1'], output: 'relu1', name: 'relu1' },
    { op: 'MaxPool', inputs: ['relu1'], output: 'pool1', name: 'pool1', attributes: { kernel_shape: [2, 2], strides: [2, 2] } },
    { op: 'Conv', inputs: ['pool1', 'conv2.weight', 'conv2.bias'], output: 'conv2', name: 'conv2', attributes: { kernel_shape: [3, 3], pads: [1, 1, 1, 1] } },
    { op: 'Relu', inputs: ['conv2'], output: 'relu2', name: 'relu2' },
    { op: 'MaxPool', inputs: ['relu2'], output: 'pool2', name: 'pool2', attributes: { kernel_shape: [2, 2], strides: [2, 2] } },
    { op: 'Conv', inputs: ['pool2', 'conv3.weight', 'conv3.bias'], output: 'conv3', name: 'conv3', attributes: { kernel_shape: [3, 3], pads: [1, 1, 1, 1] } },
    { op: 'Relu', inputs: ['conv3'], output: 'relu3', name: 'relu3' },
    { op: 'GlobalAveragePool', inputs: ['relu3'], output: 'gap', name: 'gap' },
    { op: 'Flatten', inputs: ['gap'], output: 'flat', name: 'flatten', attributes: { axis: 1 } },
    { op: 'Gemm', inputs: ['flat', 'fc1.weight', 'fc1.bias'], output: 'fc1', name: 'fc1', attributes: { transB: 1 } },
    { op: 'Relu', inputs: ['fc1'], output: 'relu4', name: 'relu4' },
    { op: 'Gemm', inputs: ['relu4', 'fc2.weight', 'fc2.bias'], output: 'logits', name: 'fc2', attributes: { transB: 1 } },
  ],
  initializers: {
    'conv1.weight': { dims: [16, 3, 5, 5], data: w1 },
    'conv1.bias': { dims: [16], data: b1 },
    'conv2.weight': { dims: [32, 16, 3, 3], data: w2 },
    'conv2.bias': { dims: [32], data: b2 },
    'conv3.weight': { dims: [64, 32, 3, 3], data: w3 },
    'conv3.bias': { dims: [64], data: b3 },
    'fc1.weight': { dims: [32, 64], data: w4 },
    'fc1.bias': { dims: [32], data: b4 },
    'fc2.weight': { dims: [10, 32], data: w5 },
    'fc2.bias': { dims: [10], data: b5 },
  },
  outputs: ['logits'],
  docString: 'simspec sample: a small CNN with seeded RANDOM weights (not trained); samples/random-cnn/make-sample.ts',
});
mkdirSync(join(here, 'model'), { recursive: true });
writeFileSync(join(here, 'model', 'random-cnn.onnx'), model);

// 92 synthetic 72×72 images: a coloured background with 1–4 filled discs and rectangles (seeded).
const images = seededUniform(92);
mkdirSync(join(here, 'data', 'images'), { recursive: true });
for (let k = 0; k < 92; k++) {
  const size = 72;
  const png = new Uint8Array(size * size * 4);
  const bg = [images() * 255, images() * 255, images() * 255];
  for (let i = 0; i < size * size; i++) png.set([bg[0]!, bg[1]!, bg[2]!, 255], i * 4);
  const shapes = 1 + Math.floor(images() * 4);
  for (let s = 0; s < shapes; s++) {
    const colour = [images() * 255, images() * 255, images() * 255];
    const cx = images() * size;
    const cy = images() * size;
    const r = 6 + images() * 20;
    const disc = images() < 0.5;
    for (let y = 0; y < size; y++)
      for (let x = 0; x < size; x++) {
        const inside = disc ? (x - cx) ** 2 + (y - cy) ** 2 < r * r : Math.abs(x - cx) < r && Math.abs(y - cy) < r * 0.6;
        if (inside) png.set([colour[0]!, colour[1]!, colour[2]!, 255], (y * size + x) * 4);
      }
  }
  writeFileSync(join(here, 'data', 'images', `image${String(k + 1).padStart(2, '0')}.png`), PNG.sync.write({ width: size, height: size, data: Buffer.from(png) }));
}
console.log('wrote model/random-cnn.onnx and data/images/image01..92.png');
