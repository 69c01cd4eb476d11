// Entry point of the WASM kernels (scripts/build-wasm.mjs compiles this file).
export { macro } from './gemm';
