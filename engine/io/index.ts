/** Data readers with introspection (work in progress: npy and npz first). */
export { readNpy, decodeNpy, readNpyHeader, readNpyRows, parseNpyHeader, type NpyHeader } from './npy';
export { readNpz, listNpz } from './npz';
export type { VariableInfo, VariableKind } from './types';
