/**
 * Comparing two condensed RDM vectors a, b (N pairs) — rsatoolbox `compare` method ids
 * (docs/metrics.md §2.3):
 *   cosine      a·b/(‖a‖‖b‖)
 *   corr        cosine of the mean-centred vectors (Pearson r; alias 'pearson')
 *   spearman    Pearson r of average ranks (scipy `spearmanr`, rsatoolbox 'spearman')
 *   rho-a       12 (x − x̄)·(y − ȳ)/(N³ − N) on average ranks (= spearman without ties, smaller with)
 *   tau-a       (n_c − n_d)/n₀                 } kendall.ts (O(N log N))
 *   tau-b       scipy kendalltau (alias 'kendall')
 *   cosine_cov, corr_cov                          compare-cov.ts
 *   bures, bures_metric                           bures.ts (bures_metric is a squared distance)
 * Missing pairs (NaN in either vector) [choose, §8 item 18]: we compare on the intersection and
 * report the pair count; `strict: true` raises like rsatoolbox when the NaN masks differ. Ranks are
 * computed after dropping the NaN pairs. A constant vector (or zero vector for cosine) makes the
 * similarity undefined: we return NaN with a warning, as scipy does (rsatoolbox's cosine returns 0).
 * Invariances: relabelling conditions consistently in both RDMs (every method); positive scaling
 * (all but bures_metric); shifts (corr, spearman, rho-a, tau-*); monotone transforms (spearman,
 * rho-a, tau-*).
 */
import { isNearlyConstant } from '../../core/constant';
import { SimspecError } from '../../core/errors';
import { averageRanks } from '../../stats/ranks';
import { buresMetric, buresSimilarity } from './bures';
import { conditionsFromPairs, type Origin } from './condensed';
import { whitenedRdmVector } from './compare-cov';
import { kendallTauA, kendallTauB } from './kendall';

export const COMPARE_METHODS = ['cosine', 'corr', 'spearman', 'rho-a', 'tau-a', 'tau-b', 'cosine_cov', 'corr_cov', 'bures', 'bures_metric'] as const;
export type CompareMethod = (typeof COMPARE_METHODS)[number];
const ALIASES: Record<string, CompareMethod> = { pearson: 'corr', kendall: 'tau-b', 'tau_a': 'tau-a', 'tau_b': 'tau-b', 'rho_a': 'rho-a' };

/** Canonical method id ('pearson' → 'corr', 'kendall' → 'tau-b'); throws on unknown ids. */
export function canonicalCompareMethod(method: string, origin: Origin = {}): CompareMethod {
  const m = ALIASES[method] ?? method;
  if (!(COMPARE_METHODS as readonly string[]).includes(m)) {
    throw new SimspecError(`unknown RDM comparison method '${method}'`, {
      ...origin,
      expected: `one of ${COMPARE_METHODS.join(', ')}, pearson, kendall`,
      code: 'rsa.compare-method',
    });
  }
  return m as CompareMethod;
}

/** Whether higher means more similar (false only for bures_metric, a squared distance). */
export function isSimilarity(method: CompareMethod): boolean {
  return method !== 'bures_metric';
}

export interface CompareOptions extends Origin {
  /** Raise when the NaN masks of a and b differ (rsatoolbox behaviour) instead of intersecting. */
  strict?: boolean;
}

export interface Comparison {
  value: number;
  method: CompareMethod;
  /** Number of pairs compared (after dropping NaN pairs). */
  pairs: number;
  /** Pairs dropped because either vector was NaN there. */
  droppedPairs: number;
  warnings: string[];
}

/** Compare two condensed RDMs; handles NaN pairs (see header). */
export function compareRdms(a: Float64Array, b: Float64Array, method: string, options: CompareOptions = {}): Comparison {
  const origin: Origin = { file: options.file, variable: options.variable };
  const m = canonicalCompareMethod(method, origin);
  if (a.length !== b.length) {
    throw new SimspecError(`the RDMs have ${a.length} and ${b.length} pairs`, { ...origin, expected: 'RDMs over the same conditions', code: 'rsa.compare-length' });
  }
  conditionsFromPairs(a.length, origin);
  const keep = new Uint8Array(a.length);
  let kept = 0;
  let maskDiffers = false;
  for (let k = 0; k < a.length; k++) {
    const na = Number.isNaN(a[k]!);
    const nb = Number.isNaN(b[k]!);
    if (na !== nb) maskDiffers = true;
    if (!na && !nb) {
      keep[k] = 1;
      kept++;
    }
  }
  if (maskDiffers && options.strict) {
    throw new SimspecError('the two RDMs have different NaN positions', {
      ...origin,
      expected: 'identical missing pairs (strict mode, as rsatoolbox); turn strict off to compare on the shared pairs',
      code: 'rsa.nan-mask',
    });
  }
  const warnings: string[] = [];
  const dropped = a.length - kept;
  if (dropped > 0) warnings.push(`${dropped} of ${a.length} pairs are NaN in either RDM and were left out`);
  if (kept < 2) {
    warnings.push(`only ${kept} pair(s) left to compare`);
    return { value: Number.NaN, method: m, pairs: kept, droppedPairs: dropped, warnings };
  }
  let value: number;
  if (m === 'cosine_cov' || m === 'corr_cov') {
    const mask = dropped > 0 ? keep : undefined;
    let va = a;
    let vb = b;
    if (m === 'corr_cov') {
      va = subtractKeptMean(a, keep);
      vb = subtractKeptMean(b, keep);
    }
    value = cosine(whitenedRdmVector(va, mask), whitenedRdmVector(vb, mask));
  } else if (m === 'bures' || m === 'bures_metric') {
    if (dropped > 0) {
      throw new SimspecError(`${m} needs complete RDMs, but ${dropped} pairs are NaN`, { ...origin, expected: 'RDMs without missing pairs', code: 'rsa.bures-nan' });
    }
    value = m === 'bures' ? buresSimilarity(a, b) : buresMetric(a, b);
  } else {
    const va = dropped > 0 ? a.filter((_, k) => keep[k] === 1) : a;
    const vb = dropped > 0 ? b.filter((_, k) => keep[k] === 1) : b;
    value = compareComplete(va, vb, m);
  }
  if (Number.isNaN(value)) warnings.push(`${m} is undefined here: one RDM is constant (or all zero) over the compared pairs`);
  return { value, method: m, pairs: kept, droppedPairs: dropped, warnings };
}

/**
 * Comparison of two complete vectors (no NaN), the fast path for loops (noise ceilings, bootstrap,
 * permutations). Returns NaN for constant vectors.
 */
export function compareComplete(a: Float64Array, b: Float64Array, method: CompareMethod): number {
  if (RANK_OR_CENTRED.has(method) && (isConstantFor(a, method) || isConstantFor(b, method))) return Number.NaN;
  switch (method) {
    case 'cosine':
      return cosine(a, b);
    case 'corr':
      return cosine(centred(a), centred(b));
    case 'spearman':
      return cosine(centred(averageRanks(a)), centred(averageRanks(b)));
    case 'rho-a': {
      const n = a.length;
      const ra = centred(averageRanks(a));
      const rb = centred(averageRanks(b));
      return (12 * dot(ra, rb)) / (n * n * n - n);
    }
    case 'tau-a':
      return kendallTauA(a, b);
    case 'tau-b':
      return kendallTauB(a, b);
    case 'cosine_cov':
      return cosine(whitenedRdmVector(a), whitenedRdmVector(b));
    case 'corr_cov':
      return cosine(whitenedRdmVector(centred(a)), whitenedRdmVector(centred(b)));
    case 'bures':
      return buresSimilarity(a, b);
    case 'bures_metric':
      return buresMetric(a, b);
  }
}

/** Methods that are undefined (0/0) when either vector is constant. */
const RANK_OR_CENTRED = new Set<CompareMethod>(['corr', 'spearman', 'rho-a', 'tau-a', 'tau-b', 'corr_cov']);

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let k = 0; k < a.length; k++) s += a[k]! * b[k]!;
  return s;
}

/** Plain cosine; NaN when either norm is 0. */
export function cosine(a: Float64Array, b: Float64Array): number {
  const na = Math.sqrt(dot(a, a));
  const nb = Math.sqrt(dot(b, b));
  if (!(na > 0) || !(nb > 0)) return Number.NaN;
  return dot(a, b) / na / nb;
}

function centred(v: Float64Array): Float64Array {
  let s = 0;
  for (let k = 0; k < v.length; k++) s += v[k]!;
  const m = s / v.length;
  const out = new Float64Array(v.length);
  for (let k = 0; k < v.length; k++) out[k] = v[k]! - m;
  return out;
}

/** Rank methods: constant means equal values (ranks do not round); centred methods: within the relative tolerance of engine/core/constant.ts. */
function isConstantFor(v: Float64Array, method: CompareMethod): boolean {
  if (method === 'corr' || method === 'corr_cov') return isNearlyConstant(v);
  for (let k = 1; k < v.length; k++) if (v[k] !== v[0]) return false;
  return true;
}

/** v minus the mean of its kept entries (NaN entries stay NaN and are masked later). */
function subtractKeptMean(v: Float64Array, keep: Uint8Array): Float64Array {
  let s = 0;
  let c = 0;
  for (let k = 0; k < v.length; k++) {
    if (keep[k]) {
      s += v[k]!;
      c++;
    }
  }
  const m = s / c;
  return v.map((x) => x - m);
}
