/**
 * Language service for `model.onnx` (docs/model-execution.md): completion of graph tensor names
 * (with operator and shape) under a layer's `output:`, and hovers showing a tensor's producing node,
 * operator and shape, or the network's inputs and outputs on `onnx:`. The graph is read by the
 * engine's reader (engine/model/source.ts), memoised per file version.
 */
import { resolve } from 'node:path';
import { CompletionItemKind, type CompletionItem, type Range } from 'vscode-languageserver-types';
import { formatShape, type ModelGraph } from '../../engine/model/graph';
import { graphOfFile } from '../../engine/model/source';

function graphOf(root: unknown, baseDir: string): { graph: ModelGraph; file: string } | undefined {
  const model = root && typeof root === 'object' ? (root as Record<string, unknown>).model : undefined;
  const file = model && typeof model === 'object' ? (model as Record<string, unknown>).onnx : undefined;
  if (typeof file !== 'string') return undefined;
  try {
    return { graph: graphOfFile(resolve(baseDir, file), file).graph, file };
  } catch {
    return undefined;
  }
}

/** Tensors of the spec's network, for `model.layers.<name>.output`: node outputs (graph order), then the inputs. */
export function tensorCompletions(root: unknown, baseDir: string, range: Range): CompletionItem[] {
  const found = graphOf(root, baseDir);
  if (!found) return [];
  const items: CompletionItem[] = [];
  let index = 0;
  for (const info of found.graph.tensors.values()) {
    items.push({
      label: info.name,
      kind: info.op === 'input' ? CompletionItemKind.Constant : CompletionItemKind.Variable,
      detail: `${info.op} ${formatShape(info.shape)}`,
      ...(info.node ? { documentation: `node \`${info.node}\` (${info.op}), output shape ${formatShape(info.shape)}` } : {}),
      sortText: String(index++).padStart(6, '0'),
      textEdit: { range, newText: info.name },
    });
  }
  return items;
}

/** Markdown for a tensor name of the spec's network, or for the network itself (tensor undefined). */
export function tensorHover(root: unknown, baseDir: string, tensor: string | undefined): string | undefined {
  const found = graphOf(root, baseDir);
  if (!found) return undefined;
  const { graph, file } = found;
  if (tensor === undefined) {
    const inputs = graph.inputs.map((n) => `\`${n}\` ${formatShape(graph.tensors.get(n)?.shape)}`).join(', ');
    return `\`${file}\`: ONNX opset ${graph.opset}, ${graph.model.graph?.node?.length ?? 0} nodes, ${graph.tensors.size} tensors. Input: ${inputs}. Outputs: ${graph.outputs.map((n) => `\`${n}\``).join(', ')}.`;
  }
  const info = graph.tensors.get(tensor);
  if (!info) return `\`${file}\` has no tensor \`${tensor}\`.`;
  return info.op === 'input' ? `Network input \`${tensor}\`, shape ${formatShape(info.shape)}` : `Tensor \`${tensor}\`: output of node ${info.node ? `\`${info.node}\` ` : ''}(**${info.op}**), shape ${formatShape(info.shape)}`;
}
