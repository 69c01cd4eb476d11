/**
 * `metric: shape` — generalised shape metrics (Williams, Kunz, Kornblith & Linderman 2021;
 * engine/metrics/shape) and, as `group: soft-matching`, the soft-matching distance (Khosla &
 * Williams 2023). Soft matching stays in this family because the spec names it as a group of shape
 * metrics (same key, same regime of distances between networks); it is scored by the generic pair
 * runner and takes no `cv`, `alpha`, `reduce`, `warping` or `mds` (check reports each).
 * Params: `group`, `alpha`, `score`, `center`, `whitening`, `zero_pad`, `reduce`, `cv`, `warping`,
 * `mds`. Without `cv` the score is the distance on all stimuli (a pseudometric); with `cv` it is the
 * mean held-out distance over the folds (fit on training rows, applied unchanged to test rows), and
 * the folds are saved. Per brain subject one distance; the value is their mean (SEM over subjects).
 * Per-network factors are cached in `context.shared` for the no-CV case, so each layer and region is
 * factorised once. Distances: lower is better. With `mds: true`, `finish` adds a 2-D classical-MDS
 * map of every layer and region of the comparison (K × K distances under the same metric and regime).
 */
import { CancelledError, SimspecError } from '../core/errors';
import type { Matrix } from '../core/matrix';
import {
  alignFactors,
  checkShapeInputs,
  crossValidatedShapeDistance,
  crossValidatedShapeDistanceFromFits,
  factorizeNetwork,
  fitShapeNetwork,
  resolveShapeOptions,
  shapeDistance,
  softMatchingDistance,
  trainingLinearScore,
  warpingIndex,
  type NetworkFactor,
  type Reduction,
  type ShapeFold,
  type ShapeNetworkFit,
  type ShapeOptions,
} from '../metrics/shape';
import { classicalMds } from '../metrics/embedding';
import { shapeCaseHandlers } from '../cases/shape';
import {
  addResamplingStatistics,
  sharedCentredGram,
  checkCv,
  drawnSubjectMean,
  foldsFromCv,
  meanOverSubjects,
  modelMatrix,
  pairRunner,
  runnerOf,
  paramPath,
  parseCv,
  responsesOf,
  subjectMeanScore,
  type CvParams,
} from './runner';
import type { CheckContext, FamilyComparison, FamilyDefinition, LoadedRepresentation, RunContext, Score } from './types';

export interface ShapeParams {
  group: 'permutation' | 'orthogonal' | 'linear' | 'soft-matching';
  /** As written (undefined: the group's own, 0 for linear and 1 otherwise). */
  alpha?: number;
  score: 'angular' | 'euclidean';
  center: boolean;
  whitening: 'netrep' | 'scale-free';
  zeroPad: boolean;
  reduce?: Reduction;
  cv?: CvParams;
  warping: boolean;
  mds: boolean;
}

const defaults = { group: 'orthogonal', score: 'angular', center: true, whitening: 'netrep', zero_pad: true, 'reduce.seed': 0, warping: false, mds: false } as const;

/** Keys that do not apply to the soft-matching distance (the plan is not a map to held-out stimuli). */
/**
 * The guard of docs/metrics.md §9.4: full whitening (the linear group at α = 0) on all stimuli, with
 * a network as wide as the centred stimulus space (n − 1 directions; n uncentred), aligns that
 * network to any other exactly in every direction the other has, so the distance depends only on the
 * two widths. A warning, not a refusal: the number is netrep's and well defined, but meaningless as
 * a comparison. Under `cv`, the automatic PCA to n_train − 1 components already prevents it.
 */
function linearGroupFixedByShapes(p: ShapeParams, context: CheckContext): string | undefined {
  if (p.group !== 'linear' || (p.alpha ?? 0) !== 0 || p.reduce || p.cv || context.stimuli === undefined) return undefined;
  const span = p.center ? context.stimuli - 1 : context.stimuli;
  const widest = Math.max(0, ...context.pairs.flatMap(({ model, brain }) => [model.units ?? 0, brain.units ?? 0]));
  if (widest < span) return undefined;
  return `\`group: linear\` (α = 0) without \`reduce\` or \`cv\`: a network of this comparison has ${widest} units for ${context.stimuli} stimuli (at least the ${span} directions the ${p.center ? 'centred ' : ''}stimuli span), so whitening aligns it exactly and the distance is fixed by the two widths, not by the data. Add \`reduce\` (fewer than ${span} components) or \`cv\`.`;
}

const NOT_WITH_SOFT_MATCHING = ['cv', 'alpha', 'reduce', 'warping', 'mds'] as const;

const MDS_LIMIT = 60;

/** The metric options of a (non soft-matching) shape comparison. */
function shapeOptions(p: ShapeParams): ShapeOptions {
  const options: ShapeOptions = { group: p.group as ShapeOptions['group'], score: p.score, center: p.center, whitening: p.whitening, zeroPad: p.zeroPad };
  if (p.alpha !== undefined) options.alpha = p.alpha;
  if (p.reduce) options.reduce = p.reduce;
  return options;
}

/** resolveShapeOptions' refusal of a combination (e.g. orthogonal with α ≠ 1), as text, or undefined. */
function optionProblem(p: ShapeParams): { message: string; key: string } | undefined {
  if (p.group === 'soft-matching') return undefined;
  try {
    resolveShapeOptions(shapeOptions(p));
    return undefined;
  } catch (e) {
    if (e instanceof SimspecError) return { message: e.message, key: e.variable ?? 'group' };
    throw e;
  }
}

function describe(o: ReturnType<typeof resolveShapeOptions>): string {
  const g = o.group === 'permutation' ? 'permutation' : o.alpha === 1 ? 'orthogonal (Procrustes)' : o.alpha === 0 ? 'linear (α = 0)' : `partial whitening α = ${o.alpha}`;
  return `${o.score} shape distance, ${g}${o.whitening === 'scale-free' ? ', scale-free whitening' : ''}${o.center ? '' : ', uncentred'}`;
}

const softMatchingRun = pairRunner<ShapeParams>({
  metricName: 'the soft-matching distance',
  progressLabel: () => 'soft matching (exact optimal transport)',
  scorePair: (p, x, y) => ({ value: softMatchingDistance(x, y, { center: p.center }).distance, details: { units: { model: x.cols, brain: y.cols } } }),
  higherIsBetter: () => false,
  measure: (p, subjects) => `soft-matching distance (Khosla & Williams 2023, exact OT${p.center ? ', centred units' : ''})${subjects > 1 ? ` (mean over ${subjects} subjects)` : ''}`,
  details: (p) => ({ group: 'soft-matching', center: p.center, regime: 'all stimuli' }),
});

/**
 * Results name the two networks `model` and `brain` in every detail (docs/results.md, "`details`
 * keys"); the metric functions, which know nothing of roles, say x and y.
 */
function byRole<T>(pair: { x: T; y: T } | null | undefined): { model: T; brain: T } | null | undefined {
  return pair ? { model: pair.x, brain: pair.y } : pair;
}

function reductionByRole<R extends { components: { x: number; y: number } }>(reduction: R | null | undefined) {
  return reduction ? { ...reduction, components: byRole(reduction.components) } : reduction;
}

async function shapeRun(comparison: FamilyComparison, p: ShapeParams, model: LoadedRepresentation, brain: LoadedRepresentation, context: RunContext): Promise<Score> {
  if (p.group === 'soft-matching') return softMatchingRun(comparison, p, model, brain, context);
  const problem = optionProblem(p);
  if (problem) throw new SimspecError(problem.message, { variable: paramPath(comparison, problem.key), code: 'spec.value' });
  const options: ShapeOptions = { ...shapeOptions(p), labels: { x: `model layer '${model.name}'`, y: `brain region '${brain.name}'` } };
  const resolved = resolveShapeOptions(options);
  const warnings: string[] = [];
  const x = modelMatrix(model, 'a shape metric', warnings);
  const brainMatrices = responsesOf(brain, 'a shape metric');
  const folds = foldsFromCv(p.cv, comparison, x.rows, context);
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
        if (r.projectedOntoTrainingSpan) warnings.push('a network is rank deficient on training rows: held-out rows were projected onto its training principal subspace (docs/metrics.md §4.4)');
      }
    } else if (resolved.group !== 'permutation' && !resolved.reduce && resolved.whitening === 'netrep') {
      // Reuse each network's factor across pairs (netrep re-whitens per pair; docs/metrics.md §8 item 9).
      // The Gram route starts from the representation's shared centred Gram (docs/performance.md §7.2).
      const fx = context.shared.get<NetworkFactor>(`shape:factor:model:${model.name}:${resolved.center}`, () =>
        factorizeNetwork(x, { center: resolved.center, centredGram: sharedCentredGram(context, 'model', model.name, x) }),
      );
      const fy = context.shared.get<NetworkFactor>(`shape:factor:brain:${brain.name}:${s}:${resolved.center}`, () =>
        factorizeNetwork(y, { center: resolved.center, centredGram: sharedCentredGram(context, 'brain', `${brain.name}:${s}`, y) }),
      );
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
        details.route = byRole(r.route);
        details.rank = byRole(r.rank);
        details.reduction = reductionByRole(r.reduction);
      }
    }
  }
  if (p.warping) {
    try {
      const { group: _g, alpha: _a, score: _s, ...rest } = options;
      details.warping = warpingIndex(x, brainMatrices[0]!, { ...rest, ...(folds ? { folds: folds as readonly ShapeFold[] } : {}) });
    } catch (e) {
      if (!(e instanceof SimspecError)) throw e;
      warnings.push(`no warping index: ${e.message}`);
    }
  }
  const score = subjectMeanScore(perSubject, {
    measure: `${describe(resolved)}${folds ? ', held-out' : ''}${brainMatrices.length > 1 ? ` (mean over ${brainMatrices.length} subjects)` : ''}`,
    higherIsBetter: false,
    details,
  });
  if (folds) score.folds = folds.map((f) => ({ train: Array.from(f.train), test: Array.from(f.test) }));
  addResamplingStatistics(score, comparison, context, x.rows, brainMatrices.length, drawnSubjectMean(x, brainMatrices, (xs, ys) => shapeDistance(xs, ys, options).distance), warnings, folds !== null);
  if (warnings.length) score.warnings = warnings;
  return score;
}

export const shape: FamilyDefinition<'shape', ShapeParams> = {
  id: 'shape',
  summary: 'generalised shape metrics (permutation, Procrustes, linear; soft matching)',
  description: "**Generalized shape metric** (Williams, Kunz, Kornblith & Linderman 2021): the distance left after the best alignment by a group G of transformations (permutations, rotations, linear maps). A true (pseudo)metric on training data.",
  defaults,
  properties: {
    group: {
      enum: [
        "permutation",
        "orthogonal",
        "linear",
        "soft-matching"
      ],
      markdownDescription: "The group G of transformations that count as \"the same\" (Williams et al. 2021). Williams, Kunz, Kornblith & Linderman, *Generalized shape metrics on neural representations*, NeurIPS 2021. The distance is min over T ∈ G of ‖φ(X) − φ(Y)T‖ (or the angle), with φ centring (and whitening) each network on its own; on the fitted stimuli it is a **pseudometric** (symmetric, triangle inequality, d(X, X) = 0) for every group.",
      markdownEnumDescriptions: [
        "Unit relabelling only (one-to-one correspondence of units; netrep `PermutationMetric`). The best one-to-one matching of units by an exact linear assignment (Hungarian / Jonker–Volgenant) on X̃ᵀỸ; no whitening. Invariant to unit order and translation (and isotropic scale for the angular score). A pseudometric.",
        "Rotations and reflections (Procrustes): distances between stimuli are what matters. α = 1, netrep `LinearMetric(alpha=1)`: cos θ = ‖X̃ᵀỸ‖_*/(‖X̃‖‖Ỹ‖). Invariant to rotations, reflections and translation (and isotropic scale for the angular score). A pseudometric.",
        "Any invertible linear map (CCA-like): only the subspace matters. netrep `LinearMetric(alpha)` with α = `alpha` (default 0): each network is whitened first, so any invertible linear map is removed; at α = 0 the angular score is arccos(mean canonical correlation). Needs fewer units than stimuli − 1 (otherwise 0 for any two networks): use `reduce` or `cv`. A pseudometric.",
        "Soft matching (Khosla & Williams 2023, *Soft matching distance: a metric on neural representations that captures single-neuron tuning*): one-to-one correspondence of units generalised to **different widths** by optimal transport, d = √(min_P Σ_ij P_ij ‖r_i − r′_j‖²) over transport plans with marginals 1/p and 1/q, solved exactly. Equals the permutation distance / √p when widths are equal. Invariant to unit order (and translation, centred). A metric. No `cv`, `alpha`, `reduce`."
      ]
    },
    alpha: {
      type: "number",
      minimum: 0,
      maximum: 1,
      markdownDescription: "Partial whitening α for `group: linear` (netrep `LinearMetric(alpha)`): Z = s·(αI + (1−α)C^(−½)) with C = X̃ᵀX̃ (**unnormalised** scatter, eigenvalues clipped at 1e-7) and s² = Σλ / Σ(α√λ + 1 − α)². α = 0 is full whitening (CCA), α = 1 is Procrustes (same as `group: orthogonal`). For 0 < α < 1 netrep's whitening **depends on the data scale and on the number of stimuli** (docs/metrics.md §4.2); `whitening: scale-free` removes that. A pseudometric for every α."
    },
    score: {
      enum: [
        "angular",
        "euclidean"
      ],
      markdownDescription: "How the aligned networks A = φ(X)T_X and B = φ(Y)T_Y are compared.",
      markdownEnumDescriptions: [
        "θ = arccos(⟨A, B⟩/(‖A‖‖B‖)) ∈ [0, π] (recommended): invariant to isotropic scale at α ∈ {0, 1}; a pseudometric.",
        "‖A − B‖_F, netrep's convention: **not** normalised by the number of stimuli, so it grows with n and with the variance (the 2021 paper used the mean row norm). A pseudometric."
      ]
    },
    center: {
      type: "boolean",
      markdownDescription: "Subtract each unit's mean over stimuli first (netrep `center_columns`; under `cv` the **training** means are subtracted from test rows). Off: translations are no longer removed."
    },
    whitening: {
      enum: [
        "netrep",
        "scale-free"
      ],
      markdownDescription: "How partial whitening (0 < α < 1) treats overall scale.",
      markdownEnumDescriptions: [
        "netrep 0.0.2 exactly (parity): uses the unnormalised scatter X̃ᵀX̃ with an absolute 1e-7 eigenvalue floor, so rescaling a network or changing n changes the distance for 0 < α < 1.",
        "Divide each centred network by its Frobenius norm ‖X̃‖ first, then whiten as netrep: scale-free for every α and still a metric (the map is per network). Differs from netrep only for 0 < α < 1 (and for the Euclidean score)."
      ]
    },
    zero_pad: {
      type: "boolean",
      markdownDescription: "Networks with different numbers of units are compared by appending zero columns to the narrower one (netrep `zero_pad`). This leaves angular scores unchanged; for 0 < α < 1 the padded width enters netrep's variance factor s and so the Euclidean score. Off: widths must match (or be made equal by `reduce`)."
    },
    reduce: {
      type: "object",
      required: [
        "method",
        "components"
      ],
      additionalProperties: false,
      markdownDescription: "Reduce each network to `components` dimensions before the metric. Needed when a network has at least as many units as (training) stimuli, where the linear group gives 0 for any two networks (docs/metrics.md §4.3). Changes the metric (discards variance); the reduction is stated in the results.",
      properties: {
        method: {
          enum: [
            "pca",
            "random-projection"
          ],
          markdownDescription: "How units are reduced.",
          markdownEnumDescriptions: [
            "Principal components fitted on the (training) stimuli of each network and applied unchanged to held-out stimuli. Under `cv` without `reduce`, PCA to n_train − 1 components is applied automatically when a network has ≥ n_train units.",
            "A seeded Gaussian random projection (entries N(0, 1/k), numpy `RandomState(seed).standard_normal`); not fitted, so no train/test leakage. Approximately preserves geometry (Johnson–Lindenstrauss)."
          ]
        },
        components: {
          type: "integer",
          minimum: 1,
          markdownDescription: "Number of dimensions k kept per network (a network with ≤ k units is left as is)."
        },
        seed: {
          type: "integer",
          minimum: 0,
          maximum: 4294967295,
          markdownDescription: "Seed of the random projection (`random-projection` only)."
        }
      }
    },
    cv: {
      $ref: "#/$defs/cv",
      markdownDescription: "Cross-validated shape distance (docs/metrics.md §4.4): means, whitening and alignment are fitted on each fold's training stimuli and applied unchanged to its test stimuli; the score is the mean test distance. Symmetric with d(X, X) = 0, but the triangle inequality is **not** guaranteed on test stimuli."
    },
    warping: {
      type: "boolean",
      markdownDescription: "Also report the **warping index** W = d_orth − d_lin (angular, α = 1 minus α = 0, same centring, reduction and CV regime; docs/metrics.md §6.1) with W/d_orth and the curve d(α). W > 0: allowing linear warps removes distance that rotations leave. Not sign-definite and not a metric. Skipped (with a note) when a network has ≥ n − 1 units without `cv` or `reduce`."
    },
    mds: {
      type: "boolean",
      markdownDescription: "Also place every layer and region of this comparison on a 2-D map: **classical MDS** (Torgerson) of their K × K distances under this metric and regime (training distances, or held-out distances with `cv`), stored under `derived`. Reports the share of negative eigenvalue mass (angular and held-out distances are not Euclidean, so a flat map is approximate). Eigenvector signs: largest-|·| entry positive. Costs K(K−1)/2 distances."
    }
  },
  parse(raw) {
    const alpha = typeof raw.alpha === 'number' ? raw.alpha : undefined;
    // `alpha` alone means the linear family (partial whitening); α = 1 is Procrustes.
    const group = (raw.group ?? (alpha === undefined ? defaults.group : alpha === 1 ? 'orthogonal' : 'linear')) as ShapeParams['group'];
    const params: ShapeParams = {
      group,
      score: (raw.score ?? defaults.score) as ShapeParams['score'],
      center: typeof raw.center === 'boolean' ? raw.center : defaults.center,
      whitening: (raw.whitening ?? defaults.whitening) as ShapeParams['whitening'],
      zeroPad: typeof raw.zero_pad === 'boolean' ? raw.zero_pad : defaults.zero_pad,
      warping: raw.warping === true,
      mds: raw.mds === true,
    };
    if (alpha !== undefined) params.alpha = alpha;
    const reduce = raw.reduce as Record<string, unknown> | undefined;
    if (reduce) {
      params.reduce =
        reduce.method === 'random-projection'
          ? { method: 'random-projection', components: Number(reduce.components), seed: typeof reduce.seed === 'number' ? reduce.seed : defaults['reduce.seed'] }
          : { method: 'pca', components: Number(reduce.components) };
    }
    const cv = parseCv(raw.cv);
    if (cv) params.cv = cv;
    return params;
  },
  check(p, context, report) {
    if (p.group === 'soft-matching') {
      for (const key of NOT_WITH_SOFT_MATCHING) {
        const given = key === 'alpha' ? p.alpha !== undefined : key === 'warping' ? p.warping : key === 'mds' ? p.mds : p[key] !== undefined;
        if (given) report(`\`${key}\` does not apply to \`group: soft-matching\` (an optimal-transport plan is fitted on all stimuli; it is not a map to held-out stimuli).`, [key], 'spec.soft-matching-option', { part: 'key' });
      }
      return;
    }
    checkCv(p.cv, { index: 0 }, context, report);
    const problem = optionProblem(p);
    if (problem) report(`${problem.message}.`, problem.key.split('.'), 'spec.shape-options');
    const degenerate = linearGroupFixedByShapes(p, context);
    if (degenerate) report(degenerate, ['group'], 'spec.linear-degenerate', { severity: 'warning' });
    if (p.reduce && context.stimuli !== undefined && p.reduce.components >= context.stimuli) {
      report(`Reducing to ${p.reduce.components} components needs more than ${p.reduce.components} stimuli; there are ${context.stimuli}.`, ['reduce', 'components'], 'spec.reduce-components');
    }
    // metrics/shape checkShapeInputs / commonWidth: without padding, the widths after any reduction
    // (PCA and random projection keep min(components, units)) must match.
    if (!p.zeroPad) {
      const width = (units: number) => (p.reduce ? Math.min(p.reduce.components, units) : units);
      const unequal = context.pairs.find(({ model, brain }) => model.units !== undefined && brain.units !== undefined && width(model.units) !== width(brain.units));
      const what = p.group === 'permutation' ? 'The permutation group matches units one to one' : 'Without padding the networks must have the same width';
      if (unequal) {
        const after = p.reduce ? ` (${width(unequal.model.units!)} and ${width(unequal.brain.units!)} after reducing to at most ${p.reduce.components} components)` : '';
        report(`${what}, but this pair has ${unequal.model.units} and ${unequal.brain.units} units${after} and \`zero_pad: false\`: allow padding or ${p.reduce ? 'reduce to at most the narrower width' : 'set `reduce`'}.`, ['zero_pad'], 'spec.permutation-widths');
      }
    }
  },
  run: shapeRun,
  /** With `mds: true`: classical MDS of the pairwise distances of every layer and region scored. */
  async finish(comparison, p, records, representations, context) {
    if (!p.mds || p.group === 'soft-matching') return undefined;
    const layerNames = new Set(records.map((r) => r.layer));
    const regionNames = new Set(records.map((r) => r.region));
    const reps = representations.filter((r) => (r.role === 'model' ? layerNames.has(r.name) : regionNames.has(r.name)));
    if (reps.length < 3) return undefined;
    if (reps.length > MDS_LIMIT) {
      context.warn(`no MDS map: ${reps.length} representations (at most ${MDS_LIMIT})`);
      return undefined;
    }
    const options = shapeOptions(p);
    const ignored: string[] = [];
    const matrices = reps.map((r) => (r.role === 'model' ? modelMatrix(r, 'a shape metric', ignored) : meanOverSubjects(r, 'a shape metric')));
    const folds = foldsFromCv(p.cv, comparison, matrices[0]!.rows, context);
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
  caseHandlers: shapeCaseHandlers,
};

export const shapeRunner = runnerOf(shape);
