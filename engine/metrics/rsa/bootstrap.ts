/**
 * Bootstrap of RSA model evaluations over stimuli, subjects, or both (rsatoolbox `eval_bootstrap*`
 * conventions, docs/metrics.md §2.5) [parity]:
 *  - draws: `randint(0, n_rdm, n_rdm)` for subjects, then `randint(0, n_cond, n_cond)` for stimuli
 *    (this order for 'both'), from NumpyRandomState(seed) — so a seed means the same samples as numpy;
 *  - model RDMs use the SAME stimulus indices as the data;
 *  - the dissimilarity between two copies of one stimulus is NaN and excluded;
 *  - a sample with fewer than 3 unique stimuli is dropped (NaN) and counted;
 *  - evaluation per sample = mean over the sampled subjects of compare(model, subject);
 *  - with `noiseCeiling`, the rsatoolbox noise ceiling of each sample (groups = original subject);
 *  - variance = sample variance over valid samples (ddof 1) × n/(n−1), n = n_cond, n_rdm or
 *    min(n_rdm, n_cond); dof = n − 1. The percentile CI is computed from the valid samples.
 * Two-factor correction (Schütt et al. 2023, rsatoolbox `eval_dual_bootstrap`), opt-in for 'both':
 *   each joint draw is also evaluated with only its subject indices and only its stimulus indices;
 *   the corrected variance combines the three (see twoFactorVariance).
 * The draws, the summary and the percentile interval are engine/inference's (one implementation for
 * every family); this module supplies the RSA evaluation of a draw.
 * Rank once: for cosine, corr, spearman and rho-a on complete RDMs each RDM is sorted once per call
 * (or once per run for the brain, `subjectTies`) and a draw's ranks come from an O(N) weighted pass,
 * with results bit-identical to re-sorting each draw (see evaluateSample). Other methods and RDMs
 * with missing pairs subsample and re-sort every draw.
 * Cancellable: the AbortSignal is checked every iteration (CancelledError), progress is reported.
 */
import { SimspecError } from '../../core/errors';
import type { Matrix } from '../../core/matrix';
import { startStage, stopStage } from '../../core/stageTimer';
import { bootstrapSummary, forEachBootstrapDraw, type BootstrapSummary } from '../../inference/bootstrap';
import { canonicalCompareMethod, compareRdms, type CompareMethod } from './compare';
import { conditionsFromPairs, subsampleCondensed } from './condensed';
import { noiseCeiling } from './noise-ceiling';
import { pairWeightedAverageRanks, presortTies, sortedPairStimuli, type PresortedTies, type SortedPairStimuli } from '../../stats/ranks';

/** Each sorted RDM's pair stimuli (sortedPairStimuli), kept while its sort is: the brain's sort lives for the run. */
const sortedPairs = new WeakMap<PresortedTies, SortedPairStimuli>();
import { comparePrepared, isDotMethod, prepareVector } from './prepared';
import { kendallTauOfDraw, presortKendall, type KendallPresort } from './kendall';

export type { BootstrapSummary };

export type BootstrapOver = 'stimuli' | 'subjects' | 'both';

export interface RsaBootstrapInput {
  /** Condensed model RDMs (all over the same n conditions as the subjects). */
  modelRdms: readonly Float64Array[];
  /** Subject RDMs, one condensed RDM per row. */
  subjectRdms: Matrix;
  method: string;
  over: BootstrapOver;
  iterations: number;
  seed: number;
  /** Also bootstrap the rsatoolbox noise ceiling (default true). */
  noiseCeiling?: boolean;
  /**
   * With over = 'both': also evaluate the subjects-only and stimuli-only resamplings of each draw and
   * report the Schütt et al. (2023) two-factor corrected variance (rsatoolbox eval_dual_bootstrap).
   */
  twoFactorCorrection?: boolean;
  /** Central CI level in percent (default 95). */
  ciLevel?: number;
  /**
   * The subject RDMs presorted (presortTies of each row), when the caller keeps them across calls:
   * the rsa family sorts a brain region once per run for all the layers it is compared with.
   */
  subjectTies?: readonly PresortedTies[];
  signal?: AbortSignal;
  onProgress?: (done: number, total: number) => void;
}

export interface RsaBootstrapResult {
  method: CompareMethod;
  over: BootstrapOver;
  iterations: number;
  seed: number;
  /** Samples dropped (fewer than 3 unique stimuli). */
  dropped: number;
  ciLevel: number;
  /** n used in the n/(n−1) correction; dof = n − 1. */
  correctionN: number;
  dof: number;
  /** evaluations[j][b]: model j in sample b (NaN when dropped). */
  evaluations: Float64Array[];
  models: BootstrapSummary[];
  noiseCeilingLower?: Float64Array;
  noiseCeilingUpper?: Float64Array;
  lower?: BootstrapSummary;
  upper?: BootstrapSummary;
  /** Per model, when `twoFactorCorrection` was requested (over = 'both'). */
  twoFactor?: TwoFactorVariance[];
  /** The subjects-only and stimuli-only resamplings of each joint draw (two-factor mode). */
  evaluationsSubjectsOnly?: Float64Array[];
  evaluationsStimuliOnly?: Float64Array[];
}

export interface TwoFactorVariance {
  /** Bootstrap variances (ddof 1) of the joint, subjects-only and stimuli-only resamplings. */
  varianceBoth: number;
  varianceSubjects: number;
  varianceStimuli: number;
  /** Corrected variance, clipped to [max(n_r/(n_r−1)σ²_r, n_p/(n_p−1)σ²_p), σ²_b]. */
  variance: number;
  sem: number;
  /** min(n_subjects, n_stimuli) − 1 */
  dof: number;
}

/**
 * Subject RDMs of stimulus draws ranked or laid out and prepared in this process (one per draw and
 * drawn subject, however many model RDMs share the draw): the test of the rsa family's
 * resample-major loop reads it (docs/performance.md §7.2).
 */
export const bootstrapWork = { subjectSamples: 0 };

export function bootstrapRsa(input: RsaBootstrapInput): RsaBootstrapResult {
  const method = canonicalCompareMethod(input.method);
  const { subjectRdms, modelRdms, over, iterations: B, seed } = input;
  const nRdm = subjectRdms.rows;
  const nCond = conditionsFromPairs(subjectRdms.cols);
  for (const [j, m] of modelRdms.entries()) {
    if (m.length !== subjectRdms.cols) {
      throw new SimspecError(`model RDM ${j} has ${m.length} pairs, the subject RDMs ${subjectRdms.cols}`, { expected: 'RDMs over the same conditions', code: 'rsa.bootstrap-shape' });
    }
  }
  if (!Number.isInteger(B) || B < 2) throw new SimspecError(`bootstrap iterations = ${B}`, { expected: 'an integer ≥ 2', code: 'rsa.bootstrap-iterations' });
  const withNc = input.noiseCeiling ?? true;
  const subjects = Array.from({ length: nRdm }, (_, s) => subjectRdms.data.subarray(s * subjectRdms.cols, (s + 1) * subjectRdms.cols));
  const evaluations = modelRdms.map(() => new Float64Array(B));
  const ncLower = new Float64Array(B);
  const ncUpper = new Float64Array(B);
  const twoFactor = over === 'both' && (input.twoFactorCorrection ?? false);
  const subjectsOnly = twoFactor ? modelRdms.map(() => new Float64Array(B)) : [];
  const stimuliOnly = twoFactor ? modelRdms.map(() => new Float64Array(B)) : [];
  const allSubjects = Int32Array.from({ length: nRdm }, (_, s) => s);
  const progressStep = Math.max(1, Math.floor(B / 100));
  let dropped = 0;

  // Rank once: with a dot-product comparison and complete RDMs, the only pairs a
  // stimulus draw loses are those between copies of one stimulus, so a sample is the full condensed
  // vector with pair (i, j) repeated count_i·count_j times. Its average ranks come from each RDM's
  // sort, made once, by one weighted O(N) pass (weightedAverageRanks); the values are then laid out
  // in the draw's pair order and prepared with the same arithmetic as before, so every evaluation is
  // bit-identical to subsampling and re-sorting each draw (test/engine/stats/rsa-rank-once.test.ts).
  const rankMethod = method === 'spearman' || method === 'rho-a';
  const complete = isDotMethod(method) && !hasNaN(subjectRdms.data) && modelRdms.every((m) => !hasNaN(m));
  const resamplesStimuli = over !== 'subjects';
  const givenTies = input.subjectTies && input.subjectTies.length === nRdm && input.subjectTies.every((t) => t.order.length === subjectRdms.cols) ? input.subjectTies : undefined;
  const subjectTies = complete && rankMethod && resamplesStimuli ? givenTies ?? subjects.map((v) => presortTies(v)) : [];
  const modelTies = complete && rankMethod && resamplesStimuli ? modelRdms.map((m) => presortTies(m)) : [];
  const N = subjectRdms.cols;
  // A draw's pair weights count_i·count_j are read in each RDM's sorted order (sortedPairStimuli,
  // made once per sorted RDM). The ranks go to a float32 buffer where every rank is exact in it
  // (multiples of ½ up to N + 1 < 2²³): half the memory the ranks are scattered into and gathered
  // from, the same values.
  const rankBuffer = complete && rankMethod && resamplesStimuli ? (N + 1 < 2 ** 23 ? new Float32Array(N) : new Float64Array(N)) : new Float64Array(0);
  const pairStimuliOf = (ties: PresortedTies) => {
    let pairs = sortedPairs.get(ties);
    if (!pairs) sortedPairs.set(ties, (pairs = sortedPairStimuli(ties, nCond)));
    return pairs;
  };
  const samplePairs = new Uint32Array(complete && resamplesStimuli ? N : 0);
  /** Per draw: the pairs of distinct stimuli in the draw's order, the pair weights, prepared vectors. */
  let draw: { stimIdx: Int32Array; counts: Float64Array; pairs: number; subjects: Map<number, Float64Array>; models: Map<number, Float64Array> } | null = null;
  const fullPrepared = new Map<Float64Array, Float64Array>();
  const preparedFull = (v: Float64Array) => {
    let p = fullPrepared.get(v);
    if (!p) fullPrepared.set(v, (p = prepareVector(v, method)));
    return p;
  };
  const startDraw = (stimIdx: Int32Array) => {
    if (draw?.stimIdx === stimIdx) return draw;
    const counts = new Float64Array(nCond);
    for (const i of stimIdx) counts[i]!++;
    let pairs = 0;
    const m = stimIdx.length;
    for (let a = 0; a < m; a++) {
      const i = stimIdx[a]!;
      for (let b = a + 1; b < m; b++) {
        const j = stimIdx[b]!;
        if (i === j) continue; // copies of one stimulus: undefined, excluded (subsampleCondensed's NaN)
        const lo = i < j ? i : j;
        const hi = i < j ? j : i;
        samplePairs[pairs++] = nCond * lo - (lo * (lo + 1)) / 2 + (hi - lo - 1);
      }
    }
    return (draw = { stimIdx, counts, pairs, subjects: new Map(), models: new Map() });
  };
  const prepareSubjectSample = (s: number, d: { counts: Float64Array; pairs: number }): Float64Array => {
    bootstrapWork.subjectSamples++;
    return prepareSample(subjects[s]!, subjectTies[s], d);
  };
  const prepareSample = (v: Float64Array, ties: PresortedTies | undefined, { counts, pairs }: { counts: Float64Array; pairs: number }): Float64Array => {
    const out = new Float64Array(pairs);
    if (rankMethod) return prepareSampleRanks(pairWeightedAverageRanks(ties!, pairStimuliOf(ties!), counts, rankBuffer), out);
    for (let t = 0; t < pairs; t++) out[t] = v[samplePairs[t]!]!;
    return prepareVector(out, method);
  };

  /**
   * prepareRanks of the draw's ranks laid out in its pair order, in fewer passes: the layout, the
   * constant check and the sum in one, the centring and the sum of squares in the next. Every sum
   * runs in the same order over the same values as prepareRanks, so the result is bit-identical.
   */
  const prepareSampleRanks = (ranks: Float64Array | Float32Array, out: Float64Array): Float64Array => {
    const pairs = out.length;
    if (pairs === 0) return out;
    const first = ranks[samplePairs[0]!]!;
    let constant = true;
    let sum = 0;
    for (let t = 0; t < pairs; t++) {
      const r = ranks[samplePairs[t]!]!;
      out[t] = r;
      sum += r;
      if (r !== first) constant = false;
    }
    if (constant) return out.fill(Number.NaN);
    const mean = sum / pairs;
    let squares = 0;
    for (let t = 0; t < pairs; t++) {
      const c = out[t]! - mean;
      out[t] = c;
      squares += c * c;
    }
    const scale = method === 'rho-a' ? Math.sqrt(12 / (pairs * pairs * pairs - pairs)) : squares > 0 ? 1 / Math.sqrt(squares) : Number.NaN;
    for (let t = 0; t < pairs; t++) out[t]! *= scale;
    return out;
  };

  // Kendall τ on complete RDMs: each (model, subject) pair sorted once by (model, subject) value.
  const kendallDraws = (method === 'tau-a' || method === 'tau-b') && resamplesStimuli && !hasNaN(subjectRdms.data) && modelRdms.every((m) => !hasNaN(m));
  const kendallPresorts = new Map<number, KendallPresort>();
  const kendallPresort = (j: number, subject: number): KendallPresort => {
    const key = j * nRdm + subject;
    let presort = kendallPresorts.get(key);
    if (!presort) kendallPresorts.set(key, (presort = presortKendall(modelRdms[j]!, subjects[subject]!, nCond)));
    return presort;
  };

  /** Mean over the drawn subjects of compare(model, subject), per model; stimIdx null = all stimuli. */
  const evaluateSample = (rdmIdx: Int32Array, stimIdx: Int32Array | null, into: Float64Array[], b: number, ceiling: boolean): void => {
    if (complete) {
      let preparedSubject: (s: number) => Float64Array;
      let preparedModel: (j: number) => Float64Array;
      if (stimIdx) {
        const d = startDraw(stimIdx);
        preparedSubject = (s) => d.subjects.get(s) ?? d.subjects.set(s, prepareSubjectSample(s, d)).get(s)!;
        preparedModel = (j) => d.models.get(j) ?? d.models.set(j, prepareSample(modelRdms[j]!, modelTies[j], d)).get(j)!;
      } else {
        preparedSubject = (s) => preparedFull(subjects[s]!);
        preparedModel = (j) => preparedFull(modelRdms[j]!);
      }
      const preparedSubjects = Array.from(rdmIdx, preparedSubject);
      modelRdms.forEach((_, j) => {
        const pm = preparedModel(j);
        let s = 0;
        for (const ps of preparedSubjects) s += comparePrepared(pm, ps, method);
        into[j]![b] = s / preparedSubjects.length;
      });
      if (ceiling) evaluateCeiling(rdmIdx, Array.from(rdmIdx, (s) => (stimIdx ? subsampleCondensed(subjects[s]!, nCond, stimIdx) : subjects[s]!)), b);
      return;
    }
    if (kendallDraws && stimIdx) {
      // Rank once for τ (kendall.ts presortKendall): the counts of each draw from one pass.
      const counts = new Float64Array(nCond);
      for (const i of stimIdx) counts[i]!++;
      modelRdms.forEach((_, j) => {
        let s = 0;
        for (const subject of rdmIdx) s += kendallTauOfDraw(kendallPresort(j, subject), counts, method as 'tau-a' | 'tau-b');
        into[j]![b] = s / rdmIdx.length;
      });
      if (ceiling) evaluateCeiling(rdmIdx, Array.from(rdmIdx, (s) => subsampleCondensed(subjects[s]!, nCond, stimIdx)), b);
      return;
    }
    const sampleSubjects = Array.from(rdmIdx, (s) => (stimIdx ? subsampleCondensed(subjects[s]!, nCond, stimIdx) : subjects[s]!));
    const sampleModels = modelRdms.map((m) => (stimIdx ? subsampleCondensed(m, nCond, stimIdx) : m));
    // Keep the pairs that are non-NaN in every sampled RDM (duplicates are NaN in all of them).
    const all = [...sampleSubjects, ...sampleModels];
    const N = all[0]!.length;
    if (isDotMethod(method)) {
      const keep: number[] = [];
      for (let k = 0; k < N; k++) if (all.every((v) => !Number.isNaN(v[k]!))) keep.push(k);
      const restrict = (v: Float64Array) => (keep.length === N ? v : Float64Array.from(keep, (k) => v[k]!));
      const preparedSubjects = sampleSubjects.map((v) => prepareVector(restrict(v), method));
      modelRdms.forEach((_, j) => {
        const pm = prepareVector(restrict(sampleModels[j]!), method);
        let s = 0;
        for (const ps of preparedSubjects) s += comparePrepared(pm, ps, method);
        into[j]![b] = s / preparedSubjects.length;
      });
    } else {
      // Whitened and Kendall methods need the full vectors (NaN pairs are intersected inside).
      modelRdms.forEach((_, j) => {
        let s = 0;
        for (const v of sampleSubjects) s += compareRdms(sampleModels[j]!, v, method).value;
        into[j]![b] = s / sampleSubjects.length;
      });
    }
    if (ceiling) evaluateCeiling(rdmIdx, sampleSubjects, b);
  };

  const evaluateCeiling = (rdmIdx: Int32Array, sampleSubjects: Float64Array[], b: number): void => {
    if (new Set(rdmIdx).size < 2) {
      ncLower[b] = Number.NaN;
      ncUpper[b] = Number.NaN;
      return;
    }
    const N = sampleSubjects[0]!.length;
    const stacked = new Float64Array(sampleSubjects.length * N);
    sampleSubjects.forEach((v, r) => stacked.set(v, r * N));
    const nc = noiseCeiling({ rows: sampleSubjects.length, cols: N, data: stacked }, method, 'rsatoolbox', { groups: Array.from(rdmIdx) });
    ncLower[b] = nc.lower;
    ncUpper[b] = nc.upper;
  };

  const plan = { samples: B, seed, stimuli: nCond, subjects: nRdm, resampleStimuli: over !== 'subjects', resampleSubjects: over !== 'stimuli', order: 'subjects-first' as const };
  startStage('resampling'); // stage breakdown (engine/core/stageTimer.ts)
  forEachBootstrapDraw({ ...plan, ...(input.signal ? { signal: input.signal } : {}) }, ({ index: b, subjects: drawnSubjects, stimuli: stimIdx }) => {
    const rdmIdx = drawnSubjects ?? allSubjects;
    if (stimIdx && new Set(stimIdx).size < 3) {
      dropped++;
      for (const e of [...evaluations, ...subjectsOnly, ...stimuliOnly]) e[b] = Number.NaN;
      ncLower[b] = Number.NaN;
      ncUpper[b] = Number.NaN;
    } else {
      evaluateSample(rdmIdx, stimIdx, evaluations, b, withNc);
      if (twoFactor) {
        evaluateSample(rdmIdx, null, subjectsOnly, b, false);
        evaluateSample(allSubjects, stimIdx, stimuliOnly, b, false);
      }
    }
    if ((b + 1) % progressStep === 0 || b + 1 === B) input.onProgress?.(b + 1, B);
  });
  stopStage();

  const correctionN = over === 'stimuli' ? nCond : over === 'subjects' ? nRdm : Math.min(nRdm, nCond);
  const ciLevel = input.ciLevel ?? 95;
  const summarise = (values: Float64Array) => bootstrapSummary(values, correctionN, ciLevel);
  const result: RsaBootstrapResult = {
    method,
    over,
    iterations: B,
    seed,
    dropped,
    ciLevel,
    correctionN,
    dof: correctionN - 1,
    evaluations,
    models: evaluations.map(summarise),
  };
  if (twoFactor) {
    result.twoFactor = evaluations.map((e, j) => twoFactorVariance(e, subjectsOnly[j]!, stimuliOnly[j]!, nRdm, nCond));
    result.evaluationsSubjectsOnly = subjectsOnly;
    result.evaluationsStimuliOnly = stimuliOnly;
  }
  if (withNc) {
    result.noiseCeilingLower = ncLower;
    result.noiseCeilingUpper = ncUpper;
    result.lower = summarise(ncLower);
    result.upper = summarise(ncUpper);
  }
  return result;
}

function hasNaN(values: Float64Array): boolean {
  for (let k = 0; k < values.length; k++) if (Number.isNaN(values[k]!)) return true;
  return false;
}

/**
 * Schütt et al. 2023 (docs/metrics.md §2.5), n_r subjects, n_p stimuli:
 *   σ² = n_r/(n_r−1)·σ²_r + n_p/(n_p−1)·σ²_p − n_r n_p/((n_r−1)(n_p−1))·(σ²_b − σ²_r − σ²_p)
 * clipped below at max(n_r/(n_r−1)σ²_r, n_p/(n_p−1)σ²_p) and above at σ²_b. Samples dropped in any
 * of the three resamplings are left out of all three.
 */
function twoFactorVariance(both: Float64Array, subjects: Float64Array, stimuli: Float64Array, nr: number, np: number): TwoFactorVariance {
  const ok = (k: number) => !Number.isNaN(both[k]!) && !Number.isNaN(subjects[k]!) && !Number.isNaN(stimuli[k]!);
  const keep = Array.from(both.keys()).filter(ok);
  const variance = (v: Float64Array) => {
    const x = keep.map((k) => v[k]!);
    const m = x.reduce((s, y) => s + y, 0) / x.length;
    return x.reduce((s, y) => s + (y - m) ** 2, 0) / (x.length - 1);
  };
  const vb = variance(both);
  const vr = variance(subjects);
  const vp = variance(stimuli);
  const fr = nr / (nr - 1);
  const fp = np / (np - 1);
  const raw = fr * vr + fp * vp - fr * fp * (vb - vr - vp);
  const corrected = Math.min(Math.max(raw, fr * vr, fp * vp), vb);
  return { varianceBoth: vb, varianceSubjects: vr, varianceStimuli: vp, variance: corrected, sem: Math.sqrt(corrected), dof: Math.min(nr, np) - 1 };
}
