// Entry point of the WASM kernels (scripts/build-wasm.mjs compiles this file).
export { macro } from './gemm';
export { tred2, tql2 } from './eigen';
