/**
 * Completion: keys from the schema at the cursor (a comparison's keys follow its `metric`), enum
 * values with their markdown, snippets for a whole comparison / layer / region, file paths
 * relative to the spec, the variables inside the referenced data file (with shape and dtype),
 * and names defined elsewhere in the spec (layers, regions, label columns).
 */
import { tensorCompletions } from './onnx';
import { readdir, readFile } from 'node:fs/promises';
import { dirname, resolve, sep } from 'node:path';
import { CompletionItemKind, InsertTextFormat, MarkupKind, type CompletionItem, type Position, type Range } from 'vscode-languageserver-types';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { parseSpec, schemaAtPointer, type SpecPath } from '../../engine/spec';
import { enumValues, markdownOf, propertiesAtPath, schemasAtPath, takesNamedEntries, typesOf, valueAt, type SchemaNode } from '../../engine/spec/lsp-support';
import type { VariableInfo } from '../../engine/io';
import { cursorContext, type CursorContext } from './context';
import { specFileOf, type ServiceContext } from './document';

const READABLE = /\.(npy|npz|mat|h5|hdf5|csv|tsv|json)$/i;
const TABLES = /\.(csv|tsv)$/i;

/**
 * The spec's value around the cursor: the document parsed with the cursor's line blanked, so that
 * a half-typed line does not hide the rest. Cached by that text: while a user types on one line
 * it does not change, so completion does not re-parse the whole spec on every keystroke.
 */
const aroundCache = new Map<string, { text: string; value: unknown }>();

function instanceAround(document: TextDocument, line: number): unknown {
  const lines = document.getText().split('\n');
  if (line < lines.length) lines[line] = '';
  const blanked = lines.join('\n');
  const hit = aroundCache.get(document.uri);
  if (hit && hit.text === blanked) return hit.value;
  const value = parseSpec(blanked).value;
  if (aroundCache.size > 32) aroundCache.clear();
  aroundCache.set(document.uri, { text: blanked, value });
  return value;
}

/** A copy of `root` with an empty mapping inserted as list item `path` (a `- ` just typed before other items). */
function withNewItem(root: unknown, path: SpecPath): unknown {
  const copy = structuredClone(root);
  const list = valueAt(copy, path.slice(0, -1));
  if (Array.isArray(list)) list.splice(Number(path[path.length - 1]), 0, {});
  return copy;
}

/** Whether the list item on `line` has no content on the lines below (so it is a new, empty item). */
function isNewItem(text: string, line: number, indent: number): boolean {
  const lines = text.split(/\r?\n/);
  for (let j = line + 1; j < lines.length; j++) {
    const l = lines[j]!;
    if (l.trim() === '' || l.trim().startsWith('#')) continue;
    return l.length - l.trimStart().length < indent;
  }
  return true;
}

function isObject(x: unknown): x is Record<string, unknown> {
  return x !== null && typeof x === 'object' && !Array.isArray(x);
}

export async function computeCompletions(document: TextDocument, position: Position, context: ServiceContext): Promise<CompletionItem[]> {
  const text = document.getText();
  if (position.line >= document.lineCount) return [];
  const cursor = cursorContext(text, position.line, position.character);
  let root = instanceAround(document, position.line);
  const range: Range = { start: { line: position.line, character: cursor.replaceStart }, end: { line: position.line, character: Math.max(cursor.replaceStart, cursor.replaceEnd) } };
  const specFile = specFileOf(document.uri);

  if (cursor.kind === 'key') {
    if (cursor.itemPath) {
      const fresh = isNewItem(text, position.line, cursor.indent);
      if (fresh) root = withNewItem(root, cursor.itemPath);
      const itemSchemas = schemasAtPath(root, cursor.itemPath);
      if (!typesOf(itemSchemas).has('object')) return valueCompletions(cursor.itemPath, cursor, root, range, specFile, context);
      const listPath = cursor.itemPath.slice(0, -1);
      const items = keyCompletions(cursor.itemPath, cursor, root, range);
      if (listPath.length === 1 && listPath[0] === 'comparisons' && fresh) items.push(...comparisonSnippets(cursor, range, false));
      return items;
    }
    const here = schemasAtPath(root, cursor.path);
    if (typesOf(here).has('array') && !typesOf(here).has('object')) {
      return cursor.path.length === 1 && cursor.path[0] === 'comparisons' ? comparisonSnippets(cursor, range, true) : [];
    }
    return keyCompletions(cursor.path, cursor, root, range);
  }
  return valueCompletions(cursor.path, cursor, root, range, specFile, context);
}

// ---------------------------------------------------------------- keys

function keyCompletions(path: SpecPath, cursor: CursorContext, root: unknown, range: Range): CompletionItem[] {
  const present = valueAt(root, path);
  const items: CompletionItem[] = [];
  for (const property of propertiesAtPath(root, path)) {
    if (isObject(present) && property.name in present) continue;
    if (cursor.inFlow && new RegExp(`[{,]\\s*${property.name}\\s*:`).test(cursor.lineText)) continue;
    items.push({
      label: property.name,
      kind: CompletionItemKind.Property,
      ...markdownDoc(markdownOf(property.schemas)),
      ...(property.required ? { sortText: `0${property.name}` } : { sortText: `1${property.name}` }),
      textEdit: { range, newText: keySnippet(property.name, property.schemas, cursor) },
      insertTextFormat: InsertTextFormat.Snippet,
    });
  }
  if (takesNamedEntries(root, path)) {
    const what = path[0] === 'brain' ? 'brain region' : 'model layer';
    const name = path[0] === 'brain' ? 'IT' : 'layer';
    items.push({
      label: `new ${what}`,
      kind: CompletionItemKind.Snippet,
      detail: `${name}: { file: ..., key: ..., kind: ... }`,
      documentation: { kind: MarkupKind.Markdown, value: markdownOf(schemasAtPath(root, [...path, '\u0000'])) ?? '' },
      sortText: '2',
      filterText: cursor.prefix || name,
      textEdit: { range, newText: `\${1:${name}}: { file: \${2}, key: \${3}, kind: \${4|responses,repeats,rdm|} }` },
      insertTextFormat: InsertTextFormat.Snippet,
    });
  }
  return items;
}

function escapeSnippet(text: string): string {
  return text.replace(/[$}\\]/g, (c) => `\\${c}`);
}

function keySnippet(name: string, schemas: SchemaNode[], cursor: CursorContext): string {
  const values = enumValues(schemas).filter((v) => typeof v.value !== 'boolean' || schemas.some((s) => s.type === 'boolean'));
  const types = typesOf(schemas);
  if (values.length > 0 && !types.has('object')) {
    const ordered = [...values.filter((v) => v.isDefault), ...values.filter((v) => !v.isDefault)];
    if (ordered.length === 1) return `${name}: ${escapeSnippet(String(ordered[0]!.value))}`;
    return `${name}: \${1|${ordered.map((v) => String(v.value).replace(/[,|\\]/g, (c) => `\\${c}`)).join(',')}|}`;
  }
  if (types.has('object') && !types.has('string') && !cursor.inFlow) return `${name}:\n${' '.repeat(cursor.indent + 2)}$0`;
  if (types.has('array') && !types.has('integer') && !types.has('string')) return `${name}: [$1]`;
  return `${name}: $1`;
}

/** A whole comparison per metric, with the metric's enum parameters as choices (default first). */
function comparisonSnippets(cursor: CursorContext, range: Range, withDash: boolean): CompletionItem[] {
  const metricSchema = schemaAtPointer('#/$defs/comparison/properties/metric')!;
  const metrics = enumValues([metricSchema]);
  const pad = ' '.repeat(cursor.indent + (withDash ? 2 : 0));
  return metrics.map(({ value: metric, markdown }) => {
    const lines = [`name: \${1:${metric}}`, `metric: ${metric}`];
    let tab = 2;
    const own = (schemaAtPointer(`#/$defs/${metric}Comparison`)?.properties ?? {}) as Record<string, SchemaNode>;
    for (const [key, sub] of Object.entries(own)) {
      const values = enumValues([sub]);
      if (values.length > 1 && sub.type !== 'boolean') {
        const ordered = [...values.filter((v) => v.isDefault), ...values.filter((v) => !v.isDefault)];
        lines.push(`${key}: \${${tab++}|${ordered.map((v) => String(v.value)).join(',')}|}`);
      } else if (sub.$ref === '#/$defs/cv') {
        lines.push(`cv: { scheme: \${${tab++}|kfold,shuffle-split,leave-one-out,group-kfold,indices|}, folds: \${${tab++}:5}, seed: \${${tab++}:0} }`);
      }
    }
    const body = lines.map((l, i) => (i === 0 ? l : pad + l)).join('\n');
    return {
      label: `comparison: ${metric}`,
      kind: CompletionItemKind.Snippet,
      detail: `Insert a ${metric} comparison`,
      ...markdownDoc(markdown),
      sortText: `3${metric}`,
      filterText: cursor.prefix ? `${cursor.prefix}` : `comparison ${metric}`,
      textEdit: { range, newText: withDash ? `- ${body}` : body },
      insertTextFormat: InsertTextFormat.Snippet,
    };
  });
}

// ---------------------------------------------------------------- values

async function valueCompletions(path: SpecPath, cursor: CursorContext, root: unknown, range: Range, specFile: string, context: ServiceContext): Promise<CompletionItem[]> {
  const last = path[path.length - 1];
  const schemas = schemasAtPath(root, path);
  const items: CompletionItem[] = enumValues(schemas).map((v) => ({
    label: String(v.value),
    kind: typeof v.value === 'boolean' ? CompletionItemKind.Value : CompletionItemKind.EnumMember,
    ...(v.isDefault ? { detail: '(default)' } : {}),
    ...markdownDoc(v.markdown),
    sortText: `${v.isDefault ? 0 : 1}${String(v.value)}`,
    textEdit: { range, newText: String(v.value) },
  }));
  const baseDir = dirname(specFile);
  const isLabels = path.length >= 2 && path[0] === 'stimuli' && path[1] === 'labels' && (path.length === 2 || last === 'file');
  if (last === 'file' || isLabels) {
    items.push(...(await fileCompletions(baseDir, cursor, range, isLabels || path.includes('cv') ? /\.(csv|tsv|json)$/i : READABLE)));
  } else if (last === 'output' && path[0] === 'model' && path[1] === 'layers' && path.length === 4) {
    items.push(...tensorCompletions(root, baseDir, range));
  } else if (last === 'key') {
    const owner = valueAt(root, path.slice(0, -1));
    const file = isObject(owner) && typeof owner.file === 'string' ? owner.file : cursor.inFlow ? /\bfile\s*:\s*["']?([^\s"',}]+)/.exec(cursor.lineText)?.[1] : undefined;
    if (file) items.push(...(await variableCompletions(resolve(baseDir, file), range, context)));
  } else if (path[0] === 'comparisons' && (path[2] === 'layers' || path[2] === 'regions') && path.length <= 4) {
    const names = path[2] === 'layers' ? Object.keys((valueAt(root, ['model', 'layers']) as object) ?? {}) : Object.keys((valueAt(root, ['brain']) as object) ?? {});
    const inList = path.length === 4;
    for (const name of names) {
      items.push({ label: name, kind: CompletionItemKind.Reference, detail: path[2] === 'layers' ? 'model layer' : 'brain region', textEdit: { range, newText: inList || cursor.inFlow ? name : `[${name}]` } });
    }
  } else if ((last === 'stratify' || last === 'group') && path.includes('cv')) {
    items.push(...(await labelColumnCompletions(root, baseDir, range)));
  }
  return items;
}

function markdownDoc(markdown: string | undefined): { documentation?: { kind: 'markdown'; value: string } } {
  return markdown ? { documentation: { kind: MarkupKind.Markdown, value: markdown } } : {};
}

async function fileCompletions(baseDir: string, cursor: CursorContext, range: Range, accept: RegExp): Promise<CompletionItem[]> {
  const typed = cursor.prefix;
  const slash = typed.lastIndexOf('/');
  const folderPart = slash >= 0 ? typed.slice(0, slash + 1) : '';
  const folder = resolve(baseDir, folderPart || '.');
  let entries;
  try {
    entries = await readdir(folder, { withFileTypes: true });
  } catch {
    return [];
  }
  const segmentRange: Range = { start: { line: range.start.line, character: range.start.character + folderPart.length }, end: range.end };
  const items: CompletionItem[] = [];
  for (const entry of entries) {
    if (entry.name.startsWith('.')) continue;
    const isFolder = entry.isDirectory();
    if (!isFolder && !accept.test(entry.name)) continue;
    items.push({
      label: isFolder ? `${entry.name}/` : entry.name,
      kind: isFolder ? CompletionItemKind.Folder : CompletionItemKind.File,
      detail: `${folder}${sep}${entry.name}`,
      sortText: `${isFolder ? 1 : 0}${entry.name}`,
      textEdit: { range: segmentRange, newText: isFolder ? `${entry.name}/` : entry.name },
      ...(isFolder ? { command: { title: 'Suggest', command: 'editor.action.triggerSuggest' } } : {}),
    });
  }
  return items;
}

export function shapeText(shape: readonly number[]): string {
  return `(${shape.join(', ')}${shape.length === 1 ? ',' : ''})`;
}

/** Every selectable variable: numeric arrays, and struct fields / HDF5 group members as dotted paths. */
export function flattenVariables(list: VariableInfo[]): { selector: string; info: VariableInfo }[] {
  const out: { selector: string; info: VariableInfo }[] = [];
  const walk = (items: VariableInfo[], prefix: string) => {
    for (const item of items) {
      const selector = prefix ? `${prefix}.${item.name}` : item.name;
      out.push({ selector, info: item });
      if (item.fields) walk(item.fields, item.kind === 'struct' && item.shape.some((d) => d > 1) ? `${selector}[0]` : selector);
    }
  };
  walk(list, '');
  return out;
}

export function variableDetail(info: VariableInfo): string {
  if (info.unsupported) return `${shapeText(info.shape)} — unsupported: ${info.unsupported}`;
  if (info.kind === 'struct') return `struct ${shapeText(info.shape)}`;
  if (info.kind === 'cell') return `cell ${shapeText(info.shape)}`;
  return `${info.dtype ?? info.kind} ${shapeText(info.shape)}`;
}

async function variableCompletions(file: string, range: Range, context: ServiceContext): Promise<CompletionItem[]> {
  let list: VariableInfo[];
  try {
    list = await context.io.variables(file);
  } catch {
    return [];
  }
  return flattenVariables(list).map(({ selector, info }, index) => ({
    label: selector,
    kind: info.kind === 'struct' ? CompletionItemKind.Struct : CompletionItemKind.Variable,
    detail: variableDetail(info),
    sortText: String(index).padStart(5, '0'),
    textEdit: { range, newText: selector },
  }));
}

async function labelColumnCompletions(root: unknown, baseDir: string, range: Range): Promise<CompletionItem[]> {
  const labels = valueAt(root, ['stimuli', 'labels']);
  const file = typeof labels === 'string' ? labels : isObject(labels) && typeof labels.file === 'string' ? labels.file : undefined;
  if (!file || !TABLES.test(file)) return [];
  let head: string;
  try {
    head = (await readFile(resolve(baseDir, file), 'utf8')).split(/\r?\n/, 1)[0] ?? '';
  } catch {
    return [];
  }
  const delimiter = /\.tsv$/i.test(file) ? '\t' : ',';
  return head
    .split(delimiter)
    .map((c) => c.trim().replace(/^"|"$/g, ''))
    .filter(Boolean)
    .map((column) => ({ label: column, kind: CompletionItemKind.Field, detail: `column of ${file}`, textEdit: { range, newText: column } }));
}
