/**
 * engine/metrics/cca: canonical correlation analysis family.
 *   canonicalCorrelations / meanCanonicalCorrelation (mean CCA, R²_CCA), svcca (fixed k or variance
 *   fraction), pwcca (projection weighted, side stated).
 */
export { canonicalCorrelations, meanCanonicalCorrelation, orthonormalBasis, type CcaOptions, type CcaResult } from './canonicalCorrelations';
export { svcca, componentsForVariance, type SvccaOptions, type SvccaResult } from './svcca';
export { pwcca, type PwccaOptions, type PwccaResult } from './pwcca';
