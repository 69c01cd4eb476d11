/**
 * The DataIntrospector the CLI, the run engine and the language server use: the engine's readers,
 * cached by absolute path + mtime + size so that re-validating a spec on every keystroke never
 * re-reads an unchanged file. A changed file (new mtime or size) is read again.
 *
 * Value checks (`checkValues`: NaN/Inf, CRCs, truncated data) read the whole variable once per
 * file version and keep only the verdict, not the data. The language server gives a byte budget
 * (`valueCheckMaxBytes`) so that one very large file cannot make every validation of its spec
 * run into the validation worker's time limit; files over it are reported as not checked there.
 */
import type { StimulusTable } from '../families/types';
import { statSync } from 'node:fs';
import { listVariables, readArray, readTable, type VariableInfo } from '../io';
import { SimspecError } from '../core/errors';
import { valueProblem, type DataIntrospector, type ValueCheck, type VariableDescription } from './semantics';

interface Entry<T> {
  stamp: string;
  value: Promise<T>;
}

function stampOf(path: string): string {
  const s = statSync(path);
  return `${s.mtimeMs}:${s.size}:${s.ino}`;
}

export interface IntrospectorOptions {
  /** Files larger than this have their values checked only by `simspec check`/`run` (default: no limit). */
  valueCheckMaxBytes?: number;
  /** false: headers only (the run, whose loader applies the same value checks as it reads the data once). */
  checkValues?: boolean;
}

/** Selector of a struct array's first element: `[0]` for vector-like arrays, else one 0 per axis. */
function firstElement(shape: readonly number[]): string {
  return shape.filter((d) => d > 1).length > 1 ? `[${shape.map(() => 0).join(',')}]` : '[0]';
}

/** Plain variable names can be answered from headers; dotted paths and indices need the selection read. */
const PLAIN_NAME = /^[^.[\]]+$/;

export interface FileIntrospector extends DataIntrospector {
  /** Every variable of a file, with nested struct fields (for completion). */
  variables(path: string): Promise<VariableInfo[]>;
  /** Forget cached entries (all, or one file). */
  clear(path?: string): void;
}

export function createFileIntrospector(options: IntrospectorOptions = {}): FileIntrospector {
  const valueCheckMaxBytes = options.valueCheckMaxBytes ?? Infinity;
  const cache = new Map<string, Entry<unknown>>();

  function cached<T>(key: string, path: string, compute: () => Promise<T>): Promise<T> {
    let stamp: string;
    try {
      stamp = stampOf(path);
    } catch {
      return Promise.reject(new SimspecError('file not found', { file: path, code: 'io.missing-file' }));
    }
    const hit = cache.get(key);
    if (hit && hit.stamp === stamp) return hit.value as Promise<T>;
    const value = compute();
    cache.set(key, { stamp, value });
    value.catch(() => cache.delete(key)); // failures are not cached: the user may be fixing the file
    return value;
  }

  const variables = (path: string) => cached(`vars:${path}`, path, () => listVariables(path));

  const describe = (path: string, key: string | undefined): Promise<VariableDescription> =>
    cached(`describe:${path}:${key ?? ''}`, path, async () => {
      if (key !== undefined && PLAIN_NAME.test(key)) {
        const list = await variables(path);
        const found = list.find((v) => v.name === key || v.name === `${key}.npy` || v.name === key.replace(/\.npy$/, '') || v.name === `/${key.replace(/^\//, '')}`);
        if (found && found.kind === 'numeric' && !found.unsupported) return { shape: found.shape, dtype: found.dtype ?? 'float64' };
      }
      const array = await readArray(path, key);
      return { shape: [...array.shape], dtype: array.dtype };
    });

  const checkValues = (path: string, key: string | undefined, kind: Parameters<NonNullable<DataIntrospector['checkValues']>>[2]): Promise<ValueCheck> =>
    cached(`values:${path}:${key ?? ''}:${kind}`, path, async () => {
      const size = statSync(path).size;
      if (size > valueCheckMaxBytes) {
        const mib = (bytes: number) => `${Math.round(bytes / 2 ** 20)} MiB`;
        return { skipped: `the file (${mib(size)}) is over the editor's ${mib(valueCheckMaxBytes)} budget for reading values; \`simspec check\` reads them` };
      }
      const array = await readArray(path, key);
      const problem = valueProblem(array.data, array.shape, kind);
      return problem ? { problem } : {};
    });

  return {
    variables,
    describe,
    ...(options.checkValues === false ? {} : { checkValues }),
    async variableNames(path) {
      const list = await variables(path);
      const names: string[] = [];
      const walk = (items: VariableInfo[], prefix: string) => {
        for (const item of items) {
          const name = prefix ? `${prefix}.${item.name}` : item.name;
          if (item.kind === 'numeric') names.push(name);
          if (item.fields) walk(item.fields, item.kind === 'struct' && item.shape.some((d) => d > 1) ? `${name}${firstElement(item.shape)}` : name);
        }
      };
      walk(list, '');
      return names;
    },
    tableColumns: (path, header) => cached(`columns:${path}:${header}`, path, async () => {
      const table = await readTable(path);
      return header ? table.columns : table.columns.map((_, i) => String(i));
    }),
    labelTable: (path, header) => cached(`table:${path}:${header}`, path, async () => withoutHeader(await readTable(path), header)),
    tableRowCount: (path, header) => cached(`rows:${path}:${header}`, path, async () => (await readTable(path)).rows.length + (header ? 0 : 1)),
    clear(path) {
      if (path === undefined) cache.clear();
      else for (const key of [...cache.keys()]) if (key.includes(path)) cache.delete(key);
    },
  };
}

/** A label table whose first row is data (`header: false`): columns are named by position (as the run reads it). */
export function withoutHeader(table: StimulusTable, header: boolean): StimulusTable {
  if (header) return table;
  return { columns: table.columns.map((_, i) => String(i)), rows: [table.columns, ...table.rows] };
}
