/**
 * Shape-metric comparison of one model layer with one brain region (Williams, Kunz, Kornblith &
 * Linderman 2021; engine/metrics/shape). Params (schema `shapeComparison`): `group`, `alpha`,
 * `score`, `center`, `whitening`, `zero_pad`, `reduce`, `cv`, `warping`. Without `cv` the score is
 * the distance on all stimuli (a pseudometric); with `cv` it is the mean held-out distance over the
 * folds (fit on training rows, applied unchanged to test rows), and the folds are saved. Per brain
 * subject one distance; the value is their mean (SEM over subjects). Per-network factors are
 * cached in `context.shared` for the no-CV case, so each layer and region is factorised once.
 * Distances: lower is better. With `mds: true`, `finish` adds a 2-D classical-MDS map of every layer
 * and region of the comparison (K × K distances under the same metric and regime).
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { CancelledError, SimspecError } from '../../core/errors';
import { selectRows, type Matrix } from '../../core/matrix';
import {
  alignFactors,
  checkShapeInputs,
  crossValidatedShapeDistance,
  crossValidatedShapeDistanceFromFits,
  fitShapeNetwork,
  type ShapeNetworkFit,
  factorizeNetwork,
  resolveShapeOptions,
  shapeDistance,
  trainingLinearScore,
  warpingIndex,
  type NetworkFactor,
  type Reduction,
  type ShapeFold,
  type ShapeOptions,
} from '../../metrics/shape';
import {
  explicitSplits,
  groupKFoldSplits,
  kFoldSplits,
  leaveOneOutSplits,
  shuffleSplits,
  stratifiedShuffleSplits,
  type Split,
} from '../../stats/cv';
import { percentile, summarize } from '../../stats/summary';
import { NumpyRandomState } from '../../stats/random';
import { classicalMds } from '../../metrics/embedding';
import type { ComparisonSpec } from '../../spec/types';
import type { ComparisonRunner, LoadedRepresentation, RunContext, Score } from '../types';
import { softMatchingScore } from './softMatching';

function where(comparison: ComparisonSpec, key: string) {
  return { file: undefined, variable: `comparisons[${comparison.index}].${key}` };
}

/** Shape options from the comparison's params (snake_case as in the spec). */
export function shapeOptionsFromParams(comparison: ComparisonSpec): ShapeOptions {
  const p = comparison.params;
  const options: ShapeOptions = {};
  if (p.group !== undefined) options.group = p.group as ShapeOptions['group'];
  if (typeof p.alpha === 'number') {
    options.alpha = p.alpha;
    // `alpha` alone means the linear family (partial whitening); α = 1 is Procrustes.
    if (p.group === undefined) options.group = p.alpha === 1 ? 'orthogonal' : 'linear';
  }
  if (p.score !== undefined) options.score = p.score as ShapeOptions['score'];
  if (typeof p.center === 'boolean') options.center = p.center;
  if (p.whitening !== undefined) options.whitening = p.whitening as ShapeOptions['whitening'];
  if (typeof p.zero_pad === 'boolean') options.zeroPad = p.zero_pad;
  const reduce = p.reduce as Record<string, unknown> | undefined;
  if (reduce) {
    const method = reduce.method === 'random-projection' ? 'random-projection' : 'pca';
    options.reduce = (method === 'pca'
      ? { method, components: Number(reduce.components) }
      : { method, components: Number(reduce.components), seed: Number(reduce.seed ?? 0) }) as Reduction;
  }
  try {
    resolveShapeOptions(options);
  } catch (e) {
    if (e instanceof SimspecError) throw new SimspecError(e.message, { ...where(comparison, e.variable ?? 'params'), code: e.code });
    throw e;
  }
  return options;
}

/** The comparison's `cv` block as explicit folds (engine/stats/cv splitters, seeded). */
export function foldsFromCv(comparison: ComparisonSpec, n: number, context: RunContext): Split[] | null {
  const cv = comparison.params.cv as Record<string, unknown> | undefined;
  if (!cv) return null;
  const seed = typeof cv.seed === 'number' ? cv.seed : 0;
  const column = (name: string): string[] => {
    const table = context.labels;
    const c = table?.columns.indexOf(name) ?? -1;
    if (!table || c < 0) {
      throw new SimspecError(`the label column '${name}' is not available`, { ...where(comparison, 'cv'), expected: 'a column of `stimuli.labels`', code: 'cv.labels' });
    }
    if (table.rows.length !== n) {
      throw new SimspecError(`the labels table has ${table.rows.length} rows for ${n} stimuli`, { ...where(comparison, 'cv'), expected: `${n} label rows`, code: 'cv.labels' });
    }
    return table.rows.map((r) => r[c] ?? '');
  };
  return context.shared.get(`cv:folds:${comparison.name}:${n}`, () => {
    switch (cv.scheme) {
      case 'kfold':
        return kFoldSplits(n, Number(cv.folds ?? 5), { shuffle: cv.shuffle === true, seed });
      case 'shuffle-split': {
        const options = { nSplits: Number(cv.splits ?? 10), trainSize: Number(cv.train ?? 0.9), seed };
        return typeof cv.stratify === 'string' ? stratifiedShuffleSplits(column(cv.stratify), options) : shuffleSplits(n, options);
      }
      case 'leave-one-out':
        return leaveOneOutSplits(n);
      case 'group-kfold':
        return groupKFoldSplits(column(String(cv.group)), Number(cv.folds ?? 5));
      case 'indices': {
        const file = resolve(context.spec.baseDir, String(cv.file));
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
        throw new SimspecError(`unknown cv scheme '${String(cv.scheme)}'`, { ...where(comparison, 'cv.scheme'), expected: 'kfold, shuffle-split, leave-one-out, group-kfold or indices', code: 'cv.scheme' });
    }
  });
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

/** One model matrix: the single subject, or the mean over model subjects (with a warning). */
export function modelMatrix(model: LoadedRepresentation, metric: string, warnings: string[]): Matrix {
  const all = responsesOf(model, metric);
  if (all.length === 1) return all[0]!;
  warnings.push(`the model '${model.name}' has ${all.length} subjects; their mean responses are used`);
  const out = new Float64Array(all[0]!.data.length);
  for (const m of all) for (let k = 0; k < out.length; k++) out[k] = out[k]! + m.data[k]! / all.length;
  return { rows: all[0]!.rows, cols: all[0]!.cols, data: out };
}

function describeOptions(o: ReturnType<typeof resolveShapeOptions>): string {
  const g = o.group === 'permutation' ? 'permutation' : o.alpha === 1 ? 'orthogonal (Procrustes)' : o.alpha === 0 ? 'linear (α = 0)' : `partial whitening α = ${o.alpha}`;
  return `${o.score} shape distance, ${g}${o.whitening === 'scale-free' ? ', scale-free whitening' : ''}${o.center ? '' : ', uncentred'}`;
}

/**
 * Seeded stimulus resampling for matrix-pair scores (shape, CKA, CCA): a percentile bootstrap over
 * stimuli (and subjects, when asked and present), B draws of `randint(0, n, n)` from numpy's
 * RandomState(seed); and a stimulus-label permutation test, permuting the brain's rows against the
 * model's with `RandomState(seed).permutation(n)` per draw, p = (1 + #{as extreme})/(1 + B)
 * [choose; never 0], extreme meaning ≥ for similarities and ≤ for distances. A draw whose metric
 * is undefined (e.g. too few distinct stimuli) is dropped and counted. Not with `cv` (each draw
 * would refit every fold). Cancellable.
 */
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

export function addResamplingStatistics(
  score: Score,
  comparison: ComparisonSpec,
  context: RunContext,
  n: number,
  subjects: number,
  scoreFor: (xRows: ArrayLike<number>, yRows: ArrayLike<number>, subjectIndices: ArrayLike<number>) => number,
  warnings: string[],
): void {
  const { bootstrap, permutation } = comparison.statistics;
  if (!bootstrap && !permutation) return;
  if (comparison.params.cv) {
    warnings.push('bootstrap intervals and permutation tests are not computed with `cv` (every draw would refit every fold)');
    return;
  }
  const identity = Int32Array.from({ length: n }, (_, i) => i);
  const allSubjects = Int32Array.from({ length: subjects }, (_, i) => i);
  const total = (bootstrap?.samples ?? 0) + (permutation?.samples ?? 0);
  let done = 0;
  const tick = (label: string) => {
    done++;
    if (done % Math.max(1, Math.floor(total / 100)) === 0) context.progress(done / total, label);
  };
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
    const rng = new NumpyRandomState(bootstrap.seed);
    const overSubjects = bootstrap.over.includes('subjects') && subjects > 1;
    const overStimuli = bootstrap.over.includes('stimuli') || !overSubjects;
    const values: number[] = [];
    let dropped = 0;
    for (let b = 0; b < bootstrap.samples; b++) {
      if (context.signal.aborted) throw new CancelledError();
      const rows = overStimuli ? rng.integers(n, n) : identity;
      const subjectDraw = overSubjects ? rng.integers(subjects, subjects) : allSubjects;
      const v = attempt(() => scoreFor(rows, rows, subjectDraw));
      if (v === null) dropped++;
      else values.push(v);
      tick('bootstrap');
    }
    if (values.length >= 2) {
      const sorted = Float64Array.from(values).sort();
      const level = bootstrap.ci;
      score.ci = {
        lower: percentile(sorted, (100 * (1 - level)) / 2),
        upper: percentile(sorted, (100 * (1 + level)) / 2),
        level,
        method: `bootstrap percentile over ${overStimuli && overSubjects ? 'stimuli and subjects' : overSubjects ? 'subjects' : 'stimuli'}`,
        samples: values.length,
        seed: bootstrap.seed,
        standardError: summarize(values).sd,
      };
    }
    if (dropped > 0) warnings.push(`${dropped} of ${bootstrap.samples} bootstrap draws gave an undefined score and were dropped`);
  }
  if (permutation) {
    const rng = new NumpyRandomState(permutation.seed);
    const observed = score.value;
    const nullDistribution: number[] = [];
    let extreme = 0;
    for (let b = 0; b < permutation.samples; b++) {
      if (context.signal.aborted) throw new CancelledError();
      const pi = rng.permutation(n);
      const v = attempt(() => scoreFor(identity, pi, allSubjects));
      tick('permutation test');
      if (v === null) continue;
      nullDistribution.push(v);
      if (score.higherIsBetter ? v >= observed : v <= observed) extreme++;
    }
    score.nullDistribution = nullDistribution;
    score.p = {
      value: (1 + extreme) / (1 + nullDistribution.length),
      test: `stimulus-label permutation test (${nullDistribution.length} permutations, seed ${permutation.seed}; one-sided, ${score.higherIsBetter ? 'larger' : 'smaller'} is more extreme)`,
    };
  }
}

export const shapeRunner: ComparisonRunner = {
  metric: 'shape',
  async run(comparison: ComparisonSpec, model: LoadedRepresentation, brain: LoadedRepresentation, context: RunContext): Promise<Score> {
    if (comparison.params.group === 'soft-matching') return softMatchingScore(comparison, model, brain, context);
    const options: ShapeOptions = { ...shapeOptionsFromParams(comparison), labels: { x: `model layer '${model.name}'`, y: `brain region '${brain.name}'` } };
    const resolved = resolveShapeOptions(options);
    const warnings: string[] = [];
    const x = modelMatrix(model, 'a shape metric', warnings);
    const brainMatrices = responsesOf(brain, 'a shape metric');
    const folds = foldsFromCv(comparison, x.rows, context);
    const perSubject: number[] = [];
    const details: Record<string, unknown> = { group: resolved.group, alpha: resolved.alpha, score: resolved.score, center: resolved.center, whitening: resolved.whitening, zeroPad: resolved.zeroPad };
    for (let s = 0; s < brainMatrices.length; s++) {
      if (context.signal.aborted) throw new CancelledError();
      const y = brainMatrices[s]!;
      context.progress(s / brainMatrices.length, brainMatrices.length > 1 ? `subject ${s + 1}/${brainMatrices.length}` : 'shape distance');
      if (folds) {
        checkShapeInputs(x, y, resolved);
        // netrep's partial_fit once per network (any α: whitening weights are applied per pair).
        const fitKey = (role: string, name: string, subject: number) =>
          `shape:cvfit:${role}:${name}:${subject}:${resolved.group === 'permutation' ? 'permutation' : 'linear'}:${resolved.center}:${resolved.whitening}:${JSON.stringify(resolved.reduce)}:${JSON.stringify(comparison.params.cv)}`;
        const fitX = context.shared.get<ShapeNetworkFit>(fitKey('model', model.name, 0), () => fitShapeNetwork(x, folds as readonly ShapeFold[], options, resolved.labels.x));
        const fitY = context.shared.get<ShapeNetworkFit>(fitKey('brain', brain.name, s), () => fitShapeNetwork(y, folds as readonly ShapeFold[], options, resolved.labels.y));
        const r = crossValidatedShapeDistanceFromFits(fitX, fitY, options);
        perSubject.push(r.distance);
        if (s === 0) {
          details.regime = 'held-out rows (mean test distance over folds)';
          details.trainDistance = r.trainDistance;
          details.foldTestDistances = r.folds.map((f) => f.testDistance);
          details.foldTrainDistances = r.folds.map((f) => f.trainDistance);
          details.reduction = r.reduction;
          details.projectedOntoTrainingSpan = r.projectedOntoTrainingSpan;
          if (r.reduction && r.reduction.reason !== 'requested') warnings.push(r.reduction.reason);
          if (r.projectedOntoTrainingSpan) warnings.push('a network is rank deficient on training rows: held-out rows were projected onto its training principal subspace (metrics-reference §4.4)');
        }
      } else if (resolved.group !== 'permutation' && !resolved.reduce && resolved.whitening === 'netrep') {
        // Reuse each network's factor across pairs (netrep re-whitens per pair; §8 item 9).
        const fx = context.shared.get<NetworkFactor>(`shape:factor:model:${model.name}:${resolved.center}`, () => factorizeNetwork(x, { center: resolved.center }));
        const fy = context.shared.get<NetworkFactor>(`shape:factor:brain:${brain.name}:${s}:${resolved.center}`, () => factorizeNetwork(y, { center: resolved.center }));
        checkShapeInputs(x, y, resolved);
        const al = alignFactors(fx, fy, resolved.alpha, Math.max(x.cols, y.cols));
        perSubject.push(trainingLinearScore(al, resolved.score));
        if (s === 0) {
          details.regime = 'all stimuli (training distance)';
          details.route = { model: fx.route, brain: fy.route };
          details.rank = { model: fx.rank, brain: fy.rank };
        }
      } else {
        const r = shapeDistance(x, y, options);
        perSubject.push(r.distance);
        if (s === 0) {
          details.regime = 'all stimuli (training distance)';
          details.route = r.route;
          details.rank = r.rank;
          details.reduction = r.reduction;
        }
      }
    }
    if (comparison.params.warping === true) {
      try {
        const { group: _g, alpha: _a, score: _s, ...rest } = options;
        const w = warpingIndex(x, brainMatrices[0]!, { ...rest, ...(folds ? { folds: folds as readonly ShapeFold[] } : {}) });
        details.warping = w;
      } catch (e) {
        if (!(e instanceof SimspecError)) throw e;
        warnings.push(`no warping index: ${e.message}`);
      }
    }
    const score = subjectMeanScore(perSubject, {
      measure: `${describeOptions(resolved)}${folds ? ', held-out' : ''}${brainMatrices.length > 1 ? ` (mean over ${brainMatrices.length} subjects)` : ''}`,
      higherIsBetter: false,
      details,
    });
    if (folds) score.folds = folds.map((f) => ({ train: Array.from(f.train), test: Array.from(f.test) }));
    addResamplingStatistics(score, comparison, context, x.rows, brainMatrices.length, drawnSubjectMean(x, brainMatrices, (xs, ys) => shapeDistance(xs, ys, options).distance), warnings);
    if (warnings.length) score.warnings = warnings;
    return score;
  },

  /** With `mds: true`: classical MDS of the pairwise distances of every layer and region scored. */
  async finish(comparison, records, representations, context) {
    if (comparison.params.mds !== true) return undefined;
    const layerNames = new Set(records.map((r) => r.layer));
    const regionNames = new Set(records.map((r) => r.region));
    const reps = representations.filter((r) => (r.role === 'model' ? layerNames.has(r.name) : regionNames.has(r.name)));
    if (reps.length < 3) return undefined;
    if (reps.length > MDS_LIMIT) {
      context.warn(`no MDS map: ${reps.length} representations (at most ${MDS_LIMIT})`);
      return undefined;
    }
    const options = shapeOptionsFromParams(comparison);
    const ignored: string[] = [];
    const matrices = reps.map((r) => (r.role === 'model' ? modelMatrix(r, 'a shape metric', ignored) : meanOverSubjects(r)));
    const folds = foldsFromCv(comparison, matrices[0]!.rows, context);
    const k = reps.length;
    const distances: Matrix = { rows: k, cols: k, data: new Float64Array(k * k) };
    for (let a = 0; a < k; a++) {
      for (let b = a + 1; b < k; b++) {
        if (context.signal.aborted) throw new CancelledError();
        const d = folds
          ? crossValidatedShapeDistance(matrices[a]!, matrices[b]!, folds as readonly ShapeFold[], options).distance
          : shapeDistance(matrices[a]!, matrices[b]!, options).distance;
        distances.data[a * k + b] = distances.data[b * k + a] = d;
      }
    }
    // Held-out distances are symmetric only up to rounding and tied singular values.
    const mds = classicalMds(distances, 2);
    return {
      mds: {
        names: reps.map((r) => `${r.role === 'model' ? 'layer' : 'region'} ${r.name}`),
        roles: reps.map((r) => r.role),
        distances: Array.from({ length: k }, (_, a) => Array.from(distances.data.subarray(a * k, (a + 1) * k))),
        coordinates: Array.from({ length: k }, (_, a) => [mds.coordinates.data[a * 2]!, mds.coordinates.data[a * 2 + 1] ?? 0]),
        eigenvalues: mds.eigenvalues,
        negativeEigenvalueShare: mds.negativeEigenvalueShare,
        regime: folds ? 'held-out distances (mean over folds)' : 'training distances (all stimuli)',
        method: 'classical MDS (Torgerson); eigenvector signs: largest-|·| entry positive',
      },
    };
  },
};

const MDS_LIMIT = 60;

/** Brain representations with subjects: the mean response matrix over subjects (for the map). */
function meanOverSubjects(rep: LoadedRepresentation): Matrix {
  const all = responsesOf(rep, 'a shape metric');
  if (all.length === 1) return all[0]!;
  const out = new Float64Array(all[0]!.data.length);
  for (const m of all) for (let t = 0; t < out.length; t++) out[t] = out[t]! + m.data[t]! / all.length;
  return { rows: all[0]!.rows, cols: all[0]!.cols, data: out };
}
