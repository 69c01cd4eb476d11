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
  const drawStimuli = () => (plan.resampleStimuli ? rng.integers(plan.stimuli, plan.stimuli) : null);
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

function finiteSorted(values: ArrayLike<number>): Float64Array {
  return Float64Array.from(values).filter((v) => !Number.isNaN(v)).sort();
}
