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

export function parseSpec(text: string): ParsedSpec {
  const lineCounter = new LineCounter();
  // Each YAML error is an Error whose stack capture dominates parsing a half-typed spec (the
  // language server parses on every keystroke); the stack of a syntax error is never shown.
  const stackTraceLimit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  let document: Document.Parsed;
  try {
    document = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true, strict: true, logLevel: 'error' });
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
  try {
    parsed.value = document.toJS({ maxAliasCount: 100 });
  } catch (e) {
    parsed.problems.push({ severity: 'error', message: `YAML: ${(e as Error).message}`, range: offsetsToRange(parsed, 0, 0), code: 'yaml.syntax' });
  }
  return parsed;
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
