/** CodeLens: `▶ Run spec` on the first line, `▶ Run` above each comparison (commands are the client's). */
import type { CodeLens } from 'vscode-languageserver-types';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { isMap, isScalar, isSeq, nodeAt, offsetToPosition } from '../../engine/spec';
import { parsedOf } from './document';

export function computeCodeLenses(document: TextDocument): CodeLens[] {
  const parsed = parsedOf(document);
  const top = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
  const lenses: CodeLens[] = [{ range: top, command: { title: '▶ Run spec', command: 'simspec.runSpec', arguments: [document.uri] } }];
  const comparisons = nodeAt(parsed, ['comparisons']);
  if (!isSeq(comparisons)) return lenses;
  for (const item of comparisons.items) {
    if (!isMap(item) || !item.range) continue;
    const nameNode = item.items.find((p) => isScalar(p.key) && p.key.value === 'name')?.value;
    if (!isScalar(nameNode) || typeof nameNode.value !== 'string' || nameNode.value === '') continue;
    const start = offsetToPosition(parsed, item.range[0]);
    const range = { start: { line: start.line, character: 0 }, end: { line: start.line, character: 0 } };
    lenses.push({ range, command: { title: '▶ Run', command: 'simspec.runComparison', arguments: [document.uri, nameNode.value] } });
  }
  return lenses;
}
