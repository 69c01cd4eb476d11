/**
 * Regression (linear encoding model) comparison of one model layer with one brain region
 * (metrics-reference.md §3, §6.2). Parameters (schema `regressionComparison`):
 *   method: ridge | ols | pls;  alphas: list, one number, or 'brain-score' (ALPHA_LIST);
 *   alpha_selection: loo | loo-per-target | kfold | kfold-shared (with several α); inner_folds;
 *   components (PLS); score: pearson | r2; aggregate: median | mean;
 *   direction: model-to-brain | brain-to-model | both; cv (default Brain-Score's 10 × 0.9, seed 1);
 *   ceiling: none | split-half; ceiling_normalization: none | r/c | (r/c)^2 | r^2/c;
 *   preset: brain-score (PLS-25, 10 × 0.9 splits seed 1, Pearson, median, split-half ceiling,
 *   (r/c)²); explicit keys override the preset's.
 * Per brain subject: the held-out score (aggregate over units, mean over splits); value = mean
 * over subjects (ceiling-normalised per subject when asked, then averaged). Both directions use
 * the same splits and estimator and are reported separately (the second in details).
 */
import { CancelledError, SimspecError } from '../../core/errors';
import type { Matrix } from '../../core/matrix';
import { brainScoreAlphas } from '../../metrics/regression/brainScore';
import { crossValidatedEncoding, type Direction, type EncodingResult, type ScoreName } from '../../metrics/regression/crossValidate';
import type { Estimator } from '../../metrics/regression/estimator';
import { olsEstimator } from '../../metrics/regression/ols';
import { plsEstimator } from '../../metrics/regression/pls';
import { ridgeEstimator } from '../../metrics/regression/ridge';
import { ridgeCvKFoldEstimator } from '../../metrics/regression/ridgeCvKFold';
import { ridgeCvLooEstimator } from '../../metrics/regression/ridgeCvLoo';
import type { Aggregate } from '../../metrics/regression/scores';
import { brainScoreSplitHalfSplits, normalizeByCeiling, splitHalfReliability, type CeilingNormalization } from '../../stats/reliability';
import type { ComparisonSpec } from '../../spec/types';
import type { ComparisonRunner, LoadedRepresentation, RunContext, Score } from '../types';
import { foldsFromCv, modelMatrix, responsesOf } from './shape';

interface RegressionSettings {
  method: 'ridge' | 'ols' | 'pls';
  alphas: number[];
  alphaSelection: 'loo' | 'loo-per-target' | 'kfold' | 'kfold-shared';
  innerFolds: number;
  components: number;
  score: ScoreName;
  aggregate: Aggregate;
  directions: Direction[];
  ceiling: 'none' | 'split-half';
  normalization: CeilingNormalization | 'none';
  preset?: 'brain-score';
}

const BRAIN_SCORE_CV = { scheme: 'shuffle-split', splits: 10, train: 0.9, seed: 1 };

function where(comparison: ComparisonSpec, key: string) {
  return { variable: `comparisons[${comparison.index}].${key}`, code: 'spec.regression' };
}

export function regressionSettings(comparison: ComparisonSpec): RegressionSettings {
  const p = comparison.params;
  const preset = p.preset === 'brain-score' ? 'brain-score' : undefined;
  const method = (p.method ?? (preset ? 'pls' : 'ridge')) as RegressionSettings['method'];
  let alphas: number[];
  if (p.alphas === 'brain-score') alphas = brainScoreAlphas();
  else if (typeof p.alphas === 'number') alphas = [p.alphas];
  else if (Array.isArray(p.alphas)) alphas = p.alphas as number[];
  else alphas = [1];
  if (alphas.some((a) => !(a > 0))) throw new SimspecError('every α must be > 0', { ...where(comparison, 'alphas'), expected: 'positive numbers' });
  const direction = String(p.direction ?? 'model-to-brain');
  const directions: Direction[] =
    direction === 'both' ? ['model_to_brain', 'brain_to_model'] : direction === 'brain-to-model' ? ['brain_to_model'] : ['model_to_brain'];
  return {
    method,
    alphas,
    alphaSelection: (p.alpha_selection ?? 'loo') as RegressionSettings['alphaSelection'],
    innerFolds: Number(p.inner_folds ?? 5),
    components: Number(p.components ?? 25),
    score: (p.score ?? 'pearson') as ScoreName,
    aggregate: (p.aggregate ?? 'median') as Aggregate,
    directions,
    ceiling: (p.ceiling ?? (preset ? 'split-half' : 'none')) as RegressionSettings['ceiling'],
    normalization: (p.ceiling_normalization ?? (preset ? '(r/c)^2' : 'none')) as RegressionSettings['normalization'],
    preset,
  };
}

function estimatorOf(settings: RegressionSettings, warnings: string[]): { estimator: Estimator; description: string } {
  if (settings.method === 'ols') return { estimator: olsEstimator(), description: 'OLS (minimum-norm)' };
  if (settings.method === 'pls') return { estimator: plsEstimator({ nComponents: settings.components }), description: `PLS-${settings.components} (NIPALS, scikit-learn parity)` };
  if (settings.alphas.length === 1) return { estimator: ridgeEstimator(settings.alphas[0]!), description: `ridge α = ${settings.alphas[0]}` };
  const n = settings.alphas.length;
  switch (settings.alphaSelection) {
    case 'loo':
      return { estimator: ridgeCvLooEstimator({ alphas: settings.alphas }), description: `ridge, α of ${n} by leave-one-out (shared, scikit-learn RidgeCV)` };
    case 'loo-per-target':
      return { estimator: ridgeCvLooEstimator({ alphas: settings.alphas, alphaPerTarget: true }), description: `ridge, α of ${n} by leave-one-out per target` };
    case 'kfold':
    case 'kfold-shared':
      return {
        estimator: ridgeCvKFoldEstimator({ alphas: settings.alphas, folds: settings.innerFolds, localAlpha: settings.alphaSelection === 'kfold' }),
        description: `ridge, α of ${n} by inner ${settings.innerFolds}-fold CV (himalaya, ${settings.alphaSelection === 'kfold' ? 'per target' : 'shared'})`,
      };
    default:
      warnings.push(`unknown alpha_selection '${String(settings.alphaSelection)}': leave-one-out used`);
      return { estimator: ridgeCvLooEstimator({ alphas: settings.alphas }), description: `ridge, α of ${n} by leave-one-out` };
  }
}

function summary(result: EncodingResult): Record<string, unknown> {
  return {
    direction: result.direction,
    value: result.mean,
    error: result.error,
    perSplit: result.splits.map((s) => s.aggregate),
    perTarget: Array.from(result.perTargetMean, (v) => (Number.isNaN(v) ? null : v)),
    nanTargets: result.splits.map((s) => s.nanTargets),
    fit: result.splits.map((s) => s.info),
  };
}

export const regressionRunner: ComparisonRunner = {
  metric: 'regression',
  async run(comparison: ComparisonSpec, model: LoadedRepresentation, brain: LoadedRepresentation, context: RunContext): Promise<Score> {
    const settings = regressionSettings(comparison);
    const warnings: string[] = [];
    const { estimator, description } = estimatorOf(settings, warnings);
    if (settings.method !== 'ridge' && comparison.params.alphas !== undefined) warnings.push(`alphas are ignored by method '${settings.method}'`);
    const x: Matrix = modelMatrix(model, 'a regression', warnings);
    const brainMatrices = responsesOf(brain, 'a regression');
    const cvComparison = comparison.params.cv ? comparison : { ...comparison, params: { ...comparison.params, cv: BRAIN_SCORE_CV } };
    if (!comparison.params.cv) warnings.push('no cv given: 10 random splits with 90% training stimuli, seed 1 (Brain-Score)');
    const folds = foldsFromCv(cvComparison, x.rows, context)!;
    const perSubject: number[] = [];
    const rawPerSubject: number[] = [];
    const ceilings: number[] = [];
    const secondary: Record<string, unknown>[] = [];
    let first: EncodingResult | undefined;
    const jobs = brainMatrices.length * settings.directions.length;
    for (let s = 0; s < brainMatrices.length; s++) {
      const y = brainMatrices[s]!;
      const brainName = brainMatrices.length > 1 ? `${brain.key ?? brain.name} (subject ${s})` : brain.key ?? brain.name;
      const results = settings.directions.map((direction, d) =>
        crossValidatedEncoding(x, y, folds, estimator, {
          score: settings.score,
          aggregate: settings.aggregate,
          direction,
          names: { model: model.key ?? model.name, brain: brainName },
          beforeSplit: (k, total) => {
            if (context.signal.aborted) throw new CancelledError();
            context.progress((s * settings.directions.length + d + k / total) / jobs, `${direction.replace(/_/g, ' ')}: split ${k + 1}/${total}`);
          },
        }),
      );
      const main = results[0]!;
      first ??= main;
      results.slice(1).forEach((r) => secondary.push({ subject: s, ...summary(r) }));
      main.notes.slice(0, 3).forEach((n) => warnings.push(n));
      let value = main.mean;
      rawPerSubject.push(main.mean);
      if (settings.ceiling === 'split-half') {
        const repeats = brain.subjects[s]!.repeats;
        if (!repeats) {
          throw new SimspecError(`a split-half ceiling needs repeats, but '${brain.name}' is given as ${brain.kind}`, {
            file: brain.file,
            variable: brain.key ?? brain.name,
            expected: 'kind: repeats (stimuli × repeats × units)',
            code: 'data.kind',
          });
        }
        const ceiling = context.shared.get(`regression:split-half:${brain.name}:${s}`, () =>
          splitHalfReliability(repeats, brainScoreSplitHalfSplits(repeats.shape[1]!, 10, 1), brainName).meanOverSplitsOfMedianRSb,
        );
        ceilings.push(ceiling);
        if (settings.normalization !== 'none') value = normalizeByCeiling(main.mean, ceiling, settings.normalization);
      }
      perSubject.push(value);
    }
    const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
    const scoreName = settings.score === 'pearson' ? 'Pearson r' : 'R²';
    const directionText = first!.direction === 'model_to_brain' ? 'model → brain' : 'brain → model';
    const normalized = settings.ceiling === 'split-half' && settings.normalization !== 'none';
    const measure =
      `${normalized ? `ceiling-normalised ${settings.normalization} of ` : ''}held-out ${scoreName}, ${settings.aggregate} over ${directionText === 'model → brain' ? 'brain units' : 'model units'}, ` +
      `mean over ${folds.length} splits; ${description}, ${directionText}${brainMatrices.length > 1 ? `; mean over ${brainMatrices.length} subjects` : ''}`;
    const ceilingValue = ceilings.length ? mean(ceilings) : undefined;
    return {
      measure,
      value: mean(perSubject),
      higherIsBetter: true,
      ...(brainMatrices.length > 1 ? { perSubject } : {}),
      ...(ceilingValue !== undefined ? { noiseCeiling: { lower: ceilingValue, upper: ceilingValue, convention: 'split-half Spearman–Brown per unit, median over units, mean over 10 repeat splits (Brain-Score, seed 1)' } } : {}),
      folds: folds.map((f) => ({ train: Array.from(f.train), test: Array.from(f.test) })),
      details: {
        preset: settings.preset ?? null,
        method: settings.method,
        estimator: description,
        score: settings.score,
        aggregate: settings.aggregate,
        raw: mean(rawPerSubject),
        ceilingNormalization: normalized ? settings.normalization : 'none',
        [first!.direction]: summary(first!),
        ...(secondary.length ? { [secondary[0]!.direction as string]: secondary.length === 1 ? secondary[0] : secondary } : {}),
      },
      ...(warnings.length ? { warnings } : {}),
    };
  },
};
