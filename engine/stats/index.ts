/**
 * engine/stats: seeded random numbers, ranks, distributions and summaries. Cross-validation
 * splitters and reliability live in their own modules (cv*, reliability*); the resampling procedures
 * are in engine/inference, and RSA's evaluation of them in engine/metrics/rsa/{bootstrap,permutation}.ts.
 */
export { NumpyRandomState } from './random';
export { argsort, averageRanks, denseRanks, sortWithOrder, tiedPairCount } from './ranks';
export { logGamma, regularizedIncompleteBeta, studentTCdf, studentTSurvival, studentTPValue, type Alternative } from './distributions';
export { oneSampleTTest, percentile, summarize, type OneSampleTTest, type SampleSummary } from './summary';
