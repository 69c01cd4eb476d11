/**
 * `metric: regression` — linear encoding model of one model layer and one brain region
 * (docs/metrics.md §3, §6.2). Parameters (schema `regressionComparison`):
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
 * Regression overrides the generic runner: its folds, directions and split-half ceilings differ.
 */
import { CancelledError, SimspecError } from '../core/errors';
import type { Matrix } from '../core/matrix';
import { brainScoreAlphas } from '../metrics/regression/brainScore';
import { crossValidatedEncoding, type Direction, type EncodingResult, type ScoreName } from '../metrics/regression/crossValidate';
import { isSharingEstimator, type Estimator } from '../metrics/regression/estimator';
import type { Split } from '../stats/cv';
import { olsEstimator } from '../metrics/regression/ols';
import { plsEstimator } from '../metrics/regression/pls';
import { ridgeEstimator } from '../metrics/regression/ridge';
import { ridgeCvKFoldEstimator } from '../metrics/regression/ridgeCvKFold';
import { ridgeCvLooEstimator } from '../metrics/regression/ridgeCvLoo';
import type { Aggregate } from '../metrics/regression/scores';
import { brainScoreSplitHalfSplits, normalizeByCeiling, splitHalfReliability, type CeilingNormalization } from '../inference';
import { caseHandlers } from '../cases/regression';
import { checkCv, foldsFromCv, modelMatrix, paramPath, parseCv, responsesOf, runnerOf, sharedCentredGram, type CvParams } from './runner';
import type { FamilyComparison, FamilyDefinition, RunContext, Score } from './types';

export interface RegressionSettings {
  method: 'ridge' | 'ols' | 'pls';
  alphas: number[];
  /** `alphas` was written (it is ignored by OLS and PLS, with a note). */
  alphasGiven: boolean;
  alphaSelection: 'loo' | 'loo-per-target' | 'kfold' | 'kfold-shared';
  innerFolds: number;
  components: number;
  score: ScoreName;
  aggregate: Aggregate;
  direction: 'model-to-brain' | 'brain-to-model' | 'both';
  directions: Direction[];
  ceiling: 'none' | 'split-half';
  normalization: CeilingNormalization | 'none';
  preset?: 'brain-score';
  cv: CvParams;
  /** No `cv` was written: Brain-Score's default splits are used (with a note). */
  cvDefaulted: boolean;
}

/** Brain-Score's default splits: 10 × ShuffleSplit(train_size=0.9, random_state=1). */
const BRAIN_SCORE_CV = { scheme: 'shuffle-split', splits: 10, train: 0.9, seed: 1 } as const;

const defaults = {
  method: 'ridge',
  alphas: 1,
  alpha_selection: 'loo',
  inner_folds: 5,
  components: 25,
  score: 'pearson',
  aggregate: 'median',
  direction: 'model-to-brain',
  ceiling: 'none',
  ceiling_normalization: 'none',
  cv: BRAIN_SCORE_CV,
} as const;

/** What `preset: brain-score` changes in the defaults (explicit keys still win). */
const PRESETS = { 'brain-score': { method: 'pls', ceiling: 'split-half', ceiling_normalization: '(r/c)^2' } } as const;

function parseRegression(p: Record<string, unknown>, comparison: Pick<FamilyComparison, 'index'>): RegressionSettings {
  const preset = p.preset === 'brain-score' ? 'brain-score' : undefined;
  const base: Record<string, unknown> = { ...defaults, ...(preset ? PRESETS[preset] : {}) };
  const value = (key: string) => p[key] ?? base[key];
  let alphas: number[];
  const rawAlphas = value('alphas');
  if (rawAlphas === 'brain-score') alphas = brainScoreAlphas();
  else if (typeof rawAlphas === 'number') alphas = [rawAlphas];
  else alphas = rawAlphas as number[];
  if (alphas.some((a) => !(a > 0))) throw new SimspecError('every α must be > 0', { variable: paramPath(comparison, 'alphas'), expected: 'positive numbers', code: 'spec.regression' });
  const direction = value('direction') as RegressionSettings['direction'];
  const directions: Direction[] = direction === 'both' ? ['model_to_brain', 'brain_to_model'] : direction === 'brain-to-model' ? ['brain_to_model'] : ['model_to_brain'];
  const settings: RegressionSettings = {
    method: value('method') as RegressionSettings['method'],
    alphas,
    alphasGiven: p.alphas !== undefined,
    alphaSelection: value('alpha_selection') as RegressionSettings['alphaSelection'],
    innerFolds: Number(value('inner_folds')),
    components: Number(value('components')),
    score: value('score') as ScoreName,
    aggregate: value('aggregate') as Aggregate,
    direction,
    directions,
    ceiling: value('ceiling') as RegressionSettings['ceiling'],
    normalization: value('ceiling_normalization') as RegressionSettings['normalization'],
    cv: parseCv(value('cv'))!,
    cvDefaulted: p.cv === undefined,
  };
  if (preset) settings.preset = preset;
  return settings;
}

/** The settings of a regression comparison (defaults and preset applied). */
export function regressionSettings(comparison: FamilyComparison): RegressionSettings {
  return parseRegression(comparison.params, comparison);
}

/**
 * Regression's uncertainty is the spread over its cross-validation splits; a stimulus bootstrap or
 * permutation test would refit every fold of every draw, so the spec-level blocks are not run for it
 * and `check` and the run say so in these words (docs/metrics.md §2.6).
 */
function ignoredResampling(statistics: { bootstrap?: unknown; permutation?: unknown }): string | undefined {
  const asked = [statistics.bootstrap ? '`statistics.bootstrap`' : '', statistics.permutation ? '`statistics.permutation`' : ''].filter(Boolean);
  if (!asked.length) return undefined;
  return `regression does not run ${asked.join(' or ')} (every draw would refit every cross-validation fold)`;
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

/** A representation used as predictors: `role:name` names its data for the shared-product keys. */
interface Predictors {
  role: 'model' | 'brain';
  name: string;
  matrix: Matrix;
}

/**
 * The preparations of the most recent predictors (prepared.ts: fold kernels and decompositions).
 * Jobs run comparison by comparison, layer by layer, region by region (run/execute.ts), so a
 * model layer's preparations are used by consecutive jobs only: one layer's are kept (as many as
 * a single job held before), while a brain region's, reused by every layer in brain → model, are
 * kept for the run.
 */
class RecentPreparations {
  private readonly entries = new Map<string, unknown[]>();
  private currentModelKey: string | undefined;

  folds(role: 'model' | 'brain', key: string): unknown[] {
    let entry = this.entries.get(key);
    if (!entry) {
      if (role === 'model') {
        if (this.currentModelKey !== undefined) this.entries.delete(this.currentModelKey);
        this.currentModelKey = key;
      }
      entry = [];
      this.entries.set(key, entry);
    }
    return entry;
  }
}

/**
 * Per split, the predictors' part of a ridge fit, made once per (predictors, estimator, splits) and
 * shared by every target set; the full Gram it derives from is a shared product (disk-cached:
 * its key names the representation). Undefined for estimators that do not share (OLS, PLS,
 * fixed-α ridge), which fit every split from scratch.
 */
function sharedPreparation(context: RunContext, settings: RegressionSettings, predictors: Predictors, stimuli: number) {
  const estimator = estimatorOf(settings, []).estimator;
  if (!isSharingEstimator(estimator)) return undefined;
  const method = `${settings.alphaSelection}:${settings.alphas.join(',')}:${settings.innerFolds}`;
  const key = `regression:prepared:${predictors.role}:${predictors.name}:${method}:${JSON.stringify(settings.cv)}:${stimuli}`;
  const folds = context.shared.get('regression:recent-preparations', () => new RecentPreparations()).folds(predictors.role, key);
  // The representation's one centred Gram, shared with CKA and the shape metrics (docs/performance.md §7.2).
  const centred = sharedCentredGram(context, predictors.role, predictors.name, predictors.matrix);
  const fullGram = () => centred().gram;
  return (index: number, split: Split) => (folds[index] ??= estimator.prepare(predictors.matrix, split, fullGram));
}

function summary(result: EncodingResult): Record<string, unknown> {
  return {
    direction: result.direction,
    value: result.mean,
    error: result.error,
    perSplit: result.splits.map((s) => s.aggregate),
    perTarget: Array.from(result.perTargetMean, (v) => (Number.isNaN(v) ? null : v)),
    // splits × target units: the score of every unit on every split's held-out stimuli (NaN → null).
    perSplitPerTarget: result.splits.map((s) => Array.from(s.perTarget, (v) => (Number.isNaN(v) ? null : v))),
    nanTargets: result.splits.map((s) => s.nanTargets),
    fit: result.splits.map((s) => s.info),
  };
}

/** Every ridge penalty chosen in `results` (one per split, or one per split and target). */
function chosenAlphas(results: readonly EncodingResult[], shared: boolean): number[] {
  const out: number[] = [];
  for (const result of results) {
    for (const split of result.splits) {
      const alpha = split.info.alpha;
      if (typeof alpha === 'number') out.push(alpha);
      // A shared choice may still be reported once per target (himalaya's `local_alpha=False`): count it once.
      else if (Array.isArray(alpha)) for (const a of shared ? alpha.slice(0, 1) : alpha) if (typeof a === 'number') out.push(a);
    }
  }
  return out;
}

/**
 * The α a ridge fit used, as its range over splits and targets, with the grid when α was chosen; and
 * a note when the chosen α is the smallest or largest candidate (the best α may lie outside the grid).
 * Only the data can tell, so `check` cannot report it (docs/metrics.md §3.2).
 */
function alphaSummary(settings: RegressionSettings, results: readonly EncodingResult[], warnings: string[]): Score['alpha'] {
  if (settings.method !== 'ridge') return undefined;
  const perTarget = settings.alphaSelection === 'loo-per-target' || settings.alphaSelection === 'kfold';
  const chosen = chosenAlphas(results, !perTarget);
  if (chosen.length === 0) return undefined;
  const summary: NonNullable<Score['alpha']> = { min: Math.min(...chosen), max: Math.max(...chosen) };
  if (settings.alphas.length > 1) {
    const low = Math.min(...settings.alphas);
    const high = Math.max(...settings.alphas);
    summary.grid = { min: low, max: high, count: settings.alphas.length };
    const perSplit = perTarget ? 'split × target choices' : 'splits';
    for (const [edge, name, hint] of [[high, 'largest', 'larger'], [low, 'smallest', 'smaller']] as const) {
      const count = chosen.filter((a) => a === edge).length;
      if (count > 0) warnings.push(`the chosen ridge α sits at the edge of the grid: the ${name} candidate (α = ${edge}) was chosen in ${count} of ${chosen.length} ${perSplit}; the best α may be ${hint} — extend \`alphas\``);
    }
  }
  return summary;
}

export const regression: FamilyDefinition<'regression', RegressionSettings> = {
  id: 'regression',
  summary: 'cross-validated linear encoding model (ridge, OLS, PLS; Brain-Score preset)',
  description: "**Linear encoding model**: cross-validated linear regression from one representation to the other (OLS, ridge, PLS), scored by held-out R² or Pearson r per target unit (Yamins et al. 2014; Schrimpf et al. 2018, Brain-Score). Asymmetric.",
  defaults,
  properties: {
    preset: {
      enum: [
        "brain-score"
      ],
      markdownDescription: "A published recipe; keys given explicitly override its defaults.",
      markdownEnumDescriptions: [
        "Brain-Score vision neural predictivity (Schrimpf et al. 2018, e.g. `MajajHong2015.IT-pls`): `method: pls`, `components: 25`, `score: pearson`, `aggregate: median` over neuroids, mean over splits; `cv` defaults to 10 × `ShuffleSplit(train_size=0.9, random_state=1)` (add `stratify: <object column>` for Brain-Score's `StratifiedShuffleSplit`); `ceiling: split-half`; `ceiling_normalization: (r/c)^2` (the 2019-07 to 2026-01 leaderboard era). Rows must be in Brain-Score's order (sorted presentation coordinates) for split parity."
      ]
    },
    method: {
      enum: [
        "ridge",
        "ols",
        "pls"
      ],
      markdownDescription: "The linear estimator. Every estimator centres X and Y with the **training** means and predicts Ŷ = (X_test − x̄)W + ȳ, so the intercept is never penalised (scikit-learn `fit_intercept=True`).",
      markdownEnumDescriptions: [
        "Ridge regression W = (X̃ᵀX̃ + αI)⁻¹X̃ᵀỸ (scikit-learn `Ridge`). With more units than stimuli the dual form Ŷ = K_tc(K̄ + αI)⁻¹Ỹ is used: no units × units matrix and no weight matrix are formed. One α = fixed ridge (Brain-Score's `ridge` is α = 1); several α = chosen by `alpha_selection`.",
        "Ordinary least squares, minimum-norm solution W = X̃⁺Ỹ (scikit-learn `LinearRegression`, Brain-Score `linear_predictivity`). With units ≥ stimuli it interpolates the training data (the α → 0⁺ limit of ridge); only held-out scores are meaningful.",
        "Partial least squares (scikit-learn `PLSRegression(scale=False)`: NIPALS with regression deflation, replicated step for step, since its stopping rule ‖Δw‖² < 1e-6 leaves ~1e-3 differences to an exact SVD PLS), as in Brain-Score. Needs `components` ≤ min(training stimuli, units)."
      ]
    },
    alphas: {
      anyOf: [
        {
          type: "array",
          items: {
            type: "number",
            exclusiveMinimum: 0
          },
          minItems: 1
        },
        {
          type: "number",
          exclusiveMinimum: 0
        },
        {
          const: "brain-score"
        }
      ],
      markdownDescription: "Ridge penalty α > 0 (`method: ridge`). One number = fixed α; a list = candidates chosen by `alpha_selection` on the training stimuli of each split; `brain-score` = Brain-Score's 99-value `ALPHA_LIST` (0.01 … 1e7) used by its `ridgecv_split`. α is in the units of X̃ᵀX̃, so it depends on the scale of the model units."
    },
    alpha_selection: {
      enum: [
        "loo",
        "loo-per-target",
        "kfold",
        "kfold-shared"
      ],
      markdownDescription: "How α is chosen from `alphas` inside each training set (only with several α). Then the chosen α is refitted on the whole training set.",
      markdownEnumDescriptions: [
        "Exact leave-one-out, one α shared by all targets (scikit-learn `RidgeCV(cv=None)`, which is leave-one-out and **not** GCV; Brain-Score `ridgecv_split`). Score −mean over stimuli and targets of e², e = c/diag(G⁻¹) in closed form; ties go to the **first** α in the list.",
        "Exact leave-one-out with a separate α per target unit (scikit-learn `RidgeCV(alpha_per_target=True)`); ties go to the first α.",
        "Inner k-fold (contiguous folds, `inner_folds`) with one decomposition per fold and α per target, as himalaya's `RidgeCV`: score −MSE per target averaged over folds, plus 1e-10·log α so ties go to the **larger** α.",
        "As `kfold` but one α for all targets (argmax of the mean score over targets; himalaya `local_alpha=False`)."
      ]
    },
    inner_folds: {
      type: "integer",
      minimum: 2,
      markdownDescription: "Number of contiguous inner folds for `alpha_selection: kfold` / `kfold-shared` (himalaya's `cv=5`, scikit-learn `KFold` without shuffling)."
    },
    components: {
      type: "integer",
      minimum: 1,
      markdownDescription: "Number of PLS components (`method: pls`). Brain-Score uses 25; it must not exceed the training stimuli, the predictor units or the rank of the centred predictors (a clear error otherwise; Brain-Score issue #335)."
    },
    score: {
      enum: [
        "pearson",
        "r2"
      ],
      markdownDescription: "Score of each target unit on the held-out stimuli of a split.",
      markdownEnumDescriptions: [
        "Pearson r between held-out responses and predictions (scipy `pearsonr`): NaN for a constant unit, which the aggregate skips and the results note. Invariant to affine changes of either (Yamins et al. 2014; Schrimpf et al. 2018).",
        "Coefficient of determination R² = 1 − Σ(y − ŷ)²/Σ(y − ȳ_test)² with the **test**-set mean (scikit-learn `r2_score`); can be negative; 1 for a perfectly predicted constant unit, else 0 for a constant unit."
      ]
    },
    aggregate: {
      enum: [
        "median",
        "mean"
      ],
      markdownDescription: "How per-unit scores of a split become one number; the comparison's value is then the mean over splits (error: std over splits, ddof 0, / √splits, as Brain-Score). Per-unit scores are kept in the results.",
      markdownEnumDescriptions: [
        "Median over target units, skipping NaN (numpy `nanmedian`; an even count averages the two middle values) — Brain-Score's choice, robust to unpredictable units.",
        "Mean over target units, skipping NaN (neuroaimetrics and most fMRI encoding papers)."
      ]
    },
    direction: {
      enum: [
        "model-to-brain",
        "brain-to-model",
        "both"
      ],
      markdownDescription: "Which representation predicts which (docs/metrics.md §6.2). Regression scores are asymmetric; directions are reported separately, never averaged.",
      markdownEnumDescriptions: [
        "P(X→Y): model units predict each brain unit (the encoding model of Yamins et al. 2014 and Brain-Score).",
        "P(Y→X): brain units predict each model unit (Brain-Score `reverse_pls`; Muzellec & Kar 2025). With many more model units than brain units the median is dominated by unpredictable model units.",
        "Both, with the same splits, estimator and α selection: the value is model → brain; brain → model is in the details."
      ]
    },
    cv: {
      $ref: "#/$defs/cv",
      markdownDescription: "Which stimuli fit and which score the encoding model. Only held-out scores are reported (in-sample R² is 1 whenever units ≥ stimuli). Default: 10 × `ShuffleSplit(train_size=0.9, random_state=1)` (Brain-Score without stratification); Brain-Score vision stratifies by object: `{ scheme: shuffle-split, splits: 10, train: 0.9, stratify: <column>, seed: 1 }`."
    },
    ceiling: {
      enum: [
        "none",
        "split-half"
      ],
      markdownDescription: "Noise ceiling of the brain region (needs `kind: repeats`).",
      markdownEnumDescriptions: [
        "No ceiling.",
        "Brain-Score internal consistency: 10 × `ShuffleSplit(train_size=0.5, random_state=1)` over the repeat indices (half A = ⌊R/2⌋ repeats); average each half (NaN-skipping), Pearson r per unit across stimuli, Spearman–Brown 2r/(1 + r) **per unit before** the median over units; mean over the 10 splits."
      ]
    },
    ceiling_normalization: {
      enum: [
        "none",
        "r/c",
        "(r/c)^2",
        "r^2/c"
      ],
      markdownDescription: "Report the score divided by the ceiling c (with `ceiling: split-half`), under a **named** convention — Brain-Score changed it twice, so the era matters when comparing with published numbers. The raw score stays in the details.",
      markdownEnumDescriptions: [
        "Raw score, not normalised.",
        "r / c — Brain-Score 2018 to 2019-07-25 (also its RSA benchmarks).",
        "(r / c)² — Brain-Score 2019-07-25 to 2026-01-13: most published leaderboard numbers (e.g. AlexNet MajajHong V4 0.490, IT 0.584).",
        "r² / c — Brain-Score since 2026-01-13; can exceed 1."
      ]
    }
  },
  parse: parseRegression,
  check(p, context, report) {
    const folds = checkCv(p.cv, { index: 0 }, context, report);
    const fewestTraining = folds?.length ? Math.min(...folds.map((f) => f.train.length)) : context.stimuli;
    if (p.method === 'pls') {
      const predictors = context.pairs
        .flatMap(({ model, brain }) => (p.direction === 'brain-to-model' ? [brain.units] : p.direction === 'both' ? [model.units, brain.units] : [model.units]))
        .filter((u): u is number => u !== undefined);
      const fewestUnits = predictors.length ? Math.min(...predictors) : undefined;
      const key = context.rawKeys.includes('components') ? ['components'] : p.preset !== undefined ? ['preset'] : ['method'];
      if (fewestUnits !== undefined && p.components > fewestUnits) report(`${p.components} PLS components need at least ${p.components} predictor units, but a predictor here has ${fewestUnits} (scikit-learn requires n_components ≤ min(n_samples, n_features)).`, key, 'spec.pls-components');
      else if (fewestTraining !== undefined && p.components > fewestTraining) report(`${p.components} PLS components need at least ${p.components} training stimuli; the smallest training set here has ${fewestTraining}.`, key, 'spec.pls-components');
    }
    const innerCv = p.method === 'ridge' && p.alphas.length > 1 && (p.alphaSelection === 'kfold' || p.alphaSelection === 'kfold-shared');
    if (innerCv && fewestTraining !== undefined && p.innerFolds > fewestTraining) {
      report(`${p.innerFolds} inner folds cannot be made from ${fewestTraining} training stimuli (the smallest training set of \`cv\`).`, [context.rawKeys.includes('inner_folds') ? 'inner_folds' : 'alpha_selection'], 'spec.inner-folds');
    }
    if (p.ceiling === 'split-half') {
      const plain = context.pairs.find(({ brain }) => brain.kind !== 'repeats');
      const key = context.rawKeys.includes('ceiling') ? ['ceiling'] : ['preset'];
      if (plain) report(`A split-half ceiling needs the brain data's repeats: give each region of this comparison as \`kind: repeats\` (stimuli × repeats × units), or set \`ceiling: none\`.`, key, 'spec.ceiling-repeats');
    }    const ignored = ignoredResampling(context.statistics);
    if (ignored) report(`${ignored[0]!.toUpperCase()}${ignored.slice(1)}.`, ['/', ...context.statisticsPath, context.statistics.bootstrap ? 'bootstrap' : 'permutation'], 'spec.regression-resampling', { severity: 'warning' });
  },
  async run(comparison, settings, model, brain, context) {
    const warnings: string[] = [];
    const { estimator, description } = estimatorOf(settings, warnings);
    if (settings.method !== 'ridge' && settings.alphasGiven) warnings.push(`alphas are ignored by method '${settings.method}'`);
    const x: Matrix = modelMatrix(model, 'a regression', warnings);
    const brainMatrices = responsesOf(brain, 'a regression');
    if (settings.cvDefaulted) warnings.push('no cv given: 10 random splits with 90% training stimuli, seed 1 (Brain-Score)');
    const ignored = ignoredResampling(comparison.statistics);
    if (ignored) warnings.push(ignored);
    const folds = foldsFromCv(settings.cv, comparison, x.rows, context)!;
    const perSubject: number[] = [];
    const rawPerSubject: number[] = [];
    const ceilings: number[] = [];
    const ceilingsPerUnit: (number | null)[][] = [];
    const allResults: EncodingResult[] = [];
    const secondary: Record<string, unknown>[] = [];
    let first: EncodingResult | undefined;
    const jobs = brainMatrices.length * settings.directions.length;
    for (let s = 0; s < brainMatrices.length; s++) {
      const y = brainMatrices[s]!;
      const brainName = brainMatrices.length > 1 ? `${brain.key ?? brain.name} (subject ${s})` : brain.key ?? brain.name;
      const results = settings.directions.map((direction, d) =>
        crossValidatedEncoding(x, y, folds, estimator, {
          preparedSplit: sharedPreparation(context, settings, direction === 'model_to_brain' ? { role: 'model', name: model.name, matrix: x } : { role: 'brain', name: `${brain.name}:${s}`, matrix: y }, x.rows),
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
      allResults.push(...results);
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
        const reliability = context.shared.get(`regression:split-half:${brain.name}:${s}`, () => {
          const result = splitHalfReliability(repeats, brainScoreSplitHalfSplits(repeats.shape[1]!, 10, 1), brainName);
          return { ceiling: result.meanOverSplitsOfMedianRSb, perUnit: Array.from(result.perUnitRSb, (v) => (Number.isNaN(v) ? null : v)) };
        });
        const ceiling = reliability.ceiling;
        ceilingsPerUnit.push(reliability.perUnit);
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
    const alpha = alphaSummary(settings, allResults, warnings);
    const raw = mean(rawPerSubject);
    return {
      measure,
      value: mean(perSubject),
      higherIsBetter: true,
      ...(brainMatrices.length > 1 ? { perSubject } : {}),
      ...(ceilingValue !== undefined ? { noiseCeiling: { lower: ceilingValue, upper: ceilingValue, convention: 'split-half Spearman–Brown per unit, median over units, mean over 10 repeat splits (Brain-Score, seed 1)' } } : {}),
      ...(normalized ? { raw: { value: raw, normalization: settings.normalization } } : {}),
      ...(alpha ? { alpha } : {}),
      folds: folds.map((f) => ({ train: Array.from(f.train), test: Array.from(f.test) })),
      details: {
        preset: settings.preset ?? null,
        method: settings.method,
        estimator: description,
        score: settings.score,
        aggregate: settings.aggregate,
        raw,
        ceilingNormalization: normalized ? settings.normalization : 'none',
        // Per brain unit, the split-half Spearman–Brown reliability (mean over the 10 repeat splits); one list per subject.
        ...(ceilingsPerUnit.length ? { ceilingPerUnit: ceilingsPerUnit.length === 1 ? ceilingsPerUnit[0] : ceilingsPerUnit } : {}),
        [first!.direction]: summary(first!),
        ...(secondary.length ? { [secondary[0]!.direction as string]: secondary.length === 1 ? secondary[0] : secondary } : {}),
      },
      ...(warnings.length ? { warnings } : {}),
    };
  },
  caseHandlers,
};

export const regressionRunner = runnerOf(regression);
