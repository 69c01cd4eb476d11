/**
 * Writing small ONNX models with onnx-proto: used by the sample's model script
 * (samples/random-cnn/make-model.ts), the benchmark (bench/onnx.ts) and the tests, which build
 * networks whose activations they compute again by hand.
 */
import { onnx } from 'onnx-proto';

export interface NodeSpec {
  op: string;
  inputs: string[];
  output: string;
  name?: string;
  /** Integer, integer-list, float or string attributes. */
  attributes?: Record<string, number | number[] | string | { float: number }>;
}

export interface ModelSpec {
  input: { name: string; shape: (number | string)[] };
  nodes: NodeSpec[];
  initializers: Record<string, { dims: number[]; data: Float32Array | BigInt64Array }>;
  outputs: string[];
  opset?: number;
  docString?: string;
}

function attribute(name: string, value: number | number[] | string | { float: number }): onnx.AttributeProto {
  const T = onnx.AttributeProto.AttributeType;
  if (typeof value === 'string') return onnx.AttributeProto.create({ name, type: T.STRING, s: new TextEncoder().encode(value) });
  if (Array.isArray(value)) return onnx.AttributeProto.create({ name, type: T.INTS, ints: value });
  if (typeof value === 'object') return onnx.AttributeProto.create({ name, type: T.FLOAT, f: value.float });
  return onnx.AttributeProto.create({ name, type: T.INT, i: value });
}

export function buildModel(spec: ModelSpec): Uint8Array {
  const D = onnx.TensorProto.DataType;
  const dim = (d: number | string) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d });
  const graph = onnx.GraphProto.create({
    name: 'simspec',
    node: spec.nodes.map((n, i) => onnx.NodeProto.create({ opType: n.op, input: n.inputs, output: [n.output], name: n.name ?? `${n.op.toLowerCase()}_${i}`, attribute: Object.entries(n.attributes ?? {}).map(([k, v]) => attribute(k, v)) })),
    initializer: Object.entries(spec.initializers).map(([name, t]) =>
      onnx.TensorProto.create({ name, dims: t.dims, dataType: t.data instanceof BigInt64Array ? D.INT64 : D.FLOAT, rawData: new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength) }),
    ),
    input: [onnx.ValueInfoProto.create({ name: spec.input.name, type: { tensorType: { elemType: D.FLOAT, shape: { dim: spec.input.shape.map(dim) } } } })],
    output: spec.outputs.map((name) => onnx.ValueInfoProto.create({ name, type: { tensorType: { elemType: D.FLOAT } } })),
  });
  const model = onnx.ModelProto.create({ irVersion: 8, opsetImport: [{ domain: '', version: spec.opset ?? 13 }], graph, producerName: 'simspec', docString: spec.docString ?? '' });
  return onnx.ModelProto.encode(model).finish();
}

/** Mulberry32: a small seeded generator for documented random weights. */
export function seededUniform(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** He-uniform weights: U(−b, b) with b = sqrt(6 / fanIn) (Kaiming uniform for ReLU networks). */
export function heUniform(count: number, fanIn: number, next: () => number): Float32Array {
  const bound = Math.sqrt(6 / fanIn);
  return Float32Array.from({ length: count }, () => (2 * next() - 1) * bound);
}
