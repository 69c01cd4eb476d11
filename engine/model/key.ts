/**
 * Cache keys of a network's activations (docs/model-execution.md §6): SHA-256 over the model's
 * content hash, every image's content hash in stimulus order, the preprocessing, the input name, the
 * tensor and the lesion. Pure: the callers hash the files (engine/run's memoised content hashes).
 */
import { createHash } from 'node:crypto';
import type { Preprocessing } from './images';

export interface ActivationSource {
  /** SHA-256 (hex) of the .onnx file. */
  model: string;
  /** SHA-256 (hex) of each image file, in stimulus order. */
  images: string[];
  preprocessing: Preprocessing;
  input: string;
}

export interface ActivationLesion {
  tensor: string;
  mask: Float32Array;
  fill?: Float32Array;
}

const VERSION = 1;

function digest(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** The preprocessing in a canonical form (defaults written out, keys in a fixed order). */
function canonical(p: Preprocessing): unknown[] {
  return [p.size ?? null, p.crop ?? null, p.mean, p.std, p.channelOrder, p.layout];
}

/** Everything that determines a network's activations except the tensor and a lesion, as one hash. */
export function sourceDigest(source: ActivationSource): string {
  return createHash('sha256').update(JSON.stringify({ v: VERSION, model: source.model, images: source.images, preprocessing: canonical(source.preprocessing), input: source.input })).digest('hex');
}

export function activationKey(source: ActivationSource, tensor: string, lesion?: ActivationLesion): string {
  const lesionPart = lesion ? { tensor: lesion.tensor, mask: digest(new Uint8Array(lesion.mask.buffer, lesion.mask.byteOffset, lesion.mask.byteLength)), fill: lesion.fill ? digest(new Uint8Array(lesion.fill.buffer, lesion.fill.byteOffset, lesion.fill.byteLength)) : null } : null;
  return createHash('sha256').update(JSON.stringify({ v: VERSION, kind: 'onnx-activations', source: sourceDigest(source), tensor, lesion: lesionPart })).digest('hex');
}
