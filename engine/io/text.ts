/**
 * Delimited text (.csv comma, .tsv tab) and JSON.
 * - A numeric matrix: every cell a number (NaN/Inf spelled nan, NaN, inf, -Inf allowed), with an
 *   optional header row (detected when the first row is not all numbers). A named column can be
 *   read as a vector.
 * - A table of strings (`readTable`) for stimulus label files: first row = column names.
 * Quoted fields follow RFC 4180 ("a, b" and "" escapes). Errors name the 1-based line:column.
 * - JSON: a nested numeric array, or an object whose values are arrays (numbers or strings) or
 *   further objects, mapped to the same DataNode tree as MAT files.
 */
import { SimspecError } from '../core/errors';
import type { NDArray } from '../core/matrix';
import { requireJsonDepth } from './limits';
import type { DataNode } from './tree';

export interface Table { columns: string[]; rows: string[][] }

/** Split text into records of fields. Quoted fields may hold delimiters, quotes and newlines. */
export function parseDelimited(text: string, delimiter: string, file: string): string[][] {
  const records: string[][] = [];
  let field = '';
  let record: string[] = [];
  let quoted = false;
  let line = 1;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  for (; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') { field += '"'; i++; } else quoted = false;
      } else { if (ch === '\n') line++; field += ch; }
    } else if (ch === '"' && field === '') quoted = true;
    else if (ch === delimiter) { record.push(field); field = ''; }
    else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      record.push(field);
      records.push(record);
      record = []; field = ''; line++;
    } else field += ch;
  }
  if (quoted) throw new SimspecError(`unterminated quoted field (line ${line})`, { file, expected: 'a closing "', code: 'io.csv' });
  if (field !== '' || record.length > 0) { record.push(field); records.push(record); }
  // Blank lines (a single empty field) carry no data.
  return records.filter((r) => !(r.length === 1 && r[0]!.trim() === ''));
}

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
export function parseNumber(cell: string): number | undefined {
  const s = cell.trim();
  if (NUMBER.test(s)) return Number(s);
  const lower = s.toLowerCase();
  if (lower === 'nan') return NaN;
  if (lower === 'inf' || lower === '+inf' || lower === 'infinity') return Infinity;
  if (lower === '-inf' || lower === '-infinity') return -Infinity;
  return undefined;
}

export function delimiterFor(file: string): string {
  return file.toLowerCase().endsWith('.tsv') ? '\t' : ',';
}

export function toTable(records: string[][], file: string): Table {
  if (records.length === 0) throw new SimspecError('the file is empty', { file, expected: 'a header row of column names', code: 'io.csv' });
  const columns = records[0]!.map((c) => c.trim());
  const rows = records.slice(1);
  rows.forEach((r, k) => {
    if (r.length !== columns.length) {
      throw new SimspecError(`line ${k + 2} has ${r.length} fields but the header has ${columns.length}`, { file, expected: `${columns.length} fields on every line`, code: 'io.csv' });
    }
  });
  return { columns, rows };
}

/** A numeric matrix (header row optional) and the header's column names if there is one. */
export function numericMatrix(records: string[][], file: string, variable?: string): { header?: string[]; matrix: NDArray } {
  if (records.length === 0) throw new SimspecError('the file is empty', { file, variable, expected: 'rows of numbers', code: 'io.csv' });
  const first = records[0]!;
  const hasHeader = first.some((c) => parseNumber(c) === undefined);
  const body = hasHeader ? records.slice(1) : records;
  const offset = hasHeader ? 2 : 1;
  const cols = first.length;
  const data = new Float64Array(body.length * cols);
  body.forEach((record, r) => {
    if (record.length !== cols) {
      throw new SimspecError(`ragged rows: line ${r + offset} has ${record.length} fields, line ${offset} has ${cols}`, {
        file, variable, expected: `${cols} fields on every line`, code: 'io.csv',
      });
    }
    record.forEach((cell, c) => {
      const v = parseNumber(cell);
      if (v === undefined) {
        throw new SimspecError(`non-numeric cell ${JSON.stringify(cell)} at ${r + offset}:${c + 1} (line:column)`, {
          file, variable, expected: 'a number (or NaN/Inf) in every cell below the header', code: 'io.csv',
        });
      }
      data[r * cols + c] = v;
    });
  });
  const matrix = { shape: [body.length, cols], data, dtype: 'float64' };
  return hasHeader ? { header: first.map((c) => c.trim()), matrix } : { matrix };
}

/** JSON value → DataNode tree. */
export function jsonNode(value: unknown, where: string, file: string): DataNode {
  if (typeof value === 'number') return numericNode([], Float64Array.of(value));
  if (typeof value === 'string') return { kind: 'string', shape: [1], strings: [value] };
  if (value === null || typeof value === 'boolean') {
    return { kind: 'unsupported', shape: [], reason: `JSON ${value === null ? 'null' : 'boolean'}` };
  }
  if (Array.isArray(value)) {
    if (value.length > 0 && value.every((v) => typeof v === 'string')) return { kind: 'string', shape: [value.length], strings: value as string[] };
    if (value.length > 0 && value.every((v) => v !== null && typeof v === 'object' && !Array.isArray(v))) {
      const elements = value.map((v, k) => objectFields(v as Record<string, unknown>, `${where}[${k}]`, file));
      return { kind: 'struct', shape: [value.length], fields: Object.keys(value[0] as object), elements };
    }
    const shape: number[] = [];
    for (let v: unknown = value; Array.isArray(v); v = v[0]) shape.push(v.length);
    const flat = value.flat(Infinity);
    const expected = shape.reduce((a, b) => a * b, 1);
    if (flat.length !== expected || flat.some((x) => typeof x !== 'number') || !isRectangular(value, shape, 0)) {
      throw new SimspecError(`'${where}' is not a rectangular array of numbers`, { file, variable: where, expected: `nested lists of numbers of shape (${shape.join(', ')})`, code: 'io.json' });
    }
    return numericNode(shape, Float64Array.from(flat as number[]));
  }
  const fields = objectFields(value as Record<string, unknown>, where, file);
  return { kind: 'struct', shape: [1, 1], fields: Object.keys(fields), elements: [fields] };
}

function objectFields(o: Record<string, unknown>, where: string, file: string): Record<string, DataNode> {
  const out: Record<string, DataNode> = {};
  for (const [k, v] of Object.entries(o)) out[k] = jsonNode(v, where ? `${where}.${k}` : k, file);
  return out;
}

function isRectangular(v: unknown, shape: number[], depth: number): boolean {
  if (depth === shape.length) return !Array.isArray(v);
  return Array.isArray(v) && v.length === shape[depth] && v.every((x) => isRectangular(x, shape, depth + 1));
}

function numericNode(shape: number[], data: Float64Array): DataNode {
  return { kind: 'numeric', shape, dtype: 'float64', read: () => data };
}

/** Top-level JSON: an object's keys are the variables; an array is one variable named 'data'. */
export function jsonRoots(text: string, file: string): Map<string, DataNode> {
  requireJsonDepth(text, file); // jsonNode and flattening recurse: refuse deep nesting first
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new SimspecError(`invalid JSON (${(e as Error).message})`, { file, expected: 'a nested array of numbers or an object of them', code: 'io.json' });
  }
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    return new Map(Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, jsonNode(v, k, file)]));
  }
  return new Map([['data', jsonNode(value, 'data', file)]]);
}
