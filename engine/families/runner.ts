/**
 * The generic runner of families that score a pair of response matrices (shape, soft matching, CKA,
 * CCA, and new families such as k-NN alignment): per brain subject one value of `scorePair(model,
 * subject)`, the model's subjects averaged (with a note), the stimulus counts checked, the value the
 * mean over subjects (SEM, ddof 1), and the resampling statistics of engine/inference:
 *  - bootstrap: B draws over stimuli (half-samples without replacement, so no stimulus enters twice,
 *    centred on the point value; docs/metrics.md §2.6) and subjects (with replacement), stimuli drawn
 *    first, the statistic recomputed on the drawn rows; percentile or BCa interval, the SE convention
 *    named, the draws kept (float32, base64);
 *  - permutation test: the brain's rows permuted against the model's; two-sided or one-sided in the
 *    direction of `higherIsBetter` per `statistics.test`, p = (1 + #extreme)/(1 + B).
 * A draw whose statistic is undefined (e.g. too few distinct stimuli) is dropped and counted. Not
 * with `cv` (each draw would refit every fold). Families with special needs (shape's cached factors
 * and folds) call the pieces — `modelMatrix`, `responsesOf`, `subjectMeanScore`,
 * `addResamplingStatistics` — from their own `run`.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { CancelledError, SimspecError } from '../core/errors';
import { ProgressCounter } from '../core/progressCounter';
import { selectRows, type Matrix } from '../core/matrix';
import { bcaInterval, centredHalfSampleDraws, encodeFloat32Base64, forEachBootstrapDraw, percentileInterval, STANDARD_ERROR_CONVENTION } from '../inference/bootstrap';
import { forEachPermutation, permutationPValue } from '../inference/permutation';
import { explicitSplits, groupKFoldSplits, kFoldSplits, leaveOneOutSplits, shuffleSplits, stratifiedShuffleSplits, type Split } from '../stats/cv';
import { summarize } from '../stats/summary';
import { columnMeans } from '../linalg';
import { centredGram, type CentredGram } from '../metrics/common/factor';
import type { CheckContext, CheckReport, ComparisonRunner, FamilyComparison, FamilyDefinition, LoadedRepresentation, RunContext, Score, StimulusTable } from './types';

/** The spec path of a comparison key, for SimspecError's `variable`. */
export function paramPath(comparison: Pick<FamilyComparison, 'index'>, key: string): string {
  return `comparisons[${comparison.index}].${key}`;
}

export function responsesOf(rep: LoadedRepresentation, metric: string): Matrix[] {
  return rep.subjects.map((s) => {
    if (!s.responses) {
      throw new SimspecError(`${metric} needs a stimuli × units response matrix, but '${rep.name}' is given as ${rep.kind === 'rdm' ? 'an RDM' : rep.kind}`, {
        file: rep.file,
        variable: rep.key ?? rep.name,
        expected: 'kind: responses (or repeats)',
        code: 'data.kind',
      });
    }
    return s.responses;
  });
}

/** The mean response matrix over a representation's subjects (the single one when there is one). */
export function meanOverSubjects(rep: LoadedRepresentation, metric: string): Matrix {
  const all = responsesOf(rep, metric);
  if (all.length === 1) return all[0]!;
  const out = new Float64Array(all[0]!.data.length);
  for (const m of all) for (let k = 0; k < out.length; k++) out[k] = out[k]! + m.data[k]! / all.length;
  return { rows: all[0]!.rows, cols: all[0]!.cols, data: out };
}

/** One model matrix: the single subject, or the mean over model subjects (with a warning). */
export function modelMatrix(model: LoadedRepresentation, metric: string, warnings: string[]): Matrix {
  const count = model.subjects.length;
  const x = meanOverSubjects(model, metric);
  if (count > 1) warnings.push(`the model '${model.name}' has ${count} subjects; their mean responses are used`);
  return x;
}

/** A score whose value is the mean over subjects, with the per-subject values and their SEM when there are several. */
export function subjectMeanScore(perSubject: number[], fields: Omit<Score, 'value' | 'perSubject' | 'sem'>): Score {
  const summary = summarize(perSubject);
  const score: Score = { ...fields, value: summary.mean };
  if (perSubject.length > 1) {
    score.perSubject = perSubject;
    score.sem = summary.sem;
  }
  return score;
}

/** For the resampling statistics: the mean over the drawn subjects of `pairValue` on the drawn rows. */
export function drawnSubjectMean(x: Matrix, ys: readonly Matrix[], pairValue: (x: Matrix, y: Matrix) => number) {
  return (xRows: ArrayLike<number>, yRows: ArrayLike<number>, subjectIndices: ArrayLike<number>): number => {
    const xs = selectRows(x, xRows);
    let sum = 0;
    for (let k = 0; k < subjectIndices.length; k++) sum += pairValue(xs, selectRows(ys[subjectIndices[k]!]!, yRows));
    return sum / subjectIndices.length;
  };
}

/** Why a cross-validated pair score gets no interval or p-value; `check` gives the same note first (engine/spec/statisticsSupport.ts). */
export const RESAMPLING_WITH_CV_NOTE = 'bootstrap intervals and permutation tests are not computed with `cv` (every draw would refit every fold)';

/** Bootstrap interval and permutation p-value of a matrix-pair score (see the header). */
export function addResamplingStatistics(
  score: Score,
  comparison: FamilyComparison,
  context: RunContext,
  n: number,
  subjects: number,
  scoreFor: (xRows: ArrayLike<number>, yRows: ArrayLike<number>, subjectIndices: ArrayLike<number>) => number,
  warnings: string[],
  crossValidated = comparison.params.cv !== undefined,
): void {
  const { bootstrap, permutation } = comparison.statistics;
  if (!bootstrap && !permutation) return;
  if (crossValidated) {
    warnings.push(RESAMPLING_WITH_CV_NOTE);
    return;
  }
  const identity = Int32Array.from({ length: n }, (_, i) => i);
  const allSubjects = Int32Array.from({ length: subjects }, (_, i) => i);
  // Bootstrap then permutations, each counted on its own ("bootstrap 412/1000, ~30 s left"), the two
  // sharing the job's progress bar in proportion to their samples.
  const total = (bootstrap?.samples ?? 0) + (permutation?.samples ?? 0);
  const counters = {
    bootstrap: countedProgress(context, 'bootstrap', bootstrap?.samples ?? 0, 0, (bootstrap?.samples ?? 0) / total),
    'permutation test': countedProgress(context, 'permutation test', permutation?.samples ?? 0, (bootstrap?.samples ?? 0) / total, (permutation?.samples ?? 0) / total),
  };
  const done = { bootstrap: 0, 'permutation test': 0 };
  const tick = (label: keyof typeof counters) => counters[label](++done[label]);
  const attempt = (f: () => number): number | null => {
    try {
      const v = f();
      return Number.isFinite(v) ? v : null;
    } catch (e) {
      if (e instanceof SimspecError) return null;
      throw e;
    }
  };
  if (bootstrap) {
    const overSubjects = bootstrap.over.includes('subjects') && subjects > 1;
    const overStimuli = bootstrap.over.includes('stimuli') || !overSubjects;
    const raw: number[] = [];
    let dropped = 0;
    const plan = { samples: bootstrap.samples, seed: bootstrap.seed, stimuli: n, subjects, resampleStimuli: overStimuli, resampleSubjects: overSubjects, order: 'stimuli-first' as const, stimulusDraw: 'half-sample' as const, signal: context.signal };
    forEachBootstrapDraw(plan, (draw) => {
      const rows = draw.stimuli ?? identity;
      const v = attempt(() => scoreFor(rows, rows, draw.subjects ?? allSubjects));
      if (v === null) dropped++;
      else raw.push(v);
      tick('bootstrap');
    });
    if (raw.length >= 2) {
      const level = bootstrap.ci;
      // Half-samples are centred on the point value and scaled (docs/metrics.md §2.6); a bootstrap
      // over subjects only draws with replacement, whose SE takes rsatoolbox's n/(n−1) factor.
      const draws = overStimuli ? centredHalfSampleDraws(raw, score.value, n) : Float64Array.from(raw);
      const seFactor = overStimuli ? 1 : Math.sqrt(subjects / (subjects - 1));
      const interval =
        bootstrap.interval === 'bca'
          ? bcaInterval(draws, score.value, jackknifeValues(overStimuli ? n : subjects, (keep) => (overStimuli ? scoreFor(keep, keep, allSubjects) : scoreFor(identity, identity, keep))), level * 100)
          : percentileInterval(draws, level * 100);
      const what = overStimuli && overSubjects ? 'stimuli (half-samples) and subjects' : overSubjects ? 'subjects' : 'stimuli (half-samples)';
      score.ci = {
        lower: interval.lower,
        upper: interval.upper,
        level,
        method: `bootstrap ${bootstrap.interval === 'bca' ? 'BCa' : 'percentile'} over ${what}${overStimuli ? ', centred on the point value' : ''}`,
        samples: raw.length,
        seed: bootstrap.seed,
        standardError: summarize(Array.from(draws)).sd * seFactor,
        standardErrorConvention: STANDARD_ERROR_CONVENTION,
        draws: { encoding: 'float32-base64', count: raw.length, values: encodeFloat32Base64(raw), adjusted: overStimuli ? 'centred half-sample (docs/metrics.md §2.6)' : 'none' },
      };
    }
    if (dropped > 0) warnings.push(`${dropped} of ${bootstrap.samples} bootstrap draws gave an undefined score and were dropped`);
  }
  if (permutation) {
    const nullDistribution: number[] = [];
    forEachPermutation(
      n,
      permutation.samples,
      permutation.seed,
      (pi) => {
        const v = attempt(() => scoreFor(identity, pi, allSubjects));
        tick('permutation test');
        if (v !== null) nullDistribution.push(v);
      },
      context.signal,
    );
    score.nullDistribution = nullDistribution;
    const twoSided = comparison.statistics.test === 'two-sided';
    const oneTail = score.higherIsBetter ? 'greater' : 'less';
    score.p = {
      value: permutationPValue(nullDistribution, score.value, twoSided ? 'two-sided' : oneTail),
      test: `stimulus-label permutation test (${nullDistribution.length} permutations, seed ${permutation.seed}; ${
        twoSided ? 'two-sided: twice the smaller one-sided p, at most 1' : `one-sided, ${score.higherIsBetter ? 'larger' : 'smaller'} is more extreme`
      })`,
    };
  }
}

/** Leave-one-out values of a statistic over `count` items (for BCa's acceleration); undefined ones are NaN. */
function jackknifeValues(count: number, statistic: (keep: Int32Array) => number): Float64Array {
  const out = new Float64Array(count);
  for (let left = 0; left < count; left++) {
    const keep = new Int32Array(count - 1);
    for (let i = 0, k = 0; i < count; i++) if (i !== left) keep[k++] = i;
    try {
      out[left] = statistic(keep);
    } catch (e) {
      if (!(e instanceof SimspecError)) throw e;
      out[left] = Number.NaN;
    }
  }
  return out;
}

/** The `cv` block of a comparison, with its defaults filled (engine/stats/cv splitters, seeded). */
export interface CvParams {
  scheme: 'kfold' | 'shuffle-split' | 'leave-one-out' | 'group-kfold' | 'indices';
  folds: number;
  shuffle: boolean;
  splits: number;
  train: number;
  seed: number;
  stratify?: string;
  group?: string;
  file?: string;
}

/** The one table of `cv` defaults (schema `$defs/cv`). */
export const CV_DEFAULTS = { folds: 5, shuffle: false, splits: 10, train: 0.9, seed: 0 } as const;

export function parseCv(raw: unknown): CvParams | undefined {
  if (raw === undefined) return undefined;
  const cv = raw as Record<string, unknown>;
  const out: CvParams = {
    scheme: cv.scheme as CvParams['scheme'],
    folds: typeof cv.folds === 'number' ? cv.folds : CV_DEFAULTS.folds,
    shuffle: typeof cv.shuffle === 'boolean' ? cv.shuffle : CV_DEFAULTS.shuffle,
    splits: typeof cv.splits === 'number' ? cv.splits : CV_DEFAULTS.splits,
    train: typeof cv.train === 'number' ? cv.train : CV_DEFAULTS.train,
    seed: typeof cv.seed === 'number' ? cv.seed : CV_DEFAULTS.seed,
  };
  for (const key of ['stratify', 'group', 'file'] as const) if (typeof cv[key] === 'string') out[key] = cv[key] as string;
  return out;
}

/** The folds of a `cv` block over n stimuli, made once per comparison and run. */
export function foldsFromCv(cv: CvParams | undefined, comparison: Pick<FamilyComparison, 'index' | 'name'>, n: number, context: RunContext): Split[] | null {
  if (!cv) return null;
  return context.shared.get(`cv:folds:${comparison.name}:${n}`, () => makeFolds(cv, comparison, n, context.labels, context.spec.baseDir));
}

/** The folds of a `cv` block (engine/stats/cv splitters, seeded); also called by `checkCv`. */
export function makeFolds(cv: CvParams, comparison: Pick<FamilyComparison, 'index'>, n: number, labels: StimulusTable | undefined, baseDir: string): Split[] {
  const where = (key: string) => ({ variable: paramPath(comparison, key) });
  const column = (name: string): string[] => {
    const c = labels?.columns.indexOf(name) ?? -1;
    if (!labels || c < 0) {
      throw new SimspecError(`the label column '${name}' is not available`, { ...where('cv'), expected: 'a column of `stimuli.labels`', code: 'cv.labels' });
    }
    if (labels.rows.length !== n) {
      throw new SimspecError(`the labels table has ${labels.rows.length} rows for ${n} stimuli`, { ...where('cv'), expected: `${n} label rows`, code: 'cv.labels' });
    }
    return labels.rows.map((r) => r[c] ?? '');
  };
  switch (cv.scheme) {
    case 'kfold':
      return kFoldSplits(n, cv.folds, { shuffle: cv.shuffle, seed: cv.seed });
    case 'shuffle-split': {
      const options = { nSplits: cv.splits, trainSize: cv.train, seed: cv.seed };
      return cv.stratify !== undefined ? stratifiedShuffleSplits(column(cv.stratify), options) : shuffleSplits(n, options);
    }
    case 'leave-one-out':
      return leaveOneOutSplits(n);
    case 'group-kfold':
      return groupKFoldSplits(column(String(cv.group)), cv.folds);
    case 'indices': {
      const file = resolve(baseDir, String(cv.file));
      let parsed: unknown;
      try {
        parsed = JSON.parse(readFileSync(file, 'utf8'));
      } catch (e) {
        throw new SimspecError(`cannot read the folds file: ${(e as Error).message}`, { file, code: 'cv.file', expected: 'a JSON list of {"train": [...], "test": [...]}' });
      }
      if (!Array.isArray(parsed)) throw new SimspecError('the folds file is not a list', { file, code: 'cv.file', expected: 'a JSON list of {"train": [...], "test": [...]}' });
      return explicitSplits(n, parsed as { train: number[]; test: number[] }[], { file });
    }
    default:
      throw new SimspecError(`unknown cv scheme '${String(cv.scheme)}'`, { ...where('cv.scheme'), expected: 'kfold, shuffle-split, leave-one-out, group-kfold or indices', code: 'cv.scheme' });
  }
}

/**
 * Check a `cv` block by making its folds as the run will (same splitters, labels and seed): any
 * refusal is reported on the `cv` key it names. Returns the folds, or undefined when they cannot be
 * made yet (stimulus count unknown) or were refused.
 */
export function checkCv(cv: CvParams | undefined, comparison: Pick<FamilyComparison, 'index'>, context: CheckContext, report: CheckReport): Split[] | undefined {
  if (!cv || context.stimuli === undefined) return undefined;
  // Label columns that are missing are reported by the spec checks (engine/spec/semantics.ts).
  const needsLabels = (cv.scheme === 'shuffle-split' && cv.stratify !== undefined) || cv.scheme === 'group-kfold';
  if (needsLabels && !context.labels?.columns.includes(String(cv.scheme === 'group-kfold' ? cv.group : cv.stratify))) return undefined;
  // Too many folds for the stimuli is reported by the spec checks (engine/spec/semantics.ts).
  if ((cv.scheme === 'kfold' || cv.scheme === 'group-kfold') && cv.folds > context.stimuli) return undefined;
  try {
    return makeFolds(cv, comparison, context.stimuli, context.labels, context.baseDir);
  } catch (e) {
    if (!(e instanceof SimspecError)) throw e;
    const key = (e.variable ?? '').replace(/^comparisons\[\d+\]\./, '').split('.').filter((part) => part && part !== 'cv');
    report(`${e.message}${e.expected ? ` (expected ${e.expected})` : ''}.`, ['cv', ...(key.length && key[0] !== 'cv' ? key : [])], e.code ?? 'cv.invalid');
    return undefined;
  }
}

/**
 * One representation's centred Gram X̄X̄ᵀ (metrics/common/factor.ts `centredGram`), formed once per
 * run and shared by every metric that starts from it — CKA's Gram route, the shape metrics' Gram
 * route, ridge's dual kernels (docs/performance.md §7.2). `name` identifies the data: the model's name,
 * or `<region>:<subject index>` for a brain subject. The Gram and the column means are separate
 * shared products so the on-disk cache keeps both (it stores matrices and vectors); they come from
 * one pass over the data unless the Gram was read back from disk.
 */
export function sharedCentredGram(context: RunContext, role: 'model' | 'brain', name: string, x: Matrix): () => CentredGram {
  return () => {
    let fresh: CentredGram | undefined;
    const gram = context.shared.get<Matrix>(`gram:centred:${role}:${name}`, () => (fresh = centredGram(x, true)).gram);
    const means = context.shared.get<Float64Array>(`gram:column-means:${role}:${name}`, () => fresh?.means ?? columnMeans(x));
    return { gram, means };
  };
}

/** Products of the pair's full data that the run already holds (see `sharedCentredGram`). */
export interface PairProducts {
  centredGram: { x: () => CentredGram; y: () => CentredGram };
}

/** What a matrix-pair family gives the generic runner. */
export interface PairFamilySpec<Params> {
  /** How the metric is named in messages ('CKA', 'the soft-matching distance'). */
  metricName: string;
  /**
   * The score of one (model, brain) matrix pair, and details to keep from the first subject.
   * `products` are given for the full data only (not for resampled rows).
   */
  scorePair(params: Params, x: Matrix, y: Matrix, labels: { x: string; y: string }, products?: PairProducts): { value: number; details?: Record<string, unknown> };
  higherIsBetter(params: Params): boolean;
  /** The measure text; `subjects` is the number of brain subjects. */
  measure(params: Params, subjects: number): string;
  /** Details of the score that depend only on the params. */
  details(params: Params): Record<string, unknown>;
  /** Notes that depend on the matrices (e.g. a biased estimator with more units than stimuli). */
  notes?(params: Params, x: Matrix, ys: readonly Matrix[]): string[];
  /** Progress label. */
  progressLabel?(params: Params): string;
}

/** `run` for a matrix-pair family: subjects, model mean, row check, mean score, resampling. */
export function pairRunner<Params>(family: PairFamilySpec<Params>) {
  return async (comparison: FamilyComparison, params: Params, model: LoadedRepresentation, brain: LoadedRepresentation, context: RunContext): Promise<Score> => {
    const warnings: string[] = [];
    const x = modelMatrix(model, family.metricName, warnings);
    const ys = responsesOf(brain, family.metricName);
    const labels = { x: `model layer '${model.name}'`, y: `brain region '${brain.name}'` };
    const details = family.details(params);
    const perSubject = ys.map((y, s) => {
      if (context.signal.aborted) throw new CancelledError();
      context.progress(s / ys.length, family.progressLabel?.(params) ?? family.metricName);
      if (x.rows !== y.rows) {
        throw new SimspecError(`model layer '${model.name}' has ${x.rows} stimuli but brain region '${brain.name}' has ${y.rows}`, { file: brain.file, variable: brain.key ?? brain.name, expected: `${x.rows} rows`, code: 'data.rows' });
      }
      const products: PairProducts = { centredGram: { x: sharedCentredGram(context, 'model', model.name, x), y: sharedCentredGram(context, 'brain', `${brain.name}:${s}`, y) } };
      const r = family.scorePair(params, x, y, labels, products);
      if (s === 0 && r.details) Object.assign(details, r.details);
      return r.value;
    });
    warnings.push(...(family.notes?.(params, x, ys) ?? []));
    const score = subjectMeanScore(perSubject, { measure: family.measure(params, ys.length), higherIsBetter: family.higherIsBetter(params), details });
    addResamplingStatistics(score, comparison, context, x.rows, ys.length, drawnSubjectMean(x, ys, (a, b) => family.scorePair(params, a, b, labels).value), warnings);
    if (warnings.length) score.warnings = warnings;
    return score;
  };
}

/** What a NaN score says when its family gave neither a reason nor a warning (a bug to report, never silence). */
export const UNEXPLAINED_NAN = 'the metric is undefined for these inputs (the metric gave no reason)';

/**
 * A NaN score always carries its reason: the family's own, else its warnings (which name the
 * degenerate input: a constant RDM, constant units), else UNEXPLAINED_NAN. A finite score has none.
 */
export function explainNaN<S extends Score>(score: S): S {
  if (Number.isFinite(score.value)) {
    if (score.reason === undefined) return score;
    const { reason: _dropped, ...rest } = score;
    return rest as S;
  }
  if (score.reason) return score;
  return { ...score, reason: score.warnings?.length ? score.warnings.join('; ') : UNEXPLAINED_NAN };
}

/** The executor's view of a family: parse the comparison's raw params, then run (and finish). */
export function runnerOf<Params>(family: FamilyDefinition<string, Params>): ComparisonRunner {
  const finish = family.finish;
  return {
    metric: family.id,
    run: async (comparison, model, brain, context) => explainNaN(await family.run(comparison, family.parse(comparison.params, comparison), model, brain, context)),
    ...(finish ? { finish: (comparison, records, representations, context) => finish(comparison, family.parse(comparison.params, comparison), records, representations, context) } : {}),
  } as ComparisonRunner;
}

/**
 * Progress of a counted resampling loop inside one pair's job: reports `label` with done/total and
 * a time-left estimate (engine/core/progressCounter.ts), the loop spanning [start, start + width] of
 * the job's fraction. Throttled (ProgressCounter.shouldReport), so calling it every sample is cheap.
 */
export function countedProgress(context: RunContext, label: string, total: number, start = 0, width = 1): (done: number) => void {
  const counter = new ProgressCounter(label, total);
  return (done) => {
    if (!counter.shouldReport(done)) return;
    const etaSeconds = counter.etaSeconds(done);
    context.progress(start + width * (total === 0 ? 1 : done / total), label, { done, total, ...(etaSeconds !== undefined ? { etaSeconds } : {}) });
  };
}
