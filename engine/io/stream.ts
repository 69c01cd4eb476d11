/**
 * Streaming products over column blocks of a 2-D .npy read by byte range (engine/io/npy.ts
 * `readNpyColumns`) or of a 2-D HDF5 dataset read by hyperslab (h5wasm `slice`): the Gram matrix X Xᵀ = Σ_b X_b X_bᵀ of an n×p activation matrix is
 * accumulated block by block, so memory holds n×n plus one n×w block, never n×p — a 4 GB file runs
 * in a few hundred MB (docs/performance.md §7.4). Centring is applied to the result as
 * H·K·H (H = I − 11ᵀ/n), which equals the Gram of the column-centred X.
 * `memoryBytes` bounds the blocks: w = ⌊memoryBytes / (2·8·n)⌋ columns, since two blocks are in
 * memory at once (the next one is read while the current one is multiplied); at least one column.
 */
import type { Matrix } from '../core/matrix';
import { SimspecError } from '../core/errors';
import { gemmDispatch } from '../linalg/wasm';
import { withHdf5 } from './hdf5';
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
  const read = (start: number) => readNpyColumns(path, start, Math.min(width, p - start));
  // The next block is read (on libuv's threads) while this one is multiplied: two blocks in flight.
  let pending = p > 0 ? read(0) : undefined;
  try {
    for (let start = 0; start < p; start += width) {
      options.signal?.throwIfAborted();
      const count = Math.min(width, p - start);
      const block = (await pending!).data as Float64Array;
      pending = start + width < p ? read(start + width) : undefined;
      gemmDispatch(n, n, count, { data: block, rowStride: count, colStride: 1 }, { data: block, rowStride: 1, colStride: count }, c, true);
      options.onProgress?.(start + count, p);
    }
  } finally {
    pending?.catch(() => undefined); // abandoned by an abort or an error: never an unhandled rejection
  }
  for (let i = 1; i < n; i++) for (let j = 0; j < i; j++) c[i * n + j] = c[j * n + i]!;
  const gram = { rows: n, cols: n, data: c };
  return options.center ? doubleCenter(gram) : gram;
}

export interface Hdf5StreamOptions extends StreamOptions {
  /** The dataset is stored units × stimuli (e.g. MAT v7.3 or a transposed export): stream its rows. */
  transposed?: boolean;
}

/**
 * X Xᵀ of a 2-D HDF5 dataset (stimuli × units, or units × stimuli with `transposed`), streamed over
 * blocks of units read as hyperslabs, so only one block is ever in memory.
 */
export async function streamGramHdf5(file: string, dataset: string, options: Hdf5StreamOptions = {}): Promise<Matrix> {
  const gram = await withHdf5(file, (f) => {
    const entity = f.get(dataset.replace(/^\/+/, '')) as unknown as { shape?: number[] | null; slice?: (ranges: Array<[number, number]>) => ArrayLike<number> } | null;
    if (!entity || typeof entity.slice !== 'function' || !entity.shape || entity.shape.length !== 2) {
      throw new SimspecError(`'${dataset}' is not a 2-D dataset`, { file, variable: dataset, expected: 'a 2-D numeric dataset (stimuli × units)', code: 'io.shape' });
    }
    const [d0, d1] = entity.shape as [number, number];
    const n = options.transposed ? d1 : d0;
    const p = options.transposed ? d0 : d1;
    const width = blockColumns(n, options.memoryBytes);
    const c = new Float64Array(n * n);
    for (let start = 0; start < p; start += width) {
      options.signal?.throwIfAborted();
      const count = Math.min(width, p - start);
      const raw = options.transposed ? entity.slice([[start, start + count], [0, n]]) : entity.slice([[0, n], [start, start + count]]);
      const block = raw instanceof Float64Array ? raw : Float64Array.from(raw as ArrayLike<number>, Number);
      // Not transposed: block is n×count (X_b). Transposed: block is count×n (X_bᵀ).
      const a = options.transposed ? { data: block, rowStride: 1, colStride: n } : { data: block, rowStride: count, colStride: 1 };
      const b = options.transposed ? { data: block, rowStride: n, colStride: 1 } : { data: block, rowStride: 1, colStride: count };
      gemmDispatch(n, n, count, a, b, c, true);
      options.onProgress?.(start + count, p);
    }
    for (let i = 1; i < n; i++) for (let j = 0; j < i; j++) c[i * n + j] = c[j * n + i]!;
    return { rows: n, cols: n, data: c };
  });
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
