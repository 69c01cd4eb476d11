/**
 * `model.lesion.causal` end to end (engine/run/onnx.ts causalRecords): simulated brain responses with
 * a known effect. A linear network x → h (12 units) → y (6 units) runs on 40 generated images; the
 * "brain" reads y out linearly with noise, and the real perturbation silences hidden units {1, 4, 7}
 * of that same network. A spec lesioning those units gets a high pooled causal score for y with p at
 * its floor; a spec lesioning other units scores lower. `check` reports an unknown region.
 */
/// <reference path="../../../engine/model/pngjs.d.ts" />
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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
import { checkSpec } from '../../../engine/spec';
import { createFileIntrospector } from '../../../engine/spec/introspector';

const dir = mkdtempSync(join(tmpdir(), 'simspec-causal-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));
const rand = seededUniform(9);
const gauss = () => Math.sqrt(-2 * Math.log(rand() + 1e-12)) * Math.cos(2 * Math.PI * rand());
mkdirSync(join(dir, 'images'));
for (let k = 0; k < 40; k++) {
  const data = Buffer.alloc(8 * 8 * 4, 255);
  for (let i = 0; i < 64; i++) for (let c = 0; c < 3; c++) data[i * 4 + c] = Math.floor(rand() * 256);
  writeFileSync(join(dir, 'images', `im${String(k).padStart(2, '0')}.png`), PNG.sync.write({ width: 8, height: 8, data }));
}
const next = seededUniform(4);
const net = buildModel({
  input: { name: 'x', shape: ['N', 3, 8, 8] },
  nodes: [
    { op: 'Flatten', inputs: ['x'], output: 'flat', attributes: { axis: 1 } },
    { op: 'Gemm', inputs: ['flat', 'w1', 'b1'], output: 'h', attributes: { transB: 1 } },
    { op: 'Gemm', inputs: ['h', 'w2', 'b2'], output: 'y', attributes: { transB: 1 } },
  ],
  initializers: { w1: { dims: [12, 192], data: heUniform(12 * 192, 192, next) }, b1: { dims: [12], data: new Float32Array(12) }, w2: { dims: [6, 12], data: heUniform(72, 12, next) }, b2: { dims: [6], data: new Float32Array(6) } },
  outputs: ['y'],
});
writeFileSync(join(dir, 'net.onnx'), net);
const pre: Preprocessing = { mean: [0.5, 0.5, 0.5], std: [0.25, 0.25, 0.25], channelOrder: 'RGB', layout: 'NCHW' };
const stimuli = { images: 'images', mean: pre.mean, std: pre.std };

async function simulateBrain(): Promise<void> {
  const graph = readGraph(net, 'net.onnx');
  const images = listImageFolder(join(dir, 'images'));
  const y0 = (await runModel({ graph, file: 'net.onnx', images, preprocessing: pre, tensors: ['y'] })).get('y')!;
  const mask = Float32Array.from({ length: 12 }, (_, u) => ([1, 4, 7].includes(u) ? 0 : 1));
  const y1 = (await runModel({ graph, file: 'net.onnx', images, preprocessing: pre, tensors: ['y'], lesion: { tensor: 'h', mask, unitShape: [12] } })).get('y')!;
  const C = Float64Array.from({ length: 6 * 10 }, gauss);
  const readout = (y: Float64Array) => Float64Array.from({ length: 40 * 10 }, (_, k) => {
    const i = Math.floor(k / 10);
    const v = k % 10;
    let s = 0;
    for (let j = 0; j < 6; j++) s += y[i * 6 + j]! * C[j * 10 + v]!;
    return s + 0.3 * gauss();
  });
  writeNpy(join(dir, 'v.npy'), [40, 10], readout(y0.data));
  writeNpy(join(dir, 'v_cooled.npy'), [40, 10], readout(y1.data));
}

function spec(units: number[], name: string, causal: Record<string, unknown> = { intact: 'V', perturbed: 'V_cooled', samples: 19, seed: 3 }): string {
  const file = join(dir, `${name}.simspec.yaml`);
  writeFileSync(file, stringify({ simspec: 1, model: { onnx: 'net.onnx', stimuli, layers: { hidden: { output: 'h' }, out: { output: 'y' } }, lesion: { layer: 'hidden', units, causal } }, brain: { V: { file: 'v.npy' }, V_cooled: { file: 'v_cooled.npy' } }, comparisons: [{ name: 'c', metric: 'rsa' }] }));
  return file;
}

test('the units truly perturbed give a high causal score with p at its floor; other units score lower', async () => {
  await simulateBrain();
  const right = await runSpec(spec([1, 4, 7], 'right'), { write: false });
  const out = right.causal!.find((c) => c.layer === 'out')!;
  assert.deepEqual(right.causal!.map((c) => c.layer), ['hidden', 'out']);
  assert.ok(out.pooled > 0.9, `pooled ${out.pooled}`);
  assert.equal(out.null!.p, 1 / 20);
  assert.equal(out.perUnit.length, 10);
  const wrong = await runSpec(spec([0, 2, 3], 'wrong', { intact: 'V', perturbed: 'V_cooled', samples: 0 }), { write: false });
  const outWrong = wrong.causal!.find((c) => c.layer === 'out')!;
  assert.ok(outWrong.pooled < out.pooled - 0.2, `wrong ${outWrong.pooled} vs right ${out.pooled}`);
  assert.equal(outWrong.null, undefined);
});

test('check: a causal region that does not exist is reported on its key', async () => {
  const file = spec([1], 'bad', { intact: 'V', perturbed: 'V_cold' });
  const problems = (await checkSpec(readFileSync(file, 'utf8'), file, createFileIntrospector())).problems.filter((p) => p.severity === 'error');
  assert.deepEqual(problems.map((p) => [p.code, p.path?.join('.'), p.message]), [['model.causal-region', 'model.lesion.causal.perturbed', 'No brain region is named `V_cold`. Did you mean `V_cooled`?']]);
});
