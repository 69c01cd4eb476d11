/**
 * engine/linalg: the dense linear algebra every metric uses, on `Matrix` (row-major Float64Array).
 * Import from here, never from the submodules, so kernels can be swapped (e.g. for WASM SIMD)
 * without touching callers. The single O(n³) product kernel is `gemmStrided` (gemm.ts): the
 * products, the blocked triangular solves, the Cholesky/LU trailing updates, the SVD's U = Q·U_B
 * and the pseudo-inverse all go through it, so swapping it speeds all of them up.
 *
 * Conventions: symmetricEigen values ascending (numpy eigh); thinSvd s descending (numpy svd);
 * pseudoInverse drops σ ≤ 1e-15·σ_max (numpy pinv's default rcond); vector signs are arbitrary.
 *
 *   products.ts  gram (X Xᵀ), crossGram (XᵀX), crossProduct (AᵀB), multiply (AB),
 *                multiplyTransposed (ABᵀ), multiplyVector — cache-blocked, gemm.ts
 *   eigen.ts     symmetricEigen (tred2 + tql2, ascending), symmetricEigenvalues, symmetricMatrixFunction;
 *                wasm/eigen.ts the WASM path (blocked dsytrd-style reduction on the GEMM kernel for n ≥ 1000)
 *   svd.ts       thinSvd (Golub–Kahan, descending), thinSvdJacobi, singularValues
 *   solve.ts     cholesky, choleskySolve, luDecompose, solve, determinant, pseudoInverse
 *   qr.ts        thinQr (Householder, LAPACK sign convention)
 *   triangular.ts solveTriangular (blocked, many right-hand sides)
 *   norms.ts     frobeniusNorm, nuclearNorm, spectralNorm, vectorNorm
 *   numerics.ts  shared by QR, eigen and SVD: scaledNorm2, hypot2, transposeSquare, applyGivensChain
 *   basics.ts    transpose, identity, zeros, scale, add, subtract, trace, symmetrize,
 *                columnMeans, centerColumns, frobeniusInner, diagonal, copyMatrix
 */
export {
  add,
  centerColumns,
  columnMeans,
  copyMatrix,
  diagonal,
  frobeniusInner,
  identity,
  scale,
  subtract,
  symmetrize,
  trace,
  transpose,
  zeros,
} from './basics';
export { crossGram, crossProduct, gram, multiply, multiplyTransposed, multiplyVector } from './products';
export { symmetricMatrixFunction, type SymmetricEigen } from './eigen';
export { symmetricEigen, symmetricEigenvalues } from './wasm';
export { setKernelMode, kernelVariant, setThreads, warmKernels, type KernelMode } from './wasm';
export { singularValues, thinSvd, thinSvdJacobi, type SvdMethod, type ThinSvd } from './svd';
export {
  cholesky,
  choleskySolve,
  determinant,
  luDecompose,
  NUMPY_PINV_RCOND,
  pseudoInverse,
  solve,
  type LuDecomposition,
} from './solve';
export { frobeniusNorm, nuclearNorm, spectralNorm, vectorNorm } from './norms';
export { thinQr, type ThinQr } from './qr';
export { solveTriangular, type TriangularOptions } from './triangular';
