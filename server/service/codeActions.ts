/**
 * Quick fixes: did-you-mean replacements from a problem's suggestions (misspelt keys, enum values,
 * layer/region names, variables) and "add the missing required key" for `schema.missing-key`.
 */
import { CodeActionKind, type CodeAction, type Diagnostic, type Range } from 'vscode-languageserver-types';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { isMap, nodeAt, offsetToPosition, pairAt, type ParsedSpec, type SpecPath } from '../../engine/spec';
import { enumValues, schemasAtPath, typesOf, type SchemaNode } from '../../engine/spec/lsp-support';
import type { DiagnosticData } from './diagnostics';
import { parsedOf } from './document';

export function computeCodeActions(document: TextDocument, range: Range, diagnostics: Diagnostic[]): CodeAction[] {
  const actions: CodeAction[] = [];
  for (const diagnostic of diagnostics) {
    if (diagnostic.source !== 'simspec') continue;
    const data = (diagnostic.data ?? {}) as DiagnosticData;
    (data.suggestions ?? []).forEach((suggestion, i) => {
      actions.push({
        title: `Change to '${suggestion}'`,
        kind: CodeActionKind.QuickFix,
        diagnostics: [diagnostic],
        isPreferred: i === 0,
        edit: { changes: { [document.uri]: [{ range: diagnostic.range, newText: suggestion }] } },
      });
    });
    if (diagnostic.code === 'schema.missing-key' && data.path?.length) {
      const edit = missingKeyEdit(parsedOf(document), data.path);
      if (edit) {
        actions.push({
          title: `Add missing key '${String(data.path[data.path.length - 1])}'`,
          kind: CodeActionKind.QuickFix,
          diagnostics: [diagnostic],
          isPreferred: !data.suggestions?.length,
          edit: { changes: { [document.uri]: [edit] } },
        });
      }
    }
  }
  void range;
  return actions;
}

/** Ready-made sections for the top-level keys whose generic skeleton would say too little. */
const TEMPLATES: Record<string, string[]> = {
  model: ['layers:', '  layer1: { file: "", key: "" }'],
  brain: ['IT: { file: "", key: "" }'],
  comparisons: ['- name: rsa', '  metric: rsa'],
};

/** Lines of a placeholder value for a key (relative indentation; first line goes after `key:`). */
function skeleton(name: string, schemas: SchemaNode[], depth = 0): { inline?: string; block?: string[] } {
  if (depth === 0 && TEMPLATES[name]) return { block: TEMPLATES[name] };
  const values = enumValues(schemas).filter((v) => typeof v.value !== 'boolean');
  if (values.length) return { inline: String((values.find((v) => v.isDefault) ?? values[0]!).value) };
  const types = typesOf(schemas);
  if (types.has('object')) {
    const required = [...new Set(schemas.flatMap((s) => (s.required as string[] | undefined) ?? []))];
    if (required.length === 0 || depth > 3) return { inline: '{}' };
    const lines: string[] = [];
    for (const key of required) {
      const sub = schemas.flatMap((s) => ((s.properties as Record<string, SchemaNode> | undefined)?.[key] ? [(s.properties as Record<string, SchemaNode>)[key]!] : []));
      const inner = skeleton(key, sub, depth + 1);
      if (inner.block) lines.push(`${key}:`, ...inner.block.map((l) => `  ${l}`));
      else lines.push(`${key}: ${inner.inline}`);
    }
    return { block: lines };
  }
  if (types.has('array')) return { inline: '[]' };
  if (types.has('integer') || types.has('number')) return { inline: '0' };
  if (types.has('boolean')) return { inline: 'false' };
  return { inline: '""' };
}

function lineEnd(parsed: ParsedSpec, offset: number): number {
  const i = parsed.text.indexOf('\n', offset);
  return i < 0 ? parsed.text.length : i;
}

function columnOf(parsed: ParsedSpec, offset: number): number {
  return offsetToPosition(parsed, offset).character;
}

export function missingKeyEdit(parsed: ParsedSpec, path: SpecPath): { range: Range; newText: string } | undefined {
  const parentPath = path.slice(0, -1);
  const key = String(path[path.length - 1]);
  const value = skeleton(key, schemasAtPath(parsed.value, path));
  const parent = nodeAt(parsed, parentPath);
  const render = (indent: number) => {
    const pad = ' '.repeat(indent);
    return value.block ? `${pad}${key}:\n${value.block.map((l) => `${pad}  ${l}`).join('\n')}` : `${pad}${key}: ${value.inline}`;
  };
  const at = (offset: number) => ({ start: offsetToPosition(parsed, offset), end: offsetToPosition(parsed, offset) });
  if (isMap(parent) && parent.range) {
    if (parent.flow) {
      const close = parsed.text.lastIndexOf('}', parent.range[1]);
      if (close < 0) return undefined;
      const inline = value.inline ?? '{}';
      return { range: at(close), newText: `${parent.items.length ? ', ' : ''}${key}: ${inline} ` };
    }
    const first = parent.items[0]?.key as { range?: number[] } | undefined;
    const last = parent.items[parent.items.length - 1];
    const indent = first?.range ? columnOf(parsed, first.range[0]!) : 0;
    const lastEnd = (last?.value as { range?: number[] } | null)?.range?.[1] ?? (last?.key as { range?: number[] } | null)?.range?.[1] ?? parent.range[1];
    let end = lastEnd;
    while (end > 0 && /\s/.test(parsed.text[end - 1]!)) end--;
    const insertAt = lineEnd(parsed, end);
    return { range: at(insertAt), newText: `\n${render(indent)}` };
  }
  // The parent is empty (`model:` with nothing after it) or the document is empty.
  if (parentPath.length === 0) {
    const end = parsed.text.length;
    const needsNewline = end > 0 && !parsed.text.endsWith('\n');
    return { range: at(end), newText: `${needsNewline ? '\n' : ''}${render(0)}\n` };
  }
  const pair = pairAt(parsed, parentPath);
  const keyRange = (pair?.key as { range?: number[] } | undefined)?.range;
  if (!keyRange) return undefined;
  const indent = columnOf(parsed, keyRange[0]!) + 2;
  return { range: at(lineEnd(parsed, keyRange[1]!)), newText: `\n${render(indent)}` };
}
