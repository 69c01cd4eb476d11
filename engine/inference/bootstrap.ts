/**
 * The bootstrap, once for every family: seeded draws with replacement over stimuli, subjects or
 * both, from numpy's legacy RandomState(seed) so that a seed means the same samples as numpy
 * (`randint(0, n, n)` per resampled factor and draw), and the percentile interval of the values.
 *
 * Draw order within one draw is a convention of the peer being matched, so it is an option:
 * rsatoolbox's `eval_bootstrap*` draws subjects then stimuli ('subjects-first', RSA); the matrix
 * families draw stimuli then subjects ('stimuli-first'). Callers evaluate each draw themselves and
 * mark an undefined draw NaN; `percentileInterval` and `bootstrapSummary` skip NaN.
 * Cancellable: the signal is checked before every draw (CancelledError).
 */
import { CancelledError } from '../core/errors';
import { NumpyRandomState } from '../stats/random';
import { normalCdf, normalQuantile } from '../stats/normal';
import { percentile } from '../stats/summary';

export interface BootstrapPlan {
  samples: number;
  seed: number;
  /** Number of stimuli n (rows) and subjects. */
  stimuli: number;
  subjects: number;
  resampleStimuli: boolean;
  resampleSubjects: boolean;
  order: 'subjects-first' | 'stimuli-first';
  /**
   * How stimuli are drawn: 'with-replacement' (randint(0, n, n); RSA, whose RDM comparison drops
   * the pairs of copies) or 'half-sample' (permutation(n)[:⌊n/2⌋], no stimulus twice; the matrix
   * families, docs/metrics.md §2.6). Default 'with-replacement'.
   */
  stimulusDraw?: 'with-replacement' | 'half-sample';
  signal?: AbortSignal;
}

export interface BootstrapDraw {
  index: number;
  /** Drawn stimulus indices, or null when stimuli are not resampled. */
  stimuli: Int32Array | null;
  /** Drawn subject indices, or null when subjects are not resampled. */
  subjects: Int32Array | null;
}

/** Call `visit` once per draw, in order. */
export function forEachBootstrapDraw(plan: BootstrapPlan, visit: (draw: BootstrapDraw) => void): void {
  const rng = new NumpyRandomState(plan.seed);
  const half = Math.floor(plan.stimuli / 2);
  const drawStimuli = () =>
    !plan.resampleStimuli ? null : plan.stimulusDraw === 'half-sample' ? rng.permutation(plan.stimuli).slice(0, half).sort() : rng.integers(plan.stimuli, plan.stimuli);
  const drawSubjects = () => (plan.resampleSubjects ? rng.integers(plan.subjects, plan.subjects) : null);
  for (let index = 0; index < plan.samples; index++) {
    if (plan.signal?.aborted) throw new CancelledError();
    if (plan.order === 'subjects-first') {
      const subjects = drawSubjects();
      visit({ index, subjects, stimuli: drawStimuli() });
    } else {
      const stimuli = drawStimuli();
      visit({ index, stimuli, subjects: drawSubjects() });
    }
  }
}

/**
 * Central percentile interval of `levelPercent` (e.g. 95) over the non-NaN values: the
 * (100 − level)/2 and 100 − that percentiles with numpy's linear interpolation.
 */
export function percentileInterval(values: ArrayLike<number>, levelPercent: number): { lower: number; upper: number } {
  const sorted = finiteSorted(values);
  const tail = (100 - levelPercent) / 2;
  return { lower: percentile(sorted, tail), upper: percentile(sorted, 100 - tail) };
}

export interface BootstrapSummary {
  mean: number;
  /** Bootstrap variance (ddof 1) before the n/(n−1) correction. */
  rawVariance: number;
  /** rawVariance · n/(n−1) (rsatoolbox's small-sample correction; n = the resampled count). */
  variance: number;
  sem: number;
  ciLow: number;
  ciHigh: number;
}

/** Mean, variance (ddof 1, then × n/(n−1)), SEM and percentile interval of the non-NaN values. */
export function bootstrapSummary(values: ArrayLike<number>, correctionN: number, levelPercent: number): BootstrapSummary {
  const valid = finiteSorted(values);
  const count = valid.length;
  let s = 0;
  for (const v of valid) s += v;
  const mean = s / count;
  let ss = 0;
  for (const v of valid) ss += (v - mean) ** 2;
  const rawVariance = count > 1 ? ss / (count - 1) : Number.NaN;
  const variance = correctionN > 1 ? (rawVariance * correctionN) / (correctionN - 1) : Number.NaN;
  const { lower, upper } = percentileInterval(valid, levelPercent);
  return { mean, rawVariance, variance, sem: Math.sqrt(variance), ciLow: lower, ciHigh: upper };
}

/**
 * The one standard-error convention of every family (docs/metrics.md §2.6): the bootstrap's SE is
 * scaled so that, for a sample mean, it equals the textbook s/√n with s the ddof-1 SD of the data.
 * Named in every interval record (`ci.standardErrorConvention`).
 */
export const STANDARD_ERROR_CONVENTION = 'matched to s/√n (ddof 1) for a mean';

/**
 * Half-sample draws of a statistic made comparable with the full-sample value (docs/metrics.md
 * §2.6): each draw v_b becomes θ̂ + c·(v_b − median v), with c = √(m/(n − m)) for m = ⌊n/2⌋ of n
 * stimuli (c = 1 for even n). The shift removes the statistic's dependence on the number of stimuli
 * (a Procrustes distance or a CKA on n/2 stimuli is not one on n); c makes the variance of a mean
 * over half-samples, σ²_pop(n − m)/(m(n − 1)), equal s²/n. NaN draws stay NaN.
 */
export function centredHalfSampleDraws(values: ArrayLike<number>, observed: number, stimuli: number): Float64Array {
  const m = Math.floor(stimuli / 2);
  const scale = Math.sqrt(m / (stimuli - m));
  const sorted = finiteSorted(values);
  const centre = percentile(sorted, 50);
  return Float64Array.from(values, (v) => observed + scale * (v - centre));
}

/**
 * BCa interval (Efron 1987, "Better bootstrap confidence intervals"; Efron & Tibshirani 1993 §14.3,
 * eq. 14.15), as scipy.stats.bootstrap(method='BCa') computes it: z0 = Φ⁻¹((#{v < θ̂} + #{v ≤ θ̂})/(2B)),
 * acceleration â = Σ U³ / (6 (Σ U²)^{3/2}) with U_i = (n − 1)(mean θ̂_(·) − θ̂_(i)) over the
 * jackknife values θ̂_(i), and the interval the percentiles Φ(z0 + (z0 + z_α)/(1 − â(z0 + z_α)))
 * and the same with z_{1−α}, α = (1 − level)/2, of the non-NaN draws (numpy's linear interpolation).
 */
export function bcaInterval(values: ArrayLike<number>, observed: number, jackknife: ArrayLike<number>, levelPercent: number): { lower: number; upper: number; z0: number; acceleration: number } {
  const sorted = finiteSorted(values);
  const count = sorted.length;
  let below = 0;
  let atOrBelow = 0;
  for (const v of sorted) {
    if (v < observed) below++;
    if (v <= observed) atOrBelow++;
  }
  const z0 = normalQuantile((below + atOrBelow) / (2 * count));
  const jack = Float64Array.from(jackknife).filter((v) => !Number.isNaN(v));
  const n = jack.length;
  let mean = 0;
  for (const v of jack) mean += v / n;
  let cubes = 0;
  let squares = 0;
  for (const v of jack) {
    const u = (n - 1) * (mean - v);
    cubes += u ** 3 / n ** 3;
    squares += u ** 2 / n ** 2;
  }
  const acceleration = cubes / (6 * squares ** 1.5);
  const zAlpha = normalQuantile((100 - levelPercent) / 200);
  const position = (z: number) => {
    const num = z0 + z;
    return normalCdf(z0 + num / (1 - acceleration * num));
  };
  return { lower: percentile(sorted, 100 * position(zAlpha)), upper: percentile(sorted, 100 * position(-zAlpha)), z0, acceleration };
}

/** Values as little-endian float32, base64 (the draws kept in a results file: `ci.draws`). */
export function encodeFloat32Base64(values: ArrayLike<number>): string {
  const bytes = new Uint8Array(values.length * 4);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < values.length; i++) view.setFloat32(i * 4, values[i]!, true);
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

/** The inverse of encodeFloat32Base64 (float32 precision). */
export function decodeFloat32Base64(text: string): Float64Array {
  const binary = atob(text);
  const view = new DataView(new ArrayBuffer(binary.length));
  for (let i = 0; i < binary.length; i++) view.setUint8(i, binary.charCodeAt(i));
  return Float64Array.from({ length: binary.length / 4 }, (_, i) => view.getFloat32(i * 4, true));
}

function finiteSorted(values: ArrayLike<number>): Float64Array {
  return Float64Array.from(values).filter((v) => !Number.isNaN(v)).sort();
}
