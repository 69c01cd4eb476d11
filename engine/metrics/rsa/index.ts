/**
 * engine/metrics/rsa: RDMs, RDM comparisons and noise ceilings (docs/metrics.md §2).
 * The run executor imports from here only.
 */
export {
  condensedToSquare,
  conditionsFromPairs,
  pairCount,
  pairIndex,
  squareToCondensed,
  subsampleCondensed,
  type Origin,
  type SquareCheckOptions,
} from './condensed';
export { averageByCondition, type ConditionLabel, type ConditionLabels } from './conditions';
export { rdmFromResponses, type PdistMetric, type RdmOptions, type RdmResult, type RsatoolboxRdmMethod } from './rdm';
export {
  canonicalCompareMethod,
  compareComplete,
  compareRdms,
  COMPARE_METHODS,
  isSimilarity,
  type CompareMethod,
  type CompareOptions,
  type Comparison,
} from './compare';
export { kendallCounts, kendallTauA, kendallTauB } from './kendall';
export { doubleCentredKernel, whitenedRdmVector } from './compare-cov';
export { buresMetric, buresSimilarity } from './bures';
export { noiseCeiling, type NoiseCeiling, type NoiseCeilingConvention, type NoiseCeilingOptions } from './noise-ceiling';
export { evaluatePerSubject, type PerSubjectEvaluation, type PerSubjectOptions } from './evaluate';
export { comparePrepared, isDotMethod, prepareVector } from './prepared';
export { splitHalfRdmCeiling, SPLIT_HALF_RDM_CONVENTION, type SplitHalfRdmCeiling, type SplitHalfRdmOptions } from './splitHalfCeiling';
