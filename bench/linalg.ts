// Linear-algebra benchmark: `npx tsx bench/linalg.ts [--quick] [--no-ml]`.
// Prints CPU time (median of runs after one warm-up), GFLOP/s and the ratio to ml-matrix on the same
// input (ml-matrix time / ours, so > 1 means faster). Flop conventions: GEMM and Gram count
// 2·m·n·k as in docs/performance.md (Gram's figure is therefore "effective",
// it does about half); eigh and SVD use Golub & Van Loan's nominal counts (Matrix Computations,
// 4th ed., §8.3 and Fig. 8.6.1): eigvalsh 4n³/3, eigh 9n³, thin SVD (R-SVD, U₁ Σ V) 6mn² + 20n³
// for m ≥ n — nominal rates for comparing runs, not counted operations.
// Not part of `npm test`.
import { EigenvalueDecomposition, Matrix as MlMatrix, SingularValueDecomposition } from 'ml-matrix';
import type { Matrix } from '../engine/core/matrix';
import { crossProduct, gram, symmetricEigen, symmetricEigenvalues, thinSvd } from '../engine/linalg';

const quick = process.argv.includes('--quick');
const withMl = !process.argv.includes('--no-ml');

function randomMatrix(rows: number, cols: number, seed: number): Matrix {
  let state = seed >>> 0 || 1;
  const data = new Float64Array(rows * cols);
  for (let i = 0; i < data.length; i++) {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    data[i] = (state >>> 0) / 4294967296 - 0.5;
  }
  return { rows, cols, data };
}

function toMl(m: Matrix): MlMatrix {
  const out = new MlMatrix(m.rows, m.cols);
  for (let i = 0; i < m.rows; i++) for (let j = 0; j < m.cols; j++) out.set(i, j, m.data[i * m.cols + j]!);
  return out;
}

// CPU time of this (single-threaded) process rather than wall time: the development machine is
// shared, and CPU time is much less sensitive to other processes (cache contention remains).
function cpuSeconds(fn: () => unknown): number {
  const start = process.cpuUsage();
  fn();
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1e6;
}

function time(fn: () => unknown, runs: number): number {
  fn(); // warm-up (JIT)
  const t: number[] = [];
  for (let r = 0; r < runs; r++) t.push(cpuSeconds(fn));
  return t.sort((a, b) => a - b)[Math.floor(t.length / 2)]!;
}

function timeOnce(fn: () => unknown): number {
  return cpuSeconds(fn);
}

function report(label: string, seconds: number, flops: number | null, mlSeconds: number | null): void {
  const gf = flops === null ? '' : `${(flops / seconds / 1e9).toFixed(2).padStart(6)} GF/s`;
  const ratio = mlSeconds === null ? '' : `  ml-matrix ${mlSeconds.toFixed(3)} s → ×${(mlSeconds / seconds).toFixed(1)}`;
  console.log(`${label.padEnd(34)} ${seconds.toFixed(3).padStart(8)} s ${gf}${ratio}`);
}

const p = quick ? 1024 : 4096;
const runs = quick ? 1 : 3;

{
  const x = randomMatrix(1000, p, 1);
  const t = time(() => gram(x), runs);
  const ml = withMl ? timeOnce(() => toMl(x).transpose().gram()) : null; // ml-matrix's symmetric Gram of columns
  report(`gram X·Xᵀ 1000×${p} (sym, eff.)`, t, 2 * 1000 * 1000 * p, ml);
}
{
  const k = 1000;
  const n = quick ? 1024 : 4096;
  const x = randomMatrix(k, n, 2);
  const y = randomMatrix(k, n, 3);
  const t = time(() => crossProduct(x, y), 1);
  const ml = withMl && quick ? timeOnce(() => toMl(x).transpose().mmul(toMl(y))) : null;
  report(`crossProduct XᵀY ${k}×${n} each`, t, 2 * n * n * k, ml);
}
for (const n of quick ? [200, 500] : [500, 1000]) {
  const s = gram(randomMatrix(n, n, 4 + n));
  const tv = time(() => symmetricEigenvalues(s), runs);
  report(`eigvalsh n=${n}`, tv, (4 / 3) * n ** 3, null);
  const t = time(() => symmetricEigen(s), runs);
  const ml = withMl ? timeOnce(() => new EigenvalueDecomposition(toMl(s), { assumeSymmetric: true })) : null;
  report(`eigh n=${n} (values+vectors)`, t, 9 * n ** 3, ml);
}
for (const [m, n] of quick ? [[200, 100], [300, 300]] : [[500, 200], [500, 500], [2000, 300], [1000, 1000]]) {
  const a = randomMatrix(m!, n!, 7 + m!);
  const t = time(() => thinSvd(a), 1);
  // ml-matrix is skipped on the largest case (it would take minutes).
  const ml = withMl && m! * n! <= 600_000 ? timeOnce(() => new SingularValueDecomposition(toMl(a), { autoTranspose: true })) : null;
  const [big, small] = m! >= n! ? [m!, n!] : [n!, m!];
  report(`thinSvd ${m}×${n}`, t, 6 * big * small ** 2 + 20 * small ** 3, ml);
}
