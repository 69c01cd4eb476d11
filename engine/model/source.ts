/**
 * File access for a model source, shared by the spec check (editor and `simspec check`) and the run:
 * the graph of an .onnx file (read once per file version: path, size, mtime, inode) and the list of
 * stimulus images (a folder's image files in name order, or the files listed).
 */
import { readFileSync, statSync } from 'node:fs';
import { SimspecError } from '../core/errors';
import { readGraph, type ModelGraph } from './graph';
import { listImageFolder } from './images';

const graphs = new Map<string, { stamp: string; graph: ModelGraph; bytes: Uint8Array }>();

/** The graph (and bytes) of an .onnx file, memoised per file version. Throws SimspecError. */
export function graphOfFile(path: string, file = path): { graph: ModelGraph; bytes: Uint8Array } {
  let stamp: string;
  try {
    const s = statSync(path);
    stamp = `${s.size}:${s.mtimeMs}:${s.ino}`;
  } catch {
    throw new SimspecError('file not found', { file, code: 'model.onnx-missing' });
  }
  const hit = graphs.get(path);
  if (hit && hit.stamp === stamp) return hit;
  const bytes = readFileSync(path);
  const graph = readGraph(bytes, file);
  const entry = { stamp, graph, bytes };
  graphs.set(path, entry);
  if (graphs.size > 16) graphs.delete(graphs.keys().next().value!);
  return entry;
}

/** The image files of `images` (absolute paths), in stimulus order. */
export function imageFiles(images: { folder: string } | { files: string[] }): string[] {
  return 'folder' in images ? listImageFolder(images.folder) : images.files;
}
