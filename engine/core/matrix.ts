/**
 * The engine's one dense matrix type: row-major Float64Array with an explicit shape.
 * Entry (i, j) lives at data[i * cols + j]. Every metric, kernel and reader speaks this type,
 * so no module needs to know how another stores numbers.
 */
export interface Matrix {
  readonly rows: number;
  readonly cols: number;
  readonly data: Float64Array;
}

/** An n-dimensional numeric array as read from a file (row-major, C order after reading). */
export interface NDArray {
  readonly shape: readonly number[];
  readonly data: Float64Array;
  /** The dtype in the file, numpy style: 'float64', 'float32', 'int16', 'uint8', 'bool', ... */
  readonly dtype: string;
}

export function createMatrix(rows: number, cols: number, data?: Float64Array): Matrix {
  if (data && data.length !== rows * cols) {
    throw new RangeError(`matrix data has ${data.length} entries, expected ${rows}×${cols} = ${rows * cols}`);
  }
  return { rows, cols, data: data ?? new Float64Array(rows * cols) };
}

export function matrixFromRows(rows: readonly (readonly number[])[]): Matrix {
  const r = rows.length;
  const c = r === 0 ? 0 : rows[0]!.length;
  const data = new Float64Array(r * c);
  rows.forEach((row, i) => {
    if (row.length !== c) throw new RangeError(`row ${i} has ${row.length} entries, expected ${c}`);
    data.set(row, i * c);
  });
  return { rows: r, cols: c, data };
}

export function matrixToRows(m: Matrix): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < m.rows; i++) out.push(Array.from(m.data.subarray(i * m.cols, (i + 1) * m.cols)));
  return out;
}

/** View a 2-D NDArray as a Matrix (shares the data). */
export function ndarrayToMatrix(a: NDArray): Matrix {
  if (a.shape.length !== 2) throw new RangeError(`expected a 2-D array, got shape (${a.shape.join(', ')})`);
  return { rows: a.shape[0]!, cols: a.shape[1]!, data: a.data };
}

/** Rows `indices` of m, in that order (copies). */
export function selectRows(m: Matrix, indices: ArrayLike<number>): Matrix {
  const out = new Float64Array(indices.length * m.cols);
  for (let k = 0; k < indices.length; k++) {
    const i = indices[k]!;
    out.set(m.data.subarray(i * m.cols, (i + 1) * m.cols), k * m.cols);
  }
  return { rows: indices.length, cols: m.cols, data: out };
}

export function shapeToString(shape: readonly number[]): string {
  return `(${shape.join(', ')}${shape.length === 1 ? ',' : ''})`;
}
