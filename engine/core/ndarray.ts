/** Small N-d array helpers the loaders need: axis permutation (C order) and splitting the leading axis. */
import type { NDArray } from './matrix';

export function product(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

function stridesOf(shape: readonly number[]): number[] {
  const strides = new Array<number>(shape.length).fill(1);
  for (let axis = shape.length - 2; axis >= 0; axis--) strides[axis] = strides[axis + 1]! * shape[axis + 1]!;
  return strides;
}

/** numpy's `transpose(a, order)` followed by a C-order copy. */
export function permuteAxes(a: NDArray, order: readonly number[]): NDArray {
  if (order.every((axis, i) => axis === i)) return a;
  const shape = order.map((axis) => a.shape[axis]!);
  const sourceStrides = stridesOf(a.shape);
  const strides = order.map((axis) => sourceStrides[axis]!);
  const out = new Float64Array(a.data.length);
  const index = new Array<number>(shape.length).fill(0);
  let source = 0;
  for (let k = 0; k < out.length; k++) {
    out[k] = a.data[source]!;
    for (let axis = shape.length - 1; axis >= 0; axis--) {
      index[axis]!++;
      source += strides[axis]!;
      if (index[axis]! < shape[axis]!) break;
      source -= strides[axis]! * shape[axis]!;
      index[axis] = 0;
    }
  }
  return { shape, data: out, dtype: a.dtype };
}

/** Split an array whose leading `count` axes index items into one array per item (views, no copy). */
export function splitLeading(a: NDArray, count: number): NDArray[] {
  const itemShape = a.shape.slice(count);
  const items = product(a.shape.slice(0, count));
  const size = product(itemShape);
  return Array.from({ length: items }, (_, k) => ({ shape: itemShape, data: a.data.subarray(k * size, (k + 1) * size), dtype: a.dtype }));
}
