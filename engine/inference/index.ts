/**
 * engine/inference: the resampling and testing procedures every metric family uses — bootstrap
 * (stimuli, subjects, both), percentile intervals, the permutation test and its p-value, and the
 * split-half reliability of repeats. Below engine/metrics: it never imports metrics/ or run/; a
 * family passes its statistic as a function of the drawn indices.
 */
export { forEachBootstrapDraw, percentileInterval, bootstrapSummary, bcaInterval, centredHalfSampleDraws, encodeFloat32Base64, decodeFloat32Base64, STANDARD_ERROR_CONVENTION, type BootstrapDraw, type BootstrapPlan, type BootstrapSummary } from './bootstrap';
export { forEachPermutation, isAtLeastAsExtreme, permutationPValue, type PermutationTail } from './permutation';
export { splitHalfReliability, brainScoreSplitHalfSplits, normalizeByCeiling, type CeilingNormalization, type RepeatSplit, type SplitHalfResult } from '../stats/reliability';
export { oneSampleTTest, summarize, percentile } from '../stats/summary';
