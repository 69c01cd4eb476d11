/**
 * `metric: shape` with `group: soft-matching` (Khosla & Williams 2023): one-to-one correspondence of
 * units generalised to unequal widths by optimal transport, d = √(min_P Σ_ij P_ij ‖r_i − r′_j‖²) over
 * plans with marginals 1/p and 1/q, solved exactly (engine/metrics/shape/softMatching.ts). A metric;
 * invariant to unit order (and translation with `center`). Distance on all stimuli; no `cv` (the plan
 * is not a map that transfers to held-out stimuli), no `alpha`. Bootstrap and permutation statistics
 * as for the other shape metrics.
 */
import { CancelledError, SimspecError } from '../../core/errors';
import { selectRows } from '../../core/matrix';
import { softMatchingDistance } from '../../metrics/shape';
import { summarize } from '../../stats/summary';
import type { ComparisonSpec } from '../../spec/types';
import type { LoadedRepresentation, RunContext, Score } from '../types';
import { addResamplingStatistics, modelMatrix, responsesOf } from './shape';

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
  const summary = summarize(perSubject);
  const score: Score = {
    measure: `soft-matching distance (Khosla & Williams 2023, exact OT${center ? ', centred units' : ''})${brainMatrices.length > 1 ? ` (mean over ${brainMatrices.length} subjects)` : ''}`,
    value: summary.mean,
    higherIsBetter: false,
    details: { group: 'soft-matching', center, regime: 'all stimuli', units: { model: x.cols, brain: brainMatrices[0]!.cols } },
  };
  if (brainMatrices.length > 1) {
    score.perSubject = perSubject;
    score.sem = summary.sem;
  }
  addResamplingStatistics(score, comparison, context, x.rows, brainMatrices.length, (xRows, yRows, subjects) => {
    const xs = selectRows(x, xRows);
    let sum = 0;
    for (let k = 0; k < subjects.length; k++) sum += softMatchingDistance(xs, selectRows(brainMatrices[subjects[k]!]!, yRows), { center }).distance;
    return sum / subjects.length;
  }, warnings);
  if (warnings.length) score.warnings = warnings;
  return score;
}
