/**
 * Symmetric eigendecomposition on the WASM SIMD kernels (assembly/eigen.ts: tred2 + tql2 with
 * f64x2 inner loops), same contract as engine/linalg/eigen.ts: the input is symmetrised
 * ((A + Aᵀ)/2), eigenvalues ascending, column j of `vectors` the unit eigenvector of values[j],
 * signs as the algorithm produces them, all-NaN output for a non-finite input.
 */
import type { Matrix } from '../../core/matrix';
import { requireSquare } from '../basics';
import type { SymmetricEigen } from '../eigen';
import { powerOfTwoExponent, scaleByPowerOfTwo } from '../scaling';
import type { WasmKernels } from './loader';

const MAX_QL_ITERATIONS = 300;

interface EigenExports {
  tred2(w: number, d: number, e: number, n: number, accumulate: number): void;
  tql2(d: number, e: number, n: number, w: number, vectors: number, cs: number, sn: number, maxIterations: number): number;
  tql2Strips(d: number, e: number, n: number, strips: number, cs: number, sn: number, maxIterations: number): number;
  toStrips(w: number, strips: number, n: number): void;
  fromStrips(strips: number, w: number, n: number): void;
}

/** Runs tred2 + tql2 in wasm memory on (A + Aᵀ)/2 scaled by 2^exponent (max|a| ≈ 1 when far from it, scaling.ts). */
function run(kernels: WasmKernels, a: Matrix, vectors: boolean): { mem: Float64Array; n: number; d: number; exponent: number } {
  const n = a.rows;
  const w = 0;
  const d = n * n;
  const e = d + n;
  const cs = e + n;
  const sn = cs + n;
  // QL rotations run on a copy of W in 8-column strips (assembly/eigen.ts toStrips): ~1.5× faster.
  const strips = sn + n;
  let mem = kernels.ensureBytes(8 * (strips + (vectors ? n * 8 * Math.ceil(n / 8) : 0)));
  const src = a.data;
  for (let i = 0; i < n; i++) {
    mem[w + i * n + i] = src[i * n + i]!;
    for (let j = i + 1; j < n; j++) {
      const v = 0.5 * (src[i * n + j]! + src[j * n + i]!);
      mem[w + i * n + j] = v;
      mem[w + j * n + i] = v;
    }
  }
  const matrix = mem.subarray(w, w + n * n);
  const exponent = powerOfTwoExponent(matrix);
  scaleByPowerOfTwo(matrix, exponent);
  const ex = kernels.exports as unknown as EigenExports;
  ex.tred2(8 * w, 8 * d, 8 * e, n, vectors ? 1 : 0);
  let status: number;
  if (vectors) {
    ex.toStrips(8 * w, 8 * strips, n);
    status = ex.tql2Strips(8 * d, 8 * e, n, 8 * strips, 8 * cs, 8 * sn, MAX_QL_ITERATIONS);
    ex.fromStrips(8 * strips, 8 * w, n);
  } else {
    status = ex.tql2(8 * d, 8 * e, n, 8 * w, 0, 8 * cs, 8 * sn, MAX_QL_ITERATIONS);
  }
  if (status !== 0) throw new Error(`symmetricEigen: QL iteration did not converge (n = ${n})`);
  mem = kernels.f64();
  return { mem, n, d, exponent };
}

function allFinite(data: Float64Array): boolean {
  for (let i = 0; i < data.length; i++) if (!Number.isFinite(data[i]!)) return false;
  return true;
}

export function wasmSymmetricEigen(kernels: WasmKernels, a: Matrix): SymmetricEigen {
  requireSquare(a, 'symmetricEigen');
  const n = a.rows;
  if (!allFinite(a.data)) {
    return { values: new Float64Array(n).fill(NaN), vectors: { rows: n, cols: n, data: new Float64Array(n * n).fill(NaN) } };
  }
  const { mem, d, exponent } = run(kernels, a, true);
  const order = Int32Array.from({ length: n }, (_, i) => i).sort((x, y) => mem[d + x]! - mem[d + y]!);
  const values = new Float64Array(n);
  const vectors = new Float64Array(n * n);
  for (let j = 0; j < n; j++) {
    const src = order[j]!;
    values[j] = mem[d + src]!;
    const row = src * n; // row src of W = eigenvector src
    for (let i = 0; i < n; i++) vectors[i * n + j] = mem[row + i]!;
  }
  scaleByPowerOfTwo(values, -exponent);
  return { values, vectors: { rows: n, cols: n, data: vectors } };
}

export function wasmSymmetricEigenvalues(kernels: WasmKernels, a: Matrix): Float64Array {
  requireSquare(a, 'symmetricEigenvalues');
  const n = a.rows;
  if (!allFinite(a.data)) return new Float64Array(n).fill(NaN);
  const { mem, d, exponent } = run(kernels, a, false);
  const values = mem.slice(d, d + n);
  scaleByPowerOfTwo(values, -exponent);
  return values.sort();
}
