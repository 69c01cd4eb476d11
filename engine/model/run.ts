/**
 * Run an ONNX network on stimulus images with onnxruntime-web (WebAssembly: the same code runs in
 * Node, in the CLI bundle and in VS Code's extension host on every OS, with no native addon;
 * docs/model-execution.md §4 says why this runtime). Batched, cancellable between batches, with
 * progress; returns the requested tensors as stimuli × (unit shape) float64 arrays.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type * as Ort from 'onnxruntime-web';
import { CancelledError, SimspecError } from '../core/errors';
import type { NDArray } from '../core/matrix';
import { editedModel, type GraphLesion, type ModelGraph } from './graph';
import { readImage, resizeAndCrop, writeTensor, type Preprocessing } from './images';

export interface ModelRunOptions {
  graph: ModelGraph;
  /** The .onnx file (for messages). */
  file: string;
  images: string[];
  preprocessing: Preprocessing;
  /** Tensors to return. */
  tensors: string[];
  /** Images per inference call (default 16; 1 when the input's batch dimension is fixed to 1). */
  batchSize?: number;
  lesion?: GraphLesion;
  signal?: AbortSignal;
  progress?: (done: number, total: number) => void;
}

let runtime: Promise<typeof Ort> | undefined;
/**
 * onnxruntime-web, loaded on first use (a spec without `onnx:` never starts it), with one WASM thread
 * (no worker files to ship) and its .wasm next to a bundled script when there is one.
 */
function loadRuntime(): Promise<typeof Ort> {
  runtime ??= import('onnxruntime-web').then((ort) => {
    configureRuntime(ort);
    return ort;
  });
  return runtime;
}

function configureRuntime(ort: typeof Ort): void {
  ort.env.wasm.numThreads = 1;
  ort.env.logLevel = 'error';
  const here = typeof __dirname === 'string' ? __dirname : undefined;
  if (here && existsSync(join(here, 'ort-wasm-simd-threaded.wasm'))) ort.env.wasm.wasmPaths = `${here}/`;
  else if (here && existsSync(join(dirname(here), 'dist', 'ort-wasm-simd-threaded.wasm'))) ort.env.wasm.wasmPaths = `${join(dirname(here), 'dist')}/`;
}

export async function createSession(bytes: Uint8Array, file: string): Promise<Ort.InferenceSession> {
  const ort = await loadRuntime();
  try {
    return await ort.InferenceSession.create(bytes, { graphOptimizationLevel: 'all' });
  } catch (e) {
    throw new SimspecError(`ONNX Runtime cannot load the model: ${String((e as Error).message ?? e).split('\n')[0]}`, { file, expected: 'a model with standard ONNX operators', code: 'model.onnx-session' });
  }
}

/** The image input's batch size: a number when fixed in the graph, undefined when symbolic. */
export function fixedBatch(graph: ModelGraph): number | undefined {
  const d = graph.input?.shape?.[0];
  return typeof d === 'number' ? d : undefined;
}

export async function runModel(options: ModelRunOptions): Promise<Map<string, NDArray>> {
  const { graph, file, images, preprocessing, tensors, signal } = options;
  if (!graph.input) throw new SimspecError(`the model has ${graph.inputs.length} inputs (${graph.inputs.join(', ')})`, { file, expected: 'exactly one image input', code: 'model.onnx-inputs' });
  const { bytes, outputNames } = editedModel(graph, tensors, options.lesion);
  const session = await createSession(bytes, file);
  const ort = await loadRuntime();
  try {
    const fixed = fixedBatch(graph);
    const batchSize = fixed ?? Math.max(1, options.batchSize ?? 16);
    const results = new Map<string, { chunks: Float32Array[]; unitShape?: number[] }>(tensors.map((t) => [t, { chunks: [] }]));
    for (let start = 0; start < images.length; start += batchSize) {
      if (signal?.aborted) throw new CancelledError();
      const batchFiles = images.slice(start, start + batchSize);
      const prepared = batchFiles.map((f) => resizeAndCrop(readImage(f), preprocessing, f));
      const { width, height } = prepared[0]!;
      for (const [i, p] of prepared.entries()) {
        if (p.width !== width || p.height !== height) throw new SimspecError(`image is ${p.height}×${p.width} after preprocessing, the first of its batch ${height}×${width}`, { file: batchFiles[i]!, expected: 'every image the same size after resize and crop: set `crop` (or `size: [h, w]`)', code: 'model.image-size' });
      }
      const count = fixed ?? prepared.length;
      const per = width * height * 3;
      const input = new Float32Array(count * per);
      prepared.forEach((p, i) => writeTensor(p, preprocessing, input, i * per));
      const dims = preprocessing.layout === 'NCHW' ? [count, 3, height, width] : [count, height, width, 3];
      let out: Ort.InferenceSession.OnnxValueMapType;
      try {
        out = await session.run({ [graph.input.name]: new ort.Tensor('float32', input, dims) });
      } catch (e) {
        throw new SimspecError(`inference failed on images ${start}–${start + prepared.length - 1}: ${String((e as Error).message ?? e).split('\n')[0]}`, { file, expected: `the model's input \`${graph.input.name}\` to accept ${JSON.stringify(dims)} float32 (${preprocessing.layout})`, code: 'model.onnx-run' });
      }
      for (const t of tensors) {
        const value = out[outputNames.get(t)!] as Ort.Tensor;
        const entry = results.get(t)!;
        const unitShape = value.dims.slice(1).map(Number);
        entry.unitShape ??= unitShape;
        const unitCount = unitShape.reduce((a, b) => a * b, 1);
        entry.chunks.push((value.data as Float32Array).slice(0, prepared.length * unitCount));
      }
      options.progress?.(Math.min(start + batchSize, images.length), images.length);
    }
    const arrays = new Map<string, NDArray>();
    for (const [t, { chunks, unitShape }] of results) {
      const units = unitShape!.reduce((a, b) => a * b, 1);
      const data = new Float64Array(images.length * units);
      let offset = 0;
      for (const c of chunks) {
        data.set(c, offset);
        offset += c.length;
      }
      arrays.set(t, { shape: [images.length, ...unitShape!], data, dtype: 'float32' });
    }
    return arrays;
  } finally {
    await session.release();
  }
}
