/**
 * Streaming products over column blocks of a 2-D .npy read by byte range (engine/io/npy.ts
 * `readNpyColumns`): the Gram matrix X Xᵀ = Σ_b X_b X_bᵀ of an n×p activation matrix is
 * accumulated block by block, so memory holds n×n plus one n×w block, never n×p — a 4 GB file runs
 * in a few hundred MB (design.md §4 "Stream large inputs"). Centring is applied to the result as
 * H·K·H (H = I − 11ᵀ/n), which equals the Gram of the column-centred X.
 * `memoryBytes` bounds the block: w = ⌊memoryBytes / (2·8·n)⌋ columns (the block and its read
 * buffer); at least one column.
 */
import type { Matrix } from '../core/matrix';
import { SimspecError } from '../core/errors';
import { gemmDispatch } from '../linalg/wasm';
import { readNpyColumns, readNpyHeader } from './npy';

export interface StreamOptions {
  /** Upper bound on the bytes of one column block (default 256 MiB). */
  memoryBytes?: number;
  /** Double-centre the result (the Gram of column-centred X). Default false. */
  center?: boolean;
  /** Called after each block with the columns done so far. */
  onProgress?: (columnsDone: number, columns: number) => void;
  signal?: AbortSignal;
}

const DEFAULT_MEMORY = 256 * 2 ** 20;

/** Columns per block for n rows under a memory bound. */
export function blockColumns(rows: number, memoryBytes = DEFAULT_MEMORY): number {
  return Math.max(1, Math.floor(memoryBytes / (2 * 8 * Math.max(1, rows))));
}

/** X Xᵀ (n×n, exactly symmetric) of the n×p array in a .npy file, streamed over column blocks. */
export async function streamGram(path: string, options: StreamOptions = {}): Promise<Matrix> {
  const header = await readNpyHeader(path);
  if (header.shape.length !== 2) {
    throw new SimspecError(`a Gram matrix needs a 2-D array, got shape (${header.shape.join(', ')})`, { file: path, expected: 'a 2-D array (stimuli × units)', code: 'io.shape' });
  }
  const [n, p] = header.shape as [number, number];
  const width = blockColumns(n, options.memoryBytes);
  const c = new Float64Array(n * n);
  for (let start = 0; start < p; start += width) {
    options.signal?.throwIfAborted();
    const count = Math.min(width, p - start);
    const block = (await readNpyColumns(path, start, count)).data as Float64Array;
    gemmDispatch(n, n, count, { data: block, rowStride: count, colStride: 1 }, { data: block, rowStride: 1, colStride: count }, c, true);
    options.onProgress?.(start + count, p);
  }
  for (let i = 1; i < n; i++) for (let j = 0; j < i; j++) c[i * n + j] = c[j * n + i]!;
  const gram = { rows: n, cols: n, data: c };
  return options.center ? doubleCenter(gram) : gram;
}

/** H·K·H with H = I − 11ᵀ/n: subtract row and column means, add back the grand mean. */
export function doubleCenter(k: Matrix): Matrix {
  const n = k.rows;
  const means = new Float64Array(n);
  let grand = 0;
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < n; j++) s += k.data[i * n + j]!;
    means[i] = s / n;
    grand += s;
  }
  grand /= n * n;
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = i; j < n; j++) {
      const v = k.data[i * n + j]! - means[i]! - means[j]! + grand;
      out[i * n + j] = v;
      out[j * n + i] = v;
    }
  }
  return { rows: n, cols: n, data: out };
}
