/**
 * `metric: rsa` — representational similarity analysis of one model layer with one brain region
 * (Kriegeskorte, Mur & Bandettini 2008). RDMs come from the data (`kind: rdm`) or are computed from
 * responses with the comparison's `rdm` method (rsatoolbox `calc_rdm` conventions; `cosine` as scipy
 * `pdist`). The model RDM is compared with each subject's RDM by `compare`; the score is the mean
 * over subjects (of r² with `square: true`, the Algonauts 2019 convention), with SEM (ddof 1) and a
 * one-sample t-test when there are subjects. Noise ceilings: rsatoolbox leave-one-subject-out
 * pooling for the compare method, or the Algonauts convention (mean squared Spearman against the
 * plain / leave-one-out subject mean) with `square: true`. RDMs, noise ceilings and per-subject RDMs
 * are shared across pairs of the run. RSA overrides the generic runner: it scores RDMs, and its
 * bootstrap and permutation test follow rsatoolbox (engine/metrics/rsa/{bootstrap,permutation}.ts,
 * both on engine/inference's draws and p-value).
 */
import { resolve } from 'node:path';
import { SimspecError } from '../core/errors';
import type { Matrix, NDArray } from '../core/matrix';
import { readArray } from '../io';
import { compareRdms, noiseCeiling, rdmFromResponses, canonicalCompareMethod, splitHalfRdmCeiling, SPLIT_HALF_RDM_CONVENTION, type CompareMethod } from '../metrics/rsa';
import { bootstrapRsa, type BootstrapOver, type BootstrapSummary, type RsaBootstrapResult } from '../metrics/rsa/bootstrap';
import { isDotMethod } from '../metrics/rsa/prepared';
import { permutationTest } from '../metrics/rsa/permutation';
import { oneSampleTTest, summarize } from '../stats/summary';
import { caseHandlers } from '../cases/rsa';
import { presortTies } from '../stats/ranks';
import { encodeFloat32Base64, STANDARD_ERROR_CONVENTION } from '../inference/bootstrap';
import { permutationPValue } from '../inference/permutation';
import { countedProgress, runnerOf } from './runner';
import type { FamilyComparison, FamilyDefinition, LoadedRepresentation, RunContext, Score } from './types';

export interface RsaParams {
  rdm: 'correlation' | 'euclidean' | 'cosine' | 'mahalanobis' | 'crossnobis' | 'poisson';
  /** Canonical name (e.g. `pearson` → `corr`). */
  compare: CompareMethod;
  square: boolean;
  noise?: { file: string; key?: string };
}

const defaults = { rdm: 'correlation', compare: 'spearman', square: false } as const;

const COMPARE_NAMES: Record<string, string> = {
  corr: 'Pearson r',
  pearson: 'Pearson r',
  spearman: 'Spearman ρ',
  'rho-a': 'Spearman ρ_A',
  'tau-a': 'Kendall τ_A',
  'tau-b': 'Kendall τ_B',
  kendall: 'Kendall τ_B',
  cosine: 'cosine similarity',
  corr_cov: 'whitened Pearson r',
  cosine_cov: 'whitened cosine',
  bures: 'normalised Bures similarity',
  bures_metric: 'squared Bures distance',
};

/** The noise precision of `noise:` (units × units), read once per run. */
async function noisePrecision(noise: RsaParams['noise'], context: RunContext): Promise<{ key: string; matrix: Matrix } | undefined> {
  if (!noise?.file) return undefined;
  const path = resolve(context.spec.baseDir, noise.file);
  const key = `${path}:${noise.key ?? ''}`;
  const matrix = await context.shared.get(`rsa:noise:${key}`, async () => {
    const array = await readArray(path, noise.key);
    if (array.shape.length !== 2 || array.shape[0] !== array.shape[1]) {
      throw new SimspecError(`the noise precision has shape (${array.shape.join(', ')})`, { file: noise.file, variable: noise.key ?? '(the only array)', expected: 'a square units × units precision matrix', code: 'rsa.noise-shape' });
    }
    return { rows: array.shape[0]!, cols: array.shape[1]!, data: array.data } as Matrix;
  });
  return { key, matrix };
}

/** Observations (stimulus, repeat) as rows, with their condition and run labels; NaN repeats dropped. */
function repeatsAsObservations(repeats: NDArray): { x: Matrix; conditions: Int32Array; runs: Int32Array } {
  const [n, r, u] = repeats.shape as [number, number, number];
  const rows: number[] = [];
  for (let i = 0; i < n; i++) for (let k = 0; k < r; k++) if (!Number.isNaN(repeats.data[(i * r + k) * u]!)) rows.push(i * r + k);
  const x: Matrix = { rows: rows.length, cols: u, data: new Float64Array(rows.length * u) };
  rows.forEach((row, j) => x.data.set(repeats.data.subarray(row * u, (row + 1) * u), j * u));
  return { x, conditions: Int32Array.from(rows, (row) => Math.floor(row / r)), runs: Int32Array.from(rows, (row) => row % r) };
}

/** Condensed RDM of every subject of a representation, computed once per run and method. */
function subjectRdms(rep: LoadedRepresentation, method: string, context: RunContext, precision?: { key: string; matrix: Matrix }): Float64Array[] {
  return context.shared.get(`rsa:rdms:${rep.role}:${rep.name}:${method}:${precision?.key ?? ''}`, () =>
    rep.subjects.map((subject, s) => {
      if (subject.rdm) return subject.rdm;
      const origin = { file: rep.file, variable: rep.subjects.length > 1 ? `${rep.key ?? rep.name} (subject ${s})` : rep.key ?? rep.name };
      const convention = method === 'cosine' ? 'scipy' : 'rsatoolbox';
      if (method === 'crossnobis') {
        if (!subject.repeats) throw new SimspecError('the crossnobis RDM needs runs: give this representation as `kind: repeats` (stimuli × runs × units)', { ...origin, code: 'rsa.crossnobis-input' });
        const { x, conditions, runs } = repeatsAsObservations(subject.repeats);
        return rdmFromResponses(x, 'crossnobis', { ...origin, conditions, runs, ...(precision ? { precision: precision.matrix } : {}) }).condensed;
      }
      const result = rdmFromResponses(subject.responses as Matrix, method, { ...origin, convention, ...(precision ? { precision: precision.matrix } : {}) });
      if (result.condensed.some(Number.isNaN)) {
        throw new SimspecError(`the ${method} RDM has undefined entries: some stimulus has the same response in every unit (a constant pattern)`, { ...origin, expected: 'patterns that vary across units', code: 'data.constant-pattern' });
      }
      return result.condensed;
    }),
  );
}

function isComplete(rdm: Float64Array): boolean {
  for (let k = 0; k < rdm.length; k++) if (Number.isNaN(rdm[k]!)) return false;
  return true;
}

/** One layer's part of a bootstrap: its summary and the draws dropped (the same for every layer). */
interface LayerBootstrap {
  summary: BootstrapSummary;
  /** This layer's evaluation in each draw (NaN: a dropped draw). */
  evaluations: Float64Array;
  dropped: number;
}

function oneLayer(result: RsaBootstrapResult, j = 0): LayerBootstrap {
  return { summary: result.models[j]!, evaluations: result.evaluations[j]!, dropped: result.dropped };
}

/** Model RDMs held by one shared bootstrap call: 24 bytes a pair per layer (RDM, presort, draw). */
const SHARED_BOOTSTRAP_BYTES = 256 * 2 ** 20;

/**
 * Resample-major bootstrap (issue 11; docs/performance.md §7.2): the first job of a (comparison,
 * region) runs one bootstrapRsa over its layer and the layers the run has still to score against
 * the region (RunContext.layersStillToScore), so each draw is made once and the brain side of each
 * draw ranked and prepared once for all of them; the later jobs read their layer's part. With a
 * dot-product comparison and complete RDMs each layer's evaluation of a draw depends on that layer
 * and the brain only, so every layer's interval is bit-identical to a bootstrap of its own
 * (test/engine/run/rsa-shared-draws.test.ts). Layers whose RDM is incomplete or cannot be made are
 * left to their own job, which reports them.
 */
async function bootstrapAcrossLayers(
  comparisonIndex: number,
  model: LoadedRepresentation,
  modelRdm: Float64Array,
  brainName: string,
  rdmMethod: string,
  context: RunContext,
  run: (layerRdms: Float64Array[]) => RsaBootstrapResult,
): Promise<LayerBootstrap> {
  const ready = context.shared.get(`rsa:bootstrap-by-layer:${comparisonIndex}:${brainName}`, () => new Map<string, LayerBootstrap>());
  const mine = ready.get(model.name);
  if (mine) {
    ready.delete(model.name);
    return mine;
  }
  const names = [model.name];
  const rdms = [modelRdm];
  const budget = Math.max(1, Math.floor(SHARED_BOOTSTRAP_BYTES / (24 * Math.max(1, modelRdm.length))));
  for (const layer of (await context.layersStillToScore?.()) ?? []) {
    if (rdms.length >= budget) break;
    if (layer.name === model.name || ready.has(layer.name)) continue;
    try {
      const layerRdms = subjectRdms(layer, rdmMethod, context);
      const rdm = layerRdms.length === 1 ? layerRdms[0]! : meanRdm(layerRdms);
      if (rdm.length !== modelRdm.length || !isComplete(rdm)) continue;
      names.push(layer.name);
      rdms.push(rdm);
    } catch (e) {
      if (!(e instanceof SimspecError)) throw e;
    }
  }
  const result = run(rdms);
  names.forEach((name, j) => {
    if (j > 0) ready.set(name, oneLayer(result, j));
  });
  return oneLayer(result);
}

function stack(rdms: Float64Array[]): Matrix {
  const out: Matrix = { rows: rdms.length, cols: rdms[0]!.length, data: new Float64Array(rdms.length * rdms[0]!.length) };
  rdms.forEach((rdm, s) => out.data.set(rdm, s * out.cols));
  return out;
}

function meanRdm(rdms: Float64Array[]): Float64Array {
  const out = new Float64Array(rdms[0]!.length);
  for (const rdm of rdms) for (let k = 0; k < out.length; k++) out[k]! += rdm[k]! / rdms.length;
  return out;
}

/** Why the split-half ceiling over repeats cannot be computed for these settings (the same words in check and run), or undefined. */
function splitHalfProblem(p: RsaParams, brainKind: string): string | undefined {
  if (brainKind !== 'repeats') return 'no split-half noise ceiling: it needs the brain region as `kind: repeats` (stimuli × repeats × units)';
  if (p.rdm === 'crossnobis') return 'no split-half noise ceiling: a crossnobis RDM needs the runs of both halves (use `noise_ceiling: leave-one-subject-out` with subjects)';
  if (p.square) return 'no split-half noise ceiling with `square: true` (its ceiling follows the Algonauts convention over subjects)';
  return undefined;
}

/** Whether the comparison's ceiling is the split-half one over repeats: asked by name, or `true` on one subject with repeats. */
function wantsSplitHalf(statistics: FamilyComparison['statistics'], brain: { subjects: number; kind: string }, p: RsaParams): boolean {
  if (!statistics.noiseCeiling || statistics.noiseCeilingMethod === 'leave-one-subject-out') return false;
  if (statistics.noiseCeilingMethod === 'split-half') return true;
  return brain.subjects <= 1 && splitHalfProblem(p, brain.kind) === undefined;
}

/**
 * The split-half ceiling over repeats (metrics/rsa/splitHalfCeiling.ts) of each brain subject, shared
 * by every layer; undefined (with a note) when it cannot be had.
 */
function splitHalfCeilingOf(comparison: FamilyComparison, p: RsaParams, brain: LoadedRepresentation, context: RunContext, precision: { key: string; matrix: Matrix } | undefined, warnings: string[]) {
  if (!wantsSplitHalf(comparison.statistics, { subjects: brain.subjects.length, kind: brain.kind }, p)) return undefined;
  const problem = splitHalfProblem(p, brain.kind);
  if (problem) {
    warnings.push(problem);
    return undefined;
  }
  const perSubject = brain.subjects.map((subject, s) =>
    context.shared.get(`rsa:split-half:${brain.name}:${s}:${p.rdm}:${p.compare}:${precision?.key ?? ''}`, () => {
      const variable = brain.subjects.length > 1 ? `${brain.key ?? brain.name} (subject ${s})` : brain.key ?? brain.name;
      try {
        return splitHalfRdmCeiling(subject.repeats!, { rdm: p.rdm, compare: p.compare, file: brain.file, variable, ...(precision ? { precision: precision.matrix } : {}) });
      } catch (error) {
        if (error instanceof SimspecError) return { ceiling: NaN, splits: [], skipped: 0, problem: error.message };
        throw error;
      }
    }),
  );
  for (const result of perSubject) {
    if ('problem' in result) warnings.push(`no split-half noise ceiling: ${result.problem}`);
    else if (result.skipped > 0) warnings.push(`split-half noise ceiling: ${result.skipped} of ${result.splits.length} repeat splits left out (a stimulus had no repeat in one half)`);
  }
  const values = perSubject.map((r) => r.ceiling);
  if (values.some(Number.isNaN)) return undefined;
  return { ceiling: values.reduce((a, b) => a + b, 0) / values.length, perSubject: perSubject.map((r) => ({ ceiling: r.ceiling, r: r.splits.map((x) => x.r), spearmanBrown: r.splits.map((x) => x.spearmanBrown) })) };
}

/** RSA keeps rsatoolbox's percentile interval (bit-identical draws and summary); said in check and run alike. */
const RSA_BCA_NOTE = 'RSA intervals stay rsatoolbox percentile intervals: `interval: bca` applies to shape, CKA, CCA and k-NN';

export const rsa: FamilyDefinition<'rsa', RsaParams> = {
  id: 'rsa',
  summary: 'representational similarity analysis (RDMs compared by a correlation)',
  description: "**Representational similarity analysis** (Kriegeskorte, Mur & Bandettini 2008). Each representation becomes a stimulus × stimulus dissimilarity matrix (RDM); the two RDMs are compared by a correlation. Invariant to anything that preserves the RDM (rotations, and for `correlation` RDMs unit scaling). A similarity, not a metric.",
  defaults,
  properties: {
    rdm: {
      enum: [
        "correlation",
        "euclidean",
        "cosine",
        "mahalanobis",
        "crossnobis",
        "poisson"
      ],
      markdownDescription: "How an RDM is made from a response matrix (rsatoolbox `calc_rdm` conventions). Ignored for data given as `kind: rdm`.",
      markdownEnumDescriptions: [
        "d_ij = 1 − r(b_i, b_j): one minus the Pearson correlation between the two stimuli's patterns across units. Invariant to scaling and shifting each pattern. Used by Brain-Score and Net2Brain.",
        "d_ij = ‖b_i − b_j‖² / P: **squared** Euclidean distance divided by the number of units P (rsatoolbox convention).",
        "d_ij = 1 − b_i·b_j / (‖b_i‖‖b_j‖): one minus the cosine similarity (scipy `pdist` convention).",
        "d_ij = (b_i − b_j) Λ (b_i − b_j)ᵀ / P with Λ a noise precision (inverse covariance), given by `noise`. Without `noise`: the euclidean RDM.",
        "Cross-validated Mahalanobis (Walther et al. 2016): d_ij = mean over runs m of (a_i − a_j) Λ (b_i − b_j)ᵀ / P, with b the means in run m and a the means over the other runs. Unbiased; can be negative. Needs repeats (runs).",
        "Symmetrised KL divergence of Poisson rates (rsatoolbox; no ½): (λ̃_i − λ̃_j)(log λ̃_i − log λ̃_j)/P with λ̃ = (λ + 0.1)/(1.1)."
      ]
    },
    noise: {
      $ref: "#/$defs/source",
      markdownDescription: "Noise **precision** matrix of the brain data (units × units, inverse covariance) for `rdm: mahalanobis` and `crossnobis`. It applies to brain regions only: model layers given as responses use the plain (euclidean) form."
    },
    compare: {
      enum: [
        "pearson",
        "corr",
        "spearman",
        "rho-a",
        "tau-a",
        "tau-b",
        "kendall",
        "cosine",
        "corr_cov",
        "cosine_cov",
        "bures",
        "bures_metric"
      ],
      markdownDescription: "How two RDMs are compared (on their n(n−1)/2 upper-triangle entries).",
      markdownEnumDescriptions: [
        "r = (a − ā)·(b − b̄) / (‖a − ā‖ ‖b − b̄‖) over the N = n(n−1)/2 dissimilarities: Pearson correlation. Assumes a linear relation between the RDMs; invariant to scaling and shifting either RDM. Kriegeskorte, Mur & Bandettini (2008).",
        "Same as `pearson`: r = (a − ā)·(b − b̄) / (‖a − ā‖ ‖b − b̄‖) (rsatoolbox's name).",
        "ρ = Pearson r of the ranks of a and b (ties get average ranks). Assumes only a monotonic relation; invariant to any increasing transformation of either RDM. Nili et al. (2014); scipy `spearmanr`.",
        "ρ_A = 12 (x − x̄)·(y − ȳ)/(N³ − N) on average ranks: Spearman with the tie-free variance. The expected Spearman under random tie-breaking; recommended for categorical model RDMs (Schütt et al. 2023).",
        "Kendall τ_A = (n_c − n_d)/(N(N−1)/2); tied pairs count 0. Recommended by Nili et al. (2014) for categorical models.",
        "Kendall τ_B (scipy `kendalltau`): τ corrected for ties in both vectors.",
        "Same as `tau-b`.",
        "Cosine similarity a·b/(‖a‖‖b‖) of the dissimilarity vectors (not mean-centred).",
        "Whitened Pearson: correlation after whitening by the covariance of RDM entries implied by independent stimulus noise (Diedrichsen et al. 2021, WUC).",
        "Whitened cosine (Diedrichsen et al. 2021); equals linear CKA on squared-Euclidean RDMs.",
        "Normalised Bures similarity of the second-moment matrices G = −½HDH (Harvey et al. 2023); equals cos of the Procrustes angle on squared-Euclidean RDMs.",
        "Squared Bures distance tr G₁ + tr G₂ − 2 tr[(G₁^½ G₂ G₁^½)^½]."
      ]
    },
    square: {
      type: "boolean",
      markdownDescription: "Square each per-subject correlation before averaging: the score is the **mean over subjects of r²** (Algonauts 2019 / Net2Brain convention), and the noise ceiling is the mean of squared Spearman r of each subject with the (leave-one-out) subject mean."
    }
  },
  parse(raw) {
    const params: RsaParams = {
      rdm: (raw.rdm ?? defaults.rdm) as RsaParams['rdm'],
      compare: canonicalCompareMethod(String(raw.compare ?? defaults.compare)),
      square: typeof raw.square === 'boolean' ? raw.square : defaults.square,
    };
    const noise = raw.noise as { file?: unknown; key?: unknown } | undefined;
    if (noise && typeof noise.file === 'string') params.noise = { file: noise.file, ...(typeof noise.key === 'string' ? { key: noise.key } : {}) };
    return params;
  },
  check(p, context, report) {
    if (context.statistics.noiseCeilingMethod === 'split-half') {
      const problem = context.pairs.map(({ brain }) => splitHalfProblem(p, brain.kind)).find((m) => m !== undefined);
      if (problem) report(problem, ['/', ...context.statisticsPath, 'noise_ceiling'], 'spec.ceiling-split-half', { severity: 'warning' });
    }
    if (p.rdm === 'crossnobis') {
      const plain = context.pairs.flatMap(({ model, brain }) => [model, brain]).find((l) => l.kind === 'responses');
      if (plain) report('The crossnobis RDM needs runs: give every representation of this comparison as `kind: repeats` (stimuli × runs × units), or as `kind: rdm`.', ['rdm'], 'spec.crossnobis-input');
    }
    // rsatoolbox's bootstrap needs two draws for a variance; with `square: true` it is skipped (a note).
    const bootstrap = context.statistics.bootstrap;
    // A stimulus draw repeats stimuli; the dissimilarity of a stimulus with its copy is undefined (NaN),
    // and the Bures comparisons need complete RDMs (metrics/rsa/bures.ts).
    const overStimuli = bootstrap && (bootstrap.over.includes('stimuli') || context.pairs.some(({ brain }) => brain.subjects <= 1));
    if (bootstrap && !p.square && overStimuli && (p.compare === 'bures' || p.compare === 'bures_metric')) {
      report(`\`compare: ${p.compare}\` needs complete RDMs, but a bootstrap over stimuli repeats stimuli, whose dissimilarities are then undefined: bootstrap over subjects only, or use another \`compare\`.`, ['/', ...context.statisticsPath, 'bootstrap'], 'spec.bootstrap-bures');
    }
    if (bootstrap?.interval === 'bca') report(`${RSA_BCA_NOTE[0]!.toUpperCase()}${RSA_BCA_NOTE.slice(1)}.`, ['/', ...context.statisticsPath, 'bootstrap', 'interval'], 'spec.bootstrap-bca-rsa', { severity: 'warning' });
    if (bootstrap && !p.square && bootstrap.samples < 2) {
      report(`An RSA bootstrap needs at least 2 samples; \`samples: ${bootstrap.samples}\` gives no interval.`, ['/', ...context.statisticsPath, 'bootstrap', 'samples'], 'spec.bootstrap-samples');
    }
  },
  async run(comparison, params, model, brain, context) {
    const { rdm: rdmMethod, compare: compareMethod, square } = params;
    const warnings: string[] = [];

    const precision = rdmMethod === 'mahalanobis' || rdmMethod === 'crossnobis' ? await noisePrecision(params.noise, context) : undefined;
    // The noise precision describes the brain's units; a model layer's RDM never uses it.
    const modelRdms = subjectRdms(model, rdmMethod, context);
    const modelRdm = modelRdms.length === 1 ? modelRdms[0]! : meanRdm(modelRdms);
    if (modelRdms.length > 1) warnings.push(`the model has ${modelRdms.length} subjects; their mean RDM is used`);
    const brainPrecision = brain.kind === 'rdm' ? undefined : precision;
    const brainRdms = subjectRdms(brain, rdmMethod, context, brainPrecision);
    // The brain's RDMs sorted once per run for the rank-once bootstrap, shared by every layer.
    const brainTies = () => context.shared.get(`rsa:ties:${brain.role}:${brain.name}:${rdmMethod}:${brainPrecision?.key ?? ''}`, () => brainRdms.map((rdm) => presortTies(rdm)));
    context.recordRdm?.('model', model.name, modelRdm);
    context.recordRdm?.('brain', brain.name, brainRdms.length === 1 ? brainRdms[0]! : context.shared.get(`rsa:mean:${brain.name}:${rdmMethod}`, () => meanRdm(brainRdms)));

    const perSubject = brainRdms.map((rdm) => {
      const result = compareRdms(modelRdm, rdm, compareMethod, { file: brain.file, variable: brain.key ?? brain.name });
      for (const w of result.warnings) if (!warnings.includes(w)) warnings.push(w);
      return square ? result.value ** 2 : result.value;
    });
    const summary = summarize(perSubject);
    const name = COMPARE_NAMES[compareMethod] ?? compareMethod;
    const measure = `${square ? `${name}² ` : `${name}`}${brain.hasSubjects ? `${square ? '' : ' '}(mean over ${brainRdms.length} subjects)` : ''}`.trim();
    const score: Score = { measure, value: summary.mean, higherIsBetter: compareMethod !== 'bures_metric', details: { rdm: model.kind === 'rdm' && brain.kind === 'rdm' ? 'given' : rdmMethod, compare: compareMethod, pairs: modelRdm.length } };

    if (brain.hasSubjects && brainRdms.length > 1) {
      score.perSubject = perSubject;
      score.sem = summary.sem;
      const alternative = comparison.statistics.test === 'one-sided' ? 'greater' : 'two-sided';
      const test = oneSampleTTest(perSubject, alternative);
      score.p = { value: test.p, test: `one-sample t-test against 0 (${comparison.statistics.test}, t(${test.df}) = ${test.t.toFixed(3)})` };
      if (comparison.statistics.noiseCeiling && comparison.statistics.noiseCeilingMethod !== 'split-half') {
        const convention = square ? 'algonauts' : 'rsatoolbox';
        const ceilingMethod = square ? 'spearman' : compareMethod;
        const ceiling = context.shared.get(`rsa:nc:${brain.name}:${rdmMethod}:${ceilingMethod}:${convention}`, () => {
          return noiseCeiling(stack(brainRdms), ceilingMethod, convention, { file: brain.file, variable: brain.key ?? brain.name });
        });
        score.noiseCeiling = {
          lower: ceiling.lower,
          upper: ceiling.upper,
          convention: square ? 'Algonauts 2019: mean over subjects of squared Spearman ρ with the leave-one-out (lower) and all-subject (upper) mean RDM' : `rsatoolbox leave-one-subject-out (${ceilingMethod})`,
        };
      }
    }
    const repeatCeiling = splitHalfCeilingOf(comparison, params, brain, context, precision, warnings);
    if (repeatCeiling) {
      score.noiseCeiling = { lower: repeatCeiling.ceiling, upper: repeatCeiling.ceiling, convention: `${SPLIT_HALF_RDM_CONVENTION} (${compareMethod})` };
      score.details = { ...score.details, ceilingSplits: repeatCeiling.perSubject };
    }
    const { bootstrap, permutation } = comparison.statistics;
    if (bootstrap) {
      if (bootstrap.interval === 'bca') warnings.push(RSA_BCA_NOTE);
      const subjectsToo = bootstrap.over.includes('subjects') && brainRdms.length > 1;
      const over: BootstrapOver = subjectsToo ? (bootstrap.over.includes('stimuli') ? 'both' : 'subjects') : 'stimuli';
      if (square) {
        warnings.push('no bootstrap interval: the bootstrap evaluates the mean correlation, not the mean squared correlation of `square: true`');
      } else {
        const run = (layerRdms: Float64Array[]) =>
          bootstrapRsa({
            modelRdms: layerRdms,
            subjectRdms: stack(brainRdms),
            method: compareMethod,
            over,
            iterations: bootstrap.samples,
            seed: bootstrap.seed,
            noiseCeiling: false,
            ciLevel: bootstrap.ci * 100,
            signal: context.signal,
            ...(over !== 'subjects' && (compareMethod === 'spearman' || compareMethod === 'rho-a') ? { subjectTies: brainTies() } : {}),
            onProgress: countedProgress(context, 'bootstrap', bootstrap.samples, 0, permutation ? 0.5 : 1),
          });
        const shareable = isDotMethod(compareMethod) && isComplete(modelRdm) && brainRdms.every(isComplete);
        const result = shareable ? await bootstrapAcrossLayers(comparison.index, model, modelRdm, brain.name, rdmMethod, context, run) : oneLayer(run([modelRdm]));
        const summary = result.summary;
        score.ci = {
          lower: summary.ciLow,
          upper: summary.ciHigh,
          level: bootstrap.ci,
          method: `bootstrap percentile over ${over === 'both' ? 'stimuli and subjects' : over} (rsatoolbox conventions)`,
          samples: bootstrap.samples,
          seed: bootstrap.seed,
          standardError: summary.sem,
          // rsatoolbox's SD·√(n/(n−1)) is the shared convention's form for draws with replacement (docs/metrics.md §2.6).
          standardErrorConvention: STANDARD_ERROR_CONVENTION,
          draws: { encoding: 'float32-base64', count: result.evaluations.length, values: encodeFloat32Base64(result.evaluations), adjusted: 'none (NaN: a dropped draw)' },
        };
        if (result.dropped > 0) warnings.push(`${result.dropped} bootstrap samples had fewer than 3 distinct stimuli and were dropped`);
      }
    }
    if (permutation) {
      const brainMean = brainRdms.length === 1 ? brainRdms[0]! : meanRdm(brainRdms);
      const result = permutationTest({
        rdmA: modelRdm,
        rdmB: brainMean,
        method: compareMethod,
        iterations: permutation.samples,
        seed: permutation.seed,
        signal: context.signal,
        onProgress: countedProgress(context, 'permutation test', permutation.samples, bootstrap ? 0.5 : 0, bootstrap ? 0.5 : 1),
      });
      score.nullDistribution = Array.from(result.nullDistribution);
      // Sidedness per `statistics.test` (docs/metrics.md §2.6): two-sided is twice the smaller tail.
      const twoSided = comparison.statistics.test === 'two-sided';
      const p = twoSided ? permutationPValue(result.nullDistribution, result.observed, 'two-sided') : result.p;
      const extreme = result.tail === 'greater' ? '≥' : '≤';
      const rule = twoSided ? 'two-sided: min(1, 2·min(p≥, p≤)), p≥ = (1 + #{null ≥ observed})/(1 + B)' : `one-sided: p = (1 + #{null ${extreme} observed})/(1 + B)`;
      const test = `stimulus-label permutation test, ${permutation.samples} permutations (seed ${permutation.seed}), ${rule}, against the ${brainRdms.length > 1 ? 'mean subject ' : ''}RDM`;
      if (score.p) score.details = { ...score.details, permutation: { p, observed: result.observed, test } };
      else score.p = { value: p, test };
    }
    if (warnings.length) score.warnings = warnings;
    return score;
  },
  caseHandlers,
};

export const rsaRunner = runnerOf(rsa);
