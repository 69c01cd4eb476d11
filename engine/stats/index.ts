/**
 * engine/stats: seeded random numbers, ranks, distributions, summaries and the RSA inference
 * procedures (bootstrap, permutation test). Cross-validation splitters and reliability live in
 * their own modules (cv*, reliability*).
 */
export { NumpyRandomState } from './random';
export { argsort, averageRanks, denseRanks, sortWithOrder, tiedPairCount } from './ranks';
export { logGamma, regularizedIncompleteBeta, studentTCdf, studentTSurvival, studentTPValue, type Alternative } from './distributions';
export { oneSampleTTest, percentile, summarize, type OneSampleTTest, type SampleSummary } from './summary';
export { bootstrapRsa, type BootstrapOver, type BootstrapSummary, type RsaBootstrapInput, type RsaBootstrapResult, type TwoFactorVariance } from './rsa-bootstrap';
export { permutationTest, type PermutationTestInput, type PermutationTestResult } from './permutation';
