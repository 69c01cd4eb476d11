/**
 * Noise ceilings for RSA: how well the best possible model could match subject RDMs
 * (docs/metrics.md §2.4). Subject RDMs come as a Matrix (RDMs × pairs), condensed rows.
 *
 * convention 'rsatoolbox' — `boot_noise_ceiling` (leave one group out; a group is one RDM unless
 *   `groups` says otherwise, e.g. two sessions of one subject):
 *     lower_s = mean over RDMs r in s of compare(pool(all RDMs not in s), r)
 *     upper_s = mean over RDMs r in s of compare(pool(all RDMs), r);   ceilings = mean over groups.
 *   Pooling by method [parity]: cosine, cosine_cov → scale each RDM to unit RMS, mean;
 *   corr, corr_cov → z-score (ddof 0), mean, minus the minimum; spearman, rho-a, tau-a, tau-b → mean of
 *   the average ranks (the *_cov pools are NOT whitened, §8 item 13). bures/bures_metric have no
 *   rsatoolbox pool: we use the plain mean [choose].
 * convention 'algonauts' — Algonauts 2019 / Net2Brain: upper = mean_s compare(subject s, plain mean
 *   of all subjects)², lower = the same against the leave-one-out plain mean; method Spearman by
 *   default. Mean of r², not the square of the mean.
 * convention 'brainscore' — Brain-Score RSA (2026): ceiling = mean_s compare(subject s, plain mean of
 *   all subjects), Spearman by default, no Spearman–Brown; reported as `upper` (there is no lower).
 * Pairs that are NaN in any RDM are dropped from all of them first (rsatoolbox's within-set rule).
 */
import { SimspecError } from '../../core/errors';
import type { Matrix } from '../../core/matrix';
import { averageRanks } from '../../stats/ranks';
import { canonicalCompareMethod, compareComplete, compareRdms, type CompareMethod } from './compare';
import { conditionsFromPairs, type Origin } from './condensed';
import { groupLabels, type ConditionLabels } from './conditions';

export type NoiseCeilingConvention = 'rsatoolbox' | 'algonauts' | 'brainscore';

export interface NoiseCeilingOptions extends Origin {
  /** Group label per RDM (rsatoolbox `rdm_descriptor`); default: every RDM is its own group. */
  groups?: ConditionLabels;
}

export interface NoiseCeiling {
  /** Lower bound (NaN for 'brainscore', which has none). */
  lower: number;
  upper: number;
  /** Per-group values, in ascending group order (per RDM by default). */
  lowerPerGroup: Float64Array;
  upperPerGroup: Float64Array;
  method: CompareMethod;
  convention: NoiseCeilingConvention;
  /** Pairs used (after dropping pairs NaN in any RDM). */
  pairs: number;
}

export function noiseCeiling(
  subjectRdms: Matrix,
  method = 'spearman',
  convention: NoiseCeilingConvention = 'rsatoolbox',
  options: NoiseCeilingOptions = {},
): NoiseCeiling {
  const origin: Origin = { file: options.file, variable: options.variable };
  const m = canonicalCompareMethod(method, origin);
  if (subjectRdms.rows < 2) {
    throw new SimspecError(`a noise ceiling needs at least 2 subject RDMs, got ${subjectRdms.rows}`, { ...origin, expected: '≥ 2 RDMs', code: 'rsa.noise-ceiling-subjects' });
  }
  conditionsFromPairs(subjectRdms.cols, origin);
  // Transforms and pools act on the pairs present in every RDM; comparisons see full-length vectors
  // (NaN where dropped) so that whitened methods keep the condition structure.
  const { rows: rdms, keep } = completeRows(subjectRdms);
  const S = rdms.length;
  const complete = keep.length === subjectRdms.cols;
  const expand = (v: Float64Array): Float64Array => {
    if (complete) return v;
    const full = new Float64Array(subjectRdms.cols).fill(Number.NaN);
    keep.forEach((k, i) => (full[k] = v[i]!));
    return full;
  };
  const compare = (x: Float64Array, y: Float64Array): number => (complete ? compareComplete(x, y, m) : compareRdms(expand(x), expand(y), m).value);
  if (convention === 'rsatoolbox') {
    const groupOf = options.groups !== undefined ? groupLabels(options.groups, origin).groupOf : Int32Array.from({ length: S }, (_, i) => i);
    if (groupOf.length !== S) {
      throw new SimspecError(`${groupOf.length} group labels for ${S} RDMs`, { ...origin, expected: 'one group label per RDM', code: 'rsa.noise-ceiling-groups' });
    }
    const nGroups = Math.max(...groupOf) + 1;
    const prepared = rdms.map((v) => poolTransform(v, m));
    const poolAll = pool(prepared, m);
    const lowerPerGroup = new Float64Array(nGroups);
    const upperPerGroup = new Float64Array(nGroups);
    for (let g = 0; g < nGroups; g++) {
      const members = [...groupOf.keys()].filter((r) => groupOf[r] === g);
      const rest = prepared.filter((_, r) => groupOf[r] !== g);
      if (rest.length === 0) {
        throw new SimspecError('leave-one-group-out needs at least 2 groups', { ...origin, expected: 'RDMs from ≥ 2 groups', code: 'rsa.noise-ceiling-groups' });
      }
      const poolRest = pool(rest, m);
      lowerPerGroup[g] = mean(members.map((r) => compare(poolRest, rdms[r]!)));
      upperPerGroup[g] = mean(members.map((r) => compare(poolAll, rdms[r]!)));
    }
    return { lower: mean(lowerPerGroup), upper: mean(upperPerGroup), lowerPerGroup, upperPerGroup, method: m, convention, pairs: keep.length };
  }
  const power = convention === 'algonauts' ? 2 : 1;
  const all = plainMean(rdms);
  const upperPerGroup = Float64Array.from(rdms, (v) => compare(v, all) ** power);
  const lowerPerGroup = new Float64Array(S);
  if (convention === 'algonauts') {
    for (let s = 0; s < S; s++) lowerPerGroup[s] = compare(rdms[s]!, plainMean(rdms.filter((_, r) => r !== s))) ** 2;
  } else lowerPerGroup.fill(Number.NaN);
  return {
    lower: convention === 'algonauts' ? mean(lowerPerGroup) : Number.NaN,
    upper: mean(upperPerGroup),
    lowerPerGroup,
    upperPerGroup,
    method: m,
    convention,
    pairs: keep.length,
  };
}

/** Rows of the matrix restricted to the pairs that are non-NaN in every row, and those pairs. */
export function completeRows(rdms: Matrix): { rows: Float64Array[]; keep: number[] } {
  const { rows, cols, data } = rdms;
  const keep: number[] = [];
  for (let k = 0; k < cols; k++) {
    let ok = true;
    for (let r = 0; r < rows && ok; r++) if (Number.isNaN(data[r * cols + k]!)) ok = false;
    if (ok) keep.push(k);
  }
  return { rows: Array.from({ length: rows }, (_, r) => Float64Array.from(keep, (k) => data[r * cols + k]!)), keep };
}

/** The per-RDM transform before averaging (rsatoolbox `pool_rdm`). */
function poolTransform(v: Float64Array, method: CompareMethod): Float64Array {
  switch (method) {
    case 'cosine':
    case 'cosine_cov': {
      const rms = Math.sqrt(mean(v.map((x) => x * x)));
      return v.map((x) => x / rms);
    }
    case 'corr':
    case 'corr_cov': {
      const mu = mean(v);
      const sd = Math.sqrt(mean(v.map((x) => (x - mu) * (x - mu))));
      return v.map((x) => (x - mu) / sd);
    }
    case 'spearman':
    case 'rho-a':
    case 'tau-a':
    case 'tau-b':
      return averageRanks(v);
    default:
      return v;
  }
}

function pool(prepared: Float64Array[], method: CompareMethod): Float64Array {
  const out = plainMean(prepared);
  if (method === 'corr' || method === 'corr_cov') {
    let min = Infinity;
    for (const x of out) if (x < min) min = x;
    for (let k = 0; k < out.length; k++) out[k]! -= min;
  }
  return out;
}

function plainMean(vectors: Float64Array[]): Float64Array {
  const out = new Float64Array(vectors[0]!.length);
  for (const v of vectors) for (let k = 0; k < out.length; k++) out[k]! += v[k]!;
  for (let k = 0; k < out.length; k++) out[k]! /= vectors.length;
  return out;
}

function mean(values: ArrayLike<number>): number {
  let s = 0;
  for (let k = 0; k < values.length; k++) s += values[k]!;
  return s / values.length;
}
