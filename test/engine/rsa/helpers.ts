// Seeded random inputs for invariance tests (numpy-compatible generator, so failures reproduce).
import { NumpyRandomState } from '../../../engine/stats/random';
import type { Matrix } from '../../../engine/core/matrix';

export function randomMatrix(rows: number, cols: number, seed: number): Matrix {
  const rng = new NumpyRandomState(seed);
  const data = new Float64Array(rows * cols);
  for (let k = 0; k < data.length; k++) data[k] = rng.randomSample() * 2 - 1 + (k % cols) * 0.1;
  return { rows, cols, data };
}

export function randomVector(n: number, seed: number): Float64Array {
  const rng = new NumpyRandomState(seed);
  return Float64Array.from({ length: n }, () => rng.randomSample());
}

/** Values rounded to `levels` distinct values: lots of ties. */
export function tiedVector(n: number, levels: number, seed: number): Float64Array {
  return randomVector(n, seed).map((x) => Math.floor(x * levels));
}

export function close(got: number, want: number, tol: number, what: string): void {
  if (!(Math.abs(got - want) <= tol)) throw new Error(`${what}: got ${got}, want ${want} (diff ${Math.abs(got - want)})`);
}
