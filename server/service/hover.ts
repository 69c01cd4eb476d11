/**
 * Hover: the schema's markdown for the key or value under the cursor (for an enum value, what
 * that value means — metrics and methods come with their formula, invariances and citation), and
 * for data references (`file:`, `key:`, layer and region names) what the data file holds.
 */
import { tensorHover } from './onnx';
import { stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { MarkupKind, type Hover, type Position, type Range } from 'vscode-languageserver-types';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { isScalar, nodeAt, offsetsToRange, pairAt, pathAtOffset, positionToOffset, type ParsedSpec, type SpecPath } from '../../engine/spec';
import { enumMarkdown, markdownOf, schemasAtPath, valueAt } from '../../engine/spec/lsp-support';
import { flattenVariables, shapeText, variableDetail } from './completion';
import { parsedOf, specFileOf, type ServiceContext } from './document';

const BYTES: Record<string, number> = { float64: 8, float32: 4, float16: 2, int64: 8, int32: 4, int16: 2, int8: 1, uint64: 8, uint32: 4, uint16: 2, uint8: 1, bool: 1, char: 2 };

function isObject(x: unknown): x is Record<string, unknown> {
  return x !== null && typeof x === 'object' && !Array.isArray(x);
}

function sizeText(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 ** 2) return `${(bytes / 1024).toFixed(1)} KiB`;
  if (bytes < 1024 ** 3) return `${(bytes / 1024 ** 2).toFixed(1)} MiB`;
  return `${(bytes / 1024 ** 3).toFixed(2)} GiB`;
}

function rangeOfKey(parsed: ParsedSpec, path: SpecPath): Range | undefined {
  const pair = pairAt(parsed, path);
  const r = (pair?.key as { range?: [number, number, number] } | undefined)?.range;
  return r ? offsetsToRange(parsed, r[0], r[1]) : undefined;
}

function rangeOfValue(parsed: ParsedSpec, path: SpecPath): Range | undefined {
  const r = nodeAt(parsed, path)?.range;
  return r ? offsetsToRange(parsed, r[0], r[1]) : undefined;
}

/** What a data source holds: `file`'s variables, or the selected variable's shape, dtype and size. */
export async function describeSource(owner: Record<string, unknown>, baseDir: string, context: ServiceContext, part: 'file' | 'key'): Promise<string | undefined> {
  if (typeof owner.file !== 'string') return undefined;
  const path = resolve(baseDir, owner.file);
  let fileSize: number;
  try {
    fileSize = (await stat(path)).size;
  } catch {
    return `File not found: \`${path}\``;
  }
  const key = typeof owner.key === 'string' ? owner.key : undefined;
  if (part === 'key' || key !== undefined) {
    try {
      const d = await context.io.describe(path, key);
      const elements = d.shape.reduce((a, b) => a * b, 1);
      const bytes = elements * (BYTES[d.dtype] ?? 8);
      return `\`${key ?? owner.file}\`: **${d.dtype}**, shape **${shapeText(d.shape)}**, ${elements} elements (${sizeText(bytes)})`;
    } catch (e) {
      return `Cannot read \`${key ?? ''}\`: ${(e as Error).message}`;
    }
  }
  try {
    const vars = flattenVariables(await context.io.variables(path));
    const shown = vars.slice(0, 12).map(({ selector, info }) => `- \`${selector}\`: ${variableDetail(info)}`);
    if (vars.length > 12) shown.push(`- … ${vars.length - 12} more`);
    return [`\`${owner.file}\` (${sizeText(fileSize)}), ${vars.length} variable${vars.length === 1 ? '' : 's'}:`, ...shown].join('\n');
  } catch (e) {
    return `\`${owner.file}\` (${sizeText(fileSize)}): ${(e as Error).message}`;
  }
}

export async function computeHover(document: TextDocument, position: Position, context: ServiceContext): Promise<Hover | null> {
  const parsed = parsedOf(document);
  const offset = positionToOffset(parsed, position);
  const { path, onKey } = pathAtOffset(parsed, offset);
  if (path.length === 0) return null;
  const root = parsed.value;
  const baseDir = dirname(specFileOf(document.uri));
  const schemas = schemasAtPath(root, path);
  const last = path[path.length - 1]!;
  const sections: string[] = [];
  const isRepresentation = (path.length === 3 && path[0] === 'model' && path[1] === 'layers') || (path.length === 2 && path[0] === 'brain');

  if (onKey) {
    const range = rangeOfKey(parsed, path);
    if (isRepresentation) {
      sections.push(`**${path[0] === 'brain' ? 'Brain region' : 'Model layer'}** \`${String(last)}\``);
      const owner = valueAt(root, path);
      if (isObject(owner) && typeof owner.output === 'string') {
        const info = tensorHover(root, baseDir, owner.output);
        if (info) sections.push(info);
      } else if (isObject(owner)) {
        const info = await describeSource(owner, baseDir, context, 'key');
        if (info) sections.push(info);
      }
    } else {
      sections.push(`**${String(last)}**`);
      const md = markdownOf(schemas);
      if (md) sections.push(md);
      const value = valueAt(root, path);
      const valueMd = isScalar(nodeAt(parsed, path)) ? enumMarkdown(schemas, value) : undefined;
      if (valueMd) sections.push(`\`${String(value)}\`: ${valueMd}`);
      // A comparison parameter: recall the metric it belongs to.
      if (path[0] === 'comparisons' && path.length === 3 && last !== 'metric' && last !== 'name') {
        const metric = valueAt(root, [path[0], path[1]!, 'metric']);
        const metricMd = enumMarkdown(schemasAtPath(root, [path[0], path[1]!, 'metric']), metric);
        if (metricMd) sections.push(`---\nMetric \`${String(metric)}\`: ${metricMd}`);
      }
    }
    if (sections.length <= 1 && !isRepresentation) return null;
    return { contents: { kind: MarkupKind.Markdown, value: sections.join('\n\n') }, ...(range ? { range } : {}) };
  }

  const node = nodeAt(parsed, path);
  if (!isScalar(node)) return null;
  const value = node.value;
  const range = rangeOfValue(parsed, path);
  const valueMd = enumMarkdown(schemas, value);
  if (valueMd) sections.push(`**${String(last)}**: \`${String(value)}\`\n\n${valueMd}`);
  if (path[0] === 'model' && (last === 'onnx' || (last === 'output' && path[1] === 'layers')) && typeof value === 'string') {
    const info = tensorHover(root, baseDir, last === 'onnx' ? undefined : value);
    if (info) sections.push(info);
  }
  if (last === 'file' || last === 'key') {
    const owner = valueAt(root, path.slice(0, -1));
    if (isObject(owner)) {
      const info = await describeSource(owner, baseDir, context, last);
      if (info) sections.push(info);
    }
  }
  if (path[0] === 'comparisons' && (path[2] === 'layers' || path[2] === 'regions') && typeof value === 'string') {
    const owner = path[2] === 'layers' ? valueAt(root, ['model', 'layers', value]) : valueAt(root, ['brain', value]);
    if (isObject(owner)) {
      const info = await describeSource(owner, baseDir, context, 'key');
      sections.push(`**${path[2] === 'layers' ? 'Model layer' : 'Brain region'}** \`${value}\``, ...(info ? [info] : []));
    }
  }
  const keyMd = markdownOf(schemas);
  if (keyMd && sections.length === 0) sections.push(`**${String(last)}**\n\n${keyMd}`);
  else if (keyMd) sections.push(`---\n${keyMd}`);
  if (sections.length === 0) return null;
  return { contents: { kind: MarkupKind.Markdown, value: sections.join('\n\n') }, ...(range ? { range } : {}) };
}
