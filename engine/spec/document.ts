/**
 * Parse spec text with the `yaml` package, keeping every node's source range, so that any problem
 * found later (schema, files, shapes) can be reported on the exact key or value it concerns.
 */
import { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node, type Pair } from 'yaml';
import type { Position, Problem, Range } from './types';

export type SpecPath = (string | number)[];

export interface ParsedSpec {
  text: string;
  document: Document.Parsed;
  lineCounter: LineCounter;
  /** The plain JavaScript value of the document (undefined when it is empty). */
  value: unknown;
  /** YAML syntax problems. */
  problems: Problem[];
}

/**
 * Limits that keep parsing bounded whatever the text (README "Reliability"). A spec nests about six
 * levels deep and is a few kilobytes; these are far above any real spec and far below what makes
 * the YAML library recurse out of stack or spend seconds on one keystroke.
 */
export const SPEC_LIMITS = {
  /**
   * UTF-16 code units of spec text. 8 Mi bounds a check to about 15 s of CPU and 1.5 GB resident
   * (measured: 100k one-line layers, 4.3 MB, take 8 s and 720 MB; the YAML document's nodes
   * dominate); more layers belong in `model.activations`, one file with a variable per layer.
   */
  maxLength: 8 * 2 ** 20,
  /** Nested collections, block (indentation, `- `) or flow (`[`, `{`). */
  maxDepth: 64,
  /** Aliases expanded by toJS (alias bombs). */
  maxAliasCount: 100,
} as const;

export function parseSpec(text: string): ParsedSpec {
  const lineCounter = new LineCounter();
  const refused = refuseUnbounded(text);
  if (refused) {
    // Parse nothing of the text: an empty document carries the one problem, at its place.
    for (let i = 0; i < text.length; i = text.indexOf('\n', i) + 1 || text.length) lineCounter.addNewLine(i);
    const parsed: ParsedSpec = { text, document: parseDocument(''), lineCounter, value: undefined, problems: [] };
    parsed.problems.push({ severity: 'error', message: refused.message, range: offsetsToRange(parsed, refused.offset, refused.offset + 1), code: 'yaml.limit' });
    return parsed;
  }
  // Each YAML error is an Error whose stack capture dominates parsing a half-typed spec (the
  // language server parses on every keystroke); the stack of a syntax error is never shown.
  const stackTraceLimit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  let document: Document.Parsed;
  try {
    // uniqueKeys: false — the library's duplicate check compares each key with every earlier one
    // (quadratic: 10 000 layers took 12 s of a 15 s check); checkKeys below does it with a Set.
    document = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: false, strict: true, logLevel: 'error' });
  } finally {
    Error.stackTraceLimit = stackTraceLimit;
  }
  const parsed: ParsedSpec = { text, document, lineCounter, value: undefined, problems: [] };
  const yamlProblems = [...document.errors.map((e) => [e, 'error', 'yaml.syntax'] as const), ...document.warnings.map((w) => [w, 'warning', 'yaml.warning'] as const)];
  for (const [problem, severity, code] of yamlProblems) {
    parsed.problems.push({
      severity,
      message: `YAML: ${firstLine(problem.message)}`,
      range: offsetsToRange(parsed, problem.pos[0], Math.max(problem.pos[1], problem.pos[0] + 1)),
      code,
    });
  }
  // The spec format has only plain keys. A collection as a key is refused before toJS, which would
  // stringify it (quadratic in its nesting; 36 s for a 1 KB spec of nested flow keys).
  const keyProblem = checkKeys(document);
  if (keyProblem) {
    const message = keyProblem.kind === 'complex' ? 'YAML: a key must be a plain name, not a list or mapping (simspec specs have no complex keys)' : 'YAML: Map keys must be unique';
    parsed.problems.push({ severity: 'error', message, range: offsetsToRange(parsed, keyProblem.range[0], keyProblem.range[1]), code: keyProblem.kind === 'complex' ? 'yaml.complex-key' : 'yaml.syntax' });
    if (keyProblem.kind === 'complex') return parsed;
  }
  try {
    parsed.value = document.toJS({ maxAliasCount: SPEC_LIMITS.maxAliasCount });
  } catch (e) {
    parsed.problems.push({ severity: 'error', message: `YAML: ${(e as Error).message}`, range: offsetsToRange(parsed, 0, 0), code: 'yaml.syntax' });
  }
  return parsed;
}

/**
 * The first key that is not a scalar (a complex key), else the first key repeated in its mapping,
 * found without recursion and in linear time (a Set of keys per mapping).
 */
function checkKeys(document: Document.Parsed): { kind: 'complex' | 'duplicate'; range: [number, number] } | undefined {
  const pending: unknown[] = [document.contents];
  let duplicate: [number, number] | undefined;
  while (pending.length > 0) {
    const node = pending.pop();
    if (isMap(node)) {
      const seen = new Set<unknown>();
      for (const pair of node.items) {
        const key = pair.key as Node | null;
        if (key !== null && !isScalar(key)) return { kind: 'complex', range: [key.range?.[0] ?? 0, key.range?.[1] ?? 0] };
        const value = key === null ? null : key.value;
        if (seen.has(value) && !duplicate) duplicate = [key?.range?.[0] ?? 0, key?.range?.[1] ?? 0];
        seen.add(value);
        pending.push(pair.value);
      }
    } else if (isSeq(node)) pending.push(...node.items);
  }
  return duplicate ? { kind: 'duplicate', range: duplicate } : undefined;
}

/**
 * A linear scan that refuses, before the YAML library sees the text, what would make parsing
 * unbounded: text past `maxLength`, or collections nested past `maxDepth` — flow brackets outside
 * quotes and comments, and block levels (indentation steps plus leading `- ` / `? ` indicators).
 */
function refuseUnbounded(text: string): { message: string; offset: number } | undefined {
  if (text.length > SPEC_LIMITS.maxLength) {
    return {
      message: `the spec is ${text.length} characters long (the limit is ${SPEC_LIMITS.maxLength}, 8 Mi); a spec is a short description of data files, not data — for very many layers use \`model.activations\` (one .npz/.mat/.h5 file, every variable a layer) instead of one \`layers:\` entry each`,
      offset: 0,
    };
  }
  const tooDeep = (offset: number) => ({ message: `YAML nesting deeper than ${SPEC_LIMITS.maxDepth} levels (a spec needs fewer than 10)`, offset });
  const indents: number[] = [];
  let flow = 0;
  let lineStart = 0;
  while (lineStart < text.length) {
    let lineEnd = text.indexOf('\n', lineStart);
    if (lineEnd < 0) lineEnd = text.length;
    let i = lineStart;
    while (i < lineEnd && text[i] === ' ') i++;
    const blank = i >= lineEnd || text[i] === '#' || text[i] === '\r';
    if (!blank && flow === 0) {
      const indent = i - lineStart;
      while (indents.length > 0 && indents[indents.length - 1]! >= indent) indents.pop();
      indents.push(indent);
      let indicators = 0;
      for (let j = i; j + 1 < lineEnd && (text[j] === '-' || text[j] === '?') && (text[j + 1] === ' ' || text[j + 1] === '\t'); j += 2) {
        indicators++;
        while (j + 2 < lineEnd && text[j + 2] === ' ') j++;
      }
      if (indents.length + indicators > SPEC_LIMITS.maxDepth) return tooDeep(i);
    }
    let quote = '';
    for (let j = i; j < lineEnd; j++) {
      const ch = text[j]!;
      if (quote) {
        if (ch === quote) {
          if (quote === "'" && text[j + 1] === "'") j++;
          else quote = '';
        } else if (ch === '\\' && quote === '"') j++;
        continue;
      }
      const previous = j > lineStart ? text[j - 1]! : ' ';
      if (ch === '#' && (previous === ' ' || previous === '\t')) break;
      if ((ch === '"' || ch === "'") && ' \t[{,:'.includes(previous)) quote = ch;
      else if (ch === '[' || ch === '{') {
        if (++flow + indents.length > SPEC_LIMITS.maxDepth) return tooDeep(j);
      } else if ((ch === ']' || ch === '}') && flow > 0) flow--;
    }
    lineStart = lineEnd + 1;
  }
  return undefined;
}

function firstLine(message: string): string {
  return message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
}

export function offsetToPosition(parsed: ParsedSpec, offset: number): Position {
  const clamped = Math.max(0, Math.min(offset, parsed.text.length));
  const { line, col } = parsed.lineCounter.linePos(clamped);
  return { line: line - 1, character: col - 1 };
}

export function positionToOffset(parsed: ParsedSpec, position: Position): number {
  const starts = parsed.lineCounter.lineStarts;
  if (position.line < 0) return 0;
  if (position.line >= starts.length) return parsed.text.length;
  return Math.min(starts[position.line]! + position.character, parsed.text.length);
}

export function offsetsToRange(parsed: ParsedSpec, start: number, end: number): Range {
  return { start: offsetToPosition(parsed, start), end: offsetToPosition(parsed, Math.max(start, end)) };
}

/** The node at `path` (a value node), or undefined. */
export function nodeAt(parsed: ParsedSpec, path: SpecPath): Node | undefined {
  if (path.length === 0) return (parsed.document.contents as Node | null) ?? undefined;
  const node = parsed.document.getIn(path, true);
  return node && typeof node === 'object' && 'range' in (node as object) ? (node as Node) : undefined;
}

/** The key/value pair whose key is the last element of `path`. */
export function pairAt(parsed: ParsedSpec, path: SpecPath): Pair | undefined {
  if (path.length === 0) return undefined;
  const parent = nodeAt(parsed, path.slice(0, -1));
  if (!isMap(parent)) return undefined;
  const last = path[path.length - 1];
  return parent.items.find((item) => isScalar(item.key) && item.key.value === last) as Pair | undefined;
}

function nodeRange(parsed: ParsedSpec, node: Node | null | undefined): Range | undefined {
  if (!node || !node.range) return undefined;
  return offsetsToRange(parsed, node.range[0], node.range[1]);
}

/**
 * Where to report a problem about `path`: 'value' = the value node; 'key' = the key of the pair
 * (falls back to the value for list items). Walks up to the nearest existing ancestor.
 */
export function rangeAt(parsed: ParsedSpec, path: SpecPath, part: 'key' | 'value' = 'value'): Range {
  for (let depth = path.length; depth >= 0; depth--) {
    const sub = path.slice(0, depth);
    if (part === 'key' || depth < path.length) {
      const pair = pairAt(parsed, sub);
      if (pair && isScalar(pair.key)) {
        const r = nodeRange(parsed, pair.key as Node);
        if (r) return r;
      }
    }
    const node = nodeAt(parsed, sub);
    if (node) {
      const r = nodeRange(parsed, node);
      if (r) return depth === 0 ? firstLineOf(parsed, r) : r;
    }
  }
  return { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
}

function firstLineOf(parsed: ParsedSpec, r: Range): Range {
  const lineEnd = parsed.text.indexOf('\n', positionToOffset(parsed, r.start));
  const end = lineEnd < 0 ? r.end : offsetToPosition(parsed, lineEnd);
  return { start: r.start, end };
}

/** The path of keys/indices leading to the innermost node containing `offset`. */
export function pathAtOffset(parsed: ParsedSpec, offset: number): { path: SpecPath; onKey: boolean } {
  const path: SpecPath = [];
  let node: unknown = parsed.document.contents;
  let onKey = false;
  for (;;) {
    if (isMap(node)) {
      const pair = node.items.find((item) => {
        const k = item.key as Node | null;
        const v = item.value as Node | null;
        const start = k?.range?.[0] ?? v?.range?.[0];
        const end = v?.range?.[2] ?? k?.range?.[2];
        return start !== undefined && end !== undefined && offset >= start && offset <= end;
      });
      if (!pair || !isScalar(pair.key)) break;
      path.push(String(pair.key.value));
      const keyNode = pair.key as Node;
      if (keyNode.range && offset <= keyNode.range[1]) {
        onKey = true;
        break;
      }
      node = pair.value;
    } else if (isSeq(node)) {
      const index = node.items.findIndex((item) => {
        const n = item as Node;
        return n?.range && offset >= n.range[0] && offset <= n.range[2];
      });
      if (index < 0) break;
      path.push(index);
      node = node.items[index];
    } else {
      break;
    }
  }
  return { path, onKey };
}

export { isMap, isPair, isScalar, isSeq };
