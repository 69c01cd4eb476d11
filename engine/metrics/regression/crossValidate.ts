/**
 * Cross-validated encoding scores in either direction (docs/metrics.md §3.4, §6.2).
 *
 * For each split: fit the estimator on the training rows, predict the test rows, score each
 * target column on the held-out rows (Pearson r, scipy semantics, or R², sklearn `r2_score` with
 * the test mean), aggregate over targets (NaN-skipping median or mean), then average over splits;
 * the error is std over splits (ddof 0)/√n_splits (Brain-Score). Per-target values are kept.
 *
 * Directions [choose, reported separately, never averaged]:
 * - 'model_to_brain' P(X→Y): model units predict brain units (the usual encoding model);
 * - 'brain_to_model' P(Y→X): brain units predict model units (Brain-Score `reverse_pls`,
 *   Muzellec & Kar 2025). Both use the same splits, estimator and α selection. With p ≫ q the
 *   reverse median is dominated by unpredictable model units.
 * Only held-out scores are reported: in-sample R² is 1 whenever p ≥ n.
 */
import { SimspecError } from '../../core/errors';
import type { Matrix } from '../../core/matrix';
import { selectRows } from '../../core/matrix';
import type { Split } from '../../stats/cv';
import { requireProblem, type DataNames } from './design';
import { isSharingEstimator, type Estimator } from './estimator';
import { aggregateSkippingNaN, countNaN, meanOverSplits, pearsonPerTarget, r2PerTarget, type Aggregate } from './scores';

export type Direction = 'model_to_brain' | 'brain_to_model';
export type ScoreName = 'pearson' | 'r2';

export interface EncodingOptions {
  score?: ScoreName;
  aggregate?: Aggregate;
  direction?: Direction;
  /** Variable names for error messages: model (X) and brain (Y). */
  names?: { model?: string; brain?: string; file?: string };
  /** Called before each split (progress; may throw to cancel). */
  beforeSplit?: (index: number, total: number) => void;
  /**
   * For a SharingEstimator: the predictors' preparation of split `index` (memoised by the caller
   * across target sets, families/regression.ts). Without it every split is fitted from scratch.
   */
  preparedSplit?: (index: number, split: Split) => unknown;
}

export interface SplitScore {
  perTarget: Float64Array;
  aggregate: number;
  /** Targets whose score is NaN (constant on the test rows, Pearson). */
  nanTargets: number;
  info: Record<string, unknown>;
}

export interface EncodingResult {
  direction: Direction;
  estimator: string;
  score: ScoreName;
  aggregate: Aggregate;
  splits: SplitScore[];
  /** Per target, NaN-skipping mean over splits. */
  perTargetMean: Float64Array;
  /** Mean over splits of the per-split aggregate, and its error. */
  mean: number;
  error: number;
  notes: string[];
}

export function crossValidatedEncoding(model: Matrix, brain: Matrix, splits: readonly Split[], estimator: Estimator, options: EncodingOptions = {}): EncodingResult {
  const direction = options.direction ?? 'model_to_brain';
  const score = options.score ?? 'pearson';
  const aggregate = options.aggregate ?? 'median';
  const modelName = options.names?.model ?? 'model';
  const brainName = options.names?.brain ?? 'brain';
  const [predictors, targets] = direction === 'model_to_brain' ? [model, brain] : [brain, model];
  const names: DataNames = {
    x: direction === 'model_to_brain' ? modelName : brainName,
    y: direction === 'model_to_brain' ? brainName : modelName,
    file: options.names?.file,
  };
  const notes: string[] = [];
  const q = targets.cols;
  const sums = new Float64Array(q);
  const counts = new Float64Array(q);
  const sharing = options.preparedSplit && isSharingEstimator(estimator) ? estimator : undefined;
  // The shared path sees whole matrices: the checks fitPredict makes per split, made once.
  if (sharing) requireProblem(predictors, targets, predictors, names);
  const results: SplitScore[] = splits.map((split, s) => {
    options.beforeSplit?.(s, splits.length);
    if (sharing && split.train.length < 2) {
      throw new SimspecError(`only ${split.train.length} training row in split ${s}`, { file: names.file, variable: names.x, expected: 'at least 2 training stimuli', code: 'regression.shape' });
    }
    const fit =
      sharing && options.preparedSplit
        ? sharing.fitPrepared(options.preparedSplit(s, split), selectRows(targets, split.train))
        : estimator.fitPredict(selectRows(predictors, split.train), selectRows(targets, split.train), selectRows(predictors, split.test), names);
    const truth = selectRows(targets, split.test);
    const perTarget = score === 'pearson' ? pearsonPerTarget(truth, fit.predictions) : r2PerTarget(truth, fit.predictions);
    const nanTargets = countNaN(perTarget);
    if (nanTargets > 0) {
      const which = Array.from(perTarget.keys()).filter((j) => Number.isNaN(perTarget[j]!));
      notes.push(
        `split ${s}: ${nanTargets} ${names.y} unit(s) (${which.slice(0, 10).join(', ')}${which.length > 10 ? ', …' : ''}) are constant on the test rows or predicted as constant; their Pearson r is NaN (scipy semantics) and the ${aggregate} skips them`,
      );
    }
    perTarget.forEach((v, j) => {
      if (!Number.isNaN(v)) (sums[j] += v), counts[j]++;
    });
    return { perTarget, aggregate: aggregateSkippingNaN(perTarget, aggregate), nanTargets, info: fit.info };
  });
  const { mean, error } = meanOverSplits(results.map((r) => r.aggregate));
  return {
    direction,
    estimator: estimator.name,
    score,
    aggregate,
    splits: results,
    perTargetMean: sums.map((s, j) => (counts[j]! > 0 ? s / counts[j]! : NaN)),
    mean,
    error,
    notes,
  };
}

/** Both directions with the same splits and estimator, reported separately (§6.2). */
export function bothDirections(model: Matrix, brain: Matrix, splits: readonly Split[], estimator: Estimator, options: Omit<EncodingOptions, 'direction'> = {}) {
  return {
    modelToBrain: crossValidatedEncoding(model, brain, splits, estimator, { ...options, direction: 'model_to_brain' }),
    brainToModel: crossValidatedEncoding(model, brain, splits, estimator, { ...options, direction: 'brain_to_model' }),
  };
}
