/**
 * The value tree shared by the formats that nest (MAT v5 / v7.3 structs and cells, JSON objects):
 * every node knows its shape and kind without having converted numeric data, and element lists of
 * structs and cells are in C (row-major) order of the node's own shape — the order in which
 * scipy.io.loadmat shows them — whatever the file's order.
 *
 * Selectors: `name`, `name.field`, `name[i]` (flat index; only for vector-like arrays),
 * `name[i,j,k]` (one 0-based index per dimension), `name[*]` (stack every element). Stacked
 * results have shape (stacked dims..., element shape...).
 */
import { SimspecError } from '../core/errors';
import type { NDArray } from '../core/matrix';
import { shapeToString } from '../core/matrix';
import { product } from './dtype';
import { availableText } from './names';
import type { VariableInfo } from './types';

export type DataNode =
  | { kind: 'numeric'; shape: number[]; dtype: string; read: () => Float64Array }
  | { kind: 'string'; shape: number[]; strings: string[] }
  | { kind: 'struct'; shape: number[]; fields: string[]; elements: Record<string, DataNode>[] }
  | { kind: 'cell'; shape: number[]; elements: DataNode[] }
  | { kind: 'unsupported'; shape: number[]; dtype?: string; reason: string };

export type SelectorStep = { field: string } | { index: (number | '*')[] };

/** Parse `Models[*].RDM` into a variable name and steps. */
export function parseSelector(selector: string, file: string): { name: string; steps: SelectorStep[] } {
  const bad = (why: string) => new SimspecError(`cannot parse variable selector '${selector}': ${why}`, {
    file, variable: selector, expected: "a name with optional .field and [i], [i,j] or [*] parts, e.g. 'Models[*].RDM'", code: 'io.selector',
  });
  const head = /^[^.[\]]+/.exec(selector);
  if (!head) throw bad('it must start with a variable name');
  const steps: SelectorStep[] = [];
  let rest = selector.slice(head[0].length);
  while (rest.length > 0) {
    let m: RegExpExecArray | null;
    if ((m = /^\.([^.[\]]+)/.exec(rest))) steps.push({ field: m[1]! });
    else if ((m = /^\[([^\]]*)\]/.exec(rest))) {
      const parts = m[1]!.split(',').map((s) => s.trim());
      const index = parts.map((p) => {
        if (p === '*') return '*' as const;
        if (!/^\d+$/.test(p)) throw bad(`'${p}' is not a 0-based index or *`);
        return Number(p);
      });
      steps.push({ index });
    } else throw bad(`unexpected '${rest}'`);
    rest = rest.slice(m[0].length);
  }
  return { name: head[0], steps };
}

interface Resolved { stackShape: number[]; leaves: DataNode[] }

/** Follow the steps from `root`; `[*]` multiplies the leaves. */
export function resolve(root: DataNode, rootName: string, steps: SelectorStep[], file: string, selector: string): Resolved {
  let current: Resolved = { stackShape: [], leaves: [root] };
  let where = rootName;
  for (const step of steps) {
    const next: DataNode[] = [];
    let added: number[] = [];
    for (const node of current.leaves) {
      if ('field' in step) {
        if (node.kind !== 'struct') {
          throw new SimspecError(`'${where}' is ${describe(node)}, not a struct, so it has no field '${step.field}'`, {
            file, variable: selector, expected: 'a dotted path into a struct', code: 'io.selector',
          });
        }
        if (node.elements.length !== 1) {
          throw new SimspecError(`'${where}' is a struct array of shape ${shapeToString(node.shape)}; pick an element, e.g. '${where}[0].${step.field}', or stack them with '${where}[*].${step.field}'`, {
            file, variable: selector, expected: 'an index before the field', code: 'io.selector',
          });
        }
        const child = node.elements[0]![step.field];
        if (!child) {
          throw new SimspecError(`struct '${where}' has no field '${step.field}'; ${availableText(step.field, node.fields)}`, {
            file, variable: selector, code: 'io.variable',
          });
        }
        next.push(child);
      } else {
        if (node.kind !== 'struct' && node.kind !== 'cell') {
          throw new SimspecError(`'${where}' is ${describe(node)}; only struct and cell arrays can be indexed in a selector`, {
            file, variable: selector, expected: 'a struct or cell array before [ ]', code: 'io.selector',
          });
        }
        const picked = pick(node.shape, step.index, where, file, selector);
        added = picked.stackShape;
        for (const k of picked.linear) next.push(node.kind === 'struct' ? structElement(node, k) : node.elements[k]!);
      }
    }
    current = { stackShape: [...current.stackShape, ...added], leaves: next };
    where += 'field' in step ? `.${step.field}` : `[${step.index.join(',')}]`;
  }
  return current;
}

function structElement(node: Extract<DataNode, { kind: 'struct' }>, k: number): DataNode {
  return { kind: 'struct', shape: [1, 1], fields: node.fields, elements: [node.elements[k]!] };
}

function pick(shape: number[], index: (number | '*')[], where: string, file: string, selector: string): { stackShape: number[]; linear: number[] } {
  const total = product(shape);
  const context = { file, variable: selector, code: 'io.index' };
  if (index.length === 1) {
    const [i] = index;
    if (i === '*') return { stackShape: [...shape], linear: Array.from({ length: total }, (_, k) => k) };
    if (shape.filter((d) => d > 1).length > 1) {
      throw new SimspecError(`'${where}' has shape ${shapeToString(shape)}; give one index per dimension, e.g. '${where}[${shape.map(() => 0).join(',')}]'`, { ...context, expected: `${shape.length} indices` });
    }
    if (i! >= total) throw new SimspecError(`index ${i} is out of range for '${where}' of shape ${shapeToString(shape)}`, { ...context, expected: `an index in 0..${total - 1}` });
    return { stackShape: [], linear: [i!] };
  }
  if (index.length !== shape.length) {
    throw new SimspecError(`'${where}' has ${shape.length} dimensions ${shapeToString(shape)} but ${index.length} indices were given`, { ...context, expected: `${shape.length} indices or one` });
  }
  index.forEach((i, d) => {
    if (i !== '*' && i >= shape[d]!) {
      throw new SimspecError(`index ${i} is out of range for dimension ${d} of '${where}' with shape ${shapeToString(shape)}`, { ...context, expected: `an index in 0..${shape[d]! - 1}` });
    }
  });
  const stackShape = shape.filter((_, d) => index[d] === '*');
  let linear = [0];
  for (let d = 0; d < shape.length; d++) {
    const choices = index[d] === '*' ? Array.from({ length: shape[d]! }, (_, k) => k) : [index[d] as number];
    linear = linear.flatMap((base) => choices.map((c) => base * shape[d]! + c));
  }
  return { stackShape, linear };
}

export function describe(node: DataNode): string {
  switch (node.kind) {
    case 'numeric': return `a ${node.dtype} array of shape ${shapeToString(node.shape)}`;
    case 'string': return 'text';
    case 'struct': return `a struct of shape ${shapeToString(node.shape)} with fields ${node.fields.join(', ')}`;
    case 'cell': return `a cell array of shape ${shapeToString(node.shape)}`;
    case 'unsupported': return `unsupported data (${node.reason})`;
  }
}

/** Numeric leaves stacked into one NDArray. */
export function stackNumeric(resolved: Resolved, file: string, selector: string): NDArray {
  const { leaves, stackShape } = resolved;
  if (leaves.length === 0) throw new SimspecError('the selection is empty', { file, variable: selector, code: 'io.selector' });
  const first = leaves[0]!;
  for (const leaf of leaves) {
    if (leaf.kind !== 'numeric') {
      const hint = leaf.kind === 'string' ? ' (read it as labels)' : leaf.kind === 'struct' ? ` — add '.${leaf.fields[0] ?? 'field'}'` : '';
      throw new SimspecError(`the selection is ${describe(leaf)}${hint}`, {
        file, variable: selector, expected: 'a numeric array', code: leaf.kind === 'unsupported' ? 'io.unsupported' : 'io.kind',
      });
    }
  }
  const numeric = leaves as Extract<DataNode, { kind: 'numeric' }>[];
  const shape = (first as { shape: number[] }).shape;
  numeric.forEach((leaf, k) => {
    if (leaf.shape.length !== shape.length || leaf.shape.some((d, i) => d !== shape[i])) {
      throw new SimspecError(`cannot stack: element ${k} has shape ${shapeToString(leaf.shape)} but element 0 has ${shapeToString(shape)}`, {
        file, variable: selector, expected: 'elements of equal shape', code: 'io.stack',
      });
    }
  });
  if (leaves.length === 1 && stackShape.length === 0) {
    return { shape: [...shape], data: numeric[0]!.read(), dtype: numeric[0]!.dtype };
  }
  const size = product(shape);
  const data = new Float64Array(size * leaves.length);
  numeric.forEach((leaf, k) => data.set(leaf.read(), k * size));
  const dtypes = new Set(numeric.map((l) => l.dtype));
  return { shape: [...stackShape, ...shape], data, dtype: dtypes.size === 1 ? numeric[0]!.dtype : 'float64' };
}

/** Text leaves (char arrays, cells of them) as one flat list, in C order. */
export function collectStrings(resolved: Resolved, file: string, selector: string): string[] {
  const out: string[] = [];
  const visit = (node: DataNode) => {
    if (node.kind === 'string') out.push(...node.strings);
    else if (node.kind === 'cell') node.elements.forEach(visit);
    else throw new SimspecError(`the selection is ${describe(node)}`, { file, variable: selector, expected: 'text (a char array or a cell of char arrays)', code: 'io.kind' });
  };
  resolved.leaves.forEach(visit);
  return out;
}

export function nodeInfo(name: string, node: DataNode): VariableInfo {
  switch (node.kind) {
    case 'numeric': return { name, kind: 'numeric', shape: node.shape, dtype: node.dtype };
    case 'string': return { name, kind: 'string', shape: node.shape, dtype: 'char' };
    case 'cell': return { name, kind: 'cell', shape: node.shape };
    case 'struct': {
      const first = node.elements[0];
      return { name, kind: 'struct', shape: node.shape, fields: first ? node.fields.map((f) => nodeInfo(f, first[f]!)) : node.fields.map((f) => ({ name: f, kind: 'numeric', shape: [] })) };
    }
    case 'unsupported': return { name, kind: 'numeric', shape: node.shape, ...(node.dtype ? { dtype: node.dtype } : {}), unsupported: node.reason };
  }
}

/** Resolve a selector against named top-level nodes. */
export function select(roots: Map<string, DataNode>, selector: string | undefined, file: string): Resolved & { selector: string } {
  if (selector === undefined) {
    if (roots.size === 1) {
      const [name, node] = [...roots][0]!;
      return { stackShape: [], leaves: [node], selector: name };
    }
    throw new SimspecError(`the file holds ${roots.size} variables, so a variable name is needed`, {
      file, expected: `one of: ${[...roots.keys()].join(', ')}`, code: 'io.variable',
    });
  }
  const { name, steps } = parseSelector(selector, file);
  const root = roots.get(name);
  if (!root) {
    throw new SimspecError(`no variable '${name}'; ${availableText(name, [...roots.keys()])}`, { file, variable: selector, code: 'io.variable' });
  }
  return { ...resolve(root, name, steps, file, selector), selector };
}
