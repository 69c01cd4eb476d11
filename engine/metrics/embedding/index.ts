/** engine/metrics/embedding: maps of many representations from a K × K distance matrix. */
export { classicalMds, type MdsResult } from './classicalMds';
