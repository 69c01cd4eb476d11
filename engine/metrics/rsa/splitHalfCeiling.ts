/**
 * RSA noise ceiling of one subject from its repeated measurements (docs/metrics.md §2.4, "Ceiling
 * from repeats"). rsatoolbox has no function for it; we build it from rsatoolbox's own parts so that
 * each step has its convention:
 *  - the repeat indices are split into halves A and B by Brain-Score's repeat splits (scikit-learn
 *    `ShuffleSplit(10, train_size=0.5, random_state=1)`, half A = the train part), the same splits the
 *    regression ceiling uses (stats/reliability.ts);
 *  - each half's patterns are the mean over the half's present repeats (rsatoolbox `calc_rdm(...,
 *    descriptor=...)` averages observations per condition; NaN marks a missing repeat and is skipped),
 *    and each half gives an RDM by the comparison's `rdm` method;
 *  - the two half RDMs are compared by the comparison's `compare` method (rsatoolbox `compare`), and
 *    Spearman–Brown 2r/(1 + r) turns the half-data agreement into the reliability of the full-data
 *    RDM, which is what a model is compared with;
 *  - the ceiling is the mean over splits of the corrected values. A split in which some stimulus has
 *    no present repeat in one half cannot give an RDM over all stimuli: it is left out and counted.
 * It is one number (no lower/upper pair as in the leave-one-subject-out ceiling).
 */
import { SimspecError } from '../../core/errors';
import type { Matrix, NDArray } from '../../core/matrix';
import { averageRepeats, brainScoreSplitHalfSplits, spearmanBrown, type RepeatSplit } from '../../stats/reliability';
import { compareRdms } from './compare';
import type { Origin } from './condensed';
import { rdmFromResponses } from './rdm';

export interface SplitHalfRdmCeiling {
  /** Mean over the usable splits of the Spearman–Brown corrected half agreement; NaN when none was usable. */
  ceiling: number;
  /** Per split: the repeat indices of each half, the half RDMs' agreement r and its corrected value (NaN when left out). */
  splits: { halfA: number[]; halfB: number[]; r: number; spearmanBrown: number }[];
  /** Splits left out because a stimulus had no present repeat in one half. */
  skipped: number;
}

export interface SplitHalfRdmOptions extends Origin {
  rdm: string;
  compare: string;
  /** Noise precision for `mahalanobis` (units × units). */
  precision?: Matrix;
  /** Default: Brain-Score's 10 repeat splits, seed 1. */
  splits?: readonly RepeatSplit[];
}

/** Convention text shown with the ceiling in the table and the results. */
export const SPLIT_HALF_RDM_CONVENTION = 'split-half over repeats, Spearman–Brown corrected, mean over 10 repeat splits (seed 1)';

export function splitHalfRdmCeiling(repeats: NDArray, options: SplitHalfRdmOptions): SplitHalfRdmCeiling {
  const origin: Origin = { file: options.file, variable: options.variable };
  if (repeats.shape.length !== 3) {
    throw new SimspecError(`has shape (${repeats.shape.join(', ')})`, { ...origin, expected: 'stimuli × repeats × units for a split-half ceiling', code: 'data.shape' });
  }
  const splits = options.splits ?? brainScoreSplitHalfSplits(repeats.shape[1]!, 10, 1);
  const convention = options.rdm === 'cosine' ? 'scipy' : 'rsatoolbox';
  let skipped = 0;
  const out = splits.map((split) => {
    const entry = { halfA: Array.from(split.halfA), halfB: Array.from(split.halfB), r: NaN, spearmanBrown: NaN };
    const a = averageRepeats(repeats, split.halfA, origin.variable);
    const b = averageRepeats(repeats, split.halfB, origin.variable);
    if (a.data.some(Number.isNaN) || b.data.some(Number.isNaN)) {
      skipped++;
      return entry;
    }
    const rdmA = rdmFromResponses(a, options.rdm, { ...origin, convention, ...(options.precision ? { precision: options.precision } : {}) }).condensed;
    const rdmB = rdmFromResponses(b, options.rdm, { ...origin, convention, ...(options.precision ? { precision: options.precision } : {}) }).condensed;
    entry.r = compareRdms(rdmA, rdmB, options.compare, origin).value;
    entry.spearmanBrown = spearmanBrown(entry.r);
    return entry;
  });
  const usable = out.filter((s) => !Number.isNaN(s.spearmanBrown));
  const ceiling = usable.length ? usable.reduce((sum, s) => sum + s.spearmanBrown, 0) / usable.length : NaN;
  return { ceiling, splits: out, skipped };
}
