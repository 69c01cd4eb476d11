/**
 * Model execution benchmark (docs/model-execution.md §4): time per image and peak memory of running
 * an ONNX network with onnxruntime-web (WASM, one thread) through simspec's model runner
 * (engine/model/run.ts), for the sample's random CNN (samples/random-cnn, 64×64 input) and for a
 * ResNet-18-sized graph generated here with random weights (224×224 input, 11.7 M parameters:
 * conv 7×7/2, max-pool, 4 stages of 2 basic blocks with 1×1 projection shortcuts, global average pool,
 * fc 512 → 1000; batch normalisation folded away, as it is at inference).
 *
 *   npx tsx bench/onnx.ts                 # both cases, each in its own process (peak RSS per case)
 *   npx tsx bench/onnx.ts --case=resnet18 --images=32 --batch=16
 *
 * Prints per case: images, batch size, wall time, time per image, the share spent decoding and
 * preprocessing images vs in the runtime, and the process's peak resident memory (maxRSS).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { buildModel, heUniform, seededUniform, type NodeSpec } from '../engine/model/build';
import { editedModel, readGraph } from '../engine/model/graph';
import { listImageFolder, readImage, resizeAndCrop, writeTensor, type Preprocessing } from '../engine/model/images';
import { createSession, runModel } from '../engine/model/run';

const arg = (name: string, fallback: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? fallback;

function resnet18(): Uint8Array {
  const next = seededUniform(18);
  const nodes: NodeSpec[] = [];
  const initializers: Record<string, { dims: number[]; data: Float32Array }> = {};
  let count = 0;
  const conv = (input: string, cin: number, cout: number, k: number, stride: number, relu: boolean): string => {
    const id = `c${count++}`;
    initializers[`${id}.w`] = { dims: [cout, cin, k, k], data: heUniform(cout * cin * k * k, cin * k * k, next) };
    initializers[`${id}.b`] = { dims: [cout], data: new Float32Array(cout) };
    const pad = Math.floor(k / 2);
    nodes.push({ op: 'Conv', inputs: [input, `${id}.w`, `${id}.b`], output: id, attributes: { kernel_shape: [k, k], strides: [stride, stride], pads: [pad, pad, pad, pad] } });
    if (!relu) return id;
    nodes.push({ op: 'Relu', inputs: [id], output: `${id}.relu` });
    return `${id}.relu`;
  };
  let x = conv('image', 3, 64, 7, 2, true);
  nodes.push({ op: 'MaxPool', inputs: [x], output: 'pool', attributes: { kernel_shape: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1] } });
  x = 'pool';
  let channels = 64;
  for (const [stage, width] of [64, 128, 256, 512].entries()) {
    for (let block = 0; block < 2; block++) {
      const stride = stage > 0 && block === 0 ? 2 : 1;
      const a = conv(x, channels, width, 3, stride, true);
      const b = conv(a, width, width, 3, 1, false);
      const shortcut = stride !== 1 || channels !== width ? conv(x, channels, width, 1, stride, false) : x;
      const sum = `layer${stage + 1}.${block}`;
      nodes.push({ op: 'Add', inputs: [b, shortcut], output: `${sum}.add` });
      nodes.push({ op: 'Relu', inputs: [`${sum}.add`], output: sum });
      x = sum;
      channels = width;
    }
  }
  nodes.push({ op: 'GlobalAveragePool', inputs: [x], output: 'gap' });
  nodes.push({ op: 'Flatten', inputs: ['gap'], output: 'flat', attributes: { axis: 1 } });
  initializers['fc.w'] = { dims: [1000, 512], data: heUniform(512000, 512, next) };
  initializers['fc.b'] = { dims: [1000], data: new Float32Array(1000) };
  nodes.push({ op: 'Gemm', inputs: ['flat', 'fc.w', 'fc.b'], output: 'logits', attributes: { transB: 1 } });
  return buildModel({ input: { name: 'image', shape: ['N', 3, 224, 224] }, nodes, initializers, outputs: ['logits'] });
}

async function runCase(name: string, imagesWanted: number, batch: number): Promise<void> {
  const sampleImages = listImageFolder(resolve('samples/random-cnn/data/images'));
  const images = Array.from({ length: imagesWanted }, (_, i) => sampleImages[i % sampleImages.length]!);
  const imagenet = { mean: [0.485, 0.456, 0.406] as [number, number, number], std: [0.229, 0.224, 0.225] as [number, number, number], channelOrder: 'RGB' as const, layout: 'NCHW' as const };
  let bytes: Uint8Array;
  let pre: Preprocessing;
  let tensors: string[];
  if (name === 'sample') {
    bytes = (await import('node:fs')).readFileSync(resolve('samples/random-cnn/model/random-cnn.onnx'));
    pre = { ...imagenet, size: 64, crop: 64 };
    tensors = ['pool1', 'pool2', 'relu3', 'relu4'];
  } else {
    bytes = resnet18();
    pre = { ...imagenet, size: 256, crop: 224 };
    tensors = ['layer1.1', 'layer2.1', 'layer3.1', 'layer4.1', 'logits'];
  }
  const graph = readGraph(bytes, `${name}.onnx`);
  const parameters = (graph.model.graph?.initializer ?? []).reduce((s, t) => s + (t.dims ?? []).reduce((a: number, d) => a * Number(d), 1), 0);
  // Preprocessing alone (decode + resize + crop + normalise), to split the time.
  let t0 = performance.now();
  const scratch = new Float32Array(3 * 224 * 224);
  for (const f of images) writeTensor(resizeAndCrop(readImage(f), pre), pre, scratch, 0);
  const preprocessMs = performance.now() - t0;
  // A first session (WASM start-up + graph load), timed before the run so that the run's figure is the steady state.
  t0 = performance.now();
  await (await createSession(editedModel(graph, tensors).bytes, `${name}.onnx`)).release();
  const sessionMs = performance.now() - t0;
  t0 = performance.now();
  const out = await runModel({ graph, file: `${name}.onnx`, images, preprocessing: pre, tensors, batchSize: batch });
  const totalMs = performance.now() - t0;
  const units = tensors.map((t) => out.get(t)!.data.length / images.length);
  const maxRss = process.resourceUsage().maxRSS / 1024;
  console.log(
    `${name.padEnd(9)} params ${(parameters / 1e6).toFixed(2).padStart(6)} M  model ${(bytes.length / 2 ** 20).toFixed(1).padStart(5)} MiB  ` +
      `images ${String(images.length).padStart(3)}  batch ${String(batch).padStart(2)}  total ${(totalMs / 1000).toFixed(2).padStart(6)} s  ` +
      `per image ${(totalMs / images.length).toFixed(1).padStart(7)} ms  (preprocessing ${((100 * preprocessMs) / totalMs).toFixed(1)}% of it; a first session load with WASM start-up, before the run: ${sessionMs.toFixed(0)} ms)  ` +
      `peak RSS ${maxRss.toFixed(0)} MiB  units/layer ${units.join(', ')}`,
  );
}

async function main(): Promise<void> {
  const only = arg('case', '');
  if (only) {
    await runCase(only, Number(arg('images', only === 'sample' ? '92' : '32')), Number(arg('batch', '16')));
    return;
  }
  console.log(`onnxruntime-web (WASM, 1 thread), node ${process.version}; each case in its own process`);
  const dir = mkdtempSync(join(tmpdir(), 'simspec-bench-onnx-'));
  try {
    for (const [name, images, batch] of [['sample', 92, 16], ['sample', 92, 1], ['resnet18', 32, 16], ['resnet18', 32, 1]] as const) {
      const text = execFileSync(process.execPath, [resolve('node_modules/tsx/dist/cli.mjs'), __filename, `--case=${name}`, `--images=${images}`, `--batch=${batch}`], { encoding: 'utf8', timeout: 1_200_000 });
      process.stdout.write(text);
    }
    writeFileSync(join(dir, 'done'), '');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
