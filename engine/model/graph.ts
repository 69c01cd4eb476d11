/**
 * The ONNX graph of a model source, read and edited in memory with onnx-proto (the user's file is
 * never changed): which tensors exist (with the operator that makes them and, where it can be
 * worked out, their shape), the model's image input, exposing intermediate tensors as graph outputs,
 * and inserting a virtual-lesion mask after a tensor (docs/model-execution.md §3, §5).
 *
 * Shapes come from the graph's own value_info / inputs / outputs / initializers, then from a small
 * static inference over the common image-network operators (Conv, Gemm, MatMul, pools, Flatten,
 * Reshape with a constant shape, element-wise and normalisation ops). Where an operator is not
 * covered the shape is left unknown (the run still works: shapes are then known after inference).
 */
import { onnx } from 'onnx-proto';
import { SimspecError } from '../core/errors';

/** A dimension: a number, or a symbolic name (e.g. the batch `N`), or undefined when unknown. */
export type Dim = number | string | undefined;

export interface TensorInfo {
  name: string;
  /** Operator producing it ('input' for a graph input, 'initializer' for weights). */
  op: string;
  /** The producing node's name, when it has one. */
  node?: string;
  shape?: Dim[];
}

export interface ModelGraph {
  model: onnx.ModelProto;
  /** Every tensor the user may name, in graph order: inputs, then node outputs. */
  tensors: Map<string, TensorInfo>;
  /** The image input (the one graph input that is not an initializer). */
  input?: TensorInfo;
  /** Names of the graph inputs that are not initializers. */
  inputs: string[];
  outputs: string[];
  opset: number;
}

type Long = { toNumber(): number };
function num(v: number | Long | null | undefined): number {
  if (v === null || v === undefined) return 0;
  return typeof v === 'number' ? v : v.toNumber();
}

function shapeOf(type: onnx.ITypeProto | null | undefined): Dim[] | undefined {
  const dims = type?.tensorType?.shape?.dim;
  if (!dims) return undefined;
  return dims.map((d) => (d.dimParam ? d.dimParam : d.dimValue !== undefined && d.dimValue !== null ? num(d.dimValue) : undefined));
}

export function decodeModel(bytes: Uint8Array, file: string): onnx.ModelProto {
  let model: onnx.ModelProto;
  try {
    model = onnx.ModelProto.decode(bytes);
  } catch (e) {
    throw new SimspecError(`not an ONNX model: ${(e as Error).message}`, { file, expected: 'an .onnx file (ModelProto)', code: 'model.onnx-unreadable' });
  }
  if (!model.graph || !model.graph.node || model.graph.node.length === 0) throw new SimspecError('the ONNX model has no graph nodes', { file, expected: 'an .onnx file with a graph', code: 'model.onnx-unreadable' });
  return model;
}

function attr(node: onnx.INodeProto, name: string): onnx.IAttributeProto | undefined {
  return node.attribute?.find((a) => a.name === name) ?? undefined;
}
function ints(node: onnx.INodeProto, name: string): number[] | undefined {
  const a = attr(node, name);
  return a?.ints && a.ints.length ? a.ints.map((v) => num(v as number | Long)) : undefined;
}
function int(node: onnx.INodeProto, name: string, fallback: number): number {
  const a = attr(node, name);
  return a && a.i !== undefined && a.i !== null ? num(a.i as number | Long) : fallback;
}

/** Values of an int64 initializer (Reshape's shape input). */
function int64Values(t: onnx.ITensorProto): number[] | undefined {
  if (t.int64Data && t.int64Data.length) return t.int64Data.map((v) => num(v as number | Long));
  if (t.rawData && t.rawData.length && t.dataType === onnx.TensorProto.DataType.INT64) {
    const view = new DataView(t.rawData.buffer, t.rawData.byteOffset, t.rawData.byteLength);
    return Array.from({ length: t.rawData.byteLength / 8 }, (_, i) => Number(view.getBigInt64(i * 8, true)));
  }
  return undefined;
}

const ELEMENTWISE = new Set(['Relu', 'LeakyRelu', 'Sigmoid', 'Tanh', 'Elu', 'Selu', 'Gelu', 'Softmax', 'LogSoftmax', 'Dropout', 'Identity', 'BatchNormalization', 'LRN', 'InstanceNormalization', 'Clip', 'Erf', 'Sqrt', 'Neg', 'Abs', 'Exp', 'Log', 'HardSigmoid', 'HardSwish', 'Cast', 'LayerNormalization']);
const BROADCAST = new Set(['Add', 'Sub', 'Mul', 'Div', 'Pow', 'Max', 'Min', 'Sum']);

function poolOut(size: Dim, k: number, stride: number, padBegin: number, padEnd: number, dilation: number, ceil: boolean): Dim {
  if (typeof size !== 'number') return undefined;
  const span = size + padBegin + padEnd - dilation * (k - 1) - 1;
  return (ceil ? Math.ceil(span / stride) : Math.floor(span / stride)) + 1;
}

function broadcast(a: Dim[], b: Dim[]): Dim[] {
  const n = Math.max(a.length, b.length);
  const out: Dim[] = [];
  for (let i = 0; i < n; i++) {
    const x = a[a.length - n + i] ?? 1;
    const y = b[b.length - n + i] ?? 1;
    out.push(x === 1 ? y : y === 1 ? x : x === y ? x : typeof x === 'number' && typeof y === 'number' ? undefined : (x ?? y));
  }
  return out;
}

/** Output shape of one node from its input shapes, for the covered operators; undefined otherwise. */
function inferShape(node: onnx.INodeProto, shapes: Map<string, Dim[]>, constants: Map<string, onnx.ITensorProto>): Dim[] | undefined {
  const inputs = (node.input ?? []).map((name) => shapes.get(name));
  const x = inputs[0];
  const op = node.opType ?? '';
  if (ELEMENTWISE.has(op)) return x;
  if (BROADCAST.has(op)) return inputs.every(Boolean) ? inputs.reduce((a, b) => broadcast(a!, b!)) : undefined;
  if (!x) return undefined;
  switch (op) {
    case 'Conv':
    case 'MaxPool':
    case 'AveragePool': {
      const w = op === 'Conv' ? inputs[1] : undefined;
      if (op === 'Conv' && !w) return undefined;
      const spatial = x.length - 2;
      const kernel = op === 'Conv' ? (ints(node, 'kernel_shape') ?? (w!.slice(2) as number[])) : ints(node, 'kernel_shape');
      if (!kernel || kernel.some((k) => typeof k !== 'number')) return undefined;
      const strides = ints(node, 'strides') ?? Array(spatial).fill(1);
      const dilations = ints(node, 'dilations') ?? Array(spatial).fill(1);
      const autoPad = attr(node, 'auto_pad')?.s ? new TextDecoder().decode(attr(node, 'auto_pad')!.s!) : 'NOTSET';
      const pads = ints(node, 'pads') ?? Array(spatial * 2).fill(0);
      const ceil = int(node, 'ceil_mode', 0) === 1;
      const out: Dim[] = [x[0], op === 'Conv' ? w![0] : x[1]];
      for (let i = 0; i < spatial; i++) {
        const size = x[i + 2];
        if (autoPad === 'SAME_UPPER' || autoPad === 'SAME_LOWER') out.push(typeof size === 'number' ? Math.ceil(size / strides[i]!) : undefined);
        else if (autoPad === 'VALID') out.push(poolOut(size, kernel[i]!, strides[i]!, 0, 0, dilations[i]!, false));
        else out.push(poolOut(size, kernel[i]!, strides[i]!, pads[i]!, pads[i + spatial]!, dilations[i]!, ceil));
      }
      return out;
    }
    case 'GlobalAveragePool':
    case 'GlobalMaxPool':
      return [x[0], x[1], ...x.slice(2).map(() => 1)];
    case 'Flatten': {
      let axis = int(node, 'axis', 1);
      if (axis < 0) axis += x.length;
      const prod = (d: Dim[]): Dim => d.length === 1 ? d[0] : d.reduce<Dim>((a, b) => (typeof a === 'number' && typeof b === 'number' ? a * b : undefined), 1);
      return [prod(x.slice(0, axis)), prod(x.slice(axis))];
    }
    case 'Gemm': {
      const w = inputs[1];
      if (!w) return undefined;
      const transA = int(node, 'transA', 0) === 1;
      const transB = int(node, 'transB', 0) === 1;
      return [transA ? x[1] : x[0], transB ? w[0] : w[1]];
    }
    case 'MatMul': {
      const w = inputs[1];
      if (!w || w.length !== 2) return undefined;
      return [...x.slice(0, -1), w[1]];
    }
    case 'Reshape': {
      const target = constants.get(node.input![1]!);
      const values = target && int64Values(target);
      if (!values) return undefined;
      const total = x.reduce<Dim>((a, b) => (typeof a === 'number' && typeof b === 'number' ? a * b : undefined), 1);
      const out: Dim[] = values.map((v, i) => (v === 0 ? x[i] : v === -1 ? undefined : v));
      const known = out.reduce<number | undefined>((a, b, i) => (values[i] === -1 ? a : typeof b === 'number' && a !== undefined ? a * b : undefined), 1);
      const free = values.indexOf(-1);
      if (free >= 0) {
        if (typeof total === 'number' && known) out[free] = total / known;
        else if (free === 0 && known && x.length && typeof x[0] !== 'number') out[0] = x[0];
      }
      return out;
    }
    default:
      return undefined;
  }
}

/** Read the graph: tensors with op and shape, the image input, the outputs. */
export function readGraph(bytes: Uint8Array, file: string): ModelGraph {
  const model = decodeModel(bytes, file);
  const graph = model.graph!;
  const initializers = new Map((graph.initializer ?? []).map((t) => [t.name ?? '', t]));
  const shapes = new Map<string, Dim[]>();
  for (const t of graph.initializer ?? []) shapes.set(t.name ?? '', (t.dims ?? []).map((d) => num(d as number | Long)));
  for (const v of [...(graph.input ?? []), ...(graph.valueInfo ?? []), ...(graph.output ?? [])]) {
    const s = shapeOf(v.type);
    if (s && v.name) shapes.set(v.name, s);
  }
  // Constant nodes: their value is an initializer for the inference.
  for (const node of graph.node ?? []) {
    if (node.opType === 'Constant' && node.output?.[0]) {
      const value = attr(node, 'value')?.t;
      if (value) {
        initializers.set(node.output[0], value);
        shapes.set(node.output[0], (value.dims ?? []).map((d) => num(d as number | Long)));
      }
    }
  }
  const tensors = new Map<string, TensorInfo>();
  const inputs = (graph.input ?? []).map((v) => v.name ?? '').filter((name) => name && !initializers.has(name));
  for (const name of inputs) tensors.set(name, { name, op: 'input', ...(shapes.has(name) ? { shape: shapes.get(name)! } : {}) });
  for (const node of graph.node ?? []) {
    const inferred = node.output && node.output.length === 1 && !shapes.has(node.output[0]!) ? inferShape(node, shapes, initializers) : undefined;
    for (const out of node.output ?? []) {
      if (!out) continue;
      if (inferred && out === node.output![0]) shapes.set(out, inferred);
      const info: TensorInfo = { name: out, op: node.opType ?? '?' };
      if (node.name) info.node = node.name;
      if (shapes.has(out)) info.shape = shapes.get(out)!;
      tensors.set(out, info);
    }
  }
  const opset = (model.opsetImport ?? []).filter((o) => !o.domain || o.domain === 'ai.onnx').map((o) => num(o.version as number | Long))[0] ?? 0;
  const result: ModelGraph = { model, tensors, inputs, outputs: (graph.output ?? []).map((v) => v.name ?? ''), opset };
  if (inputs.length === 1) result.input = tensors.get(inputs[0]!)!;
  return result;
}

export function formatShape(shape: Dim[] | undefined): string {
  return shape ? `[${shape.map((d) => (d === undefined ? '?' : String(d))).join(', ')}]` : '[?]';
}

/** Units per stimulus of a tensor (product of the non-batch dims), when known. */
export function unitsOf(info: TensorInfo): number | undefined {
  if (!info.shape || info.shape.length < 1) return undefined;
  let n = 1;
  for (const d of info.shape.slice(1)) {
    if (typeof d !== 'number') return undefined;
    n *= d;
  }
  return n;
}

/** A virtual lesion as inserted in the graph: out = t · mask (+ (1 − mask) · fill for `mean`). */
export interface GraphLesion {
  tensor: string;
  /** 1 keeps a unit, 0 lesions it; length = units per stimulus (the tensor's non-batch shape, flattened). */
  mask: Float32Array;
  /** The non-batch shape of the tensor. */
  unitShape: number[];
  /** Values the lesioned units are clamped to (mode `mean`); absent: zero. */
  fill?: Float32Array;
}

export const LESIONED_SUFFIX = '__simspec_lesioned';

/**
 * A copy of the model whose outputs are exactly `outputs` (any tensors of the graph), with an
 * optional lesion: every consumer of the lesioned tensor reads the masked tensor instead, and asking
 * for the lesioned tensor itself gives the masked values. Returns the bytes and, per requested
 * tensor, the output name to read.
 */
export function editedModel(graphInfo: ModelGraph, outputs: string[], lesion?: GraphLesion): { bytes: Uint8Array; outputNames: Map<string, string> } {
  const model = onnx.ModelProto.decode(onnx.ModelProto.encode(graphInfo.model).finish());
  const graph = model.graph!;
  const outputNames = new Map(outputs.map((t) => [t, t]));
  if (lesion) {
    const masked = lesion.tensor + LESIONED_SUFFIX;
    for (const node of graph.node ?? []) node.input = (node.input ?? []).map((name) => (name === lesion.tensor ? masked : name));
    const dims = [1, ...lesion.unitShape];
    const maskName = `${masked}_mask`;
    graph.initializer!.push(onnx.TensorProto.create({ name: maskName, dims, dataType: onnx.TensorProto.DataType.FLOAT, rawData: new Uint8Array(lesion.mask.slice().buffer) }));
    if (lesion.fill) {
      const fillName = `${masked}_fill`;
      const complement = lesion.fill.map((v, i) => (1 - lesion.mask[i]!) * v);
      graph.initializer!.push(onnx.TensorProto.create({ name: fillName, dims, dataType: onnx.TensorProto.DataType.FLOAT, rawData: new Uint8Array(complement.buffer) }));
      graph.node!.push(onnx.NodeProto.create({ opType: 'Mul', input: [lesion.tensor, maskName], output: [`${masked}_zeroed`], name: `${masked}_mul` }));
      graph.node!.push(onnx.NodeProto.create({ opType: 'Add', input: [`${masked}_zeroed`, fillName], output: [masked], name: `${masked}_add` }));
    } else {
      graph.node!.push(onnx.NodeProto.create({ opType: 'Mul', input: [lesion.tensor, maskName], output: [masked], name: `${masked}_mul` }));
    }
    // Nodes must stay topologically sorted: move the inserted nodes right after the producer.
    const inserted = graph.node!.splice(graph.node!.length - (lesion.fill ? 2 : 1));
    const producer = graph.node!.findIndex((n) => (n.output ?? []).includes(lesion.tensor));
    graph.node!.splice(producer + 1, 0, ...inserted);
    if (outputNames.has(lesion.tensor)) outputNames.set(lesion.tensor, masked);
  }
  graph.output = [...outputNames.values()].map((name) => onnx.ValueInfoProto.create({ name, type: { tensorType: { elemType: onnx.TensorProto.DataType.FLOAT } } }));
  return { bytes: onnx.ModelProto.encode(model).finish(), outputNames };
}

/** Tensors computed from `tensor` (itself included): what a lesion of `tensor` can change. */
export function downstreamTensors(graphInfo: ModelGraph, tensor: string): Set<string> {
  const reached = new Set([tensor]);
  for (const node of graphInfo.model.graph?.node ?? []) {
    if ((node.input ?? []).some((name) => reached.has(name))) for (const out of node.output ?? []) reached.add(out);
  }
  return reached;
}
