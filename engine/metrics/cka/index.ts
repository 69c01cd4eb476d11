/**
 * engine/metrics/cka: centred kernel alignment (Kornblith et al. 2019).
 *   linearCka (biased), angularLinearCka (arccos, a metric; netrep LinearCKA.score),
 *   unbiasedLinearCka (Song et al. 2012 U-centring, epsilon variants), rbfCka (named bandwidth rules),
 *   unbiasedHsic / uCentre for other kernels.
 */
export { linearCka, angularLinearCka, type LinearCkaOptions } from './linearCka';
export { unbiasedLinearCka, unbiasedHsic, uCentre, ckaFromHsic, type CkaEpsilonVariant, type UnbiasedCkaOptions } from './unbiasedCka';
export { rbfCka, rbfGram, squaredDistances, type RbfBandwidth, type RbfCkaOptions } from './rbfCka';
