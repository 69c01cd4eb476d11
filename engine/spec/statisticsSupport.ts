/**
 * Which requested statistics each metric family computes (the README's table "Guards and the
 * statistics each family computes" shows the same; docs/metrics.md §9.4). `check` warns — and the run repeats the
 * warning in the results — whenever a spec asks a family for something it does not compute, so that
 * nothing asked for is dropped silently. A family that gains a statistic flips its line here.
 */
import { RESAMPLING_WITH_CV_NOTE } from '../families/runner';

export interface StatisticsSupport {
  /** `statistics.bootstrap` gives an interval. */
  bootstrap: boolean;
  /** `statistics.permutation` gives a p-value. */
  permutation: boolean;
  /** `noise_ceiling: leave-one-subject-out` gives a ceiling (brain data with several subjects). */
  subjectCeiling: boolean;
  /** Bootstrap and permutation are also computed when the comparison has `cv`. */
  resamplingWithCv: boolean;
  /** What to use instead of a leave-one-subject-out ceiling, when the family has another. */
  ceilingInstead?: string;
}

export const STATISTICS_SUPPORT: Readonly<Record<string, StatisticsSupport>> = {
  rsa: { bootstrap: true, permutation: true, resamplingWithCv: true, subjectCeiling: true },
  regression: { bootstrap: false, permutation: false, resamplingWithCv: false, subjectCeiling: false, ceilingInstead: '`ceiling: split-half` (per-unit ceiling from repeats)' },
  shape: { bootstrap: true, permutation: true, resamplingWithCv: false, subjectCeiling: false },
  cka: { bootstrap: true, permutation: true, resamplingWithCv: false, subjectCeiling: false },
  cca: { bootstrap: true, permutation: true, resamplingWithCv: false, subjectCeiling: false },
  knn: { bootstrap: true, permutation: true, resamplingWithCv: false, subjectCeiling: false },
  searchlight: { bootstrap: false, permutation: false, resamplingWithCv: false, subjectCeiling: false },
  'rsa-time': { bootstrap: false, permutation: false, resamplingWithCv: false, subjectCeiling: true },
};

/** The pair runner's own note (engine/families/runner.ts), for a family that resamples but not under `cv`. */
export function resamplingWithCvMessage(metric: string): string | undefined {
  const support = STATISTICS_SUPPORT[metric];
  return support && (support.bootstrap || support.permutation) && !support.resamplingWithCv ? `${RESAMPLING_WITH_CV_NOTE}.` : undefined;
}

export function unsupportedStatisticMessage(metric: string, statistic: 'bootstrap' | 'permutation' | 'noise_ceiling'): string | undefined {
  const support = STATISTICS_SUPPORT[metric];
  if (!support) return undefined;
  if (statistic === 'bootstrap' && !support.bootstrap) return `\`metric: ${metric}\` computes no bootstrap interval: \`statistics.bootstrap\` is not used by this comparison.`;
  if (statistic === 'permutation' && !support.permutation) return `\`metric: ${metric}\` computes no permutation test: \`statistics.permutation\` is not used by this comparison.`;
  if (statistic === 'noise_ceiling' && !support.subjectCeiling) return `\`metric: ${metric}\` computes no leave-one-subject-out noise ceiling: \`noise_ceiling\` is not used by this comparison${support.ceilingInstead ? `; use ${support.ceilingInstead}` : ''}.`;
  return undefined;
}

/** A leave-one-subject-out ceiling asked for a region with fewer than two subjects. */
export function singleSubjectCeilingMessage(region: string, subjects: number): string {
  return `\`noise_ceiling: leave-one-subject-out\` needs at least 2 subjects, but region \`${region}\` has ${subjects} (no \`subjects\` axis, or one of length ${subjects}): it gets no leave-one-subject-out ceiling.`;
}
