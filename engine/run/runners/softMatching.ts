/**
 * `metric: shape` with `group: soft-matching` (Khosla & Williams 2023): one-to-one correspondence of
 * units generalised to unequal widths by optimal transport, d = √(min_P Σ_ij P_ij ‖r_i − r′_j‖²) over
 * plans with marginals 1/p and 1/q, solved exactly (engine/metrics/shape/softMatching.ts). A metric;
 * invariant to unit order (and translation with `center`). Distance on all stimuli; no `cv` (the plan
 * is not a map that transfers to held-out stimuli), no `alpha`. Bootstrap and permutation statistics
 * as for the other shape metrics.
 */
import { CancelledError, SimspecError } from '../../core/errors';
import { softMatchingDistance } from '../../metrics/shape';
import type { ComparisonSpec } from '../../spec/types';
import type { LoadedRepresentation, RunContext, Score } from '../types';
import { addResamplingStatistics, drawnSubjectMean, subjectMeanScore, modelMatrix, responsesOf } from './shape';

export async function softMatchingScore(comparison: ComparisonSpec, model: LoadedRepresentation, brain: LoadedRepresentation, context: RunContext): Promise<Score> {
  const p = comparison.params;
  for (const key of ['cv', 'alpha', 'reduce', 'warping'] as const) {
    if (p[key] !== undefined && p[key] !== false) {
      throw new SimspecError(`\`${key}\` does not apply to the soft-matching distance`, { variable: `comparisons[${comparison.index}].${key}`, expected: 'no cv, alpha, reduce or warping with group: soft-matching', code: 'shape.soft-matching-option' });
    }
  }
  const center = p.center !== false;
  const warnings: string[] = [];
  const x = modelMatrix(model, 'the soft-matching distance', warnings);
  const brainMatrices = responsesOf(brain, 'the soft-matching distance');
  const perSubject = brainMatrices.map((y, s) => {
    if (context.signal.aborted) throw new CancelledError();
    context.progress(s / brainMatrices.length, 'soft matching (exact optimal transport)');
    return softMatchingDistance(x, y, { center }).distance;
  });
  const score = subjectMeanScore(perSubject, {
    measure: `soft-matching distance (Khosla & Williams 2023, exact OT${center ? ', centred units' : ''})${brainMatrices.length > 1 ? ` (mean over ${brainMatrices.length} subjects)` : ''}`,
    higherIsBetter: false,
    details: { group: 'soft-matching', center, regime: 'all stimuli', units: { model: x.cols, brain: brainMatrices[0]!.cols } },
  });
  addResamplingStatistics(score, comparison, context, x.rows, brainMatrices.length, drawnSubjectMean(x, brainMatrices, (xs, y) => softMatchingDistance(xs, y, { center }).distance), warnings);
  if (warnings.length) score.warnings = warnings;
  return score;
}
