/**
 * HDF5 (.h5/.hdf5) and MAT v7.3 through h5wasm (the HDF5 C library compiled to WebAssembly, with
 * direct host file access via its Node build). h5wasm is loaded lazily by a dynamic import, so
 * nothing pays for its 4 MB of wasm until an HDF5 file is opened, and its async initialisation
 * never blocks the caller.
 *
 * Plain HDF5: datasets are addressed by path ('/group/ds' or 'group/ds'); data are C order already.
 * MAT v7.3: variables are HDF5 objects tagged with a MATLAB_class attribute, stored transposed
 * (HDF5 shape = reversed MATLAB shape), so they are mapped into the same DataNode tree as MAT v5
 * (MATLAB shapes, C order, structs, cells, char) and use the same selectors.
 */
import { access } from 'node:fs/promises';
import { SimspecError } from '../core/errors';
import { fortranToC, product } from './dtype';
import { DecompressionBudget } from './limits';
import { availableText } from './names';
import type { DataNode } from './tree';
import type { VariableInfo } from './types';

type H5 = typeof import('h5wasm/node');
type H5File = InstanceType<H5['File']>;
type H5Dataset = InstanceType<H5['Dataset']>;
type H5Group = InstanceType<H5['Group']>;

let loading: Promise<H5> | undefined;
async function loadH5wasm(): Promise<H5> {
  loading ??= import('h5wasm/node').then(async (m) => {
    const module = await m.ready;
    // HDF5 prints its error stack to the process's stderr (fd 2) by default; this handler turns it
    // into a thrown Error instead, which we convert to a SimspecError.
    module.activate_throwing_error_handler();
    return m;
  });
  return loading;
}

/**
 * Start loading h5wasm now (compiling its 4 MB of wasm takes about a second, several under load),
 * so the first HDF5 / v7.3 introspection does not wait for it. Safe to call many times.
 */
export async function preloadHdf5(): Promise<void> {
  await loadH5wasm();
}

const HDF5_SIGNATURE = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a];

/** Open, run `body` while the file is open, close. HDF5's own diagnostics are kept off stderr. */
export async function withHdf5<T>(file: string, body: (f: H5File, h5: H5) => T): Promise<T> {
  try { await access(file); } catch {
    throw new SimspecError('file not found', { file, code: 'io.missing' });
  }
  const h5 = await loadH5wasm();
  {
    let handle: H5File;
    try {
      handle = new h5.File(file, 'r');
      handle.keys(); // h5wasm reports a failed open only on first use
    } catch (e) {
      throw new SimspecError(`cannot open as HDF5 (${messageOf(e)})`, {
        file, expected: 'a valid HDF5 file (superblock at offset 0, 512, 1024, ...)', code: 'io.hdf5',
      });
    }
    try {
      return body(handle, h5);
    } catch (e) {
      if (e instanceof SimspecError) throw e;
      throw new SimspecError(`HDF5 read failed (${messageOf(e)})`, { file, expected: 'a readable HDF5 file', code: 'io.hdf5' });
    } finally {
      try { handle.close(); } catch { /* already unusable */ }
    }
  }
}

/** The innermost cause of an HDF5 error stack ("bad superblock version number"), or the message. */
function messageOf(e: unknown): string {
  const text = e instanceof Error ? e.message : String(e);
  const causes = [...text.matchAll(/in \w+\(\): (.+)$/gm)].map((m) => m[1]!.trim());
  return causes.length > 0 ? causes[causes.length - 1]! : text.split('\n')[0]!;
}

export function hasHdf5Signature(bytes: Uint8Array, offset: number): boolean {
  return HDF5_SIGNATURE.every((b, i) => bytes[offset + i] === b);
}

interface H5Meta { type: number; size: number; signed: boolean; littleEndian?: boolean; vlen?: boolean }

/**
 * A dataset's value, read only when its declared shape fits the decompression cap
 * (engine/io/limits.ts): HDF5 chunks are compressed, so a small file can declare gigabytes.
 * Charged as float64 (what it becomes) or its stored size, whichever is larger.
 */
function boundedValue(entity: H5Dataset, file: string, variable: string): unknown {
  const meta = entity.metadata as H5Meta;
  const bytes = product(entity.shape ?? []) * Math.max(8, meta.size || 0);
  new DecompressionBudget(file).charge(bytes, `dataset '${variable}'`, variable);
  return entity.value;
}

function dtypeOf(meta: H5Meta): string | undefined {
  if (meta.type === 0) return `${meta.signed ? 'int' : 'uint'}${meta.size * 8}`;
  if (meta.type === 1) return `float${meta.size * 8}`;
  if (meta.type === 8 && meta.size === 1) return 'bool'; // h5py stores bool as an int8 enum
  return undefined;
}

function toFloat64(value: unknown): Float64Array {
  if (value instanceof Float64Array) return value;
  if (ArrayBuffer.isView(value)) return Float64Array.from(value as unknown as ArrayLike<number | bigint>, Number);
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean') return Float64Array.of(Number(value));
  if (Array.isArray(value)) return Float64Array.from(value.flat(Infinity) as number[], Number);
  return new Float64Array(0);
}

function isDataset(entity: unknown, h5: H5): entity is H5Dataset { return entity instanceof h5.Dataset; }
function isGroup(entity: unknown, h5: H5): entity is H5Group { return entity instanceof h5.Group; }

function datasetInfo(name: string, ds: H5Dataset): VariableInfo {
  const meta = ds.metadata as H5Meta;
  const shape = ds.shape ?? [];
  if (meta.type === 3) return { name, kind: 'string', shape, dtype: 'char' };
  const dtype = dtypeOf(meta);
  return dtype ? { name, kind: 'numeric', shape, dtype } : { name, kind: 'numeric', shape, unsupported: `HDF5 type class ${meta.type} (not a plain number)` };
}

/** Every dataset of a plain HDF5 file, by absolute path. */
export async function listHdf5(file: string): Promise<VariableInfo[]> {
  return withHdf5(file, (f, h5) => {
    const out: VariableInfo[] = [];
    for (const path of f.paths()) {
      const entity = f.get(path);
      if (isDataset(entity, h5)) out.push(datasetInfo(`/${path}`, entity));
    }
    return out;
  });
}

function missingDataset(f: H5File, h5: H5, file: string, path: string): SimspecError {
  const datasets = f.paths().filter((p) => isDataset(f.get(p), h5)).map((p) => `/${p}`);
  return new SimspecError(`no dataset '${path}'; ${availableText(path.startsWith('/') ? path : `/${path}`, datasets)}`, { file, variable: path, code: 'io.variable' });
}

export async function readHdf5Dataset(file: string, path: string | undefined): Promise<{ shape: number[]; data: Float64Array; dtype: string } | { strings: string[] }> {
  return withHdf5(file, (f, h5) => {
    let target = path;
    if (target === undefined) {
      const datasets = f.paths().filter((p) => isDataset(f.get(p), h5));
      if (datasets.length !== 1) {
        throw new SimspecError(`the file holds ${datasets.length} datasets, so a dataset path is needed`, { file, expected: `one of: ${datasets.map((p) => `/${p}`).join(', ')}`, code: 'io.variable' });
      }
      target = datasets[0]!;
    }
    const entity = f.get(target.replace(/^\/+/, '') || '/');
    if (!isDataset(entity, h5)) {
      if (isGroup(entity, h5)) {
        throw new SimspecError(`'${target}' is a group, not a dataset; members: ${entity.keys().join(', ')}`, { file, variable: target, expected: 'a dataset path', code: 'io.kind' });
      }
      throw missingDataset(f, h5, file, target);
    }
    const meta = entity.metadata as H5Meta;
    if (meta.type === 3) {
      const v = boundedValue(entity, file, target);
      return { strings: (Array.isArray(v) ? v : [v]).map(String) };
    }
    const info = datasetInfo(target, entity);
    if (info.unsupported) throw new SimspecError(`unsupported dataset type: ${info.unsupported}`, { file, variable: target, expected: 'an integer, float or bool dataset', code: 'io.dtype' });
    return { shape: entity.shape ?? [], data: toFloat64(boundedValue(entity, file, target)), dtype: info.dtype! };
  });
}

const MATLAB_NUMERIC: Record<string, string> = {
  double: 'float64', single: 'float32', int8: 'int8', uint8: 'uint8', int16: 'int16', uint16: 'uint16',
  int32: 'int32', uint32: 'uint32', int64: 'int64', uint64: 'uint64', logical: 'bool',
};

function attribute(entity: H5Dataset | H5Group, name: string): string | undefined {
  const attrs = entity.attrs;
  if (!(name in attrs)) return undefined;
  const v = attrs[name]!.value;
  return v === null || v === undefined ? undefined : String(v);
}

/**
 * The variables of a MAT v7.3 file as a DataNode tree (MATLAB shapes, C order). Must be used
 * inside `withHdf5`, since numeric nodes read lazily from the open file.
 */
export function mat73Roots(f: H5File, h5: H5, file: string): Map<string, DataNode> {
  const toNode = (entity: unknown, where: string): DataNode => {
    if (isGroup(entity, h5)) {
      const cls = attribute(entity, 'MATLAB_class');
      if (attribute(entity, 'MATLAB_sparse') !== undefined) return { kind: 'unsupported', shape: [], reason: 'sparse matrix; save it with full(...) or as a dense array' };
      if (cls !== 'struct') return { kind: 'unsupported', shape: [1, 1], reason: `MATLAB class ${cls ?? 'unknown'} stored as a group` };
      const fields = entity.keys();
      const values = fields.map((k) => entity.get(k));
      // A struct array stores each field as a dataset of references without a MATLAB_class.
      const first = values[0];
      const isArray = isDataset(first, h5) && (first.metadata as H5Meta).type === 7 && attribute(first, 'MATLAB_class') === undefined;
      if (!isArray) {
        const element: Record<string, DataNode> = {};
        fields.forEach((k, i) => { element[k] = toNode(values[i], `${where}.${k}`); });
        return { kind: 'struct', shape: [1, 1], fields, elements: [element] };
      }
      const shape = [...(first.shape ?? [])].reverse();
      const refs = fields.map((_, i) => (values[i] as H5Dataset).value as unknown[]);
      const count = product(shape);
      const columnMajor: Record<string, DataNode>[] = [];
      for (let k = 0; k < count; k++) {
        const element: Record<string, DataNode> = {};
        fields.forEach((name, i) => { element[name] = toNode(f.dereference(refs[i]![k] as never), `${where}.${name}`); });
        columnMajor.push(element);
      }
      return { kind: 'struct', shape, fields, elements: reorder(columnMajor, shape) };
    }
    if (!isDataset(entity, h5)) return { kind: 'unsupported', shape: [], reason: 'not a dataset or group' };
    const cls = attribute(entity, 'MATLAB_class');
    const shape = [...(entity.shape ?? [])].reverse();
    if (attribute(entity, 'MATLAB_empty') === '1') return { kind: 'numeric', shape: [0, 0], dtype: MATLAB_NUMERIC[cls ?? 'double'] ?? 'float64', read: () => new Float64Array(0) };
    if (cls === 'char') {
      const codes = toFloat64(boundedValue(entity, file, where));
      const rows = shape[0] ?? 0;
      const strings: string[] = [];
      for (let i = 0; i < rows; i++) {
        let s = '';
        for (let j = 0; j < codes.length / rows; j++) s += String.fromCharCode(codes[i + rows * j]!);
        strings.push(s);
      }
      return { kind: 'string', shape, strings };
    }
    if (cls === 'cell') {
      const refs = boundedValue(entity, file, where) as unknown[];
      const elements = refs.map((r, k) => toNode(f.dereference(r as never), `${where}{${k}}`));
      return { kind: 'cell', shape, elements: reorder(elements, shape) };
    }
    const dtype = cls !== undefined ? MATLAB_NUMERIC[cls] : dtypeOf(entity.metadata as H5Meta);
    if (!dtype) return { kind: 'unsupported', shape, reason: `MATLAB class ${cls ?? 'unknown'}` };
    if ((entity.metadata as H5Meta).type === 6) return { kind: 'unsupported', shape, dtype, reason: 'complex numbers' };
    return { kind: 'numeric', shape, dtype, read: () => fortranToC(toFloat64(boundedValue(entity, file, where)), shape) };
  };
  const roots = new Map<string, DataNode>();
  for (const key of f.keys()) {
    if (key.startsWith('#')) continue; // '#refs#', '#subsystem#'
    roots.set(key, toNode(f.get(key), key));
  }
  return roots;
}

function reorder<T>(items: T[], shape: number[]): T[] {
  const index = fortranToC(Float64Array.from(items, (_, k) => k), shape);
  return Array.from(index, (k) => items[k]!);
}
