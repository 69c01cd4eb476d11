/**
 * engine/metrics/shape: generalised shape metrics (Williams, Kunz, Kornblith & Linderman 2021).
 *   shapeDistance(x, y, options)                      distance on the given rows (netrep fit_score)
 *   crossValidatedShapeDistance(x, y, folds, options) fit on training rows, score held-out rows
 *   fitShapeNetwork / crossValidatedShapeDistanceFromFits  the same split as netrep partial/finalize fit
 *   warpingIndex(x, y, options)                       d_orth − d_lin (angular, same regime)
 *   factorizeNetwork / alignFactors                   per-network factors reused across pairs
 */
export { shapeDistance, type ShapeDistanceResult, type ReductionReport } from './distance';
export { crossValidatedShapeDistance, crossValidatedShapeDistanceFromFits, fitShapeNetwork, type ShapeNetworkFit, type ShapeFold, type FoldShapeResult, type CrossValidatedShapeResult } from './crossValidated';
export { warpingIndex, type WarpingIndexResult } from './warping';
export { resolveShapeOptions, checkShapeInputs, type ShapeOptions, type ShapeGroup, type Reduction } from './options';
export { factorizeNetwork, centredGram, type NetworkFactor, type FactorRoute, type RouteChoice } from '../common/factor';
export { alignFactors, trainingLinearScore, type ShapeScore, type LinearAlignment } from './linearShape';
export { netrepWhiteningWeights, NETREP_EIGENVALUE_FLOOR } from './whitening';
export { gaussianProjectionMatrix, numpyStandardNormal } from './reduce';
export { softMatchingDistance, type SoftMatchingOptions, type SoftMatchingResult } from './softMatching';
export { convolutionalShapeDistance, type ConvolutionalShapeResult } from './convolutional';
export { gaussianStochasticDistance, buresSquared, type GaussianRepresentation, type GaussianStochasticOptions, type GaussianStochasticResult } from './gaussianStochastic';
export { energyStochasticDistance, type EnergyStochasticOptions, type EnergyStochasticResult } from './energyStochastic';
