// Entry point of the WASM kernels (scripts/build-wasm.mjs compiles this file).
export { macro } from './gemm';
export { fromStrips, toStrips, tql2, tql2Strips, tred2, tridiagonalPanel } from './eigen';
