/**
 * Virtual lesions (engine/model/lesion.ts, engine/model/graph.ts): on a linear network
 * x → Gemm(W1) → h → Gemm(W2) → y, lesioning units of h changes y exactly as computed by hand:
 * y' = (h ∘ m) W2ᵀ + b2 (zero) or (h ∘ m + (1 − m) ∘ mean(h)) W2ᵀ + b2 (mean), upstream h unchanged
 * outside the lesioned units; and the unit choices follow their stated rules.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { buildModel, heUniform, seededUniform } from '../../../engine/model/build';
import { readGraph } from '../../../engine/model/graph';
import { listImageFolder, type Preprocessing } from '../../../engine/model/images';
import { lesionMask } from '../../../engine/model/lesion';
import { runModel } from '../../../engine/model/run';

const images = listImageFolder(join(__dirname, '..', '..', 'fixtures', 'model', 'images'));
const pre: Preprocessing = { size: [4, 4], mean: [0.5, 0.5, 0.5], std: [0.25, 0.25, 0.25], channelOrder: 'RGB', layout: 'NCHW' };
const where = { file: 'lin.onnx', variable: 'h' };

function linear() {
  const next = seededUniform(11);
  const w1 = heUniform(6 * 48, 48, next);
  const b1 = heUniform(6, 48, next);
  const w2 = heUniform(3 * 6, 6, next);
  const b2 = heUniform(3, 6, next);
  const bytes = buildModel({
    input: { name: 'x', shape: ['N', 3, 4, 4] },
    nodes: [
      { op: 'Flatten', inputs: ['x'], output: 'flat', attributes: { axis: 1 } },
      { op: 'Gemm', inputs: ['flat', 'w1', 'b1'], output: 'h', attributes: { transB: 1 } },
      { op: 'Gemm', inputs: ['h', 'w2', 'b2'], output: 'y', attributes: { transB: 1 } },
    ],
    initializers: { w1: { dims: [6, 48], data: w1 }, b1: { dims: [6], data: b1 }, w2: { dims: [3, 6], data: w2 }, b2: { dims: [3], data: b2 } },
    outputs: ['y'],
  });
  return { graph: readGraph(bytes, 'lin.onnx'), w2, b2 };
}

function byHand(h: Float64Array, n: number, w2: Float32Array, b2: Float32Array, mask: number[], fill?: number[]): Float64Array {
  const y = new Float64Array(n * 3);
  for (let i = 0; i < n; i++)
    for (let o = 0; o < 3; o++) {
      let s = b2[o]!;
      for (let u = 0; u < 6; u++) s += (h[i * 6 + u]! * mask[u]! + (fill ? (1 - mask[u]!) * fill[u]! : 0)) * w2[o * 6 + u]!;
      y[i * 3 + o] = s;
    }
  return y;
}

function close(got: Float64Array, want: Float64Array) {
  assert.equal(got.length, want.length);
  for (let i = 0; i < got.length; i++) assert.ok(Math.abs(got[i]! - want[i]!) <= 1e-5 * (1 + Math.abs(want[i]!)), `entry ${i}: ${got[i]} vs ${want[i]}`);
}

test('zeroing units 1 and 4 of h changes y exactly as by hand; the lesioned h reads back masked', async () => {
  const { graph, w2, b2 } = linear();
  const intact = await runModel({ graph, file: 'lin.onnx', images, preprocessing: pre, tensors: ['h', 'y'] });
  const h = intact.get('h')!;
  const lesion = lesionMask({ units: [4, 1], channels: false, mode: 'zero' }, h, where);
  assert.deepEqual(lesion.chosen, [1, 4]);
  const lesioned = await runModel({ graph, file: 'lin.onnx', images, preprocessing: pre, tensors: ['h', 'y'], lesion: { tensor: 'h', mask: lesion.mask, unitShape: lesion.unitShape } });
  const n = images.length;
  const mask = [1, 0, 1, 1, 0, 1];
  close(lesioned.get('y')!.data, byHand(h.data, n, w2, b2, mask));
  const hl = lesioned.get('h')!.data;
  for (let i = 0; i < n; i++) for (let u = 0; u < 6; u++) assert.equal(hl[i * 6 + u]! + 0, mask[u] ? h.data[i * 6 + u] : 0); // + 0: a negative value times 0 is -0
  // The intact network is unchanged by having been edited once.
  close((await runModel({ graph, file: 'lin.onnx', images, preprocessing: pre, tensors: ['y'] })).get('y')!.data, intact.get('y')!.data);
});

test('mode mean clamps the lesioned units to their mean over the stimuli', async () => {
  const { graph, w2, b2 } = linear();
  const h = (await runModel({ graph, file: 'lin.onnx', images, preprocessing: pre, tensors: ['h'] })).get('h')!;
  const n = images.length;
  const lesion = lesionMask({ units: [0, 5], channels: false, mode: 'mean' }, h, where);
  const fill = Array.from({ length: 6 }, (_, u) => Array.from({ length: n }, (_, i) => h.data[i * 6 + u]!).reduce((a, b) => a + b, 0) / n);
  const y = (await runModel({ graph, file: 'lin.onnx', images, preprocessing: pre, tensors: ['y'], lesion: { tensor: 'h', mask: lesion.mask, unitShape: lesion.unitShape, fill: lesion.fill! } })).get('y')!;
  close(y.data, byHand(h.data, n, w2, b2, [0, 1, 1, 1, 1, 0], fill));
});

test('unit choice rules: top-weight, by-selectivity, random (seeded), channels', () => {
  // 4 stimuli × 3 units: unit 0 large but constant, unit 1 small and variable, unit 2 medium.
  const a = { shape: [4, 3], data: Float64Array.from([5, 0, 2, 5, 1, -2, 5, -1, 2, 5, 0, -2]), dtype: 'float64' };
  assert.deepEqual(lesionMask({ units: { fraction: 0.34, select: 'top-weight', seed: 0 }, channels: false, mode: 'zero' }, a, where).chosen, [0]);
  assert.deepEqual(lesionMask({ units: { fraction: 0.34, select: 'by-selectivity', seed: 0 }, channels: false, mode: 'zero' }, a, where).chosen, [2]);
  const r1 = lesionMask({ units: { fraction: 0.5, select: 'random', seed: 3 }, channels: false, mode: 'zero' }, { shape: [2, 100], data: new Float64Array(200), dtype: 'float64' }, where);
  const r2 = lesionMask({ units: { fraction: 0.5, select: 'random', seed: 3 }, channels: false, mode: 'zero' }, { shape: [2, 100], data: new Float64Array(200), dtype: 'float64' }, where);
  assert.equal(r1.chosen.length, 50);
  assert.deepEqual(r1.chosen, r2.chosen);
  assert.equal(Array.from(r1.mask).filter((v) => v === 0).length, 50);
  // channels: [N, 2, 2, 1]: channel 1 masks flattened units 2 and 3.
  const c = lesionMask({ units: [1], channels: true, mode: 'zero' }, { shape: [1, 2, 2, 1], data: new Float64Array(4), dtype: 'float64' }, where);
  assert.deepEqual(Array.from(c.mask), [1, 1, 0, 0]);
  assert.throws(() => lesionMask({ units: [9], channels: false, mode: 'zero' }, a, where), /unit 9 does not exist/);
});
