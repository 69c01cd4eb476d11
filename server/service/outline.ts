/** Document symbols (the outline: model layers, brain regions, comparisons, statistics) and folding ranges. */
import { SymbolKind, type DocumentSymbol, type FoldingRange, type Range } from 'vscode-languageserver-types';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { visit, type Node, type Pair } from 'yaml';
import { isMap, isScalar, isSeq, offsetsToRange, offsetToPosition, type ParsedSpec } from '../../engine/spec';
import { parsedOf } from './document';

/** The offset before any trailing whitespace (a block collection's range runs to the next line). */
function trimEnd(parsed: ParsedSpec, start: number, end: number): number {
  while (end > start && /\s/.test(parsed.text[end - 1]!)) end--;
  return end;
}

function pairRanges(parsed: ParsedSpec, pair: Pair): { range: Range; selectionRange: Range } | undefined {
  const key = pair.key as Node | null;
  const value = pair.value as Node | null;
  if (!key?.range) return undefined;
  const end = value?.range ? value.range[1] : key.range[1];
  return { range: offsetsToRange(parsed, key.range[0], trimEnd(parsed, key.range[1], Math.max(end, key.range[1]))), selectionRange: offsetsToRange(parsed, key.range[0], key.range[1]) };
}

function detailOf(value: unknown): string | undefined {
  if (!isMap(value)) return undefined;
  const file = value.items.find((p) => isScalar(p.key) && p.key.value === 'file')?.value;
  const key = value.items.find((p) => isScalar(p.key) && p.key.value === 'key')?.value;
  if (!isScalar(file)) return undefined;
  return `${String(file.value)}${isScalar(key) ? ` : ${String(key.value)}` : ''}`;
}

function entries(parsed: ParsedSpec, map: unknown, kind: SymbolKind): DocumentSymbol[] {
  if (!isMap(map)) return [];
  const out: DocumentSymbol[] = [];
  for (const pair of map.items) {
    if (!isScalar(pair.key)) continue;
    const ranges = pairRanges(parsed, pair);
    if (!ranges) continue;
    const detail = detailOf(pair.value);
    out.push({ name: String(pair.key.value) || '?', kind, ...ranges, ...(detail ? { detail } : {}) });
  }
  return out;
}

export function computeSymbols(document: TextDocument): DocumentSymbol[] {
  const parsed = parsedOf(document);
  const root = parsed.document.contents;
  if (!isMap(root)) return [];
  const symbols: DocumentSymbol[] = [];
  for (const pair of root.items) {
    if (!isScalar(pair.key)) continue;
    const name = String(pair.key.value);
    const ranges = pairRanges(parsed, pair);
    if (!ranges || !name) continue;
    const value = pair.value;
    if (name === 'model') {
      const layers = isMap(value) ? value.items.find((p) => isScalar(p.key) && p.key.value === 'layers')?.value : undefined;
      const activations = isMap(value) ? value.items.find((p) => isScalar(p.key) && p.key.value === 'activations') : undefined;
      const children = entries(parsed, layers, SymbolKind.Field);
      if (activations && pairRanges(parsed, activations)) children.push({ name: 'activations', kind: SymbolKind.File, ...pairRanges(parsed, activations)!, ...(detailOf(activations.value) ? { detail: detailOf(activations.value)! } : {}) });
      symbols.push({ name: 'model', kind: SymbolKind.Module, ...ranges, children });
    } else if (name === 'brain') {
      symbols.push({ name: 'brain', kind: SymbolKind.Namespace, ...ranges, children: entries(parsed, value, SymbolKind.Field) });
    } else if (name === 'comparisons') {
      const children: DocumentSymbol[] = [];
      if (isSeq(value)) {
        value.items.forEach((item, index) => {
          if (!isMap(item) || !item.range) return;
          const get = (k: string) => item.items.find((p) => isScalar(p.key) && p.key.value === k)?.value;
          const nameNode = get('name');
          const metricNode = get('metric');
          const range = offsetsToRange(parsed, item.range[0], trimEnd(parsed, item.range[0], item.range[1]));
          const selection = isScalar(nameNode) && nameNode.range ? offsetsToRange(parsed, nameNode.range[0], nameNode.range[1]) : { start: range.start, end: range.start };
          const label = isScalar(nameNode) && String(nameNode.value ?? '') !== '' ? String(nameNode.value) : `comparison ${index + 1}`;
          children.push({ name: label, kind: SymbolKind.Function, range, selectionRange: selection, ...(isScalar(metricNode) ? { detail: String(metricNode.value) } : {}) });
        });
      }
      symbols.push({ name: 'comparisons', kind: SymbolKind.Array, ...ranges, children });
    } else if (name === 'statistics' || name === 'stimuli') {
      symbols.push({ name, kind: SymbolKind.Object, ...ranges, children: entries(parsed, value, SymbolKind.Property) });
    }
  }
  return symbols;
}

export function computeFoldingRanges(document: TextDocument): FoldingRange[] {
  const parsed = parsedOf(document);
  const ranges: FoldingRange[] = [];
  const seen = new Set<number>();
  const add = (startOffset: number, endOffset: number) => {
    const startLine = offsetToPosition(parsed, startOffset).line;
    // End on the last line that has content (the range end may be at the start of the next line).
    let end = endOffset;
    while (end > startOffset && /\s/.test(parsed.text[end - 1]!)) end--;
    const endLine = offsetToPosition(parsed, end).line;
    if (endLine > startLine && !seen.has(startLine)) {
      seen.add(startLine);
      ranges.push({ startLine, endLine });
    }
  };
  visit(parsed.document, {
    Pair(_, pair) {
      const key = pair.key as Node | null;
      const value = pair.value as Node | null;
      if (key?.range && value?.range && (isMap(value) || isSeq(value))) add(key.range[0], value.range[1]);
    },
    Seq(_, seq) {
      for (const item of seq.items) {
        const n = item as Node | null;
        if (n?.range && isMap(n)) add(n.range[0], n.range[1]);
      }
    },
  });
  return ranges.sort((a, b) => a.startLine - b.startLine);
}
