/**
 * engine/io — every data reader behind one async API, shared by the engine, the CLI and the
 * language server.
 *
 *   listVariables(file)            names, shapes, dtypes, kinds, struct fields — no data converted
 *   readArray(file, variable?)     numeric data as NDArray (C order, float64, original dtype kept)
 *   readStrings(file, selector)    labels: char arrays, cells of them, struct fields ('Models[*].name')
 *   readTable(file)                csv/tsv as named string columns
 *   introspectCached(file)         listVariables memoised on absolute path + mtime + size
 *   requireFinite(array, context)  throws naming the first NaN/Inf
 *   preloadHdf5()                  start h5wasm's (slow) wasm compile early, e.g. when the server starts
 *
 * Selectors: npz key (with or without '.npy'), MAT variable, HDF5 dataset path ('/group/ds'),
 * JSON key, csv column name, and for MAT/JSON a dotted path with 0-based indices into structs and
 * cells ('Models[2].RDM', 'RDMs[0,3,1].RDM'), where '[*]' stacks every element
 * ('Models[*].RDM' → shape (1, 8, 92, 92): struct-array shape, then the field's shape).
 */
import { stat } from 'node:fs/promises';
import { extname, resolve as resolvePath } from 'node:path';
import { SimspecError } from '../core/errors';
import type { NDArray } from '../core/matrix';
import { decodeUtf8Strict, MAX_TEXT_BYTES, MAX_WHOLE_FILE_BYTES, readFileBounded, requireRegularDataFile } from './limits';
import { availableText } from './names';
import { readNpy, readNpyHeader } from './npy';
import { listNpz, readNpz } from './npz';
import { isMat73, parseMat5 } from './mat5';
import { listHdf5, mat73Roots, readHdf5Dataset, withHdf5 } from './hdf5';
import { delimiterFor, jsonRoots, numericMatrix, parseDelimited, toTable, type Table } from './text';
import { collectStrings, nodeInfo, select, stackNumeric, type DataNode } from './tree';
import type { VariableInfo } from './types';
import { loadNiftiReader, readNifti, readNiftiHeaderSync } from './nifti';

export type { VariableInfo, VariableKind } from './types';
export type { Table } from './text';
export { readNpy, decodeNpy, readNpyHeader, readNpyRows, readNpyColumns, parseNpyHeader, type NpyHeader, type NpyArray, type NpyReadOptions, type NonFiniteCheck } from './npy';
export { readNpz, listNpz } from './npz';
export { preloadHdf5 } from './hdf5';

export type Format = 'npy' | 'npz' | 'mat' | 'hdf5' | 'csv' | 'json' | 'nifti';

const EXTENSIONS: Record<string, Format> = {
  '.npy': 'npy', '.npz': 'npz', '.mat': 'mat', '.h5': 'hdf5', '.hdf5': 'hdf5', '.csv': 'csv', '.tsv': 'csv', '.json': 'json',
};

export function formatOf(file: string): Format {
  if (/\.nii(\.gz)?$/i.test(file)) return 'nifti';
  const format = EXTENSIONS[extname(file).toLowerCase()];
  if (!format) {
    throw new SimspecError(`unknown data file extension '${extname(file) || '(none)'}'`, {
      file, expected: `one of ${Object.keys(EXTENSIONS).join(', ')}, .nii, .nii.gz`, code: 'io.format',
    });
  }
  return format;
}

async function mustExist(file: string): Promise<void> {
  try {
    const s = await stat(file);
    if (!s.isFile()) throw new SimspecError('not a regular file', { file, expected: 'a data file', code: 'io.missing' });
  } catch (e) {
    if (e instanceof SimspecError) throw e;
    throw new SimspecError('file not found', { file, expected: 'an existing data file (paths are relative to the spec)', code: 'io.missing' });
  }
}

/** A text data file (.csv, .tsv, .json): a regular file of bounded size, strict UTF-8. */
async function readText(file: string): Promise<string> {
  return decodeUtf8Strict(await readFileBounded(file, MAX_TEXT_BYTES, 'text data file'), file);
}

/** MAT v5 variables, or undefined for a v7.3 (HDF5) file. */
async function mat5Roots(file: string): Promise<Map<string, DataNode> | undefined> {
  const bytes = await readFileBounded(file, MAX_WHOLE_FILE_BYTES, 'MAT-file');
  return isMat73(bytes) ? undefined : parseMat5(bytes, file);
}

export async function listVariables(file: string): Promise<VariableInfo[]> {
  const format = formatOf(file);
  await mustExist(file);
  switch (format) {
    case 'npy': {
      const header = await readNpyHeader(file).catch((e: unknown) => {
        if (e instanceof SimspecError && e.code === 'io.dtype') return e;
        throw e;
      });
      if (header instanceof SimspecError) return [{ name: 'arr_0', kind: 'numeric', shape: [], unsupported: header.message }];
      return [{ name: 'arr_0', kind: 'numeric', shape: header.shape, dtype: header.type.dtype }];
    }
    case 'npz': return listNpz(file);
    case 'mat': {
      const roots = await mat5Roots(file);
      if (roots) return [...roots].map(([name, node]) => nodeInfo(name, node));
      return withHdf5(file, (f, h5) => [...mat73Roots(f, h5, file)].map(([name, node]) => nodeInfo(name, node)));
    }
    case 'hdf5': return listHdf5(file);
    case 'nifti': {
      // A NIfTI volume reads as volumes × voxels (engine/io/nifti.ts): one variable, header only.
      await loadNiftiReader();
      const header = readNiftiHeaderSync(file);
      return [{ name: 'data', kind: 'numeric', shape: [header.volumes, header.voxels], dtype: 'float64' }];
    }
    case 'csv': {
      const records = parseDelimited(await readText(file), delimiterFor(file), file);
      try {
        const { header, matrix } = numericMatrix(records, file);
        return [{ name: 'data', kind: 'numeric', shape: [...matrix.shape], dtype: 'float64', ...(header ? { fields: header.map((h) => ({ name: h, kind: 'numeric' as const, shape: [matrix.shape[0]!], dtype: 'float64' })) } : {}) }];
      } catch {
        const table = toTable(records, file);
        return [{ name: 'data', kind: 'table', shape: [table.rows.length, table.columns.length], fields: table.columns.map((c) => ({ name: c, kind: 'string' as const, shape: [table.rows.length] })) }];
      }
    }
    case 'json': {
      const roots = jsonRoots(await readText(file), file);
      return [...roots].map(([name, node]) => nodeInfo(name, node));
    }
  }
}

export async function readArray(file: string, variable?: string): Promise<NDArray> {
  const format = formatOf(file);
  await mustExist(file);
  switch (format) {
    case 'npy': {
      if (variable !== undefined && variable !== 'arr_0') {
        throw new SimspecError('a .npy file holds a single array and has no variables', { file, variable, expected: 'no variable (or key) for a .npy file', code: 'io.variable' });
      }
      // A regular file outside /proc, /sys, /dev, then read straight into the final Float64Array (engine/io/npy.ts).
      await requireRegularDataFile(file, '.npy file');
      return readNpy(file);
    }
    case 'npz': return readNpz(file, variable);
    case 'nifti': {
      if (variable !== undefined && variable !== 'data') {
        throw new SimspecError('a NIfTI file holds a single volume series and has no variables', { file, variable, expected: 'no variable (or key) for a .nii/.nii.gz file', code: 'io.variable' });
      }
      const { header, data } = await readNifti(file);
      return { shape: [header.volumes, header.voxels], data, dtype: 'float64' };
    }
    case 'mat': {
      const roots = await mat5Roots(file);
      if (roots) {
        const picked = select(roots, variable, file);
        return stackNumeric(picked, file, picked.selector);
      }
      return withHdf5(file, (f, h5) => {
        const picked = select(mat73Roots(f, h5, file), variable, file);
        return stackNumeric(picked, file, picked.selector);
      });
    }
    case 'hdf5': {
      const result = await readHdf5Dataset(file, variable);
      if ('strings' in result) throw new SimspecError('the dataset holds text (read it as labels)', { file, variable, expected: 'a numeric dataset', code: 'io.kind' });
      return result;
    }
    case 'csv': {
      const { header, matrix } = numericMatrix(parseDelimited(await readText(file), delimiterFor(file), file), file, variable);
      if (variable === undefined || variable === 'data') return matrix;
      // A column by its header name; 'data.<name>' too, as introspection lists columns as fields of 'data'.
      const name = variable.startsWith('data.') && !header?.includes(variable) ? variable.slice(5) : variable;
      const column = header?.indexOf(name) ?? -1;
      if (column < 0) {
        throw new SimspecError(`no column '${name}'; ${header ? availableText(name, header) : 'the file has no header row'}`, { file, variable, code: 'io.variable' });
      }
      const [rows, cols] = matrix.shape as [number, number];
      return { shape: [rows], data: Float64Array.from({ length: rows }, (_, r) => matrix.data[r * cols + column]!), dtype: 'float64' };
    }
    case 'json': {
      const picked = select(jsonRoots(await readText(file), file), variable, file);
      return stackNumeric(picked, file, picked.selector);
    }
  }
}

/** Text labels: a MAT char array / cell of char arrays / struct field path, JSON string list, HDF5 string dataset or csv column. */
export async function readStrings(file: string, selector: string): Promise<string[]> {
  const format = formatOf(file);
  await mustExist(file);
  switch (format) {
    case 'mat': {
      const roots = await mat5Roots(file);
      if (roots) return collectStrings(select(roots, selector, file), file, selector);
      return withHdf5(file, (f, h5) => collectStrings(select(mat73Roots(f, h5, file), selector, file), file, selector));
    }
    case 'json': return collectStrings(select(jsonRoots(await readText(file), file), selector, file), file, selector);
    case 'hdf5': {
      const result = await readHdf5Dataset(file, selector);
      if (!('strings' in result)) throw new SimspecError('the dataset holds numbers, not text', { file, variable: selector, expected: 'a string dataset', code: 'io.kind' });
      return result.strings;
    }
    case 'csv': {
      const table = await readTable(file);
      const column = table.columns.indexOf(selector);
      if (column < 0) throw new SimspecError(`no column '${selector}'; ${availableText(selector, table.columns)}`, { file, variable: selector, code: 'io.variable' });
      return table.rows.map((r) => r[column]!);
    }
    default:
      throw new SimspecError(`a .${format} file holds only numbers`, { file, variable: selector, expected: 'labels in a .csv/.tsv, .json, .mat or HDF5 file', code: 'io.kind' });
  }
}

export async function readTable(file: string): Promise<Table> {
  const format = formatOf(file);
  if (format !== 'csv') throw new SimspecError('tables are read from .csv or .tsv files', { file, expected: 'a .csv or .tsv file', code: 'io.format' });
  await mustExist(file);
  return toTable(parseDelimited(await readText(file), delimiterFor(file), file), file);
}

const cache = new Map<string, { key: string; value: Promise<VariableInfo[]> }>();

/**
 * listVariables memoised on absolute path + mtime + size, for the language server: re-asked on
 * every keystroke, it re-reads a file only after the file changed. Failures are not cached.
 */
export async function introspectCached(file: string): Promise<VariableInfo[]> {
  const absolute = resolvePath(file);
  formatOf(absolute);
  await mustExist(absolute);
  const s = await stat(absolute);
  const key = `${s.mtimeMs}:${s.size}`;
  const hit = cache.get(absolute);
  if (hit && hit.key === key) return hit.value;
  const value = listVariables(absolute);
  cache.set(absolute, { key, value });
  value.catch(() => { if (cache.get(absolute)?.value === value) cache.delete(absolute); });
  return value;
}

/** Throws data.nonfinite naming the first NaN or ±Inf by its multi-index. */
export function requireFinite(array: NDArray, context: { file?: string; variable?: string }): void {
  const { data, shape } = array;
  for (let k = 0; k < data.length; k++) {
    const v = data[k]!;
    if (Number.isFinite(v)) continue;
    const index: number[] = [];
    let rest = k;
    for (let d = shape.length - 1; d >= 0; d--) { index.unshift(rest % shape[d]!); rest = Math.floor(rest / shape[d]!); }
    const count = data.reduce((n, x) => (Number.isFinite(x) ? n : n + 1), 0);
    throw new SimspecError(`${Number.isNaN(v) ? 'NaN' : v > 0 ? 'Inf' : '-Inf'} at index [${index.join(', ')}] (${count} non-finite value${count === 1 ? '' : 's'} in all)`, {
      ...context, expected: 'finite numbers only', code: 'data.nonfinite',
    });
  }
}
