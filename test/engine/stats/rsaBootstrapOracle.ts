// The RSA bootstrap as it was before rank-once (main at e273d8d, engine/metrics/rsa/bootstrap.ts,
// kept verbatim but for import paths and the function's name): every draw subsamples the RDMs and
// re-sorts them. The oracle for test/engine/stats/rsa-rank-once.test.ts.
import { SimspecError } from '../../../engine/core/errors';
import type { Matrix } from '../../../engine/core/matrix';
import { startStage, stopStage } from '../../../engine/core/stageTimer';
import { bootstrapSummary, forEachBootstrapDraw, type BootstrapSummary } from '../../../engine/inference/bootstrap';
import { canonicalCompareMethod, compareRdms, type CompareMethod } from '../../../engine/metrics/rsa/compare';
import { conditionsFromPairs, subsampleCondensed } from '../../../engine/metrics/rsa/condensed';
import { noiseCeiling } from '../../../engine/metrics/rsa/noise-ceiling';
import { comparePrepared, isDotMethod, prepareVector } from '../../../engine/metrics/rsa/prepared';

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

export function bootstrapRsaResortingEveryDraw(input: RsaBootstrapInput): RsaBootstrapResult {
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

  /** Mean over the drawn subjects of compare(model, subject), per model; stimIdx null = all stimuli. */
  const evaluateSample = (rdmIdx: Int32Array, stimIdx: Int32Array | null, into: Float64Array[], b: number, ceiling: boolean): void => {
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
    if (!ceiling) return;
    if (new Set(rdmIdx).size < 2) {
      ncLower[b] = Number.NaN;
      ncUpper[b] = Number.NaN;
      return;
    }
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
